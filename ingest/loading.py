"""Turn article files on disk (text, Markdown, HTML, JSON/JSONL, PDF) into :class:`Document` records.

Every loader either returns at least one document with non-empty text or raises
:class:`LoadError`, so callers can report per-file problems without crashing a reindex.
"""

from __future__ import annotations

import html as html_lib
import io
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from ingest.document import Document, short_hash

logger = logging.getLogger(__name__)

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl", ".pdf"})

_TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
_HTML_SUFFIXES = frozenset({".html", ".htm"})

# Header keys recognised directly below the title of a text/Markdown article.
_HEADER_RE = re.compile(r"^\s*(source|published|url|author)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_MD_HEADING_RE = re.compile(r"^\s*#{1,6}\s+")
_TITLE_TAG_RE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)

# Record field names, in order of preference.
_BODY_KEYS = ("body", "text", "content")
_DATE_KEYS = ("published", "date", "published_at", "publishedAt")

# How many non-blank lines at the end of a text article are searched for a trailing byline.
_TRAILING_HEADER_LINES = 3
_MAX_FIELD_WORDS = 8

# A title derived from a body line should still read like a title.
_MAX_DERIVED_TITLE = 200

# Libraries the loaders call that log their own complaints about a file ("invalid pdf header", "discarding
# data: None"). Those lines belong in the one reason a skipped file is reported with, not on the console.
_LIBRARY_LOGGERS = ("pypdf", "trafilatura", "htmldate", "courlan", "justext")
_MAX_NOTES_CHARS = 300


class LoadError(Exception):
    """A file that cannot be turned into documents; ``reason`` is short enough for a log line or an API reply."""

    def __init__(self, reason: str, path: Path | str | None = None) -> None:
        self.reason = reason
        self.path = str(path) if path is not None else ""
        super().__init__(f"{self.path}: {reason}" if self.path else reason)


# --------------------------------------------------------------------------- library messages


class _LibraryNotes(logging.Handler):
    """Collects the library loggers' records for the file the current thread is loading.

    Installed once, with propagation off, so the records never reach the console on their own; a thread
    that is not loading a file (none should log there) gets them passed on to the root logger unchanged.
    """

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self._local = threading.local()

    @contextmanager
    def collect(self) -> Iterator[list[str]]:
        notes: list[str] = []
        previous = getattr(self._local, "notes", None)
        self._local.notes = notes
        try:
            yield notes
        finally:
            self._local.notes = previous

    def emit(self, record: logging.LogRecord) -> None:
        notes = getattr(self._local, "notes", None)
        if notes is None:
            logging.getLogger().handle(record)
            return
        if record.levelno >= logging.WARNING:
            note = f"{record.name.split('.')[0]}: {' '.join(record.getMessage().split())}"
            if note not in notes:
                notes.append(note)


_library_notes = _LibraryNotes()
for _name in _LIBRARY_LOGGERS:
    _library_logger = logging.getLogger(_name)
    _library_logger.addHandler(_library_notes)
    _library_logger.propagate = False


def _with_notes(reason: str, notes: list[str]) -> str:
    """``reason (pypdf: invalid pdf header; EOF marker not found)``: each library named once."""
    if not notes:
        return reason
    said, library = "", ""
    for note in notes:
        name, _, message = note.partition(": ")
        said += ("; " if said else "") + (message if name == library else note)
        library = name
    if len(said) > _MAX_NOTES_CHARS:
        said = said[: _MAX_NOTES_CHARS - 1].rstrip() + "…"
    return f"{reason} ({said})"


# --------------------------------------------------------------------------- files


def iter_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders recursively (sorted, hidden and ``~`` names skipped); files are kept as given.

    Unsupported files are returned too: ``load_file`` raises for them, so the caller can report them.
    """
    found: list[Path] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        if p not in seen:
            seen.add(p)
            found.append(p)

    for given in paths:
        given = Path(given)
        if not given.is_dir():
            add(given)
            continue
        in_folder: list[Path] = []
        for dirpath, dirnames, filenames in os.walk(given):
            # Pruning in place stops os.walk descending into .git, .venv, ~tmp folders at all.
            dirnames[:] = [d for d in dirnames if not _is_hidden(d)]
            in_folder.extend(Path(dirpath) / f for f in filenames if not _is_hidden(f))
        for p in sorted(in_folder, key=lambda q: q.relative_to(given).as_posix()):
            add(p)
    return found


def _is_hidden(name: str) -> bool:
    # "~" covers editor backups and Office lock files (~$report.docx).
    return name.startswith((".", "~"))


def load_file(path: Path, root: Path | None = None) -> list[Document]:
    """Load one file into one document (or one per record for JSON/JSONL); raise :class:`LoadError` if impossible."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"unsupported file type '{suffix}'" if suffix else "unsupported file type (no extension)", path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise LoadError("file not found", path) from None
    except IsADirectoryError:
        raise LoadError("is a folder, not a file", path) from None
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}", path) from None

    display = _display_path(path, root)
    loader = _LOADERS[_loader_kind(suffix)]
    with _library_notes.collect() as notes:
        try:
            documents = loader(data, display, path)
        except LoadError as exc:
            raise LoadError(_with_notes(exc.reason, notes), exc.path or path) from exc.__cause__
    for note in notes:  # the file loaded: what the library grumbled about is only of interest when debugging
        logger.debug("%s: %s", display, note)
    return documents


def _loader_kind(suffix: str) -> str:
    if suffix in _TEXT_SUFFIXES:
        return "text"
    if suffix in _HTML_SUFFIXES:
        return "html"
    return suffix.lstrip(".")


def _display_path(path: Path, root: Path | None) -> str:
    """Relative to ``root`` when inside it, so ids survive moving the documents folder; else absolute."""
    absolute = Path(os.path.abspath(path))
    if root is not None:
        # Lexical first (keeps symlinked files inside the folder "inside"), then resolved.
        for candidate, base in (
            (absolute, Path(os.path.abspath(root))),
            (path.resolve(), Path(root).resolve()),
        ):
            try:
                return candidate.relative_to(base).as_posix()
            except ValueError:
                continue
    return absolute.as_posix()


def _decode_utf8(data: bytes) -> str:
    try:
        # utf-8-sig: files saved by Windows editors start with a BOM that must not end up in the title.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not valid UTF-8 (bad byte at offset {exc.start})") from None
    return _normalise_newlines(text)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n")


# --------------------------------------------------------------------------- text / Markdown


def _load_text(data: bytes, display: str, path: Path) -> list[Document]:
    text = _decode_utf8(data)
    if not text.strip():
        raise LoadError("empty")

    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    title = _MD_HEADING_RE.sub("", lines[i]).strip()
    i += 1

    # Headers must directly follow the title (blank lines allowed before them), so a body
    # paragraph that happens to start with "Source:" is never mistaken for metadata.
    meta: dict[str, str] = {}
    j = i
    while j < len(lines) and not lines[j].strip():
        j += 1
    while j < len(lines) and (m := _HEADER_RE.match(lines[j])):
        meta.setdefault(m.group(1).lower(), m.group(2))
        j += 1
    if meta:
        i = j

    # Bylines also come at the end ("Author: Dave DeCamp" above a line about the author): a header line
    # among the last few non-blank lines counts too, unless the header block already gave that field.
    tail = [k for k in range(len(lines) - 1, i - 1, -1) if lines[k].strip()][:_TRAILING_HEADER_LINES]
    for k in tail:
        if (m := _HEADER_RE.match(lines[k])) and m.group(1).lower() not in meta and _looks_like_field(m.group(2)):
            meta[m.group(1).lower()] = m.group(2)
            lines[k] = ""

    body = "\n".join(lines[i:]).strip()
    if not body:
        raise LoadError("empty (a title but no body text)")
    return [
        Document(
            doc_id=short_hash(display),
            title=title,
            text=body,
            source=meta.get("source", ""),
            published=parse_date(meta.get("published", "")),
            url=meta.get("url", ""),
            author=meta.get("author", ""),
            path=display,
        )
    ]


def text_article(title: str, text: str, source: str = "", published: str = "", url: str = "", author: str = "") -> str:
    """An article as a Markdown file in the layout ``_load_text`` reads back: heading, header lines, body."""
    fields = (("Source", source), ("Published", published), ("URL", url), ("Author", author))
    header_block = "\n".join(f"{name}: {value}" for name, value in fields if value)
    return f"# {title.strip()}\n\n" + (f"{header_block}\n\n" if header_block else "") + text.strip() + "\n"


def _looks_like_field(value: str) -> bool:
    # "Source: a quote in the body." closing an article is prose, not metadata: a field value is short
    # and doesn't end like a sentence.
    return bool(value) and len(value.split()) <= _MAX_FIELD_WORDS and not value.endswith((".", "!", "?", '"'))


# --------------------------------------------------------------------------- HTML


def _load_html(data: bytes, display: str, path: Path) -> list[Document]:
    if not data.strip():
        raise LoadError("empty")
    import trafilatura  # deferred: pulls in lxml, htmldate, justext; only HTML needs them

    markup = _decode_html(data)
    extracted: dict[str, Any] | None = None
    # A second, recall-oriented pass rescues short pages that the precision defaults discard.
    for favor_recall in (False, True):
        try:
            raw = trafilatura.extract(
                markup,
                output_format="json",
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                favor_recall=favor_recall,
            )
        except Exception as exc:  # trafilatura/lxml raise many types on hostile markup
            raise LoadError(f"could not parse HTML ({type(exc).__name__})") from exc
        if raw:
            extracted = json.loads(raw)
            if (extracted.get("text") or "").strip():
                break
            extracted = None
    if extracted is None:
        raise LoadError("no text could be extracted")

    text = _normalise_newlines(str(extracted.get("text") or "")).strip()
    title = _clean(extracted.get("title")) or _html_title(markup) or _first_line(text) or path.stem
    return [
        Document(
            doc_id=short_hash(display),
            title=title,
            text=text,
            # trafilatura's JSON renames sitename to "source-hostname" and url to "source".
            source=_clean(extracted.get("source-hostname")) or _clean(extracted.get("hostname")),
            published=parse_date(_clean(extracted.get("date"))),
            url=_clean(extracted.get("source")),
            author=_clean(extracted.get("author")),
            path=display,
        )
    ]


def _decode_html(data: bytes) -> str:
    # Saved pages are mostly UTF-8; the <meta charset> of older pages is honoured before guessing Latin-1.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    m = re.search(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", data[:4096], re.IGNORECASE)
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("cp1252", errors="replace")


def _html_title(markup: str) -> str:
    m = _TITLE_TAG_RE.search(markup)
    return " ".join(html_lib.unescape(m.group(1)).split()) if m else ""


# --------------------------------------------------------------------------- JSON / JSONL


def _load_json(data: bytes, display: str, path: Path) -> list[Document]:
    text = _decode_utf8(data)
    if not text.strip():
        raise LoadError("empty")
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LoadError(f"invalid JSON on line {exc.lineno}: {exc.msg}") from None

    if isinstance(parsed, dict) and isinstance(parsed.get("articles"), list):
        records: list[Any] = parsed["articles"]
    elif isinstance(parsed, dict):
        records = [parsed]
    elif isinstance(parsed, list):
        records = parsed
    else:
        raise LoadError(f"expected a JSON object or a list of objects, got {type(parsed).__name__}")
    return _records_to_documents(records, display)


def _load_jsonl(data: bytes, display: str, path: Path) -> list[Document]:
    text = _decode_utf8(data)
    if not text.strip():
        raise LoadError("empty")
    records: list[Any] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise LoadError(f"invalid JSON on line {lineno}: {exc.msg}") from None
    return _records_to_documents(records, display)


def _records_to_documents(records: list[Any], display: str) -> list[Document]:
    if not records:
        raise LoadError("no records")
    documents: list[Document] = []
    skipped: list[str] = []
    seen_ids: set[str] = set()
    for i, record in enumerate(records):
        if not isinstance(record, dict):
            skipped.append(f"record {i} is not an object")
            continue
        body = next(
            (_normalise_newlines(v).strip() for k in _BODY_KEYS if isinstance(v := record.get(k), str) and v.strip()),
            "",
        )
        if not body:
            skipped.append(f"record {i} has no body text ('body', 'text' or 'content')")
            continue
        url = _clean(record.get("url"))
        doc_id = short_hash(url) if url else short_hash(f"{display}#{i}")
        if doc_id in seen_ids:
            # Same URL twice in one file is the same article; a second copy would collide in the index.
            skipped.append(f"record {i} repeats the url of an earlier record")
            continue
        seen_ids.add(doc_id)
        documents.append(
            Document(
                doc_id=doc_id,
                title=_clean(record.get("title")) or _first_line(body),
                text=body,
                source=_record_source(record.get("source")),
                published=parse_date(next((s for k in _DATE_KEYS if (s := _clean(record.get(k)))), "")),
                url=url,
                author=_clean(record.get("author")),
                path=display,
            )
        )
    for reason in skipped:
        logger.info("%s: skipped %s", display, reason)
    if not documents:
        more = f" (and {len(skipped) - 1} more)" if len(skipped) > 1 else ""
        raise LoadError(f"no usable records: {skipped[0]}{more}")
    return documents


def _record_source(value: Any) -> str:
    # NewsAPI-style exports nest the outlet as {"id": ..., "name": ...}.
    if isinstance(value, dict):
        return _clean(value.get("name")) or _clean(value.get("id"))
    return _clean(value)


# --------------------------------------------------------------------------- PDF


def _load_pdf(data: bytes, display: str, path: Path) -> list[Document]:
    if not data.strip():
        raise LoadError("empty")
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Many "protected" PDFs only restrict printing and open with the empty user password.
            try:
                unlocked = reader.decrypt("")
            except Exception as exc:  # missing crypto backend, unsupported algorithm
                raise LoadError(f"encrypted PDF ({exc})") from exc
            if not unlocked:
                raise LoadError("encrypted PDF (password required)")
        pages = [_normalise_newlines(page.extract_text() or "").strip() for page in reader.pages]
    except LoadError:
        raise
    except Exception as exc:  # pypdf raises PdfReadError, ValueError, KeyError, ... on broken files
        raise LoadError(f"not a readable PDF ({type(exc).__name__}: {exc})") from exc

    text = "\n\n".join(p for p in pages if p)
    if not text:
        raise LoadError("no text could be extracted (scanned PDF?)")

    meta_title = meta_author = ""
    try:
        if reader.metadata is not None:
            meta_title = _clean(reader.metadata.title)
            meta_author = _clean(reader.metadata.author)
    except Exception:  # a broken info dictionary should not lose readable text
        logger.debug("%s: unreadable PDF metadata", display, exc_info=True)

    # The creation date is when the PDF was produced, not when the article was published,
    # so ``published`` stays empty rather than misleading "latest news" questions.
    return [
        Document(
            doc_id=short_hash(display),
            title=meta_title or _first_line(text),
            text=text,
            author=meta_author,
            path=display,
        )
    ]


# --------------------------------------------------------------------------- helpers

_LOADERS: dict[str, Callable[[bytes, str, Path], list[Document]]] = {
    "text": _load_text,
    "html": _load_html,
    "json": _load_json,
    "jsonl": _load_jsonl,
    "pdf": _load_pdf,
}


def _clean(value: Any) -> str:
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return " ".join(str(value).split())


def _first_line(text: str) -> str:
    line = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    line = _MD_HEADING_RE.sub("", line)
    return line if len(line) <= _MAX_DERIVED_TITLE else line[: _MAX_DERIVED_TITLE - 1].rstrip() + "…"


# --------------------------------------------------------------------------- dates

_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_WORD = r"([A-Za-z]{3,9})\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_ISO_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d])")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC_US_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\d])")
_MONTH_FIRST_RE = re.compile(rf"\b{_MONTH_WORD}\s+{_DAY},?\s+(\d{{4}})\b")
_DAY_FIRST_RE = re.compile(rf"\b{_DAY}\s+{_MONTH_WORD},?\s+(\d{{4}})\b")


def parse_date(value: str) -> str:
    """Return ``YYYY-MM-DD`` for the date formats news sites use, or ``""`` when there is no full date."""
    value = (value or "").strip()
    if not value:
        return ""

    m = _ISO_RE.match(value) or _COMPACT_RE.match(value)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))

    m = _NUMERIC_US_RE.match(value)
    if m:
        first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        # US order first (most English-language news); fall back to day-first when the month would be > 12.
        return _iso(year, first, second) or _iso(year, second, first)

    m = _MONTH_FIRST_RE.search(value)
    if m and (month := _month_number(m.group(1))):
        return _iso(int(m.group(3)), month, int(m.group(2)))
    m = _DAY_FIRST_RE.search(value)
    if m and (month := _month_number(m.group(2))):
        return _iso(int(m.group(3)), month, int(m.group(1)))

    # Last resort for RFC 2822 variants the patterns above miss; the date is kept as written, not shifted to UTC.
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return ""


def _month_number(word: str) -> int:
    word = word.lower()
    for number, name in enumerate(_MONTHS, start=1):
        # "Sept" and "Sep" are both prefixes of "september"; "Marathon" is not a prefix of "march".
        if len(word) >= 3 and name.startswith(word):
            return number
    return 0


def _iso(year: int, month: int, day: int) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""

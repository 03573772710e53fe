"""Saved web pages (.html .htm): the article's text and metadata as trafilatura extracts them."""

from __future__ import annotations

import html as html_lib
import json
import re
from pathlib import Path
from typing import Any

from ingest.document import Document, short_hash
from ingest.loaders.common import clean, first_line, normalise_newlines
from ingest.loaders.dates import parse_date
from ingest.loaders.errors import LoadError

_TITLE_TAG_RE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)


def load(data: bytes, display: str, path: Path) -> list[Document]:
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

    text = normalise_newlines(str(extracted.get("text") or "")).strip()
    title = clean(extracted.get("title")) or _html_title(markup) or first_line(text) or path.stem
    return [
        Document(
            doc_id=short_hash(display),
            title=title,
            text=text,
            # trafilatura's JSON renames sitename to "source-hostname" and url to "source".
            source=clean(extracted.get("source-hostname")) or clean(extracted.get("hostname")),
            published=parse_date(clean(extracted.get("date"))),
            url=clean(extracted.get("source")),
            author=clean(extracted.get("author")),
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

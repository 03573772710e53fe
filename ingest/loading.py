"""Turn article files on disk (text, Markdown, HTML, JSON/JSONL, PDF) into :class:`Document` records.

The front door of ``ingest.loaders``: which files a folder holds, and which loader a file's suffix gets.
Every loader either returns at least one document with non-empty text or raises
:class:`LoadError`, so callers can report per-file problems without crashing a reindex.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from ingest.document import Document
from ingest.loaders import html, json, jsonl, pdf, text
from ingest.loaders.dates import parse_date
from ingest.loaders.errors import LoadError
from ingest.loaders.library_notes import library_notes, with_notes
from ingest.loaders.text import text_article

__all__ = [
    "LOADERS",
    "SUPPORTED_SUFFIXES",
    "LoadError",
    "Loader",
    "iter_files",
    "load_file",
    "parse_date",
    "text_article",
]

logger = logging.getLogger(__name__)

Loader = Callable[[bytes, str, Path], list[Document]]

LOADERS: dict[str, Loader] = {
    ".txt": text.load,
    ".md": text.load,
    ".markdown": text.load,
    ".html": html.load,
    ".htm": html.load,
    ".json": json.load,
    ".jsonl": jsonl.load,
    ".pdf": pdf.load,
}

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(LOADERS)
# Bumped whenever loading the same file yields other documents (2: text in NFC, ingest.document): the indexer then
# reads every file again once.
LOADER_VERSION = 2


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
    loader = LOADERS[suffix]
    with library_notes.collect() as notes:
        try:
            documents = loader(data, display, path)
        except LoadError as exc:
            raise LoadError(with_notes(exc.reason, notes), exc.path or path) from exc.__cause__
    for note in notes:  # the file loaded: what the library grumbled about is only of interest when debugging
        logger.debug("%s: %s", display, note)
    return documents


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

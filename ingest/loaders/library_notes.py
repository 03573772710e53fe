"""What the libraries the loaders call log about a file, kept for the reason a skipped file is reported with."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Libraries the loaders call that log their own complaints about a file ("invalid pdf header", "discarding
# data: None"). Those lines belong in the one reason a skipped file is reported with, not on the console.
_LIBRARY_LOGGERS = ("pypdf", "trafilatura", "htmldate", "courlan", "justext")
_MAX_NOTES_CHARS = 300


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


library_notes = _LibraryNotes()
for _name in _LIBRARY_LOGGERS:
    _library_logger = logging.getLogger(_name)
    _library_logger.addHandler(library_notes)
    _library_logger.propagate = False


def with_notes(reason: str, notes: list[str]) -> str:
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

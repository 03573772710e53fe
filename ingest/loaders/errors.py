"""The one exception a loader raises for a file it cannot turn into documents."""

from __future__ import annotations

from pathlib import Path


class LoadError(Exception):
    """A file that cannot be turned into documents; ``reason`` is short enough for a log line or an API reply."""

    def __init__(self, reason: str, path: Path | str | None = None) -> None:
        self.reason = reason
        self.path = str(path) if path is not None else ""
        super().__init__(f"{self.path}: {reason}" if self.path else reason)

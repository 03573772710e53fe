"""JSON Lines files (.jsonl): one article record a line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ingest.document import Document
from ingest.loaders.common import decode_utf8
from ingest.loaders.errors import LoadError
from ingest.loaders.records import records_to_documents


def load(data: bytes, display: str, path: Path) -> list[Document]:
    text = decode_utf8(data)
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
    return records_to_documents(records, display)

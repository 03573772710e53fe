"""JSON files (.json): one article record, a list of them, or ``{"articles": [...]}``."""

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
    return records_to_documents(records, display)

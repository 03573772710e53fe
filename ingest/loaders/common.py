"""Text helpers several loaders share: decoding UTF-8, newlines, a field's value, a title from the first line."""

from __future__ import annotations

import re
from typing import Any

from ingest.loaders.errors import LoadError

MD_HEADING_RE = re.compile(r"^\s*#{1,6}\s+")

# A title derived from a body line should still read like a title.
_MAX_DERIVED_TITLE = 200


def decode_utf8(data: bytes) -> str:
    try:
        # utf-8-sig: files saved by Windows editors start with a BOM that must not end up in the title.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not valid UTF-8 (bad byte at offset {exc.start})") from None
    return normalise_newlines(text)


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n")


def clean(value: Any) -> str:
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return " ".join(str(value).split())


def first_line(text: str) -> str:
    line = next((ln.strip() for ln in text.split("\n") if ln.strip()), "")
    line = MD_HEADING_RE.sub("", line)
    return line if len(line) <= _MAX_DERIVED_TITLE else line[: _MAX_DERIVED_TITLE - 1].rstrip() + "…"

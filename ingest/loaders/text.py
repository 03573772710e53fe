"""Text and Markdown articles (.txt .md .markdown): a title line, header lines below it, the body, a byline."""

from __future__ import annotations

import re
from pathlib import Path

from ingest.document import Document, short_hash
from ingest.loaders.common import MD_HEADING_RE, decode_utf8
from ingest.loaders.dates import parse_date
from ingest.loaders.errors import LoadError

# Header keys recognised directly below the title of a text/Markdown article.
_HEADER_RE = re.compile(r"^\s*(source|published|url|author)\s*:\s*(.*?)\s*$", re.IGNORECASE)

# How many non-blank lines at the end of a text article are searched for a trailing byline.
_TRAILING_HEADER_LINES = 3
_MAX_FIELD_WORDS = 8


def load(data: bytes, display: str, path: Path) -> list[Document]:
    text = decode_utf8(data)
    if not text.strip():
        raise LoadError("empty")

    lines = text.split("\n")
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    title = MD_HEADING_RE.sub("", lines[i]).strip()
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
    """An article as a Markdown file in the layout ``load`` reads back: heading, header lines, body."""
    fields = (("Source", source), ("Published", published), ("URL", url), ("Author", author))
    header_block = "\n".join(f"{name}: {value}" for name, value in fields if value)
    return f"# {title.strip()}\n\n" + (f"{header_block}\n\n" if header_block else "") + text.strip() + "\n"


def _looks_like_field(value: str) -> bool:
    # "Source: a quote in the body." closing an article is prose, not metadata: a field value is short
    # and doesn't end like a sentence.
    return bool(value) and len(value.split()) <= _MAX_FIELD_WORDS and not value.endswith((".", "!", "?", '"'))

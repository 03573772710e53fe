"""Article records, as JSON and JSONL files hold them, into documents: one a record, bad records skipped."""

from __future__ import annotations

import logging
from typing import Any

from ingest.document import Document, short_hash
from ingest.loaders.common import clean, first_line, normalise_newlines
from ingest.loaders.dates import parse_date
from ingest.loaders.errors import LoadError

logger = logging.getLogger(__name__)

# Record field names, in order of preference.
_BODY_KEYS = ("body", "text", "content")
_DATE_KEYS = ("published", "date", "published_at", "publishedAt")


def records_to_documents(records: list[Any], display: str) -> list[Document]:
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
            (normalise_newlines(v).strip() for k in _BODY_KEYS if isinstance(v := record.get(k), str) and v.strip()),
            "",
        )
        if not body:
            skipped.append(f"record {i} has no body text ('body', 'text' or 'content')")
            continue
        url = clean(record.get("url"))
        doc_id = short_hash(url) if url else short_hash(f"{display}#{i}")
        if doc_id in seen_ids:
            # Same URL twice in one file is the same article; a second copy would collide in the index.
            skipped.append(f"record {i} repeats the url of an earlier record")
            continue
        seen_ids.add(doc_id)
        documents.append(
            Document(
                doc_id=doc_id,
                title=clean(record.get("title")) or first_line(body),
                text=body,
                source=_record_source(record.get("source")),
                published=parse_date(next((s for k in _DATE_KEYS if (s := clean(record.get(k)))), "")),
                url=url,
                author=clean(record.get("author")),
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
        return clean(value.get("name")) or clean(value.get("id"))
    return clean(value)

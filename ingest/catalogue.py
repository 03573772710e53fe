"""The articles of the index as a reader is shown them: listed newest first, of one source, a page at a time, or
one with its chunks.

The service between the store and whoever lists articles (the HTTP routes, the health check): they ask here, and
never filter, sort, page or look a record up in the manifest themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.store import COMMITTED, DocumentRecord, IndexStore

# The fields of a DocumentRecord that are the index's bookkeeping, not facts about the article: never shown.
BOOKKEEPING = frozenset({"file", "content_hash", "version", "state"})


@dataclass(frozen=True, slots=True)
class Page:
    total: int  # articles that match, on every page
    offset: int
    limit: int
    items: list[DocumentRecord]


@dataclass(frozen=True, slots=True)
class Chunk:
    chunk_id: str
    text: str
    start: int  # character offsets in the article's text
    end: int


class Catalogue:
    """Reads the articles of one store's index (its manifest and, for one article, its chunks)."""

    def __init__(self, store: IndexStore) -> None:
        self._store = store

    def count(self) -> int:
        return len(self._store.manifest.listed())

    def page(self, offset: int = 0, limit: int = 20, source: str | None = None) -> Page:
        records = self._store.manifest.listed()
        if source:
            records = [d for d in records if d.source == source]
        # Newest first, the order a news reader expects; undated last.
        records.sort(key=lambda d: (d.published or "0000", d.indexed_at, d.title), reverse=True)
        return Page(len(records), offset, limit, records[offset : offset + limit])

    def get(self, doc_id: str) -> DocumentRecord | None:
        """The article with this id, once its write has committed (a same-content copy included), as
        Chroma holds it now: one article asked for by id is read fresh, a listing from the view."""
        record = self._store.record(doc_id)
        return record if record is not None and record.state == COMMITTED else None

    def chunks(self, record: DocumentRecord) -> list[Chunk]:
        """The article's chunks; a same-content copy has none of its own and shows the original's."""
        canonical = self.get(record.duplicate_of) if record.duplicate_of else record
        if canonical is None:
            return []
        return [
            Chunk(chunk_id, text, int(meta.get("start", 0)), int(meta.get("end", 0)))
            for chunk_id, text, meta in self._store.chunks_of(canonical.doc_id, canonical)
        ]

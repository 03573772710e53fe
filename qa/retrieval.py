"""Hybrid retrieval: dense search in Chroma and BM25 over the same chunks, fused by reciprocal rank."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from ingest.chunking import published_day
from ingest.embedding import Embedder
from ingest.settings import Settings
from ingest.store import IndexStore
from qa.passage import Passage


@dataclass(frozen=True, slots=True)
class Filters:
    source: str | None = None
    published_after: date | None = None  # inclusive
    published_before: date | None = None  # inclusive
    # Documents left out of retrieval altogether (e.g. to ask a question without its evidence articles).
    exclude_doc_ids: frozenset[str] | tuple[str, ...] = ()

    def day_range(self) -> tuple[int | None, int | None]:
        after = published_day(self.published_after.isoformat()) if self.published_after else None
        before = published_day(self.published_before.isoformat()) if self.published_before else None
        if before is not None and after is None:
            after = 0  # undated chunks (published_day -1) are not "published on or before" any date
        return after, before

    def chroma_where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.source:
            clauses.append({"source": self.source})
        after, before = self.day_range()
        if after is not None:
            clauses.append({"published_day": {"$gte": after}})
        if before is not None:
            clauses.append({"published_day": {"$lte": before}})
        if self.exclude_doc_ids:
            clauses.append({"doc_id": {"$nin": sorted(self.exclude_doc_ids)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass(slots=True)
class Retrieval:
    query: str
    passages: list[Passage]

    @property
    def best_similarity(self) -> float:
        return max((p.similarity for p in self.passages), default=0.0)


class Retriever:
    def __init__(self, store: IndexStore, embedder: Embedder, settings: Settings) -> None:
        self.store = store
        self.embedder = embedder
        self.candidates = settings.candidates
        self.rrf_k = settings.rrf_k
        self.half_life = settings.as_of_half_life_days

    def retrieve(self, query: str, top_k: int, filters: Filters | None = None, as_of: date | None = None) -> Retrieval:
        filters = filters or Filters()
        vector = self.embedder.embed_query(query)
        n = max(self.candidates, top_k)
        dense = self.store.dense_search(vector, n, filters.chroma_where())
        after, before = filters.day_range()
        lexical = self.store.bm25.search(
            query, n, source=filters.source, day_from=after, day_to=before, exclude_doc_ids=filters.exclude_doc_ids
        )

        fused: dict[str, float] = {}
        dense_rank = {cid: r for r, (cid, _) in enumerate(dense, 1)}
        bm25_rank = {cid: r for r, (cid, _) in enumerate(lexical, 1)}
        for ranks in (dense_rank, bm25_rank):
            for cid, rank in ranks.items():
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (self.rrf_k + rank)
        if not fused:
            return Retrieval(query, [])

        # Re-rank more than top_k when an as-of date reweights by recency, so older strong hits can drop out.
        pool = sorted(fused, key=fused.__getitem__, reverse=True)[: top_k * 4 if as_of else top_k]
        got = self.store.collection.get(ids=pool, include=["documents", "metadatas", "embeddings"])
        rows = {
            cid: (doc, meta, emb)
            for cid, doc, meta, emb in zip(
                got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
            )
        }
        pool = [cid for cid in pool if cid in rows]  # a chunk may be deleted between search and fetch
        if as_of is not None:
            target = published_day(as_of.isoformat())
            for cid in pool:
                fused[cid] *= self._recency(int(rows[cid][1].get("published_day", -1)), target)
            pool.sort(key=fused.__getitem__, reverse=True)

        # Scores keep significant digits, not decimals: an as-of weight can make them tiny but never 0.
        passages: list[Passage] = []
        for cid in pool[:top_k]:
            text, meta, emb = rows[cid]
            passages.append(
                Passage(
                    n=len(passages) + 1,
                    chunk_id=cid,
                    doc_id=str(meta["doc_id"]),
                    title=str(meta.get("title", "")),
                    text=text,
                    url=str(meta.get("url", "")),
                    published=str(meta.get("published", "")),
                    source=str(meta.get("source", "")),
                    score=float(f"{fused[cid]:.6g}"),
                    similarity=round(float(np.dot(vector, np.asarray(emb, dtype=np.float32))), 4),
                    dense_rank=dense_rank.get(cid),
                    bm25_rank=bm25_rank.get(cid),
                    author=str(meta.get("author", "")),
                    start=int(meta.get("start", 0)),
                    end=int(meta.get("end", 0)),
                )
            )
        return Retrieval(query, passages)

    def _recency(self, day: int, target: int) -> float:
        if day < 0:
            return 0.5  # undated: neither favoured nor excluded
        return float(0.5 ** (abs(day - target) / self.half_life))

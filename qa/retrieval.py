"""Hybrid retrieval: dense search over chunks in Chroma and BM25 over whole articles, fused by normalised score.

A passage's score is ``w * cos / best cos + (1 - w) * article BM25 / best article BM25``: the dense half
says which passage says what the question means, the lexical half which article the question's words are
about. Scores, unlike reciprocal ranks, keep how far ahead a top hit is; on RealTime QA dev (tuned there,
see bench/quality.py) this ranks the evidence article first more often than either half alone, and more
often than reciprocal-rank fusion of dense and chunk-level BM25 did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from ingest.bm25 import Where
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
        self.dense_weight = settings.dense_weight
        self.passages_per_article = settings.passages_per_article
        self.half_life = settings.as_of_half_life_days

    def retrieve(self, query: str, top_k: int, filters: Filters | None = None, as_of: date | None = None) -> Retrieval:
        filters = filters or Filters()
        vector = self.embedder.embed_query(query)
        n = max(self.candidates, top_k)
        dense = self.store.dense_search(vector, n, filters.chroma_where())
        after, before = filters.day_range()
        bm25 = self.store.bm25
        lexical, article_scores = bm25.search_articles(
            query, n, Where(filters.source, after, before, filters.exclude_doc_ids)
        )
        dense_rank = {cid: r for r, (cid, _) in enumerate(dense, 1)}
        bm25_rank = {cid: r for r, (cid, _) in enumerate(lexical, 1)}
        if not dense_rank and not bm25_rank:
            return Retrieval(query, [])

        cosine = dict(dense)
        best_cosine = max(dense[0][1], 1e-9) if dense else 1.0
        # A chunk outside the dense top n has a cosine at most the n-th's: that bound stands in for it, which
        # ranks as well as the exact cosine on the dev set and saves fetching every candidate's vector.
        floor = dense[-1][1] if dense else 0.0
        best_article = max(article_scores.values(), default=0.0) or 1.0
        w = self.dense_weight
        target = published_day(as_of.isoformat()) if as_of is not None else None
        fused: dict[str, float] = {}
        doc_of: dict[str, str] = {}
        for cid in dense_rank.keys() | bm25_rank.keys():
            entry = bm25.entry(cid)  # the snapshot knows every chunk's article and date without asking Chroma
            doc_of[cid] = entry.doc_id if entry else cid
            article = article_scores.get(doc_of[cid], 0.0)
            fused[cid] = w * max(cosine.get(cid, floor), 0.0) / best_cosine + (1 - w) * article / best_article
            if target is not None:
                fused[cid] *= self._recency(entry.published_day if entry else -1, target)

        order = sorted(fused, key=lambda c: (-fused[c], dense_rank.get(c, n + 1), bm25_rank.get(c, n + 1)))
        pool = self._spread(order, doc_of)[:top_k]
        got = self.store.collection.get(ids=pool, include=["documents", "metadatas", "embeddings"])
        rows = {
            cid: (doc, meta, emb)
            for cid, doc, meta, emb in zip(
                got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
            )
        }
        pool = [cid for cid in pool if cid in rows]  # a chunk may be deleted between search and fetch

        # Scores keep significant digits, not decimals: an as-of weight can make them tiny but never 0.
        passages: list[Passage] = []
        for cid in pool:
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

    def _spread(self, order: list[str], doc_of: dict[str, str]) -> list[str]:
        """``order`` with each article's passages beyond the first ``passages_per_article`` moved after all the
        others (still in score order): one long article's many matching chunks would otherwise crowd every
        other source out of the top passages."""
        seen: dict[str, int] = {}
        first: list[str] = []
        rest: list[str] = []
        for cid in order:
            seen[doc_of[cid]] = seen.get(doc_of[cid], 0) + 1
            (first if seen[doc_of[cid]] <= self.passages_per_article else rest).append(cid)
        return first + rest

    def _recency(self, day: int, target: int) -> float:
        if day < 0:
            return 0.5  # undated: neither favoured nor excluded
        return float(0.5 ** (abs(day - target) / self.half_life))

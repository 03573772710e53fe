"""Hybrid retrieval: dense search over chunks in Chroma and BM25 over whole articles and chunks, fused by score.

A passage's score is a weighted sum of three scores, each divided by the best of its kind for the question:
its cosine with the question (weight ``dense_weight``), its article's BM25 (the rest) and its own BM25
(``passage_bm25_weight``). The article score says which article the question's words are about, the other
two which of its passages answers. Scores, unlike reciprocal ranks, keep how far ahead a top hit is; on
RealTime QA dev (tuned there, see bench/quality.py) this ranks the evidence article first more often than
any one of them alone, and than reciprocal-rank fusion of dense and chunk BM25 did.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np

from ingest.bm25 import Where
from ingest.chunking import published_day
from ingest.embedding import Embedder
from ingest.settings import Settings
from ingest.store import IndexStore
from qa.passage import Passage

# Score factor for an article's passages beyond the first few (any factor from 0 to 0.5 ranked the dev set alike).
_EXTRA_PASSAGE_FACTOR = 0.5


@dataclass(frozen=True, slots=True)
class Filters:
    source: str | None = None
    published_after: date | None = None  # inclusive
    published_before: date | None = None  # inclusive
    # Documents left out of retrieval altogether (e.g. to ask a question without its evidence articles).
    exclude_doc_ids: frozenset[str] | tuple[str, ...] = ()

    def around(self, day: date, before_days: int, after_days: int) -> Filters:
        """These filters, narrowed to articles published from ``before_days`` before ``day`` to ``after_days``
        after it (a news story is written after the event it reports)."""
        start, end = day - timedelta(days=before_days), day + timedelta(days=after_days)
        after = max(self.published_after, start) if self.published_after else start
        before = min(self.published_before, end) if self.published_before else end
        return replace(self, published_after=after, published_before=before)

    def day_range(self) -> tuple[int | None, int | None]:
        after = published_day(self.published_after.isoformat()) if self.published_after else None
        before = published_day(self.published_before.isoformat()) if self.published_before else None
        if before is not None and after is None:
            after = 0  # undated chunks (published_day -1) are not "published on or before" any date
        return after, before

    def where(self) -> Where:
        """The chunks these filters let through, for both retrievers."""
        after, before = self.day_range()
        return Where(self.source, after, before, self.exclude_doc_ids)


@dataclass(slots=True)
class Retrieval:
    query: str
    passages: list[Passage]
    vector: np.ndarray | None = None  # the query's embedding

    @property
    def best_similarity(self) -> float:
        return max((p.similarity for p in self.passages), default=0.0)


class Retriever:
    def __init__(self, store: IndexStore, embedder: Embedder, settings: Settings) -> None:
        self.store = store
        self.embedder = embedder
        self.candidates = settings.candidates
        self.dense_weight = settings.dense_weight
        self.passage_bm25_weight = settings.passage_bm25_weight
        self.passages_per_article = settings.passages_per_article
        self.half_life = settings.as_of_half_life_days

    def retrieve(self, query: str, top_k: int, filters: Filters | None = None, as_of: date | None = None) -> Retrieval:
        filters = filters or Filters()
        vector = self.embedder.embed_query(query)
        n = max(self.candidates, top_k)
        where = filters.where()
        dense = self.store.dense_search(vector, n, where)
        bm25 = self.store.bm25
        hits = bm25.search_articles(query, n, where)
        dense_rank = {cid: r for r, (cid, _) in enumerate(dense, 1)}
        bm25_rank = {cid: r for r, (cid, _) in enumerate(hits.ranked, 1)}
        if not dense_rank and not bm25_rank:
            return Retrieval(query, [])

        cosine = dict(dense)
        # Chunks only BM25 found get their exact cosine too (their vectors are kept with the BM25 snapshot): the
        # n-th dense cosine as a stand-in put one of the 156 dev questions' evidence lower.
        lexical_only = [cid for cid in bm25_rank if cid not in cosine]
        for cid, stored in self.store.vectors(lexical_only).items():
            cosine[cid] = float(np.dot(vector, stored))
        best_cosine = max(max(cosine.values(), default=0.0), 1e-9)
        best_article, best_chunk = (best or 1.0 for best in hits.best())
        w_dense, w_passage = self.dense_weight, self.passage_bm25_weight
        w_article = max(0.0, 1.0 - w_dense - w_passage)
        target = published_day(as_of.isoformat()) if as_of is not None else None
        fused: dict[str, float] = {}
        doc_of: dict[str, str] = {}
        for cid in dense_rank.keys() | bm25_rank.keys():
            entry = bm25.entry(cid)  # the snapshot knows every chunk's article and date without asking Chroma
            doc_of[cid] = entry.doc_id if entry else cid
            article, passage = hits.scores(cid)
            fused[cid] = (
                w_dense * max(cosine.get(cid, 0.0), 0.0) / best_cosine
                + w_article * article / best_article
                + w_passage * passage / best_chunk
            )
            if target is not None:
                fused[cid] *= self._recency(entry.published_day if entry else -1, target)

        order = sorted(fused, key=lambda c: (-fused[c], dense_rank.get(c, n + 1), bm25_rank.get(c, n + 1)))
        ranked = self._spread(order, fused, doc_of)

        # Scores keep significant digits, not decimals: an as-of weight can make them tiny but never 0.
        passages: list[Passage] = []
        for cid, text, meta, emb in self.store.passages(ranked, top_k):
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
        return Retrieval(query, passages, vector)

    def rest_of_articles(self, retrieval: Retrieval, articles: int) -> list[Passage]:
        """The passages of the first ``articles`` articles retrieved that retrieval left out, numbered after its
        passages, in the article's order, unranked (score 0, their own cosine).

        A short question's answer is often in the article it matched best but in none of the chunks that ranked
        ("How many seconds were left when Harris caught the ball?" matches the story's opening; the time is told
        further down)."""
        ranked = retrieval.passages
        vector = retrieval.vector
        tops = list(dict.fromkeys(p.doc_id for p in ranked))[:articles]
        have = {p.chunk_id for p in ranked}
        out: list[Passage] = []
        for doc_id in tops:
            first = next(p for p in ranked if p.doc_id == doc_id)
            rows = [(cid, text, meta) for cid, text, meta in self.store.chunks_of(doc_id) if cid not in have]
            stored = self.store.vectors([cid for cid, _, _ in rows])
            for cid, text, meta in rows:
                emb = stored.get(cid)
                out.append(
                    replace(
                        first,
                        n=len(ranked) + len(out) + 1,
                        chunk_id=cid,
                        text=text,
                        score=0.0,
                        similarity=round(float(np.dot(vector, emb)), 4)
                        if emb is not None and vector is not None
                        else 0.0,
                        dense_rank=None,
                        bm25_rank=None,
                        start=int(meta.get("start", 0)),
                        end=int(meta.get("end", 0)),
                        ranked=False,
                    )
                )
        return out

    def _spread(self, order: list[str], fused: dict[str, float], doc_of: dict[str, str]) -> list[str]:
        """``order`` after halving the score of each article's passages beyond its first
        ``passages_per_article``: one long article's many matching passages would otherwise crowd every other
        source out of the top passages, yet a strong third passage still beats a barely related one."""
        seen: dict[str, int] = {}
        for cid in order:
            seen[doc_of[cid]] = seen.get(doc_of[cid], 0) + 1
            if seen[doc_of[cid]] > self.passages_per_article:
                fused[cid] *= _EXTRA_PASSAGE_FACTOR
        return sorted(order, key=lambda c: -fused[c])  # stable: ties keep their order

    def _recency(self, day: int, target: int) -> float:
        if day < 0:
            return 0.5  # undated: neither favoured nor excluded
        return float(0.5 ** (abs(day - target) / self.half_life))

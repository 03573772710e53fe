"""The lexical half of hybrid retrieval: bm25s indexes over the same chunks as Chroma, and over whole articles.

Chunk-level BM25 finds the passage with the question's words; article-level BM25 (each article's title
once and its body without the chunks' overlaps) scores the article as a whole, which is what a news
question is about: on RealTime QA dev it ranks the right article first more often than either chunk
ranking does, and hybrid retrieval fuses it with the dense cosine.

Each write produces a new immutable snapshot (the scoring matrix is rebuilt from the stored tokens,
never re-tokenised), so questions keep being answered from the old snapshot while a write runs,
and nothing is rebuilt per query.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import math
import os
import re
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

logging.getLogger("bm25s").setLevel(logging.WARNING)
_STEMMER = Stemmer.Stemmer("english")
_FORMAT_VERSION = 3  # 2: article entries; 3: the header holds each document's chunk version too (and may
# name a file of the chunks' vectors: snapshots without one stay readable)
_STALE_VECTORS_SECONDS = 60.0


# bm25s.tokenize's defaults (lower case, scikit-learn's token pattern, its English stop words), done here: it
# builds three progress bars and a stop-word set per call, which cost more than the tokenizing at query time
# (~8 calls per question). The same tokens, checked over the whole corpus (tests/test_fusion.py).
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
_STOPWORDS = frozenset(STOPWORDS_EN)


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased words of two or more characters, English stop words left out, stemmed (Snowball)."""
    split = [[t for t in _TOKEN.findall(text.lower()) if t not in _STOPWORDS] for text in texts]
    unique = list({t for tokens in split for t in tokens})
    stems = dict(zip(unique, _STEMMER.stemWords(unique), strict=True))
    return [[stems[t] for t in tokens] for tokens in split]


@dataclass(frozen=True, slots=True)
class BM25Entry:
    chunk_id: str
    doc_id: str
    source: str
    published_day: int
    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Where:
    """Which chunks a search may return: the same filters as the dense search's Chroma ``where``."""

    source: str | None = None
    day_from: int | None = None
    day_to: int | None = None
    exclude_doc_ids: Collection[str] = ()

    @property
    def restricts(self) -> bool:
        return bool(self.source or self.day_from is not None or self.day_to is not None or self.exclude_doc_ids)


@dataclass(frozen=True, slots=True)
class ArticleEntry:
    doc_id: str
    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArticleHits:
    """What article-level BM25 found for a question. Scores stay in the index's arrays: turning every
    matching chunk's into a dict would cost more than the search."""

    ranked: list[tuple[str, float]]  # top chunks by their article's score (their own score breaks ties), with it
    rows: dict[str, int]  # chunk id -> row of the arrays below
    article: np.ndarray  # each chunk's article score, 0 where filtered out
    chunk: np.ndarray  # each chunk's own (chunk-level BM25) score, 0 where filtered out

    def scores(self, chunk_id: str) -> tuple[float, float]:
        """(article score, chunk score) of ``chunk_id``; zeros for a chunk not in the index."""
        row = self.rows.get(chunk_id)
        return (0.0, 0.0) if row is None else (float(self.article[row]), float(self.chunk[row]))

    def best(self) -> tuple[float, float]:
        """The best article and the best chunk score, 0 when nothing matched."""
        if not self.ranked:
            return 0.0, 0.0
        return float(self.article.max()), float(self.chunk.max())

    def articles(self, doc_ids: np.ndarray) -> dict[str, float]:
        """Every matching article's score by doc id (``doc_ids``: each chunk's)."""
        return {str(doc_ids[i]): float(self.article[i]) for i in np.flatnonzero(self.article > 0)}


class BM25Index:
    def __init__(
        self,
        entries: Sequence[BM25Entry],
        articles: Sequence[ArticleEntry] = (),
        versions: dict[str, str] | None = None,
        vectors: np.ndarray | None = None,
    ) -> None:
        self.entries: tuple[BM25Entry, ...] = tuple(entries)
        # Each chunk's embedding, row for row with ``entries`` (None when not known): a question's cosine to a
        # chunk only BM25 found is computed here instead of fetching the vector from Chroma (~2 ms a question).
        self.vectors = vectors if vectors is not None and len(vectors) == len(self.entries) else None
        self.articles: tuple[ArticleEntry, ...] = tuple(articles)
        # doc_id -> version of the chunks indexed: what a refresh compares with Chroma's committed records.
        self.versions: dict[str, str] = dict(versions or {})
        # The Chroma generation this snapshot was brought up to (set by the store; not saved).
        self.generation: tuple[int, str] | None = None
        self._row = {e.chunk_id: i for i, e in enumerate(self.entries)}
        self._sources = np.array([e.source for e in self.entries], dtype=object)
        self._days = np.array([e.published_day for e in self.entries], dtype=np.int64)
        self._doc_ids = np.array([e.doc_id for e in self.entries], dtype=object)
        self._df: Counter[str] | None = None
        self._model: bm25s.BM25 | None = None
        self._vocab: set[str] = set()
        if any(e.tokens for e in self.entries):
            self._model = bm25s.BM25()
            corpus = [list(e.tokens) or [""] for e in self.entries]
            self._model.index(corpus, show_progress=False)
            self._vocab = {t for e in self.entries for t in e.tokens}
        article_row = {a.doc_id: i for i, a in enumerate(self.articles)}
        # Each chunk's article row; -1 for a chunk whose article has no entry (then it has no article score).
        self._article_of_chunk = np.array([article_row.get(e.doc_id, -1) for e in self.entries], dtype=np.int64)
        self._article_model: bm25s.BM25 | None = None
        self._article_vocab: set[str] = set()
        if any(a.tokens for a in self.articles):
            self._article_model = bm25s.BM25()
            self._article_model.index([list(a.tokens) or [""] for a in self.articles], show_progress=False)
            self._article_vocab = {t for a in self.articles for t in a.tokens}

    def __len__(self) -> int:
        return len(self.entries)

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency of a (stemmed) term over all chunks."""
        if self._df is None:  # computed on first use: only the extractive answerer needs it
            self._df = Counter(t for e in self.entries for t in set(e.tokens))
        df = self._df.get(term, 0)
        return math.log(1 + (len(self.entries) - df + 0.5) / (df + 0.5))

    @property
    def chunk_ids(self) -> set[str]:
        return set(self._row)

    def entry(self, chunk_id: str) -> BM25Entry | None:
        row = self._row.get(chunk_id)
        return None if row is None else self.entries[row]

    def vector(self, chunk_id: str) -> np.ndarray | None:
        row = self._row.get(chunk_id)
        return None if row is None or self.vectors is None else self.vectors[row]

    def with_vectors(self, vectors: np.ndarray) -> BM25Index:
        """This snapshot with its chunks' embeddings (row for row with ``entries``)."""
        snapshot = copy.copy(self)
        snapshot.vectors = vectors if len(vectors) == len(self.entries) else None
        return snapshot

    def with_changes(
        self,
        remove_doc_ids: Iterable[str],
        add: Sequence[BM25Entry],
        add_articles: Sequence[ArticleEntry] = (),
        versions: dict[str, str] | None = None,
        add_vectors: np.ndarray | None = None,
    ) -> BM25Index:
        """A new snapshot without ``remove_doc_ids`` and with ``add`` (``add_vectors`` their embeddings, row for
        row; without them, or without this snapshot's own, the new one knows no vectors)."""
        removed = set(remove_doc_ids) | {e.doc_id for e in add} | {a.doc_id for a in add_articles}
        keep = [i for i, e in enumerate(self.entries) if e.doc_id not in removed]
        kept_articles = [a for a in self.articles if a.doc_id not in removed]
        vectors = None
        # An empty snapshot knows its (no) vectors; added chunks' vectors go with them.
        if add_vectors is not None and len(add_vectors) == len(add) and (self.vectors is not None or not keep):
            parts = [self.vectors[keep]] if self.vectors is not None and keep else []
            if len(add):
                parts.append(np.asarray(add_vectors, dtype=np.float32).reshape(len(add), -1))
            vectors = np.concatenate(parts) if parts else None
        return BM25Index(
            [*(self.entries[i] for i in keep), *add],
            [*kept_articles, *add_articles],
            self.versions if versions is None else versions,
            vectors,
        )

    def search(
        self,
        query: str,
        k: int,
        source: str | None = None,
        day_from: int | None = None,
        day_to: int | None = None,
        exclude_doc_ids: Collection[str] = (),
    ) -> list[tuple[str, float]]:
        """Top ``k`` (chunk_id, score) with score > 0, honouring the same filters as the dense search."""
        mask = self._mask(Where(source, day_from, day_to, exclude_doc_ids))
        scores = self._scores(self._model, self._vocab, tokenize([query])[0], mask)
        if scores is None or k <= 0:
            return []
        k = min(k, int(np.count_nonzero(scores)))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.entries[i].chunk_id, float(scores[i])) for i in top]

    def search_articles(self, query: str, k: int, where: Where | None = None) -> ArticleHits:
        """Articles scored as wholes, with every chunk's own score beside its article's (see :class:`ArticleHits`),
        honouring the same filters as :meth:`search`."""
        mask = self._mask(where or Where())
        tokens = tokenize([query])[0]
        chunk_scores = self._scores(self._model, self._vocab, tokens, mask)
        article_scores = self._scores(self._article_model, self._article_vocab, tokens, None)
        if chunk_scores is None or article_scores is None or k <= 0:
            empty = np.zeros(len(self.entries), dtype=np.float32)
            return ArticleHits([], self._row, empty, empty)
        per_chunk = np.where(self._article_of_chunk >= 0, article_scores[self._article_of_chunk], 0.0) * mask
        matching = np.flatnonzero(per_chunk > 0)
        if len(matching) > k:
            # Only chunks scoring at least the k-th best article score can rank in the top k; sorting those
            # alone gives the same order (ties included) as sorting every match, in a fraction of the time.
            kth = np.partition(per_chunk[matching], len(matching) - k)[len(matching) - k]
            matching = matching[per_chunk[matching] >= kth]
        order = matching[np.lexsort((-chunk_scores[matching], -per_chunk[matching]))][:k]
        ranked = [(self.entries[i].chunk_id, float(per_chunk[i])) for i in order]
        return ArticleHits(ranked, self._row, per_chunk, chunk_scores)

    def nearest(self, vector: np.ndarray, k: int, where: Where) -> list[tuple[str, float]] | None:
        """The ``k`` chunks ``where`` lets through with the highest cosine to ``vector`` (normalised), exactly;
        None when this snapshot has no vectors."""
        if self.vectors is None:
            return None
        if where.restricts:
            rows = np.flatnonzero(self._mask(where))
            cosine = self.vectors[rows] @ vector
        else:  # every chunk: no copy of the vectors
            rows = np.arange(len(self.entries))
            cosine = self.vectors @ vector
        if not len(rows):
            return []
        top = np.argpartition(-cosine, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
        top = top[np.argsort(-cosine[top], kind="stable")]
        return [(self.entries[rows[i]].chunk_id, float(cosine[i])) for i in top]

    def article_scores(self, hits: ArticleHits) -> dict[str, float]:
        """Every article ``hits`` matched, with its score, by doc id."""
        return hits.articles(self._doc_ids)

    def _mask(self, where: Where) -> np.ndarray:
        """1 for every chunk the filters let through, else 0."""
        mask = np.ones(len(self.entries), dtype=np.float32)
        if where.source:
            mask *= self._sources == where.source
        if where.day_from is not None:
            mask *= self._days >= where.day_from
        if where.day_to is not None:
            mask *= self._days <= where.day_to
        if where.exclude_doc_ids:
            mask *= ~np.isin(self._doc_ids, list(where.exclude_doc_ids))
        return mask

    @staticmethod
    def _scores(
        model: bm25s.BM25 | None, vocab: set[str], tokens: list[str], mask: np.ndarray | None
    ) -> np.ndarray | None:
        """The model's score of every row (times ``mask``); None when nothing can match."""
        if model is None or (mask is not None and not mask.any()):
            return None
        terms = [t for t in tokens if t in vocab]
        if not terms:
            return None
        scores = model.get_scores(terms)
        return scores * mask if mask is not None else scores

    # --- persistence -----------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write beside Chroma's data; a temp file plus rename, so a crash leaves the old snapshot whole."""
        folder.mkdir(parents=True, exist_ok=True)
        vectors = None
        if self.vectors is not None:
            # A file of its own, named in the header: a crash between the two renames leaves an old header
            # naming its own old vectors file, never vectors that are not its chunks'.
            vectors = f"vectors-{uuid.uuid4().hex[:12]}.npy"
            tmp_vectors = folder / f"{vectors}.tmp"
            with tmp_vectors.open("wb") as fh:
                np.save(fh, self.vectors.astype(np.float32, copy=False))
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp_vectors, folder / vectors)
        # Unique per process: workers sharing a data folder may save at the same moment.
        tmp = folder / f"entries.jsonl.{os.getpid()}.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            header = {
                "version": _FORMAT_VERSION,
                "count": len(self.entries),
                "articles": len(self.articles),
                "versions": self.versions,
                "vectors": vectors,
            }
            fh.write(json.dumps(header) + "\n")
            for e in self.entries:
                fh.write(json.dumps([e.chunk_id, e.doc_id, e.source, e.published_day, e.tokens]) + "\n")
            for a in self.articles:
                fh.write(json.dumps([a.doc_id, a.tokens]) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / "entries.jsonl")
        # Other vectors files are older snapshots'; one a moment old may be another worker's, just saved.
        for old in folder.glob("vectors-*.npy"):
            with contextlib.suppress(OSError):
                if old.name != vectors and time.time() - old.stat().st_mtime > _STALE_VECTORS_SECONDS:
                    old.unlink()

    @classmethod
    def load(cls, folder: Path) -> BM25Index | None:
        """The saved snapshot, or None when there is none or it is unreadable (the caller rebuilds it)."""
        path = folder / "entries.jsonl"
        if not path.exists():
            return None
        try:
            with path.open(encoding="utf-8") as fh:
                header = json.loads(fh.readline())
                if header.get("version") != _FORMAT_VERSION:
                    return None
                rows = [json.loads(line) for line in fh]
            count = int(header["count"])
            entries = [BM25Entry(c, d, s, int(p), tuple(t)) for c, d, s, p, t in rows[:count]]
            articles = [ArticleEntry(d, tuple(t)) for d, t in rows[count:]]
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if len(entries) != count or len(articles) != header.get("articles"):
            return None
        if {a.doc_id for a in articles} != {e.doc_id for e in entries}:
            return None
        vectors = None
        if header.get("vectors"):
            with contextlib.suppress(OSError, ValueError):
                vectors = np.load(folder / str(header["vectors"]), allow_pickle=False)
        return cls(entries, articles, header.get("versions") or {}, vectors)

    @staticmethod
    def remove(folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)

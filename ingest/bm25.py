"""The lexical half of hybrid retrieval: BM25 over the same chunks as Chroma, and over whole articles.

Chunk-level BM25 finds the passage with the question's words; article-level BM25 (each article's title
once and its body without the chunks' overlaps) scores the article as a whole, which is what a news
question is about: on RealTime QA dev it ranks the right article first more often than either chunk
ranking does, and hybrid retrieval fuses it with the dense cosine.

Each write produces a new immutable snapshot, so questions keep being answered from the old snapshot while a
write runs. A snapshot keeps term counts (:class:`Postings`), not precomputed scores: BM25's weights depend on
every document (idf, average length), so a precomputed matrix (bm25s's) must be rebuilt whole on every write,
while counts are patched, removing and appending only the changed articles' rows, and weighted per question.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import os
import re
import shutil
import time
import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN
from scipy.sparse import csc_matrix

from ingest.document import nfc

_STEMMER = Stemmer.Stemmer("english")
_FORMAT_VERSION = 3  # 2: article entries; 3: the header holds each document's chunk version too (and may
# name a file of the chunks' vectors: snapshots without one stay readable)
_STALE_FILE_SECONDS = 60.0


# bm25s.tokenize's defaults (lower case, scikit-learn's token pattern, its English stop words), done here: it
# builds three progress bars and a stop-word set per call, which cost more than the tokenizing at query time
# (~8 calls per question). The same tokens, checked over the whole corpus (tests/test_fusion.py).
_TOKEN = re.compile(r"(?u)\b\w\w+\b")
STOPWORDS = frozenset(STOPWORDS_EN)


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased words of two or more characters, English stop words left out, stemmed (Snowball).

    In NFC, whoever calls: "González" written with a combining accent is one token, as a keyboard types it, not
    "gonza" and "lez" (the loader stores NFC text, but a query may come from anywhere: the eval, a benchmark)."""
    texts = [nfc(t) for t in texts]
    split = [[t for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS] for text in texts]
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


class Postings:
    """Each term's rows and counts (a CSC matrix: rows are documents, columns terms) and each row's length.

    Scores are Lucene's BM25, as bm25s computes them (k1 1.5, b 0.75, idf ``log(1 + (N - df + 0.5) / (df + 0.5))``,
    a term repeated in the query counted again), but at query time over the few columns a question names, which
    is what lets a write patch rows instead of rescoring every document.
    """

    K1 = 1.5
    B = 0.75

    def __init__(self, vocab: dict[str, int], counts: csc_matrix, lengths: np.ndarray) -> None:
        self.vocab = vocab
        self.counts = counts
        self.lengths = lengths
        average = float(lengths.mean()) if len(lengths) else 1.0
        # BM25's denominator is tf + k1 (1 - b) + k1 b length / average length. Each posting's row length is
        # kept beside its count, so a question reads both in order instead of gathering lengths row by row.
        self._flat = np.float32(self.K1 * (1 - self.B))
        self._per_word = np.float32(self.K1 * self.B / average)
        self._posting_lengths = lengths[counts.indices]

    @classmethod
    def build(cls, docs: Sequence[Sequence[str]], vocab: dict[str, int] | None = None) -> Postings:
        """Postings of ``docs`` (token lists); ``vocab`` is extended with their new terms (a copy when given)."""
        vocab = dict(vocab or {})
        lengths = np.array([len(d) or 1 for d in docs], dtype=np.float32)  # bm25s indexes an empty row as [""]
        flat = [vocab.setdefault(t, len(vocab)) for d in docs for t in d]
        rows = np.repeat(np.arange(len(docs), dtype=np.int32), [len(d) for d in docs])
        counts = csc_matrix(
            (np.ones(len(flat), dtype=np.float32), (rows, np.array(flat, dtype=np.int32))),
            shape=(len(docs), len(vocab)),
        )
        counts.sum_duplicates()  # one entry per (row, term), holding the term's count in the row
        return cls(vocab, counts, lengths)

    def __len__(self) -> int:
        return len(self.lengths)

    def patched(self, keep: np.ndarray, docs: Sequence[Sequence[str]]) -> Postings:
        """These postings with only the rows ``keep`` (a boolean mask) left, in order, and ``docs`` appended."""
        added = Postings.build(docs, self.vocab)
        old = self.counts
        columns = np.repeat(np.arange(old.shape[1], dtype=np.int32), np.diff(old.indptr))
        kept = keep[old.indices]
        renumbered = (np.cumsum(keep) - 1).astype(np.int32)
        n_kept = int(keep.sum())
        new = added.counts.tocoo()
        counts = csc_matrix(
            (
                np.concatenate([old.data[kept], new.data]),
                (
                    np.concatenate([renumbered[old.indices[kept]], new.row.astype(np.int32) + n_kept]),
                    np.concatenate([columns[kept], new.col.astype(np.int32)]),
                ),
            ),
            shape=(n_kept + len(added), len(added.vocab)),
        )
        # A term no row holds any more keeps its column (empty: df 0, it matches nothing); a rebuild drops it.
        return Postings(added.vocab, counts, np.concatenate([self.lengths[keep], added.lengths]))

    def df(self, term: str) -> int:
        column = self.vocab.get(term)
        return 0 if column is None else int(self.counts.indptr[column + 1] - self.counts.indptr[column])

    def idf(self, df: int) -> float:
        return math.log(1 + (len(self) - df + 0.5) / (df + 0.5))

    def scores(self, tokens: Sequence[str]) -> np.ndarray | None:
        """Every row's BM25 score for ``tokens``; None when no row holds any of them."""
        indptr, indices, data = self.counts.indptr, self.counts.indices, self.counts.data
        scores: np.ndarray | None = None
        for term in tokens:
            column = self.vocab.get(term)
            if column is None or indptr[column] == indptr[column + 1]:
                continue
            start, end = indptr[column], indptr[column + 1]
            tf = data[start:end]
            if scores is None:
                scores = np.zeros(len(self), dtype=np.float32)
            norm = self._flat + self._per_word * self._posting_lengths[start:end]
            scores[indices[start:end]] += np.float32(self.idf(int(end - start))) * tf / (norm + tf)
        return scores


class BM25Index:
    def __init__(
        self,
        entries: Sequence[BM25Entry],
        articles: Sequence[ArticleEntry] = (),
        versions: dict[str, str] | None = None,
        vectors: np.ndarray | None = None,
        postings: tuple[Postings, Postings] | None = None,
    ) -> None:
        """``postings``: the chunks' and the articles' (row for row with ``entries`` and ``articles``), when
        derived from another snapshot's; otherwise built from the entries' tokens."""
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
        chunk_postings, article_postings = postings or (
            Postings.build([e.tokens for e in self.entries]),
            Postings.build([a.tokens for a in self.articles]),
        )
        self._chunks = chunk_postings
        self._article_postings = article_postings
        article_row = {a.doc_id: i for i, a in enumerate(self.articles)}
        # Each chunk's article row; -1 for a chunk whose article has no entry (then it has no article score).
        self._article_of_chunk = np.array([article_row.get(e.doc_id, -1) for e in self.entries], dtype=np.int64)

    def __len__(self) -> int:
        return len(self.entries)

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency of a (stemmed) term over all chunks: a term no chunk holds weighs
        most, which is what tells the off-topic gate that nothing indexed is about "the 2018 World Cup"."""
        return self._chunks.idf(self._chunks.df(term))

    def weight(self, term: str) -> float:
        """How much a question word weighs when the reader looks for the sentence about it: its IDF, but a term
        no chunk holds weighs as one a single chunk holds, not more. In an index of a few articles absence says
        nothing of rarity (over six articles, "game", "crowd" and "coach", which the articles write as "match",
        "fans" and "manager", outweighed every word they share with the question); in a large one the two weigh
        almost the same anyway."""
        return self._chunks.idf(max(self._chunks.df(term), 1))

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
        keep_mask = np.fromiter((e.doc_id not in removed for e in self.entries), bool, len(self.entries))
        keep = np.flatnonzero(keep_mask)
        article_mask = np.fromiter((a.doc_id not in removed for a in self.articles), bool, len(self.articles))
        kept_articles = [a for a, k in zip(self.articles, article_mask, strict=True) if k]
        vectors = None
        # An empty snapshot knows its (no) vectors; added chunks' vectors go with them.
        if add_vectors is not None and len(add_vectors) == len(add) and (self.vectors is not None or not len(keep)):
            parts = [self.vectors[keep]] if self.vectors is not None and len(keep) else []
            if len(add):
                parts.append(np.asarray(add_vectors, dtype=np.float32).reshape(len(add), -1))
            vectors = np.concatenate(parts) if parts else None
        return BM25Index(
            [*(self.entries[i] for i in keep), *add],
            [*kept_articles, *add_articles],
            self.versions if versions is None else versions,
            vectors,
            (
                self._chunks.patched(keep_mask, [e.tokens for e in add]),
                self._article_postings.patched(article_mask, [a.tokens for a in add_articles]),
            ),
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
        scores = self._scores(self._chunks, tokenize([query])[0], mask)
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
        chunk_scores = self._scores(self._chunks, tokens, mask)
        article_scores = self._scores(self._article_postings, tokens, None)
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
    def _scores(postings: Postings, tokens: list[str], mask: np.ndarray | None) -> np.ndarray | None:
        """BM25's score of every row (times ``mask``); None when nothing can match."""
        if mask is not None and not mask.any():
            return None
        scores = postings.scores(tokens)
        return scores * mask if scores is not None and mask is not None else scores

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
        # Unique per save: workers sharing a data folder (or two threads of one) may save at the same moment.
        tmp = folder / f"entries.jsonl.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
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
        # Other vectors files are older snapshots'; one a moment old may be another worker's, just saved. Temp
        # files that old were left by a process killed while saving.
        for old in [*folder.glob("vectors-*.npy"), *folder.glob("*.tmp")]:
            with contextlib.suppress(OSError):
                if old.name != vectors and time.time() - old.stat().st_mtime > _STALE_FILE_SECONDS:
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

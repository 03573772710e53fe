"""The lexical half of hybrid retrieval: a bm25s index over the same chunks as Chroma.

Each write produces a new immutable snapshot (the scoring matrix is rebuilt from the stored tokens,
never re-tokenised), so questions keep being answered from the old snapshot while a write runs,
and nothing is rebuilt per query.
"""

from __future__ import annotations

import json
import logging
import math
import os
import shutil
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

logging.getLogger("bm25s").setLevel(logging.WARNING)
_STEMMER = Stemmer.Stemmer("english")
_FORMAT_VERSION = 2  # 2: the header holds each document's chunk version


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    tokenized = bm25s.tokenize(list(texts), stopwords="en", stemmer=_STEMMER, return_ids=False, show_progress=False)
    return [list(t) for t in tokenized]


@dataclass(frozen=True, slots=True)
class BM25Entry:
    chunk_id: str
    doc_id: str
    source: str
    published_day: int
    tokens: tuple[str, ...]


class BM25Index:
    def __init__(self, entries: Sequence[BM25Entry], versions: dict[str, str] | None = None) -> None:
        self.entries: tuple[BM25Entry, ...] = tuple(entries)
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

    def with_changes(
        self, remove_doc_ids: Iterable[str], add: Sequence[BM25Entry], versions: dict[str, str]
    ) -> BM25Index:
        removed = set(remove_doc_ids) | {e.doc_id for e in add}
        kept = [e for e in self.entries if e.doc_id not in removed]
        return BM25Index([*kept, *add], versions)

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
        if self._model is None or k <= 0:
            return []
        terms = [t for t in tokenize([query])[0] if t in self._vocab]
        if not terms:
            return []
        mask = np.ones(len(self.entries), dtype=np.float32)
        if source:
            mask *= self._sources == source
        if day_from is not None:
            mask *= self._days >= day_from
        if day_to is not None:
            mask *= self._days <= day_to
        if exclude_doc_ids:
            mask *= ~np.isin(self._doc_ids, list(exclude_doc_ids))
        if not mask.any():
            return []
        scores = self._model.get_scores(terms) * mask
        k = min(k, int(np.count_nonzero(scores)))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.entries[i].chunk_id, float(scores[i])) for i in top]

    # --- persistence -----------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write beside Chroma's data; a temp file plus rename, so a crash leaves the old snapshot whole."""
        folder.mkdir(parents=True, exist_ok=True)
        # Unique per process: workers sharing a data folder may save at the same moment.
        tmp = folder / f"entries.jsonl.{os.getpid()}.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(
                json.dumps({"version": _FORMAT_VERSION, "count": len(self.entries), "versions": self.versions}) + "\n"
            )
            for e in self.entries:
                fh.write(json.dumps([e.chunk_id, e.doc_id, e.source, e.published_day, e.tokens]) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, folder / "entries.jsonl")

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
                entries = [BM25Entry(c, d, s, int(p), tuple(t)) for c, d, s, p, t in map(json.loads, fh)]
        except (OSError, ValueError, TypeError):
            return None
        if len(entries) != header.get("count"):
            return None
        return cls(entries, header.get("versions") or {})

    @staticmethod
    def remove(folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)

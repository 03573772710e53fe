"""A retrieved passage: a chunk with its article's metadata and the scores that ranked it."""

from __future__ import annotations

from dataclasses import dataclass

_SNIPPET_CHARS = 300


@dataclass(slots=True)
class Passage:
    n: int  # 1-based number the prompt and the [n] markers use
    chunk_id: str
    doc_id: str
    title: str
    text: str
    url: str
    published: str
    source: str
    score: float  # fused score (dense cosine and article BM25, normalised) the passage was ranked by
    similarity: float  # cosine similarity of question and passage: an absolute relevance signal
    dense_rank: int | None = None
    bm25_rank: int | None = None
    author: str = ""
    start: int = 0
    end: int = 0
    # False for a passage read only because its article ranked first (Retriever.rest_of_articles): it has a
    # cosine but no fused score of its own.
    ranked: bool = True

    def snippet(self, limit: int = _SNIPPET_CHARS) -> str:
        if len(self.text) <= limit:
            return self.text
        cut = self.text.rfind(" ", 0, limit)
        return self.text[: cut if cut > limit // 2 else limit].rstrip() + "…"

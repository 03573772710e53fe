"""What a model reads of each passage: its sentences most about the question, in their order, within a budget of
words (extractive context compression, as RECOMP's extractive compressor does, Xu et al. 2023).

A small model on a CPU spends most of an answer's time reading its prompt: five passages of 256 word pieces are
some 1,500 tokens, about 15 s on two cores, while the instructions and worked examples before them are read once
and kept (llama.cpp reuses the longest prefix a prompt shares with the one before). A sentence is scored by the
question's IDF-weighted focus words it holds (as the extractive reader scores one), its cosine with the question
under the embedding model, which bridges a paraphrase ("perished" for "died") that the words miss, and whether it
holds something of the kind asked. Only what the
model reads is cut: its sentences are checked against the passages whole (qa.support), and cite them by number.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np

from ingest.chunking import sentence_spans
from ingest.embedding import Embedder
from qa.about import covered
from qa.candidates import states
from qa.passage import Passage
from qa.question import Question, stem, words

GAP = " … "  # where sentences were left out: the model is not to read two sentences as one
# A sentence holding something of the kind asked (a number for "how many", a date for "when") is the likelier
# answer, as the reader reads it (qa.candidates.states).
_STATES_BONUS = 0.3


def compress(
    q: Question, passages: Sequence[Passage], idf: Callable[[str], float], embedder: Embedder | None, budget: int
) -> list[Passage]:
    """``passages`` with each text cut to its sentences most about ``q``, about ``budget`` words each (0: whole).

    A passage within the budget is left as it is; the last sentence kept may take a passage past it.
    """
    if budget <= 0:
        return list(passages)
    weights = {f: idf(f) for f in q.focus}
    total = sum(weights.values()) or 1.0
    spans = {p.n: sentence_spans(p.text) for p in passages if len(p.text.split()) > budget}
    texts = [p.text[s:e] for p in passages for s, e in spans.get(p.n, [])]
    cosines = _cosines(q.text, texts, embedder)
    out: list[Passage] = []
    at = 0
    for p in passages:
        if p.n not in spans:
            out.append(p)
            continue
        sentences = [p.text[s:e] for s, e in spans[p.n]]
        scores = [
            covered({stem(w) for w in words(text)}, weights) / total
            + float(cosines[at + i])
            + (_STATES_BONUS if states(q, text) else 0.0)
            for i, text in enumerate(sentences)
        ]
        at += len(sentences)
        kept: set[int] = set()
        used = 0
        # Best first until the budget is spent, the last one whole: a short sentence that happens to fit is no
        # better for fitting.
        for i in sorted(range(len(sentences)), key=lambda i: (-scores[i], i)):
            if used >= budget:
                break
            kept.add(i)
            used += len(sentences[i].split())
        out.append(dataclasses.replace(p, text=_joined(sentences, sorted(kept))))
    return out


def _cosines(question: str, texts: list[str], embedder: Embedder | None) -> np.ndarray:
    if not texts or embedder is None:
        return np.zeros(len(texts))
    return embedder.embed(texts) @ embedder.embed_query(question)


def _joined(sentences: list[str], kept: list[int]) -> str:
    parts: list[str] = []
    for j, i in enumerate(kept):
        if i != (kept[j - 1] + 1 if j else 0):  # a sentence left out before this one
            parts.append(GAP.strip())
        parts.append(sentences[i])
    if kept[-1] != len(sentences) - 1:
        parts.append(GAP.strip())
    return " ".join(parts)

"""The default model: no LLM, the answer is the retrieved sentences that best answer the question.

Sentences are scored by how much of the question's (IDF-weighted) vocabulary they cover, nudged by the
rank of their passage. All lexical, so an answer costs about a millisecond on top of retrieval.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence

from ingest.bm25 import tokenize
from ingest.chunking import sentence_spans
from qa.passage import Passage
from qa.prompt import Message
from qa.refusal import NO_SUPPORTING_SENTENCE

IdfLookup = Callable[[str], float]

_MAX_SENTENCES = 3
_MIN_COVERAGE = 0.2  # below this share of the question's weight, a sentence does not answer it
_MIN_SENTENCE_CHARS = 25
_RANK_WEIGHT = 0.4
_SECOND_SENTENCE_SHARE = 0.6


_ANAPHORA = re.compile(
    r"\b(he|she|it|its|they|them|their|his|her|him|this|that|these|those|there|then|the same|also|too)\b", re.IGNORECASE
)
_SELF_CONTAINED_TERMS = 4


def _depends_on_context(question: str) -> bool:
    return bool(_ANAPHORA.search(question)) or len(set(tokenize([question])[0])) < _SELF_CONTAINED_TERMS


class ExtractiveGenerator:
    name = "extractive"
    refusal_reason = NO_SUPPORTING_SENTENCE

    def __init__(self, idf: IdfLookup, max_sentences: int = _MAX_SENTENCES) -> None:
        self.idf = idf
        self.max_sentences = max_sentences

    def condense(self, question: str, history: Sequence[Message]) -> str:
        # Without a model to rewrite it, a follow-up that leans on the conversation ("what did he say?",
        # "and in 2023?") is searched together with the previous question; a self-contained one alone,
        # so changing the subject doesn't drag the old topic along.
        previous = [m.content for m in history if m.role == "user"]
        if not previous or not _depends_on_context(question):
            return question
        return f"{previous[-1]} {question}"

    def stream(self, question: str, passages: Sequence[Passage], history: Sequence[Message]) -> Iterator[str]:
        picked = self.select(self.condense(question, history), passages)
        for i, (passage, sentence) in enumerate(picked):
            yield ("" if i == 0 else " ") + f"{sentence} [{passage.n}]"

    def select(self, question: str, passages: Sequence[Passage]) -> list[tuple[Passage, str]]:
        terms = set(tokenize([question])[0])
        weights = {t: self.idf(t) for t in terms}
        total = sum(weights.values())
        if total <= 0:
            return []
        scored: list[tuple[float, int, Passage, str]] = []
        order = 0
        for rank, passage in enumerate(passages):
            spans = [(s, e) for s, e in sentence_spans(passage.text) if e - s >= _MIN_SENTENCE_CHARS]
            sentences = [passage.text[s:e] for s, e in spans]
            for sentence, tokens in zip(sentences, tokenize(sentences) if sentences else [], strict=True):
                coverage = sum(weights[t] for t in terms.intersection(tokens)) / total
                if coverage < _MIN_COVERAGE:
                    continue
                # Unseen words in a covering sentence are likely the answer itself: a small bonus for them.
                novelty = min(len(set(tokens) - terms), 8) / 80
                scored.append(
                    (coverage + novelty - _RANK_WEIGHT * rank / max(1, len(passages)), order, passage, sentence)
                )
                order += 1
        scored.sort(key=lambda s: (-s[0], s[1]))
        picked: list[tuple[Passage, str]] = []
        seen: set[str] = set()
        best = scored[0][0] if scored else 0.0
        for score, _, passage, sentence in scored:
            if score < _SECOND_SENTENCE_SHARE * best:  # a much weaker sentence adds noise, not support
                break
            key = sentence.lower()
            if key in seen:  # overlapping chunks repeat sentences
                continue
            seen.add(key)
            picked.append((passage, sentence))
            if len(picked) == self.max_sentences:
                break
        return picked

"""Answering: condense a follow-up, retrieve, abstain or generate, then check every citation."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from ingest.bm25 import tokenize
from ingest.settings import Settings
from qa.citations import Citation, check_citations
from qa.generation import Generator
from qa.passage import Passage
from qa.prompt import Message
from qa.question import alternatives, analyse
from qa.refusal import CANNOT_ANSWER, OFF_TOPIC, is_refusal
from qa.retrieval import Filters, Retriever


@dataclass(slots=True)
class Answer:
    question: str
    standalone_question: str
    answer: str
    citations: list[Citation]
    passages: list[Passage]
    grounded: bool
    model: str
    invalid_citations: list[int] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    abstained: bool = False
    reason: str | None = None  # qa.refusal: OFF_TOPIC, NO_SUPPORTING_SENTENCE or MODEL_DECLINED
    unsupported: list[str] = field(default_factory=list)  # sentences of a model answer no cited passage supports


@dataclass(slots=True)
class Token:
    text: str


Event = Token | Answer


class Answerer:
    def __init__(self, retriever: Retriever, generator: Generator, settings: Settings) -> None:
        self.retriever = retriever
        self.generator = generator
        self.top_k = settings.top_k
        self.off_topic_coverage = settings.off_topic_coverage

    def ask(
        self,
        question: str,
        top_k: int | None = None,
        filters: Filters | None = None,
        as_of: date | None = None,
        history: Sequence[Message] = (),
    ) -> Answer:
        for event in self.stream(question, top_k, filters, as_of, history):
            if isinstance(event, Answer):
                return event
        raise AssertionError("stream ended without an answer")  # pragma: no cover - stream always ends with one

    def stream(
        self,
        question: str,
        top_k: int | None = None,
        filters: Filters | None = None,
        as_of: date | None = None,
        history: Sequence[Message] = (),
    ) -> Iterator[Event]:
        """Text pieces as the model writes them, then the checked :class:`Answer`."""
        started = time.perf_counter()
        standalone = self.generator.condense(question, history) if history else question
        retrieval = self.retriever.retrieve(standalone, top_k or self.top_k, filters, as_of)
        retrieved = time.perf_counter()
        timings = {"retrieve": _ms(retrieved - started)}

        if self._off_topic(standalone, retrieval.passages):
            yield Token(CANNOT_ANSWER)
            timings.update(generate=0.0, total=_ms(time.perf_counter() - started))
            yield Answer(
                question,
                standalone,
                CANNOT_ANSWER,
                [],
                retrieval.passages,
                False,
                self.generator.name,
                timings_ms=timings,
                abstained=True,
                reason=OFF_TOPIC,
            )
            return

        pieces: list[str] = []
        for piece in self.generator.stream(standalone, retrieval.passages, history):
            pieces.append(piece)
            yield Token(piece)
        checked = check_citations("".join(pieces), retrieval.passages)
        text = checked.text or CANNOT_ANSWER
        abstained = is_refusal(text)
        grounded = checked.grounded and not abstained
        done = time.perf_counter()
        timings.update(generate=_ms(done - retrieved), total=_ms(done - started))
        yield Answer(
            question,
            standalone,
            CANNOT_ANSWER if abstained else text,
            checked.citations if grounded else [],
            retrieval.passages,
            grounded,
            self.generator.name,
            checked.invalid,
            timings,
            abstained=abstained,
            reason=self.generator.refusal_reason if abstained else None,
        )

    def _off_topic(self, question: str, passages: Sequence[Passage]) -> bool:
        """Neither retriever found the question's rare words: nothing retrieved is about it.

        The question's words (or the words an article uses for them) found in the retrieved passages must make
        up ``off_topic_coverage`` of its IDF weight, so its rare words decide ("2018 World Cup"). No cosine
        threshold: a short question scores a low cosine against the very passage that answers it.
        """
        if not passages:
            return True
        return self.coverage(question, passages) < self.off_topic_coverage

    def coverage(self, question: str, passages: Sequence[Passage]) -> float:
        idf = self.retriever.store.bm25.idf
        # The words the question is about (not "how", "his", nor "story" in "who wrote the … story?").
        weights = {t: idf(t) for t in analyse(question).focus}
        total = sum(weights.values())
        if total <= 0:
            return 1.0
        found = set().union(*map(set, tokenize([f"{p.title} {p.text}" for p in passages])))
        return sum(w for t, w in weights.items() if found.intersection(alternatives(t))) / total


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)

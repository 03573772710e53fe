"""Answering: condense a follow-up, retrieve, abstain or generate, and pass on only the sentences a passage supports."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from ingest.bm25 import tokenize
from ingest.document import nfc
from ingest.settings import Settings
from qa.about import covered
from qa.candidates import states
from qa.citations import Citation, check_citations
from qa.conversation import searched_with
from qa.generation import Generator
from qa.metadata import metadata_answer
from qa.passage import Passage
from qa.prompt import Message
from qa.question import (
    PEOPLE_NOUNS,
    QUANTITY_KINDS,
    Question,
    alternatives,
    analyse,
    focus_stems,
    stem,
    word_spans,
    words,
)
from qa.question import Kind as AnswerKind
from qa.refusal import CANNOT_ANSWER, EMPTY_INDEX, NO_SUPPORTING_SENTENCE, OFF_TOPIC
from qa.requirements import passage_names, required_names
from qa.retrieval import Filters, Retriever
from qa.support import Kind, SentenceBuffer, SentenceCheck, SupportChecker, numbers_in

# An article about the days before the as-of date may appear up to a week after it.
_REPORTED_WITHIN_DAYS = 7


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
        self.as_of_window_days = settings.as_of_window_days
        self.as_of_horizon_days = settings.as_of_horizon_days

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
        """Checked sentences as tokens, then the :class:`Answer`, whose text is exactly those tokens joined.

        The model's pieces are buffered until a sentence completes; the sentence is then checked against the
        passages (:mod:`qa.support`) and yielded with the markers of the passages that support it, or dropped.
        """
        started = time.perf_counter()
        # The index holds text in NFC (ingest.document): a question typed with a combining accent is read alike.
        question = nfc(question)
        history = [Message(m.role, nfc(m.content)) for m in history]
        standalone = self.generator.condense(question, history) if history else question
        asked = analyse(standalone)  # read once: the time window, the gate and the check of numbers use it
        if as_of is not None and (asked.anchored or self.as_of_horizon_days):
            # "Who won this week?" asked as of a date: last year's winner is not the answer, however well its
            # article matches. Refusing beats stating another event's fact (negative rejection, RGB). Any question
            # asked as of a date is about the news then: an article from a season before tells of something else.
            days = self.as_of_window_days if asked.anchored else self.as_of_horizon_days
            filters = (filters or Filters()).around(as_of, days, _REPORTED_WITHIN_DAYS)
        # A model's rewrite may drop the subject a follow-up goes on from: the search keeps the conversation's
        # (qa.conversation), which the extractive reader's condensing already is.
        searched = standalone if self.generator.condenses_as_searched else searched_with(question, history)
        query = searched if standalone in (question, searched) else f"{searched} {standalone}"
        retrieval = self.retriever.retrieve(query, top_k or self.top_k, filters, as_of)
        retrieved = time.perf_counter()
        timings = {"retrieve": _ms(retrieved - started)}

        if self._off_topic(asked, retrieval.passages):
            yield Token(CANNOT_ANSWER)
            timings.update(generate=0.0, check=0.0, total=_ms(time.perf_counter() - started))
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
                # Asked before anything was indexed, "off topic" would read as if articles had been searched.
                reason=OFF_TOPIC if retrieval.passages or self.retriever.store.count() else EMPTY_INDEX,
            )
            return

        # Who wrote it, when or by whom it was published: the article's record says, whatever the model.
        recorded = metadata_answer(asked, retrieval.passages, self.retriever.store.bm25.idf) if asked.metadata else ""
        passages = retrieval.passages
        from_record = bool(recorded) and recorded != CANNOT_ANSWER
        pieces = iter([recorded]) if from_record else self.generator.stream(standalone, passages, history)
        outcome = self._outcome(asked, standalone, passages)
        yield from outcome.run(pieces, self._checker(asked, standalone, passages))
        rest: list[Passage] = []
        if not outcome.text and not from_record and self.generator.whole_articles:
            rest = self.retriever.rest_of_articles(retrieval, self.generator.whole_articles)
        if rest:
            # Nothing stated, so nothing yielded yet: the top article, read whole, may say what its ranked
            # passages didn't. Only a refusal is read again, so no answer the ranked passages gave changes.
            passages = [*passages, *rest]
            checked = outcome.check_seconds
            outcome = self._outcome(asked, standalone, passages)
            outcome.check_seconds = checked
            pieces = self.generator.stream(standalone, passages, history)
            yield from outcome.run(pieces, self._checker(asked, standalone, passages))
        if not outcome.text:
            yield Token(CANNOT_ANSWER)  # nothing stated survived, or the model declined: the one refusal
        text = outcome.text or CANNOT_ANSWER
        abstained = outcome.declined or not outcome.kept
        grounded = bool(outcome.kept) and not outcome.unsupported
        citations = check_citations(text, passages).citations if outcome.kept else []
        done = time.perf_counter()
        timings.update(generate=_ms(done - retrieved), check=_ms(outcome.check_seconds), total=_ms(done - started))
        yield Answer(
            question,
            standalone,
            text,
            citations,
            passages,
            grounded,
            self.generator.name,
            outcome.invalid,
            timings,
            abstained=abstained,
            reason=_reason(outcome, self.generator) if abstained else None,
            unsupported=outcome.unsupported,
        )

    def _checker(self, asked: Question, standalone: str, passages: Sequence[Passage]) -> SupportChecker:
        # A number, a date or an age is bound to whom the question names by the sentence that states it: "Sigrun
        # Aalto is 24" needs a sentence with both. A name or a thing asked for may come with the question's premise.
        premise = standalone if asked.kind not in QUANTITY_KINDS else ""
        return SupportChecker(passages, self.retriever.embedder, premise)

    @staticmethod
    def _outcome(asked: Question, standalone: str, passages: Sequence[Passage]) -> _Outcome:
        counted = asked.target_stem if asked.kind is AnswerKind.COUNT and asked.target not in _ANY_COUNT else None
        return _Outcome(
            wanted=asked if asked.kind in QUANTITY_KINDS else None,
            counted=counted,
            # A yes/no question ("Is the railway closed?") may well be answered in its own words.
            question=standalone if asked.kind is not AnswerKind.ANY else "",
            named=_naming(asked, passages),
            names_wanted=asked.kind is AnswerKind.PERSON and not asked.metadata,
        )

    def _off_topic(self, question: Question, passages: Sequence[Passage]) -> bool:
        """Neither retriever found the question's rare words: nothing retrieved is about it.

        The question's words (or the words an article uses for them) found in the retrieved passages must make
        up ``off_topic_coverage`` of its IDF weight, so its rare words decide ("2018 World Cup"). No cosine
        threshold: a short question scores a low cosine against the very passage that answers it.
        """
        if not passages:
            return True
        return self.coverage(question, passages) < self.off_topic_coverage

    def coverage(self, question: str | Question, passages: Sequence[Passage]) -> float:
        """Share of the question's IDF-weighted focus words that the passages (titles included) contain."""
        asked = analyse(question) if isinstance(question, str) else question
        idf = self.retriever.store.bm25.idf
        # The words the question is about (not "how", "his", nor "story" in "who wrote the … story?").
        weights = {t: idf(t) for t in asked.focus}
        total = sum(weights.values())
        if total <= 0:
            return 1.0
        found = set().union(*map(set, tokenize([f"{p.title} {p.text}" for p in passages])))
        return covered(found, weights) / total


@dataclass(slots=True)
class _Outcome:
    """The model's text, sentence by sentence, as checked: what was yielded and what was dropped."""

    kept: list[SentenceCheck] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)
    invalid: list[int] = field(default_factory=list)
    declined: bool = False
    stated: bool = False  # the model stated something, kept or not: it answered, however badly
    text: str = ""  # exactly the concatenation of the tokens yielded
    check_seconds: float = 0.0
    # How many / how much / how long / when: the first sentence must state what this question asks for, as the
    # reader would answer it (qa.candidates.find_asked).
    wanted: Question | None = None
    # How many <noun>: the first sentence must count that noun (or a word an article uses for it), not another:
    # "Orrin has 1,400 residents" is no number of employees.
    counted: str | None = None
    # A first sentence that says only what this question said is no answer (see restates).
    question: str = ""
    # The passages whose article names whom or what the question names (None: not asked): a first sentence resting
    # on another is about something else ("Anthony Albanese" for "Who is France's prime minister?").
    named: set[int] | None = None
    # Who: the first sentence must name someone the question didn't (see _names_new). (Not where: "at the recreation
    # center" may answer it.)
    names_wanted: bool = False

    def run(self, pieces: Iterator[str], checker: SupportChecker) -> Iterator[Token]:
        """Buffers the model's pieces into sentences; yields each supported one, with valid markers only."""
        buffer = SentenceBuffer()
        try:
            for piece in pieces:
                for sentence in buffer.feed(piece):
                    yield from self._take(sentence, checker)
                if self.declined:
                    return  # the model said the passages don't answer: the rest is not read
            for sentence in buffer.flush():
                yield from self._take(sentence, checker)
                if self.declined:
                    return
        finally:
            close = getattr(pieces, "close", None)
            if close is not None:
                close()  # a llama.cpp generation left half-read would keep its lock

    def _take(self, sentence: str, checker: SupportChecker) -> Iterator[Token]:
        if self.declined:
            return  # sentences that arrived in the same piece as the decline
        started = time.perf_counter()
        check = checker.check(sentence)
        self.check_seconds += time.perf_counter() - started
        self.invalid += [n for n in check.invalid if n not in self.invalid]
        if check.kind is Kind.DECLINE:
            # Said once, in the one wording: alone when nothing was stated yet, else after what was.
            self.declined = True
            yield from self._emit(CANNOT_ANSWER) if self.kept else ()
        elif check.kind is Kind.CLAIM and check.supported:
            self.stated = True
            if self.wanted and not self.kept and not states(self.wanted, check.claim):
                return  # true, but not the number or time asked for: it would pass for an answer
            if self.counted and not self.kept and not _counts(self.counted, check.claim):
                return
            if self.question and not self.kept and restates(check.claim, self.question):
                return  # true, and the question said it: no answer
            if self.names_wanted and not self.kept and not _names_new(check.claim, self.question):
                return  # true, but names no one the question didn't: no answer to who or where
            if self.named is not None and not self.kept and not self.named.intersection(check.supporting):
                return  # true of a passage that doesn't name whom the question asks about: another question's answer
            self.kept.append(check)
            yield from self._emit(check.text)
        elif check.kind is Kind.CLAIM:
            self.stated = True
            self.unsupported.append(check.claim)

    def _emit(self, sentence: str) -> Iterator[Token]:
        piece = f" {sentence}" if self.text else sentence
        self.text += piece
        yield Token(piece)


# Nouns a model may leave out when it counts them ("Two died." for "how many people died?", "twice").
_ANY_COUNT = PEOPLE_NOUNS | {"times"}


def _names_new(claim: str, question: str) -> bool:
    """Whether ``claim`` names someone or somewhere ``question`` didn't: a capitalised word of its own, not a light
    one ("Gavin Newsom announced…", not "California officials indicated…" for "Who announced the end of
    California's mask mandate?")."""
    asked = set(focus_stems(question))
    return any(claim[a].isupper() and set(focus_stems(claim[a:b])) - asked for a, b in word_spans(claim))


def _naming(q: Question, passages: Sequence[Passage]) -> set[int]:
    """The passages whose article names one of the question's names in some retrieved passage (all of them when
    the question names no one): a story about the Luce names it once, and its other passages are about it too."""
    required = required_names(q)
    articles = {p.doc_id for p in passages if passage_names(q, p, required)}
    return {p.n for p in passages if p.doc_id in articles}


def restates(claim: str, question: str) -> bool:
    """Whether ``claim`` says nothing the question didn't: all its words are the question's (or words an article
    uses for them) and so are its numbers. "Martin Sheen regrets not using his birth name professionally" restates
    "…Martin Sheen said he regrets not using his birth name professionally. What is it?"; "5 people died" does
    not restate "How many people died?"."""
    asked = {a for f in focus_stems(question) for a in alternatives(f)}
    return set(focus_stems(claim)) <= asked and numbers_in(claim) <= numbers_in(question)


def _counts(noun: str, claim: str) -> bool:
    return bool(set(alternatives(noun)).intersection(stem(w) for w in words(claim)))


def _reason(outcome: _Outcome, generator: Generator) -> str:
    """Why an answer abstained: the model declined or stated nothing (the generator's own reason), or what it
    stated was not an answer any retrieved sentence supports (as the extractive reader's refusal says)."""
    if outcome.stated and not outcome.declined:
        return NO_SUPPORTING_SENTENCE
    return generator.refusal_reason


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)

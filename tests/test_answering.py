"""Answering end to end: real index, real embedding model, the extractive model (the default NEWSQA_LLM).

Stand-in generators below replace only the external LLM; retrieval, abstention and citation checks are ours.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from support import free_port

from api.services import Services
from ingest.settings import Settings
from qa.answering import Answer, Answerer, Token, restates
from qa.citations import check_citations
from qa.generation import ModelConfigError, ModelError, ModelUnavailable, make_generator
from qa.passage import Passage
from qa.prompt import Message
from qa.question import analyse
from qa.refusal import CANNOT_ANSWER, MODEL_DECLINED, NO_SUPPORTING_SENTENCE
from qa.retrieval import Retriever

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_06bb106c697d14b6.txt"
EVAL = REPO.parent / "shared" / "eval" / "realtimeqa"
CORPUS = EVAL / "corpus"
DEV = EVAL / "dev.jsonl"

SEED_QUESTION = "Who is the head of US Southern Command?"
OFF_TOPIC = (
    "What is the boiling point of liquid nitrogen in Kelvin on Neptune's moon Triton according to NASA's 1989 probe?"
)
DEV_QUESTIONS = 8
# Articles no dev question among the first eight is about.
DISTRACTORS = [
    "new-zealand-bans-tobacco-sales-for-next-generation-cnn-cecbe27b.txt",
    "most-of-bangladesh-left-without-power-after-national-grid-failure-c-e83dab7d.txt",
    "jane-austen-book-sells-for-375-000-the-week-uk-a01943fc.txt",
    "nasa-finds-molecules-on-mars-the-week-uk-675bbf82.txt",
]
MAX_CHUNKS = 150


def load_dev(n: int) -> list[dict]:
    if not DEV.is_file() or not CORPUS.is_dir():
        pytest.skip(f"eval set not available at {EVAL}")
    with DEV.open(encoding="utf-8") as fh:
        return [json.loads(line) for line, _ in zip(fh, range(n), strict=False)]


def quiz_date(question: dict) -> date:
    return date.fromisoformat(question["date"].replace("/", "-"))


@dataclass
class Index:
    services: Services
    answerer: Answerer
    dev: list[dict]  # the dev questions whose evidence is indexed ([] without ../shared)

    @property
    def retriever(self) -> Retriever:
        return self.answerer.retriever

    def seed_doc_id(self) -> str:
        (doc_id,) = [d.doc_id for d in self.services.store.manifest.documents.values() if d.file == SEED.name]
        return doc_id


@pytest.fixture(scope="module")
def index(
    tmp_path_factory: pytest.TempPathFactory,
    settings_factory: Callable[..., Settings],
    services_factory: Callable[..., Services],
) -> Index:
    """The seed article, plus (when ../shared is there) the evidence of the first dev questions and distractors."""
    docs = tmp_path_factory.mktemp("answering_docs")
    shutil.copy2(SEED, docs / SEED.name)
    dev: list[dict] = []
    if DEV.is_file() and CORPUS.is_dir():
        dev = load_dev(DEV_QUESTIONS)
        for name in {f for q in dev for f in q["evidence_files"]} | set(DISTRACTORS):
            shutil.copy2(CORPUS / name, docs / name)
    services = services_factory(settings_factory(docs))
    report = services.indexer.reindex()
    assert report.skipped == 0, report.skipped_files
    assert report.chunks <= MAX_CHUNKS, report.summary()
    assert services.settings.llm == "extractive"
    return Index(services, services.answerer(), dev)


def assert_citations_valid(answer: Answer) -> None:
    by_n = {p.n: p for p in answer.passages}
    for c in answer.citations:
        assert c.n in by_n, f"[{c.n}] names no retrieved passage"
        assert c.chunk_id == by_n[c.n].chunk_id
        assert c.doc_id == by_n[c.n].doc_id
        assert f"[{c.n}]" in answer.answer
    assert len({c.n for c in answer.citations}) == len(answer.citations)
    # Grounded: it cites, and no sentence the model wrote was dropped as unsupported.
    assert answer.grounded == (bool(answer.citations) and not answer.unsupported)


def cited_passages(answer: Answer) -> list[Passage]:
    by_n = {p.n: p for p in answer.passages}
    return [by_n[c.n] for c in answer.citations]


# --- the extractive model, end to end -------------------------------------------------------------------


def test_seed_question_end_to_end(index: Index) -> None:
    answer = index.answerer.ask(SEED_QUESTION)
    assert answer.model == "extractive"
    assert answer.question == answer.standalone_question == SEED_QUESTION
    assert answer.grounded, answer.answer
    assert "Fuller" in answer.answer
    assert answer.invalid_citations == []
    assert_citations_valid(answer)
    first = cited_passages(answer)[0]
    assert "Fuller" in first.text
    assert first.doc_id == index.seed_doc_id()
    assert answer.citations[0].title == "US Military Claims Iranian Troops and Weapons are in Venezuela"
    assert set(answer.timings_ms) >= {"retrieve", "generate", "total"}
    assert answer.timings_ms["total"] >= answer.timings_ms["retrieve"]


def test_dev_questions_cite_the_gold_answer(index: Index) -> None:
    if not index.dev:
        pytest.skip(f"eval set not available at {EVAL}")
    hits: list[str] = []
    generate_ms: list[float] = []
    for q in index.dev:
        answer = index.answerer.ask(q["question"], as_of=quiz_date(q))
        assert_citations_valid(answer)  # for every answer, grounded or not
        assert answer.invalid_citations == []
        generate_ms.append(answer.timings_ms["generate"])
        gold = q["answer"].lower()
        if any(gold in p.text.lower() for p in cited_passages(answer)):
            hits.append(q["id"])
    p50 = statistics.median(generate_ms)
    print(
        f"\ndev: {len(hits)}/{len(index.dev)} answers cite a passage containing the gold answer; "
        f"extractive generate p50 = {p50:.1f} ms (max {max(generate_ms):.1f} ms)"
    )
    # Observed 6 of 8: the Deborah James article (May 13) is out-ranked under as_of=Jul 1 by June
    # articles, and the Sri Lanka question is long enough that no sentence reaches the extractive
    # model's coverage threshold, so it answers "cannot answer". Threshold set a bit under that.
    assert len(hits) >= 5, hits


def test_off_topic_question_abstains_without_calling_the_model(index: Index) -> None:
    retrieval = index.retriever.retrieve(OFF_TOPIC, index.answerer.top_k)
    assert retrieval.passages, "the index is not empty, so something is retrieved"
    # Its rare words (Triton, Neptune, Kelvin, nitrogen) are nowhere in what was retrieved.
    assert index.answerer.coverage(OFF_TOPIC, retrieval.passages) < index.services.settings.off_topic_coverage

    model = ForbiddenGenerator()
    answerer = Answerer(index.retriever, model, index.services.settings)
    answer = answerer.ask(OFF_TOPIC)
    assert answer.answer == CANNOT_ANSWER
    assert answer.abstained and answer.reason == "off_topic"
    assert not answer.grounded
    assert answer.citations == []
    assert answer.timings_ms["generate"] == 0.0
    events = list(answerer.stream(OFF_TOPIC))
    assert [type(e) for e in events] == [Token, Answer]
    assert events[0].text == CANNOT_ANSWER
    assert model.calls == []


def test_stream_yields_tokens_then_one_answer(index: Index) -> None:
    events = list(index.answerer.stream(SEED_QUESTION))
    assert len(events) >= 2
    assert isinstance(events[-1], Answer)
    assert all(isinstance(e, Token) for e in events[:-1])
    answer = events[-1]
    raw = "".join(e.text for e in events[:-1])
    assert answer.grounded
    # The extractive model only cites passages it was given: cleaning changes nothing but spacing.
    assert check_citations(raw, answer.passages).text == answer.answer
    assert " ".join(raw.split()) == " ".join(answer.answer.split())
    for c in answer.citations:
        assert f"[{c.n}]" in raw
    assert answer.answer == index.answerer.ask(SEED_QUESTION).answer


def test_follow_up_is_searched_with_the_previous_question(index: Index) -> None:
    history = [
        Message("user", "Is Iran sending weapons to Venezuela?"),
        Message("assistant", "The US military says Iran is sending weapons and operatives to Venezuela [1]."),
    ]
    follow_up = "And who made the accusation?"
    answer = index.answerer.ask(follow_up, history=history)
    assert answer.question == follow_up
    assert "Venezuela" in answer.standalone_question and follow_up in answer.standalone_question
    seed = index.seed_doc_id()
    assert answer.passages[0].doc_id == seed
    assert answer.grounded
    assert_citations_valid(answer)
    assert any(p.doc_id == seed for p in cited_passages(answer))
    # The passages are those of the condensed question, not of the follow-up alone (whose words "made" and
    # "accusation" find the seed article too, since retrieval scores whole articles, but not these passages).
    searched = index.retriever.retrieve(answer.standalone_question, index.answerer.top_k)
    alone = index.retriever.retrieve(follow_up, index.answerer.top_k)
    assert [p.chunk_id for p in answer.passages] == [p.chunk_id for p in searched.passages]
    assert [p.chunk_id for p in alone.passages] != [p.chunk_id for p in searched.passages]


# --- stand-ins for an external LLM ----------------------------------------------------------------------


class ForbiddenGenerator:
    """An LLM that must not be called: abstention happens before any model call."""

    name = "forbidden"
    whole_articles = 0
    condenses_as_searched = False

    def __init__(self) -> None:
        self.calls: list[str] = []

    def condense(self, question: str, history: Sequence[Message]) -> str:
        self.calls.append("condense")
        pytest.fail("the model was asked to condense a question that needed no model")

    def stream(self, question: str, passages: Sequence[Passage], history: Sequence[Message]) -> Iterator[str]:
        self.calls.append("stream")
        pytest.fail("the model was called although retrieval found nothing relevant")


class ScriptedGenerator:
    """An LLM that writes a fixed reply, in pieces, and records what it was given."""

    name = "scripted"
    refusal_reason = MODEL_DECLINED
    whole_articles = 0
    condenses_as_searched = False

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.seen: list[list[int]] = []

    def condense(self, question: str, history: Sequence[Message]) -> str:
        return question

    def stream(self, question: str, passages: Sequence[Passage], history: Sequence[Message]) -> Iterator[str]:
        self.seen.append([p.n for p in passages])
        for i in range(0, len(self.reply), 7):
            yield self.reply[i : i + 7]


def scripted(index: Index, reply: str, question: str = SEED_QUESTION) -> tuple[list[Token], Answer]:
    """Asks ``question`` with a model that writes ``reply``: the streamed tokens and the final answer."""
    model = ScriptedGenerator(reply)
    events = list(Answerer(index.retriever, model, index.services.settings).stream(question))
    assert model.seen, "the model was asked"
    *tokens, answer = events
    assert all(isinstance(t, Token) for t in tokens) and isinstance(answer, Answer)
    # The streaming contract: the final answer is exactly the tokens joined, and the tokens are checked text.
    assert "".join(t.text for t in tokens) == answer.answer
    assert answer.model == "scripted"
    return tokens, answer


def test_who_wrote_it_is_answered_from_the_record_whatever_the_model(index: Index) -> None:
    # The seed's byline is its last line; a small model shown it may answer with the headline instead.
    model = ForbiddenGenerator()
    answerer = Answerer(index.retriever, model, index.services.settings)
    answer = answerer.ask("Who wrote the story about Iranian troops in Venezuela?")
    assert model.calls == []
    assert answer.answer.startswith("Dave DeCamp wrote “US Military Claims Iranian Troops"), answer.answer
    assert answer.grounded and not answer.abstained
    assert [p.doc_id for p in cited_passages(answer)] == [index.seed_doc_id()]
    # The seed carries no date: what the record doesn't hold, the model is asked for.
    model_asked = ScriptedGenerator("The passages do not say.")
    answerer = Answerer(index.retriever, model_asked, index.services.settings)
    asked = answerer.ask("When was the story about Iranian troops in Venezuela published?")
    assert model_asked.seen and asked.abstained and asked.reason == MODEL_DECLINED


def test_invalid_marker_never_reaches_a_token(index: Index) -> None:
    tokens, answer = scripted(index, "Adm. Craig Fuller heads US Southern Command [1]. He also runs NASA [9].")
    assert answer.invalid_citations == [9]
    assert all("[9]" not in t.text for t in tokens)
    assert [c.n for c in answer.citations] == [1]
    # The second sentence names no retrieved passage, and none says it: dropped, listed, not grounded.
    assert answer.answer == "Adm. Craig Fuller heads US Southern Command. [1]"
    assert answer.unsupported == ["He also runs NASA."]
    assert not answer.grounded and not answer.abstained
    assert_citations_valid_text(answer)


def test_unmarked_model_sentence_gets_the_marker_of_the_passage_that_supports_it(index: Index) -> None:
    _, answer = scripted(index, "Adm. Craig Fuller is the head of US Southern Command.")
    assert answer.grounded and answer.unsupported == []
    (citation,) = answer.citations
    assert answer.answer == f"Adm. Craig Fuller is the head of US Southern Command. [{citation.n}]"
    assert "head of US Southern Command" in cited_passages(answer)[0].text
    assert_citations_valid(answer)


def test_model_sentence_citing_the_wrong_passage_is_cited_to_the_right_one(index: Index) -> None:
    passages = index.retriever.retrieve(SEED_QUESTION, index.answerer.top_k).passages
    wrong = next(p.n for p in passages if "Southern Command" not in p.text)
    _, answer = scripted(index, f"Adm. Craig Fuller is the head of US Southern Command [{wrong}].")
    assert answer.grounded
    assert [c.n for c in answer.citations] != [wrong]
    assert all("head of US Southern Command" in p.text for p in cited_passages(answer))


def test_unsupported_model_sentence_is_listed_and_not_answered(index: Index) -> None:
    tokens, answer = scripted(index, "Craig Fuller was born in Ohio in 1961 [1].")
    assert answer.unsupported == ["Craig Fuller was born in Ohio in 1961."]
    assert answer.answer == CANNOT_ANSWER and [t.text for t in tokens] == [CANNOT_ANSWER]
    # The model answered, and no retrieved sentence says it: not a decline.
    assert answer.abstained and answer.reason == NO_SUPPORTING_SENTENCE
    assert not answer.grounded and answer.citations == []


@pytest.mark.parametrize("reply", ["[1]", "", " [1][2]. ", f"{CANNOT_ANSWER} [1]", "The passages do not say."])
def test_a_reply_that_states_nothing_or_declines_is_the_refusal(index: Index, reply: str) -> None:
    tokens, answer = scripted(index, reply)
    assert [t.text for t in tokens] == [CANNOT_ANSWER]
    assert answer.answer == CANNOT_ANSWER
    assert answer.abstained and answer.reason == MODEL_DECLINED
    assert not answer.grounded and answer.citations == [] and answer.unsupported == []


def test_a_decline_after_a_supported_sentence_is_said_once_after_it(index: Index) -> None:
    _, answer = scripted(
        index, f"Adm. Craig Fuller is the head of US Southern Command [1]. {CANNOT_ANSWER} Nothing more [1]."
    )
    assert answer.answer == f"Adm. Craig Fuller is the head of US Southern Command. [1] {CANNOT_ANSWER}"
    assert answer.abstained and answer.reason == MODEL_DECLINED
    assert answer.unsupported == []  # the model's text after its decline is not read


def test_a_when_question_needs_a_time_in_the_first_sentence(index: Index) -> None:
    question = "When did the top US military commander make the accusation about Iran?"
    _, answer = scripted(index, "Adm. Craig Fuller made the accusation [1].", question)
    assert answer.answer == CANNOT_ANSWER and answer.abstained  # true, but not when
    _, answer = scripted(index, "Adm. Craig Fuller made the accusation on Wednesday [1].", question)
    assert answer.answer.startswith("Adm. Craig Fuller made the accusation on Wednesday.") and answer.grounded


def test_a_first_sentence_must_rest_on_a_story_naming_whom_the_question_names(index: Index) -> None:
    reply = "Adm. Craig Fuller is the head of US Southern Command [1]."
    # True of the seed, which never names France: the answer to another question.
    _, answer = scripted(index, reply, "Who is France's top military commander?")
    assert answer.answer == CANNOT_ANSWER and answer.abstained and answer.reason == NO_SUPPORTING_SENTENCE
    _, answer = scripted(index, reply, "Who is the top US military commander watching Venezuela?")
    assert answer.answer.startswith("Adm. Craig Fuller is the head of US Southern Command.") and answer.grounded


def test_a_who_answer_must_name_someone_the_question_did_not(index: Index) -> None:
    question = "Who in the US accuses Iran of sending weapons to Venezuela?"
    # True of the seed, but it names only whom the question named: no answer to "who".
    _, answer = scripted(index, "The US military is now accusing Iran of sending weapons to Venezuela [1].", question)
    assert answer.answer == CANNOT_ANSWER and answer.abstained and answer.reason == NO_SUPPORTING_SENTENCE
    _, answer = scripted(index, "Adm. Craig Fuller is the head of US Southern Command [1].", question)
    assert answer.answer.startswith("Adm. Craig Fuller is the head of US Southern Command.") and answer.grounded


def test_a_reply_that_restates_the_question_is_no_answer(index: Index) -> None:
    if not index.dev:
        pytest.skip(f"eval set not available at {EVAL}")
    question = index.dev[1]["question"]  # "…Martin Sheen said he regrets not using his birth name… What is it?"
    assert "birth name" in question
    # What Qwen2.5-Coder-1.5B answered (RealTime QA dev, 2026-11-29): true, cited, and no answer.
    _, answer = scripted(index, "Martin Sheen regrets not using his birth name professionally. [1]", question)
    assert answer.answer == CANNOT_ANSWER and answer.abstained, answer.answer
    assert answer.reason == NO_SUPPORTING_SENTENCE  # it said something, just not the answer
    _, answer = scripted(index, "His birth name is Ramon Estévez. [1]", question)
    assert answer.answer.startswith("His birth name is Ramon Estévez.") and not answer.abstained, answer.answer
    # A yes/no question may be answered in its own words.
    yes_no = "Does Martin Sheen regret not using his birth name professionally?"
    _, answer = scripted(index, "Martin Sheen regrets not using his birth name professionally. [1]", yes_no)
    assert answer.answer.startswith("Martin Sheen regrets") and not answer.abstained, answer.answer


@pytest.mark.parametrize(
    ("claim", "question", "restated"),
    [
        (
            "Martin Sheen regrets not using his birth name professionally.",
            "Martin Sheen regrets not using his birth name professionally. What is it?",
            True,
        ),
        (
            "NASA released astonishing images from space this week.",
            "NASA released astonishing images from space this week. What did the images show?",
            True,
        ),
        ("People were killed in the storm.", "How many people died in the storm?", True),  # "killed" is "died"
        ("5 people died in the storm.", "How many people died in the storm?", False),  # a number of one digit
        ("His birth name is Ramon Estévez.", "What is Martin Sheen's birth name?", False),
    ],
)
def test_what_restates_the_question(claim: str, question: str, restated: bool) -> None:
    assert restates(claim, question) is restated


def test_a_question_about_this_week_is_answered_only_from_articles_of_that_time(index: Index) -> None:
    if not index.dev:
        pytest.skip(f"eval set not available at {EVAL}")
    q = index.dev[0]  # "An anonymous bidder recently paid … How much did the bidder pay?"
    assert "recently" in q["question"]
    asked = quiz_date(q)
    answer = index.answerer.ask(q["question"], as_of=asked)
    assert "19 million" in answer.answer and not answer.abstained, answer.answer
    # A year later "recently" means another week: the article of then is no answer, and nothing newer says.
    later = index.answerer.ask(q["question"], as_of=date(asked.year + 1, asked.month, asked.day))
    assert later.answer == CANNOT_ANSWER and later.abstained, later.answer
    assert all(abs((date.fromisoformat(p.published[:10]) - asked).days) > 300 for p in later.passages)
    # Without an as-of date no window applies.
    assert "19 million" in index.answerer.ask(q["question"]).answer


def test_any_question_asked_as_of_a_date_is_answered_from_the_news_of_then(index: Index) -> None:
    if not index.dev:
        pytest.skip(f"eval set not available at {EVAL}")
    q = index.dev[3]  # "Which Ivy League school announced it will eliminate student loans for undergraduates?"
    assert not analyse(q["question"]).anchored
    asked = quiz_date(q)
    assert "Dartmouth" in index.answerer.ask(q["question"], as_of=asked).answer
    # Half a year on, the story is stale: nothing of then answers, and the old article is not used.
    later = asked + timedelta(days=180)
    answer = index.answerer.ask(q["question"], as_of=later)
    assert answer.answer == CANNOT_ANSWER and answer.abstained, answer.answer
    horizon = index.answerer.as_of_horizon_days
    assert all(-7 <= (later - date.fromisoformat(p.published[:10])).days <= horizon for p in answer.passages)
    # Without the horizon the stale article would still be stated (it is only weighted down).
    unlimited = index.services.settings.model_copy(update={"as_of_horizon_days": 0})
    stale = Answerer(index.retriever, index.answerer.generator, unlimited).ask(q["question"], as_of=later)
    assert "Dartmouth" in stale.answer, stale.answer


def assert_citations_valid_text(answer: Answer) -> None:
    """Every marker left in the text names a cited, retrieved passage."""
    cited = {c.n for c in answer.citations}
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)} == cited


# --- choosing the model: bad NEWSQA_LLM values fail clearly ----------------------------------------------


def _no_idf(term: str) -> float:
    return 1.0


# --- the top article, read whole when its ranked passages don't answer --------------------------------------

# An invented article, cut into small chunks: the one that ranks first for "How many vehicles…?" names the
# vehicles of the pileup but no number; the count is further down.
PILEUP = REPO / "tests" / "data" / "harlow-dust-storm.txt"


@pytest.fixture(scope="module")
def pileup(
    tmp_path_factory: pytest.TempPathFactory,
    settings_factory: Callable[..., Settings],
    services_factory: Callable[..., Services],
) -> Services:
    docs = tmp_path_factory.mktemp("pileup_docs")
    shutil.copy2(PILEUP, docs / PILEUP.name)
    services = services_factory(settings_factory(docs, top_k=1, chunk_tokens=64, chunk_overlap=8))
    services.indexer.reindex()
    return services


def test_the_reader_reads_the_top_article_whole_when_its_ranked_passages_do_not_answer(pileup: Services) -> None:
    question = "How many vehicles were in the Harlow pileup?"
    answerer = pileup.answerer()
    (top,) = answerer.retriever.retrieve(question, 1).passages
    assert "58" not in top.text and "vehicles" in top.text  # the premise: the ranked passage doesn't say
    answer = answerer.ask(question)
    assert answer.answer.startswith("58 — "), answer.answer
    assert not answer.abstained and answer.grounded
    assert_citations_valid(answer)
    assert [p.n for p in answer.passages] == list(range(1, len(answer.passages) + 1))
    assert answer.passages[0].chunk_id == top.chunk_id and answer.passages[0].ranked
    rest = answer.passages[1:]
    assert len(rest) == pileup.store.manifest.documents[top.doc_id].chunks - 1
    assert all(not p.ranked and p.score == 0.0 and p.doc_id == top.doc_id for p in rest)
    (cited,) = cited_passages(answer)
    assert not cited.ranked and "58 vehicles" in cited.text and 0.0 < cited.similarity < top.similarity


def test_an_answer_in_the_ranked_passages_reads_no_further(pileup: Services) -> None:
    answer = pileup.answerer().ask("Who is the county emergency manager?")
    assert answer.answer.startswith("Tomas Brenner — "), answer.answer
    assert [p.ranked for p in answer.passages] == [True]


def test_what_the_whole_article_does_not_say_is_still_refused(pileup: Services) -> None:
    answer = pileup.answerer().ask("How many people died in the Harlow pileup?")
    assert answer.answer == CANNOT_ANSWER and answer.reason == NO_SUPPORTING_SENTENCE
    assert len(answer.passages) > 1 and not answer.citations  # it read on, and found no death toll


def test_a_model_is_not_given_the_whole_article(pileup: Services) -> None:
    model = ScriptedGenerator("The passages do not say.")
    answer = Answerer(pileup.answerer().retriever, model, pileup.settings).ask(
        "How many vehicles were in the Harlow pileup?"
    )
    assert answer.reason == MODEL_DECLINED
    assert model.seen == [[1]] and len(answer.passages) == 1  # a prompt the length of an article costs seconds


def test_unknown_model_spec(index: Index) -> None:
    settings = index.services.settings.model_copy(update={"llm": "nonsense"})
    with pytest.raises(ModelConfigError, match="NEWSQA_LLM"):
        make_generator(settings, _no_idf)


def test_missing_gguf_file(index: Index) -> None:
    settings = index.services.settings.model_copy(update={"llm": "llamacpp:/nonexistent.gguf"})
    with pytest.raises(ModelConfigError, match=re.escape("/nonexistent.gguf")) as err:
        make_generator(settings, _no_idf)
    assert "NEWSQA_LLM" in str(err.value)


def test_unreachable_openai_server_fails_clearly_and_quickly(index: Index) -> None:
    base_url = f"http://127.0.0.1:{free_port()}/v1"
    settings = index.services.settings.model_copy(
        update={"llm": "openai:some-model", "llm_base_url": base_url, "llm_timeout": 5.0}
    )
    generator = make_generator(settings, _no_idf)  # nothing is contacted until a question is asked
    answerer = Answerer(index.retriever, generator, settings)
    started = time.perf_counter()
    with pytest.raises(ModelUnavailable) as err:
        answerer.ask(SEED_QUESTION)
    elapsed = time.perf_counter() - started
    message = str(err.value)
    assert "NEWSQA_LLM" in message and base_url in message, message
    assert isinstance(err.value, ModelError)
    assert elapsed < settings.llm_timeout, f"took {elapsed:.1f}s"
    # The stream fails the same way, before any token.
    with pytest.raises(ModelUnavailable):
        next(iter(answerer.stream(SEED_QUESTION)))


class RewritingGenerator(ScriptedGenerator):
    """An LLM whose rewrite of a follow-up drops its subject, as a small model's often does."""

    def __init__(self, rewrite: str, reply: str) -> None:
        super().__init__(reply)
        self.rewrite = rewrite
        self.asked: list[str] = []

    def condense(self, question: str, history: Sequence[Message]) -> str:
        return self.rewrite

    def stream(self, question: str, passages: Sequence[Passage], history: Sequence[Message]) -> Iterator[str]:
        self.asked.append(question)
        return super().stream(question, passages, history)


def test_a_model_s_rewrite_that_drops_the_subject_is_still_searched_with_the_conversation(index: Index) -> None:
    history = [
        Message("user", "Is Iran sending weapons to Venezuela?"),
        Message("assistant", "The US military says Iran is sending weapons and operatives to Venezuela [1]."),
    ]
    rewrite = "Who made the claim?"
    model = RewritingGenerator(rewrite, "Adm. Craig Fuller made the accusation [1].")
    answer = Answerer(index.retriever, model, index.services.settings).ask("And who said so?", history=history)
    assert model.asked == [rewrite]  # the model answers its own rewrite
    assert answer.standalone_question == rewrite
    # Searched alone, the rewrite finds another story first; with the question it goes on from, the seed.
    assert index.retriever.retrieve(rewrite, index.answerer.top_k).passages[0].doc_id != index.seed_doc_id()
    assert answer.passages[0].doc_id == index.seed_doc_id()


# --- one spelling of an accented name -----------------------------------------------------------------------


def test_a_name_written_with_a_combining_accent_is_found_as_typed(
    tmp_path: Path, settings_factory: Callable[..., Settings], services_factory: Callable[..., Services]
) -> None:
    # A real corpus article spells "González" with a combining accent (NFD); people type the precomposed "á" (NFC).
    nfd = "Gonza\u0301lez"
    (tmp_path / "gotham.txt").write_text(
        f"Gotham striker leads the scoring\n\nPublished: 2025-08-01\n\nEsther {nfd} has a league-leading 10 goals "
        f"in 13 games this season. {nfd} joined Gotham FC in 2023.\n",
        encoding="utf-8",
    )
    (tmp_path / "orlando.txt").write_text(
        "Orlando striker scores twice\n\nPublished: 2025-08-01\n\nBarbra Banda scored twice, taking her goals this "
        "season to 8, and the league's goals scored record is in reach, her coach said.\n",
        encoding="utf-8",
    )
    services = services_factory(settings_factory(tmp_path))
    services.indexer.reindex()
    [doc] = [d for d in services.store.manifest.documents.values() if d.path == "gotham.txt"]
    for typed in ("How many goals has González scored?", f"How many goals has {nfd} scored?"):
        answer = services.answerer().ask(typed)
        assert answer.question == "How many goals has González scored?"  # read in one spelling
        top = answer.passages[0]
        assert top.doc_id == doc.doc_id and top.bm25_rank == 1, [(p.doc_id, p.bm25_rank) for p in answer.passages]
        assert answer.answer.startswith("10 goals — ") or answer.answer.startswith("10 — "), answer.answer

"""What a model reads of its passages (qa.compression), with the real embedding model, and what is checked: the
passages whole."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from support import PILEUP

from api.services import Services
from ingest.chunking import sentence_spans
from ingest.embedding import Embedder
from qa.answering import Answerer
from qa.compression import compress
from qa.passage import Passage
from qa.prompt import Message
from qa.question import analyse
from qa.refusal import MODEL_DECLINED

STORY = PILEUP.read_text(encoding="utf-8").split("\n\n", 1)[1].replace("\n\n", " ")


def passage(n: int, text: str) -> Passage:
    return Passage(
        n=n,
        chunk_id=f"doc{n}:0",
        doc_id=f"doc{n}",
        title="Dust storm causes pileup on Interstate 9 near Harlow",
        text=text,
        url=f"https://example.com/{n}",
        published="2026-04-14",
        source="Example Gazette",
        score=0.03,
        similarity=0.5,
    )


def test_a_model_reads_the_sentences_most_about_the_question_in_their_order() -> None:
    q = analyse("How many vehicles were in the Harlow pileup?")
    (cut,) = compress(q, [passage(1, STORY)], lambda _: 1.0, Embedder.shared(), 60)
    assert "By Tuesday the state patrol had counted 58 vehicles" in cut.text  # the count, asked for
    assert "Residents were urged to check the forecast" not in cut.text  # nothing of vehicles or pileups
    assert len(cut.text.split()) < len(STORY.split()) / 3  # about 60 of its 300 words
    # In the article's order, with a mark where sentences were left out; the passage is the same one otherwise.
    assert cut.text.index("pileup on Interstate 9") < cut.text.index("58 vehicles")
    assert " … " in cut.text and cut.chunk_id == "doc1:0" and cut.n == 1


def test_a_short_passage_and_a_budget_of_nothing_leave_the_text_whole() -> None:
    q = analyse("How many vehicles were in the Harlow pileup?")
    short = passage(2, "By Tuesday the state patrol had counted 58 vehicles.")
    assert compress(q, [short], lambda _: 1.0, None, 40) == [short]
    whole = passage(1, STORY)
    assert compress(q, [whole], lambda _: 1.0, Embedder.shared(), 0) == [whole]


class ReadingGenerator:
    """A stand-in for an LLM (none can run in ``make test``) that reads at most ``passage_words`` words of each
    passage, records what it was given, and writes a fixed reply."""

    name = "reading"
    refusal_reason = MODEL_DECLINED
    whole_articles = 0

    def __init__(self, reply: str, passage_words: int) -> None:
        self.reply = reply
        self.passage_words = passage_words
        self.seen: list[str] = []

    def condense(self, question: str, history: Sequence[Message]) -> str:
        return question

    def stream(self, question: str, passages: Sequence[Passage], history: Sequence[Message]) -> Iterator[str]:
        self.seen += [p.text for p in passages]
        yield self.reply


def test_the_model_reads_less_and_its_answer_is_checked_against_the_whole_passage(pileup: Services) -> None:
    question = "Who is the county emergency manager?"
    retriever = pileup.answerer().retriever
    (ranked,) = retriever.retrieve(question, 1).passages
    looking = ReadingGenerator("The passages do not say.", 20)
    Answerer(retriever, looking, pileup.settings).ask(question)
    (read,) = looking.seen
    assert len(read.split()) < len(ranked.text.split()) and "Tomas Brenner" in read
    # A sentence of the passage the model was not shown, which a model might still write (it knows the story):
    # its answer is checked against the passage whole, so the sentence stands, cited.
    unread = next(ranked.text[s:e] for s, e in sentence_spans(ranked.text) if ranked.text[s:e] not in read)
    model = ReadingGenerator(f"{unread} [1]", 20)
    answer = Answerer(retriever, model, pileup.settings).ask(question)
    assert answer.answer == f"{unread} [1]" and answer.grounded, answer.answer
    assert answer.passages[0].text == ranked.text  # the answer shows the passage whole
    # With no budget, the model reads it all.
    whole = ReadingGenerator("The passages do not say.", 0)
    Answerer(retriever, whole, pileup.settings).ask(question)
    assert whole.seen == [ranked.text]

"""qa.support: sentences split as a model streams them, and checked against hand-written passages.

The embedding model is the real one (the ``embedder`` fixture); the passages are invented here.
"""

from __future__ import annotations

import pytest

from ingest.embedding import Embedder
from qa.passage import Passage
from qa.refusal import CANNOT_ANSWER
from qa.support import Kind, SentenceBuffer, SupportChecker, numbers_in, split_sentences

FERRY = (
    "The ferry operator Bluewake Lines said on Monday that its new vessel, the Corrin Star, would enter service "
    "in May. The ship cost 210 million kroner and carries 1,200 passengers. Chief executive Ines Varga said "
    "the route to Holm Island would run four times a day."
)
MINE = (
    "A copper mine near Tarvik was closed after a tunnel collapse injured three workers. Inspectors from the "
    "national safety board will visit the site on Thursday. The owner, Ostmark Metals, said production would "
    "resume within six weeks."
)


def passage(n: int, text: str, title: str, author: str, published: str) -> Passage:
    return Passage(
        n=n,
        chunk_id=f"doc{n}:0",
        doc_id=f"doc{n}",
        title=title,
        text=text,
        url=f"https://example.com/{n}",
        published=published,
        source=f"Source {n}",
        score=0.03,
        similarity=0.5,
        author=author,
    )


PASSAGES = [
    passage(1, FERRY, "Bluewake Lines launches the Corrin Star", "Pia Lund", "2026-03-09"),
    passage(2, MINE, "Tarvik copper mine closed after collapse", "Omar Reyes", "2026-05-14"),
]


@pytest.fixture(scope="module")
def checker(embedder: Embedder) -> SupportChecker:
    return SupportChecker(PASSAGES, embedder)


# --- sentences -------------------------------------------------------------------------------------
def test_markers_after_the_period_stay_with_their_sentence() -> None:
    text = "Ines Varga runs Bluewake Lines. [1] The mine closed [2]. It will reopen. [2][1]"
    assert split_sentences(text) == [
        "Ines Varga runs Bluewake Lines. [1]",
        "The mine closed [2].",
        "It will reopen. [2][1]",
    ]
    assert split_sentences("[1]") == ["[1]"]
    assert split_sentences("") == []


def test_buffer_hands_out_a_sentence_only_once_its_markers_have_arrived() -> None:
    text = "The ship cost 210 million kroner. [1] Ines Varga is the chief executive [1]. She spoke on Monday."
    buffer = SentenceBuffer()
    out: list[tuple[int, str]] = []
    for i in range(0, len(text), 3):  # three characters at a time, as a model streams
        out += [(i, s) for s in buffer.feed(text[i : i + 3])]
    rest = buffer.flush()
    assert [s for _, s in out] == ["The ship cost 210 million kroner. [1]", "Ines Varga is the chief executive [1]."]
    # The first sentence was released only after "[1]" and the start of the next sentence had arrived.
    assert out[0][0] >= text.index("Ines")
    assert rest == ["She spoke on Monday."]
    assert buffer.flush() == []


def test_numbers_are_normalised() -> None:
    assert numbers_in("210,000 homes, 1.27 billion, on 2026-04-09") == {"210000", "1.27", "2026", "4", "9"}
    assert numbers_in("Three workers") == {"3"}
    assert numbers_in("no digits here") == set()


# --- support ---------------------------------------------------------------------------------------
def test_verbatim_sentence_is_supported_by_words_alone() -> None:
    lexical_only = SupportChecker(PASSAGES, None)  # no embeddings needed for a passage's own sentence
    check = lexical_only.check("The ship cost 210 million kroner and carries 1,200 passengers. [1]")
    assert check.kind is Kind.CLAIM and check.supported
    assert check.supporting == [1] and not check.attributed
    assert check.text == "The ship cost 210 million kroner and carries 1,200 passengers. [1]"


def test_paraphrase_is_supported_through_the_embedding(checker: SupportChecker) -> None:
    check = checker.check("The Corrin Star begins sailing for Bluewake in May [1].")
    assert check.supporting == [1], checker.scores(check.claim, 1)
    lexical, cosine = checker.scores(check.claim, 1)
    assert 0.5 <= lexical < 0.75 and cosine is not None and cosine >= 0.6  # decided by the embedding, not words


def test_a_wrong_number_is_unsupported(checker: SupportChecker) -> None:
    check = checker.check("The ship cost 250 million kroner [1].")
    assert check.kind is Kind.CLAIM and not check.supported
    assert check.cited == [1] and check.supporting == []
    assert check.text == "The ship cost 250 million kroner."


def test_a_sentence_the_cited_passage_does_not_say_is_unsupported(checker: SupportChecker) -> None:
    assert not checker.check("Ines Varga said the mine would reopen [1].").supported
    assert not checker.check("The ferry sank near Holm Island [1].").supported


def test_only_supporting_markers_are_kept(checker: SupportChecker) -> None:
    check = checker.check("Inspectors will visit the Tarvik mine on Thursday [1][2][7].")
    assert check.cited == [1, 2] and check.invalid == [7]
    assert check.supporting == [2]
    assert check.text == "Inspectors will visit the Tarvik mine on Thursday. [2]"


def test_an_unmarked_sentence_is_attributed_to_the_passage_that_supports_it(checker: SupportChecker) -> None:
    check = checker.check("Three workers were injured when a tunnel collapsed at the Tarvik mine.")
    assert check.attributed and check.supporting == [2]
    assert check.text.endswith("[2]")
    unsupported = checker.check("The Corrin Star was built in Finland.")
    assert not unsupported.supported and not unsupported.attributed


def test_facts_of_different_sentences_do_not_make_a_claim(checker: SupportChecker) -> None:
    # Every word is in the passage ("injured three workers", "Ostmark Metals"), but no sentence says this.
    check = checker.check("Ostmark Metals injured three inspectors on Thursday [2].")
    assert not check.supported, checker.scores(check.claim, 2)
    assert checker.check("Ines Varga is the chief executive of the Tarvik mine [2].").supporting == []


def test_metadata_supports_who_wrote_and_when(checker: SupportChecker) -> None:
    assert checker.check("The Tarvik mine story was written by Omar Reyes [2].").supporting == [2]
    assert checker.check("It was published on 14 May 2026 [2].").supporting == [2]
    assert not checker.check("The Tarvik mine story was written by Pia Lund [2].").supported


@pytest.mark.parametrize("sentence", ["[1]", "[1][2].", " . [2]", ""])
def test_markers_and_punctuation_state_nothing(checker: SupportChecker, sentence: str) -> None:
    assert checker.check(sentence).kind is Kind.EMPTY


@pytest.mark.parametrize(
    "sentence",
    [
        f"{CANNOT_ANSWER} [1]",
        "The passages do not mention the price of a ticket.",
        "I cannot answer this from the provided text.",
        "The given articles don't say.",
    ],
)
def test_saying_the_passages_do_not_answer_is_a_decline(checker: SupportChecker, sentence: str) -> None:
    assert checker.check(sentence).kind is Kind.DECLINE


def test_a_news_sentence_with_a_negation_is_a_claim(checker: SupportChecker) -> None:
    check = checker.check("Ostmark Metals did not give a date for reopening the mine [2].")
    assert check.kind is Kind.CLAIM

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


# --- a claim that repeats the question --------------------------------------------------------------
COURT = (
    "The bakery chain Crumbly is set for a courtroom showdown with Westminster Council after the council refused to "
    "let its Leicester Square branch open 24 hours a day. The council said late-night crowds had caused disorder."
)
HOT_SEAT = "Brian Callahan, Tennessee Titans. Callahan's rookie quarterback has thrown four interceptions."
ELEPHANTS = "Botswana's president has threatened to send 20,000 elephants to Germany over a trophy-hunting row."
PREMISED = [
    passage(1, COURT, "The Crumbly sausage roll row explained", "Ada Bell", "2026-04-19"),
    passage(2, HOT_SEAT, "Hot seat rankings for head coaches of winless teams", "Tom Hale", "2026-09-21"),
    passage(3, ELEPHANTS, "Elephants for Germany?", "Ngozi Obi", "2026-04-03"),
]
LICENCE_QUESTION = (
    "Which food chain is launching a legal battle after being refused a 24-hour licence at its Leicester Square store?"
)


def test_a_claim_repeating_the_question_is_supported_by_what_it_adds(embedder: Embedder) -> None:
    # The article says the premise its own way ("set for a courtroom showdown", "refused to let it open 24 hours"):
    # the claim matches it too little for plain support, but the answer is in the sentence that says the premise.
    claim = "Crumbly is launching a legal battle after being refused a 24-hour licence at its Leicester Square store."
    assert not SupportChecker(PREMISED, embedder).check(claim).supported
    checker = SupportChecker(PREMISED, embedder, premise=LICENCE_QUESTION)
    check = checker.check(f"{claim} [1]")
    assert check.supporting == [1] and not check.attributed
    # What the claim adds must all be in that sentence: another firm, another street.
    assert not checker.check(claim.replace("Crumbly", "Crumbly and Gregor")).supported
    assert not checker.check(claim.replace("Leicester Square", "Soho")).supported


def test_a_headline_does_not_say_the_premise_for_its_sentence(embedder: Embedder) -> None:
    # The team is named, and the headline speaks of head coaches, but nothing says one was fired.
    checker = SupportChecker(PREMISED, embedder, premise="Which NFL team fired its head coach this week?")
    assert not checker.check("The Tennessee Titans fired their head coach this week [2].").supported


def test_a_people_is_the_place_it_is_named_after(checker: SupportChecker, embedder: Embedder) -> None:
    # "Botswanan" in the claim, "Botswana's" in the article: the same name, as a fact.
    check = SupportChecker(PREMISED, embedder).check(
        "The Botswanan president threatened to send 20,000 elephants to Germany."
    )
    assert check.supporting == [3]
    assert (
        not SupportChecker(PREMISED, embedder)
        .check("The Namibian president threatened to send 20,000 elephants.")
        .supported
    )


def test_a_date_the_passage_names_by_its_weekday_is_supported(checker: SupportChecker) -> None:
    # The ferry story is of Monday, March 9, 2026, and says "on Monday": that day, whichever way it is written.
    for claim in (
        "Bluewake Lines said on March 9, 2026 that the Corrin Star would enter service in May [1].",
        "Bluewake Lines said on 9 March that the Corrin Star would enter service in May [1].",
        "Bluewake Lines said on Monday, March 9 that the Corrin Star would enter service in May [1].",
    ):
        assert checker.check(claim).supporting == [1], claim
    # Another day is not what it says.
    assert (
        checker.check(
            "Bluewake Lines said on March 2, 2026 that the Corrin Star would enter service in May [1]."
        ).supporting
        == []
    )


def test_a_model_may_write_the_date_as_the_news_does(embedder: Embedder) -> None:
    # Published on Tuesday, Feb. 20, 2024: "will attempt a landing Thursday" is Feb. 22.
    text = "The Odysseus lander will attempt a landing on the moon Thursday, the company said."
    checker = SupportChecker([passage(1, text, "Lander nears the moon", "Ida Holm", "2024-02-20")], embedder)
    for claim in (
        "Odysseus will attempt a moon landing on Feb. 22 [1].",
        "Odysseus will land on February 22, 2024 [1].",
    ):
        assert checker.check(claim).supporting == [1], claim
    assert checker.check("Odysseus will attempt a moon landing on Feb. 23 [1].").supporting == []


def test_initials_with_periods_are_the_initials_without(embedder: Embedder) -> None:
    # The news writes "U.S.", a model "US"; the tokenizer drops single letters, so "U.S." said nothing at all.
    text = "China will send two giant pandas to the U.S. by the end of the year, officials said."
    checker = SupportChecker([passage(1, text, "Pandas return", "Ida Holm", "2024-06-28")], embedder)
    assert checker.check("China will send two giant pandas to the US [1].").supporting == [1]
    assert checker.check("China will send two giant pandas to the U.S. [1].").supporting == [1]
    assert checker.check("China will send two giant pandas to the UK [1].").supporting == []


def test_an_age_needs_no_years_old_in_the_passage(embedder: Embedder) -> None:
    # The news gives an age as "Weiss, 39,"; a model, asked "How old is Matt Weiss?", writes "39 years old".
    text = "Former Michigan co-offensive coordinator Matt Weiss, 39, was charged with 24 counts of computer crimes."
    checker = SupportChecker(
        [passage(1, text, "Ex-Michigan coach charged", "Ida Holm", "2025-03-20")],
        embedder,
        premise="How old is Matt Weiss?",
    )
    assert checker.check("Matt Weiss is 39 years old [1].").supporting == [1]
    assert checker.check("Matt Weiss is a 39-year-old coach [1].").supporting == [1]
    assert checker.check("Matt Weiss is 40 years old [1].").supporting == []

"""qa.asked: which questions want a number or a time, and which sentences state one."""

from __future__ import annotations

import pytest

from qa.asked import states_quantity, wants_quantity


@pytest.mark.parametrize(
    "question",
    ["How many homes lost power?", "how long is his contract?", "When will power be back?", "In what year was it?"],
)
def test_questions_that_want_a_quantity(question: str) -> None:
    assert wants_quantity(question)


@pytest.mark.parametrize("question", ["Who is the grid operator?", "Which river was polluted?", "What happened?"])
def test_questions_that_do_not(question: str) -> None:
    assert not wants_quantity(question)


def test_sentences_stating_a_number_or_a_time() -> None:
    assert states_quantity("Radescu has agreed a five-year contract.")
    assert states_quantity("Power is back by Thursday evening.")
    assert states_quantity("It cost 3 billion dollars.")
    assert not states_quantity("The railway between Keldry and Marrow Point was suspended.")

"""bench/natural.py's comparison with the reader before: every question has its earlier answer on record, and the
sign test gives the textbook values; a sample of the questions is the same every run."""

from __future__ import annotations

import json

import pytest

from bench.natural import BEFORE_FILE, HERE, load_before, sample, sign_test
from qa.evaluation import load_questions


def test_every_natural_question_has_the_earlier_readers_answer_on_record() -> None:
    # A question added without it would leave its portion's "before" column blank (figures over other questions
    # would compare unlike with like): record it with --record-before on the earlier commit.
    before = load_before()
    assert BEFORE_FILE.exists()
    for name in ("short-dev", "realtimeqa"):
        ids = [json.loads(line)["id"] for line in (HERE / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()]
        assert [i for i in ids if i not in before] == [], name


@pytest.mark.parametrize(
    ("gained", "lost", "p"),
    [(0, 0, 1.0), (0, 2, 0.5), (7, 0, 0.015625), (2, 1, 1.0), (10, 2, 0.03857421875)],
)
def test_the_sign_test_is_exact_and_two_sided(gained: int, lost: int, p: float) -> None:
    assert sign_test(gained, lost) == pytest.approx(p)
    assert sign_test(lost, gained) == pytest.approx(p)


def test_a_sample_is_the_same_questions_whatever_their_order() -> None:
    questions = [q for q in load_questions(HERE / "realtimeqa.jsonl") if q.type == "tuned"]
    first = sample(questions, 80)
    assert len(first) == 80 and len({q.id for q in first}) == 80
    assert [q.id for q in sample(list(reversed(questions)), 80)] == [q.id for q in reversed(first)]
    assert [q.id for q in first] == [q.id for q in questions if q in first]  # in the file's order
    # Not simply the first 80: the file groups questions by article.
    assert {q.id for q in first} != {q.id for q in questions[:80]}
    assert {q.id for q in sample(questions, 40)} < {q.id for q in first}

"""The first-hour sets (bench/first_hour.py) are what they say: every gold answer stands verbatim in an article
of its set, each set has its six unanswerable questions, and every article carries the header the loader reads."""

from __future__ import annotations

import pytest

from bench.first_hour import HELD_OUT, SETS, UNANSWERABLE, load_set
from ingest.loading import load_file

NAMES = sorted(p.name for p in SETS.iterdir() if p.is_dir())


def test_there_are_tuned_sets_and_a_held_out_one() -> None:
    assert len(NAMES) >= 3 and HELD_OUT and set(NAMES) > HELD_OUT


@pytest.mark.parametrize("name", NAMES)
def test_every_gold_answer_is_in_an_article_of_its_set(name: str) -> None:
    docs = [d for path in sorted((SETS / name / "docs").glob("*.txt")) for d in load_file(path)]
    assert len(docs) == 6 and all(d.author and d.published and d.source for d in docs)
    texts = [f"{d.title}\n{d.text}" for d in docs]  # (a headline may hold the answer)
    singles, conversations = load_set(SETS / name)
    assert len(singles) == 48 and len(conversations) == 6
    turns = [t for conversation in conversations for t in conversation]
    assert sum(gold == UNANSWERABLE for _, gold in singles) == 6
    assert sum(gold == UNANSWERABLE for _, gold in turns) >= 6
    missing = [gold for _, gold in singles + turns if gold != UNANSWERABLE and not any(gold in t for t in texts)]
    assert not missing, missing

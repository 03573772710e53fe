"""bench/conversation.py's data and figures: every gold answer is in its article as written, each conversation has
the one follow-up its article doesn't answer, and a figure counts turns as bench/natural.py counts questions."""

from __future__ import annotations

import pytest

from bench.common import SHARED
from bench.conversation import SETS, figure, load

ARTICLES = {
    "short-dev": SHARED / "eval" / "short-dev" / "docs",
    "realtimeqa": SHARED / "eval" / "realtimeqa" / "corpus",
}


@pytest.mark.parametrize("name", SETS)
def test_every_gold_answer_is_in_its_article_and_one_follow_up_is_unanswerable(name: str) -> None:
    conversations = load(name)
    assert conversations, name
    if not ARTICLES[name].is_dir():
        pytest.skip(f"{ARTICLES[name]} not available")
    for c in conversations:
        text = " ".join((ARTICLES[name] / f).read_text(encoding="utf-8") for f in c["evidence_files"]).lower()
        missing = [a for t in c["turns"] for a in t["answers"] if a.lower() not in text]
        assert missing == [], c["id"]
        unanswerable = [n for n, t in enumerate(c["turns"], 1) if not t["answers"]]
        assert len(unanswerable) == 1 and unanswerable[0] > 1, c["id"]  # a follow-up, never the opening question


def test_a_figure_counts_turns_as_the_natural_benchmark_counts_questions() -> None:
    def turn(answers: list[str], right: bool | None, abstained: bool, first: bool) -> dict[str, object]:
        return {"answers": answers, "right_and_cited": right, "abstained": abstained, "article_first": first}

    rows = [
        turn(["Two"], True, False, True),
        turn(["Westmark Power"], False, True, True),  # a false refusal
        turn(["Thursday"], False, False, False),  # wrong
        turn([], None, True, True),  # unanswerable, refused
        turn([], None, False, False),  # unanswerable, answered
    ]
    assert figure(rows) == "1/3 · 1 · 1 · 1/2 · 3/5"


def test_every_held_out_conversation_says_its_batch() -> None:
    # The benchmark shows each held-out batch alone: a batch written after a change is that change's honest figure.
    held = [c for name in SETS for c in load(name) if c["type"] == "held-out"]
    assert held and all(isinstance(c.get("batch"), int) and c["batch"] >= 1 for c in held)
    assert all("batch" not in c for name in SETS for c in load(name) if c["type"] != "held-out")

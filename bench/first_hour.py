"""A new user's first hour: a few short articles indexed from nothing, and the questions a person types about them.

Each set in bench/first_hour/ holds six invented articles (docs/), 48 questions typed as people type them
(questions.tsv: question, gold answer or UNANSWERABLE, article) and six conversations of five or six turns
(convs-gold.txt, one turn per line, a blank line between conversations). A helper wrote each set without seeing
the reader's code. Sets a and b were read while the reader was tuned; set c was not, and this prints its counts
only (its rows are not written either), so it stays a held-out set.

An index of six articles weighs words as no large one does (a word no article holds is "rare"), which is what
made plain questions fail in a new user's first hour: the RealTime QA and short-dev benchmarks don't show it.

An answer counts as right when it contains the gold answer and is not the refusal; an unanswerable question
counts as refused when the answer is the refusal. (Lenient where an answer pads: a second sentence holding the
gold counts.) Conversations are asked turn by turn with the answers so far as history.

    python bench/first_hour.py                  # the extractive reader
    python bench/first_hour.py --llm llamacpp:/path/model.gguf --sets c
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO, bench_settings, machine, sync_index, table, write_json

SETS = Path(__file__).resolve().parent / "first_hour"
# This benchmark run at 9bbf693 (the reader before the sets were written), on this machine: the same cells.
BEFORE_COMMIT = "9bbf693"
BEFORE = {
    "a": ("16/42 · 17 · 9 · 5/6", "2/6 · 0 · 4 · 0/0", "9/24 · 11 · 4 · 3/6"),
    "b": ("24/42 · 15 · 3 · 4/6", "4/6 · 1 · 1 · 0/0", "12/24 · 6 · 6 · 3/6"),
    "c": ("21/42 · 12 · 9 · 4/6", "2/6 · 0 · 4 · 0/0", "8/23 · 8 · 7 · 5/6"),
}
HELD_OUT = {"c"}
UNANSWERABLE = "UNANSWERABLE"


def load_set(folder: Path) -> tuple[list[tuple[str, str]], list[list[tuple[str, str]]]]:
    """The set's single questions and its conversations, each a list of (question, gold)."""
    singles = [
        (fields[0], fields[1])
        for line in (folder / "questions.tsv").read_text(encoding="utf-8").splitlines()
        if line.strip() and len(fields := line.split("\t")) >= 2
    ]
    conversations = [
        [(q, gold) for q, gold, *_ in (line.split("\t") for line in block.splitlines() if line.strip())]
        for block in (folder / "convs-gold.txt").read_text(encoding="utf-8").split("\n\n")
        if block.strip()
    ]
    return singles, conversations


def verdict(answer: Any, gold: str) -> str:
    from qa.evaluation import contains

    if gold == UNANSWERABLE:
        return "refused" if answer.abstained else "answered"
    if answer.abstained:
        return "false_refusal"
    return "right" if contains(answer.answer, [gold]) else "wrong"


def run_set(name: str, llm: str) -> tuple[dict[str, Counter[str]], list[dict[str, Any]]]:
    from api.services import build_services
    from qa.prompt import Message

    folder = SETS / name
    services = build_services(bench_settings(folder / "docs", REPO / ".data" / "first-hour" / name, f"fh_{name}", llm))
    print(sync_index(services), file=sys.stderr)
    answerer = services.answerer()
    counts: dict[str, Counter[str]] = {"single": Counter(), "first": Counter(), "follow": Counter()}
    rows: list[dict[str, Any]] = []
    singles, conversations = load_set(folder)
    for question, gold in singles:
        answer = answerer.ask(question)
        counts["single"][v := verdict(answer, gold)] += 1
        rows.append({"set": name, "question": question, "gold": gold, "answer": answer.answer, "verdict": v})
    for c, turns in enumerate(conversations, 1):
        history: list[Message] = []
        for turn, (question, gold) in enumerate(turns, 1):
            answer = answerer.ask(question, history=history)
            counts["first" if turn == 1 else "follow"][v := verdict(answer, gold)] += 1
            rows.append(
                {"set": name, "conversation": c, "turn": turn, "question": question, "gold": gold}
                | {"answer": answer.answer, "verdict": v}
            )
            history += [Message("user", question), Message("assistant", answer.answer)]
        print(f"  {name}: conversation {c}/{len(conversations)}", file=sys.stderr)
    return counts, rows


def cell(counts: Counter[str]) -> str:
    answerable = counts["right"] + counts["false_refusal"] + counts["wrong"]
    unanswerable = counts["refused"] + counts["answered"]
    return (
        f"{counts['right']}/{answerable} · {counts['false_refusal']} · {counts['wrong']} · "
        f"{counts['refused']}/{unanswerable}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--llm", default="extractive", help="'extractive' or a NEWSQA_LLM spec")
    names = sorted(p.name for p in SETS.iterdir() if p.is_dir())
    parser.add_argument("--sets", nargs="+", choices=names, default=names, help="which sets (30 min each with a model)")
    args = parser.parse_args()
    header = ("set", "single questions", "first turns", "follow-ups")
    lines: list[tuple[str, ...]] = [header]
    result: dict[str, Any] = {"machine": machine(), "llm": args.llm, "before_commit": BEFORE_COMMIT, "sets": {}}
    for name in args.sets:
        counts, rows = run_set(name, args.llm)
        portion = "held-out" if name in HELD_OUT else "tuned"
        lines.append((f"{name} ({portion})", *(cell(counts[k]) for k in ("single", "first", "follow"))))
        if args.llm == "extractive" and name in BEFORE:
            lines.append((f"  at {BEFORE_COMMIT}", *BEFORE[name]))
        result["sets"][name] = {"portion": portion, "counts": {k: dict(v) for k, v in counts.items()}}
        if name not in HELD_OUT:
            result["sets"][name]["rows"] = rows
    print(table(lines))
    print("each: right · false refusals · wrong · unanswerable refused")
    print(f"machine: {result['machine']}")
    model = args.llm.rsplit("/", 1)[-1]
    which = "" if args.sets == names else "-" + "".join(args.sets)
    print(f"wrote {write_json(f'first-hour-{model}{which}.json', result)}")


if __name__ == "__main__":
    main()

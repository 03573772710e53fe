"""Conversations as people have them in the chat page: a question, then follow-ups that lean on it ("How many
people died?", "Who runs the grid?", "And the injured?"), each asked with the conversation so far as its history,
the earlier questions and the service's own answers, as the chat page sends them.

bench/conversation/*.jsonl hold conversations of four or five turns, each about one article, with one follow-up
the article doesn't answer; every gold answer is verbatim in its article:

- ``short-dev.jsonl``: 8 conversations about the short-dev articles, ``tuned`` (read while the reader was
  changed), asked over short-dev and the seed as bench/natural.py asks its short-dev questions;
- ``realtimeqa.jsonl``: conversations about RealTime QA articles drawn at random from those no other question
  uses, each written by a helper: 12 ``tuned`` ones (``conv-rtqa-t…``, seed 20261215, read while the reader was
  changed) and 30 ``held-out`` ones shown to us as counts only, in three batches (``conv-rtqa-01…10``, seed 20261214;
  ``conv-rtqa-h11…h20``, seed 20261216, written after the reader's changes of the session that wrote them;
  ``conv-rtqa-h21…h30``, seed 20261217, written during the next session and measured at its start and its end),
  each conversation marked with its ``batch``; the table shows each batch alone below the portions. Asked over the
  whole 1,248-article index, with no as-of date.

Every follow-up is asked twice in the same run: in its conversation, and alone (as typed, with no history: what a
service that keeps no conversation would answer). First turns are asked once, alone being the same. Each figure:
right and cited · false refusals · wrong · unanswerable refused, as in bench/natural.py, and how many turns
found the conversation's article first.

    python bench/conversation.py                       # writes bench/results/conversation.json and .png
    python bench/conversation.py --llm llamacpp:/path/model.gguf --portion held-out --in-conversation-only
                                                       # a model (it condenses follow-ups too): some 30 s a turn
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import RESULTS, SHARED, draw_outcomes, machine, table, write_json
from bench.natural import PORTIONS, services_for

HERE = Path(__file__).resolve().parent / "conversation"
SETS = ("short-dev", "realtimeqa")
# The rows a figure is taken over: first turns, and follow-ups as asked in their conversation and alone.
SETTINGS = ("first turns", "follow-ups in conversation", "follow-ups alone")


def load(name: str) -> list[dict[str, Any]]:
    path = HERE / f"{name}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def figure(rows: list[dict[str, Any]]) -> str:
    """ "right/answerable · false refusals · wrong · refused/unanswerable · article first/turns" over ``rows``
    (judged turns)."""
    answerable = [r for r in rows if r["answers"]]
    unanswerable = [r for r in rows if not r["answers"]]
    right = sum(bool(r["right_and_cited"]) for r in answerable)
    refused = sum(bool(r["abstained"]) for r in answerable)
    declined = sum(bool(r["abstained"]) for r in unanswerable)
    wrong = len(answerable) - right - refused
    first = sum(bool(r["article_first"]) for r in rows)
    return f"{right}/{len(answerable)} · {refused} · {wrong} · {declined}/{len(unanswerable)} · {first}/{len(rows)}"


def converse(answerer: Any, conversation: dict[str, Any], show: bool, alone: bool = True) -> list[dict[str, Any]]:
    """Each turn of ``conversation`` asked with the turns before it as history (and, a follow-up, alone too)."""
    from qa.evaluation import EvalQuestion, Evaluator
    from qa.prompt import Message

    documents = answerer.retriever.store.manifest.documents.values()
    evidence = {d.doc_id for d in documents if Path(d.path).name in conversation["evidence_files"]}

    def judged(q: Any, answer: Any) -> dict[str, Any]:
        row = Evaluator.judge(q, answer)
        # Whether the conversation's article came first: a follow-up alone often finds another story.
        row["article_first"] = bool(answer.passages) and answer.passages[0].doc_id in evidence
        return {k: row[k] for k in ("answer", "abstained", "reason", "right_and_cited", "article_first")}

    history: list[Message] = []
    rows: list[dict[str, Any]] = []
    for n, turn in enumerate(conversation["turns"], 1):
        q = EvalQuestion(f"{conversation['id']}/{n}", turn["question"], tuple(turn["answers"]))
        answer = answerer.ask(q.question, history=tuple(history))
        row: dict[str, Any] = {
            "id": q.id,
            "type": conversation["type"],
            "batch": conversation.get("batch"),
            "turn": n,
            "question": q.question,
            "answers": list(q.answers),
            "standalone": answer.standalone_question,
            **judged(q, answer),
        }
        if n > 1 and alone:
            row["alone"] = judged(q, answerer.ask(q.question))
        rows.append(row)
        if show:  # held-out turns are counted, not read
            right = row["right_and_cited"] if q.answerable else row["abstained"]
            tqdm.write(f"{'ok ' if right else 'MISS'} {q.id} {q.question}\n     -> {answer.answer[:160]}", sys.stderr)
        # The chat page sends the service's own answer back, whatever it was.
        history += [Message("user", q.question), Message("assistant", answer.answer)]
    return rows


def figures(rows: list[dict[str, Any]]) -> dict[str, str]:
    follow = [r for r in rows if r["turn"] > 1]
    return {
        "first turns": figure([r for r in rows if r["turn"] == 1]),
        "follow-ups in conversation": figure(follow),
        "follow-ups alone": figure([{**r, **r["alone"]} for r in follow]) if all("alone" in r for r in follow) else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--llm", default="extractive", help="NEWSQA_LLM spec (default: extractive)")
    parser.add_argument("--portion", choices=PORTIONS, help="only the tuned or only the held-out conversations")
    parser.add_argument(
        "--in-conversation-only", action="store_true", help="don't also ask each follow-up alone (halves a model's run)"
    )
    args = parser.parse_args()
    if not SHARED.exists():
        raise SystemExit(f"no {SHARED}: this benchmark reads the articles from ../shared beside the checkout")
    result: dict[str, Any] = {"machine": machine(), "llm": args.llm, "sets": {}}
    lines = [("set / portion", *SETTINGS)]
    batch_lines: list[tuple[str, ...]] = []
    model = "extractive"
    for name in SETS:
        conversations = [c for c in load(name) if args.portion in (None, c["type"])]
        if not conversations:
            continue
        answerer = services_for(name, args.llm).answerer()
        model = answerer.generator.name
        rows: list[dict[str, Any]] = []
        # The reader takes seconds for a set; a model minutes a conversation: the bar says how far it is.
        bar = tqdm(conversations, desc=name, unit="conversation", file=sys.stderr, disable=args.llm == "extractive")
        for conversation in bar:
            show = conversation["type"] != "held-out"
            rows += converse(answerer, conversation, show, alone=not args.in_conversation_only)
        portions = {
            p: figures([r for r in rows if r["type"] == p]) for p in PORTIONS if any(r["type"] == p for r in rows)
        }
        # Each held-out batch alone too: a batch written after a change is the honest figure for it.
        held = [r for r in rows if r["type"] == "held-out" and r["batch"]]
        batches = {b: figures([r for r in held if r["batch"] == b]) for b in sorted({r["batch"] for r in held})}
        result["sets"][name] = {"portions": portions, "held-out batches": batches, "rows": rows}
        lines += [(f"{name} / {p}", *(f[s] for s in SETTINGS)) for p, f in portions.items()]
        if len(batches) > 1:
            batch_lines += [(f"{name} / held-out batch {b}", *(f[s] for s in SETTINGS)) for b, f in batches.items()]
    extractive = args.llm == "extractive"
    suffix = f"-{args.portion}" if args.portion else ""
    safe = re.sub(r"[^\w.-]+", "_", model)
    stem = "conversation" if extractive else f"conversation-{safe}"
    path = write_json(f"{stem}{suffix}.json", result)
    if not args.portion:
        _plot(lines[1:], RESULTS / f"{stem}.png", model)
    print(table(lines + batch_lines))
    print("each: right and cited · false refusals · wrong · unanswerable refused · the conversation's article first")
    print(f"machine: {result['machine']}")
    print(f"wrote {path}")


def _plot(lines: list[tuple[str, ...]], path: Path, model: str) -> None:
    """Per set and portion, follow-ups in their conversation beside the same follow-ups asked alone."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bars = [(f"{line[0]}\n{s}", line[1 + i]) for line in lines for i, s in enumerate(SETTINGS) if line[1 + i]]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(bars) + 1.6))
    draw_outcomes(ax, bars, fontsize=7, legend_y=-0.16)
    ax.set_xlabel("share of answerable turns", fontsize=8)
    fig.suptitle(f"Conversations, {model}: follow-ups in their conversation and alone", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()

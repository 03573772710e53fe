"""Natural questions of our own: short questions as people type them ("Who is Avelo's CEO?", "What was the top
wind speed?"), written by us about the short-dev articles and a hundred and twenty-six RealTime QA articles, with
answers checked by hand against the article (bench/natural/*.jsonl; the articles stay in ../shared).

Each question is marked ``tuned`` (the reader was changed after seeing how it answered them) or ``held-out``
(written, with its answers, before any run, and not tuned on since). The held-out figure is the honest one;
the tuned one shows what was fixed. A held-out batch that is tuned on becomes ``tuned``, and a new batch is
written: nat-rtqa-25 to 49 were, after 2f84742; nat-rtqa-50 to 71 and 112 to 132, after the reader was changed
for some of their misses; nat-rtqa-133 to 152, after 793af92; nat-rtqa-153 to 177, after c98c9c7;
nat-rtqa-178 to 202, after 4df3feb; nat-rtqa-203 to 227 (five articles drawn at random from those not yet used),
after 675e866, when their questions were seen by mistake (their answers were not looked at; the reader had not been
changed since they were written, and they scored 10/20 at 0794d3a, at 4df3feb and at 675e866); nat-rtqa-228 to 252
(drawn the same way: 11/20 at 0794d3a, 12/20 at aa35b98 and at 13501cc), after three of their questions (not
answers) were seen in a debugging printout; nat-rtqa-253 to 277 (drawn the same way, written and checked by a
helper that showed no question to us: 11/20 at 0794d3a, 10/20 at 4df3feb and at 95eb9fa), after 95eb9fa, to be tuned
on; nat-rtqa-278 to 302 (drawn the same way, seed 20261129, written and checked by a helper that showed no question
to us: 11/20 at 0794d3a, at 95eb9fa and at 3e734d7), after 3e734d7, to be tuned on; nat-rtqa-303 to 327 (drawn the
same way, seed 20261130, written and checked by a helper that showed no question to us: 12/20 at 0794d3a, 13/20 at
3e734d7, 1921911 and 24178e1), after 24178e1, when their questions and answers were seen by mistake in a script's
printout; nat-rtqa-408 to 432 (drawn the same way, seed 20261202, also leaving out the articles of RealTime QA dev
questions and of the probes; written and checked by a helper that showed no question to us: 14/20 at 0794d3a,
12/20 at 3e734d7, at 1921911 and at 9cf3355) and nat-rtqa-553 to 577 (drawn the same way, seed 20261206, leaving out
the articles of every earlier question; written by a helper told to paraphrase as people do, and shown to us by
counts only: 7/20 at 0794d3a and at cc4d590) and nat-rtqa-628 to 652 (seed 20261207, written the same way and
shown to us by counts only, by the helper that wrote the probes nat-rtqa-578 to 627; 9/20 at 0794d3a, 11/20 at
154e978) and nat-rtqa-653 to 677 (seed 20261210, drawn the same way, leaving out the articles of every earlier
question and of RealTime QA dev; written by a helper told to write as people type, and shown to us by counts only)
and nat-rtqa-678 to 702 (seed 20261211, drawn and written the same way, shown to us by counts only: 5/20 at
0794d3a, 8/20 at cfc76c3, the first figure taken on it) are held out now. nat-rtqa-703 to 727 (seed 20261212,
drawn and written the same way, shown to us by counts only: 11/20 at 0794d3a and at 896ffa5, the first figure taken
on it) were held out until eaa34f1 and are tuned on since; nat-rtqa-728 to 752 (seed 20261213, drawn and written
the same way, shown to us by counts only: 10/20 at 0794d3a, 13/20 at eaa34f1, the first figure taken on it) were
written in their place and are held out, and so are nat-rtqa-753 to 777 (seed 20261218, five more articles drawn the
same way, written by a helper and shown to us by counts only: 14/20 at 227613f, the first figure taken on it).
nat-rtqa-328 to 407 are tuned from the start:
questions typed, as a new user would, about twelve articles no earlier question used (drawn at random), to probe the
reader, which was then changed for some of them; their answers were written afterwards by a helper, verbatim from the
articles (45/79 at 3e734d7, 43/79 at 0794d3a). nat-rtqa-433 to 552 are tuned from the start too: questions typed
about twenty more articles drawn at random, before the reader was run on them, to probe it (68/113 at 0794d3a,
71/113 at 1921911; their answers written afterwards, verbatim from the articles). nat-rtqa-578 to 627 are
paraphrased questions a helper wrote with the third held-out batch, to be read and tuned on (17/40 at 0794d3a,
22/40 at 154e978).

The short-dev questions are asked over short-dev and the seed, as bench/short_dev.py does; the RealTime QA
ones over the whole 1,248-article index, with no as-of date (people don't give one).

A question counts as right when the answer contains a gold answer and a cited passage holds it; "wrong" is
an answer to an answerable question that is neither right nor a refusal; an unanswerable one counts as refused
when the answer is the refusal. Hit@1/hit@5: the question's article among the retrieved ones.

    python bench/natural.py            # writes bench/results/natural.json and natural.png
    python bench/natural.py --llm llamacpp:/path/model.gguf    # a local model: natural-<model>.json
    python bench/natural.py --portion held-out                 # only those (natural-held-out.json)
    python bench/natural.py --record-before                    # on 0794d3a's reader: its answers, for "before"
    python bench/natural.py --replay bench/results/natural-<model>-held-out.json   # see below
    python bench/natural.py --llm … --portion tuned --sample 80   # 80 tuned questions a set: a model in half an hour

A model's run records, per question, its raw text (before any check), the reason of a refusal and the passages
it was given. ``--replay`` puts that text back through today's answering checks without the model, over today's
retrieval (the same portion and sets as the recording): what a change to qa.support or qa.answering does to a
model's answers, in a minute, held-out ones included, as counts only. It writes ``…-replayed.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    REPO,
    RESULTS,
    SHARED,
    Recorded,
    bench_settings,
    corpus_services,
    draw_outcomes,
    machine,
    outcome_shares,
    record_raw_text,
    replay_counts,
    sync_index,
    table,
    write_json,
)

HERE = Path(__file__).resolve().parent / "natural"
# This benchmark's answers, question by question, as the reader of 0794d3a (main before these questions were
# written) gave them: run there with the questions as they are now (``--record-before``). The "before" column is
# computed from it, and each portion's change is counted per question, on the same questions.
BEFORE_COMMIT = "0794d3a"
BEFORE_FILE = HERE / f"before-{BEFORE_COMMIT}.jsonl"
SHORT_DEV = SHARED / "eval" / "short-dev"
PORTIONS = ("tuned", "held-out")


def services_for(name: str, llm: str) -> Any:
    from api.services import build_services

    if name == "realtimeqa":
        return corpus_services(llm)
    services = build_services(bench_settings(SHORT_DEV / "docs", REPO / ".data" / "short-dev", "short_dev", llm=llm))
    print(sync_index(services), file=sys.stderr)
    print(services.indexer.ingest([REPO / "seeds"]).summary(), file=sys.stderr)
    return services


def load_before() -> dict[str, dict[str, Any]]:
    if not BEFORE_FILE.exists():
        return {}
    return {row["id"]: row for row in map(json.loads, BEFORE_FILE.read_text(encoding="utf-8").splitlines())}


def paired(now: list[dict[str, Any]], before: dict[str, dict[str, Any]]) -> str:
    """How the answerable questions changed since the reader of BEFORE_COMMIT, question by question: how many it
    answers right that it didn't, how many it no longer does, and the two-sided exact sign test's p on those (the
    chance of a split at least this uneven if either change were as likely as the other). Twenty questions that
    change by two are no evidence either way; this says so."""
    pairs = [
        (r["right_and_cited"], before[r["id"]]["right_and_cited"]) for r in now if r["answers"] and r["id"] in before
    ]
    gained = sum(1 for a, b in pairs if a and not b)
    lost = sum(1 for a, b in pairs if b and not a)
    return f"+{gained} −{lost} (p = {sign_test(gained, lost):.2g})"


def sign_test(gained: int, lost: int) -> float:
    n = gained + lost
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(gained, lost) + 1)) / 2**n
    return min(1.0, 2 * tail)


def figures(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if r["answers"]]
    unanswerable = [r for r in rows if not r["answers"]]
    ranked = [r["ranks"]["hybrid"] for r in answerable if r["ranks"]]
    right = sum(bool(r["right_and_cited"]) for r in answerable)
    refused = sum(bool(r["abstained"]) for r in answerable)
    return {
        "right_and_cited": f"{right}/{len(answerable)}",
        "false_refusals": refused,
        "wrong": len(answerable) - right - refused,
        "unanswerable_refused": f"{sum(bool(r['abstained']) for r in unanswerable)}/{len(unanswerable)}",
        "hit@1": f"{sum(1 for k in ranked if k == 1)}/{len(ranked)}",
        "hit@5": f"{sum(1 for k in ranked if k is not None and k <= 5)}/{len(ranked)}",
    }


def main() -> None:
    from qa.answering import Answerer
    from qa.evaluation import Evaluator, load_questions

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--llm", default="extractive", help="NEWSQA_LLM spec (default: extractive)")
    parser.add_argument("--portion", choices=PORTIONS, help="only the tuned or only the held-out questions")
    parser.add_argument(
        "--record-before", action="store_true", help=f"run on {BEFORE_COMMIT}'s reader: write {BEFORE_FILE.name}"
    )
    parser.add_argument("--replay", type=Path, help="a model run's natural-<model>.json whose text to re-check")
    parser.add_argument(
        "--sample", type=int, help="only N questions of each set (the same N every run: by a hash of their ids)"
    )
    args = parser.parse_args()
    replayed = json.loads(args.replay.read_text(encoding="utf-8")) if args.replay else None
    if replayed:
        args.llm = "extractive"  # retrieval and checks only: the model's text comes from the recording
        args.portion = args.portion or _portion_of(replayed)
    if not SHARED.exists():
        raise SystemExit(f"no {SHARED}: this benchmark reads the articles from ../shared beside the checkout")
    result: dict[str, Any] = {"machine": machine(), "llm": args.llm, "sets": {}}
    # The figures before stand for the extractive reader: a model's run is shown alone.
    extractive = args.llm == "extractive" and not replayed
    before = load_before() if extractive else {}
    lines = [("set / portion", "now", f"before ({BEFORE_COMMIT})" if before else "", "change" if before else "")]
    recorded: list[dict[str, Any]] = []
    model = "extractive"
    for name in ("short-dev", "realtimeqa"):
        questions = [q for q in load_questions(HERE / f"{name}.jsonl") if args.portion in (None, q.type)]
        if replayed:
            recorded_ids = {r["id"] for r in replayed["sets"].get(name, {}).get("rows", [])}
            questions = [q for q in questions if q.id in recorded_ids]  # a sampled recording replays its sample
        elif args.sample:
            questions = sample(questions, args.sample)
        if not questions:
            continue
        services = services_for(name, args.llm)
        answerer = services.answerer()
        if replayed:
            recorded_rows = replayed["sets"].get(name, {}).get("rows", [])
            texts = {r["question"]: r.get("raw") for r in recorded_rows}
            answerer = Answerer(answerer.retriever, Recorded(replayed["llm"], texts), services.settings)
        model = answerer.generator.name
        raw = record_raw_text(answerer.generator) if not extractive else {}
        given: dict[str, dict[str, Any]] = {}

        def show(
            q: Any, answer: Any, row: dict[str, Any], raw: dict[str, str] = raw, given: dict[str, Any] = given
        ) -> None:
            # What the model wrote and was given, and why it refused: a later change can be replayed on it.
            given[q.id] = {"raw": raw.pop("text", None), "passages": [p.chunk_id for p in answer.passages]}
            if q.type == "held-out":
                return  # measured, not read: a question seen while the reader is changed is held out no more
            right = row["right_and_cited"] if q.answerable else row["abstained"]
            # Above the progress bar, not through it.
            tqdm.write(f"{'ok ' if right else 'MISS'} {q.id} {q.question}\n     -> {answer.answer[:160]}", sys.stderr)

        # A model takes seconds a question, so a run takes minutes; held-out questions print nothing of their own.
        # The bar shows how far it is (the reader's run takes seconds and prints its questions).
        report = Evaluator(answerer).run(
            questions, progress=not extractive, on_answer=show, source=str(HERE / f"{name}.jsonl")
        )
        rows = report["per_question"]
        by_portion = {p: figures([r for r in rows if r["type"] == p]) for p in PORTIONS}
        result["sets"][name] = {
            "portions": {p: f for p, f in by_portion.items() if f["right_and_cited"] != "0/0"},
            "latency_ms": report["latency_ms"],
            "rows": [
                {
                    **{
                        k: r[k]
                        for k in (
                            "id",
                            "type",
                            "question",
                            "answers",
                            "answer",
                            "abstained",
                            "reason",
                            "right_and_cited",
                            "ranks",
                        )
                    },
                    **(given[r["id"]] if not extractive else {}),
                }
                for r in rows
            ],
        }
        if replayed:
            was = {r["id"]: r for r in recorded_rows}
            result["sets"][name]["replayed"] = {
                **replay_counts((r, was[r["id"]]) for r in result["sets"][name]["rows"]),
                "recorded": replayed["sets"][name]["portions"],
            }
        recorded += [{k: r[k] for k in ("id", "abstained", "right_and_cited", "ranks")} for r in rows]
        for portion, f in result["sets"][name]["portions"].items():
            now = " · ".join(str(f[k]) for k in f)
            mine = [r for r in rows if r["type"] == portion]
            then = [{**r, **before[r["id"]]} for r in mine if r["id"] in before]
            was = " · ".join(str(v) for v in figures(then).values()) if len(then) == len(mine) else ""
            change = paired(mine, before) if was else ""
            lines.append((f"{name} / {portion}", now, was, change))
            if was:
                then_and_change = {"figures": was, "change": change}
                result["sets"][name].setdefault(f"before ({BEFORE_COMMIT})", {})[portion] = then_and_change
    if args.record_before:
        BEFORE_FILE.write_text("".join(json.dumps(r) + "\n" for r in recorded), encoding="utf-8")
        print(f"wrote {BEFORE_FILE}")
        return
    safe = re.sub(r"[^\w.-]+", "_", model)
    suffix = (f"-{args.portion}" if args.portion else "") + (f"-sample{args.sample}" if args.sample else "")
    if replayed:
        name = f"{args.replay.stem}-replayed.json"
    else:
        name = f"natural{suffix}.json" if extractive else f"natural-{safe}{suffix}.json"
    path = write_json(name, result)
    if extractive and not args.portion and not args.sample:
        _plot(lines[1:], RESULTS / "natural.png")
    if replayed:
        lines[0] = (lines[0][0], "replayed now", "as recorded", "")
        for i, line in enumerate(lines[1:], 1):
            name, portion = line[0].split(" / ")
            recorded_figures = result["sets"][name]["replayed"]["recorded"].get(portion, {})
            lines[i] = (line[0], line[1], " · ".join(str(v) for v in recorded_figures.values()), "")
    print(table(lines))
    for name, got in result["sets"].items():
        if "replayed" in got:
            changed, differs = got["replayed"]["answers_changed"], got["replayed"]["retrieval_differs"]
            print(f"{name}: {changed} answers changed; retrieval differs from the recording for {differs} questions")
    print("each: right and cited · false refusals · wrong · unanswerable refused · hit@1 · hit@5")
    if before:
        print(f"change: answerable questions right now and not on {BEFORE_COMMIT} (+), the reverse (−), sign test p")
    print(f"machine: {result['machine']}")
    print(f"wrote {path}")


def sample(questions: list[Any], n: int) -> list[Any]:
    """``n`` of ``questions``, in their order, the same ``n`` every run and whatever the order they come in: those
    whose ids hash lowest. A model takes some 20 s a question here, so a sample of the tuned questions is a recording
    in half an hour; by hash, not the first ``n``, as the files group questions by article and by when they were
    written."""
    chosen = {q.id for q in sorted(questions, key=lambda q: hashlib.sha1(q.id.encode()).hexdigest())[:n]}
    return [q for q in questions if q.id in chosen]


def _portion_of(result: dict[str, Any]) -> str | None:
    """The portion a recorded run asked (None: both): its replay asks the same questions."""
    found = {r["type"] for got in result["sets"].values() for r in got["rows"]}
    return found.pop() if len(found) == 1 else None


def _plot(lines: list[tuple[str, str, str, str]], path: Path) -> None:
    """Before and now, per set and portion: what became of the answerable questions, and how many of the
    unanswerable ones were refused."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bars = [
        (f"{name}\n{when}", figure)
        for name, now, before, _ in lines
        for when, figure in (("before", before), ("now", now))
        if figure
    ]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 0.6 * len(bars) + 1.5), gridspec_kw={"width_ratios": [3, 1]})
    y = draw_outcomes(left, bars)
    left.set_title("answerable questions", fontsize=9)
    right.barh(y, [outcome_shares(figure)[1] for _, figure in bars], color="tab:blue")
    right.set_yticks(y, [])
    right.set_xlim(0, 1)
    right.set_title("unanswerable: refused", fontsize=9)
    title = f"Natural questions, extractive reader (before = {BEFORE_COMMIT}; held-out = never tuned on)"
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


if __name__ == "__main__":
    main()

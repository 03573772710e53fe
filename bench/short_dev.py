"""Short, natural questions: ../shared/eval/short-dev (4 invented articles, 21 answerable and 5 unanswerable
questions) asked over those articles and the seed, with the extractive reader or any configured model.

A question counts as right when the answer contains a gold answer and a cited passage holds it (in its text or
in its article's metadata: author, date, source); an unanswerable one counts as refused when the answer is the
refusal. Writes bench/results/short-dev-<model>.json and prints a table beside the figures before issue 8.

    python bench/short_dev.py                                   # the extractive reader
    python bench/short_dev.py --llm llamacpp:/path/model.gguf   # a local model
    python bench/short_dev.py --distractors                     # with the 1,248 RealTime QA articles too
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import CORPUS, REPO, SHARED, machine, table, write_json
from bench.quality import contains

SHORT_DEV = SHARED / "eval" / "short-dev"
# Issue 8's figures for the extractive model before it was rewritten (same questions, seed indexed too).
BEFORE = {
    "extractive": {"right_and_cited": "12/21", "false_refusals": 7, "unanswerable_refused": "1/5", "median_words": 24}
}
_MARKER = re.compile(r"\[\d+\]")


def load_questions() -> list[dict[str, Any]]:
    path = SHORT_DEV / "questions.jsonl"
    if not path.is_file():
        raise SystemExit(f"short-dev questions not found at {path} (expected ../shared beside the checkout)")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def cited_evidence(answer: Any) -> str:
    """What the answer's citations show a reader: passage text plus the article's metadata."""
    cited = {c.n for c in answer.citations}
    return " ".join(f"{p.text} {p.title} {p.author} {p.published} {p.source}" for p in answer.passages if p.n in cited)


def judge(q: dict[str, Any], answer: Any) -> dict[str, Any]:
    text = answer.answer
    bare = _MARKER.sub("", text)
    row = {
        "id": q["id"],
        "question": q["question"],
        "gold": q["answers"],
        "answer": text,
        "abstained": answer.abstained,
        "reason": answer.reason,
        "words": len(bare.split()),
        "marker_only": bool(text.strip()) and not re.search(r"\w", bare),
        "generate_ms": answer.timings_ms.get("generate", 0.0),
    }
    if q["answers"]:
        row["right"] = contains(text, q["answers"]) and contains(cited_evidence(answer), q["answers"])
    return row


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if r["gold"]]
    unanswerable = [r for r in rows if not r["gold"]]
    stated = [r["words"] for r in answerable if not r["abstained"]]
    return {
        "right_and_cited": f"{sum(r['right'] for r in answerable)}/{len(answerable)}",
        "false_refusals": sum(r["abstained"] for r in answerable),
        "unanswerable_refused": f"{sum(r['abstained'] for r in unanswerable)}/{len(unanswerable)}",
        "median_words": statistics.median(stated) if stated else 0,
        "marker_only": sum(r["marker_only"] for r in rows),
        "generate_p50_ms": round(statistics.median(r["generate_ms"] for r in rows), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--llm", default="extractive", help="NEWSQA_LLM spec (default: extractive)")
    parser.add_argument("--distractors", action="store_true", help="also index the RealTime QA corpus")
    args = parser.parse_args()
    questions = load_questions()

    from api.services import build_services
    from ingest.settings import Settings

    data = REPO / ".data" / ("short-dev-distractors" if args.distractors else "short-dev")
    settings = Settings(
        documents_dir=SHORT_DEV / "docs",
        data_dir=data,
        chroma_path=data / "chroma",
        collection="short_dev",
        llm=args.llm,
        _env_file=None,
    )
    services = build_services(settings)
    extra = [REPO / "seeds", *([CORPUS] if args.distractors else [])]
    print(services.indexer.reindex(progress=True).summary(), file=sys.stderr)
    print(services.indexer.ingest(extra, progress=True).summary(), file=sys.stderr)
    answerer = services.answerer()

    rows: list[dict[str, Any]] = []
    started = time.perf_counter()
    for i, q in enumerate(questions, 1):
        row = judge(q, answerer.ask(q["question"]))
        rows.append(row)
        mark = ("ok " if row["right"] else "MISS") if q["answers"] else ("ok " if row["abstained"] else "MISS")
        print(
            f"[{i:2d}/{len(questions)}] {mark} {q['id']} {q['question']}\n         -> {row['answer'][:160]}",
            file=sys.stderr,
        )
    summary = summarise(rows)
    name = answerer.generator.name
    result = {
        "machine": machine(),
        "model": name,
        "distractors": args.distractors,
        "seconds": round(time.perf_counter() - started, 1),
        "summary": summary,
        "before": BEFORE.get(name),
        "rows": rows,
    }
    safe = re.sub(r"[^\w.-]+", "_", name)
    path = write_json(f"short-dev-{safe}{'-distractors' if args.distractors else ''}.json", result)
    before = BEFORE.get(name, {})
    lines = [("short-dev", f"now ({name})", "before issue 8" if before else "")]
    for key, value in summary.items():
        lines.append((key, str(value), str(before.get(key, ""))))
    print(table(lines))
    print(f"machine: {result['machine']}")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

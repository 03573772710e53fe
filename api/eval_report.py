"""``newsqa eval``'s report for people: the table it prints and the PNG beside the JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# The report's ranking keys (qa.evaluation), as a table or a legend names them.
RANKING_LABELS = {
    "hybrid": "hybrid",
    "hybrid_no_as_of": "hybrid, no as-of",
    "dense_only": "dense only",
    "bm25_only": "BM25 only",
    "bm25_articles_only": "BM25 whole-article only",
    "langchain_baseline": "LangChain tutorial (baseline)",
}


def _fraction(value: float | None, part: int, whole: int) -> str:
    return "—" if value is None else f"{value:.3f} ({part}/{whole})"


def rows(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(measure, value) lines of the table, every figure of the report's summary included."""
    q, retrieval, answers, latency = report["questions"], report["retrieval"], report["answers"], report["latency_ms"]
    counts = answers["counts"]
    lines = [
        ("questions", f"{q['total']} ({q['answerable']} answerable, {q['unanswerable']} unanswerable)"),
        ("corpus", f"{report['index']['articles']} articles, {report['index']['chunks']} chunks"),
        ("model", report["model"]),
    ]
    if retrieval["skipped"]:
        lines.append(("retrieval", f"not measured: {retrieval['skipped']}"))
    else:
        lines.append((f"retrieval ({retrieval['questions']} questions)", "hit@1 / hit@5 / MRR@10"))
        for name, m in retrieval["rankings"].items():
            lines.append(
                (f"  {RANKING_LABELS.get(name, name)}", f"{m['hit@1']:.3f} / {m['hit@5']:.3f} / {m['mrr@10']:.3f}")
            )
        if retrieval["evidence_not_in_corpus"]:
            missing = retrieval["evidence_not_in_corpus"]
            lines.append(("  evidence not in the corpus", f"{len(missing)} questions (counted as misses)"))
    a, u = q["answerable"], q["unanswerable"]
    lines += [
        ("answers containing a gold answer", _fraction(answers["contains_gold"], counts["contains_gold"], a)),
        (
            "cited passages containing one",
            _fraction(answers["cited_passages_contain_gold"], counts["cited_passages_contain_gold"], a),
        ),
        ("right and cited (passage or metadata)", _fraction(answers["right_and_cited"], counts["right_and_cited"], a)),
        ("refusals, answerable", _fraction(answers["refused_answerable"], counts["refused_answerable"], a)),
        ("refusals, unanswerable", _fraction(answers["refused_unanswerable"], counts["refused_unanswerable"], u)),
        ("median answer words", "—" if answers["median_words"] is None else f"{answers['median_words']:g}"),
        ("latency p50 / p95", f"{latency['p50']} / {latency['p95']} ms"),
    ]
    return lines


def table(report: dict[str, Any]) -> str:
    lines = rows(report)
    width = max(len(name) for name, _ in lines)
    return "\n".join(f"{name.ljust(width)}  {value}" for name, value in lines)


def plot(report: dict[str, Any], path: Path, title: str = "") -> None:
    """Retrieval figures per ranking on the left, answer shares on the right."""
    import matplotlib

    matplotlib.use("Agg")  # no display: a file is all that is wanted
    import matplotlib.pyplot as plt

    q, retrieval, answers = report["questions"], report["retrieval"], report["answers"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [3, 2]})
    rankings = retrieval["rankings"]
    if rankings:
        measures = ["hit@1", "hit@5", "mrr@10"]
        width = 0.8 / len(rankings)
        for i, (name, m) in enumerate(rankings.items()):
            bars = left.bar(
                [j + i * width for j in range(3)], [m[k] for k in measures], width, label=RANKING_LABELS.get(name, name)
            )
            left.bar_label(bars, fmt="%.2f", fontsize=7)
        left.set_xticks([j + width * (len(rankings) - 1) / 2 for j in range(3)], measures)
        # Below the axes: inside, it would hide the bars it names.
        left.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=min(3, len(rankings)))
        left.set_title(f"Retrieval ({retrieval['questions']} questions with evidence)", fontsize=10)
    else:
        left.text(0.5, 0.5, f"retrieval not measured:\n{retrieval['skipped']}", ha="center", va="center")
        left.set_xticks([])
    left.set_ylim(0, 1.08)

    shares = {
        "contains\ngold": answers["contains_gold"],
        "cited has\ngold": answers["cited_passages_contain_gold"],
        "right and\ncited": answers["right_and_cited"],
        "refused\nanswerable": answers["refused_answerable"],
        "refused\nunanswerable": answers["refused_unanswerable"],
    }
    labels = list(shares)
    colours = ["#1f6feb"] * 3 + ["#d29922", "#2da44e"]  # right answers blue, refusals amber and green
    bars = right.bar(labels, [v or 0.0 for v in shares.values()], color=colours)
    right.bar_label(bars, labels=["n/a" if v is None else f"{v:.2f}" for v in shares.values()], fontsize=8)
    right.set_ylim(0, 1.08)
    right.set_title(f"Answers ({q['answerable']} answerable, {q['unanswerable']} unanswerable)", fontsize=10)
    right.tick_params(axis="x", labelsize=8)
    fig.suptitle(title or f"newsqa eval: {report['model']}, {report['index']['articles']} articles", fontsize=11)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)

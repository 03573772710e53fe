"""Shared by the benchmarks: where the eval data is, the machine they ran on, result files."""

from __future__ import annotations

import json
import os
import platform
import resource
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from qa.refusal import MODEL_DECLINED

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
EVAL_DIR = SHARED / "eval" / "realtimeqa"
CORPUS = EVAL_DIR / "corpus"
DEV = EVAL_DIR / "dev.jsonl"
RESULTS = REPO / "bench" / "results"
# The index the benchmarks build and share (ingest builds it, quality reuses it when settings match).
BENCH_DATA = REPO / ".data" / "bench-index"


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import torch

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
        "torch": torch.__version__,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_json(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(data, indent=2))
    return path


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def require_eval_data() -> None:
    if not CORPUS.is_dir():
        raise SystemExit(f"eval data not found at {EVAL_DIR} (expected ../shared beside the checkout)")


def bench_settings(corpus: Path, data: Path, collection: str, llm: str = "extractive", **extra: Any) -> Any:
    """A benchmark's own index of ``corpus`` in ``data``, answered by ``llm``, with no .env of the checkout."""
    from ingest.settings import Settings

    return Settings(
        documents_dir=corpus,
        data_dir=data,
        chroma_path=data / "chroma",
        collection=collection,
        llm=llm,
        _env_file=None,
        **extra,
    )


def corpus_services(llm: str = "extractive") -> Any:
    """The services over the full RealTime QA corpus index the benchmarks share, synced (a no-op when unchanged),
    answering with ``llm``."""
    import sys

    from api.services import build_services

    services = build_services(bench_settings(CORPUS, BENCH_DATA, "bench", llm=llm))
    print(sync_index(services), "(index shared with bench/ingest.py)", file=sys.stderr)
    return services


def sync_index(services: Any) -> str:
    """Bring a benchmark's own index in step with its folder (rebuilt when built with other settings)."""
    import sys

    from api.services import sync_private_index

    report, rebuilt = sync_private_index(services, progress=True)
    if rebuilt:
        print(f"{rebuilt}\n(a benchmark's own index: rebuilt it)", file=sys.stderr)
    return report.summary()


def record_raw_text(generator: Any) -> dict[str, str]:
    """Wraps ``generator.stream`` so the model's text, as written before any check, lands in the returned dict."""
    raw: dict[str, str] = {}
    stream = generator.stream

    def recording(question: str, passages: Any, history: Any) -> Iterator[str]:
        pieces: list[str] = []
        for piece in stream(question, passages, history):
            pieces.append(piece)
            yield piece
        raw["text"] = "".join(pieces)

    generator.stream = recording
    return raw


class Recorded:
    """Stands in for a model whose text an earlier run recorded (``record_raw_text``): writes that text again for
    the same question, so today's answering checks can be measured on it without the model, in seconds instead of
    hours. The words are the model's own, from the recording."""

    refusal_reason = MODEL_DECLINED  # as any model's
    whole_articles = 0  # as any model's

    def __init__(self, name: str, texts: Mapping[str, str | None]) -> None:
        self.name = name
        self._texts = texts  # question -> recorded text (None: the model was not asked)

    def condense(self, question: str, history: Any) -> str:
        return question

    def stream(self, question: str, passages: Any, history: Any) -> Iterator[str]:
        yield self._texts.get(question) or ""


def replay_counts(pairs: Iterable[tuple[dict[str, Any], dict[str, Any]]]) -> dict[str, int]:
    """(answer now, answer recorded) pairs, each with its ``answer`` and ``passages``: how many answers a replay
    changed, and for how many questions today's retrieval differs from the recording's (there the replay shows
    the model's text against passages it was not given)."""
    pairs = list(pairs)
    return {
        "answers_changed": sum(now["answer"] != was["answer"] for now, was in pairs),
        "retrieval_differs": sum(now["passages"] != was.get("passages") for now, was in pairs),
    }


def outcome_shares(figure: str) -> tuple[list[float], float]:
    """ "18/18 · 0 · 0 · 2/3 · …" -> the answerable questions' shares (right and cited, false refusals, wrong)
    and the unanswerable ones' share refused."""
    right, refusals, wrong, unanswerable = figure.split(" · ")[:4]
    got, asked = (int(x) for x in right.split("/"))
    refused, of = (int(x) for x in unanswerable.split("/"))
    return [got / asked, int(refusals) / asked, int(wrong) / asked], refused / of if of else 0.0


def draw_outcomes(ax: Any, bars: list[tuple[str, str]], fontsize: int = 8, legend_y: float = -0.12) -> list[int]:
    """Stacked horizontal bars on ``ax``, one per (label, figure), top down: what became of the answerable
    questions. Returns the bars' y positions."""
    y = list(range(len(bars)))[::-1]
    start = [0.0] * len(bars)
    for i, (label, colour) in enumerate(
        (("right and cited", "tab:green"), ("false refusal", "tab:gray"), ("wrong", "tab:red"))
    ):
        widths = [outcome_shares(figure)[0][i] for _, figure in bars]
        ax.barh(y, widths, left=start, color=colour, label=label)
        start = [a + b for a, b in zip(start, widths, strict=True)]
    ax.set_yticks(y, [label for label, _ in bars], fontsize=fontsize)
    ax.set_xlim(0, 1)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, legend_y), ncol=3)
    return y

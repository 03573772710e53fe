"""The benchmarks still run: ``bench/ingest.py``, ``bench/cli.py`` and ``bench/quality.py`` with ``--quick``, as
real processes.

They measure nothing here (speed is theirs to report, not a test's to assert); this checks that every part ran
on the same articles and wrote its result.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "eval" / "realtimeqa" / "corpus"


def run_bench(*args: str) -> dict:
    if not CORPUS.is_dir():
        pytest.skip(f"eval corpus not available at {CORPUS}")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run(
        [sys.executable, *args, "--quick"], cwd=REPO, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    written = proc.stdout.strip().splitlines()[-1]
    assert written.startswith("wrote "), proc.stdout[-2000:]
    return json.loads(Path(written.removeprefix("wrote ")).read_text())


def test_ingest_bench_runs_every_contender_on_the_same_articles() -> None:
    result = run_bench("bench/ingest.py")
    runs = result["runs"]
    assert set(runs) == {"pipeline", "langchain", "raw:torch", "raw:onnx", "raw:onnx-int8"}
    assert runs["pipeline"]["articles"] == runs["langchain"]["articles"] == 3
    # Raw encode embeds exactly what the pipeline embedded.
    assert {runs[f"raw:{b}"]["chunks"] for b in ("torch", "onnx", "onnx-int8")} == {runs["pipeline"]["chunks"]}
    assert runs["pipeline"]["noop_chunks"] == 0
    assert all(run["peak_rss_mb"] > 0 and run["chunks_per_s"] > 0 for run in runs.values())


def test_cli_bench_times_every_command_per_backend() -> None:
    result = run_bench("bench/cli.py", "--backends", "onnx-int8")
    medians = result["median_seconds"]["onnx-int8"]
    assert set(medians) == {"help", "ask", "serve_ready"}
    assert all(v > 0 for v in medians.values())


def test_quality_bench_measures_every_ranking_and_the_answers() -> None:
    result = run_bench("bench/quality.py")
    assert result["quick"] is True
    assert result["questions"]["total"] == result["questions"]["with_evidence"] == 6
    assert result["questions"]["as_of"] == 6  # the quiz dates, as as_of
    rankings = result["retrieval"]["rankings"]
    assert set(rankings) == {
        "hybrid", "dense_only", "bm25_only", "hybrid_no_as_of", "bm25_articles_only", "langchain_baseline",
    }  # fmt: skip
    assert all(0 <= v <= 1 for m in rankings.values() for v in m.values())
    # Every evidence article was copied into the scratch corpus: none is missing.
    assert result["retrieval"]["evidence_not_in_corpus"] == []
    assert result["index"]["baseline_chunks"] > 0 and result["index"]["chunks"] > 0
    assert result["answers"]["counts"]["contains_gold"] <= 6 and result["latency_ms"]["p50"] > 0


def test_load_bench_measures_speed_and_survives_a_chroma_outage() -> None:
    result = run_bench("bench/load.py")
    runs = result["speed"]["runs"]["current"]
    assert set(runs) == {"1", "4"}
    assert all(run["ok"] > 0 and not run["errors"] for run in runs.values()), runs
    assert result["speed"]["query_embedding_p50_ms"] > 0
    faults = result["faults"]
    # The outage's checks: 503 with a message meanwhile, no 500 and no unanswered request, the asks after it
    # all answered, every 201 upload listed and answered, every 200 delete gone.
    assert faults["passed"], {k: faults[k] for k in ("outage", "server_error_examples", "503_outside_examples")}
    assert faults["checks"]["passed"], faults["checks"]
    assert faults["outage"]["their_statuses"].get("503", 0) > 0

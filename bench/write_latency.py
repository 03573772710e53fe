"""How long one write takes: a small article ingested into the full RealTime QA index (1,248 articles, 11,161
chunks), the way an upload does it (``Indexer.ingest`` of one file: take the lease, read the records, embed,
write chunks and records to Chroma, patch and save the BM25 snapshot).

Each contender runs in a fresh process over its own copy of the benchmarks' shared index (embedded Chroma),
with the model and the BM25 snapshot loaded before the clock starts, and ingests ``--writes`` articles a
moment apart, as clients upload them. With ``--baseline REF`` the code of REF runs too, alternating with this
checkout's over ``--rounds`` rounds, so both see the same machine. Writes bench/results/write-latency.json.

    python bench/write_latency.py [--baseline REF] [--writes 10] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_DATA, CORPUS, REPO, RESULTS, machine, require_eval_data, table, write_json

SCRATCH = RESULTS / "scratch-write-latency"
PAUSE_S = 0.3  # between writes: clients upload one after another, not in one batch

WORKER = """
import json, sys, time
from pathlib import Path
from bench.common import bench_settings
from api.services import build_services

corpus, data, uploads = (Path(a) for a in sys.argv[1:4])
writes, pause = int(sys.argv[4]), float(sys.argv[5])
services = build_services(bench_settings(corpus, data, "bench"))
services.store.bm25  # loaded before the clock starts, as a serving process has it
services.embedder.embed(["warm up"])
uploads.mkdir(parents=True, exist_ok=True)
seconds = []
for i in range(writes):
    f = uploads / f"crane-{i}.txt"
    f.write_text(
        f"Harbour crane {i} toppled in Quellport gale\\n\\nSource: testwire\\nPublished: 2031-03-02\\n\\n"
        f"A harbour crane, number {i}, toppled into the Quellport marina during Sunday's gale, crushing two "
        "yachts. Nobody was hurt, the port authority said.\\n",
        encoding="utf-8",
    )
    started = time.perf_counter()
    report = services.indexer.ingest([f])
    seconds.append(time.perf_counter() - started)
    assert report.added == 1, report.summary()
    time.sleep(pause)
print(json.dumps(seconds))
"""


def run_once(code: Path, label: str, writes: int) -> list[float]:
    """``writes`` ingests by the code in ``code``, in a fresh process over a fresh copy of the shared index."""
    data = SCRATCH / f"data-{label}"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(BENCH_DATA, data, ignore=shutil.ignore_patterns("langchain-tutorial"))
    env = {**os.environ, "PYTHONPATH": str(code), "OPENBLAS_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    args = [str(CORPUS), str(data), str(SCRATCH / f"uploads-{label}"), str(writes), str(PAUSE_S)]
    proc = subprocess.run(
        [sys.executable, "-c", WORKER, *args], env=env, cwd=code, capture_output=True, text=True, check=False
    )
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(SCRATCH / f"uploads-{label}", ignore_errors=True)
    if proc.returncode != 0:
        raise SystemExit(f"{label}: the worker failed:\n{proc.stderr[-3000:]}")
    return [float(s) for s in json.loads(proc.stdout.strip().splitlines()[-1])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", metavar="REF", help="also run the code of this git ref, alternating")
    parser.add_argument("--writes", type=int, default=10, help="articles ingested per run")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each contender")
    args = parser.parse_args()
    require_eval_data()
    if not (BENCH_DATA / "bm25" / "entries.jsonl").exists():
        raise SystemExit(f"no shared index at {BENCH_DATA}: run bench/quality.py or bench/ingest.py first")
    from bench.load import baseline_code

    codes = {"current": REPO}
    if args.baseline:
        codes = {"baseline": baseline_code(args.baseline), **codes}
    seconds: dict[str, list[float]] = {label: [] for label in codes}
    for round_ in range(args.rounds):
        for label, code in codes.items():
            started = time.monotonic()
            # The first write of a process pays for warming up Chroma's and the embedder's caches: left out.
            seconds[label] += run_once(code, label, args.writes + 1)[1:]
            print(f"round {round_ + 1}: {label} done in {time.monotonic() - started:.0f} s", flush=True)
    rows = {
        label: {
            "writes": len(s),
            "p50_s": round(statistics.median(s), 3),
            "p90_s": round(statistics.quantiles(s, n=10)[-1], 3),
            "mean_s": round(statistics.fmean(s), 3),
        }
        for label, s in seconds.items()
    }
    result: dict[str, object] = {"machine": machine(), "index_chunks": 11_161, "contenders": rows}
    if args.baseline:
        commit = (codes["baseline"] / "COMMIT").read_text()
        result["baseline"] = {"ref": args.baseline, "commit": commit}
        result["p50_before_over_after"] = round(rows["baseline"]["p50_s"] / rows["current"]["p50_s"], 2)
    lines = [("code", "writes", "p50 / p90 / mean s")]
    lines += [(k, str(v["writes"]), f"{v['p50_s']} / {v['p90_s']} / {v['mean_s']}") for k, v in rows.items()]
    print(table(lines))
    if "p50_before_over_after" in result:
        print(f"p50 before / after: {result['p50_before_over_after']}x")
    print(f"machine: {result['machine']}")
    print(f"wrote {write_json('write-latency.json', result)}")


if __name__ == "__main__":
    main()

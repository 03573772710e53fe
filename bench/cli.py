"""Cold start, measured as processes: ``newsqa --help``, ``newsqa ask "…"`` over an existing index, and a
``newsqa serve`` ready (``/health`` answers) after a reindex that finds nothing changed.

Each backend gets its own index over the same articles (built once, untimed); the runs alternate between the
backends, so both see the same machine load; every figure is the median of ``--runs`` (default 5).
Targets: ask <= 3 s, --help <= 0.5 s, serve ready <= 5 s. Writes bench/results/cli.json (cli-quick.json with
--quick) and prints a table with the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from bench.common import CORPUS, REPO, RESULTS, machine, require_eval_data, table, write_json
from bench.ingest import ONNX_CACHE

NEWSQA = Path(sys.executable).parent / "newsqa"  # the console script, as a user runs it
QUESTION = "Who paid a record sum for a lunch with Warren Buffett?"
TARGETS = {"help": 0.5, "ask": 3.0, "serve_ready": 5.0}
SERVE_TIMEOUT = 120


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=50, help="articles in each backend's index")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backends", nargs="+", default=["torch", "onnx-int8"])
    parser.add_argument("--quick", action="store_true", help="3 articles, 1 run: every part runs, for CI")
    args = parser.parse_args()
    require_eval_data()
    articles, runs = (3, 1) if args.quick else (args.articles, args.runs)

    root = RESULTS / "scratch-cli"
    shutil.rmtree(root, ignore_errors=True)
    corpus = root / "corpus"
    corpus.mkdir(parents=True)
    for f in sorted(CORPUS.glob("*.txt"))[:articles]:
        shutil.copy2(f, corpus / f.name)
    envs = {b: _env(corpus, root / b, b) for b in args.backends}
    for backend, env in envs.items():
        built = _run([str(NEWSQA), "reindex"], env, root)
        print(f"{backend} index: {built.stdout.strip().splitlines()[-1]}")

    print(f"load average before: {os.getloadavg()}")
    times: dict[str, dict[str, list[float]]] = {b: {"help": [], "ask": [], "serve_ready": []} for b in envs}
    for _ in range(runs):
        for backend, env in envs.items():
            times[backend]["help"].append(_timed([str(NEWSQA), "--help"], env, root))
            times[backend]["ask"].append(_timed([str(NEWSQA), "ask", QUESTION], env, root))
            times[backend]["serve_ready"].append(_serve_ready(env, root))

    medians = {b: {k: round(statistics.median(v), 3) for k, v in t.items()} for b, t in times.items()}
    result = {
        "machine": machine(),
        "load_average_after": os.getloadavg(),
        "articles": articles,
        "runs": runs,
        "median_seconds": medians,
        "all_seconds": {b: {k: [round(x, 3) for x in v] for k, v in t.items()} for b, t in times.items()},
        "targets_seconds": TARGETS,
    }
    path = write_json("cli-quick.json" if args.quick else "cli.json", result)
    rows = [(f"command (median of {runs})", "  ".join(f"{b:>10}" for b in envs), "target")]
    labels = {"help": "newsqa --help", "ask": "newsqa ask", "serve_ready": "serve ready (no-change reindex)"}
    for key, label in labels.items():
        rows.append((label, "  ".join(f"{medians[b][key]:>9.2f}s" for b in envs), f"<= {TARGETS[key]} s"))
    print(table(rows))
    print(f"machine: {result['machine']}; load average after: {result['load_average_after']}")
    print(f"wrote {path}")


def _env(corpus: Path, data: Path, backend: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")}
    env.update(
        NEWSQA_DOCUMENTS_DIR=str(corpus),
        NEWSQA_DATA_DIR=str(data),
        NEWSQA_CHROMA_PATH=str(data / "chroma"),
        NEWSQA_EMBEDDING_BACKEND=backend,
        NEWSQA_ONNX_DIR=str(ONNX_CACHE),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    )
    return env


def _run(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{proc.stderr[-2000:]}")
    return proc


def _timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    started = time.perf_counter()
    _run(command, env, cwd)
    return time.perf_counter() - started


def _serve_ready(env: dict[str, str], cwd: Path) -> float:
    """Seconds from starting ``newsqa serve`` (which reindexes, finding nothing changed) to /health answering."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = cwd / "serve.log"
    started = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(NEWSQA), "serve", "--port", str(port)], env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        while time.perf_counter() - started < SERVE_TIMEOUT:
            if proc.poll() is not None:
                raise SystemExit(f"newsqa serve exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise SystemExit(f"newsqa serve not ready in {SERVE_TIMEOUT} s:\n{log.read_text()[-2000:]}")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    main()

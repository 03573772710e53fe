"""Ingest benchmark on ../shared/eval/realtimeqa/corpus (1,248 articles), every contender in its own process.

In one run, on the same articles (``--articles N``: the first N in name order; default all):
- our pipeline (``reindex`` of a new index: load, chunk, embed, write Chroma + BM25 + manifest) on the chosen
  backend (default: the default NEWSQA_EMBEDDING_BACKEND);
- the LangChain tutorial pipeline: whole files, RecursiveCharacterTextSplitter(1000, 200), the same model through
  sentence-transformers, Chroma;
- raw encode of exactly the chunk texts our pipeline embedded, by every backend (torch, onnx, onnx-int8).
Each runs in a fresh process (its own peak RSS), models loaded and warmed before the clock starts. Targets:
ours >= 1.5x the LangChain pipeline's articles/s, >= 0.9x the raw encode rate of its backend, peak RSS <= 1.5 GB.
Also a reindex that finds nothing changed, in process. Writes bench/results/ingest.json (ingest-subset.json with
--articles, ingest-quick.json with --quick) and ingest.png, prints a table with the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    BENCH_DATA,
    CORPUS,
    REPO,
    RESULTS,
    bench_settings,
    machine,
    peak_rss_mb,
    require_eval_data,
    table,
    write_json,
)

BACKENDS = ("torch", "onnx", "onnx-int8")
# ONNX exports shared by every worker, made before any clock starts.
ONNX_CACHE = REPO / ".data" / "onnx"
PIPELINE_TARGET = 1.5  # x the LangChain pipeline's articles/s
RAW_TARGET = 0.9  # x raw encode of the same backend
RSS_TARGET_MB = 1536


def settings_for(data_dir: Path, corpus: Path = CORPUS, backend: str | None = None):
    extra = {"embedding_backend": backend} if backend else {}
    return bench_settings(corpus, data_dir, "bench", onnx_dir=ONNX_CACHE, **extra)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=0, help="only the first N articles (default: all)")
    parser.add_argument("--backend", choices=BACKENDS, default=None, help="our pipeline's backend (default: ours)")
    parser.add_argument("--quick", action="store_true", help="3 articles: every part runs, in seconds, for CI")
    parser.add_argument(
        "--noop-only", action="store_true", help="only time no-change reindexes of the index a full run left"
    )
    parser.add_argument("--worker", nargs=3, metavar=("KIND", "CORPUS", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, corpus, data = args.worker
        print(json.dumps(WORKERS[kind.split(":")[0]](kind, Path(corpus), Path(data))))
        return
    require_eval_data()
    if args.noop_only:
        noop_only()
        return
    limit = 3 if args.quick else args.articles
    name = "ingest-quick.json" if args.quick else "ingest-subset.json" if limit else "ingest.json"

    from ingest.settings import DEFAULT_EMBEDDING_BACKEND

    backend = args.backend or DEFAULT_EMBEDDING_BACKEND
    data_dir, corpus = BENCH_DATA, CORPUS
    if limit:
        # A subset is copied to a scratch folder so the shared index is not overwritten with a partial one.
        data_dir, corpus = RESULTS / "scratch-index", RESULTS / "scratch-corpus"
        shutil.rmtree(corpus, ignore_errors=True)
        corpus.mkdir(parents=True)
        for f in sorted(CORPUS.glob("*.txt"))[:limit]:
            shutil.copy2(f, corpus / f.name)
    shutil.rmtree(data_dir, ignore_errors=True)
    langchain_dir = RESULTS / "scratch-langchain"
    shutil.rmtree(langchain_dir, ignore_errors=True)
    from ingest.embedding import Embedder

    for b in BACKENDS[1:]:  # made now, so no worker's clock or peak RSS includes an export
        Embedder(backend=b, onnx_dir=ONNX_CACHE).load()  # type: ignore[arg-type]
    print(f"load average before: {os.getloadavg()}")

    runs = {"pipeline": _worker(f"pipeline:{backend}", corpus, data_dir)}
    runs["langchain"] = _worker("langchain", corpus, langchain_dir)
    for b in BACKENDS:
        runs[f"raw:{b}"] = _worker(f"raw:{b}", corpus, data_dir)
    ours, naive, raw = runs["pipeline"], runs["langchain"], runs[f"raw:{backend}"]
    result = {
        "machine": machine(),
        "load_average_after": os.getloadavg(),
        "articles": ours["articles"],
        "backend": backend,
        "runs": runs,
        "pipeline_to_langchain_articles_per_s": round(ours["articles_per_s"] / naive["articles_per_s"], 3),
        "pipeline_to_langchain_chunks_per_s": round(ours["chunks_per_s"] / naive["chunks_per_s"], 3),
        "pipeline_to_raw_ratio": round(ours["chunks_per_s"] / raw["chunks_per_s"], 3),
        "raw_to_torch_raw": {
            b: round(runs[f"raw:{b}"]["chunks_per_s"] / runs["raw:torch"]["chunks_per_s"], 3) for b in BACKENDS
        },
        "settings": {"chunk_tokens": 200, "chunk_overlap": 32, "batch_size": 32},
    }
    path = write_json(name, result)
    rows = [("measure", "value", "target")]
    for key, run in runs.items():
        rows.append(
            (
                key,
                f"{run['chunks_per_s']} chunks/s, {run.get('articles_per_s', '-')} articles/s "
                f"({run['chunks']} chunks, {run['seconds']} s), peak RSS {run['peak_rss_mb']:.0f} MB",
                f"<= {RSS_TARGET_MB} MB" if key == "pipeline" else "",
            )
        )
    rows += [
        ("ours / LangChain, articles/s", str(result["pipeline_to_langchain_articles_per_s"]), f">= {PIPELINE_TARGET}"),
        ("ours / LangChain, chunks/s", str(result["pipeline_to_langchain_chunks_per_s"]), ""),
        (f"ours / raw {backend}", str(result["pipeline_to_raw_ratio"]), f">= {RAW_TARGET}"),
        ("raw encode / raw torch", json.dumps(result["raw_to_torch_raw"]), ""),
        ("no-change reindex (in process)", f"{ours['noop_seconds']} s, {ours['noop_chunks']} chunks embedded", ""),
    ]
    print(table(rows))
    print(f"machine: {result['machine']}; load average after: {result['load_average_after']}")
    print(f"wrote {path}")
    if not args.quick:
        _plot(result, RESULTS / name.replace(".json", ".png"))


def _worker(kind: str, corpus: Path, data: Path) -> dict:
    """One measurement in a fresh process: its own model load, its own peak RSS."""
    print(f"running {kind} ...", flush=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", kind, str(corpus), str(data)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _pipeline(kind: str, corpus: Path, data: Path) -> dict:
    from api.services import build_services

    services = build_services(settings_for(data, corpus, kind.split(":")[1]))
    services.embedder.embed(["warm up the model and its thread pool"] * 8)
    started = time.perf_counter()
    report = services.indexer.reindex()
    seconds = time.perf_counter() - started
    # The exact texts the pipeline embedded, for the raw encode runs.
    got = services.store.collection.get(include=["documents", "metadatas"])
    texts = [
        services.indexer.chunker.embedding_input(_chunk(cid, doc, meta))
        for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
    ]
    (data / "embedded-texts.json").write_text(json.dumps(texts))
    started = time.perf_counter()
    again = services.indexer.reindex()
    noop = time.perf_counter() - started
    articles = report.added + report.duplicates
    return {
        **_rates(articles, report.chunks, seconds),
        "noop_seconds": round(noop, 3),
        "noop_chunks": again.chunks,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def _raw(kind: str, corpus: Path, data: Path) -> dict:
    from ingest.embedding import Embedder

    texts = json.loads((data / "embedded-texts.json").read_text())
    embedder = Embedder(batch_size=32, backend=kind.split(":")[1], onnx_dir=ONNX_CACHE)  # type: ignore[arg-type]
    embedder.embed(["warm up the model and its thread pool"] * 8)
    started = time.perf_counter()
    embedder.embed(texts)
    seconds = time.perf_counter() - started
    return {**_rates(None, len(texts), seconds), "peak_rss_mb": round(peak_rss_mb(), 1)}


def _langchain(kind: str, corpus: Path, data: Path) -> dict:
    """The tutorial (ingest.tutorial): read each file whole, RecursiveCharacterTextSplitter(1000, 200), embed with
    the same model through sentence-transformers, as the tutorial does, add to Chroma."""
    from sentence_transformers import SentenceTransformer

    from ingest.embedding import resolve_model_path
    from ingest.settings import BUNDLED_EMBEDDING_MODEL
    from ingest.tutorial import TutorialIndex

    model = SentenceTransformer(resolve_model_path(BUNDLED_EMBEDDING_MODEL), device="cpu")
    model.encode(["warm up the model and its thread pool"] * 8)
    index = TutorialIndex(data, lambda texts: model.encode(texts, batch_size=32, convert_to_numpy=True))
    index.collection  # noqa: B018 - Chroma opened before the clock starts, as before
    started = time.perf_counter()
    chunks = index.build(corpus)
    seconds = time.perf_counter() - started
    files = len(list(corpus.glob("*.txt")))
    return {**_rates(files, chunks, seconds), "peak_rss_mb": round(peak_rss_mb(), 1)}


def _rates(articles: int | None, chunks: int, seconds: float) -> dict:
    rates = {"chunks": chunks, "seconds": round(seconds, 2), "chunks_per_s": round(chunks / seconds, 2)}
    if articles is not None:
        rates |= {"articles": articles, "articles_per_s": round(articles / seconds, 3)}
    return rates


WORKERS = {"pipeline": _pipeline, "raw": _raw, "langchain": _langchain}


def noop_only(runs: int = 5) -> None:
    """Median of ``runs`` no-change reindexes, in process and as fresh CLI processes."""
    import statistics

    from api.services import build_services

    if not (BENCH_DATA / "manifest.json").exists():
        raise SystemExit("no benchmark index yet: run bench/ingest.py once without --noop-only")
    services = build_services(settings_for(BENCH_DATA))
    env = {
        **os.environ,
        "NEWSQA_DOCUMENTS_DIR": str(CORPUS),
        "NEWSQA_DATA_DIR": str(BENCH_DATA),
        "NEWSQA_CHROMA_PATH": str(BENCH_DATA / "chroma"),
        "NEWSQA_COLLECTION": "bench",
    }
    in_process, cli, embedded = [], [], 0
    for _ in range(runs):
        started = time.perf_counter()
        embedded += services.indexer.reindex().chunks
        in_process.append(time.perf_counter() - started)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "api.cli", "reindex"], env=env, capture_output=True, check=True)
        cli.append(time.perf_counter() - started)
    result = {
        "machine": machine(),
        "runs": runs,
        "noop_reindex_seconds_in_process_median": round(statistics.median(in_process), 3),
        "noop_reindex_seconds_cli_median": round(statistics.median(cli), 3),
        "chunks_embedded": embedded,
    }
    path = write_json("ingest-noop.json", result)
    print(
        table(
            [
                ("measure", "value", "target"),
                (
                    "no-change reindex, in process (median)",
                    f"{result['noop_reindex_seconds_in_process_median']} s",
                    "<= 2 s",
                ),
                ("no-change reindex, newsqa CLI (median)", f"{result['noop_reindex_seconds_cli_median']} s", "<= 2 s"),
                ("chunks embedded", str(embedded), "0"),
            ]
        )
    )
    print(f"machine: {result['machine']}")
    print(f"wrote {path}")


def _chunk(chunk_id: str, text: str, meta: dict):
    from ingest.document import Chunk

    return Chunk(
        chunk_id,
        str(meta["doc_id"]),
        text,
        int(meta["start"]),
        int(meta["end"]),
        int(meta["chunk_index"]),
        {"title": meta.get("title", "")},
    )


def _plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    runs = result["runs"]
    labels = [f"raw encode\n{b}" for b in BACKENDS] + [f"newsqa pipeline\n{result['backend']}", "LangChain\ntutorial"]
    values = [runs[f"raw:{b}"]["chunks_per_s"] for b in BACKENDS] + [
        runs["pipeline"]["chunks_per_s"],
        runs["langchain"]["chunks_per_s"],
    ]
    fig, ax = plt.subplots(figsize=(8, 4))
    bars = ax.bar(labels, values, color=["#888888", "#aaaaaa", "#cccccc", "#1f6feb", "#d29922"])
    ax.bar_label(bars, fmt="%.1f")
    ax.set_ylabel("chunks / s")
    ax.set_title(
        f"Indexing {result['articles']} articles: ours / LangChain "
        f"{result['pipeline_to_langchain_articles_per_s']:.2f}x articles/s"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()

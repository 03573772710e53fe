"""Ingest benchmark on ../shared/eval/realtimeqa/corpus (1,248 articles).

Measures, in one run on one machine:
- whole-pipeline chunks/s (load, chunk, embed, write Chroma + BM25 + manifest) against raw
  ``SentenceTransformer.encode`` chunks/s on the very same chunk texts (target ratio >= 0.85);
- wall time of a reindex that finds nothing changed, in process and as the ``newsqa reindex`` CLI (target <= 2 s);
- peak RSS (target <= 2 GB).
Writes bench/results/ingest.json and ingest.png, prints a table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_DATA, CORPUS, RESULTS, machine, peak_rss_mb, require_eval_data, table, write_json

LANGCHAIN_TUTORIAL_CHUNKS_PER_S = 24.5  # the reference: 1000/200-char chunks, same model, Chroma, this machine
LANGCHAIN_TUTORIAL_SECONDS = 420


def settings_for(data_dir: Path):
    from ingest.settings import Settings

    return Settings(
        documents_dir=CORPUS, data_dir=data_dir, chroma_path=data_dir / "chroma", collection="bench", _env_file=None
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=0, help="only the first N articles (quick runs)")
    parser.add_argument(
        "--noop-only", action="store_true", help="only time no-change reindexes of the index a full run left"
    )
    args = parser.parse_args()
    require_eval_data()
    if args.noop_only:
        noop_only()
        return

    from api.services import build_services

    data_dir = BENCH_DATA
    corpus = CORPUS
    if args.limit:
        # A subset is copied to a scratch folder so the shared index is not overwritten with a partial one.
        data_dir = RESULTS / "scratch-index"
        corpus = RESULTS / "scratch-corpus"
        shutil.rmtree(corpus, ignore_errors=True)
        corpus.mkdir(parents=True)
        for f in sorted(CORPUS.glob("*.txt"))[: args.limit]:
            shutil.copy2(f, corpus / f.name)
    shutil.rmtree(data_dir, ignore_errors=True)
    settings = settings_for(data_dir).model_copy(update={"documents_dir": corpus})

    services = build_services(settings)
    embedder = services.embedder
    embedder.embed(["warm up the model and its thread pool"] * 8)

    # 1. The whole pipeline, as `newsqa reindex` runs it on a new index.
    started = time.perf_counter()
    report = services.indexer.reindex(progress=True)
    pipeline_s = time.perf_counter() - started
    chunks = report.chunks
    print(report.summary())

    # 2. Raw encode of exactly the texts the pipeline embedded (read back from the index), same batch size.
    got = services.store.collection.get(include=["documents", "metadatas"])
    texts = [
        services.indexer.chunker.embedding_input(_chunk(cid, doc, meta))
        for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
    ]
    started = time.perf_counter()
    embedder.model.encode(texts, batch_size=embedder.batch_size, normalize_embeddings=True, show_progress_bar=False)
    raw_s = time.perf_counter() - started

    # 3. Reindex with nothing changed: in process (model loaded) and as a fresh CLI process.
    started = time.perf_counter()
    again = services.indexer.reindex()
    noop_s = time.perf_counter() - started
    env = {
        **os.environ,
        "NEWSQA_DOCUMENTS_DIR": str(corpus),
        "NEWSQA_DATA_DIR": str(data_dir),
        "NEWSQA_CHROMA_PATH": str(data_dir / "chroma"),
        "NEWSQA_COLLECTION": "bench",
    }
    started = time.perf_counter()
    cli = subprocess.run(
        [sys.executable, "-m", "api.cli", "reindex"], env=env, capture_output=True, text=True, check=True
    )
    cli_s = time.perf_counter() - started

    result = {
        "machine": machine(),
        "articles": report.added + report.duplicates,
        "chunks": chunks,
        "pipeline_seconds": round(pipeline_s, 2),
        "pipeline_chunks_per_s": round(chunks / pipeline_s, 2),
        "raw_encode_seconds": round(raw_s, 2),
        "raw_encode_chunks_per_s": round(len(texts) / raw_s, 2),
        "pipeline_to_raw_ratio": round((chunks / pipeline_s) / (len(texts) / raw_s), 3),
        "noop_reindex_seconds_in_process": round(noop_s, 3),
        "noop_reindex_seconds_cli": round(cli_s, 3),
        "noop_reindex_embedded_chunks": again.chunks,
        "noop_cli_summary": cli.stdout.strip(),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "reference_langchain_tutorial_chunks_per_s": LANGCHAIN_TUTORIAL_CHUNKS_PER_S,
        "reference_langchain_tutorial_seconds": LANGCHAIN_TUTORIAL_SECONDS,
        "settings": {
            "chunk_tokens": settings.chunk_tokens,
            "chunk_overlap": settings.chunk_overlap,
            "batch_size": settings.embedding_batch_size,
        },
    }
    path = write_json("ingest.json" if not args.limit else "ingest-subset.json", result)
    rows = [
        ("measure", "value", "target"),
        ("articles / chunks", f"{result['articles']} / {chunks}", ""),
        ("pipeline", f"{result['pipeline_chunks_per_s']} chunks/s ({pipeline_s:.1f} s)", ""),
        ("raw encode, same chunks", f"{result['raw_encode_chunks_per_s']} chunks/s ({raw_s:.1f} s)", ""),
        ("pipeline / raw", f"{result['pipeline_to_raw_ratio']}", ">= 0.85"),
        ("no-change reindex (in process)", f"{noop_s:.3f} s, {again.chunks} chunks embedded", "<= 2 s"),
        ("no-change reindex (CLI process)", f"{cli_s:.2f} s", ""),
        ("peak RSS", f"{result['peak_rss_mb']:.0f} MB", "<= 2048 MB"),
        (
            "LangChain tutorial (reference)",
            f"{LANGCHAIN_TUTORIAL_CHUNKS_PER_S} chunks/s ({LANGCHAIN_TUTORIAL_SECONDS} s)",
            "",
        ),
    ]
    print(table(rows))
    print(f"machine: {result['machine']}")
    print(f"wrote {path}")
    _plot(result)


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


def _plot(result: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = ["raw encode\n(same chunks)", "newsqa pipeline", "LangChain tutorial\n(reference)"]
    values = [
        result["raw_encode_chunks_per_s"],
        result["pipeline_chunks_per_s"],
        result["reference_langchain_tutorial_chunks_per_s"],
    ]
    fig, ax = plt.subplots(figsize=(7, 4))
    bars = ax.bar(labels, values, color=["#888888", "#1f6feb", "#d29922"])
    ax.bar_label(bars, fmt="%.1f")
    ax.set_ylabel("chunks / s")
    ax.set_title(
        f"Indexing {result['articles']} articles ({result['chunks']} chunks), "
        f"ratio {result['pipeline_to_raw_ratio']:.2f}"
    )
    fig.tight_layout()
    fig.savefig(RESULTS / "ingest.png", dpi=110)


if __name__ == "__main__":
    main()

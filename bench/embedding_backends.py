"""Embedding backends compared on quality: the chunks of the torch-built benchmark index re-embedded by
``onnx`` and ``onnx-int8``, in one run.

- cosine of each backend's chunk vectors to the stored torch (fp32) vectors: mean, 1st percentile, minimum;
- dense retrieval on RealTime QA dev over those chunks (exact search, numpy): hit@1, hit@5, MRR@10 for each
  backend, queries embedded by the same backend as the chunks (the torch row uses the stored vectors);
- query embedding p50 per backend.

Needs the torch-built index at .data/bench-index (``bench/ingest.py --backend torch`` builds it). Writes
bench/results/embedding-backends.json and prints a table. ``--limit N``: only the first N chunks for the cosine
(retrieval then needs all, so it is skipped); ``--quick``: 64 chunks, 8 questions, for CI.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from bench.common import BENCH_DATA, DEV, machine, require_eval_data, table, write_json
from qa.evaluation import metrics, rank_of_evidence

BACKENDS = ("torch", "onnx", "onnx-int8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", nargs="+", default=["onnx", "onnx-int8"], choices=BACKENDS[1:])
    parser.add_argument("--limit", type=int, default=0, help="only the first N chunks (cosine only)")
    parser.add_argument("--quick", action="store_true", help="64 chunks and 8 questions: seconds, for CI")
    args = parser.parse_args()
    require_eval_data()
    limit = 64 if args.quick else args.limit

    from ingest.chunking import Chunker
    from ingest.embedding import Embedder
    from ingest.settings import Settings
    from ingest.store import open_chroma

    settings = Settings(data_dir=BENCH_DATA, chroma_path=BENCH_DATA / "chroma", collection="bench", _env_file=None)
    manifest = json.loads(settings.manifest_path.read_text())
    if manifest["fingerprint"].get("embedding_backend", "torch") != "torch":
        raise SystemExit(f"{BENCH_DATA} was not built with the torch backend: rebuild it with bench/ingest.py")
    got = open_chroma(settings).get_collection("bench").get(include=["documents", "metadatas", "embeddings"])
    ids, docs, metas = got["ids"], got["documents"], got["metadatas"]
    reference = np.asarray(got["embeddings"], dtype=np.float32)
    if limit:
        ids, docs, metas, reference = ids[:limit], docs[:limit], metas[:limit], reference[:limit]
    embedders = {b: Embedder(batch_size=settings.embedding_batch_size, backend=b, onnx_dir=settings.onnx_cache_dir)
                 for b in ("torch", *args.backends)}  # fmt: skip
    onnx = embedders[args.backends[0]]
    chunker = Chunker(onnx.count_tokens, onnx.max_tokens, settings.chunk_tokens, settings.chunk_overlap)
    texts = [chunker.embedding_input(_chunk(c, d, m)) for c, d, m in zip(ids, docs, metas, strict=True)]

    vectors: dict[str, np.ndarray] = {"torch": reference}
    cosine: dict[str, dict[str, float]] = {}
    encode_s: dict[str, float] = {}
    for backend in args.backends:
        embedders[backend].embed(["warm up"] * 4)
        started = time.perf_counter()
        vectors[backend] = embedders[backend].embed(texts, show_progress=True)
        encode_s[backend] = round(time.perf_counter() - started, 1)
        cos = (vectors[backend] * reference).sum(axis=1)
        cosine[backend] = {
            "mean": round(float(cos.mean()), 4),
            "p1": round(float(np.percentile(cos, 1)), 4),
            "min": round(float(cos.min()), 4),
        }

    questions = [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]
    if args.quick:
        questions = questions[:8]
    path_of = {d["doc_id"]: Path(d["path"]).name for d in manifest["documents"].values()}
    doc_paths = [path_of[str(m["doc_id"])] for m in metas]
    retrieval: dict[str, dict[str, float]] = {}
    query_ms: dict[str, float] = {}
    for backend, embedder in embedders.items():
        embedder.embed_query("warm up")
        ranks, times = [], []
        for q in questions:
            started = time.perf_counter()
            query = embedder.embed_query(q["question"])
            times.append((time.perf_counter() - started) * 1000)
            top = np.argsort(-(vectors[backend] @ query))[:50]
            ranks.append(rank_of_evidence([doc_paths[i] for i in top], set(q["evidence_files"])))
        query_ms[backend] = round(statistics.median(times), 2)
        if not limit or args.quick:
            retrieval[backend] = metrics(ranks)

    result = {
        "machine": machine(),
        "load_average": os.getloadavg(),
        "chunks": len(texts),
        "questions": len(questions),
        "cosine_to_torch": cosine,
        "dense_retrieval": retrieval,
        "query_embedding_p50_ms": query_ms,
        "encode_seconds": encode_s,
    }
    path = write_json("embedding-backends-quick.json" if args.quick else "embedding-backends.json", result)
    rows = [("backend", "cosine to torch mean / p1 / min", "dense hit@1 / hit@5 / MRR@10, query p50")]
    for backend in embedders:
        c = cosine.get(backend)
        m = retrieval.get(backend)
        rows.append(
            (
                backend,
                f"{c['mean']:.4f} / {c['p1']:.4f} / {c['min']:.4f}" if c else "(reference)",
                (f"{m['hit@1']:.3f} / {m['hit@5']:.3f} / {m['mrr@10']:.3f}, " if m else "") + f"{query_ms[backend]} ms",
            )
        )
    print(table(rows))
    print(f"{len(texts)} chunks, {len(questions)} questions; machine: {result['machine']}")
    print(f"load average: {result['load_average']}")
    print(f"wrote {path}")


def _chunk(chunk_id: str, text: str, meta: dict):
    from ingest.document import Chunk

    return Chunk(chunk_id, str(meta["doc_id"]), text, 0, 0, 0, {"title": meta.get("title", "")})


if __name__ == "__main__":
    main()

"""How long a replica takes to bring its BM25 cache up to Chroma's generation, by index size.

Synthetic chunks (60 words each, drawn Zipf-like from a 50k-word vocabulary, as news text is), so sizes far beyond
the eval corpus can be measured:

- ``refresh``: another process changed one article (8 chunks). The cache replaces that article's entries and
  rebuilds the BM25 scoring matrix over every chunk (``BM25Index.with_changes``); fetching 8 chunks from Chroma
  is a few milliseconds on top. Every process pays this once per write it did not make.
- ``cold``: a replica with an empty data folder reads every chunk from Chroma (embedded here), tokenises it and
  builds the index. Measured up to ``--cold-max`` chunks: filling Chroma with them dominates the run.

    python bench/bm25_refresh.py [--sizes 10000 100000 1000000] [--cold-max 100000]

Writes bench/results/bm25-refresh.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, peak_rss_mb, write_json
from ingest.bm25 import BM25Entry, BM25Index
from ingest.store import bm25_entries, get_all

VOCAB = 50_000
WORDS_PER_CHUNK = 60
CHUNKS_PER_DOC = 8


def words(rng: np.random.Generator, n_chunks: int) -> np.ndarray:
    ranks = np.minimum(rng.zipf(1.3, size=(n_chunks, WORDS_PER_CHUNK)), VOCAB) - 1
    return ranks


def synthetic_entries(n: int, rng: np.random.Generator) -> list[BM25Entry]:
    vocab = [f"w{i}" for i in range(VOCAB)]
    ranks = words(rng, n)
    return [
        BM25Entry(f"d{i // CHUNKS_PER_DOC}:{i % CHUNKS_PER_DOC:04d}", f"d{i // CHUNKS_PER_DOC}", "wire", 19000,
                  tuple(vocab[r] for r in row))
        for i, row in enumerate(ranks)
    ]  # fmt: skip


def refresh_seconds(n: int, rng: np.random.Generator) -> float:
    base = BM25Index(synthetic_entries(n, rng))
    changed = synthetic_entries(CHUNKS_PER_DOC, rng)  # the ids of article d0: it is replaced
    started = time.perf_counter()
    after = base.with_changes({"d0"}, changed, {"d0": "v2"})
    seconds = time.perf_counter() - started
    assert len(after) == n
    return seconds


def cold_seconds(n: int, rng: np.random.Generator) -> tuple[float, float]:
    """(seconds to fill Chroma, seconds for a cold cache: read everything, tokenise, index)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    vocab = [f"word{i}" for i in range(VOCAB)]
    with tempfile.TemporaryDirectory() as tmp:
        client = chromadb.PersistentClient(path=tmp, settings=ChromaSettings(anonymized_telemetry=False))
        collection = client.get_or_create_collection("bench", embedding_function=None)
        filled = time.perf_counter()
        step = client.get_max_batch_size()
        for start in range(0, n, step):
            ids = range(start, min(n, start + step))
            ranks = words(rng, len(ids))
            collection.add(
                ids=[f"d{i // CHUNKS_PER_DOC}:{i % CHUNKS_PER_DOC:04d}" for i in ids],
                documents=[" ".join(vocab[r] for r in row) for row in ranks],
                embeddings=rng.standard_normal((len(ids), 384)).astype(np.float32),
                metadatas=[{"doc_id": f"d{i // CHUNKS_PER_DOC}", "title": "", "source": "wire"} for i in ids],
            )
        filled = time.perf_counter() - filled
        started = time.perf_counter()
        got = get_all(collection, include=["documents", "metadatas"])
        index = BM25Index(bm25_entries(got["ids"], got["documents"], got["metadatas"]))
        seconds = time.perf_counter() - started
        assert len(index) == n
    return filled, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--cold-max", type=int, default=100_000)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    rows = []
    for n in args.sizes:
        row: dict[str, float | int | None] = {"chunks": n, "refresh_seconds": round(refresh_seconds(n, rng), 2)}
        if n <= args.cold_max:
            fill, cold = cold_seconds(n, rng)
            row |= {"chroma_fill_seconds": round(fill, 1), "cold_seconds": round(cold, 2)}
        row["peak_rss_mb"] = round(peak_rss_mb())
        rows.append(row)
        print(row, flush=True)
    path = write_json("bm25-refresh.json", {"machine": machine(), "words_per_chunk": WORDS_PER_CHUNK, "rows": rows})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

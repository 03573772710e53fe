"""How long a replica takes to bring its BM25 cache up to Chroma's generation, by index size.

Synthetic chunks (60 words each, drawn Zipf-like from a 50k-word vocabulary, as news text is), so sizes far beyond
the eval corpus can be measured:

- ``refresh``: another process changed one article (8 chunks). The cache replaces that article's rows in the
  term counts (``BM25Index.with_changes``); fetching 8 chunks from Chroma is a few milliseconds on top. Every
  process pays this once per write it did not make. Beside it in the same run: ``rebuild``, building the
  snapshot from every chunk's tokens, ``bm25s_rebuild``, bm25s indexing the same chunks and articles (what
  every refresh cost while the snapshot kept bm25s's precomputed scores, until 2026-11-29),
  ``save``, writing the snapshot for the next start (after questions already see the write), and one
  question's BM25 scoring, from the counts and from bm25s's precomputed scores.
- ``cold``: a replica with an empty data folder reads every chunk from Chroma (embedded here), tokenises it and
  builds the index. Measured up to ``--cold-max`` chunks: filling Chroma with them dominates the run.

    python bench/bm25_refresh.py [--sizes 10000 100000 1000000] [--cold-max 10000]

Writes bench/results/bm25-refresh.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import bm25s
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, peak_rss_mb, write_json
from ingest.bm25 import ArticleEntry, BM25Entry, BM25Index
from ingest.store import bm25_entries, get_all

VOCAB = 50_000
WORDS_PER_CHUNK = 60
CHUNKS_PER_DOC = 8
DIMENSIONS = 384
SEARCHES = 20
REFRESHES = 5


def words(rng: np.random.Generator, n_chunks: int) -> np.ndarray:
    ranks = np.minimum(rng.zipf(1.3, size=(n_chunks, WORDS_PER_CHUNK)), VOCAB) - 1
    return ranks


def synthetic_entries(n: int, rng: np.random.Generator, vocab: list[str]) -> list[BM25Entry]:
    ranks = words(rng, n)
    return [
        BM25Entry(f"d{i // CHUNKS_PER_DOC}:{i % CHUNKS_PER_DOC:04d}", f"d{i // CHUNKS_PER_DOC}", "wire", 19000,
                  tuple(vocab[r] for r in row))
        for i, row in enumerate(ranks)
    ]  # fmt: skip


def synthetic_snapshot_parts(
    n: int, rng: np.random.Generator, vocab: list[str]
) -> tuple[list[BM25Entry], list[ArticleEntry], np.ndarray]:
    """Chunks, their articles (each article's chunks' words) and unit vectors, as a snapshot holds them."""
    entries = synthetic_entries(n, rng, vocab)
    tokens: dict[str, list[str]] = {}
    for e in entries:
        tokens.setdefault(e.doc_id, []).extend(e.tokens)
    vectors = rng.standard_normal((n, DIMENSIONS)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return entries, [ArticleEntry(d, tuple(t)) for d, t in tokens.items()], vectors


def refresh_seconds(n: int, rng: np.random.Generator) -> dict[str, float]:
    """Seconds to follow another process's write of one article (``with_changes``, what a replica does), next
    to rebuilding the snapshot's scoring from every chunk's tokens (what it did before it patched), and one
    question's BM25 search over the result."""
    vocab = [f"w{i}" for i in range(VOCAB)]
    entries, articles, vectors = synthetic_snapshot_parts(n, rng, vocab)
    base = BM25Index(entries, articles, {}, vectors)
    # The ids of article d0: it is replaced; the median of a few writes (a first touch of fresh memory can
    # double one of them).
    times = []
    for _ in range(REFRESHES):
        new_entries, new_articles, new_vectors = synthetic_snapshot_parts(CHUNKS_PER_DOC, rng, vocab)
        started = time.perf_counter()
        after = base.with_changes({"d0"}, new_entries, new_articles, {"d0": "v2"}, new_vectors)
        times.append(time.perf_counter() - started)
    patched = float(np.median(times))
    assert len(after) == n and after.vectors is not None
    started = time.perf_counter()
    rebuilt = BM25Index(after.entries, after.articles, after.versions, after.vectors)
    rebuild = time.perf_counter() - started
    started = time.perf_counter()
    reference = bm25s.BM25()
    reference.index([list(e.tokens) for e in after.entries], show_progress=False)
    bm25s.BM25().index([list(a.tokens) for a in after.articles], show_progress=False)
    precomputed = time.perf_counter() - started
    query = " ".join(vocab[i] for i in (3, 40, 700, 9000))
    hits = after.search(query, 50)
    tokens = query.split()
    started = time.perf_counter()
    for _ in range(SEARCHES):
        after._chunks.scores(tokens)
    search_ms = (time.perf_counter() - started) * 1000 / SEARCHES
    started = time.perf_counter()
    for _ in range(SEARCHES):
        reference.get_scores(tokens)
    bm25s_search_ms = (time.perf_counter() - started) * 1000 / SEARCHES
    # The patched snapshot must score as one built from scratch: the speed is worth nothing otherwise.
    assert [c for c, _ in hits] == [c for c, _ in rebuilt.search(query, 50)]
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        after.save(Path(tmp))  # for the next start; questions already search the patched snapshot meanwhile
        save = time.perf_counter() - started
    return {
        "refresh_seconds": round(patched, 3),
        "save_seconds": round(save, 2),
        "rebuild_seconds": round(rebuild, 2),
        "bm25s_rebuild_seconds": round(precomputed, 2),
        "scoring_ms": round(search_ms, 2),
        "bm25s_scoring_ms": round(bm25s_search_ms, 2),
    }


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
    parser.add_argument("--cold-max", type=int, default=10_000)
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    rows = []
    for n in args.sizes:
        row: dict[str, float | int | None] = {"chunks": n, **refresh_seconds(n, rng)}
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

"""The embedding backends (NEWSQA_EMBEDDING_BACKEND): torch, onnx and onnx-int8 with the real bundled model.

ONNX files are exported from the bundled model offline (HF_HUB_OFFLINE=1, set by conftest); real Chroma, real
``newsqa`` processes.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support import CLI, summary_counts

from api.services import Services
from ingest.embedding import Embedder, resolve_model_path
from ingest.onnx_export import model_fingerprint
from ingest.settings import BUNDLED_EMBEDDING_MODEL, Settings
from ingest.store import StoreError

# Measured on all 11,161 corpus chunks: onnx-int8 cosine to the torch vectors mean 0.994, 1st percentile 0.988,
# minimum 0.964 (bench/results/embedding-backends.json); fp32 ONNX is the same model: it agrees to rounding.
FP32_MIN_COSINE = 0.999
INT8_MEAN_COSINE = 0.985
INT8_MIN_COSINE = 0.97


def shared(backend: str) -> Embedder:
    s = Settings(_env_file=None)
    return Embedder.shared(s.embedding_model, s.embedding_batch_size, backend, s.onnx_cache_dir)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def chunk_texts(services_factory: Callable[..., Services], corpus_files: Callable[..., list[Path]], tmp_path_factory):
    """The texts the pipeline embeds for a few real articles (chunked as the index chunks them)."""
    docs = tmp_path_factory.mktemp("docs")
    for f in corpus_files(4):
        shutil.copy2(f, docs / f.name)
    services = services_factory(docs)
    services.indexer.reindex()
    got = services.store.collection.get(include=["documents", "metadatas"])
    return [f"{m['title']}\n{d}" for d, m in zip(got["documents"], got["metadatas"], strict=True)]


def test_onnx_vectors_match_torch_vectors(chunk_texts: list[str]) -> None:
    texts = [*chunk_texts, "Who is the head of US Southern Command?", "a", "Biden"]
    reference = shared("torch").embed(texts)
    fp32 = shared("onnx").embed(texts)
    int8 = shared("onnx-int8").embed(texts)
    for vectors in (reference, fp32, int8):
        assert vectors.shape == (len(texts), 384)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    fp32_cos = (fp32 * reference).sum(axis=1)
    int8_cos = (int8 * reference).sum(axis=1)
    assert fp32_cos.min() > FP32_MIN_COSINE, fp32_cos.min()
    assert int8_cos.mean() > INT8_MEAN_COSINE and int8_cos.min() > INT8_MIN_COSINE, (int8_cos.mean(), int8_cos.min())
    # Close is not enough: each vector must still be nearest to its own torch vector, not to a neighbour's.
    assert (np.argmax(int8 @ reference.T, axis=1) == np.arange(len(texts))).all()


@pytest.mark.parametrize("backend", ["onnx", "onnx-int8"])
def test_a_question_embeds_alike_on_one_thread_and_on_every_core(backend: str, chunk_texts: list[str]) -> None:
    """Queries run on a one-thread session (for speed under concurrent requests), batches on one thread per
    core: a text gets exactly the same vector either way, so rankings do not depend on which ran it."""
    encoder = shared(backend).load()
    texts = ["Who paid a record sum for a lunch with Warren Buffett?", *chunk_texts[:10]]
    feeds = [encoder.input_ids([t]) for t in texts]
    one_thread = [encoder._encode_batch(ids) for ids in feeds]
    every_core = encoder._single, encoder._session
    try:
        encoder._single = encoder._session  # the per-core session for single texts too
        per_core = [encoder._encode_batch(ids) for ids in feeds]
    finally:
        encoder._single, encoder._session = every_core
    assert all(np.array_equal(a, b) for a, b in zip(one_thread, per_core, strict=True))


@pytest.mark.parametrize("backend", ["torch", "onnx", "onnx-int8"])
def test_the_model_reads_256_word_pieces_and_no_more(backend: str) -> None:
    embedder = shared(backend)
    assert embedder.max_tokens == 256
    words = [f"word{i}" for i in range(400)]  # several pieces each
    long_text = " ".join(words)
    assert embedder.count_tokens([long_text])[0] > 600  # counting never truncates: chunking relies on it
    # Cut where the model stops reading: what lies beyond does not change the vector.
    cut = next(n for n in range(1, len(words)) if embedder.count_tokens([" ".join(words[:n])])[0] > 256)
    head = " ".join(words[:cut])
    tail_changed = head + " " + " ".join(reversed(words[cut:]))
    a, b = embedder.embed([long_text, tail_changed])
    assert float(a @ b) > 0.9999
    # ... but everything up to 256 pieces does: not the 128 that the model's own tokenizer.json says.
    short_cut = next(n for n in range(1, len(words)) if embedder.count_tokens([" ".join(words[:n])])[0] > 200)
    c, d = embedder.embed([" ".join(words[:short_cut]), " ".join(words[: short_cut - 10] + ["zebra"] * 10)])
    assert float(c @ d) < 0.999


def test_onnx_files_are_made_offline_into_the_data_folder_and_remade_when_the_model_changes(tmp_path: Path) -> None:
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    model = tmp_path / "model"
    shutil.copytree(resolve_model_path(BUNDLED_EMBEDDING_MODEL), model)
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", onnx_dir=None)
    assert settings.onnx_cache_dir == tmp_path / "data" / "onnx"

    first = Embedder(str(model), backend="onnx-int8", onnx_dir=settings.onnx_cache_dir)
    vector = first.embed_query("the model runs from the exported files")
    folder = settings.onnx_cache_dir / model_fingerprint(model)
    made = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert set(made) == {"model.onnx", "model-int8.onnx"}
    assert float(vector @ shared("torch").embed_query("the model runs from the exported files")) > INT8_MEAN_COSINE

    # Another process (a new Embedder) reuses the files.
    again = Embedder(str(model), backend="onnx-int8", onnx_dir=settings.onnx_cache_dir)
    assert np.allclose(again.embed_query("the model runs from the exported files"), vector, atol=1e-6)
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == made

    # A changed model folder is another model: its files are made anew beside the old ones.
    config = model / "config.json"
    config.write_text(config.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = model_fingerprint(model)
    assert changed != folder.name
    Embedder(str(model), backend="onnx", onnx_dir=settings.onnx_cache_dir).embed_query("rebuilt")
    assert (settings.onnx_cache_dir / changed / "model.onnx").is_file()


def test_a_model_the_onnx_backend_cannot_reproduce_is_refused_by_name(tmp_path: Path) -> None:
    from ingest.embedding import EmbeddingError

    model = tmp_path / "cls-pooled"
    shutil.copytree(resolve_model_path(BUNDLED_EMBEDDING_MODEL), model)
    pooling = model / "1_Pooling" / "config.json"
    pooling.write_text(pooling.read_text().replace('"pooling_mode_cls_token": false', '"pooling_mode_cls_token": true'))
    with pytest.raises(EmbeddingError, match="mean pooling"):
        Embedder(str(model), backend="onnx", onnx_dir=tmp_path / "onnx").embed_query("x")
    assert not (tmp_path / "onnx").exists()  # refused before any export


def test_switching_backend_stops_until_an_explicit_rebuild(
    services_factory: Callable[..., Services],
    settings_factory: Callable[..., Settings],
    seed_file: Path,
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy2(seed_file, docs / seed_file.name)
    settings = settings_factory(docs, embedding_backend="onnx-int8")
    first = services_factory(settings)
    assert first.indexer.reindex().added == 1
    assert first.indexer.reindex().unchanged == 1  # same backend: nothing to do

    switched = services_factory(settings.model_copy(update={"embedding_backend": "onnx"}))
    assert switched.store.fingerprint() != first.store.fingerprint()
    # Vectors of two backends are never mixed, and nothing is wiped under a service that may be running:
    # the process stops, naming the setting, until the index is rebuilt on purpose.
    with pytest.raises(
        StoreError, match=r"NEWSQA_EMBEDDING_BACKEND is 'onnx' but the index was built with 'onnx-int8'.*--rebuild"
    ):
        switched.indexer.reindex()
    report = switched.indexer.reindex(rebuild=True)
    assert (report.added, report.unchanged) == (1, 0)
    # The index in Chroma now says onnx: the old backend is the one refused.
    with pytest.raises(
        StoreError, match=r"NEWSQA_EMBEDDING_BACKEND is 'onnx-int8' but the index was built with 'onnx'"
    ):
        services_factory(settings).indexer.reindex()
    # Queries go through the same backend as the documents: the best passage is this document's, at the
    # similarity its own stored vector gives.
    answer = switched.answerer().ask("Who is the head of US Southern Command?")
    stored = switched.store.collection.get(ids=[answer.passages[0].chunk_id], include=["embeddings"])["embeddings"][0]
    query = switched.embedder.embed_query("Who is the head of US Southern Command?")
    assert answer.passages[0].similarity == pytest.approx(float(query @ np.asarray(stored)), abs=1e-4)
    assert switched.embedder is shared("onnx")


def test_cli_over_an_onnx_index_never_imports_torch(tmp_path: Path, seed_file: Path) -> None:
    cli = CLI.under(tmp_path, command=(sys.executable, "-c", _PROBE))
    shutil.copy2(seed_file, cli.docs / seed_file.name)
    env = {"NEWSQA_EMBEDDING_BACKEND": "onnx-int8"}
    help_ = cli.run("--help", env=env)
    assert "usage: newsqa" in help_.stdout
    assert help_.stderr.strip().splitlines()[-1] == "imported: []", help_.stderr

    indexed = cli.run("reindex", env=env)  # the shared export cache is there: this indexes without torch too
    assert indexed.returncode == 0, indexed.stderr
    assert summary_counts(indexed.stdout)["added"] == 1
    asked = cli.run("ask", "Who is the head of US Southern Command?", env=env)
    assert asked.returncode == 0, asked.stderr
    assert "Sources:" in asked.stdout
    assert asked.stderr.strip().splitlines()[-1] == "imported: ['chromadb']", asked.stderr


# Runs newsqa's main in a real process, then says which heavy modules it imported.
_PROBE = """
import sys
from api.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code or 0
heavy = ("torch", "sentence_transformers", "transformers", "chromadb")
print("imported:", [m for m in heavy if m in sys.modules], file=sys.stderr)
sys.exit(code)
"""

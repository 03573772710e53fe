"""Indexing real articles into a real Chroma (PersistentClient in tmp) with the real model, kept in step with BM25.

One module-scoped index serves the tests that only read it; every test that changes files or the index
builds its own small one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings as ChromaSettings

from api.services import Services
from ingest.bm25 import BM25Index
from ingest.chroma_embedding import ChromaEmbeddingFunction
from ingest.indexing import Indexer, IndexReport
from ingest.loading import load_file
from ingest.settings import Settings
from ingest.store import IndexStore, StoreError

SUMMARY = re.compile(
    r"^added=\d+ updated=\d+ removed=\d+ unchanged=\d+ skipped=\d+ duplicates=\d+ chunks=\d+ seconds=\d+\.\d$"
)
OLD_MARKER = "The quartermaster fed seventeen marmosets beside the aqueduct."
NEW_MARKER = "The lighthouse keeper painted ninety gondolas vermilion."


# --------------------------------------------------------------------------- helpers


@dataclass
class Index:
    docs: Path
    settings: Settings
    services: Services
    first: IndexReport

    @property
    def store(self) -> IndexStore:
        return self.services.store

    @property
    def indexer(self) -> Indexer:
        return self.services.indexer

    def doc_id(self, file_name: str) -> str:
        [doc_id] = self.store.manifest.files[file_name].docs
        return doc_id


def chroma_rows(store: IndexStore) -> list[tuple[str, dict[str, Any]]]:
    got = store.collection.get(include=["metadatas"])
    return list(zip(got["ids"], got["metadatas"], strict=True))


def chroma_ids_of(store: IndexStore, doc_id: str) -> set[str]:
    return set(store.collection.get(where={"doc_id": doc_id}, include=[])["ids"])


def bm25_ids_of(store: IndexStore, doc_id: str) -> set[str]:
    return {e.chunk_id for e in store.bm25.entries if e.doc_id == doc_id}


def bm25_doc_hits(store: IndexStore, query: str) -> set[str]:
    by_chunk = {e.chunk_id: e.doc_id for e in store.bm25.entries}
    return {by_chunk[cid] for cid, _ in store.bm25.search(query, 50)}


def assert_consistent(store: IndexStore) -> None:
    """Chroma, the BM25 snapshot (in memory and on disk) and the manifest describe the same chunks."""
    rows = chroma_rows(store)
    ids = {cid for cid, _ in rows}
    assert len(ids) == len(rows) == store.count()
    assert store.bm25.chunk_ids == ids
    assert len(store.bm25) == len(ids)
    assert store.wait_for_saves()
    on_disk = BM25Index.load(store.settings.bm25_dir)
    assert on_disk is not None and on_disk.chunk_ids == ids

    indexed = {d: r for d, r in store.manifest.documents.items() if r.duplicate_of is None}
    per_doc = Counter(str(meta["doc_id"]) for _, meta in rows)
    assert set(per_doc) == set(indexed)
    for doc_id, record in indexed.items():
        # No stale ids: exactly doc:0000 .. doc:(n-1), n = the manifest's chunk count.
        assert chroma_ids_of(store, doc_id) == {f"{doc_id}:{i:04d}" for i in range(record.chunks)}, record.path
    for doc_id, record in store.manifest.documents.items():
        if record.duplicate_of is not None:
            assert not chroma_ids_of(store, doc_id)
            assert record.duplicate_of in indexed
    for key, file_record in store.manifest.files.items():
        for doc_id in file_record.docs:
            assert store.manifest.documents[doc_id].file == key


def articles_in(docs: Path) -> list[Path]:
    """The eval-corpus copies in a docs folder (not the seed, which has no Source/Published headers), sorted."""
    return sorted(p for p in docs.glob("*.txt") if not p.name.startswith("000_"))


def make_docs(folder: Path, files: list[Path]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy2(f, folder / f.name)
    return folder


def build(docs: Path, services_factory: Callable[..., Services], **overrides: object) -> Index:
    services = services_factory(docs, **overrides)
    report = services.indexer.reindex()
    assert services.store.wait_for_saves()  # the snapshot on disk is the one tests read or break
    return Index(docs, services.settings, services, report)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def articles(corpus_files: Callable[..., list[Path]], seed_file: Path) -> list[Path]:
    """Six real articles plus the seed: about 60 chunks."""
    return [*corpus_files(6), seed_file]


@pytest.fixture(scope="module")
def shared_index(
    tmp_path_factory: pytest.TempPathFactory, articles: list[Path], services_factory: Callable[..., Services]
) -> Index:
    """Built once; tests using it must not change files or the index."""
    docs = make_docs(tmp_path_factory.mktemp("docs"), articles)
    return build(docs, services_factory)


@pytest.fixture
def small_docs(tmp_path: Path, corpus_files: Callable[..., list[Path]], seed_file: Path) -> Path:
    """Three short real articles and the seed, for tests that change things (about 15 chunks)."""
    return make_docs(tmp_path / "docs", [*corpus_files(3, max_bytes=3500), seed_file])


# --------------------------------------------------------------------------- the first and second reindex


def test_first_reindex_adds_everything(shared_index: Index, articles: list[Path]) -> None:
    report, store = shared_index.first, shared_index.store
    n = len(articles)
    assert (report.added, report.updated, report.removed, report.unchanged) == (n, 0, 0, 0)
    assert (report.skipped, report.duplicates) == (0, 0)
    assert 7 <= report.chunks <= 150
    assert report.chunks == store.count() == len(store.bm25)
    assert {d.status for d in report.documents} == {"added"}
    assert sum(d.chunks for d in report.documents) == report.chunks

    rows = chroma_rows(store)
    assert len(rows) == report.chunks
    assert {str(m["doc_id"]) for _, m in rows} == set(store.manifest.documents)
    assert set(store.manifest.files) == {p.name for p in articles}
    assert_consistent(store)


def test_stored_chunks_are_the_document_text(shared_index: Index) -> None:
    store = shared_index.store
    for key in store.manifest.files:
        [doc] = load_file(shared_index.docs / key, root=shared_index.docs)
        rows = store.chunks_of(doc.doc_id)
        assert rows, key
        for i, (cid, text, meta) in enumerate(rows):
            assert cid == f"{doc.doc_id}:{i:04d}"
            assert meta["chunk_index"] == i
            assert doc.text[int(meta["start"]) : int(meta["end"])] == text
            assert (meta["doc_id"], meta["title"], meta["source"], meta["url"]) == (
                doc.doc_id, doc.title, doc.source, doc.url,
            )  # fmt: skip
            assert meta["published"] == doc.published
        assert store.manifest.documents[doc.doc_id].chunks == len(rows)


def test_second_reindex_changes_nothing_and_embeds_nothing(
    shared_index: Index, articles: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = shared_index.store
    before = {cid for cid, _ in chroma_rows(store)}

    def must_not_embed(*args: object, **kwargs: object) -> np.ndarray:
        raise AssertionError("an unchanged reindex embedded something")

    monkeypatch.setattr(shared_index.services.embedder, "embed", must_not_embed)
    report = shared_index.indexer.reindex()
    assert (report.added, report.updated, report.removed, report.skipped, report.duplicates) == (0, 0, 0, 0, 0)
    assert report.chunks == 0
    assert report.unchanged == len(articles)
    assert {cid for cid, _ in chroma_rows(store)} == before
    assert store.count() == shared_index.first.chunks
    assert_consistent(store)


def test_summary_line_format(shared_index: Index) -> None:
    assert SUMMARY.match(shared_index.first.summary()), shared_index.first.summary()
    assert SUMMARY.match(IndexReport().summary())
    report = IndexReport(added=3, chunks=41, seconds=12.345)
    assert report.summary() == "added=3 updated=0 removed=0 unchanged=0 skipped=0 duplicates=0 chunks=41 seconds=12.3"


# --------------------------------------------------------------------------- Chroma wiring


def test_collection_uses_our_embedding_function(shared_index: Index) -> None:
    collection = shared_index.store.collection
    assert isinstance(collection._embedding_function, ChromaEmbeddingFunction)
    config = collection.configuration
    assert isinstance(config.get("embedding_function"), ChromaEmbeddingFunction)
    assert config["hnsw"]["space"] == "cosine"


def test_query_texts_work_offline(shared_index: Index, corpus_files: Callable[..., list[Path]]) -> None:
    store = shared_index.store
    wildfire = next(p for p in corpus_files(6) if "wildfire" in p.name)
    target = shared_index.doc_id(wildfire.name)
    question = "How many people were evacuated by the Colorado wildfires in Boulder and Larimer County?"

    res = store.collection.query(query_texts=[question], n_results=3, include=["metadatas", "distances"])
    assert res["metadatas"][0][0]["doc_id"] == target
    # Chroma's embedding of the text is exactly our model's: same neighbours, same distances.
    vector = store.embedder.embed_query(question)
    direct = store.collection.query(query_embeddings=[vector], n_results=3, include=["distances"])
    assert res["ids"] == direct["ids"]
    assert np.allclose(res["distances"][0], direct["distances"][0], atol=1e-5)


def test_a_plain_chroma_client_rebuilds_our_embedding_function(shared_index: Index) -> None:
    """A client that does not pass an embedding function (e.g. a Chroma admin script) gets ours from the config,
    not Chroma's default one, which would try to download a model."""
    client = chromadb.PersistentClient(
        path=str(shared_index.settings.chroma_path), settings=ChromaSettings(anonymized_telemetry=False)
    )
    collection = client.get_collection(shared_index.settings.collection)
    # Chroma keeps its default object as a placeholder and embeds with the persisted configuration's function.
    assert isinstance(collection.configuration.get("embedding_function"), ChromaEmbeddingFunction)
    res = collection.query(query_texts=["Powerball jackpot winner in California"], n_results=1)
    assert res["ids"][0][0].split(":")[0] == shared_index.doc_id(
        "1-73-billion-powerball-jackpot-goes-to-lucky-lottery-player-in-cali-2db66634.txt"
    )


# --------------------------------------------------------------------------- restarts


def test_restart_loads_the_bm25_snapshot(shared_index: Index, services_factory: Callable[..., Services]) -> None:
    store = shared_index.store
    again = services_factory(shared_index.settings).store
    assert again is not store
    assert again.bm25.chunk_ids == {cid for cid, _ in chroma_rows(again)} == store.bm25.chunk_ids
    assert again.manifest.documents.keys() == store.manifest.documents.keys()
    assert again.bm25.search("Powerball jackpot", 3) == store.bm25.search("Powerball jackpot", 3)


def test_restart_rebuilds_a_missing_or_broken_bm25_snapshot(
    tmp_path: Path, small_docs: Path, services_factory: Callable[..., Services]
) -> None:
    index = build(small_docs, services_factory)
    ids = index.store.bm25.chunk_ids
    entries = sorted(index.store.bm25.entries, key=lambda e: e.chunk_id)
    bm25_dir = index.settings.bm25_dir
    assert (bm25_dir / "entries.jsonl").exists()

    shutil.rmtree(bm25_dir)
    rebuilt = services_factory(index.settings).store
    assert rebuilt.bm25.chunk_ids == ids
    assert sorted(rebuilt.bm25.entries, key=lambda e: e.chunk_id) == entries  # same tokens and filters too
    assert (bm25_dir / "entries.jsonl").exists()  # and saved again
    assert_consistent(rebuilt)

    # A snapshot that lost its last entries (a crash mid-write, an old copy) is rebuilt as well.
    lines = (bm25_dir / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    (bm25_dir / "entries.jsonl").write_text("\n".join(lines[:-2]) + "\n", encoding="utf-8")
    assert services_factory(index.settings).store.bm25.chunk_ids == ids


def test_a_snapshot_that_cannot_be_saved_still_answers_and_is_rebuilt_from_chroma(
    small_docs: Path, services_factory: Callable[..., Services], caplog: pytest.LogCaptureFixture
) -> None:
    """The BM25 snapshot on disk is a cache of Chroma: a write whose snapshot cannot be saved (here its folder
    is a file) is searched at once all the same, with a warning, and the next start reads it from Chroma."""
    index = build(small_docs, services_factory)
    bm25_dir = index.settings.bm25_dir
    shutil.rmtree(bm25_dir)
    bm25_dir.write_text("not a folder", encoding="utf-8")
    target = articles_in(small_docs)[0]
    target.write_text(target.read_text(encoding="utf-8") + f"\n\n{NEW_MARKER}\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="ingest.store"):
        report = index.indexer.reindex()
        assert report.updated == 1
        doc_id = index.doc_id(target.name)
        assert bm25_doc_hits(index.store, "lighthouse gondolas vermilion") == {doc_id}
        assert index.store.wait_for_saves()  # a write's snapshot is saved in the background
        assert any("cannot save the snapshot" in r.getMessage() for r in caplog.records)

    bm25_dir.unlink()
    restarted = services_factory(index.settings).store
    assert bm25_doc_hits(restarted, "lighthouse gondolas vermilion") == {doc_id}
    assert restarted.bm25.chunk_ids == index.store.bm25.chunk_ids
    assert (bm25_dir / "entries.jsonl").exists()


def test_a_save_sweeps_what_a_process_killed_while_saving_left(
    small_docs: Path, services_factory: Callable[..., Services]
) -> None:
    """Temp files of a save cut short (a kill) are removed by a later save once they are a minute old; a fresh
    one may be another worker's save under way, and stays."""
    index = build(small_docs, services_factory)
    bm25_dir = index.settings.bm25_dir
    stale = [bm25_dir / "entries.jsonl.4242.0badf00d.tmp", bm25_dir / "vectors-0123456789ab.npy.tmp"]
    fresh = bm25_dir / "entries.jsonl.4343.0f00dbad.tmp"
    for f in [*stale, fresh]:
        f.write_text("cut short", encoding="utf-8")
    for f in stale:
        os.utime(f, (time.time() - 120, time.time() - 120))
    target = articles_in(small_docs)[0]
    target.write_text(target.read_text(encoding="utf-8") + f"\n\n{NEW_MARKER}\n", encoding="utf-8")
    assert index.indexer.reindex().updated == 1
    assert index.store.wait_for_saves()
    assert not any(f.exists() for f in stale)
    assert fresh.exists()
    assert_consistent(index.store)


# --------------------------------------------------------------------------- changes to the folder


def test_edited_file_replaces_its_chunks(small_docs: Path, services_factory: Callable[..., Services]) -> None:
    target = articles_in(small_docs)[0]
    target.write_text(target.read_text(encoding="utf-8") + f"\n\n{OLD_MARKER}\n", encoding="utf-8")
    index = build(small_docs, services_factory)
    store, doc_id = index.store, index.doc_id(target.name)
    old_count = store.manifest.documents[doc_id].chunks
    old_texts = {text for _, text, _ in store.chunks_of(doc_id)}
    assert old_count >= 2
    assert bm25_doc_hits(store, "quartermaster marmosets aqueduct") == {doc_id}
    total_before = store.count()

    # Keep title and headers, replace the whole body with one short paragraph: fewer chunks than before.
    head = target.read_text(encoding="utf-8").split("\n\n", 2)
    target.write_text(f"{head[0]}\n\n{head[1]}\n\n{NEW_MARKER} Nothing else was said.\n", encoding="utf-8")
    report = index.indexer.reindex()
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 0, 3)
    assert report.chunks == 1
    assert [d.status for d in report.documents] == ["updated"]

    rows = store.chunks_of(doc_id)
    assert [cid for cid, _, _ in rows] == [f"{doc_id}:0000"]  # no stale ids left behind
    assert NEW_MARKER in rows[0][1]
    assert not old_texts & {text for _, text, _ in rows}
    assert not store.collection.get(where_document={"$contains": "marmosets"}, include=[])["ids"]
    assert store.count() == total_before - old_count + 1
    assert store.manifest.documents[doc_id].chunks == 1

    assert bm25_doc_hits(store, "quartermaster marmosets aqueduct") == set()
    assert bm25_doc_hits(store, "lighthouse gondolas vermilion") == {doc_id}
    assert bm25_ids_of(store, doc_id) == {f"{doc_id}:0000"}
    assert_consistent(store)


def test_a_loader_that_reads_files_otherwise_reads_each_again_and_embeds_only_what_changed(
    small_docs: Path, services_factory: Callable[..., Services]
) -> None:
    index = build(small_docs, services_factory)
    store = index.store
    target = articles_in(small_docs)[0].name
    doc_id = index.doc_id(target)
    # The index as a newsqa with the previous loader left it: file hashes of the bytes alone, and (for one
    # article) a text that the loader now reads otherwise, as 68 corpus articles' combining accents now are.
    with store.transaction() as manifest:
        for key, record in list(manifest.files.items()):
            old = hashlib.sha256((small_docs / key).read_bytes()).hexdigest()
            manifest.files[key] = replace(record, file_hash=old)
        manifest.documents[doc_id] = replace(manifest.documents[doc_id], content_hash="as the previous loader read it")
        store.save_manifest()
    files = len(store.manifest.files)
    report = index.indexer.reindex()
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 1, 0, files - 1)
    assert report.chunks == store.manifest.documents[doc_id].chunks  # only that article was embedded again
    assert index.indexer.reindex().unchanged == files  # read again once, not at every reindex
    assert_consistent(store)


def test_metadata_only_change_is_an_update(small_docs: Path, services_factory: Callable[..., Services]) -> None:
    target = articles_in(small_docs)[0]
    index = build(small_docs, services_factory)
    doc_id = index.doc_id(target.name)
    text = target.read_text(encoding="utf-8")
    assert "Published:" in text
    target.write_text(re.sub(r"Published: .*", "Published: 2001-02-03", text, count=1), encoding="utf-8")
    report = index.indexer.reindex()
    assert (report.added, report.updated, report.duplicates) == (0, 1, 0)
    assert {m["published"] for _, _, m in index.store.chunks_of(doc_id)} == {"2001-02-03"}
    assert_consistent(index.store)


def test_deleted_and_added_files(
    small_docs: Path, services_factory: Callable[..., Services], corpus_files: Callable[..., list[Path]]
) -> None:
    index = build(small_docs, services_factory)
    store = index.store
    gone = articles_in(small_docs)[1]
    gone_id = index.doc_id(gone.name)
    assert chroma_ids_of(store, gone_id) and bm25_ids_of(store, gone_id)

    gone.unlink()
    report = index.indexer.reindex()
    assert (report.added, report.updated, report.removed, report.unchanged, report.chunks) == (0, 0, 1, 3, 0)
    assert store.collection.get(where={"doc_id": gone_id}, include=[])["ids"] == []
    assert bm25_ids_of(store, gone_id) == set()
    assert gone_id not in store.manifest.documents and gone.name not in store.manifest.files
    assert_consistent(store)

    new = next(p for p in corpus_files(20, max_bytes=3500) if not (small_docs / p.name).exists())
    shutil.copy2(new, small_docs / new.name)
    report = index.indexer.reindex()
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 0, 0, 3)
    assert report.chunks == len(chroma_ids_of(store, index.doc_id(new.name))) > 0
    assert_consistent(store)


def test_duplicate_content_is_indexed_once_and_promoted(
    small_docs: Path, services_factory: Callable[..., Services]
) -> None:
    original = articles_in(small_docs)[0]
    copy = small_docs / "zz-copy-of-the-same-article.txt"
    shutil.copy2(original, copy)
    index = build(small_docs, services_factory)
    store, report = index.store, index.first
    assert (report.added, report.duplicates) == (4, 1)
    original_id, copy_id = index.doc_id(original.name), index.doc_id(copy.name)
    assert original_id != copy_id
    chunks = store.manifest.documents[original_id].chunks
    assert store.manifest.documents[copy_id].duplicate_of == original_id
    assert chroma_ids_of(store, copy_id) == set() and bm25_ids_of(store, copy_id) == set()
    assert report.chunks == store.count()
    assert_consistent(store)

    # Unchanged: the duplicate stays a duplicate, nothing is embedded.
    again = index.indexer.reindex()
    assert (again.added, again.duplicates, again.chunks) == (0, 0, 0)

    original.unlink()
    report = index.indexer.reindex()
    assert (report.removed, report.added) == (1, 1)
    assert report.chunks == chunks
    assert original_id not in store.manifest.documents
    assert store.manifest.documents[copy_id].duplicate_of is None
    assert len(chroma_ids_of(store, copy_id)) == chunks
    assert len(bm25_ids_of(store, copy_id)) == chunks
    assert_consistent(store)


def test_bad_files_are_skipped_with_reasons(small_docs: Path, services_factory: Callable[..., Services]) -> None:
    (small_docs / "report.docx").write_bytes(b"PK\x03\x04 not really a Word file")
    (small_docs / "latin1.txt").write_bytes("Caf\xe9 news\n\nIt was a caf\xe9.".encode("latin-1"))
    (small_docs / "empty.txt").write_bytes(b"")
    index = build(small_docs, services_factory)
    report = index.first
    assert report.skipped == 3
    reasons = dict(report.skipped_files)
    assert set(reasons) == {"report.docx", "latin1.txt", "empty.txt"}
    assert "unsupported" in reasons["report.docx"] and ".docx" in reasons["report.docx"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "empty" in reasons["empty.txt"]
    assert report.added == 4 and report.chunks == index.store.count() > 0
    assert_consistent(index.store)

    # Still reported on the next run, without being loaded again; still nothing embedded.
    again = index.indexer.reindex()
    assert (again.skipped, again.unchanged, again.chunks) == (3, 4, 0)

    # Fixed files are picked up.
    (small_docs / "latin1.txt").write_text("Café news\n\nIt was a café.", encoding="utf-8")
    fixed = index.indexer.reindex()
    assert (fixed.skipped, fixed.added) == (2, 1)
    assert_consistent(index.store)


def test_chunking_settings_change_stops_until_an_explicit_rebuild(
    small_docs: Path, services_factory: Callable[..., Services]
) -> None:
    """Other processes may be serving from the index: a settings change never wipes it by itself."""
    index = build(small_docs, services_factory)
    old_ids = index.store.bm25.chunk_ids
    changed = services_factory(index.settings, chunk_tokens=64)
    with pytest.raises(StoreError) as stopped:
        changed.indexer.reindex()
    assert "NEWSQA_CHUNK_TOKENS is 64 but the index was built with 200" in str(stopped.value)
    assert "newsqa reindex --rebuild" in str(stopped.value)
    assert index.store.count() == len(old_ids)  # untouched
    assert services_factory(index.settings).indexer.reindex().chunks == 0

    report = changed.indexer.reindex(rebuild=True)
    assert report.added == 4 and report.unchanged == 0
    assert report.chunks == changed.store.count() > len(old_ids)
    assert_consistent(changed.store)


# --------------------------------------------------------------------------- ingest and delete


def test_ingest_of_an_outside_file_survives_reindex(
    tmp_path: Path, small_docs: Path, services_factory: Callable[..., Services], corpus_files: Callable[..., list[Path]]
) -> None:
    index = build(small_docs, services_factory)
    source = next(p for p in corpus_files(20, max_bytes=3500) if not (small_docs / p.name).exists())
    outside = tmp_path / "elsewhere" / source.name
    outside.parent.mkdir()
    shutil.copy2(source, outside)

    report = index.indexer.ingest([outside])
    assert (report.added, report.chunks) == (1, len(chroma_ids_of(index.store, report.documents[0].doc_id)))
    key = outside.resolve().as_posix()
    assert key in index.store.manifest.files
    [doc_id] = index.store.manifest.files[key].docs

    report = index.indexer.reindex()
    assert (report.added, report.updated, report.removed, report.unchanged, report.chunks) == (0, 0, 0, 5, 0)
    assert chroma_ids_of(index.store, doc_id)
    assert_consistent(index.store)

    # The outside file is followed: edits are picked up, and its deletion removes it.
    outside.write_text(outside.read_text(encoding="utf-8") + f"\n\n{NEW_MARKER}\n", encoding="utf-8")
    assert index.indexer.reindex().updated == 1
    assert bm25_doc_hits(index.store, "lighthouse gondolas vermilion") == {doc_id}
    outside.unlink()
    report = index.indexer.reindex()
    assert (report.removed, report.unchanged) == (1, 4)
    assert not chroma_ids_of(index.store, doc_id)
    assert_consistent(index.store)


def test_ingest_of_a_file_inside_the_folder_is_not_indexed_twice(
    small_docs: Path, services_factory: Callable[..., Services]
) -> None:
    index = build(small_docs, services_factory)
    target = articles_in(small_docs)[0]
    report = index.indexer.ingest([target])
    assert (report.added, report.unchanged, report.chunks) == (0, 1, 0)
    assert index.indexer.reindex().unchanged == 4
    assert_consistent(index.store)


def test_delete_document_keeps_the_file_out_until_it_changes(
    small_docs: Path, services_factory: Callable[..., Services]
) -> None:
    index = build(small_docs, services_factory)
    store = index.store
    target = articles_in(small_docs)[0]
    doc_id = index.doc_id(target.name)
    count_before = store.count()
    chunks = store.manifest.documents[doc_id].chunks

    assert index.indexer.delete_document(doc_id) is True
    assert index.indexer.delete_document(doc_id) is False
    assert index.indexer.delete_document("no-such-document") is False
    assert target.exists()
    assert chroma_ids_of(store, doc_id) == set() and bm25_ids_of(store, doc_id) == set()
    assert store.count() == count_before - chunks
    assert doc_id not in store.manifest.documents
    assert_consistent(store)

    report = index.indexer.reindex()
    assert (report.added, report.updated, report.removed, report.chunks) == (0, 0, 0, 0)
    assert chroma_ids_of(store, doc_id) == set()
    # Also after a restart (the exclusion is in the manifest on disk).
    restarted = services_factory(index.settings)
    assert restarted.indexer.reindex().chunks == 0
    assert chroma_ids_of(restarted.store, doc_id) == set()

    # Once the file changes, the user evidently wants it: it is indexed again.
    target.write_text(target.read_text(encoding="utf-8") + f"\n\n{NEW_MARKER}\n", encoding="utf-8")
    report = restarted.indexer.reindex()
    assert report.added == 1, report.summary()
    assert chroma_ids_of(restarted.store, doc_id)
    assert_consistent(restarted.store)


def test_delete_document_removes_its_same_content_copies(
    small_docs: Path, services_factory: Callable[..., Services]
) -> None:
    original = articles_in(small_docs)[0]
    copy = small_docs / "zz-copy-of-the-same-article.txt"
    shutil.copy2(original, copy)
    index = build(small_docs, services_factory)
    store = index.store
    original_id, copy_id = index.doc_id(original.name), index.doc_id(copy.name)
    assert store.manifest.documents[copy_id].duplicate_of == original_id

    assert index.indexer.delete_document(original_id) is True
    # No copy is left pointing at a canonical document that no longer exists.
    assert original_id not in store.manifest.documents
    assert copy_id not in store.manifest.documents
    assert chroma_ids_of(store, original_id) == set() and chroma_ids_of(store, copy_id) == set()
    assert_consistent(store)
    report = index.indexer.reindex()
    assert (report.added, report.chunks) == (0, 0), report.summary()


def test_rebuild_keeps_outside_files_and_api_deletions(
    tmp_path: Path, small_docs: Path, services_factory: Callable[..., Services], corpus_files: Callable[..., list[Path]]
) -> None:
    """``reindex --rebuild`` re-embeds everything but forgets nothing the user did: a file ingested from outside
    the documents folder is still indexed, an article deleted through the API stays deleted."""
    index = build(small_docs, services_factory)
    source = next(p for p in corpus_files(20, max_bytes=3500) if not (small_docs / p.name).exists())
    outside = tmp_path / "elsewhere" / source.name
    outside.parent.mkdir()
    shutil.copy2(source, outside)
    [outside_id] = [d.doc_id for d in index.indexer.ingest([outside]).documents]
    deleted = index.doc_id(articles_in(small_docs)[0].name)
    assert index.indexer.delete_document(deleted)

    changed = services_factory(index.settings, chunk_tokens=64)
    report = changed.indexer.reindex(rebuild=True)
    assert report.added == 4 and report.removed == 0, report.summary()  # 3 left in the folder + the outside one
    listed = {d.doc_id for d in changed.store.manifest.listed()}
    assert outside_id in listed and deleted not in listed
    assert chroma_ids_of(changed.store, deleted) == set()
    assert_consistent(changed.store)
    again = changed.indexer.reindex()
    assert (again.added, again.updated, again.removed, again.chunks) == (0, 0, 0, 0), again.summary()

"""The index on disk: Chroma (vectors), the BM25 snapshot and the manifest, kept in step.

``ingest`` writes through :meth:`IndexStore.write`; ``qa`` only reads. Writes are serialised by one
lock; reads never take it (Chroma serves concurrent reads, the BM25 snapshot is swapped atomically).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ingest.bm25 import ArticleEntry, BM25Entry, BM25Index, tokenize
from ingest.chunking import embedding_text
from ingest.document import Chunk
from ingest.embedding import Embedder
from ingest.settings import Settings

log = logging.getLogger(__name__)
MANIFEST_VERSION = 1


class StoreError(RuntimeError):
    """The index cannot be opened or written (Chroma unreachable, folder not writable)."""


@dataclass
class DocumentRecord:
    doc_id: str
    title: str
    source: str
    published: str
    url: str
    path: str
    file: str  # manifest key of the file it came from
    content_hash: str
    chunks: int
    duplicate_of: str | None = None
    indexed_at: str = ""


@dataclass
class FileRecord:
    file_hash: str
    docs: list[str] = field(default_factory=list)
    error: str | None = None
    excluded: list[str] = field(default_factory=list)  # deleted through the API while the file stays


@dataclass
class Manifest:
    fingerprint: dict[str, Any] = field(default_factory=dict)
    files: dict[str, FileRecord] = field(default_factory=dict)
    documents: dict[str, DocumentRecord] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("manifest %s unreadable (%s); the next reindex rebuilds it", path, exc)
            return cls()
        if raw.get("version") != MANIFEST_VERSION:
            return cls()
        return cls(
            fingerprint=raw.get("fingerprint", {}),
            files={k: FileRecord(**v) for k, v in raw.get("files", {}).items()},
            documents={k: DocumentRecord(**v) for k, v in raw.get("documents", {}).items()},
        )

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        data = {
            "version": MANIFEST_VERSION,
            "fingerprint": self.fingerprint,
            "files": {k: asdict(v) for k, v in self.files.items()},
            "documents": {k: asdict(v) for k, v in self.documents.items()},
        }
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def by_content_hash(self) -> dict[str, str]:
        return {d.content_hash: d.doc_id for d in self.documents.values() if d.duplicate_of is None}


def open_chroma(settings: Settings) -> Any:
    import chromadb  # imported here: a reindex that finds nothing changed never needs it
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    except Exception as exc:  # chroma raises bare Exceptions for connection problems
        where = f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else settings.chroma_path
        raise StoreError(f"cannot open Chroma at {where} (NEWSQA_CHROMA_HOST / NEWSQA_CHROMA_PATH): {exc}") from exc


class IndexStore:
    """Chroma and the BM25 snapshot open on first use, so a command that finds nothing to do stays fast;
    the server opens both at start-up."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self.write_lock = threading.RLock()
        self._open_lock = threading.Lock()
        self._client: Any = None
        self._collection: Any = None
        self._bm25: BM25Index | None = None
        self.manifest = Manifest.load(settings.manifest_path)

    # --- opening --------------------------------------------------------------------------------
    @property
    def collection(self) -> Any:
        if self._collection is None:
            with self._open_lock:
                if self._collection is None:
                    self._client = open_chroma(self.settings)
                    self._collection = self._open_collection()
        return self._collection

    @property
    def bm25(self) -> BM25Index:
        if self._bm25 is None:
            collection = self.collection
            with self._open_lock:
                if self._bm25 is None:
                    self._bm25 = self._load_bm25(collection)
        return self._bm25

    def _open_collection(self) -> Any:
        from ingest.chroma_embedding import ChromaEmbeddingFunction

        return self._client.get_or_create_collection(
            name=self.settings.collection,
            embedding_function=ChromaEmbeddingFunction(self.embedder),
            configuration={"hnsw": {"space": "cosine"}},
        )

    def _load_bm25(self, collection: Any) -> BM25Index:
        snapshot = BM25Index.load(self.settings.bm25_dir)
        count = collection.count()
        if snapshot is not None and len(snapshot) == count and self._same_ids(snapshot, collection):
            return snapshot
        log.info("BM25 index missing or out of step with Chroma (%d chunks); rebuilding it from Chroma", count)
        snapshot = self._bm25_from_chroma(collection)
        snapshot.save(self.settings.bm25_dir)
        return snapshot

    def _same_ids(self, snapshot: BM25Index, collection: Any) -> bool:
        # Only ids are compared: cheap (no documents or vectors fetched) and enough, since a chunk's
        # text only changes together with its document's chunks being replaced.
        return snapshot.chunk_ids == set(collection.get(include=[])["ids"])

    def _bm25_from_chroma(self, collection: Any) -> BM25Index:
        got = collection.get(include=["documents", "metadatas"])
        texts, metas = got["documents"] or [], got["metadatas"] or []
        starts = [int(m.get("start", 0)) for m in metas]
        return BM25Index(bm25_entries(got["ids"], texts, metas), article_entries(texts, starts, metas))

    # --- writing --------------------------------------------------------------------------------
    def fingerprint(self) -> dict[str, Any]:
        """What the stored vectors depend on: when it changes, everything must be re-embedded."""
        return {
            "embedding_model": self.embedder.name,
            "embedding_backend": self.embedder.backend,  # backends' vectors differ slightly: never mixed
            "chunk_tokens": self.settings.chunk_tokens,
            "chunk_overlap": self.settings.chunk_overlap,
            "chunker": 3,  # 3: author in chunk metadata, trailing bylines read
        }

    def reset(self) -> None:
        with self.write_lock:
            _ = self.collection  # opens the client
            with contextlib.suppress(Exception):  # chroma raises a bare error for an absent collection
                self._client.delete_collection(self.settings.collection)
            self._collection = self._open_collection()
            self.manifest = Manifest(fingerprint=self.fingerprint())
            self._bm25 = BM25Index([])
            self._bm25.save(self.settings.bm25_dir)
            self.save_manifest()

    def write(self, remove_doc_ids: Sequence[str], chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Replace the chunks of ``remove_doc_ids`` and of the chunks' documents with ``chunks``."""
        with self.write_lock:
            stale = set(remove_doc_ids) | {c.doc_id for c in chunks}
            bm25 = self.bm25  # opened (and checked against Chroma) before Chroma changes under it
            for batch in _batches(sorted(stale), 500):
                self.collection.delete(where={"doc_id": {"$in": batch}})
            max_batch = self._client.get_max_batch_size()
            for start in range(0, len(chunks), max_batch):
                part = chunks[start : start + max_batch]
                self.collection.add(
                    ids=[c.chunk_id for c in part],
                    documents=[c.text for c in part],
                    embeddings=vectors[start : start + max_batch],
                    metadatas=[chunk_to_metadata(c) for c in part],
                )
            self._bm25 = bm25.with_changes(
                stale,
                bm25_entries_for_chunks(chunks),
                article_entries([c.text for c in chunks], [c.start for c in chunks], [c.metadata for c in chunks]),
            )
            self._bm25.save(self.settings.bm25_dir)

    def save_manifest(self) -> None:
        self.manifest.save(self.settings.manifest_path)

    # --- reading --------------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.collection.count())

    def get_chunks(self, ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        if not ids:
            return {}
        got = self.collection.get(ids=list(ids), include=["documents", "metadatas"])
        return {i: (d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)}

    def chunks_of(self, doc_id: str) -> list[tuple[str, str, dict[str, Any]]]:
        got = self.collection.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        rows = list(zip(got["ids"], got["documents"], got["metadatas"], strict=True))
        return sorted(rows, key=lambda r: r[2].get("chunk_index", 0))

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored embeddings of ``ids`` (those that still exist)."""
        if not ids:
            return {}
        got = self.collection.get(ids=list(ids), include=["embeddings"])
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(got["ids"], got["embeddings"], strict=True)}

    def dense_search(self, vector: np.ndarray, k: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
        n = min(k, self.count())
        if n == 0:
            return []
        res = self.collection.query(query_embeddings=[vector], n_results=n, where=where or None, include=["distances"])
        # Cosine space: distance = 1 - cosine similarity.
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(res["ids"][0], res["distances"][0], strict=True)]


def chunk_to_metadata(chunk: Chunk) -> dict[str, str | int]:
    return {**chunk.metadata, "start": chunk.start, "end": chunk.end, "chunk_index": chunk.index}


def bm25_entries_for_chunks(chunks: Sequence[Chunk]) -> list[BM25Entry]:
    return bm25_entries([c.chunk_id for c in chunks], [c.text for c in chunks], [c.metadata for c in chunks])


def bm25_entries(ids: Sequence[str], texts: Sequence[str], metas: Sequence[Any]) -> list[BM25Entry]:
    # Titles are indexed with each passage, as they are embedded with it.
    tokens = tokenize([embedding_text(str(m.get("title", "")), t) for t, m in zip(texts, metas, strict=True)])
    return [
        BM25Entry(i, str(m["doc_id"]), str(m.get("source", "")), int(m.get("published_day", -1)), tuple(tok))
        for i, m, tok in zip(ids, metas, tokens, strict=True)
    ]


def article_entries(texts: Sequence[str], starts: Sequence[int], metas: Sequence[Any]) -> list[ArticleEntry]:
    """Each article's tokens for article-level BM25: its title once, then its body rebuilt from its chunks
    without the overlaps they repeat, so no term is counted twice."""
    parts: dict[str, list[tuple[int, str]]] = {}
    titles: dict[str, str] = {}
    for text, start, meta in zip(texts, starts, metas, strict=True):
        doc_id = str(meta["doc_id"])
        parts.setdefault(doc_id, []).append((start, text))
        titles[doc_id] = str(meta.get("title", ""))
    doc_ids = sorted(parts)
    bodies = []
    for doc_id in doc_ids:
        pieces, covered = [], 0
        for start, text in sorted(parts[doc_id]):
            end = start + len(text)
            if end > covered:
                # A chunk is an exact slice of the article's text, so its start offset tells what repeats.
                pieces.append(text[max(0, covered - start) :])
                covered = end
        bodies.append(embedding_text(titles[doc_id], " ".join(pieces)))
    return [ArticleEntry(d, tuple(t)) for d, t in zip(doc_ids, tokenize(bodies), strict=True)]


def _batches(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]

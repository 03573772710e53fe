"""The LangChain tutorial's RAG pipeline: the naive baseline ``bench/ingest.py`` and ``newsqa eval --baseline``
measure ours against.

Each file is read whole, split by ``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)``,
embedded by the model the caller passes and added to a Chroma collection; a question is the nearest chunks,
nothing else (no BM25, no fusion, no dates). It keeps its own Chroma folder and, unlike the rest of
``ingest/``, talks to Chroma itself rather than through :mod:`ingest.store`: it stands for the tutorial's code,
so it must not inherit anything of ours but the embedding model.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from ingest.embedding import Embedder
from ingest.loading import LoadError, iter_files, load_file

CHUNK_CHARS = 1000
CHUNK_OVERLAP = 200
COLLECTION = "tutorial"
# The tutorial's loaders hand these over as the file's text, header lines and all.
_PLAIN_TEXT = frozenset({".txt", ".md", ".markdown"})
_EMBED_BLOCK = 256  # chunks per progress step
_ADD_BATCH = 1000  # below Chroma's largest batch
_FINGERPRINT = "fingerprint.json"

Encode = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True, slots=True)
class TutorialChunk:
    chunk_id: str
    file: str  # path relative to the corpus folder
    text: str


def read_files(corpus: Path) -> list[tuple[str, str]]:
    """``(path relative to corpus, text)`` for every file, sorted; text files whole, others through our loader
    (as the tutorial would pick a PDF or HTML loader). Files nothing can read are left out."""
    read: list[tuple[str, str]] = []
    for path in iter_files([corpus]):
        key = path.relative_to(corpus).as_posix()
        if path.suffix.lower() in _PLAIN_TEXT:
            text = path.read_text(encoding="utf-8", errors="replace")
        else:
            try:
                text = "\n\n".join(f"{d.title}\n\n{d.text}" for d in load_file(path, corpus))
            except LoadError:
                continue
        if text.strip():
            read.append((key, text))
    return read


def split(files: Sequence[tuple[str, str]]) -> list[TutorialChunk]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_CHARS, chunk_overlap=CHUNK_OVERLAP)
    return [
        TutorialChunk(f"{key}:{i}", key, piece)
        for key, text in files
        for i, piece in enumerate(splitter.split_text(text))
    ]


class TutorialIndex:
    """The tutorial's Chroma collection in ``folder`` (a folder of its own: :meth:`sync` may wipe it)."""

    def __init__(self, folder: Path, encode: Encode, model: str = "") -> None:
        self.folder = folder
        self.encode = encode
        self.model = model  # names the vectors: an index made with another model is not reused
        self._collection: Any = None

    @classmethod
    def with_embedder(cls, folder: Path, embedder: Embedder) -> TutorialIndex:
        """The tutorial on our model and backend, so that only the pipeline differs from ours."""
        return cls(folder, lambda texts: embedder.embed(texts), f"{embedder.name} on {embedder.backend}")

    @property
    def collection(self) -> Any:
        if self._collection is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            client = chromadb.PersistentClient(
                path=str(self.folder), settings=ChromaSettings(anonymized_telemetry=False)
            )
            self._collection = client.get_or_create_collection(COLLECTION, configuration={"hnsw": {"space": "cosine"}})
        return self._collection

    def build(self, corpus: Path, progress: bool = False) -> int:
        """Read, split, embed and add every file of ``corpus`` to an empty collection; returns the chunk count."""
        chunks = split(read_files(corpus))
        texts = [c.text for c in chunks]
        blocks: list[np.ndarray] = []
        with tqdm(
            total=len(texts), desc="baseline embedding", unit="chunk", disable=not progress, file=sys.stderr
        ) as bar:
            for start in range(0, len(texts), _EMBED_BLOCK):
                blocks.append(np.asarray(self.encode(texts[start : start + _EMBED_BLOCK]), dtype=np.float32))
                bar.update(len(blocks[-1]))
        vectors = np.concatenate(blocks) if blocks else np.zeros((0, 0), dtype=np.float32)
        for start in range(0, len(chunks), _ADD_BATCH):
            part = chunks[start : start + _ADD_BATCH]
            self.collection.add(
                ids=[c.chunk_id for c in part],
                documents=[c.text for c in part],
                metadatas=[{"file": c.file} for c in part],
                embeddings=vectors[start : start + len(part)],
            )
        return len(chunks)

    def sync(self, corpus: Path, progress: bool = False) -> bool:
        """Build the index of ``corpus`` unless the one in the folder was built from the same files (names,
        sizes, modification times) with the same model; returns True when it was reused."""
        wanted = _fingerprint(corpus, self.model)
        stamp = self.folder / _FINGERPRINT
        if stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")) == wanted:
            return True
        self._collection = None
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self.build(corpus, progress)
        # Written last: a build that was interrupted is never taken for a finished one.
        stamp.write_text(json.dumps(wanted), encoding="utf-8")
        return False

    def count(self) -> int:
        return int(self.collection.count())

    def search(self, question: str, k: int) -> list[str]:
        """The files of the ``k`` chunks nearest to ``question``, nearest first (a file once per chunk)."""
        vector = np.asarray(self.encode([question]), dtype=np.float32)
        got = self.collection.query(query_embeddings=vector, n_results=k, include=["metadatas"])
        return [str(meta["file"]) for meta in got["metadatas"][0]]


def _fingerprint(corpus: Path, model: str) -> dict[str, Any]:
    files = hashlib.sha256()
    for path in iter_files([corpus]):
        stat = path.stat()
        files.update(f"{path.relative_to(corpus).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return {"files": files.hexdigest(), "model": model, "chunk_chars": CHUNK_CHARS, "chunk_overlap": CHUNK_OVERLAP}

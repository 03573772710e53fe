"""Indexing: files in, chunks and vectors out, the index kept in step with the documents folder."""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ingest.chunking import Chunker
from ingest.document import Chunk, Document
from ingest.embedding import Embedder
from ingest.loading import LOADER_VERSION, LoadError, iter_files, load_file
from ingest.store import DocumentRecord, FileRecord, IndexStore

log = logging.getLogger(__name__)

# Chunks embedded per progress step: large enough that the model's own length-sorting pays off.
_EMBED_BLOCK = 256
# Chunks written and committed together: a crash or kill loses at most this much embedding work.
_COMMIT_CHUNKS = 64
# Removing chunks embeds nothing: no vectors, and no reason to load the model for their width.
_NO_VECTORS = np.zeros((0, 0), dtype=np.float32)
# Keys of files uploaded through the API (kept in ``settings.uploads_dir``). Their articles live in Chroma, so a
# reindex never removes one for being absent here: it may have come through another replica.
UPLOAD_KEY = "upload:"


@dataclass
class DocumentResult:
    doc_id: str
    title: str
    status: str  # added | updated | unchanged | duplicate | removed
    chunks: int = 0
    duplicate_of: str | None = None


@dataclass
class IndexReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    duplicates: int = 0
    chunks: int = 0
    seconds: float = 0.0
    files: int = 0  # files looked at (skipped ones included)
    skipped_files: list[tuple[str, str]] = field(default_factory=list)
    # Files ingested from outside the documents folder that are gone: removed and no longer followed.
    forgotten_files: list[str] = field(default_factory=list)
    documents: list[DocumentResult] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"added={self.added} updated={self.updated} removed={self.removed} unchanged={self.unchanged} "
            f"skipped={self.skipped} duplicates={self.duplicates} chunks={self.chunks} seconds={self.seconds:.1f}"
        )

    def counts(self) -> dict[str, int | float]:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "duplicates": self.duplicates,
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
        }


def file_hash(path: Path) -> str:
    # With the loader's version: a newsqa that reads files otherwise reads every file again once (cheap), and embeds
    # again only the documents whose text came out different.
    digest = hashlib.sha256(f"loader {LOADER_VERSION}\n".encode())
    digest.update(path.read_bytes())
    return digest.hexdigest()


class Indexer:
    def __init__(self, store: IndexStore, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder
        self.documents_dir = store.settings.documents_dir.resolve()
        self.uploads_dir = store.settings.uploads_dir.resolve()
        self._chunker: Chunker | None = None

    @property
    def chunker(self) -> Chunker:
        # Built on first use: it needs the model's tokenizer, which a no-change reindex never loads.
        if self._chunker is None:
            settings = self.store.settings
            self._chunker = Chunker(
                self.embedder.count_tokens,
                self.embedder.max_tokens,
                settings.chunk_tokens,
                settings.chunk_overlap,
                token_offsets=self.embedder.token_offsets,
            )
        return self._chunker

    # --- public operations ----------------------------------------------------------------------
    def ingest(self, paths: Sequence[Path], progress: bool = False) -> IndexReport:
        """Add or update the given files and folders (inside or outside the documents folder)."""
        started = time.perf_counter()
        with self.store.transaction():
            report = IndexReport()
            files = iter_files([Path(p) for p in paths])
            self._sync_files(files, removed_keys=[], report=report, progress=progress)
        report.seconds = time.perf_counter() - started
        return report

    def reindex(self, progress: bool = False, rebuild: bool = False) -> IndexReport:
        """Sync the documents folder (and files ingested from elsewhere): add new, replace changed,
        remove deleted, skip unchanged without embedding anything.

        A file ingested from outside the folder is followed while it loads: once it is gone or no longer
        loads, its documents are removed and it is reported (in ``forgotten_files`` or ``skipped_files``)
        this one time, then forgotten; ``ingest`` it again to bring it back.

        Every chunk is first checked against the committed records (what a crash left half-written is
        repaired and indexed again). ``rebuild`` first drops every chunk and document record, for new
        embedding or chunking settings.
        """
        started = time.perf_counter()
        restored: dict[str, tuple[str, list[Document]]] = {}
        if rebuild:
            self.store.rebuild(before_reset=lambda: restored.update(self._uploads_from_chroma()))
        with self.store.transaction():
            report = IndexReport()
            self.store.repair()
            files = iter_files([self.documents_dir]) if self.documents_dir.exists() else []
            present = {self.file_key(f) for f in files}
            external = [Path(k) for k in self.store.manifest.files if Path(k).is_absolute()]
            files += [p for p in external if p.exists() and self.file_key(p) not in present]
            present |= {self.file_key(p) for p in external if p.exists()}
            uploads = [k for k in self.store.manifest.files if k.startswith(UPLOAD_KEY)]
            files += [p for p in map(self._path_of, uploads) if p is not None and p.exists()]
            present |= set(uploads)
            removed = [k for k in self.store.manifest.files if k not in present]
            report.forgotten_files = [k for k in removed if Path(k).is_absolute()]
            self._sync_files(files, removed_keys=removed, report=report, progress=progress, read=restored)
        report.seconds = time.perf_counter() - started
        return report

    def delete_document(self, doc_id: str) -> bool:
        """Remove an article from the index, with any same-content copies (the content is what was asked to go)."""
        with self.store.transaction() as manifest:
            if doc_id not in manifest.documents:
                return False
            copies = [d.doc_id for d in manifest.documents.values() if d.duplicate_of == doc_id]
            files = {gone: manifest.documents[gone].file for gone in [doc_id, *copies]}
            self._remove_docs(list(files), IndexReport())
            for gone, key in files.items():
                self._forget_file_of(key, gone)
            self.store.save_manifest()
            return True

    def _forget_file_of(self, key: str, doc_id: str) -> None:
        file_record = self.store.manifest.files.get(key)
        path = self._path_of(key)
        if file_record is None:
            return
        file_record.docs = [d for d in file_record.docs if d != doc_id]
        if key.startswith(UPLOAD_KEY) and not file_record.docs and path is not None:
            # An upload exists only because of the API: deleting it deletes its file.
            path.unlink(missing_ok=True)
            del self.store.manifest.files[key]
        else:
            # The user's own file stays; it is left out of the index until it changes.
            file_record.excluded.append(doc_id)

    def file_key(self, path: Path) -> str:
        """Files inside the documents folder are keyed by their relative path, so the folder can move."""
        resolved = path.resolve()
        if resolved.parent == self.uploads_dir:
            return UPLOAD_KEY + resolved.name
        try:
            return resolved.relative_to(self.documents_dir).as_posix()
        except ValueError:
            return resolved.as_posix()

    # --- the sync itself ------------------------------------------------------------------------
    def _sync_files(
        self,
        files: Sequence[Path],
        removed_keys: Sequence[str],
        report: IndexReport,
        progress: bool,
        read: dict[str, tuple[str, list[Document]]] | None = None,
    ) -> None:
        """``read``: articles already read, by file key with their file's hash (uploads read back from Chroma)."""
        manifest = self.store.manifest
        loaded: dict[str, tuple[str, list[Document]]] = dict(read or {})
        report.files += len(loaded)
        stale: list[str] = []  # documents of known files that no longer load
        # Outside the documents folder nothing would list a broken file again: it is reported now and
        # forgotten (with any documents it had), rather than re-reported by every later reindex.
        dropped: list[str] = []
        report.files += len(files)
        for path in tqdm(files, desc="loading", unit="file", disable=not progress or len(files) < 2, file=sys.stderr):
            key = self.file_key(path)
            known = manifest.files.get(key)
            try:
                digest = file_hash(path)
                if known is not None and known.file_hash == digest:
                    if known.error:
                        raise LoadError(known.error)
                    report.unchanged += len(known.docs)
                    continue
                # The file changed: documents deleted through the API while it was unchanged come back
                # (unless only the index was rebuilt or repaired, which blanks the hash and keeps the rest).
                loaded[key] = (digest, self._load(path, key, known if known and not known.file_hash else None))
            except (OSError, LoadError) as exc:
                reason = exc.reason if isinstance(exc, LoadError) else f"unreadable: {exc.strerror or exc}"
                if Path(key).is_absolute():
                    followed = " (no longer followed: ingest it again once it is fixed)" if known else ""
                    self._skip(report, key, reason + followed)
                    dropped.append(key)
                    continue
                self._skip(report, key, reason)
                if isinstance(exc, LoadError):
                    # Inside the folder the failure is remembered: an unchanged broken file is not parsed again.
                    manifest.files[key] = FileRecord(file_hash=digest, docs=[], error=reason)
                    stale += known.docs if known else []
        self._apply(loaded, [*removed_keys, *dropped], report, progress, stale)

    def _apply(
        self,
        loaded: dict[str, tuple[str, list[Document]]],
        removed_keys: Sequence[str],
        report: IndexReport,
        progress: bool,
        stale: Sequence[str] = (),
    ) -> None:
        manifest = self.store.manifest
        to_remove: list[str] = list(stale)
        for key in removed_keys:
            record = manifest.files.pop(key, None)
            if record is not None:
                to_remove += [d for d in record.docs if self._owned_by(d, key)]
        for key, (_, docs) in loaded.items():
            previous = manifest.files.get(key)
            new_ids = {d.doc_id for d in docs}
            if previous is not None:
                to_remove += [d for d in previous.docs if d not in new_ids and self._owned_by(d, key)]
        orphans = self._orphaned_duplicates(to_remove)
        # Removals are written together with the additions below: one Chroma + BM25 write per sync.
        removed = self._drop_records(to_remove, report)

        # Documents whose canonical copy was just removed are indexed in its place.
        for key in orphans:
            path = self._path_of(key)
            if key not in loaded and path is not None and path.exists():
                try:
                    loaded[key] = (file_hash(path), self._load(path, key, manifest.files.get(key)))
                except (LoadError, OSError):
                    continue

        content_index = manifest.by_content_hash()
        pending: list[tuple[Document, str, str]] = []  # (doc, file key, status)
        new_files: dict[str, FileRecord] = {}  # committed once their documents are
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for key, (digest, docs) in loaded.items():
            previous = manifest.files.get(key)
            # Deleted-through-the-API documents stay out until their file changes.
            excluded = previous.excluded if previous is not None and previous.file_hash in (digest, "") else []
            new_files[key] = FileRecord(file_hash=digest, docs=[d.doc_id for d in docs], excluded=excluded)
            for doc in docs:
                existing = manifest.documents.get(doc.doc_id)
                twin = content_index.get(doc.content_hash)
                same = existing is not None and existing.duplicate_of is None
                if same and (
                    existing.content_hash,
                    existing.title,
                    existing.source,
                    existing.published,
                    existing.url,
                ) == (doc.content_hash, doc.title, doc.source, doc.published, doc.url):
                    existing.file = key
                    report.unchanged += 1
                    report.documents.append(DocumentResult(doc.doc_id, doc.title, "unchanged", existing.chunks))
                    continue
                if twin is not None and twin != doc.doc_id:
                    if existing is not None and existing.duplicate_of is None:
                        removed += self._drop_records([doc.doc_id], report, count=False)
                    manifest.documents[doc.doc_id] = self._record(doc, key, 0, now, duplicate_of=twin)
                    report.duplicates += 1
                    report.documents.append(DocumentResult(doc.doc_id, doc.title, "duplicate", 0, twin))
                    log.info("%s has the same content as %s: indexed once", key, twin)
                    continue
                status = "updated" if existing is not None and existing.duplicate_of is None else "added"
                pending.append((doc, key, status))
                content_index[doc.content_hash] = doc.doc_id

        self._embed_and_write(pending, removed, report, progress, now, new_files)
        self.store.save_manifest()

    def _embed_and_write(
        self,
        pending: list[tuple[Document, str, str]],
        removed: Sequence[str],
        report: IndexReport,
        progress: bool,
        now: str,
        new_files: dict[str, FileRecord],
    ) -> None:
        """Embed and write ``pending`` a few files at a time, each batch committed on its own, so a crash
        loses at most one batch. A file's record is committed only with the last of its documents: until
        then a later reindex still finds the file changed and writes what is missing."""
        manifest = self.store.manifest
        if removed:
            self.store.write(removed, [], _NO_VECTORS)
        waiting = Counter(key for _, key, _ in pending)
        for key in [k for k in new_files if not waiting[k]]:
            manifest.files[key] = new_files.pop(key)
        if not pending:
            return
        per_doc = [
            (doc, key, status, self.chunker.chunk(doc))
            for doc, key, status in tqdm(
                pending, desc="chunking", unit="doc", disable=not progress or len(pending) < 2, file=sys.stderr
            )
        ]
        total = sum(len(cs) for *_, cs in per_doc)
        with tqdm(total=total, desc="embedding", unit="chunk", disable=not progress, file=sys.stderr) as bar:
            for batch in _commit_batches(per_doc):
                chunks: list[Chunk] = [c for *_, cs in batch for c in cs]
                vectors = self._embed(chunks, bar)
                version = self.store.write([d.doc_id for d, *_ in batch], chunks, vectors)
                for doc, key, status, doc_chunks in batch:
                    manifest.documents[doc.doc_id] = self._record(doc, key, len(doc_chunks), now, version=version)
                    setattr(report, status, getattr(report, status) + 1)
                    report.chunks += len(doc_chunks)
                    report.documents.append(DocumentResult(doc.doc_id, doc.title, status, len(doc_chunks)))
                    waiting[key] -= 1
                    if not waiting[key]:
                        manifest.files[key] = new_files.pop(key)
                self.store.save_manifest()

    def _embed(self, chunks: list[Chunk], bar: tqdm) -> np.ndarray:
        texts = [self.chunker.embedding_input(c) for c in chunks]
        # Sorting by length across the whole batch (not only within the model's own blocks) keeps padding low.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        vectors = np.zeros((len(texts), self.embedder.dimension), dtype=np.float32)
        for start in range(0, len(order), _EMBED_BLOCK):
            block = order[start : start + _EMBED_BLOCK]
            vectors[block] = self.embedder.embed([texts[i] for i in block])
            bar.update(len(block))
        return vectors

    # --- helpers --------------------------------------------------------------------------------
    def _remove_docs(self, doc_ids: Iterable[str], report: IndexReport) -> None:
        removed = self._drop_records(doc_ids, report)
        if removed:
            self.store.write(removed, [], _NO_VECTORS)

    def _drop_records(self, doc_ids: Iterable[str], report: IndexReport, count: bool = True) -> list[str]:
        """Forget documents in the manifest; the caller writes their removal to Chroma and BM25."""
        dropped = [d for d in dict.fromkeys(doc_ids) if d in self.store.manifest.documents]
        for doc_id in dropped:
            record = self.store.manifest.documents.pop(doc_id)
            if count:
                report.removed += 1
                report.documents.append(DocumentResult(doc_id, record.title, "removed"))
        return dropped

    def _owned_by(self, doc_id: str, key: str) -> bool:
        record = self.store.manifest.documents.get(doc_id)
        return record is not None and record.file == key

    def _orphaned_duplicates(self, removed: Sequence[str]) -> list[str]:
        """Files of duplicates whose canonical copy is among ``removed``."""
        gone = set(removed)
        documents = self.store.manifest.documents.values()
        return [d.file for d in documents if d.duplicate_of in gone and d.doc_id not in gone]

    def _uploads_from_chroma(self) -> dict[str, tuple[str, list[Document]]]:
        """Before a rebuild, which embeds every article again from its file: the articles of each upload whose
        file is not here (it came through another replica, or a lost volume), read back from Chroma so the
        rebuild keeps them: each record's fields and the text its chunks hold, under the same ids. Nothing is
        parsed again, so an upload of any format (HTML, PDF, a JSON list of articles) comes back whole."""
        manifest = self.store.manifest
        restored: dict[str, tuple[str, list[Document]]] = {}
        for key, file in manifest.files.items():
            path = self._path_of(key)
            if not key.startswith(UPLOAD_KEY) or path is None or path.exists():
                continue
            docs: list[Document] = []
            for record in (manifest.documents[d] for d in file.docs if d in manifest.documents):
                # A same-content copy has no chunks of its own: its canonical article's are its text.
                text = self.store.text_of(record.duplicate_of or record.doc_id)
                if not text:
                    log.warning("no chunks of %s (upload %s) in Chroma: the rebuild drops it", record.doc_id, key)
                    continue
                docs.append(record.document(text))
            if docs:
                restored[key] = ("", docs)  # no file here to hash: the replica that has it reads it again
                log.warning("read the upload %s back from Chroma, for the rebuild", key)
        return restored

    def _path_of(self, key: str) -> Path | None:
        if key.startswith(UPLOAD_KEY):
            return self.uploads_dir / key.removeprefix(UPLOAD_KEY)
        path = Path(key)
        return path if path.is_absolute() else self.documents_dir / path

    def _load(self, path: Path, key: str, known: FileRecord | None) -> list[Document]:
        # Outside the documents folder, the absolute path is the identity (root=None); an upload is known as
        # uploads/<name>, as when uploads were kept in the documents folder.
        docs = load_file(path, self._root_of(key))
        excluded = set(known.excluded) if known else set()
        return [d for d in docs if d.doc_id not in excluded]

    def _root_of(self, key: str) -> Path | None:
        if key.startswith(UPLOAD_KEY):
            return self.uploads_dir.parent
        return None if Path(key).is_absolute() else self.documents_dir

    def _skip(self, report: IndexReport, key: str, reason: str) -> None:
        report.skipped += 1
        report.skipped_files.append((key, reason))
        # The caller reports it, once: the CLI prints it, the API returns it, the watcher logs it.
        log.info("skipped %s: %s", key, reason)

    @staticmethod
    def _record(
        doc: Document, key: str, chunks: int, now: str, duplicate_of: str | None = None, version: str = ""
    ) -> DocumentRecord:
        return DocumentRecord(
            doc_id=doc.doc_id,
            title=doc.title,
            source=doc.source,
            published=doc.published,
            url=doc.url,
            path=doc.path,
            file=key,
            content_hash=doc.content_hash,
            chunks=chunks,
            duplicate_of=duplicate_of,
            indexed_at=now,
            author=doc.author,
            version=version,
        )


def _commit_batches(
    per_doc: list[tuple[Document, str, str, list[Chunk]]],
) -> Iterator[list[tuple[Document, str, str, list[Chunk]]]]:
    """Documents in runs of about ``_COMMIT_CHUNKS`` chunks, never splitting one."""
    batch: list[tuple[Document, str, str, list[Chunk]]] = []
    size = 0
    for item in per_doc:
        batch.append(item)
        size += len(item[3])
        if size >= _COMMIT_CHUNKS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch

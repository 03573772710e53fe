"""The index, with Chroma as its one state of record.

Chroma holds the chunks (collection ``<collection>``) and, beside them in ``<collection>_documents``, every
document and file record, the settings fingerprint, a generation counter bumped by every committed write and
the writers' lease. Everything else is a cache derived from Chroma: each process's view of the records and the
BM25 snapshot are refreshed when the generation changes (checked at most once a second), so every process that
opens the same Chroma, embedded or server, sees the same documents.

Writes go through :meth:`IndexStore.transaction`, one writer at a time across processes (the lease), in an order
a crash cannot break: records about to change are first marked pending, then chunks are deleted and written, then
the records are committed and the generation bumped. Readers only trust committed records and chunks of their
version; a crash leaves pending records (or stray chunks) that the next writer repairs.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import inspect
import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, ClassVar

import httpx
import numpy as np

from ingest.bm25 import ArticleEntry, BM25Entry, BM25Index, Where, tokenize
from ingest.chunking import embedding_text
from ingest.document import Chunk, Document
from ingest.embedding import Embedder
from ingest.settings import Settings

log = logging.getLogger(__name__)

RECORDS_SUFFIX = "_documents"
COMMITTED, PENDING = "committed", "pending"
_META_ID, _LOCK_ID = "meta", "lock"
_DOC, _FILE = "doc:", "file:"
# Records mean nothing in vector space, but Chroma stores an embedding per row: every record gets this one.
_RECORD_VECTOR = [1.0]
# How stale a process's view of the records may be: the generation is read at most this often.
REFRESH_SECONDS = 1.0
# How long a writer waits for another's lease before giving up. The lease's term (a third of it between
# renewals; a writer killed mid-write blocks others at most that long) is settings.write_lease_seconds.
LEASE_WAIT_SECONDS = 600.0
# Rows per page when reading a whole collection.
_PAGE = 5000
# How long a write waits for other processes to close an embedded index before it is refused.
EMBEDDED_WAIT_SECONDS = 10.0
# Which setting each fingerprint entry comes from, for the message when they differ.
_FINGERPRINT_SETTINGS = {
    "embedding_model": "NEWSQA_EMBEDDING_MODEL",
    "embedding_backend": "NEWSQA_EMBEDDING_BACKEND",
    "chunk_tokens": "NEWSQA_CHUNK_TOKENS",
    "chunk_overlap": "NEWSQA_CHUNK_OVERLAP",
    "chunker": "the chunker of this newsqa version",
}


class StoreError(RuntimeError):
    """The index cannot be opened or written (Chroma unreachable, settings differ from the index's)."""


class IndexBuiltOtherwise(StoreError):
    """The index was built with other settings, or by an older newsqa: only ``reindex --rebuild`` (re-embedding
    everything) makes it usable. Any other StoreError (Chroma unreachable, another process writing) passes."""


@dataclass
class DocumentRecord:
    doc_id: str
    title: str
    source: str
    published: str
    url: str
    path: str
    file: str  # key of the file it came from
    content_hash: str
    chunks: int
    duplicate_of: str | None = None
    indexed_at: str = ""
    author: str = ""
    version: str = ""  # the write that produced its chunks; each chunk carries it too
    state: str = COMMITTED

    def to_metadata(self) -> dict[str, str | int]:
        return {"kind": "doc", **{k: "" if v is None else v for k, v in asdict(self).items()}}

    def document(self, text: str) -> Document:
        """The article this record describes, with ``text`` (its chunks' text, for one read back from Chroma)."""
        return Document(self.doc_id, self.title, text, self.source, self.published, self.url, self.author, self.path)

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> DocumentRecord:
        values = {f.name: meta[f.name] for f in fields(cls) if f.name in meta}
        values["duplicate_of"] = values.get("duplicate_of") or None
        return cls(**values)


@dataclass
class FileRecord:
    file_hash: str  # "" after a rebuild or a repair: the file is read again by the next reindex
    docs: list[str] = field(default_factory=list)
    error: str | None = None
    excluded: list[str] = field(default_factory=list)  # deleted through the API while the file stays

    def to_metadata(self, key: str) -> dict[str, str | int]:
        return {
            "kind": "file",
            "key": key,
            "file_hash": self.file_hash,
            "docs": json.dumps(self.docs),
            "error": self.error or "",
            "excluded": json.dumps(self.excluded),
        }

    @classmethod
    def from_metadata(cls, meta: dict[str, Any]) -> FileRecord:
        return cls(
            file_hash=str(meta.get("file_hash", "")),
            docs=json.loads(str(meta.get("docs", "[]"))),
            error=str(meta.get("error") or "") or None,
            excluded=json.loads(str(meta.get("excluded", "[]"))),
        )


@dataclass
class Manifest:
    """The records as one process sees them: a copy of what Chroma holds (or, inside a write, a draft of it)."""

    files: dict[str, FileRecord] = field(default_factory=dict)
    documents: dict[str, DocumentRecord] = field(default_factory=dict)

    def copy(self) -> Manifest:
        """A copy to change without changing this one: what ``copy.deepcopy`` gives, at a tenth of its cost
        (a record's fields are strings and numbers; a file record's lists are copied)."""
        return Manifest(
            {k: replace(f, docs=list(f.docs), excluded=list(f.excluded)) for k, f in self.files.items()},
            {k: copy.copy(d) for k, d in self.documents.items()},
        )

    def by_content_hash(self) -> dict[str, str]:
        return {d.content_hash: d.doc_id for d in self.listed()}

    def listed(self) -> list[DocumentRecord]:
        """Committed articles with their own chunks (not same-content copies): what readers are shown."""
        return [d for d in list(self.documents.values()) if d.state == COMMITTED and d.duplicate_of is None]


def open_chroma(settings: Settings) -> Any:
    import chromadb  # imported here: commands that never touch the index never pay for it
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_host:
            client = chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
            _bound_timeouts(client, settings.chroma_timeout)
            return client
        settings.chroma_path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    except Exception as exc:  # chroma raises bare Exceptions for connection problems
        raise StoreError(
            f"cannot open Chroma at {_where(settings)} (NEWSQA_CHROMA_HOST / NEWSQA_CHROMA_PATH): {_reason(exc)}"
        ) from exc


def _reason(exc: BaseException) -> str:
    """What went wrong, in one line and never blank. Chroma's client re-raises HTTP errors as a bare exception with
    no message, or with the page the server sent: a server that is not Chroma answering 404 becomes
    ``ValueError('')``. The root cause that says something (httpx's "Client error '404 Not Found' …") is given."""
    said = [line for cause in _chain(exc) if (line := str(cause).strip().split("\n", 1)[0])]
    return said[-1] if said else type(exc).__name__


def _chain(exc: BaseException) -> list[BaseException]:
    causes: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and cause not in causes:
        causes.append(cause)
        cause = cause.__cause__ or cause.__context__
    return causes


def _bound_timeouts(client: Any, seconds: float) -> None:
    """Chroma's HttpClient waits for its server without a time limit: a server that stops answering (paused,
    overloaded, a half-open connection) would hold every request, and its thread, forever. Its httpx session
    is private to chromadb, so this depends on its layout; a chromadb that changes it fails here, loudly."""
    session = client._server._session
    if not isinstance(session, httpx.Client):
        raise TypeError(f"unexpected chromadb HTTP session {type(session).__name__}: cannot bound its timeouts")
    session.timeout = httpx.Timeout(seconds, connect=min(seconds, 5.0))


# What Chroma's HttpClient raises when its server cannot be reached or stops mid-request: refused, reset,
# timed out. An embedded Chroma raises none of these.
_UNREACHABLE = (httpx.TransportError,)
_RECOVERY_WAITS = (0.2, 0.5, 1.0)  # seconds before each new try of a call a recovering server failed


def _failing() -> tuple[type[BaseException], ...]:
    """What Chroma raises when it fails inside (InternalError: "Error finding id" from a server restarted after a
    crash, until its index has caught up; an embedded index's own failures)."""
    from chromadb.errors import InternalError

    return (InternalError,)


class _Guarded:
    """A Chroma client or collection whose calls raise :class:`StoreError` when the server is unreachable or
    Chroma fails inside, which the API answers with a 503 and the CLI with one line; the next call tries again,
    so the service recovers by itself when Chroma is back. A server's failures are first retried a few times
    (``recover``): one restarted after a crash catches up within a second. Other errors pass unchanged."""

    def __init__(self, target: Any, where: str, recover: bool = False) -> None:
        self._target = target
        self._where = where
        self._recover = recover
        self._failing = _failing()

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._target, name)
        if not inspect.ismethod(attr):
            return attr  # attributes, including callable ones (the embedding function), pass as they are

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return attr(*args, **kwargs)
            except _UNREACHABLE as exc:
                raise StoreError(
                    f"the Chroma server at {self._where} is unreachable ({type(exc).__name__}: {exc}); "
                    "try again once it is back"
                ) from exc
            except self._failing as exc:
                # A server restarted after a crash answers "Error finding id" until its index has caught up,
                # a moment later: the call is tried again then (Chroma's reads and upserts may be repeated)
                # before the client is told to try again itself. An embedded index has no server to wait for.
                for wait in _RECOVERY_WAITS if self._recover else ():
                    time.sleep(wait)
                    with contextlib.suppress(*_UNREACHABLE, *self._failing):
                        return attr(*args, **kwargs)
                raise StoreError(f"Chroma at {self._where} failed ({_reason(exc)}); try again") from exc

        return call


def _where(settings: Settings) -> str:
    return f"{settings.chroma_host}:{settings.chroma_port}" if settings.chroma_host else str(settings.chroma_path)


def _unreadable(settings: Settings, exc: Exception) -> StoreError:
    return StoreError(f"cannot read the index from Chroma at {_where(settings)}: {exc}")


class _EmbeddedGuard:
    """Embedded Chroma is one process's: another process's writes are invisible to (and can break) an open
    client. Every process that opens an embedded index holds a shared lock on it; writing needs it exclusively,
    so a second process cannot write while another has the index open — it is refused with a clear message
    instead. One per folder per process, shared by every store there (flock locks belong to the open file)."""

    _guards: ClassVar[dict[Path, _EmbeddedGuard]] = {}
    _guards_lock = threading.Lock()

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(folder / "newsqa.lock", os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(self._fd, fcntl.LOCK_SH)
        self._writers = 0
        self._lock = threading.Lock()

    @classmethod
    def of(cls, folder: Path) -> _EmbeddedGuard:
        key = folder.resolve()
        with cls._guards_lock:
            if key not in cls._guards:
                cls._guards[key] = cls(key)
            return cls._guards[key]

    def acquire_write(self, wait: float) -> None:
        with self._lock:
            if self._writers == 0:
                deadline = time.monotonic() + wait
                while True:
                    try:
                        fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            fcntl.flock(self._fd, fcntl.LOCK_SH)  # a failed upgrade may have dropped it
                            raise StoreError(
                                f"the embedded index at {self.folder} is open in another process (such as newsqa "
                                "serve): an embedded index is one process's, so nothing was written. Stop that "
                                "process and try again, or share one index between processes through a Chroma "
                                "server (NEWSQA_CHROMA_HOST)"
                            ) from None
                        time.sleep(0.1)
            self._writers += 1

    def release_write(self) -> None:
        with self._lock:
            self._writers -= 1
            if self._writers == 0:
                fcntl.flock(self._fd, fcntl.LOCK_SH)


class IndexStore:
    """Opens Chroma on first use; the server opens it, and the BM25 snapshot, at start-up."""

    def __init__(self, settings: Settings, embedder: Embedder) -> None:
        self.settings = settings
        self.embedder = embedder
        self.write_lock = threading.RLock()
        self._open_lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._bm25_lock = threading.Lock()
        # The background saver of BM25 snapshots: the newest one not yet saved, and whether none is waiting or
        # running (cleared as a saver starts, set as it ends).
        self._save_lock = threading.Lock()
        self._unsaved: BM25Index | None = None
        self._saved = threading.Event()
        self._saved.set()
        self._client: Any = None
        self._collection: Any = None
        self._records: Any = None
        self._bm25: BM25Index | None = None
        self._view = Manifest()  # committed records as of generation ``_generation``
        self._generation: tuple[int, str] | None = None
        self._checked_at = float("-inf")
        # Inside a transaction: the writer's thread, its draft of the records, and records it marked pending.
        self._writer: int | None = None
        self._draft: Manifest | None = None
        self._depth = 0
        self._pending: set[str] = set()
        self._owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._lease_stop: threading.Event | None = None
        self._lease_seconds = settings.write_lease_seconds
        # Until when (wall clock) the lease is ours for sure: nobody takes over a lease before it expires.
        self._lease_until = 0.0
        self._guard: _EmbeddedGuard | None = None
        # How long a write waits for other processes to close an embedded index (the server waits longer).
        self.write_wait = EMBEDDED_WAIT_SECONDS

    # --- opening --------------------------------------------------------------------------------
    @property
    def collection(self) -> Any:
        self._open()
        return self._collection

    @property
    def records(self) -> Any:
        self._open()
        return self._records

    def _open(self, check: bool = True) -> None:
        if self._collection is not None:
            return
        with self._open_lock:
            if self._collection is not None:
                return
            client = open_chroma(self.settings)
            try:
                records = client.get_or_create_collection(
                    name=self.settings.collection + RECORDS_SUFFIX,
                    embedding_function=None,  # we pass the embeddings: records are never searched by meaning
                )
                collection = self._open_collection(client)
            except Exception as exc:  # chroma raises bare Exceptions for connection problems
                raise StoreError(f"cannot open Chroma at {_where(self.settings)}: {_reason(exc)}") from exc
            self._guard = None if self.settings.chroma_host else _EmbeddedGuard.of(self.settings.chroma_path)
            where, recover = _where(self.settings), bool(self.settings.chroma_host)
            self._client, self._records = _Guarded(client, where, recover), _Guarded(records, where, recover)
            if check:
                self._check_fingerprint(collection)
            self._collection = collection

    def _open_collection(self, client: Any) -> Any:
        from ingest.chroma_embedding import ChromaEmbeddingFunction

        collection = client.get_or_create_collection(
            name=self.settings.collection,
            embedding_function=ChromaEmbeddingFunction(self.embedder),
            configuration={"hnsw": {"space": "cosine"}},
        )
        return _Guarded(collection, _where(self.settings), bool(self.settings.chroma_host))

    def fingerprint(self) -> dict[str, Any]:
        """What the stored vectors depend on: when it changes, everything must be re-embedded."""
        return {
            "embedding_model": self.embedder.name,
            "embedding_backend": self.embedder.backend,  # backends' vectors differ slightly: never mixed
            "chunk_tokens": self.settings.chunk_tokens,
            "chunk_overlap": self.settings.chunk_overlap,
            "chunker": 4,  # 4: chunks carry the version of the write that made them
        }

    def _check_fingerprint(self, collection: Any) -> None:
        """Stop, naming the setting, when the index was built with other settings; never wipe it from here:
        other processes may be serving from it."""
        meta = self._read_meta()
        stored = json.loads(str(meta["fingerprint"])) if meta and meta.get("fingerprint") else None
        if stored is None:
            if collection.count():
                raise IndexBuiltOtherwise(
                    f"the Chroma collection {self.settings.collection!r} at {_where(self.settings)} has chunks but no "
                    "document records (written by an older newsqa): run `newsqa reindex --rebuild`"
                )
            # add, not upsert: when several processes start on an empty index at once, the first one's stays.
            self._records.add(ids=[_META_ID], embeddings=[_RECORD_VECTOR], metadatas=[self._meta(0)])
            meta = self._read_meta()
            stored = json.loads(str(meta["fingerprint"])) if meta else self.fingerprint()
        wanted = self.fingerprint()
        differ = [k for k in sorted(set(stored) | set(wanted)) if stored.get(k) != wanted.get(k)]
        if differ:
            what = "; ".join(
                f"{_FINGERPRINT_SETTINGS.get(k, k)} is {wanted.get(k)!r} but the index was built with {stored.get(k)!r}"
                for k in differ
            )
            raise IndexBuiltOtherwise(
                f"settings differ from the index in Chroma ({_where(self.settings)}, collection "
                f"{self.settings.collection!r}): {what}. Restore the setting, or stop every newsqa using this index "
                "and run `newsqa reindex --rebuild` to re-embed everything"
            )

    def _meta(self, generation: int) -> dict[str, str | int]:
        return {
            "kind": "meta",
            "fingerprint": json.dumps(self.fingerprint(), sort_keys=True),
            "generation": generation,
            "token": uuid.uuid4().hex,
        }

    def _read_meta(self) -> dict[str, Any] | None:
        got = self._records.get(ids=[_META_ID], include=["metadatas"])
        return dict(got["metadatas"][0]) if got["ids"] else None

    # --- the records, as this process sees them -----------------------------------------------
    @property
    def manifest(self) -> Manifest:
        """The records: the writer's draft in the writing thread, else the committed view (refreshed)."""
        if self._draft is not None and self._writer == threading.get_ident():
            return self._draft
        self._open()
        self._refresh()
        return self._view

    @property
    def generation(self) -> int:
        _ = self.manifest
        return self._generation[0] if self._generation else 0

    def _refresh(self, force: bool = False) -> bool:
        """Reload the records when Chroma's generation moved; True when it did."""
        if not force and time.monotonic() - self._checked_at < REFRESH_SECONDS:
            return False
        # One thread refreshes; the others answer from the view they have, at most a second old.
        if not self._refresh_lock.acquire(blocking=force):
            return False
        try:
            self._checked_at = time.monotonic()
            meta = self._read_meta() or {}
            stamp = (int(meta.get("generation", 0)), str(meta.get("token", "")))
            if stamp == self._generation and not force:
                return False
            self._view = self._load_records()
            self._generation = stamp
            return True
        except Exception as exc:
            raise _unreadable(self.settings, exc) from exc
        finally:
            self._refresh_lock.release()

    def _load_records(self) -> Manifest:
        got = get_all(self._records, where={"kind": {"$in": ["doc", "file"]}}, include=["metadatas"])
        view = Manifest()
        for meta in got["metadatas"]:
            if meta["kind"] == "doc":
                record = DocumentRecord.from_metadata(meta)
                view.documents[record.doc_id] = record
            else:
                view.files[str(meta["key"])] = FileRecord.from_metadata(meta)
        return view

    # --- BM25, derived from Chroma ---------------------------------------------------------------
    @property
    def bm25(self) -> BM25Index:
        view = self.manifest if self._writer != threading.get_ident() else self._view
        if self._bm25 is None or self._bm25.generation != self._generation:
            # While one request brings it up to date, the others keep answering from the snapshot they have
            # (chunks deleted since are dropped when fetched from Chroma); only the very first one waits.
            self._sync_bm25(view, wait=self._bm25 is None)
        assert self._bm25 is not None
        return self._bm25

    def _sync_bm25(self, view: Manifest, wait: bool = True) -> None:
        """Bring the BM25 snapshot to ``view``: only documents whose version changed are fetched from Chroma."""
        if not self._bm25_lock.acquire(blocking=wait):
            return
        try:
            generation = self._generation
            current = self._bm25 or BM25Index.load(self.settings.bm25_dir) or BM25Index([])
            if current.generation == generation and self._bm25 is not None:
                return
            wanted = {d.doc_id: d.version for d in view.listed() if d.chunks}
            have = current.versions
            present = {e.doc_id for e in current.entries}
            changed = [d for d, v in wanted.items() if have.get(d) != v]
            gone = (present | set(have)) - set(wanted)
            if changed or gone:
                log.info("BM25: %d document(s) changed, %d gone: refreshing from Chroma", len(changed), len(gone))
                entries, articles, vectors = self._committed_entries(changed, view)
                versions = {d: v for d, v in have.items() if d in wanted and d not in changed}
                versions.update({d: wanted[d] for d in {e.doc_id for e in entries}})
                current = current.with_changes({*gone, *changed}, entries, articles, versions, vectors)
            filled = current.vectors is None and len(current) > 0
            if filled:  # a snapshot saved without them (by an older newsqa): read once, then saved with it
                current = current.with_vectors(self._vectors_of(current))
            current.generation = generation
            first = self._bm25 is None
            self._bm25 = current  # questions see the write now
            if first:
                self._save_bm25_now(current)  # at start-up, before answering: the next start finds it
            elif changed or gone or filled:
                self._save_bm25_soon(current)
        finally:
            self._bm25_lock.release()

    def _save_bm25_soon(self, snapshot: BM25Index) -> None:
        """Save ``snapshot`` for the next start, in the background: saving the whole snapshot takes longer than
        patching it (0.1 s at 10k chunks, 1 s at 100k), and a writer need not wait for it. Saves coalesce (only
        the newest waiting snapshot is written); the saver is no daemon, so a command waits for it at exit."""
        with self._save_lock:
            self._unsaved = snapshot
            if not self._saved.is_set():
                return  # the saver running takes it next
            self._saved.clear()
        threading.Thread(target=self._save_unsaved, name="newsqa-bm25-save").start()

    def _save_unsaved(self) -> None:
        while True:
            with self._save_lock:
                snapshot, self._unsaved = self._unsaved, None
                if snapshot is None:
                    self._saved.set()
                    return
            self._save_bm25_now(snapshot)

    def wait_for_saves(self, timeout: float = 60.0) -> bool:
        """Until the BM25 snapshot on disk is the newest this process made (a shutdown, a test); False when
        ``timeout`` seconds pass first."""
        return self._saved.wait(timeout)

    def _save_bm25_now(self, snapshot: BM25Index) -> None:
        try:
            snapshot.save(self.settings.bm25_dir)
        except OSError as exc:  # a cache of Chroma: the next start reads what it lacks from Chroma
            log.warning("BM25: cannot save the snapshot in %s: %s", self.settings.bm25_dir, exc)

    def _committed_entries(
        self, doc_ids: Sequence[str], view: Manifest
    ) -> tuple[list[BM25Entry], list[ArticleEntry], list[np.ndarray]]:
        """The chunks of ``doc_ids`` that belong to their committed version, complete documents only, their
        articles' entries for article-level BM25, and the chunks' vectors (row for row with the entries)."""
        entries: list[BM25Entry] = []
        articles: list[ArticleEntry] = []
        vectors: list[np.ndarray] = []
        for batch in _batches(sorted(doc_ids), 200):
            got = self.collection.get(
                where={"doc_id": {"$in": batch}}, include=["documents", "metadatas", "embeddings"]
            )
            rows = [
                r
                for r in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True)
                if _current(r[2], view)
            ]
            counts: dict[str, int] = {}
            for _, _, meta, _ in rows:
                counts[str(meta["doc_id"])] = counts.get(str(meta["doc_id"]), 0) + 1
            # A document another writer is replacing right now shows up at the next generation instead.
            rows = [r for r in rows if counts[str(r[2]["doc_id"])] == view.documents[str(r[2]["doc_id"])].chunks]
            entries += bm25_entries([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
            articles += article_entries(
                [r[1] for r in rows], [int(r[2].get("start", 0)) for r in rows], [r[2] for r in rows]
            )
            vectors += [np.asarray(r[3], dtype=np.float32) for r in rows]
        return entries, articles, vectors

    def _vectors_of(self, snapshot: BM25Index) -> np.ndarray:
        """Every chunk's vector of ``snapshot``, row for row; an empty array when Chroma lacks one of them."""
        ids = [e.chunk_id for e in snapshot.entries]
        found: dict[str, np.ndarray] = {}
        for batch in _batches(ids, _PAGE):
            found.update(self._chroma_vectors(batch))
        if len(found) < len(ids):
            return np.zeros((0, 0), dtype=np.float32)  # no vectors: the ones a question needs come from Chroma
        return np.stack([found[i] for i in ids])

    # --- writing --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Manifest]:
        """Hold the index for writing: the lease across processes, a fresh draft of the records to change.

        Nested calls join the outer transaction. On an exception the draft is thrown away and what a failed
        write left pending is repaired (or left for the next writer, if Chroma is unreachable).
        """
        with self.write_lock:
            if self._depth == 0:
                self._open()
                if self._guard is not None:
                    self._guard.acquire_write(self.write_wait)
                try:
                    self._acquire_lease()
                except BaseException:
                    if self._guard is not None:
                        self._guard.release_write()
                    raise
                try:
                    self._refresh(force=True)
                    self._writer = threading.get_ident()
                    self._draft = self._view.copy()
                    self._repair_pending()
                except BaseException:
                    self._end_transaction()
                    raise
            self._depth += 1
            failed = False
            try:
                yield self._draft  # type: ignore[misc]
            except BaseException:
                failed = True
                raise
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._end_transaction(failed)

    def _end_transaction(self, failed: bool = False) -> None:
        try:
            if failed:
                with contextlib.suppress(Exception):
                    self._refresh(force=True)
                    self._draft = self._view.copy()
                    self._repair_pending()
        finally:
            self._draft, self._writer = None, None
            self._pending.clear()
            self._release_lease()
            if self._guard is not None:
                self._guard.release_write()
        # The view is what this writer committed (nobody else writes while it holds the lease); BM25 follows it.
        with contextlib.suppress(StoreError):
            self._sync_bm25(self._view)

    def _draft_or_fail(self) -> Manifest:
        if self._draft is None or self._writer != threading.get_ident():
            raise RuntimeError("index writes must happen inside IndexStore.transaction()")
        self._check_lease()
        return self._draft

    def write(self, remove_doc_ids: Sequence[str], chunks: Sequence[Chunk], vectors: np.ndarray) -> str:
        """Replace the chunks of ``remove_doc_ids`` and of the chunks' documents with ``chunks``.

        Their records are marked pending first (readers stop trusting them), and stay so until
        :meth:`save_manifest` commits the new ones. Returns the version the new chunks carry.
        """
        self._draft_or_fail()
        version = uuid.uuid4().hex[:12]
        stale = sorted(set(remove_doc_ids) | {c.doc_id for c in chunks})
        self._mark_pending(stale)
        for batch in _batches(stale, 500):
            self._check_lease()
            self.collection.delete(where={"doc_id": {"$in": batch}})
        max_batch = self._client.get_max_batch_size()
        for start in range(0, len(chunks), max_batch):
            part = chunks[start : start + max_batch]
            self._check_lease()
            self.collection.add(
                ids=[c.chunk_id for c in part],
                documents=[c.text for c in part],
                embeddings=vectors[start : start + max_batch],
                metadatas=[chunk_to_metadata(c, version) for c in part],
            )
        return version

    def _mark_pending(self, doc_ids: Sequence[str]) -> None:
        new = [d for d in doc_ids if d not in self._pending]
        if not new:
            return
        marked = []
        for doc_id in new:
            known = self._view.documents.get(doc_id)
            record = copy.copy(known) if known else DocumentRecord(doc_id, "", "", "", "", "", "", "", 0)
            record.state = PENDING
            marked.append(record)
        self._check_lease()
        self._upsert([_DOC + r.doc_id for r in marked], [r.to_metadata() for r in marked])
        self._pending.update(new)
        self._bump()

    def save_manifest(self) -> None:
        """Commit the draft: write the records that changed (after their chunks), delete the gone, bump the
        generation. The draft then is what Chroma holds."""
        draft, base = self._draft_or_fail(), self._view
        docs = [d for i, d in draft.documents.items() if i in self._pending or base.documents.get(i) != d]
        files = [(k, f) for k, f in draft.files.items() if base.files.get(k) != f]
        gone = [_DOC + i for i in {*base.documents, *self._pending} if i not in draft.documents]
        gone += [_FILE + k for k in base.files if k not in draft.files]
        for doc in docs:
            doc.state = COMMITTED
        if docs or files:
            self._upsert(
                [*(_DOC + d.doc_id for d in docs), *(_FILE + k for k, _ in files)],
                [*(d.to_metadata() for d in docs), *(f.to_metadata(k) for k, f in files)],
            )
        for batch in _batches(gone, 500):
            self.records.delete(ids=batch)
        if docs or files or gone or self._pending:
            self._bump()
        self._pending.clear()
        self._view = draft.copy()

    def _upsert(self, ids: list[str], metadatas: list[dict[str, str | int]]) -> None:
        max_batch = self._client.get_max_batch_size()
        for start in range(0, len(ids), max_batch):
            part = ids[start : start + max_batch]
            self.records.upsert(
                ids=part, embeddings=[_RECORD_VECTOR] * len(part), metadatas=metadatas[start : start + max_batch]
            )

    def _bump(self) -> None:
        meta = self._read_meta() or {}
        fresh = {**meta, **self._meta(int(meta.get("generation", 0)) + 1)}
        fresh["fingerprint"] = meta.get("fingerprint") or fresh["fingerprint"]
        self.records.upsert(ids=[_META_ID], embeddings=[_RECORD_VECTOR], metadatas=[fresh])
        # Only the lease holder writes, so nothing changed in Chroma that this view does not know of.
        self._generation = (int(fresh["generation"]), str(fresh["token"]))

    # --- repair -----------------------------------------------------------------------------------
    def _repair_pending(self) -> None:
        """Undo what a crashed or failed writer left pending: its documents' chunks and records go, and their
        files are read again by the next reindex (which brings back the new version)."""
        draft = self._draft_or_fail()
        broken = {d.doc_id for d in draft.documents.values() if d.state != COMMITTED}
        if broken:
            log.warning("repairing %d document(s) a crashed or failed write left half-written", len(broken))
            self._forget(broken)

    def repair(self) -> int:
        """Check every chunk against the committed records (start-up and reindex): chunks of no committed
        document, or not of its version, are deleted, and a document whose chunks are not exactly its own is
        dropped to be indexed again. Returns how many documents and stray chunk sets were repaired."""
        draft = self._draft_or_fail()
        got = get_all(self.collection, include=["metadatas"])
        found: dict[str, set[str]] = {}
        for cid, meta in zip(got["ids"], got["metadatas"], strict=True):
            found.setdefault(str(meta.get("doc_id", "")), set()).add(cid if _current(meta, draft) else "")
        listed = {d.doc_id: d for d in draft.listed()}
        broken = {d for d, rec in listed.items() if found.get(d, set()) != {f"{d}:{i:04d}" for i in range(rec.chunks)}}
        strays = set(found) - set(listed)
        if broken or strays:
            log.warning("repairing %d document(s) and %d stray chunk set(s)", len(broken), len(strays))
            for batch in _batches(sorted(strays), 500):
                self.collection.delete(where={"doc_id": {"$in": batch}})
            self._forget(broken)
        return len(broken) + len(strays)

    def _forget(self, doc_ids: set[str]) -> None:
        draft = self._draft_or_fail()
        doc_ids |= {d.doc_id for d in draft.documents.values() if d.duplicate_of in doc_ids}
        for batch in _batches(sorted(doc_ids), 500):
            self.collection.delete(where={"doc_id": {"$in": batch}})
        for doc_id in doc_ids:
            record = draft.documents.pop(doc_id)
            file = draft.files.get(record.file)
            if file is not None:
                file.file_hash = ""
        self._pending.update(doc_ids)
        self.save_manifest()

    def rebuild(self, before_reset: Callable[[], None] | None = None) -> None:
        """Start the index over with the current settings (``newsqa reindex --rebuild``): chunks and document
        records go; file records stay, so files ingested from elsewhere are still followed and articles
        deleted through the API stay deleted. The caller's reindex then embeds everything again.

        ``before_reset`` runs first, holding the lease, while the old chunks are still there to be read."""
        self._open(check=False)
        with self.transaction() as draft:
            if before_reset is not None:
                before_reset()
            with contextlib.suppress(Exception):  # chroma raises a bare error for an absent collection
                self._client.delete_collection(self.settings.collection)
            self._collection = self._open_collection(self._client)
            self._pending.update(draft.documents)
            draft.documents.clear()
            for file in draft.files.values():
                file.file_hash = ""
            meta = self._read_meta() or {}
            fresh = self._meta(int(meta.get("generation", 0)))
            self.records.upsert(ids=[_META_ID], embeddings=[_RECORD_VECTOR], metadatas=[fresh])
            self.save_manifest()

    # --- the lease: one writer across processes --------------------------------------------------
    def _acquire_lease(self) -> None:
        deadline = time.monotonic() + LEASE_WAIT_SECONDS
        waited = False
        while True:
            mine = {"kind": "lock", "owner": self._owner, "expires": time.time() + self._lease_seconds}
            # add is ignored when the id exists: whoever added first holds the lease.
            self._records.add(ids=[_LOCK_ID], embeddings=[_RECORD_VECTOR], metadatas=[mine])
            got = self._records.get(ids=[_LOCK_ID], include=["metadatas"])
            holder = dict(got["metadatas"][0]) if got["ids"] else None
            if holder is not None and holder.get("owner") == self._owner:
                self._lease_until = float(holder["expires"])
                self._start_renewing()
                return
            if holder is not None and _lease_abandoned(holder):
                log.warning("taking over the index lease of %s (expired or its process is gone)", holder["owner"])
                self._records.delete(ids=[_LOCK_ID], where={"owner": holder["owner"]})
                continue
            if holder is not None and not waited:
                log.warning("another newsqa (%s) is writing to the index: waiting for it", holder.get("owner"))
                waited = True
            if time.monotonic() > deadline:
                who = holder.get("owner") if holder else "another process"
                raise StoreError(
                    f"the index is being written by {who} for over {LEASE_WAIT_SECONDS:.0f} s; try again later"
                )
            time.sleep(0.1)

    def _start_renewing(self) -> None:
        stop = threading.Event()
        self._lease_stop = stop

        def renew() -> None:
            while not stop.wait(self._lease_seconds / 3):
                with contextlib.suppress(Exception):
                    if not self._renew_lease():
                        return  # taken over: the next write finds out (_check_lease) and stops

        threading.Thread(target=renew, name="newsqa-lease", daemon=True).start()

    def _renew_lease(self) -> bool:
        """Extend the lease if it is still this process's; False when another process holds it now, or nobody.

        Never written over another's: a process stopped (SIGSTOP, a frozen VM) past its lease whose renewer
        wakes first must not take back a lease the next writer took over."""
        got = self._records.get(ids=[_LOCK_ID], include=["metadatas"])
        if not got["ids"] or got["metadatas"][0].get("owner") != self._owner:
            return False
        expires = time.time() + self._lease_seconds
        self._records.update(
            ids=[_LOCK_ID],
            embeddings=[_RECORD_VECTOR],
            metadatas=[{"kind": "lock", "owner": self._owner, "expires": expires}],
        )
        self._lease_until = expires
        return True

    def _check_lease(self) -> None:
        """Before each write: the lease must still be this process's. Within its term it is (others take over
        only an expired lease; a third of the term is left for clocks that differ); after it, Chroma says.

        Chroma has no conditional write, so this is no fence: a process stopped in the middle of one Chroma
        call finishes that call. Everything after it, the commit of its records included, is not written."""
        if time.time() < self._lease_until - self._lease_seconds / 3:
            return
        try:
            still_mine = self._renew_lease()
        except Exception as exc:
            where = _where(self.settings)
            raise StoreError(f"cannot confirm the write lease in Chroma at {where}: {_reason(exc)}") from exc
        if not still_mine:
            raise StoreError(
                f"this process stopped for longer than its write lease ({self._lease_seconds:.0f} s, "
                "NEWSQA_WRITE_LEASE_SECONDS) and another process took over the index: it wrote nothing more, "
                "and the next reindex finishes what it left"
            )

    def _release_lease(self) -> None:
        if self._lease_stop is not None:
            self._lease_stop.set()
            self._lease_stop = None
        with contextlib.suppress(Exception):  # an unreachable Chroma: the lease expires by itself
            self._records.delete(ids=[_LOCK_ID], where={"owner": self._owner})

    # --- reading --------------------------------------------------------------------------------
    def count(self) -> int:
        return int(self.collection.count())

    def get_chunks(self, ids: Sequence[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        if not ids:
            return {}
        got = self.collection.get(ids=list(ids), include=["documents", "metadatas"])
        return {i: (d, m) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)}

    def text_of(self, doc_id: str) -> str:
        """An article's text read back from its chunks in Chroma ("" when it has none)."""
        return _text_from_chunks([(int(meta.get("start", 0)), chunk) for _, chunk, meta in self.chunks_of(doc_id)])

    def chunks_of(self, doc_id: str, record: DocumentRecord | None = None) -> list[tuple[str, str, dict[str, Any]]]:
        """The chunks of the committed version of ``doc_id``: the one ``record`` names when given (read
        from Chroma just now), else the one this process's view names."""
        view = Manifest(documents={doc_id: record}) if record is not None else self.manifest
        got = self.collection.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        rows = [r for r in zip(got["ids"], got["documents"], got["metadatas"], strict=True) if _current(r[2], view)]
        return sorted(rows, key=lambda r: r[2].get("chunk_index", 0))

    def record(self, doc_id: str) -> DocumentRecord | None:
        """One document's record as Chroma holds it now, not as this process last saw it: the view may be
        up to REFRESH_SECONDS old, and a reader asking for one article by id (after another process, or
        another worker of this server, deleted or wrote it) must not be told what is no longer true."""
        if self._draft is not None and self._writer == threading.get_ident():
            return self._draft.documents.get(doc_id)
        self._open()
        try:
            got = self._records.get(ids=[_DOC + doc_id], include=["metadatas"])
        except Exception as exc:
            raise _unreadable(self.settings, exc) from exc
        return DocumentRecord.from_metadata(dict(got["metadatas"][0])) if got["ids"] else None

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored embeddings of ``ids`` (those that still exist): from the BM25 snapshot, which keeps its
        chunks' vectors, or else from Chroma."""
        snapshot = self._bm25
        found: dict[str, np.ndarray] = {}
        if snapshot is not None:
            found = {i: v for i in ids if (v := snapshot.vector(i)) is not None}
        missing = [i for i in ids if i not in found]
        return {**found, **self._chroma_vectors(missing)} if missing else found

    def _chroma_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        got = self.collection.get(ids=list(ids), include=["embeddings"])
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(got["ids"], got["embeddings"], strict=True)}

    def dense_search(self, vector: np.ndarray, k: int, where: Where | None = None) -> list[tuple[str, float]]:
        """The ``k`` nearest chunks of committed articles that ``where`` lets through, with their cosine.

        The search is exact and in memory, over the vectors the BM25 snapshot keeps (it is rebuilt from Chroma,
        like the BM25 index, when Chroma's records change): over the RealTime QA corpus's 11,161 chunks it takes
        0.2 ms against Chroma's 1.0 ms, and 1 ms against 20+ ms filtered by date (Chroma's filtered search reads
        the metadata of every chunk the range matches). Chroma's own search serves a snapshot without vectors.
        A chunk's id names its article (``<doc_id>:<index>``), so chunks of articles not committed are left out
        here; a chunk of another version of a committed one (a write in progress) is left out by :meth:`passages`.
        """
        view = self.manifest
        hits = self.bm25.nearest(vector, k, where or Where())
        if hits is None:
            hits = self._chroma_nearest(vector, k, where)
        return [(cid, cosine) for cid, cosine in hits if _committed(_doc_of_chunk(cid), view)]

    def _chroma_nearest(self, vector: np.ndarray, k: int, where: Where | None) -> list[tuple[str, float]]:
        """Chroma's HNSW search (a failure inside Chroma is a StoreError, the API's 503: see _Guarded)."""
        # More results than chunks is fine: Chroma returns what there is (none from an empty collection).
        res = self.collection.query(
            query_embeddings=[vector], n_results=k, where=_chroma_where(where), include=["distances"]
        )
        # Cosine space: distance = 1 - cosine similarity.
        return [(cid, 1.0 - float(dist)) for cid, dist in zip(res["ids"][0], res["distances"][0], strict=True)]

    def passages(self, ranked: Sequence[str], n: int) -> list[tuple[str, str, dict[str, Any], np.ndarray]]:
        """``(chunk id, text, metadata, embedding)`` of the first ``n`` of ``ranked`` that belong to their
        article's committed version; chunks deleted or rewritten since the search are skipped."""
        view = self.manifest
        rows: list[tuple[str, str, dict[str, Any], np.ndarray]] = []
        start = 0
        while len(rows) < n and start < len(ranked):
            batch = list(ranked[start : start + n - len(rows)])
            start += len(batch)
            got = self.collection.get(ids=batch, include=["documents", "metadatas", "embeddings"])
            found = {
                cid: (text, meta, emb)
                for cid, text, meta, emb in zip(
                    got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
                )
                if _current(meta, view)
            }
            rows += [(cid, *found[cid]) for cid in batch if cid in found]
        return rows


def get_all(collection: Any, **query: Any) -> dict[str, list[Any]]:
    """``collection.get(**query)`` a page at a time: one call for every row fails beyond some 30k rows
    (embedded Chroma binds one SQL variable per id)."""
    got: dict[str, list[Any]] = {"ids": [], "documents": [], "metadatas": []}
    while True:
        page = collection.get(**query, limit=_PAGE, offset=len(got["ids"]))
        for name in got:
            got[name] += page.get(name) or []
        if len(page["ids"]) < _PAGE:
            return got


def _doc_of_chunk(chunk_id: str) -> str:
    return chunk_id.rpartition(":")[0]  # chunk ids are f"{doc_id}:{index:04d}" (ingest.chunking)


def _chroma_where(where: Where | None) -> dict[str, Any] | None:
    """``where`` as a Chroma filter over the metadata every chunk carries (source, published_day, doc_id)."""
    if where is None:
        return None
    clauses: list[dict[str, Any]] = []
    if where.source:
        clauses.append({"source": where.source})
    if where.day_from is not None:
        clauses.append({"published_day": {"$gte": where.day_from}})
    if where.day_to is not None:
        clauses.append({"published_day": {"$lte": where.day_to}})
    if where.exclude_doc_ids:
        clauses.append({"doc_id": {"$nin": sorted(where.exclude_doc_ids)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _committed(doc_id: str, view: Manifest) -> bool:
    record = view.documents.get(doc_id)
    return record is not None and record.state == COMMITTED


def _current(meta: dict[str, Any], view: Manifest) -> bool:
    """Whether a chunk belongs to the committed version of its document."""
    record = view.documents.get(str(meta.get("doc_id", "")))
    return record is not None and record.state == COMMITTED and meta.get("version") == record.version


def _lease_abandoned(holder: dict[str, Any]) -> bool:
    if float(holder.get("expires", 0)) < time.time():
        return True
    host, _, rest = str(holder.get("owner", "")).partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def chunk_to_metadata(chunk: Chunk, version: str) -> dict[str, str | int]:
    return {**chunk.metadata, "start": chunk.start, "end": chunk.end, "chunk_index": chunk.index, "version": version}


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
    bodies = [embedding_text(titles[d], " ".join(text for _, text in _pieces(parts[d]))) for d in doc_ids]
    return [ArticleEntry(d, tuple(t)) for d, t in zip(doc_ids, tokenize(bodies), strict=True)]


def _text_from_chunks(parts: Sequence[tuple[int, str]]) -> str:
    """An article's text again from its chunks ((start offset, text) pairs). Between chunks the chunker trimmed
    only whitespace: a gap of two or more characters comes back as a paragraph break, a shorter one as a space."""
    out: list[str] = []
    covered = 0
    for start, text in _pieces(parts):
        if out and start > covered:
            out.append("\n\n" if start - covered >= 2 else " ")
        out.append(text)
        covered = start + len(text)
    return "".join(out)


def _pieces(parts: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
    """The chunks' texts without what they repeat of each other, each with its start offset, in order."""
    pieces: list[tuple[int, str]] = []
    covered = 0
    for start, text in sorted(parts):
        end = start + len(text)
        if end > covered:
            # A chunk is an exact slice of the article's text, so its start offset tells what repeats.
            skip = max(0, covered - start)
            pieces.append((start + skip, text[skip:]))
            covered = end
    return pieces


def _batches(items: Sequence[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]

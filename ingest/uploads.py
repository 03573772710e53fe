"""Articles that arrive over HTTP: saved under ``<data folder>/uploads/`` and indexed like any file.

They are data, so they are kept with the data, never in the documents folder or the checkout; their articles
live in Chroma like every other, and the file lets a rebuild embed them again. A duplicate is detected before
anything is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from ingest.indexing import Indexer
from ingest.loading import SUPPORTED_SUFFIXES, LoadError, load_file, text_article
from ingest.store import DocumentRecord


class UnsupportedType(ValueError):
    pass


@dataclass
class UploadResult:
    status: str  # "added" | "updated" | "duplicate"
    documents: list[DocumentRecord]


def _safe_stem(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(name).stem).strip("-._")
    return stem[:60] or "article"


def check_suffix(filename: str) -> str:
    """The file's suffix when it is a kind the loaders read; else UnsupportedType naming the kinds."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedType(
            f"unsupported file type {suffix or '(none)'!r}; supported: {', '.join(sorted(SUPPORTED_SUFFIXES))}"
        )
    return suffix


def staging_file(folder: Path, suffix: str) -> Path:
    """A fresh path in the uploads folder for an upload still arriving.

    A dot-name is skipped by folder scans and the watcher, so a half-written upload is never indexed; the
    suffix is the upload's own, because the loader reads a file by its suffix.
    """
    folder.mkdir(parents=True, exist_ok=True)
    _sweep_abandoned(folder)
    return folder / f".upload-{uuid.uuid4().hex}{suffix}"


# A staging file untouched this long belongs to a process killed mid-upload (one still receiving writes to it).
ABANDONED_AFTER_S = 3600


def _sweep_abandoned(folder: Path) -> None:
    """Remove staging files of uploads whose process died before it could (SIGKILL, power loss)."""
    cutoff = time.time() - ABANDONED_AFTER_S
    for path in folder.glob(".upload-*"):
        with contextlib.suppress(OSError):  # another process may sweep or finish it at the same moment
            if path.stat().st_mtime < cutoff:
                path.unlink()


def add_file(indexer: Indexer, filename: str, data: bytes) -> UploadResult:
    """Index an uploaded file. Raises UnsupportedType or LoadError (with a reason) and then writes nothing."""
    staged = staging_file(indexer.uploads_dir, check_suffix(filename))
    try:
        staged.write_bytes(data)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return add_staged(indexer, filename, staged)


def add_staged(indexer: Indexer, filename: str, staged: Path) -> UploadResult:
    """Index an upload already written to ``staged`` (from :func:`staging_file`), named ``filename`` by its sender.

    ``staged`` is taken over: it becomes the upload's file under its final name, or is removed, whatever happens.
    Raises UnsupportedType or LoadError (with a reason) and then leaves nothing behind.
    """
    try:
        suffix = check_suffix(filename)
        folder = indexer.uploads_dir
        # One transaction: the duplicate check and the write see the same records, whichever process writes next.
        with indexer.store.transaction() as manifest:
            with staged.open("rb") as f:
                digest = hashlib.file_digest(f, "sha256").hexdigest()[:10]
            final = folder / f"{_safe_stem(filename)}-{digest}{suffix}"
            docs = load_file(staged, folder.parent)
            known = manifest.by_content_hash()
            if all(d.content_hash in known for d in docs):
                existing = [manifest.documents[known[d.content_hash]] for d in docs]
                return UploadResult("duplicate", existing)
            os.replace(staged, final)
            try:
                report = indexer.ingest([final])
            except BaseException:
                # The transaction repairs what the failed write left pending; the file must not stay behind either.
                final.unlink(missing_ok=True)
                raise
            if report.skipped_files:
                final.unlink(missing_ok=True)
                raise LoadError(report.skipped_files[0][1], final.name)
            records = [manifest.documents[r.doc_id] for r in report.documents if r.doc_id in manifest.documents]
    finally:
        staged.unlink(missing_ok=True)  # a duplicate, a refusal or a failure: not kept
    status = "updated" if report.updated and not report.added else "added"
    if report.duplicates and not (report.added or report.updated):
        status = "duplicate"
    return UploadResult(status, records)


def add_text(
    indexer: Indexer, title: str, text: str, url: str = "", published: str = "", source: str = "", author: str = ""
) -> UploadResult:
    """Index a pasted article: written as a Markdown file in the layout the text loader reads."""
    body = text_article(title, text, source=source, published=published, url=url, author=author)
    return add_file(indexer, f"{_safe_stem(title)}.md", body.encode("utf-8"))

"""NEWSQA_WATCH=true: re-index when files arrive in, change in or leave the documents folder."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from fastapi.concurrency import run_in_threadpool
from watchfiles import Change, awatch

from ingest.indexing import Indexer
from ingest.loading import SUPPORTED_SUFFIXES

log = logging.getLogger(__name__)


def _relevant(change: Change, path: str) -> bool:
    p = Path(path)
    # Dot-files include in-progress uploads and editors' swap files; they are never indexed.
    # A folder moved in arrives as one event for the folder, none for the articles inside it.
    return not p.name.startswith((".", "~")) and (
        p.suffix.lower() in SUPPORTED_SUFFIXES or change == Change.deleted or p.is_dir()
    )


async def watch_documents(indexer: Indexer, stop: asyncio.Event) -> None:
    folder = indexer.documents_dir
    folder.mkdir(parents=True, exist_ok=True)
    log.info("watching %s for new, changed and deleted articles", folder)
    async for changes in awatch(folder, watch_filter=_relevant, stop_event=stop, debounce=800, step=200):
        log.info("%d change(s) in %s: re-indexing", len(changes), folder)
        try:
            report = await run_in_threadpool(indexer.reindex)
            for path, reason in report.skipped_files:
                log.warning("skipped %s: %s", path, reason)
            log.info("watch reindex: %s", report.summary())
        except Exception:
            log.exception("watch reindex failed")

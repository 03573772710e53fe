"""The FastAPI app: components load once in the lifespan; routers only translate HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline

from api import errors
from api.routes import ask, documents, health, openai, pages, reindex
from api.routes.pages import STATIC_DIR
from api.services import Services, build_services
from api.watch import watch_documents
from ingest.settings import Settings

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services: Services = await run_in_threadpool(build_services, settings)
        # Load the models, open Chroma and the BM25 snapshot now, not on the first question.
        await run_in_threadpool(lambda: (services.embedder.max_tokens, services.store.bm25))
        await run_in_threadpool(services.preload_model)
        app.state.services = services
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch_documents(services.indexer, stop)) if settings.watch else None
        try:
            yield
        finally:
            stop.set()
            if watcher is not None:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await asyncio.wait_for(watcher, timeout=5)

    # /docs and /redoc with Swagger UI and ReDoc served by the app itself (FastAPI's own pages load them from a
    # CDN, and this service is meant to run on machines without the internet).
    app = FastAPIOffline(
        title="newsqa",
        summary="Ask questions about news articles; every answer cites the passages it rests on.",
        version="0.1.0",
        lifespan=lifespan,
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"], allow_headers=["*"]
        )
    errors.install(app)
    for router in (ask.router, documents.router, reindex.router, health.router, openai.router, pages.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app

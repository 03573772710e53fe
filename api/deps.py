"""Dependencies, declared once as Annotated types; routers take them as parameters."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool

from api.services import Services
from ingest.catalogue import Catalogue
from ingest.indexing import Indexer
from ingest.settings import Settings
from qa.answering import Answerer


# The dependencies are async although nothing in them waits: FastAPI runs a plain ``def`` dependency in its
# thread pool, one hop per dependency per request, and under load each hop queues for the GIL.
async def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_settings(services: ServicesDep) -> Settings:
    return services.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_indexer(services: ServicesDep) -> Indexer:
    return services.indexer


IndexerDep = Annotated[Indexer, Depends(get_indexer)]


async def get_catalogue(services: ServicesDep) -> Catalogue:
    return Catalogue(services.store)


CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]


async def get_answerer(services: ServicesDep) -> Answerer:
    # A ModelError raised here becomes a 503 naming the setting (see api.errors). Loading the model (when the
    # start-up could not) takes a while: in the thread pool, not on the event loop.
    return services.loaded_answerer() or await run_in_threadpool(services.answerer)


AnswererDep = Annotated[Answerer, Depends(get_answerer)]


def _check_key(settings: Settings, authorization: str | None, x_api_key: str | None) -> None:
    expected = settings.api_key
    if not expected:
        return
    given = x_api_key
    if authorization and authorization.lower().startswith("bearer "):
        given = authorization[7:].strip()
    if not given or not secrets.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="missing or wrong API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )


async def require_write_key(
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> None:
    _check_key(settings, authorization, x_api_key)


async def require_read_key(
    settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> None:
    if settings.api_key_reads:
        _check_key(settings, authorization, x_api_key)


WriteAuth = Depends(require_write_key)
ReadAuth = Depends(require_read_key)

"""GET /health."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import CatalogueDep, ReadAuth, ServicesDep
from api.errors import responses
from api.schemas import HealthOut
from qa.generation import ModelError

router = APIRouter(tags=["health"], dependencies=[ReadAuth], responses=responses(401, 422, 503))


@router.get("/health", response_model=HealthOut)
def health(services: ServicesDep, catalogue: CatalogueDep) -> dict[str, object]:
    settings = services.settings
    model_error = None
    try:
        model = services.answerer().generator.name
    except ModelError as exc:
        model, model_error = settings.llm, str(exc)
    return {
        "status": "ok" if model_error is None else "degraded",
        "documents": catalogue.count(),
        "chunks": services.store.count(),
        "model": model,
        "model_error": model_error,
        "embedding_model": services.embedder.name,
        "embedding_backend": services.embedder.backend,
        "auth": {"writes": bool(settings.api_key), "reads": bool(settings.api_key and settings.api_key_reads)},
    }

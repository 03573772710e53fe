"""POST /reindex."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import IndexerDep, WriteAuth
from api.errors import responses
from api.schemas import ReindexOut

router = APIRouter(tags=["index"], dependencies=[WriteAuth], responses=responses(401, 422, 503))


@router.post("/reindex", response_model=ReindexOut)
def reindex(indexer: IndexerDep) -> dict[str, object]:
    report = indexer.reindex()
    return {**report.counts(), "skipped_files": [{"path": p, "reason": r} for p, r in report.skipped_files]}

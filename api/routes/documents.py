"""/documents: list, read, upload (file or JSON) and delete articles."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from api.bodies import FRAMING_SLACK, declared_length, read_bounded, receive_file, too_large
from api.deps import CatalogueDep, IndexerDep, ReadAuth, SettingsDep, WriteAuth
from api.errors import responses, validation_message
from api.schemas import DeletedOut, DocumentDetail, DocumentIn, DocumentPage, UploadOut
from ingest.catalogue import Page
from ingest.uploads import UnsupportedType, add_staged, add_text

router = APIRouter(prefix="/documents", tags=["documents"], responses=responses(401, 422, 503))

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            # Inline: the body is parsed by hand, so FastAPI never adds DocumentIn to the schema's components,
            # and a $ref to it would dangle (ReDoc refuses to render the whole page over one).
            "application/json": {"schema": DocumentIn.model_json_schema()},
        },
    }
}


@router.get("", response_model=DocumentPage, dependencies=[ReadAuth])
def list_documents(
    catalogue: CatalogueDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    source: str | None = None,
) -> Page:
    return catalogue.page(offset, limit, source)  # its records are shown as DocumentOut (no bookkeeping)


@router.get("/{doc_id}", response_model=DocumentDetail, dependencies=[ReadAuth], responses=responses(404))
def get_document(doc_id: str, catalogue: CatalogueDep) -> dict[str, object]:
    record = catalogue.get(doc_id)
    if record is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no document with id {doc_id!r}")
    return {**asdict(record), "chunk_texts": catalogue.chunks(record)}


@router.delete("/{doc_id}", response_model=DeletedOut, dependencies=[WriteAuth], responses=responses(404))
def delete_document(doc_id: str, indexer: IndexerDep) -> dict[str, object]:
    if not indexer.delete_document(doc_id):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no document with id {doc_id!r}")
    return {"doc_id": doc_id, "deleted": True}


@router.post(
    "",
    dependencies=[WriteAuth],
    openapi_extra=_UPLOAD_BODY,
    status_code=201,
    response_model=UploadOut,
    responses={
        200: {"model": UploadOut, "description": "The same content is already indexed: that document."},
        **responses(400, 413, 415),
    },
)
async def upload_document(request: Request, indexer: IndexerDep, settings: SettingsDep) -> JSONResponse:
    limit = int(settings.max_upload_mb * 1024 * 1024)

    def error() -> HTTPException:
        return too_large("upload", f"{settings.max_upload_mb:g} MB", "NEWSQA_MAX_UPLOAD_MB")

    declared = declared_length(request)
    if declared is not None and declared > limit + FRAMING_SLACK:
        raise error()  # refused before a byte of it is read
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        # Streamed to a staging file in the uploads folder as it arrives, cut off past the limit.
        filename, staged = await receive_file(request, indexer.uploads_dir, limit, error)
        result = await run_in_threadpool(add_staged, indexer, filename, staged)
    elif content_type == "application/json":
        body = await read_bounded(request, limit, error)
        try:
            doc = DocumentIn.model_validate_json(body)
        except ValidationError as exc:
            raise HTTPException(422, detail=validation_message(exc.errors())) from exc  # type: ignore[arg-type]
        result = await run_in_threadpool(
            add_text,
            indexer,
            doc.title,
            doc.text,
            str(doc.url or ""),
            doc.published.isoformat() if doc.published else "",
            doc.source,
            doc.author,
        )
    else:
        given = content_type or "no content type"
        raise UnsupportedType(
            f"send a file as multipart/form-data (field 'file') or JSON {{title, text, ...}}, not {given!r}"
        )
    code = status.HTTP_200_OK if result.status == "duplicate" else status.HTTP_201_CREATED
    shown = [{**asdict(d), "status": result.status} for d in result.documents]
    body = UploadOut.model_validate({**shown[0], "documents": shown})  # the first article, and all of them
    return JSONResponse(status_code=code, content=body.model_dump(mode="json"))

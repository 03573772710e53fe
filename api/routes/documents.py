"""/documents: list, read, upload (file or JSON) and delete articles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from api.bodies import FRAMING_SLACK, declared_length, read_bounded, receive_file, too_large
from api.deps import IndexerDep, ReadAuth, SettingsDep, WriteAuth
from api.errors import responses, validation_message
from api.schemas import DeletedOut, DocumentDetail, DocumentIn, DocumentPage, UploadOut
from ingest.store import COMMITTED, DocumentRecord
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


def _out(record: DocumentRecord, status_: str | None = None) -> dict[str, object]:
    return {
        "doc_id": record.doc_id,
        "title": record.title,
        "source": record.source,
        "published": record.published,
        "url": record.url,
        "path": record.path,
        "chunks": record.chunks,
        "duplicate_of": record.duplicate_of,
        "indexed_at": record.indexed_at,
        "status": status_,
    }


@router.get("", response_model=DocumentPage, dependencies=[ReadAuth])
def list_documents(
    indexer: IndexerDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    source: str | None = None,
) -> dict[str, object]:
    records = indexer.store.manifest.listed()
    if source:
        records = [d for d in records if d.source == source]
    # Newest first, the order a news reader expects; undated last.
    records.sort(key=lambda d: (d.published or "0000", d.indexed_at, d.title), reverse=True)
    page = records[offset : offset + limit]
    return {"total": len(records), "offset": offset, "limit": limit, "items": [_out(d) for d in page]}


@router.get("/{doc_id}", response_model=DocumentDetail, dependencies=[ReadAuth], responses=responses(404))
def get_document(doc_id: str, indexer: IndexerDep) -> dict[str, object]:
    manifest = indexer.store.manifest
    record = manifest.documents.get(doc_id)
    if record is None or record.state != COMMITTED:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no document with id {doc_id!r}")
    canonical = manifest.documents.get(record.duplicate_of or doc_id, record)
    chunks = [
        {"chunk_id": cid, "text": text, "start": int(meta.get("start", 0)), "end": int(meta.get("end", 0))}
        for cid, text, meta in indexer.store.chunks_of(canonical.doc_id)
    ]
    return {**_out(record), "chunk_texts": chunks}


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
    first = result.documents[0]
    return JSONResponse(
        status_code=code,
        content={**_out(first, result.status), "documents": [_out(d, result.status) for d in result.documents]},
    )

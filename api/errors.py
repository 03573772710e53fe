"""Every error leaves as JSON with a message; no stack trace ever reaches a client.

The API's own routes answer ``{"detail": "..."}``. Under ``/v1/`` (the OpenAI-compatible routes) errors take
OpenAI's shape, ``{"error": {"message", "type", "param", "code"}}``, with the status OpenAI would use, because
the clients written for that API read them so (the official one raises ``BadRequestError`` and so on).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from api.schemas import ErrorOut, OpenAIErrorOut, ValidationErrorOut
from ingest.loading import LoadError
from ingest.store import StoreError
from ingest.uploads import UnsupportedType
from qa.generation import ModelError

log = logging.getLogger(__name__)

OPENAI_PREFIX = "/v1/"
# OpenAI's codes for the statuses its clients meet here; others go without one.
_OPENAI_CODES = {
    status.HTTP_401_UNAUTHORIZED: "invalid_api_key",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_413_CONTENT_TOO_LARGE: "request_too_large",
}


# Why each error status is answered, for the OpenAPI schema (/docs and the fuzz tests read it).
_WHY = {
    400: "The body is malformed.",
    401: "The API key is missing or wrong (NEWSQA_API_KEY, and NEWSQA_API_KEY_READS for reads).",
    404: "No such document.",
    413: "The body is over its limit (NEWSQA_MAX_REQUEST_KB for questions, NEWSQA_MAX_UPLOAD_MB for uploads).",
    415: "A file type no loader reads, or a body that is neither multipart/form-data nor JSON.",
    422: "Invalid input: the message names each invalid field.",
    503: "The model or the index is unavailable: the message names the setting to fix.",
}


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error responses an operation may give, each ``{"detail": "..."}``, for ``responses=``."""
    return {
        code: {"model": ValidationErrorOut if code == 422 else ErrorOut, "description": _WHY[code]} for code in codes
    }


# Under /v1/ every client error is OpenAI's error object (validation errors are 400s, as OpenAI's are).
OPENAI_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": OpenAIErrorOut, "description": "A client error, in OpenAI's error shape."},
    503: {"model": OpenAIErrorOut, "description": _WHY[503]},
}


def validation_message(errors: list[dict[str, object]]) -> str:
    parts = []
    for e in errors:
        loc = [str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path")]  # type: ignore[union-attr]
        parts.append(f"{'.'.join(loc) or 'body'}: {e.get('msg')}")
    return "; ".join(parts)


def is_openai(request: Request) -> bool:
    return request.url.path.startswith(OPENAI_PREFIX)


def openai_error(message: str, status_code: int, code: str | None = None, param: str | None = None) -> dict[str, Any]:
    """OpenAI's error object; its ``type`` follows the status as OpenAI's does."""
    kind = "invalid_request_error" if status_code < 500 else "server_error"
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def _error(
    request: Request, status_code: int, message: str, code: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    content = openai_error(message, status_code, code) if is_openai(request) else {"detail": message}
    return JSONResponse(status_code=status_code, content=content, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in exc.errors()]
        message = validation_message(errors)
        if is_openai(request):
            # OpenAI answers a malformed request with 400 and names the first bad parameter.
            loc = [str(x) for x in errors[0]["loc"] if x != "body"] if errors else []  # type: ignore[union-attr]
            body = openai_error(message, 400, "invalid_request", ".".join(loc[:1]) or None)
            return JSONResponse(status_code=status.HTTP_400_BAD_REQUEST, content=body)
        return JSONResponse(
            status_code=status.HTTP_422_UNPROCESSABLE_CONTENT, content={"detail": message, "errors": errors}
        )

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if not is_openai(request):
            return await http_exception_handler(request, exc)
        code = _OPENAI_CODES.get(exc.status_code, "invalid_request" if exc.status_code < 500 else None)
        return JSONResponse(
            status_code=exc.status_code,
            content=openai_error(str(exc.detail), exc.status_code, code),
            headers=exc.headers,
        )

    @app.exception_handler(ModelError)
    async def _model(request: Request, exc: ModelError) -> JSONResponse:
        return _error(request, status.HTTP_503_SERVICE_UNAVAILABLE, str(exc), "model_unavailable")

    @app.exception_handler(StoreError)
    async def _store(request: Request, exc: StoreError) -> JSONResponse:
        return _error(request, status.HTTP_503_SERVICE_UNAVAILABLE, str(exc), "index_unavailable")

    @app.exception_handler(UnsupportedType)
    async def _unsupported(request: Request, exc: UnsupportedType) -> JSONResponse:
        return _error(request, status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, str(exc), "unsupported_media_type")

    @app.exception_handler(LoadError)
    async def _unloadable(request: Request, exc: LoadError) -> JSONResponse:
        message = f"cannot index file: {exc.reason}"
        return _error(request, status.HTTP_422_UNPROCESSABLE_CONTENT, message, "unprocessable_file")

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, exc: ClientDisconnect) -> JSONResponse:
        # The client closed the connection before its body was complete: no server error, and nobody reads this.
        message = "the connection closed before the request body was complete"
        return _error(request, status.HTTP_400_BAD_REQUEST, message, "client_disconnected")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        message = f"internal error ({type(exc).__name__}); see server log"
        return _error(request, status.HTTP_500_INTERNAL_SERVER_ERROR, message, "internal_error")

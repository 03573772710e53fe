"""Request bodies read within their limits: questions (NEWSQA_MAX_REQUEST_KB) and uploads (NEWSQA_MAX_UPLOAD_MB).

A body is counted as it arrives, chunk by chunk, so a chunked request without Content-Length is cut off as
soon as it passes the limit; a declared Content-Length over the limit is refused before anything is read.
Either way the answer is a 413 with a message, and the connection is closed rather than drained.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Any

from fastapi import HTTPException, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import APIRoute
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from ingest.uploads import check_suffix, staging_file

# Bytes a multipart body may carry besides the file: boundaries, part headers, a few small fields.
FRAMING_SLACK = 64 * 1024


def too_large(what: str, limit: str, setting: str) -> HTTPException:
    # The rest of the body is not read: the server closes the connection instead of keeping it alive.
    return HTTPException(
        status.HTTP_413_CONTENT_TOO_LARGE,
        detail=f"{what} larger than the {limit} limit ({setting})",
        headers={"Connection": "close"},
    )


def declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length", "")
    return int(value) if value.isdigit() else None


async def read_bounded(request: Request, limit: int, error: Callable[[], HTTPException]) -> bytes:
    """The whole body, or ``error()`` raised as soon as it is known to be longer than ``limit`` bytes."""
    declared = declared_length(request)
    if declared is not None and declared > limit:
        raise error()
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise error()
    return bytes(body)


def request_limit(request: Request) -> int:
    return int(request.app.state.services.settings.max_request_kb * 1024)


def request_too_large(request: Request) -> HTTPException:
    kb = request.app.state.services.settings.max_request_kb
    return too_large("request body", f"{kb:g} KB", "NEWSQA_MAX_REQUEST_KB")


class _ReadRequest(Request):
    """A request whose body was already read (within the limit): FastAPI parses it from here."""

    def __init__(self, request: Request, body: bytes) -> None:
        super().__init__(request.scope, request.receive)
        self._read = body

    async def body(self) -> bytes:
        return self._read

    async def json(self) -> Any:
        try:
            return json.loads(self._read)
        except UnicodeDecodeError as exc:
            # Answered as FastAPI answers a JSON syntax error (a 422, a 400 under /v1/), not with its vague 400
            # "There was an error parsing the body".
            text = self._read.decode("utf-8", errors="replace")
            raise json.JSONDecodeError(f"not UTF-8 text ({exc.reason})", text, exc.start) from exc


class BoundedBodyRoute(APIRoute):
    """A route whose body is read up to NEWSQA_MAX_REQUEST_KB before FastAPI parses it; a longer one is a 413.

    Questions are small: a body that large is a mistake or an attack, and is not held in memory to find out.
    """

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def bounded(request: Request) -> Response:
            body = await read_bounded(request, request_limit(request), lambda: request_too_large(request))
            return await handler(_ReadRequest(request, body))

        return bounded


# --- multipart uploads, streamed to disk ---------------------------------------------------------------
class _FilePart:
    """Callbacks of python-multipart's parser: the part named ``file`` goes to a staging file, the rest is
    dropped. File bytes are counted before they are written, so the file never grows past ``limit``."""

    def __init__(self, folder: Path, limit: int, error: Callable[[], HTTPException]) -> None:
        self.folder = folder
        self.limit = limit
        self.error = error
        self.filename: str | None = None
        self.path: Path | None = None
        self.complete = False
        self.size = 0
        self._out: IO[bytes] | None = None
        self._pending: list[bytes] = []
        self._header = b""
        self._value = b""
        self._disposition = b""
        self._in_file = False

    def callbacks(self) -> dict[str, Callable[..., None]]:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._disposition = b""
        self._in_file = False

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        if self._header.strip().lower() == b"content-disposition":
            self._disposition = self._value
        self._header = self._value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if options.get(b"name") != b"file" or not options.get(b"filename"):
            return  # another field, or a 'file' field that is no file: read past, not kept
        if self.path is not None:
            raise HTTPException(422, detail="file: send one file per upload")
        filename = options[b"filename"].decode("utf-8", errors="replace")
        # Before a byte of it is written: a kind no loader reads is refused (415) as soon as it is named.
        self.path = staging_file(self.folder, check_suffix(filename))
        self._out = self.path.open("xb")
        self.filename = filename
        self._in_file = True

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if not self._in_file:
            return
        self.size += end - start
        if self.size > self.limit:
            raise self.error()
        self._pending.append(data[start:end])

    def _part_end(self) -> None:
        if self._in_file:
            self._in_file = False
            self.complete = True

    async def flush(self) -> None:
        """Write what the last chunk brought (in a worker thread: the event loop serves other requests)."""
        if self._pending and self._out is not None:
            data = b"".join(self._pending)
            self._pending.clear()
            await run_in_threadpool(self._out.write, data)

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None

    def discard(self) -> None:
        self.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)


async def receive_file(
    request: Request, folder: Path, limit: int, error: Callable[[], HTTPException]
) -> tuple[str, Path]:
    """The multipart field ``file`` streamed to a staging file in ``folder``: its sender's name and the path.

    Cut off with ``error()`` once the file passes ``limit`` bytes (or the body passes it by more than the
    framing), leaving nothing behind; the caller owns the staged file once it is returned.
    """
    _, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if not boundary:
        raise HTTPException(400, detail="multipart/form-data without a boundary in its Content-Type")
    part = _FilePart(folder, limit, error)
    parser = MultipartParser(boundary, part.callbacks())  # type: ignore[arg-type]
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit + FRAMING_SLACK:
                raise error()
            parser.write(chunk)
            await part.flush()
        parser.finalize()
        await part.flush()
        part.close()
    except FormParserError as exc:
        part.discard()
        raise HTTPException(400, detail=f"malformed multipart/form-data body: {exc}") from exc
    except BaseException:
        part.discard()
        raise
    if part.path is None or part.filename is None or not part.complete:
        part.discard()
        raise HTTPException(422, detail="file: a multipart field named 'file' with a filename is required")
    return part.filename, part.path

"""POST /ask and POST /ask/stream."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import asdict

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from api.bodies import BoundedBodyRoute
from api.deps import AnswererDep, ReadAuth
from api.errors import responses
from api.schemas import AskRequest, AskResponse
from qa.answering import Answer, Answerer, Token
from qa.generation import ModelError
from qa.prompt import Message
from qa.retrieval import Filters

router = APIRouter(
    tags=["ask"], dependencies=[ReadAuth], route_class=BoundedBodyRoute, responses=responses(401, 413, 422, 503)
)


def _arguments(body: AskRequest) -> dict[str, object]:
    f = body.filters
    return {
        "question": body.question,
        "top_k": body.top_k,
        "filters": Filters(f.source, f.published_after, f.published_before) if f else None,
        "as_of": body.as_of,
        "history": [Message(m.role, m.content) for m in body.history],
    }


def answer_json(answer: Answer) -> dict[str, object]:
    return {
        "answer": answer.answer,
        "citations": [asdict(c) for c in answer.citations],
        # The response models (api.schemas) drop the fields a client has no use for (ranks, offsets).
        "passages": [{**asdict(p), "snippet": p.snippet()} for p in answer.passages],
        "grounded": answer.grounded,
        "abstained": answer.abstained,
        "reason": answer.reason,
        "unsupported": answer.unsupported,
        "model": answer.model,
        "invalid_citations": answer.invalid_citations,
        "standalone_question": answer.standalone_question,
        "timings_ms": answer.timings_ms,
    }


@router.post("/ask", response_model=AskResponse)
async def ask(body: AskRequest, answerer: AnswererDep) -> dict[str, object]:
    # One hop to a worker thread for the answer; the rest (validating, serialising) stays on the event loop,
    # where a sync endpoint would take a second hop: under load each hop waits its turn for the GIL.
    answer = await run_in_threadpool(functools.partial(answerer.ask, **_arguments(body)))  # type: ignore[arg-type]
    return answer_json(answer)


def sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _events(answerer: Answerer, arguments: dict[str, object]) -> Iterator[str]:
    try:
        for event in answerer.stream(**arguments):  # type: ignore[arg-type]
            if isinstance(event, Token):
                yield sse("token", {"text": event.text})
            else:
                final = answer_json(event)
                timings = final.pop("timings_ms")
                yield sse("citations", final)
                yield sse("done", {"timings_ms": timings})
    except ModelError as exc:
        yield sse("error", {"message": str(exc)})
    except Exception as exc:  # noqa: BLE001 - the stream has started: the client can only be told in an event
        yield sse("error", {"message": f"internal error ({type(exc).__name__})"})


@router.post(
    "/ask/stream",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "token*, citations, done | error"}},
)
def ask_stream(body: AskRequest, answerer: AnswererDep) -> StreamingResponse:
    return StreamingResponse(
        _events(answerer, _arguments(body)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )

"""POST /v1/chat/completions: the same RAG behind OpenAI's chat API, for existing clients and chat UIs."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

from fastapi import APIRouter, HTTPException
from fastapi.responses import StreamingResponse

from api.deps import AnswererDep, ReadAuth
from api.schemas import ChatCompletionRequest
from qa.answering import Answer, Answerer, Token
from qa.generation import ModelError
from qa.prompt import Message

router = APIRouter(prefix="/v1", tags=["openai"], dependencies=[ReadAuth])
MODEL_ID = "newsqa"


def _split(body: ChatCompletionRequest) -> tuple[str, list[Message]]:
    turns = [(m.role, m.text()) for m in body.messages if m.role in ("user", "assistant")]
    if not turns or turns[-1][0] != "user" or not turns[-1][1].strip():
        raise HTTPException(422, detail="messages: the last message must be a non-empty user message")
    question = turns[-1][1].strip()
    if len(question) > 2000:
        raise HTTPException(422, detail="messages: the question is longer than 2000 characters")
    return question, [Message(role, text) for role, text in turns[:-1]]


def sources_block(answer: Answer) -> str:
    if not answer.citations:
        return ""
    lines = [
        f"[{c.n}] {c.title}" + (f" ({c.published})" if c.published else "") + (f" {c.url}" if c.url else "")
        for c in answer.citations
    ]
    return "\n\nSources:\n" + "\n".join(lines)


@router.get("/models")
def models() -> dict[str, object]:
    return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "newsqa"}]}


@router.post("/chat/completions", response_model=None)
def chat_completions(body: ChatCompletionRequest, answerer: AnswererDep) -> dict[str, object] | StreamingResponse:
    question, history = _split(body)
    completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    if body.stream:
        return StreamingResponse(_stream(answerer, question, history, completion_id), media_type="text/event-stream")
    answer = answerer.ask(question, history=history)
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL_ID,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": answer.answer + sources_block(answer)},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "citations": [c.url or c.doc_id for c in answer.citations],
    }


def _chunk(completion_id: str, delta: dict[str, str], finish: str | None = None) -> str:
    payload = {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": MODEL_ID,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


def _stream(answerer: Answerer, question: str, history: list[Message], completion_id: str) -> Iterator[str]:
    yield _chunk(completion_id, {"role": "assistant", "content": ""})
    try:
        for event in answerer.stream(question, history=history):
            if isinstance(event, Token):
                yield _chunk(completion_id, {"content": event.text})
            else:
                # Streamed text cannot be taken back: invalid markers are reported in the sources block instead.
                note = (
                    f"\n\n(removed citations to missing passages: {event.invalid_citations})"
                    if event.invalid_citations
                    else ""
                )
                yield _chunk(completion_id, {"content": sources_block(event) + note})
        yield _chunk(completion_id, {}, "stop")
    except ModelError as exc:
        yield f"data: {json.dumps({'error': {'message': str(exc), 'type': 'model_unavailable'}})}\n\n"
    except Exception as exc:  # noqa: BLE001 - the stream has started: the client can only be told in a chunk
        error = {"message": f"internal error ({type(exc).__name__})", "type": "server_error"}
        yield f"data: {json.dumps({'error': error})}\n\n"
    yield "data: [DONE]\n\n"

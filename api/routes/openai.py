"""POST /v1/chat/completions: the same RAG behind OpenAI's chat API, for existing clients and chat UIs."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import APIRouter, HTTPException
from fastapi.responses import StreamingResponse

from api.bodies import BoundedBodyRoute
from api.deps import AnswererDep, ReadAuth
from api.errors import OPENAI_RESPONSES, openai_error
from api.schemas import MAX_QUESTION_CHARS, ChatCompletion, ChatCompletionRequest, ModelList
from qa.answering import Answer, Answerer, Token
from qa.generation import ModelError
from qa.prompt import Message

router = APIRouter(
    prefix="/v1", tags=["openai"], dependencies=[ReadAuth], route_class=BoundedBodyRoute, responses=OPENAI_RESPONSES
)
MODEL_ID = "newsqa"


# Roles whose text is an instruction to the model rather than a turn ("developer" is OpenAI's newer name).
_INSTRUCTION_ROLES = ("system", "developer")


def _split(body: ChatCompletionRequest) -> tuple[str, list[Message]]:
    """The question (last user message) and what comes with it: the client's system instructions first,
    then the earlier turns."""
    instructions = [Message("system", m.text()) for m in body.messages if m.role in _INSTRUCTION_ROLES]
    turns = [(m.role, m.text()) for m in body.messages if m.role in ("user", "assistant")]
    if not turns or turns[-1][0] != "user" or not turns[-1][1].strip():
        raise HTTPException(400, detail="messages: the last message must be a non-empty user message")
    question = turns[-1][1].strip()
    if len(question) > MAX_QUESTION_CHARS:
        raise HTTPException(400, detail=f"messages: the question is longer than {MAX_QUESTION_CHARS} characters")
    return question, [*instructions, *(Message(role, text) for role, text in turns[:-1])]


def sources_block(answer: Answer) -> str:
    if not answer.citations:
        return ""
    lines = [
        f"[{c.n}] {c.title}" + (f" ({c.published})" if c.published else "") + (f" {c.url}" if c.url else "")
        for c in answer.citations
    ]
    return "\n\nSources:\n" + "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Reply:
    """What every object of one completion repeats."""

    id: str
    created: int
    model: str

    def head(self, kind: str) -> dict[str, object]:
        return {"id": self.id, "object": kind, "created": self.created, "model": self.model}

    def chunk(self, delta: dict[str, str], finish: str | None = None) -> str:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        payload = {**self.head("chat.completion.chunk"), "choices": [choice]}
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"


@router.get("/models", response_model=ModelList)
def models() -> dict[str, object]:
    return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "newsqa"}]}


@router.post(
    "/chat/completions",
    response_model=ChatCompletion,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "A chat.completion; with stream=true, chat.completion.chunk events, then [DONE].",
        }
    },
)
def chat_completions(body: ChatCompletionRequest, answerer: AnswererDep) -> dict[str, object] | StreamingResponse:
    question, history = _split(body)
    # Any model name is accepted (chat UIs send the one they were configured with) and echoed back.
    reply = Reply(f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time()), body.model)
    if body.stream:
        return StreamingResponse(
            _stream(answerer, question, history, reply),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    answer = answerer.ask(question, history=history)
    return {
        **reply.head("chat.completion"),
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


def _stream(answerer: Answerer, question: str, history: list[Message], reply: Reply) -> Iterator[str]:
    """The answerer's tokens as they come, then the sources, then the stop chunk.

    The tokens are relayed, never re-derived: the answerer sends only text it has checked (invalid [n] markers
    removed, the refusal sentence when nothing stands), so they add up to the non-streamed answer.
    """
    yield reply.chunk({"role": "assistant", "content": ""})
    try:
        for event in answerer.stream(question, history=history):
            if isinstance(event, Token):
                if event.text:
                    yield reply.chunk({"content": event.text})
            elif sources := sources_block(event):
                yield reply.chunk({"content": sources})
        yield reply.chunk({}, "stop")
    except ModelError as exc:
        yield _error_event(openai_error(str(exc), 503, "model_unavailable"))
    except Exception as exc:  # noqa: BLE001 - the stream has started: the client can only be told in a chunk
        yield _error_event(openai_error(f"internal error ({type(exc).__name__})", 500, "internal_error"))
    yield "data: [DONE]\n\n"


def _error_event(error: dict[str, object]) -> str:
    return f"data: {json.dumps(error, ensure_ascii=False)}\n\n"

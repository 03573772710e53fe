"""A stand-in for an LLM server: OpenAI's chat-completions wire format around a scripted reply.

No real model writes an invalid ``[n]`` marker, an empty reply or a refusal on cue, and the tests need each;
this server writes exactly the reply a test sets (streamed in small pieces, or whole) and records the messages
it was sent, so a test can also see what the service told its model. Everything between it and the test
(langchain-openai, HTTP, ``newsqa serve``, the official ``openai`` client) is the real thing.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PIECE = 5  # characters per streamed piece: small, so markers and sentences arrive split across pieces


class ScriptedLLM:
    """``with ScriptedLLM() as llm``: serves ``llm.url`` (an OpenAI base URL) until the block ends."""

    def __init__(self) -> None:
        self.reply = ""
        self.received: list[list[dict[str, Any]]] = []  # the messages of every request, in order
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> ScriptedLLM:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler(llm: ScriptedLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # the body ends when the connection closes: no chunked encoding to write

        def do_POST(self) -> None:
            if self.path.rstrip("/") != "/v1/chat/completions":
                self.send_error(404)
                return
            request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            llm.received.append(request["messages"])
            model, reply = request.get("model", "scripted"), llm.reply
            if request.get("stream"):
                self._stream(model, reply)
                return
            body = json.dumps(
                {
                    "id": "chatcmpl-scripted",
                    "object": "chat.completion",
                    "created": 0,
                    "model": model,
                    "choices": [
                        {"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _stream(self, model: str, reply: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            deltas: list[tuple[dict[str, str], str | None]] = [({"role": "assistant", "content": ""}, None)]
            deltas += [({"content": reply[i : i + PIECE]}, None) for i in range(0, len(reply), PIECE)]
            deltas.append(({}, "stop"))
            for delta, finish in deltas:
                chunk = {
                    "id": "chatcmpl-scripted",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": model,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class names it so
            pass  # quiet: pytest shows a failing test's output, and request lines would bury it

    return Handler

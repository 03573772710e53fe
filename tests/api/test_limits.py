"""Bodies over their limits, over a real socket: chunked uploads cut off, questions bounded.

The app runs in uvicorn on a localhost port (``live_app``), so requests are real HTTP: a chunked body without
Content-Length arrives piece by piece, and the server can answer before the client has finished sending.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import select
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from stand_in_llm import ScriptedLLM

from api.schemas import MAX_HISTORY_TURNS, MAX_MESSAGES, MAX_QUESTION_CHARS
from api.services import Services
from ingest.settings import Settings
from ingest.uploads import ABANDONED_AFTER_S

UPLOAD_MB = 1.0
LIMIT = int(UPLOAD_MB * 1024 * 1024)
REQUEST_KB = 16.0
BOUNDARY = "newsqa-limit-test-boundary"
PIECE = 64 * 1024
QUESTION = "Who is the head of US Southern Command?"


@dataclass
class Live:
    url: str
    services: Services

    @property
    def port(self) -> int:
        return int(urlsplit(self.url).port or 80)

    @property
    def uploads(self) -> Path:
        return self.services.indexer.uploads_dir

    def upload_files(self) -> list[str]:
        return sorted(p.name for p in self.uploads.iterdir()) if self.uploads.is_dir() else []


@pytest.fixture(scope="module")
def live(
    live_app: Callable[[Settings], AbstractContextManager[tuple[str, Services]]],
    settings_factory: Callable[..., Settings],
    tmp_path_factory: pytest.TempPathFactory,
    seed_file: Path,
) -> Iterator[Live]:
    docs = tmp_path_factory.mktemp("limit-docs")
    shutil.copy2(seed_file, docs / seed_file.name)
    settings = settings_factory(docs, max_upload_mb=UPLOAD_MB, max_request_kb=REQUEST_KB)
    with live_app(settings) as (url, services):
        assert services.indexer.reindex().counts()["added"] == 1
        yield Live(url, services)


# --- a chunked body over a raw connection ----------------------------------------------------------------
@dataclass
class Sent:
    bytes: int
    finished: bool
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict[str, object]:
        return json.loads(self.body)


def send_chunked(port: int, path: str, content_type: str, pieces: Iterator[bytes], pause: float = 0.0) -> Sent:
    """POST ``pieces`` with ``Transfer-Encoding: chunked`` and no Content-Length; stops sending as soon as the
    server answers (as a client would on an early 413) or closes the connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.putrequest("POST", path, skip_accept_encoding=True)
    conn.putheader("Content-Type", content_type)
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    assert conn.sock is not None
    sent, finished = 0, False
    try:
        for piece in pieces:
            if select.select([conn.sock], [], [], 0)[0]:
                break  # the server has answered before the body was complete
            conn.send(b"%x\r\n%s\r\n" % (len(piece), piece))
            sent += len(piece)
            if pause:
                time.sleep(pause)
        else:
            conn.send(b"0\r\n\r\n")
            finished = True
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server closed the connection: its answer is still to be read
    response = conn.getresponse()
    result = Sent(sent, finished, response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    conn.close()
    return result


def multipart(filename: str, body: Iterator[bytes]) -> Iterator[bytes]:
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    yield from body
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def words(total: int) -> Iterator[bytes]:
    """``total`` bytes of article text, in pieces."""
    line = b"The harbour council met again on Tuesday to discuss the lighthouse. "
    block = (line * (PIECE // len(line) + 1))[:PIECE]
    for start in range(0, total, PIECE):
        yield block[: min(PIECE, total - start)]


@dataclass
class FolderWatch:
    """Polls a folder while an upload arrives: the sizes of the files seen in it."""

    folder: Path
    sizes: dict[str, list[int]] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            if self.folder.is_dir():
                for p in self.folder.iterdir():
                    try:
                        size = p.stat().st_size
                    except FileNotFoundError:
                        continue  # removed between listing and stat
                    self.sizes.setdefault(p.name, []).append(size)
            time.sleep(0.002)


def watching(folder: Path) -> tuple[FolderWatch, threading.Thread]:
    watch = FolderWatch(folder)
    thread = threading.Thread(target=watch.run, daemon=True)
    thread.start()
    return watch, thread


MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


# --- uploads ---------------------------------------------------------------------------------------------
def test_a_chunked_upload_is_cut_off_at_the_limit(live: Live) -> None:
    before = live.services.store.count()
    watch, thread = watching(live.uploads)
    try:
        # 32 MB offered, paced so the staging file can be seen growing; the server must stop it after 1 MB.
        sent = send_chunked(live.port, "/documents", MULTIPART, multipart("big.txt", words(32 * LIMIT)), pause=0.02)
    finally:
        watch.stop.set()
        thread.join(timeout=10)

    assert sent.status == 413, sent.body[:500]
    assert sent.headers["content-type"].startswith("application/json")
    detail = sent.json()["detail"]
    assert "1 MB" in detail and "NEWSQA_MAX_UPLOAD_MB" in detail
    assert sent.headers.get("connection") == "close"
    assert not sent.finished and sent.bytes < 8 * LIMIT, f"the server read on: {sent.bytes} bytes were sent"

    staged = {name: sizes for name, sizes in watch.sizes.items() if name.startswith(".upload-")}
    assert staged, "the upload was never seen on disk while it arrived"
    grown = sorted({s for sizes in staged.values() for s in sizes})
    assert len([s for s in grown if 0 < s < LIMIT]) >= 2, f"not written in pieces: sizes seen {grown}"
    assert max(grown) <= LIMIT, f"{max(grown)} bytes written, more than the {LIMIT} byte limit"
    assert all(name.startswith(".upload-") for name in watch.sizes), f"a file was kept: {sorted(watch.sizes)}"

    assert live.upload_files() == [], "nothing half-written is left behind"
    assert live.services.store.count() == before, "nothing was indexed"
    assert httpx.get(f"{live.url}/documents", timeout=30).json()["total"] == 1


def test_a_client_that_goes_away_mid_upload_leaves_nothing(live: Live, caplog: pytest.LogCaptureFixture) -> None:
    before = live.services.store.count()
    pieces = multipart("gone.txt", words(LIMIT // 2))
    with socket.create_connection(("127.0.0.1", live.port), timeout=30) as sock:
        sock.sendall(f"POST /documents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {MULTIPART}\r\n".encode())
        sock.sendall(b"Transfer-Encoding: chunked\r\n\r\n")
        for piece in itertools.islice(pieces, 4):
            sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
        deadline = time.monotonic() + 30
        while not live.upload_files() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert live.upload_files(), "the upload is being written to a staging file"
    # The connection is closed with the upload half sent.
    deadline = time.monotonic() + 30
    while live.upload_files() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live.upload_files() == [], "the half-written upload was left behind"
    assert live.services.store.count() == before
    assert not [r for r in caplog.records if r.levelname == "ERROR"], "a client going away is no server error"


def test_a_chunked_upload_under_the_limit_is_indexed(live: Live) -> None:
    text = b"Quelmport lighthouse repainted\n\nSource: example.org\n\nKeeper Ottilie Brannigan repainted it violet.\n"
    sent = send_chunked(live.port, "/documents", MULTIPART, multipart("lighthouse.txt", iter([text[:20], text[20:]])))
    assert sent.status == 201, sent.body[:500]
    assert sent.finished
    doc = sent.json()
    try:
        files = live.upload_files()
        assert len(files) == 1 and files[0].startswith("lighthouse-") and files[0].endswith(".txt"), files
        assert (live.uploads / files[0]).read_bytes() == text
    finally:
        assert httpx.delete(f"{live.url}/documents/{doc['doc_id']}", timeout=60).status_code == 200
    assert live.upload_files() == []


def test_an_upload_sweeps_the_staging_files_of_uploads_whose_process_died(live: Live) -> None:
    # What a server killed mid-upload leaves (its finally never ran): a staging file nobody writes to any more.
    live.uploads.mkdir(parents=True, exist_ok=True)
    dead, arriving = live.uploads / ".upload-killed.txt", live.uploads / ".upload-arriving.txt"
    dead.write_bytes(b"half an article")
    arriving.write_bytes(b"an article still arriving")
    hours_ago = time.time() - 2 * ABANDONED_AFTER_S
    os.utime(dead, (hours_ago, hours_ago))
    text = b"Quelmport ferry returns\n\nSource: example.org\n\nThe ferry Ottilie returned to Quelmport on Monday.\n"
    sent = send_chunked(live.port, "/documents", MULTIPART, multipart("ferry.txt", iter([text])))
    assert sent.status == 201, sent.body[:500]
    try:
        assert not dead.exists(), "the abandoned staging file was left"
        assert arriving.exists(), "an upload still being written was swept"
    finally:
        arriving.unlink(missing_ok=True)
        assert httpx.delete(f"{live.url}/documents/{sent.json()['doc_id']}", timeout=60).status_code == 200
    assert live.upload_files() == []


def test_a_declared_length_over_the_limit_is_refused_before_reading(live: Live) -> None:
    with socket.create_connection(("127.0.0.1", live.port), timeout=30) as sock:
        sock.sendall(
            f"POST /documents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {MULTIPART}\r\n"
            f"Content-Length: {50 * LIMIT}\r\n\r\n".encode()
        )
        # Not a byte of the body is sent: a server that waited for it would time out here.
        response = http.client.HTTPResponse(sock)
        response.begin()
        body = json.loads(response.read())
    assert response.status == 413
    assert "NEWSQA_MAX_UPLOAD_MB" in body["detail"]
    assert live.upload_files() == []


def test_a_chunked_json_upload_is_cut_off_too(live: Live) -> None:
    def document() -> Iterator[bytes]:
        yield b'{"title": "Long", "text": "'
        yield from words(4 * LIMIT)
        yield b'"}'

    sent = send_chunked(live.port, "/documents", "application/json", document())
    assert sent.status == 413, sent.body[:500]
    assert "NEWSQA_MAX_UPLOAD_MB" in sent.json()["detail"]
    assert live.upload_files() == []


# --- questions -------------------------------------------------------------------------------------------
def long_history(turns: int, chars: int) -> list[dict[str, str]]:
    return [
        {
            "role": "user" if i % 2 == 0 else "assistant",
            "content": f"turn {i} " + "about the lighthouse " * (chars // 21),
        }
        for i in range(turns)
    ]


def test_a_question_body_over_the_limit_is_413(live: Live) -> None:
    body = {"question": QUESTION, "history": long_history(20, 1500)}  # every field valid; ~30 KB in all
    assert len(json.dumps(body)) > REQUEST_KB * 1024
    r = httpx.post(f"{live.url}/ask", json=body, timeout=60)
    assert r.status_code == 413, r.text
    assert "16 KB" in r.json()["detail"] and "NEWSQA_MAX_REQUEST_KB" in r.json()["detail"]

    # The same without Content-Length, chunked: counted as it arrives.
    encoded = json.dumps(body).encode()
    sent = send_chunked(
        live.port, "/ask", "application/json", (encoded[i : i + 4096] for i in range(0, len(encoded), 4096))
    )
    assert sent.status == 413 and "NEWSQA_MAX_REQUEST_KB" in sent.json()["detail"]


def test_a_chat_completion_over_the_limit_is_413_in_openai_shape(live: Live) -> None:
    messages = [*long_history(20, 1500), {"role": "user", "content": QUESTION}]
    r = httpx.post(f"{live.url}/v1/chat/completions", json={"messages": messages}, timeout=60)
    assert r.status_code == 413, r.text
    error = r.json()["error"]
    assert error["type"] == "invalid_request_error" and error["code"] == "request_too_large"
    assert "NEWSQA_MAX_REQUEST_KB" in error["message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"question": "x" * (MAX_QUESTION_CHARS + 1)}, f"question: String should have at most {MAX_QUESTION_CHARS}"),
        (
            {"question": QUESTION, "history": long_history(MAX_HISTORY_TURNS + 1, 10)},
            f"history: List should have at most {MAX_HISTORY_TURNS} items",
        ),
    ],
    ids=["long-question", "many-turns"],
)
def test_question_and_history_are_bounded(live: Live, body: dict[str, object], message: str) -> None:
    r = httpx.post(f"{live.url}/ask", json=body, timeout=60)
    assert r.status_code == 422, r.text
    assert r.json()["detail"].startswith(message), r.json()["detail"]


@pytest.mark.parametrize(
    ("messages", "message"),
    [
        ([{"role": "user", "content": "x" * (MAX_QUESTION_CHARS + 1)}], "the question is longer than"),
        ([*long_history(MAX_MESSAGES, 10), {"role": "user", "content": QUESTION}], f"at most {MAX_MESSAGES} items"),
    ],
    ids=["long-question", "many-messages"],
)
def test_chat_question_and_messages_are_bounded(live: Live, messages: list[dict[str, str]], message: str) -> None:
    r = httpx.post(f"{live.url}/v1/chat/completions", json={"messages": messages}, timeout=60)
    assert r.status_code == 400, r.text
    assert message in r.json()["error"]["message"]


def test_a_history_within_the_limits_is_answered(live: Live) -> None:
    r = httpx.post(f"{live.url}/ask", json={"question": QUESTION, "history": long_history(6, 1000)}, timeout=60)
    assert r.status_code == 200, r.text
    assert r.json()["passages"]


# --- the model's context ---------------------------------------------------------------------------------
def test_passages_that_cannot_fit_the_context_are_a_clear_503(
    app_client: Callable[[Settings], AbstractContextManager[TestClient]],
    settings_factory: Callable[..., Settings],
    tmp_path_factory: pytest.TempPathFactory,
    seed_file: Path,
) -> None:
    """The passages and the question are never cut: when they alone overflow the window, the answer names the
    settings to change, and the model is not called with a prompt it would refuse. (The model is the scripted
    stand-in: the prompt is refused before any model is reached.)"""
    docs = tmp_path_factory.mktemp("small-context-docs")
    shutil.copy2(seed_file, docs / seed_file.name)
    with ScriptedLLM() as llm:
        small = {"llm_context_tokens": 1024, "llm_max_tokens": 256, "top_k": 5}
        settings = settings_factory(docs, llm="openai:scripted", llm_base_url=llm.url, **small)
        with app_client(settings) as client:
            assert client.post("/reindex").json()["added"] == 1
            r = client.post("/ask", json={"question": QUESTION})
            assert r.status_code == 503, r.text
            detail = r.json()["detail"]
            assert "NEWSQA_LLM_CONTEXT_TOKENS=1024" in detail and "top_k" in detail, detail
            assert client.post("/ask", json={"question": QUESTION, "top_k": 1}).status_code == 200
        assert len(llm.received) == 1, "only the question that fits reached the model"

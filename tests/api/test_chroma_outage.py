"""The Chroma server goes away and comes back: a real ``chroma run`` killed (and, in turn, paused) and started
again on the same port and folder, under the real app. Meanwhile questions, listings, uploads and deletes get a
503 whose message names the Chroma server (never a 500, never a request left hanging); afterwards they succeed
again without restarting newsqa. Every response also passes the API tests' hook: JSON, a message, no trace.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from support import ChromaServer

from ingest.settings import Settings

QUESTION = "Who is the head of US Southern Command?"
ARTICLE = {
    "title": "Brennoch harbour holds its lantern boat parade",
    "text": "The Brennoch harbour festival drew visitors to the lantern boat parade. Organisers said 41 decorated "
    "boats took part this year.",
    "source": "testwire",
}
# Seconds each Chroma request may take here: short, so a paused server costs the test little; long enough
# for a busy machine's slowest healthy request.
CHROMA_TIMEOUT = 4.0
# How long a request may take before it counts as hanging: the Chroma timeout and then some.
HANG = 30.0
RECOVERY = 60.0  # seconds for the restarted server to load its data and answer


def until(status: int, request: Callable[[], httpx.Response], within: float) -> httpx.Response:
    """Repeat ``request`` until it answers ``status`` (a view of the records may be up to a second old)."""
    deadline = time.monotonic() + within
    while True:
        response = request()
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def unavailable(response: httpx.Response, chroma: ChromaServer) -> None:
    assert response.status_code == 503, response.text[:500]
    detail = response.json()["detail"]
    assert "Chroma" in detail and f"127.0.0.1:{chroma.port}" in detail, detail


def not_hanging(request: Callable[[], httpx.Response]) -> httpx.Response:
    """``request``'s answer, failing the test if it has none after HANG seconds."""
    got: list[httpx.Response] = []
    worker = threading.Thread(target=lambda: got.append(request()), daemon=True)
    worker.start()
    worker.join(HANG)
    assert got, f"no answer in {HANG:.0f} s: the request hangs on the paused Chroma server"
    return got[0]


def test_a_chroma_outage_answers_503_and_the_service_recovers_by_itself(
    tmp_path: Path,
    seed_file: Path,
    settings_factory: Callable[..., Settings],
    app_client: Callable[[Settings], AbstractContextManager[TestClient]],
) -> None:
    chroma = ChromaServer(tmp_path / "chroma")
    chroma.start()
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy2(seed_file, docs / seed_file.name)
    settings = settings_factory(docs, chroma_host="127.0.0.1", chroma_port=chroma.port, chroma_timeout=CHROMA_TIMEOUT)
    try:
        with app_client(settings) as client:
            assert client.post("/reindex").json()["added"] == 1
            [seed] = client.get("/documents").json()["items"]
            assert "Fuller" in client.post("/ask", json={"question": QUESTION}).json()["answer"]

            # Killed: refused at once.
            chroma.kill()
            unavailable(client.post("/ask", json={"question": QUESTION}), chroma)
            unavailable(client.post("/documents", json=ARTICLE), chroma)
            unavailable(client.delete(f"/documents/{seed['doc_id']}"), chroma)
            unavailable(until(503, lambda: client.get("/documents"), within=5), chroma)
            unavailable(until(503, lambda: client.get("/health"), within=5), chroma)

            # Back on the same port and folder: the same app answers again, from the same index.
            chroma.start()
            answer = until(200, lambda: client.post("/ask", json={"question": QUESTION}), within=RECOVERY)
            assert answer.status_code == 200 and "Fuller" in answer.json()["answer"]
            assert [d["doc_id"] for d in client.get("/documents").json()["items"]] == [seed["doc_id"]]
            added = client.post("/documents", json=ARTICLE)
            assert added.status_code == 201, added.text
            boats = client.post("/ask", json={"question": "How many boats took part in the Brennoch parade?"})
            assert "41" in boats.json()["answer"]

            # Paused: connections are accepted but nothing answers; the Chroma timeout ends the wait.
            chroma.pause()
            unavailable(not_hanging(lambda: client.post("/ask", json={"question": QUESTION})), chroma)
            chroma.resume()
            answer = until(200, lambda: client.post("/ask", json={"question": QUESTION}), within=RECOVERY)
            assert answer.status_code == 200 and "Fuller" in answer.json()["answer"]
            assert client.delete(f"/documents/{added.json()['doc_id']}").status_code == 200
    finally:
        chroma.stop()

"""App fixtures for the HTTP API tests.

Every app is the real one: ``TestClient(create_app(settings))`` as a context manager runs the lifespan
(services built, model preloaded) and talks httpx to it. Indexes are small and shared: one session app
over the seed and a few real corpus articles serves every read-only test; modules that change settings
(auth, CORS, limits, a failing model, watch mode) build their own app over a tiny or empty folder.

Every response through these clients is checked by a hook: never a 500 (503 is the documented
"model unavailable" answer), and every error body is JSON with a ``detail`` message and no traceback.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx
import numpy as np
import pytest
import support
import uvicorn
from fastapi.testclient import TestClient

from api.main import create_app
from api.services import Services
from ingest.embedding import Embedder
from ingest.settings import Settings

# The shared index: the seed plus this many short real articles (about 30 chunks).
N_ARTICLES = 6
ARTICLE_MAX_BYTES = 4000


def check_response(response: httpx.Response) -> None:
    """Response hook on every test client: no 500s; errors are JSON ``{"detail": "..."}`` without a trace
    (under /v1/, OpenAI's ``{"error": {"message", "type", "param", "code"}}``)."""
    status = response.status_code
    if status < 400:
        return
    response.read()
    where = f"{response.request.method} {response.request.url.path} -> {status}"
    assert status < 500 or status == 503, f"{where}: {response.text[:1000]}"
    assert "traceback" not in response.text.lower(), f"{where} leaks a stack trace: {response.text[:1000]}"
    if response.request.method == "OPTIONS":
        return  # a rejected CORS preflight is Starlette's plain-text 400; browsers never show it
    assert response.headers.get("content-type", "").startswith("application/json"), f"{where}: not JSON"
    if response.request.url.path.startswith("/v1/"):
        error = response.json().get("error")
        assert isinstance(error, dict) and set(error) == {"message", "type", "param", "code"}, f"{where}: {error}"
        assert isinstance(error["message"], str) and error["message"].strip(), f"{where}: no error message"
        assert error["type"] == ("invalid_request_error" if status < 500 else "server_error"), f"{where}: {error}"
        return
    detail = response.json().get("detail")
    assert isinstance(detail, str) and detail.strip(), f"{where}: no detail message in {response.text[:500]}"


def parse_sse(text: str) -> list[tuple[str, str]]:
    """Server-sent events as ``(event, data)``; ``event`` is "message" when the block names none."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        if not block.strip():
            continue
        event, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                event = line[len("event:") :].strip()
            elif line.startswith("data:"):
                data.append(line[len("data:") :].removeprefix(" "))
        events.append((event, "\n".join(data)))
    return events


@pytest.fixture(scope="session")
def sse() -> Callable[[str], list[tuple[str, str]]]:
    """``sse(text)``: parse a raw ``text/event-stream`` body into ``(event, data)`` pairs."""
    return parse_sse


@pytest.fixture(scope="session")
def app_client(embedder: Embedder) -> Callable[[Settings], AbstractContextManager[TestClient]]:
    """``with app_client(settings) as client``: the real app, lifespan run, every response checked."""

    @contextmanager
    def make(settings: Settings) -> Iterator[TestClient]:
        with TestClient(create_app(settings)) as client:
            client.event_hooks["response"].append(check_response)
            yield client

    return make


@contextmanager
def live_server(settings: Settings) -> Iterator[tuple[str, Services]]:
    """The real app served by uvicorn on a localhost socket, in a thread of this process.

    Real HTTP (chunked bodies, early responses, closed connections) without a process of its own: the
    embedding model the session already loaded is shared. Yields the base URL and the app's components.
    """
    app = create_app(settings)
    port = support.free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive():
            pytest.fail("uvicorn stopped before serving (see the log above)")
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start serving in time")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app.state.services
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="session")
def live_app() -> Callable[[Settings], AbstractContextManager[tuple[str, Services]]]:
    """``with live_app(settings) as (url, services)``: the app on a real socket (uvicorn in a thread)."""
    return live_server


def services_of(client: TestClient) -> Services:
    return client.app.state.services  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def services() -> Callable[[TestClient], Services]:
    """``services(client)``: the app's components (store, indexer), to check what a request did to the index."""
    return services_of


def index_ids(svc: Services) -> set[str]:
    """Chunk ids of the index, after checking Chroma, BM25 and the manifest agree on them."""
    store = svc.store
    chroma = set(store.collection.get(include=[])["ids"])
    bm25 = store.bm25.chunk_ids
    assert chroma == bm25, f"Chroma and BM25 differ: only Chroma {chroma - bm25}, only BM25 {bm25 - chroma}"
    canonical = [d for d in store.manifest.documents.values() if d.duplicate_of is None]
    assert len(chroma) == sum(d.chunks for d in canonical), "manifest chunk counts differ from the index"
    assert {cid.split(":")[0] for cid in chroma} <= {d.doc_id for d in canonical}, "chunks of unknown documents"
    # The snapshot's copy of every chunk's vector (questions read it instead of Chroma) is Chroma's.
    snapshot = store.bm25
    assert snapshot.vectors is not None or not chroma, "the BM25 snapshot lost its vectors"
    stored = store.collection.get(ids=sorted(chroma), include=["embeddings"]) if chroma else None
    for cid, vector in zip(stored["ids"], stored["embeddings"], strict=True) if stored else ():
        assert np.array_equal(snapshot.vector(cid), np.asarray(vector, dtype=np.float32)), f"{cid}: vectors differ"
    return chroma


@pytest.fixture(scope="session")
def consistent_ids() -> Callable[[Services], set[str]]:
    """``consistent_ids(services)``: chunk ids, asserting Chroma == BM25 == sum of the manifest's chunks."""
    return index_ids


@pytest.fixture(scope="session")
def free_port() -> Callable[[], int]:
    """``free_port()``: a localhost port nothing listens on (just closed)."""

    return support.free_port


# --- the shared index -------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def base_articles(corpus_files: Callable[..., list[Path]], seed_file: Path) -> list[Path]:
    """The seed and the first short corpus articles: the shared app's documents folder content."""
    return [seed_file, *corpus_files(N_ARTICLES, max_bytes=ARTICLE_MAX_BYTES)]


@pytest.fixture(scope="session")
def base_docs(tmp_path_factory: pytest.TempPathFactory, base_articles: list[Path]) -> Path:
    folder = tmp_path_factory.mktemp("api-docs")
    for f in base_articles:
        shutil.copy2(f, folder / f.name)
    return folder


@pytest.fixture(scope="session")
def client(
    app_client: Callable[[Settings], AbstractContextManager[TestClient]],
    settings_factory: Callable[..., Settings],
    base_docs: Path,
    base_articles: list[Path],
) -> Iterator[TestClient]:
    """The shared app over ``base_docs``, indexed through ``POST /reindex``.

    Tests that upload through it delete what they uploaded, so the index stays the base articles.
    """
    with app_client(settings_factory(base_docs)) as c:
        r = c.post("/reindex")
        assert r.status_code == 200, r.text
        assert r.json()["added"] == len(base_articles), r.json()
        yield c


@pytest.fixture(scope="session")
def misconfigured_model_client(
    app_client: Callable[[Settings], AbstractContextManager[TestClient]],
    settings_factory: Callable[..., Settings],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[TestClient]:
    """An app whose NEWSQA_LLM names no backend (empty index): questions cannot be answered at all."""
    settings = settings_factory(tmp_path_factory.mktemp("misconfigured-docs"), llm="no-such-backend")
    with app_client(settings) as c:
        yield c


@pytest.fixture(scope="session")
def broken_model_client(
    app_client: Callable[[Settings], AbstractContextManager[TestClient]],
    settings_factory: Callable[..., Settings],
    tmp_path_factory: pytest.TempPathFactory,
    seed_file: Path,
    free_port: Callable[[], int],
) -> Iterator[TestClient]:
    """The seed indexed, answered by an OpenAI-compatible server at a port where nothing listens."""
    docs = tmp_path_factory.mktemp("broken-model-docs")
    shutil.copy2(seed_file, docs / seed_file.name)
    settings = settings_factory(docs, llm="openai:x", llm_base_url=f"http://127.0.0.1:{free_port()}", llm_timeout=3)
    with app_client(settings) as c:
        assert c.post("/reindex").json()["added"] == 1
        yield c

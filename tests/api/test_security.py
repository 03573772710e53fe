"""The API key (writes, and optionally reads) and CORS."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import httpx
import pytest
from fastapi.testclient import TestClient

from ingest.settings import Settings

KEY = "s3cret"
BEARER = {"Authorization": f"Bearer {KEY}"}
X_API_KEY = {"X-API-Key": KEY}
WRONG = [
    {},
    {"Authorization": "Bearer wrong"},
    {"X-API-Key": "wrong"},
    {"Authorization": KEY},
    {"Authorization": "Bearer "},
]
ARTICLE = "Pellham tram line opens\n\nSource: example.org\n\nThe Pellham tram line opened to passengers on Saturday.\n"

AppClient = Callable[[Settings], AbstractContextManager[TestClient]]


@pytest.fixture(scope="module")
def keyed(
    app_client: AppClient, settings_factory: Callable[..., Settings], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    with app_client(settings_factory(tmp_path_factory.mktemp("keyed-docs"), api_key=KEY)) as c:
        yield c


@pytest.fixture(scope="module")
def keyed_reads(
    app_client: AppClient, settings_factory: Callable[..., Settings], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    settings = settings_factory(tmp_path_factory.mktemp("keyed-reads-docs"), api_key=KEY, api_key_reads=True)
    with app_client(settings) as c:
        yield c


def assert_401(r: httpx.Response) -> None:
    assert r.status_code == 401, r.text
    if r.request.url.path.startswith("/v1/"):  # in OpenAI's shape, as its clients expect
        assert "API key" in r.json()["error"]["message"] and r.json()["error"]["code"] == "invalid_api_key"
    else:
        assert "API key" in r.json()["detail"]
    assert r.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("headers", WRONG, ids=["none", "wrong-bearer", "wrong-x-api-key", "no-scheme", "empty"])
def test_writes_without_the_key_are_401(keyed: TestClient, headers: dict[str, str]) -> None:
    assert_401(keyed.post("/reindex", headers=headers))
    assert_401(keyed.post("/documents", headers=headers, files={"file": ("a.txt", ARTICLE.encode(), "text/plain")}))
    assert_401(keyed.post("/documents", headers=headers, json={"title": "T", "text": "Body."}))
    assert_401(keyed.delete("/documents/0123456789abcdef", headers=headers))
    assert keyed.get("/documents").json()["total"] == 0, "a refused upload indexed nothing"


@pytest.mark.parametrize(
    "headers", [BEARER, X_API_KEY, {"authorization": f"bearer {KEY}"}], ids=["bearer", "x-api-key", "lowercase"]
)
def test_writes_with_the_key_work(keyed: TestClient, headers: dict[str, str]) -> None:
    assert keyed.post("/reindex", headers=headers).status_code == 200
    r = keyed.post("/documents", headers=headers, files={"file": ("tram.txt", ARTICLE.encode(), "text/plain")})
    assert r.status_code == 201, r.text
    doc_id = r.json()["doc_id"]
    assert_401(keyed.delete(f"/documents/{doc_id}"))
    assert keyed.get(f"/documents/{doc_id}").status_code == 200
    assert keyed.delete(f"/documents/{doc_id}", headers=headers).status_code == 200
    assert keyed.get(f"/documents/{doc_id}").status_code == 404


def test_reads_need_no_key_by_default(keyed: TestClient) -> None:
    assert keyed.post("/ask", json={"question": "When did the tram open?"}).status_code == 200
    assert keyed.post("/ask/stream", json={"question": "When did the tram open?"}).status_code == 200
    assert keyed.get("/documents").status_code == 200
    assert keyed.get("/documents/0123456789abcdef").status_code == 404
    assert keyed.get("/v1/models").status_code == 200
    chat = keyed.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "Tram?"}]})
    assert chat.status_code == 200
    health = keyed.get("/health")
    assert health.status_code == 200
    assert health.json()["auth"] == {"writes": True, "reads": False}


READS = [
    ("POST", "/ask", {"json": {"question": "When did the tram open?"}}),
    ("POST", "/ask/stream", {"json": {"question": "When did the tram open?"}}),
    ("GET", "/documents", {}),
    ("GET", "/documents/0123456789abcdef", {}),
    ("GET", "/health", {}),
    ("GET", "/v1/models", {}),
    ("POST", "/v1/chat/completions", {"json": {"messages": [{"role": "user", "content": "Tram?"}]}}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), READS, ids=[f"{m} {p}" for m, p, _ in READS])
def test_reads_need_the_key_when_configured(
    keyed_reads: TestClient, method: str, path: str, kwargs: dict[str, object]
) -> None:
    assert_401(keyed_reads.request(method, path, **kwargs))  # type: ignore[arg-type]
    assert_401(keyed_reads.request(method, path, headers={"X-API-Key": "wrong"}, **kwargs))  # type: ignore[arg-type]
    expected = 404 if path.startswith("/documents/") else 200
    for headers in (BEARER, X_API_KEY):
        r = keyed_reads.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]
        assert r.status_code == expected, r.text


def test_health_reports_read_auth(keyed_reads: TestClient) -> None:
    assert keyed_reads.get("/health", headers=BEARER).json()["auth"] == {"writes": True, "reads": True}


def test_a_wrong_key_never_appears_in_the_answer(keyed: TestClient) -> None:
    r = keyed.post("/reindex", headers={"Authorization": "Bearer guess-1234"})
    assert "guess-1234" not in r.text and KEY not in r.text


# --- CORS -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cors(
    app_client: AppClient, settings_factory: Callable[..., Settings], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    settings = settings_factory(tmp_path_factory.mktemp("cors-docs"), cors_origins=["http://example.com"])
    with app_client(settings) as c:
        yield c


PREFLIGHT = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}


def test_cors_preflight_allows_the_configured_origin(cors: TestClient) -> None:
    r = cors.options("/ask", headers={"Origin": "http://example.com", **PREFLIGHT})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "http://example.com"
    assert "POST" in r.headers["access-control-allow-methods"]
    assert "content-type" in r.headers["access-control-allow-headers"].lower()
    r = cors.get("/health", headers={"Origin": "http://example.com"})
    assert r.headers["access-control-allow-origin"] == "http://example.com"


def test_cors_refuses_other_origins(cors: TestClient) -> None:
    r = cors.options("/ask", headers={"Origin": "http://evil.example", **PREFLIGHT})
    assert "access-control-allow-origin" not in r.headers
    assert r.status_code == 400
    r = cors.get("/health", headers={"Origin": "http://evil.example"})
    assert r.status_code == 200
    assert "access-control-allow-origin" not in r.headers


def test_no_cors_headers_without_configured_origins(keyed: TestClient) -> None:
    r = keyed.options("/ask", headers={"Origin": "http://example.com", **PREFLIGHT})
    assert "access-control-allow-origin" not in r.headers
    assert r.status_code == 405

"""GET /health, and the chat page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from api.services import Services


def test_health_reports_the_index_and_models(
    client: TestClient, base_articles: list[Path], services: Callable[[TestClient], Services]
) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["documents"] == len(base_articles)
    assert body["chunks"] == services(client).store.count() >= len(base_articles)
    assert body["model"] == "extractive"
    assert body["model_error"] is None
    assert "all-MiniLM-L6-v2" in body["embedding_model"]
    assert body["embedding_backend"] == services(client).settings.embedding_backend == "onnx-int8"
    assert body["auth"] == {"writes": False, "reads": False}


def test_health_is_degraded_when_the_model_is_misconfigured(misconfigured_model_client: TestClient) -> None:
    r = misconfigured_model_client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "degraded"
    assert (body["documents"], body["chunks"]) == (0, 0)
    assert body["model"] == "no-such-backend"
    assert "NEWSQA_LLM" in body["model_error"]


def test_the_chat_page_and_api_docs_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    schema = client.get("/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/ask", "/ask/stream", "/documents", "/documents/{doc_id}", "/reindex", "/health"} <= set(paths)


def test_unknown_routes_and_methods_are_json_errors(client: TestClient) -> None:
    assert client.get("/no-such-route").status_code == 404
    assert client.get("/ask").status_code == 405
    assert client.put("/documents").status_code == 405

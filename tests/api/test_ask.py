"""POST /ask and POST /ask/stream: the answer shape, validation, streaming events, a failing model."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ingest.settings import Settings
from qa.refusal import CANNOT_ANSWER

POWERBALL = "Who won the $1.73 billion Powerball jackpot?"
POWERBALL_TITLE = "$1.73 billion Powerball jackpot goes to lucky lottery player in California"
SEED_QUESTION = "What did Adm. Craig Fuller say about Iranian influence in Venezuela?"


def check_answer_shape(body: dict[str, Any]) -> None:
    assert set(body) >= {"answer", "citations", "passages", "grounded", "model", "timings_ms"}
    assert isinstance(body["answer"], str) and body["answer"].strip()
    assert isinstance(body["grounded"], bool)
    assert body["model"] == "extractive"
    timings = body["timings_ms"]
    assert set(timings) == {"retrieve", "generate", "check", "total"}
    assert timings["check"] <= timings["generate"]
    assert all(isinstance(v, int | float) and v >= 0 for v in timings.values())
    assert timings["total"] >= timings["retrieve"]
    passages = {p["chunk_id"]: p for p in body["passages"]}
    assert len(passages) == len(body["passages"]), "a passage is listed twice"
    for p in body["passages"]:
        assert p["chunk_id"].startswith(p["doc_id"] + ":")
        assert p["text"].strip()
    # Ranked passages first; after them, unranked, only the rest of the top article (read whole by the reader).
    ranked = [p["ranked"] for p in body["passages"]]
    assert ranked == sorted(ranked, reverse=True)
    rest = [p for p in body["passages"] if not p["ranked"]]
    assert all(p["score"] == 0 and p["doc_id"] == body["passages"][0]["doc_id"] for p in rest)
    # Every citation refers to a retrieved passage, by chunk id and by number.
    for c in body["citations"]:
        assert c["chunk_id"] in passages, f"citation [{c['n']}] cites {c['chunk_id']}, not a returned passage"
        assert passages[c["chunk_id"]]["n"] == c["n"]
        assert passages[c["chunk_id"]]["doc_id"] == c["doc_id"]
        assert f"[{c['n']}]" in body["answer"]


def test_ask_answers_with_citations_to_its_passages(client: TestClient) -> None:
    r = client.post("/ask", json={"question": POWERBALL})
    assert r.status_code == 200, r.text
    body = r.json()
    check_answer_shape(body)
    assert body["grounded"] is True
    assert body["citations"], "a grounded answer cites at least one passage"
    assert "California" in body["answer"]
    assert any(c["title"] == POWERBALL_TITLE for c in body["citations"])
    cited = next(c for c in body["citations"] if c["title"] == POWERBALL_TITLE)
    assert cited["source"] == "usatoday.com"
    assert cited["published"] == "2023-10-11"
    assert cited["url"].startswith("https://www.usatoday.com/")


def test_top_k_limits_the_passages(client: TestClient) -> None:
    r = client.post("/ask", json={"question": POWERBALL, "top_k": 2})
    assert r.status_code == 200, r.text
    body = r.json()
    check_answer_shape(body)
    assert 1 <= len([p for p in body["passages"] if p["ranked"]]) <= 2
    r20 = client.post("/ask", json={"question": POWERBALL, "top_k": 20})
    assert r20.status_code == 200
    assert len(r20.json()["passages"]) > 2


def test_filters_restrict_the_passages(client: TestClient) -> None:
    r = client.post("/ask", json={"question": SEED_QUESTION, "filters": {"source": "usatoday.com"}})
    assert r.status_code == 200, r.text
    body = r.json()
    check_answer_shape(body)
    assert body["passages"]
    assert all(p["source"] == "usatoday.com" for p in body["passages"])  # the seed (no source) is left out

    r = client.post(
        "/ask",
        json={"question": POWERBALL, "filters": {"published_after": "2024-01-01", "published_before": "2025-12-31"}},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    check_answer_shape(body)
    assert all("2024-01-01" <= p["published"] <= "2025-12-31" for p in body["passages"])
    assert all(c["title"] != POWERBALL_TITLE for c in body["citations"])


def test_nothing_matching_the_filters_is_not_grounded(client: TestClient) -> None:
    r = client.post("/ask", json={"question": POWERBALL, "filters": {"source": "no-such-source.example"}})
    assert r.status_code == 200, r.text
    body = r.json()
    check_answer_shape(body)
    assert body["passages"] == []
    assert body["citations"] == []
    assert body["grounded"] is False
    assert body["answer"] == CANNOT_ANSWER
    assert body["abstained"] is True and body["reason"] == "off_topic"


def test_asked_before_anything_is_indexed_the_refusal_says_so(
    app_client: Callable[[Settings], AbstractContextManager[TestClient]],
    settings_factory: Callable[..., Settings],
    tmp_path: Path,
    seed_file: Path,
) -> None:
    """Over an empty index the refusal's reason is ``empty_index``, not ``off_topic``: no article was searched.
    Once an article is added, the same question is answered from it."""
    with app_client(settings_factory(tmp_path)) as c:
        r = c.post("/ask", json={"question": SEED_QUESTION})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["answer"] == CANNOT_ANSWER and body["passages"] == []
        assert body["abstained"] is True and body["reason"] == "empty_index"

        added = c.post("/documents", files={"file": (seed_file.name, seed_file.read_bytes(), "text/plain")})
        assert added.status_code == 201, added.text
        body = c.post("/ask", json={"question": SEED_QUESTION}).json()
        assert body["reason"] != "empty_index" and body["passages"]


def test_as_of_and_history_are_accepted(client: TestClient) -> None:
    r = client.post(
        "/ask",
        json={
            "question": "Where was the winning ticket sold?",
            "as_of": "2023-10-12",
            "history": [
                {"role": "user", "content": POWERBALL},
                {"role": "assistant", "content": "A player in California won it [1]."},
            ],
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    check_answer_shape(body)
    assert body["grounded"] is True
    assert any(c["title"] == POWERBALL_TITLE for c in body["citations"])


def test_a_2000_character_question_is_accepted(client: TestClient) -> None:
    question = (POWERBALL + " ") * 60
    question = question[:2000]
    r = client.post("/ask", json={"question": question})
    assert r.status_code == 200, r.text
    check_answer_shape(r.json())


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"question": ""}, "question"),
        ({"question": "   "}, "question"),
        ({"question": "x" * 2001}, "question"),
        ({}, "question"),
        ({"question": 42}, "question"),
        ({"question": POWERBALL, "top_k": 0}, "top_k"),
        ({"question": POWERBALL, "top_k": 21}, "top_k"),
        ({"question": POWERBALL, "top_k": "many"}, "top_k"),
        ({"question": POWERBALL, "filters": {"published_after": "2023-13-45"}}, "filters.published_after"),
        ({"question": POWERBALL, "filters": {"published_before": "yesterday"}}, "filters.published_before"),
        ({"question": POWERBALL, "filters": {"author": "x"}}, "filters.author"),
        ({"question": POWERBALL, "as_of": "not a date"}, "as_of"),
        ({"question": POWERBALL, "history": [{"role": "system", "content": "x"}]}, "history.0.role"),
        ({"question": POWERBALL, "colour": "blue"}, "colour"),
    ],
    ids=[
        "empty",
        "blank",
        "2001-chars",
        "missing",
        "not-a-string",
        "top_k-0",
        "top_k-21",
        "top_k-text",
        "bad-date",
        "bad-date-word",
        "unknown-filter",
        "bad-as_of",
        "bad-history-role",
        "unknown-field",
    ],
)
def test_invalid_questions_are_422_naming_the_field(client: TestClient, body: dict[str, Any], field: str) -> None:
    for path in ("/ask", "/ask/stream"):
        r = client.post(path, json=body)
        assert r.status_code == 422, f"{path}: {r.status_code} {r.text}"
        detail = r.json()["detail"]
        assert detail.startswith(field + ":") or f"; {field}:" in detail, f"{path}: {detail!r} does not name {field}"


def test_a_body_that_is_not_json_is_422(client: TestClient) -> None:
    r = client.post("/ask", content=b"{question: nope", headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert "json" in r.json()["detail"].lower()


# --- streaming ----------------------------------------------------------------------------------
def test_stream_sends_tokens_then_citations_then_done(
    client: TestClient, sse: Callable[[str], list[tuple[str, str]]]
) -> None:
    with client.stream("POST", "/ask/stream", json={"question": POWERBALL}) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        raw = r.read().decode("utf-8")
    events = sse(raw)
    names = [name for name, _ in events]
    assert len(names) >= 3 and names[-2:] == ["citations", "done"], names
    assert set(names[:-2]) == {"token"}, f"expected token+ citations done, got {names}"

    tokens = [json.loads(data)["text"] for name, data in events if name == "token"]
    final = json.loads(events[-2][1])
    done = json.loads(events[-1][1])
    assert set(final) >= {"answer", "citations", "passages", "grounded"}
    assert final["grounded"] is True
    assert "".join(tokens).strip() == final["answer"].strip()
    passages = {p["chunk_id"] for p in final["passages"]}
    assert final["citations"] and all(c["chunk_id"] in passages for c in final["citations"])
    assert set(done["timings_ms"]) == {"retrieve", "generate", "check", "total"}

    # The same question without streaming gives the same answer and citations.
    plain = client.post("/ask", json={"question": POWERBALL}).json()
    assert plain["answer"] == final["answer"]
    assert [c["chunk_id"] for c in plain["citations"]] == [c["chunk_id"] for c in final["citations"]]


def test_stream_without_evidence_still_ends_with_citations_and_done(
    client: TestClient, sse: Callable[[str], list[tuple[str, str]]]
) -> None:
    r = client.post("/ask/stream", json={"question": POWERBALL, "filters": {"source": "no-such-source.example"}})
    assert r.status_code == 200
    names = [name for name, _ in sse(r.text)]
    assert names[-2:] == ["citations", "done"] and names[0] == "token", names
    final = json.loads(sse(r.text)[-2][1])
    assert final["grounded"] is False and final["citations"] == []


# --- a model backend that cannot be reached ------------------------------------------------------
def test_unreachable_model_is_503_naming_the_setting(broken_model_client: TestClient) -> None:
    r = broken_model_client.post("/ask", json={"question": SEED_QUESTION})
    assert r.status_code == 503, r.text
    assert "NEWSQA_LLM" in r.json()["detail"]
    # Everything that needs no model keeps working.
    assert broken_model_client.get("/documents").json()["total"] == 1
    assert broken_model_client.get("/health").status_code == 200


def test_unreachable_model_in_a_stream_is_an_error_event(
    broken_model_client: TestClient, sse: Callable[[str], list[tuple[str, str]]]
) -> None:
    with broken_model_client.stream("POST", "/ask/stream", json={"question": SEED_QUESTION}) as r:
        raw = r.read().decode("utf-8")
    # The model is only called once the stream has begun, so the failure arrives as an event.
    assert r.status_code == 200, raw
    assert "traceback" not in raw.lower()
    events = sse(raw)
    names = [name for name, _ in events]
    assert names and names[-1] == "error", names
    assert "citations" not in names and "done" not in names
    message = json.loads(events[-1][1])["message"]
    assert "NEWSQA_LLM" in message


def test_misconfigured_model_is_503_before_any_stream(misconfigured_model_client: TestClient) -> None:
    for path in ("/ask", "/ask/stream"):
        r = misconfigured_model_client.post(path, json={"question": POWERBALL})
        assert r.status_code == 503, f"{path}: {r.status_code} {r.text}"
        assert r.headers["content-type"].startswith("application/json")
        assert "NEWSQA_LLM" in r.json()["detail"]

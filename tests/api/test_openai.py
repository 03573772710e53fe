"""POST /v1/chat/completions (plain and streamed) and GET /v1/models, in OpenAI's shapes."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from openai import OpenAI

POWERBALL = "Who won the $1.73 billion Powerball jackpot?"
POWERBALL_TITLE = "$1.73 billion Powerball jackpot goes to lucky lottery player in California"
SEED_QUESTION = "What did Adm. Craig Fuller say about Iranian influence in Venezuela?"


def test_models_lists_newsqa(client: TestClient) -> None:
    r = client.get("/v1/models")
    assert r.status_code == 200
    body = r.json()
    assert body["object"] == "list"
    assert [m["id"] for m in body["data"]] == ["newsqa"]
    assert body["data"][0]["object"] == "model"


def test_chat_completion_answers_with_sources(client: TestClient) -> None:
    messages = [{"role": "user", "content": POWERBALL}]
    r = client.post("/v1/chat/completions", json={"model": "newsqa", "messages": messages})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["object"] == "chat.completion"
    assert body["id"].startswith("chatcmpl-")
    assert body["model"] == "newsqa"
    assert isinstance(body["created"], int)
    assert set(body["usage"]) == {"prompt_tokens", "completion_tokens", "total_tokens"}
    (choice,) = body["choices"]
    assert choice["index"] == 0 and choice["finish_reason"] == "stop"
    assert choice["message"]["role"] == "assistant"
    content = choice["message"]["content"]
    answer, sources = content.split("\n\nSources:\n")
    assert "California" in answer
    assert POWERBALL_TITLE in sources
    for line in sources.splitlines():  # every source line is a citation marker used in the answer
        marker = line.split(" ")[0]
        assert marker.startswith("[") and marker in answer


def test_chat_completion_uses_history_with_a_system_message(client: TestClient) -> None:
    r = client.post(
        "/v1/chat/completions",
        json={
            "messages": [
                {"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": POWERBALL},
                {"role": "assistant", "content": "A player in California [1]."},
                {"role": "user", "content": [{"type": "text", "text": "Where was the winning ticket sold?"}]},
            ]
        },
    )
    assert r.status_code == 200, r.text
    assert "Sources:" in r.json()["choices"][0]["message"]["content"]


def test_chat_completion_without_evidence_has_no_sources(client: TestClient) -> None:
    question = "What is the population of the moon colony of Zembla-9 according to its 2231 census?"
    r = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": question}]})
    assert r.status_code == 200, r.text
    ask = client.post("/ask", json={"question": question}).json()
    content = r.json()["choices"][0]["message"]["content"]
    assert ("Sources:" in content) == ask["grounded"]


def test_chat_completion_stream(client: TestClient) -> None:
    with client.stream(
        "POST", "/v1/chat/completions", json={"stream": True, "messages": [{"role": "user", "content": POWERBALL}]}
    ) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        raw = r.read().decode("utf-8")
    lines = [line for line in raw.split("\n") if line.strip()]
    assert all(line.startswith("data: ") for line in lines), lines
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line[len("data: ") :]) for line in lines[:-1]]
    assert len(chunks) >= 3
    assert all(c["object"] == "chat.completion.chunk" and c["model"] == "newsqa" for c in chunks)
    assert len({c["id"] for c in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks[:-1])
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert "California" in text and "\n\nSources:\n" in text and POWERBALL_TITLE in text

    plain = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": POWERBALL}]}).json()
    assert text == plain["choices"][0]["message"]["content"]


@pytest.mark.parametrize(
    "messages",
    [
        [],
        [{"role": "assistant", "content": "Hello"}],
        [{"role": "user", "content": "   "}],
        [{"role": "system", "content": "Be brief."}],
        [{"role": "user", "content": "x" * 2001}],
    ],
    ids=["none", "last-is-assistant", "blank", "system-only", "too-long"],
)
def test_bad_chat_requests_are_openai_400s(client: TestClient, messages: list[dict[str, str]]) -> None:
    for stream in (False, True):
        r = client.post("/v1/chat/completions", json={"messages": messages, "stream": stream})
        assert r.status_code == 400, r.text
        error = r.json()["error"]
        assert error["message"].startswith("messages") and error["type"] == "invalid_request_error", error
        assert error["code"] == "invalid_request"


def test_the_rest_of_the_api_keeps_its_error_shape(client: TestClient) -> None:
    r = client.post("/ask", json={"question": ""})
    assert r.status_code == 422 and r.json()["detail"].startswith("question")
    assert client.get("/nope").json() == {"detail": "Not Found"}
    assert client.get("/v1/nope").json()["error"]["code"] == "not_found"


def test_stream_ends_with_the_sources_in_a_chunk_of_their_own(client: TestClient) -> None:
    oai = OpenAI(base_url="http://testserver/v1", api_key="unused", http_client=client, max_retries=0)
    messages = [{"role": "user", "content": POWERBALL}]
    pieces = [
        chunk.choices[0].delta.content
        for chunk in oai.chat.completions.create(model="my-model", messages=messages, stream=True)
        if chunk.choices and chunk.choices[0].delta.content
    ]
    assert pieces[-1].startswith("\n\nSources:\n") and POWERBALL_TITLE in pieces[-1]
    assert "Sources:" not in "".join(pieces[:-1])
    plain = oai.chat.completions.create(model="my-model", messages=messages)
    assert plain.model == "my-model" and "".join(pieces) == plain.choices[0].message.content


def test_the_openai_client_talks_to_it(client: TestClient) -> None:
    """The official client, over the test app's transport (the network case is in test_server.py)."""
    oai = OpenAI(base_url="http://testserver/v1", api_key="unused", http_client=client, max_retries=0)
    assert [m.id for m in oai.models.list()] == ["newsqa"]
    completion = oai.chat.completions.create(model="newsqa", messages=[{"role": "user", "content": POWERBALL}])
    assert "Sources:" in (completion.choices[0].message.content or "")
    pieces = [
        chunk.choices[0].delta.content or ""
        for chunk in oai.chat.completions.create(
            model="newsqa", messages=[{"role": "user", "content": POWERBALL}], stream=True
        )
        if chunk.choices
    ]
    assert "".join(pieces) == completion.choices[0].message.content


def test_misconfigured_model_in_chat_is_503(misconfigured_model_client: TestClient) -> None:
    for stream in (False, True):
        r = misconfigured_model_client.post(
            "/v1/chat/completions", json={"stream": stream, "messages": [{"role": "user", "content": "Hi?"}]}
        )
        assert r.status_code == 503, r.text
        error = r.json()["error"]
        assert "NEWSQA_LLM" in error["message"]
        assert (error["type"], error["code"]) == ("server_error", "model_unavailable")


def test_unreachable_model_in_chat(broken_model_client: TestClient) -> None:
    messages = [{"role": "user", "content": SEED_QUESTION}]
    r = broken_model_client.post("/v1/chat/completions", json={"messages": messages})
    assert r.status_code == 503, r.text
    assert "NEWSQA_LLM" in r.json()["error"]["message"]
    # Streamed: the failure comes after the first chunk, as an OpenAI-style error, and the stream still ends.
    r = broken_model_client.post("/v1/chat/completions", json={"stream": True, "messages": messages})
    assert r.status_code == 200
    assert "traceback" not in r.text.lower()
    lines = [line for line in r.text.split("\n") if line.strip()]
    assert lines[-1] == "data: [DONE]"
    error = json.loads(lines[-2][len("data: ") :])["error"]
    assert "NEWSQA_LLM" in error["message"] and (error["type"], error["code"]) == ("server_error", "model_unavailable")

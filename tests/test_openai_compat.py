"""``/v1`` of a real ``newsqa serve`` through the official ``openai`` client, answered by an LLM backend.

The backend is ``NEWSQA_LLM=openai:scripted`` at a stand-in LLM server (tests/stand_in_llm.py) that writes what
each test scripts: an invalid ``[n]`` marker, an empty reply, a refusal. Whatever it writes, the streamed
content must be checked text only and add up to the non-streamed content, with the sources in a final chunk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import openai
import pytest
from openai import OpenAI
from stand_in_llm import ScriptedLLM
from support import Server, running_server

from qa.prompt import SYSTEM_PROMPT, Budget
from qa.refusal import CANNOT_ANSWER

# One short article: one chunk, so it is passage [1] of every answer.
ARTICLE = """Harbor town reopens its lighthouse as a museum
Source: example-gazette.test
Published: 2024-05-02

The town of Port Ellery reopened its 1871 lighthouse on Saturday as a maritime museum.
The restoration took three years and cost 2.4 million dollars, paid for by a regional heritage fund.
Museum director Ana Whitcombe said the first exhibit covers the shipwrecks of the Ellery Shoals.
"""
QUESTION = "Who is the director of the Port Ellery lighthouse museum?"
SUPPORTED = "Museum director Ana Whitcombe said the first exhibit covers the shipwrecks of the Ellery Shoals [1]."
INVALID_MARKER = "[7]"  # there is no passage 7: only one passage is retrieved
MARKER = re.compile(r"\[(\d+)\]")


@pytest.fixture(scope="module")
def llm() -> Iterator[ScriptedLLM]:
    with ScriptedLLM() as stand_in:
        yield stand_in


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, llm: ScriptedLLM) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("openai-compat")
    article = root / "lighthouse.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    backend = {"NEWSQA_LLM": "openai:scripted", "NEWSQA_LLM_BASE_URL": llm.url, "NEWSQA_LLM_TIMEOUT": "10"}
    with running_server(root, [article], backend) as started:
        yield started
    assert "Traceback" not in started.log_tail(20_000), started.log_tail()


@pytest.fixture(scope="module")
def client(server: Server) -> OpenAI:
    return OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0, timeout=60)


def complete(client: OpenAI, **kwargs: object) -> tuple[str, list[str], list[str]]:
    """The non-streamed content, then the streamed content pieces and the models the chunks name."""
    messages = kwargs.pop("messages", [{"role": "user", "content": QUESTION}])
    model = kwargs.pop("model", "newsqa")
    plain = client.chat.completions.create(model=model, messages=messages, **kwargs)  # type: ignore[call-overload]
    pieces, models = [], []
    for chunk in client.chat.completions.create(model=model, messages=messages, stream=True, **kwargs):  # type: ignore[call-overload]
        models.append(chunk.model)
        if chunk.choices and chunk.choices[0].delta.content:
            pieces.append(chunk.choices[0].delta.content)
    return plain.choices[0].message.content or "", pieces, models


def test_an_invalid_marker_never_reaches_the_stream(client: OpenAI, llm: ScriptedLLM) -> None:
    llm.reply = f"{SUPPORTED} The museum opened in 1871 {INVALID_MARKER}."
    plain, pieces, _ = complete(client)
    assert llm.received, "the backend was not called"
    streamed = "".join(pieces)
    assert INVALID_MARKER not in plain
    assert not any(INVALID_MARKER in p for p in pieces), pieces
    assert INVALID_MARKER not in streamed
    assert streamed == plain
    # The checked answer, then the sources in a chunk of their own, the last one with content.
    answer, _, sources = plain.partition("\n\nSources:\n")
    assert "Ana Whitcombe" in answer and "[1]" in answer
    assert {int(n) for n in MARKER.findall(answer)} == {1}
    assert sources.startswith("[1] Harbor town reopens its lighthouse as a museum"), sources
    assert pieces[-1].startswith("\n\nSources:\n") and "Sources:" not in "".join(pieces[:-1])


@pytest.mark.parametrize("reply", ["", CANNOT_ANSWER], ids=["empty", "refusal"])
def test_an_empty_or_declined_reply_streams_the_refusal(client: OpenAI, llm: ScriptedLLM, reply: str) -> None:
    llm.reply = reply
    plain, pieces, _ = complete(client)
    assert plain == CANNOT_ANSWER  # and no sources: nothing was cited
    assert "".join(pieces) == CANNOT_ANSWER


def test_the_clients_system_message_reaches_the_model_after_ours(client: OpenAI, llm: ScriptedLLM) -> None:
    llm.reply = SUPPORTED
    llm.received.clear()
    instruction = "Always answer in the voice of a ship's captain."
    messages = [{"role": "system", "content": instruction}, {"role": "user", "content": QUESTION}]
    plain, pieces, _ = complete(client, messages=messages)
    assert "".join(pieces) == plain and "Ana Whitcombe" in plain
    assert len(llm.received) == 2  # one answer each, streamed and not: a system message is no history to condense
    for sent in llm.received:
        systems = [m for m in sent if m["role"] == "system"]
        assert sent[0] is systems[0] and len(systems) == 1, sent  # one system message, first
        ours, _, theirs = systems[0]["content"].partition(instruction)
        assert ours.startswith(SYSTEM_PROMPT) and theirs == "", systems[0]["content"]  # ours first, theirs after
        assert sent[-1]["role"] == "user" and QUESTION in sent[-1]["content"]
        assert all(instruction not in m["content"] for m in sent[1:])


def test_the_model_name_is_accepted_and_echoed(client: OpenAI, llm: ScriptedLLM) -> None:
    llm.reply = SUPPORTED
    completion = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": QUESTION}])
    assert completion.model == "gpt-4o-mini"
    _, _, models = complete(client, model="my-newsqa")
    assert models and set(models) == {"my-newsqa"}
    assert [m.id for m in client.models.list()] == ["newsqa"]


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
def test_bad_requests_are_openai_errors(client: OpenAI, stream: bool) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(
            model="newsqa", messages=[{"role": "assistant", "content": "Hello"}], stream=stream
        )
    error = info.value
    assert error.status_code == 400
    assert (error.type, error.code) == ("invalid_request_error", "invalid_request")
    assert error.message.startswith("Error code: 400") and "last message must be a non-empty user message" in str(
        error.body
    )

    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="newsqa", messages=[], stream=stream)
    assert info.value.param == "messages" and info.value.type == "invalid_request_error"


def test_an_unknown_v1_route_is_an_openai_not_found(client: OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as info:
        client.embeddings.create(model="newsqa", input="lighthouse")
    assert (info.value.status_code, info.value.type, info.value.code) == (404, "invalid_request_error", "not_found")


def test_a_conversation_longer_than_the_context_is_trimmed_to_it(client: OpenAI, llm: ScriptedLLM) -> None:
    """NEWSQA_LLM_CONTEXT_TOKENS (4096 here) bounds what the OpenAI-compatible backend is sent: the oldest turns
    are left out, and the estimate of the tokens sent leaves NEWSQA_LLM_MAX_TOKENS (512) for the answer."""
    llm.reply = SUPPORTED
    llm.received.clear()
    long = "The museum's board discussed the lighthouse restoration at length once more. " * 160  # ~4000 tokens
    last = [
        {"role": "user", "content": "When did the lighthouse reopen?"},
        {"role": "assistant", "content": "It reopened on Saturday as a maritime museum [1]."},
    ]
    messages = [
        *({"role": role, "content": f"{i}: {long}"} for i in range(4) for role in ("user", "assistant")),
        *last,
        {"role": "user", "content": QUESTION},
    ]
    completion = client.chat.completions.create(model="newsqa", messages=messages)  # type: ignore[arg-type]
    assert "Ana Whitcombe" in (completion.choices[0].message.content or "")
    condense, answer = llm.received  # the follow-up is condensed, then answered
    for sent in (condense, answer):
        assert Budget(0).of(sent) <= 4096 - 512, "the prompt leaves the answer its room"
        assert all(long not in m["content"] for m in sent), "a long turn alone is over the budget: all left out"
    assert answer[-3:-1] == last, "the newest exchange is kept, just before the question"
    # The passage and the (condensed) question are there whole; the condensing saw the newest exchange.
    assert ARTICLE.splitlines()[-1] in answer[-1]["content"] and "\n\nQuestion: " in answer[-1]["content"]
    assert all(m["content"] in condense[1]["content"] for m in last) and QUESTION in condense[1]["content"]

"""The answering model, chosen by one setting (``NEWSQA_LLM``) in one place: :func:`make_generator`.

- ``extractive``: no LLM (see :mod:`qa.extractive`).
- ``llamacpp:<path.gguf>``: a local model through llama-cpp-python.
- ``<provider>:<model>``: any LangChain chat model through ``init_chat_model``
  (``openai:<model>`` with ``NEWSQA_LLM_BASE_URL`` for any OpenAI-compatible server).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from ingest.settings import Settings
from qa.passage import Passage
from qa.prompt import (
    Budget,
    Message,
    PromptTooLong,
    answer_messages,
    condense_messages,
    conversation,
    estimate_tokens,
)
from qa.refusal import MODEL_DECLINED


class ModelError(RuntimeError):
    """The model backend is misconfigured or unreachable; the message names the setting to fix."""


class ModelConfigError(ModelError):
    pass


class ModelUnavailable(ModelError):
    pass


class ContextTooSmall(ModelError):
    """The passages and the question alone do not fit the model's context window."""


class Generator(Protocol):
    name: str
    refusal_reason: str  # the Answer.reason recorded when this generator answers with the refusal sentence
    whole_articles: int  # how many of the top articles it reads whole when the ranked passages give no answer
    # Its condensing is the conversation's search text (qa.conversation.searched_with), so the search needn't
    # build that again; a model's rewrite is not (it may drop the subject a follow-up goes on from).
    condenses_as_searched: bool

    def condense(self, question: str, history: Sequence[Message]) -> str: ...

    def stream(self, question: str, passages: Sequence[Passage], history: Sequence[Message]) -> Iterator[str]: ...


class ChatGenerator:
    """Shared by every LLM backend: prompt building, condensing, error translation."""

    refusal_reason = MODEL_DECLINED
    # A model reads every passage it is given in its prompt: a whole article would cost it seconds.
    whole_articles = 0
    condenses_as_searched = False

    def __init__(
        self,
        name: str,
        complete: Callable[[list[dict[str, str]], bool], Iterator[str]],
        describe: str,
        context: int,
        settings: Settings,
        count: Callable[[str], int] = estimate_tokens,
    ) -> None:
        self.name = name
        self._complete = complete
        self._describe = describe  # where the model lives, for error messages
        self.context = context
        # The prompt gets the window less the room for the answer; never less than half of it, so a
        # NEWSQA_LLM_MAX_TOKENS as large as the window leaves a prompt (llama.cpp stops the answer at the end).
        self.budget = Budget(context - min(settings.llm_max_tokens, context // 2), count)

    def condense(self, question: str, history: Sequence[Message]) -> str:
        if not conversation(history):  # system instructions alone are no conversation to lean on
            return question
        try:
            messages = condense_messages(question, history, self.budget)
        except PromptTooLong:
            return question  # not even the last turn fits beside it: the question is searched as asked
        rewritten = "".join(self._call(messages, stream=False)).strip()
        # A small model may ramble; a rewrite that is empty or far longer than a question is not used.
        first_line = rewritten.splitlines()[0].strip() if rewritten else ""
        return first_line if 0 < len(first_line) <= 4 * max(len(question), 100) else question

    def stream(self, question: str, passages: Sequence[Passage], history: Sequence[Message]) -> Iterator[str]:
        try:
            messages = answer_messages(question, passages, history, self.budget)
        except PromptTooLong as exc:
            raise ContextTooSmall(
                f"model backend {self._describe}: the question and its {len(passages)} passages take {exc.needed} "
                f"tokens, more than the {exc.budget} that NEWSQA_LLM_CONTEXT_TOKENS={self.context} leaves beside "
                "the answer: raise it, or ask for fewer passages (top_k)"
            ) from exc
        return self._call(messages, stream=True)

    def _call(self, messages: list[dict[str, str]], stream: bool) -> Iterator[str]:
        try:
            pieces = self._complete(messages, stream)
            first = next(pieces, None)  # connection errors surface on the first piece
        except ModelError:
            raise
        except Exception as exc:
            raise ModelUnavailable(f"model backend {self._describe} failed: {_short(exc)}") from exc
        return self._guard(first, pieces)

    def _guard(self, first: str | None, pieces: Iterator[str]) -> Iterator[str]:
        if first is None:
            return
        yield first
        try:
            yield from pieces
        except Exception as exc:
            raise ModelUnavailable(f"model backend {self._describe} failed mid-answer: {_short(exc)}") from exc


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]


# --- llama.cpp -------------------------------------------------------------------------------------
def llamacpp_generator(model_path: str, settings: Settings) -> ChatGenerator:
    path = Path(model_path).expanduser()
    if not path.is_file():
        raise ModelConfigError(f"NEWSQA_LLM=llamacpp:{model_path}: no GGUF file at {path}")
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise ModelConfigError("NEWSQA_LLM=llamacpp:... needs llama-cpp-python: pip install 'newsqa[local]'") from exc
    try:
        # llama.cpp's default is half the cores; generation here is CPU-bound, so use every one of them.
        threads = os.cpu_count() or 1
        llm = Llama(
            model_path=str(path),
            n_ctx=settings.llm_context_tokens,
            n_threads=threads,
            n_threads_batch=threads,
            verbose=False,
        )
    except Exception as exc:
        raise ModelConfigError(f"NEWSQA_LLM=llamacpp:{model_path}: cannot load model: {_short(exc)}") from exc
    lock = threading.Lock()  # a llama.cpp context serves one generation at a time

    def complete(messages: list[dict[str, str]], stream: bool) -> Iterator[str]:
        with lock:
            if not stream:
                out: Any = llm.create_chat_completion(
                    messages=messages, temperature=settings.llm_temperature, max_tokens=settings.llm_max_tokens
                )
                yield out["choices"][0]["message"]["content"] or ""
                return
            for part in llm.create_chat_completion(
                messages=messages,
                temperature=settings.llm_temperature,
                max_tokens=settings.llm_max_tokens,
                stream=True,
            ):
                text = part["choices"][0]["delta"].get("content")  # type: ignore[index]
                if text:
                    yield text

    def count(text: str) -> int:
        return len(llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    describe = f"NEWSQA_LLM=llamacpp:{model_path}"
    return ChatGenerator(f"llamacpp:{path.name}", complete, describe, llm.n_ctx(), settings, count)


# --- any LangChain chat model ----------------------------------------------------------------------
def langchain_generator(provider: str, model: str, settings: Settings) -> ChatGenerator:
    from langchain.chat_models import init_chat_model

    kwargs: dict[str, Any] = {"temperature": settings.llm_temperature}
    if provider == "ollama":
        kwargs["num_predict"] = settings.llm_max_tokens
        kwargs["client_kwargs"] = {"timeout": settings.llm_timeout}
    else:
        kwargs["max_tokens"] = settings.llm_max_tokens
        kwargs["timeout"] = settings.llm_timeout
        kwargs["max_retries"] = 1
    if settings.llm_base_url:
        kwargs["base_url"] = settings.llm_base_url
    if settings.llm_api_key:
        kwargs["api_key"] = settings.llm_api_key
    elif provider == "openai" and settings.llm_base_url:
        kwargs["api_key"] = "not-needed"  # local OpenAI-compatible servers accept any key
    if provider == "openai" and settings.llm_base_url:
        # langchain-openai sends the limit only as max_completion_tokens, which llama.cpp's server (and others)
        # ignore, writing until the context is full; send the older max_tokens too.
        kwargs["extra_body"] = {"max_tokens": settings.llm_max_tokens}
    try:
        chat = init_chat_model(model, model_provider=provider, **kwargs)
    except ImportError as exc:
        raise ModelConfigError(
            f"NEWSQA_LLM={provider}:{model}: the LangChain integration is not installed ({exc})"
        ) from exc
    except Exception as exc:
        raise ModelConfigError(f"NEWSQA_LLM={provider}:{model}: {_short(exc)}") from exc

    def complete(messages: list[dict[str, str]], stream: bool) -> Iterator[str]:
        if not stream:
            yield str(chat.invoke(messages).content)
            return
        for chunk in chat.stream(messages):
            if chunk.content:
                yield str(chunk.content)

    where = f" at NEWSQA_LLM_BASE_URL={settings.llm_base_url}" if settings.llm_base_url else ""
    describe = f"NEWSQA_LLM={provider}:{model}{where}"
    # No tokenizer of a remote model here: its tokens are estimated, on the safe side (qa.prompt.estimate_tokens).
    return ChatGenerator(f"{provider}:{model}", complete, describe, settings.llm_context_tokens, settings)


def make_generator(settings: Settings, idf: Callable[[str], float]) -> Generator:
    spec = settings.llm.strip()
    if spec == "extractive":
        from qa.extractive import ExtractiveGenerator

        return ExtractiveGenerator(idf)
    provider, sep, model = spec.partition(":")
    if not sep or not provider or not model:
        raise ModelConfigError(
            f"NEWSQA_LLM={spec!r}: expected 'extractive', 'llamacpp:<path.gguf>' or '<provider>:<model>'"
        )
    if provider == "llamacpp":
        return llamacpp_generator(model, settings)
    return langchain_generator(provider, model, settings)

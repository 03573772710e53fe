"""The prompt fits the model's context window: the oldest turns go first, never the passages or the question.

The prompt builder is the real one (qa.prompt), over passages of the seed article; tokens are counted with the
estimate the OpenAI-compatible backend uses, and, for llama.cpp, with gemma-3-270m's own tokenizer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qa.passage import Passage
from qa.prompt import (
    MESSAGE_OVERHEAD,
    SYSTEM_PROMPT,
    Budget,
    Message,
    PromptTooLong,
    answer_messages,
    condense_messages,
    estimate_tokens,
    exchanges,
)

QUESTION = "What did he say about arms shipments?"
LAST = [
    Message("user", "Who is the head of US Southern Command?"),
    Message("assistant", "Adm. Craig Fuller is the head of US Southern Command [1]."),
]


@pytest.fixture(scope="module")
def passages(seed_file: Path) -> list[Passage]:
    """The seed article's first paragraphs as three numbered passages."""
    paragraphs = [p for p in seed_file.read_text(encoding="utf-8").split("\n\n")[2:] if len(p) > 200][:3]
    return [
        Passage(n, f"seed:{n}", "seed", "US Military Claims Iranian Troops", text, "", "2020-12-10", "seed.test", 1, 1)
        for n, text in enumerate(paragraphs, start=1)
    ]


def long_history(exchanges_: int, chars: int) -> list[Message]:
    """``exchanges_`` long question-and-reply pairs, then the short exchange the follow-up refers to."""
    turns = []
    for i in range(exchanges_):
        filler = f"exchange {i}: " + "the harbour council discussed the lighthouse again " * (chars // 50)
        turns += [Message("user", f"{filler}?"), Message("assistant", f"{filler}.")]
    return [*turns, *LAST]


def history_in(messages: list[dict[str, str]], history: list[Message]) -> list[dict[str, str]]:
    contents = {m.content for m in history}
    return [m for m in messages if m["content"] in contents]


def pair_tokens(budget: Budget, pair: tuple[Message, Message]) -> int:
    return sum(budget.count(m.content) + MESSAGE_OVERHEAD for m in pair)


def test_a_long_history_is_trimmed_to_the_budget_oldest_first(passages: list[Passage]) -> None:
    history = long_history(40, 3000)
    budget = Budget(1600)
    untrimmed = answer_messages(QUESTION, passages, history)
    assert budget.of(untrimmed) > budget.tokens, "the history must not fit, or nothing is tested"

    prompt = answer_messages(QUESTION, passages, history, budget)
    assert budget.of(prompt) <= budget.tokens
    # The passages and the question are the last message, untouched; our rules stay first.
    assert prompt[-1] == untrimmed[-1]
    assert QUESTION in prompt[-1]["content"] and all(p.text in prompt[-1]["content"] for p in passages)
    assert prompt[0] == {"role": "system", "content": SYSTEM_PROMPT}
    # What is kept of the conversation is its newest exchanges, and one more would not have fitted.
    kept = history_in(prompt, history)
    pairs = exchanges(history)
    assert kept, "the short last exchange fits and is kept"
    assert [m["content"] for m in kept] == [m.content for pair in pairs[-len(kept) // 2 :] for m in pair]
    assert kept[-2:] == [{"role": m.role, "content": m.content} for m in LAST]
    assert budget.of(prompt) + pair_tokens(budget, pairs[-len(kept) // 2 - 1]) > budget.tokens
    # Roles alternate after the system message, ending with the question: what strict chat templates demand.
    roles = [m["role"] for m in prompt[1:]]
    assert roles == ["user", "assistant"] * (len(roles) // 2) + ["user"]


def test_what_is_left_out_and_in_which_order(passages: list[Passage]) -> None:
    history = [Message("system", "Answer like a pirate. " * 40), *long_history(3, 400)]
    full = answer_messages(QUESTION, passages, history)
    # The budget shrinks step by step; each change in what the prompt holds is recorded.
    states: list[tuple[int, int, bool]] = []
    one_example: list[dict[str, str]] = []
    for tokens in range(Budget(0).of(full), 0, -10):
        try:
            prompt = answer_messages(QUESTION, passages, history, Budget(tokens))
        except PromptTooLong as exc:
            assert exc.needed > tokens == exc.budget
            break
        assert prompt[-1] == full[-1], "the passages and the question are in every prompt"
        state = (len(history_in(prompt, history)) // 2, worked_examples(prompt), "pirate" in prompt[0]["content"])
        if not states or states[-1] != state:
            states.append(state)
        if state[1] == 1:
            one_example = prompt
    else:
        pytest.fail("even a budget of 10 tokens held the passages and the question")
    assert states[0] == (3, 4, True) and states[-1] == (0, 0, False)
    # The turns go first (oldest first, above), then the worked examples, then the client's instructions.
    assert all(examples == 4 and instructions for turns, examples, instructions in states if turns)
    assert all(instructions for _, examples, instructions in states if examples)
    assert [e for _, e, _ in states] == sorted((e for _, e, _ in states), reverse=True)
    # Of the worked examples, the first answer is the last to go: the later ones go first.
    assert any(m["content"].startswith("The repairs cost") for m in one_example)


def worked_examples(prompt: list[dict[str, str]]) -> int:
    return sum(m["content"].startswith("Passages:\n\n[1] Kell Bridge") for m in prompt)


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        (["assistant", "user", "user", "assistant", "user"], [("user", "assistant")]),
        (["user", "assistant", "assistant", "user", "assistant"], [("user", "assistant"), ("user", "assistant")]),
        (["user"], []),
        ([], []),
    ],
    ids=["leading-reply-joined-questions-trailing-question", "joined-replies", "a-question-alone", "none"],
)
def test_history_becomes_alternating_exchanges(turns: list[str], expected: list[tuple[str, str]]) -> None:
    history = [Message(role, f"{role} {i}") for i, role in enumerate(turns)]
    pairs = exchanges(history)
    assert [(q.role, a.role) for q, a in pairs] == expected
    if turns[:5] == ["assistant", "user", "user", "assistant", "user"]:
        assert pairs[0][0].content == "user 1\n\nuser 2"  # joined, nothing lost


def test_the_condense_prompt_is_trimmed_too() -> None:
    history = long_history(3, 3000)
    budget = Budget(500)
    assert budget.of(condense_messages(QUESTION, history)) > budget.tokens
    prompt = condense_messages(QUESTION, history, budget)
    assert budget.of(prompt) <= budget.tokens
    text = prompt[1]["content"]
    assert QUESTION in text and all(m.content in text for m in LAST)
    assert "exchange 0" not in text
    with pytest.raises(PromptTooLong):
        condense_messages(QUESTION, [Message("user", "lighthouse " * 3000)], budget)


# --- the estimate the OpenAI-compatible backend counts with -------------------------------------------
@pytest.fixture(scope="module")
def gemma_tokens(gguf: Path) -> Iterator[Callable[[str], int]]:
    from llama_cpp import Llama

    llm = Llama(model_path=str(gguf), vocab_only=True, verbose=False)
    yield lambda text: len(llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))
    llm.close()


def test_the_estimate_never_counts_fewer_tokens_than_a_real_tokenizer(
    gemma_tokens: Callable[[str], int], corpus_files: Callable[..., list[Path]], passages: list[Passage]
) -> None:
    texts = [f.read_text(encoding="utf-8") for f in corpus_files(30)]
    texts += [m["content"] for m in answer_messages(QUESTION, passages, long_history(2, 500))]
    texts += ["Was kostet die Reparatur der Brücke?", "橋の修理にはいくらかかりましたか", "Ремонт моста стоил 12 млн."]
    for text in texts:
        assert estimate_tokens(text) >= gemma_tokens(text), text[:80]
    ratio = sum(map(len, texts)) / sum(map(gemma_tokens, texts))
    assert ratio > 3.0, "on English news a token is over three characters: the estimate is on the safe side"

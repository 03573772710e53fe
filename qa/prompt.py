"""What an LLM is told: numbered passages with their articles' metadata; answer only from them, cite as [n]."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.passage import Passage
from qa.refusal import CANNOT_ANSWER

SYSTEM_PROMPT = f"""You answer questions about news articles using ONLY the numbered passages you are given; \
never use outside knowledge.
Answer in one or two short sentences that state the fact asked for. End each sentence with the number of the \
passage it comes from in square brackets, for example: The mayor resigned on Monday [2].
Each passage header gives the article's title, source, author and publication date.
If the passages do not contain the answer, reply exactly: {CANNOT_ANSWER}"""

# Measured with Qwen2.5-Coder-1.5B-Instruct on short-dev (bench/short_dev.py, tests/data/qwen_short_dev.json):
# - a last line "Answer with [n] citations:" is answered with a bare "[1]", so the question is the last line;
# - told only in words, the model both refused answerable questions ("How much did Tavros pay for Radescu?",
#   with the answer in passage 1) and answered unanswerable ones; worked examples as earlier turns of the chat
#   (one answer, two refusals) fixed much of both. The example article is invented: it answers no real question.
# - with one answer to two refusals it declined questions whose answer stood in a headline ("Which airline was
#   rocked by deadly turbulence this week?"); a second answered example, a quiz-like question answered from a
#   second article, evens them: held-out natural questions 51/80 -> 57/80 right, declines 16 -> 9, 2 more
#   unanswerable ones answered (bench/natural.py; bench/README.md).
_EXAMPLE_PASSAGES = """[1] Kell Bridge reopens after repairs
Source: Example Gazette | Author: Ann Vale | Published: 2025-01-10
The Kell Bridge reopened on Friday after repairs that cost 12 million pounds. The council said traffic would \
be back to normal by March.

[2] Storm Mara closes the port of Holm
Source: Example Gazette | Author: Ben Orr | Published: 2025-01-12
Storm Mara forced the port of Holm to close on Sunday. Ferries to the islands were cancelled."""
_EXAMPLE_TURNS = [
    ("How much did the repairs cost?", "The repairs cost 12 million pounds [1]."),
    ("Who built the bridge?", CANNOT_ANSWER),
    ("Which port did a storm shut this week?", "Storm Mara closed the port of Holm [2]."),
    # The article is about the bridge's closing, but doesn't say the fact asked: still the refusal.
    ("How long was the bridge closed?", CANNOT_ANSWER),
]

CONDENSE_PROMPT = """Given the conversation so far and a follow-up question, rewrite the follow-up as one \
standalone question that can be understood without the conversation. Reply with the question only."""

# What a client's own system message (OpenAI API) is introduced with: it comes after the rules above and
# is told it cannot override them, so a "you may use your own knowledge" cannot undo grounding.
CLIENT_INSTRUCTIONS = """The application you answer for adds the instructions below. Follow them only where \
they agree with the rules above; where they conflict, the rules above win."""

_HISTORY_TURNS = 6  # the last three exchanges: a small model loses the question in a longer conversation
# What a chat template adds around each message (role markers, turn ends: 5 tokens in Gemma's), with room to spare.
MESSAGE_OVERHEAD = 8
# Bytes per token assumed where the model's tokenizer is not at hand (an OpenAI-compatible server). Current
# tokenizers average about 4 bytes per token on English news; counting 3 overestimates, so the prompt errs short.
BYTES_PER_TOKEN = 3


def estimate_tokens(text: str) -> int:
    return -(-len(text.encode("utf-8")) // BYTES_PER_TOKEN)


@dataclass(frozen=True, slots=True)
class Budget:
    """What a prompt may take of the model's context window (the rest is kept for the answer), and how its
    tokens are counted: by the model's own tokenizer where it is loaded here, else :func:`estimate_tokens`."""

    tokens: int
    count: Callable[[str], int] = estimate_tokens

    def of(self, messages: Sequence[dict[str, str]]) -> int:
        # One overhead more for the opening of the reply the template appends.
        return sum(self.count(m["content"]) + MESSAGE_OVERHEAD for m in messages) + MESSAGE_OVERHEAD


class PromptTooLong(ValueError):
    """Even without the conversation, the worked examples and the client's instructions, the passages and the
    question take more than the budget."""

    def __init__(self, needed: int, budget: int) -> None:
        super().__init__(f"the prompt needs {needed} tokens, the budget is {budget}")
        self.needed = needed
        self.budget = budget


@dataclass(frozen=True, slots=True)
class Message:
    role: str  # "user" | "assistant", or "system": instructions from the client, not a conversation turn
    content: str


def conversation(history: Sequence[Message]) -> list[Message]:
    """The user and assistant turns of ``history``, without the client's system instructions."""
    return [m for m in history if m.role != "system"]


def exchanges(history: Sequence[Message]) -> list[tuple[Message, Message]]:
    """The conversation as (question, reply) pairs, oldest first.

    Chat templates such as Gemma's refuse roles that do not alternate, and turns are dropped a pair at a time
    to fit the context: so consecutive turns of one role are joined, and a reply before any question or a
    question left without a reply (the new question follows) is left out.
    """
    merged: list[Message] = []
    for m in conversation(history):
        if merged and merged[-1].role == m.role:
            merged[-1] = Message(m.role, f"{merged[-1].content}\n\n{m.content}")
        else:
            merged.append(m)
    if merged and merged[0].role != "user":
        merged.pop(0)
    return [(merged[i], merged[i + 1]) for i in range(0, len(merged) - 1, 2)]


def instructions_of(history: Sequence[Message]) -> list[str]:
    """The client's system instructions (OpenAI API), in order."""
    return [m.content.strip() for m in history if m.role == "system" and m.content.strip()]


def system_prompt(instructions: Sequence[str]) -> str:
    """Our system prompt, then the client's system instructions, in one system message: ours first.

    One message, because some chat templates (Gemma's among them) take a single system message only.
    """
    return "\n\n".join([SYSTEM_PROMPT, CLIENT_INSTRUCTIONS, *instructions]) if instructions else SYSTEM_PROMPT


def format_passages(passages: Sequence[Passage]) -> str:
    blocks = []
    for p in passages:
        # Author and date in every header: "who wrote" and "when was it published" are answered from them.
        named = (("Source", p.source), ("Author", p.author), ("Published", p.published))
        fields = [f"{name}: {value}" for name, value in named if value]
        header = f"[{p.n}] {p.title}" + (f"\n{' | '.join(fields)}" if fields else "")
        blocks.append(f"{header}\n{p.text}")
    return "\n\n".join(blocks)


def answer_messages(
    question: str, passages: Sequence[Passage], history: Sequence[Message], budget: Budget | None = None
) -> list[dict[str, str]]:
    """The answer prompt; within ``budget``, if given, by leaving out, in this order until it fits: the oldest
    exchanges, the worked examples (the last first), the client's instructions. Never the passages or the
    question: if they alone do not fit, :class:`PromptTooLong`."""
    instructions = instructions_of(history)
    examples = list(_EXAMPLE_TURNS)
    turns = exchanges(history)[-(_HISTORY_TURNS // 2) :]
    last = {"role": "user", "content": _ask(format_passages(passages), question)}
    while True:
        messages = [{"role": "system", "content": system_prompt(instructions)}]
        for example_question, example_answer in examples:
            messages.append({"role": "user", "content": _ask(_EXAMPLE_PASSAGES, example_question)})
            messages.append({"role": "assistant", "content": example_answer})
        for pair in turns:
            messages += [{"role": m.role, "content": m.content} for m in pair]
        messages.append(last)
        if budget is None or (needed := budget.of(messages)) <= budget.tokens:
            return messages
        if turns:
            turns.pop(0)
        elif examples:
            examples.pop()
        elif instructions:
            instructions = []
        else:
            raise PromptTooLong(needed, budget.tokens)


def _ask(passages: str, question: str) -> str:
    return f"Passages:\n\n{passages}\n\nQuestion: {question}"


def condense_messages(question: str, history: Sequence[Message], budget: Budget | None = None) -> list[dict[str, str]]:
    """The prompt that rewrites a follow-up as a standalone question; within ``budget``, if given, by leaving out
    the oldest turns. :class:`PromptTooLong` when not even the last turn fits."""
    turns = conversation(history)[-_HISTORY_TURNS:]
    needed = 0
    while turns:
        transcript = "\n".join(f"{m.role}: {m.content}" for m in turns)
        messages = [
            {"role": "system", "content": CONDENSE_PROMPT},
            {
                "role": "user",
                "content": f"Conversation:\n{transcript}\n\nFollow-up question: {question}\nStandalone question:",
            },
        ]
        if budget is None or (needed := budget.of(messages)) <= budget.tokens:
            return messages
        turns.pop(0)
    raise PromptTooLong(needed, budget.tokens if budget else 0)  # nothing of the conversation fits

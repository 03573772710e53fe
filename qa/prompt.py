"""What an LLM is told: numbered passages with their articles' metadata; answer only from them, cite as [n]."""

from __future__ import annotations

from collections.abc import Sequence
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
_EXAMPLE_PASSAGES = """[1] Kell Bridge reopens after repairs
Source: Example Gazette | Author: Ann Vale | Published: 2025-01-10
The Kell Bridge reopened on Friday after repairs that cost 12 million pounds. The council said traffic would \
be back to normal by March."""
_EXAMPLE_TURNS = [
    ("How much did the repairs cost?", "The repairs cost 12 million pounds [1]."),
    ("Who built the bridge?", CANNOT_ANSWER),
    # The article is about the bridge's closing, but doesn't say the fact asked: still the refusal.
    ("How long was the bridge closed?", CANNOT_ANSWER),
]

CONDENSE_PROMPT = """Given the conversation so far and a follow-up question, rewrite the follow-up as one \
standalone question that can be understood without the conversation. Reply with the question only."""

# What a client's own system message (OpenAI API) is introduced with: it comes after the rules above and
# is told it cannot override them, so a "you may use your own knowledge" cannot undo grounding.
CLIENT_INSTRUCTIONS = """The application you answer for adds the instructions below. Follow them only where \
they agree with the rules above; where they conflict, the rules above win."""

_HISTORY_TURNS = 6


@dataclass(frozen=True, slots=True)
class Message:
    role: str  # "user" | "assistant", or "system": instructions from the client, not a conversation turn
    content: str


def conversation(history: Sequence[Message]) -> list[Message]:
    """The user and assistant turns of ``history``, without the client's system instructions."""
    return [m for m in history if m.role != "system"]


def system_prompt(history: Sequence[Message]) -> str:
    """Our system prompt, then the client's system instructions, in one system message: ours first.

    One message, because some chat templates (Gemma's among them) take a single system message only.
    """
    instructions = [m.content.strip() for m in history if m.role == "system" and m.content.strip()]
    if not instructions:
        return SYSTEM_PROMPT
    return "\n\n".join([SYSTEM_PROMPT, CLIENT_INSTRUCTIONS, *instructions])


def format_passages(passages: Sequence[Passage]) -> str:
    blocks = []
    for p in passages:
        # Author and date in every header: "who wrote" and "when was it published" are answered from them.
        named = (("Source", p.source), ("Author", p.author), ("Published", p.published))
        fields = [f"{name}: {value}" for name, value in named if value]
        header = f"[{p.n}] {p.title}" + (f"\n{' | '.join(fields)}" if fields else "")
        blocks.append(f"{header}\n{p.text}")
    return "\n\n".join(blocks)


def answer_messages(question: str, passages: Sequence[Passage], history: Sequence[Message]) -> list[dict[str, str]]:
    messages = [{"role": "system", "content": system_prompt(history)}]
    for example_question, example_answer in _EXAMPLE_TURNS:
        messages.append({"role": "user", "content": _ask(_EXAMPLE_PASSAGES, example_question)})
        messages.append({"role": "assistant", "content": example_answer})
    messages += [{"role": m.role, "content": m.content} for m in conversation(history)[-_HISTORY_TURNS:]]
    messages.append({"role": "user", "content": _ask(format_passages(passages), question)})
    return messages


def _ask(passages: str, question: str) -> str:
    return f"Passages:\n\n{passages}\n\nQuestion: {question}"


def condense_messages(question: str, history: Sequence[Message]) -> list[dict[str, str]]:
    transcript = "\n".join(f"{m.role}: {m.content}" for m in conversation(history)[-_HISTORY_TURNS:])
    return [
        {"role": "system", "content": CONDENSE_PROMPT},
        {
            "role": "user",
            "content": f"Conversation:\n{transcript}\n\nFollow-up question: {question}\nStandalone question:",
        },
    ]

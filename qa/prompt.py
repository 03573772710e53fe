"""What an LLM is told: numbered passages, answer only from them, cite each claim as [n]."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qa.passage import Passage
from qa.refusal import CANNOT_ANSWER

SYSTEM_PROMPT = f"""You answer questions about news articles.
Use ONLY the numbered passages you are given; never use outside knowledge.
After every sentence that states a fact, put the number of the passage it comes from in square brackets, \
for example [1] or [2][3].
Cite only passage numbers that exist. Keep the answer short: one to four sentences.
If the passages do not contain the answer, reply exactly: "{CANNOT_ANSWER}\""""

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
        meta = ", ".join(x for x in (p.source, p.published) if x)
        header = f"[{p.n}] {p.title}" + (f" ({meta})" if meta else "")
        blocks.append(f"{header}\n{p.text}")
    return "\n\n".join(blocks)


def answer_messages(question: str, passages: Sequence[Passage], history: Sequence[Message]) -> list[dict[str, str]]:
    messages = [{"role": "system", "content": system_prompt(history)}]
    messages += [{"role": m.role, "content": m.content} for m in conversation(history)[-_HISTORY_TURNS:]]
    messages.append(
        {
            "role": "user",
            "content": f"Passages:\n\n{format_passages(passages)}\n\nQuestion: {question}\nAnswer with [n] citations:",
        }
    )
    return messages


def condense_messages(question: str, history: Sequence[Message]) -> list[dict[str, str]]:
    transcript = "\n".join(f"{m.role}: {m.content}" for m in conversation(history)[-_HISTORY_TURNS:])
    return [
        {"role": "system", "content": CONDENSE_PROMPT},
        {
            "role": "user",
            "content": f"Conversation:\n{transcript}\n\nFollow-up question: {question}\nStandalone question:",
        },
    ]

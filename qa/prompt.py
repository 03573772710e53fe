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

_HISTORY_TURNS = 6


@dataclass(frozen=True, slots=True)
class Message:
    role: str  # "user" | "assistant"
    content: str


def format_passages(passages: Sequence[Passage]) -> str:
    blocks = []
    for p in passages:
        meta = ", ".join(x for x in (p.source, p.published) if x)
        header = f"[{p.n}] {p.title}" + (f" ({meta})" if meta else "")
        blocks.append(f"{header}\n{p.text}")
    return "\n\n".join(blocks)


def answer_messages(question: str, passages: Sequence[Passage], history: Sequence[Message]) -> list[dict[str, str]]:
    messages = [{"role": "system", "content": SYSTEM_PROMPT}]
    messages += [{"role": m.role, "content": m.content} for m in history[-_HISTORY_TURNS:]]
    messages.append(
        {
            "role": "user",
            "content": f"Passages:\n\n{format_passages(passages)}\n\nQuestion: {question}\nAnswer with [n] citations:",
        }
    )
    return messages


def condense_messages(question: str, history: Sequence[Message]) -> list[dict[str, str]]:
    transcript = "\n".join(f"{m.role}: {m.content}" for m in history[-_HISTORY_TURNS:])
    return [
        {"role": "system", "content": CONDENSE_PROMPT},
        {
            "role": "user",
            "content": f"Conversation:\n{transcript}\n\nFollow-up question: {question}\nStandalone question:",
        },
    ]

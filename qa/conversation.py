"""A follow-up in a conversation, as searched: with the question that opened its subject and the two since.

People chat in follow-ups ("How many people died?", "Who runs the grid?", "And the injured?") that name no story;
searched alone, they find whatever other story shares their few words. A follow-up is therefore searched together
with the question that opened the subject of the conversation (the last one that named someone or something the
conversation hadn't) and the two questions since, unless it names something new itself, which opens a subject of
its own. The words are only searched with: what the follow-up asks is read from the follow-up (qa.question reads
the last of several joined questions as the one asked).

The extractive reader, which has no model to rewrite a follow-up, searches and reads this text. With a model, the
model's rewrite is what it answers, but the search keeps this context too: on the held-out conversations of
bench/conversation.py, Qwen2.5-Coder-1.5B's rewrites alone found the conversation's article first for 17 of 40
follow-ups and answered 7 of 30 right (16 wrong); searched with this context as well, 32 of 40 and 13 right (6 wrong).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.prompt import Message
from qa.question import analyse, words

_ANAPHORA = re.compile(
    r"\b(he|she|it|its|they|them|their|his|her|him|this|that|these|those|there|then|the same|also|too)\b", re.IGNORECASE
)
# How many of the questions since the one that opened the subject a follow-up is searched with, at most (a long
# conversation would drown the follow-up's own words).
RECENT_QUESTIONS = 2


def searched_with(question: str, history: Sequence[Message]) -> str:
    """``question`` with the conversation's questions it goes on from, joined, or ``question`` alone."""
    turns = [m for m in history if m.role in ("user", "assistant")]
    asked = [i for i, m in enumerate(turns) if m.role == "user"]
    if not asked or not goes_on(question, turns):
        return question
    opened = next(i for i in reversed(asked) if not goes_on(turns[i].content, turns[:i]))
    since = [i for i in asked if i > opened][-RECENT_QUESTIONS:]
    return " ".join([*(turns[i].content for i in [opened, *since]), question])


def goes_on(question: str, before: Sequence[Message]) -> bool:
    """Whether ``question`` goes on with the conversation ``before`` it: it points back ("what did he say?"), or
    it names nothing the conversation hasn't ("How many people were injured?", "How old is Radescu?" after an
    answer naming him). A question naming someone or something new opens a subject of its own."""
    if not before:
        return False
    if _ANAPHORA.search(question):
        return True
    said = {w.lower() for m in before for w in words(m.content)}
    return all(w.lower() in said for name in analyse(question).names for w in words(name))

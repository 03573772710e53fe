"""A follow-up in a conversation, as searched: with the question that opened its subject and the two since.

People chat in follow-ups ("How many people died?", "Who runs the grid?", "And the injured?") that name no story;
searched alone, they find whatever other story shares their few words. A follow-up is therefore searched together
with the question that opened the subject of the conversation (the last one that named someone or something the
conversation hadn't) and the two questions since, unless it names something new itself, which opens a subject of
its own (a country or a state alone does not). The words are only searched with: what the follow-up asks is read
from the follow-up (qa.question reads the last of several joined questions as the one asked, and "And the injured?"
as the one before it was). "He" or "she" in the follow-up is read as the person the conversation named last ("How old
is he?" as "How old is Emil Radescu?").

The extractive reader, which has no model to rewrite a follow-up, searches and reads this text. With a model, the
model's rewrite is what it answers, but the search keeps this context too: on the held-out conversations of
bench/conversation.py, Qwen2.5-Coder-1.5B's rewrites alone found the conversation's article first for 17 of 40
follow-ups and answered 7 of 30 right (16 wrong); searched with this context as well, 32 of 40 and 13 right (6 wrong).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.candidates import looks_like_person
from qa.places import place_kind
from qa.prompt import Message
from qa.question import Kind, Question, analyse, words

_ANAPHORA = re.compile(
    r"\b(he|she|it|its|they|them|their|his|her|him|this|that|these|those|there|then|the same|also|too)\b", re.IGNORECASE
)
# How many of the questions since the one that opened the subject a follow-up is searched with, at most (a long
# conversation would drown the follow-up's own words).
RECENT_QUESTIONS = 2


def searched_with(question: str, history: Sequence[Message]) -> str:
    """``question`` with the conversation's questions it goes on from, joined, or ``question`` alone."""
    said: set[str] = set()  # every word of the conversation so far, grown turn by turn (read once)
    opened: str | None = None
    since: list[str] = []
    for m in history:
        if m.role not in ("user", "assistant"):
            continue
        if m.role == "user":
            if opened is None or not goes_on(m.content, said):
                opened, since = m.content, []
            else:
                since.append(m.content)
        said |= {w.lower() for w in words(m.content)}
    if opened is None or not goes_on(question, said):
        return question
    return " ".join([opened, *since[-RECENT_QUESTIONS:], with_person(question, history)])


# A person spoken of as "he" or "she"; "her" before a word is whose ("her salary"), at the end whom ("wanted her").
_PERSONAL = re.compile(r"\b(?:(he|she|him)|(his)|(her)(?=\s+\w))\b|\bher\b", re.IGNORECASE)


def with_person(question: str, history: Sequence[Message]) -> str:
    """``question`` with "he", "she", "his", "her" read as the person the conversation last named.

    "How old is he?", after "Who have Tavros United signed?" was answered "Emil Radescu — …", asks how old Emil
    Radescu is: the sentence that answers ("The 24-year-old Romanian…") is found by his name (qa.coreference), and
    the conversation's other questions ("Which club was he at?") say nothing of his age.
    """
    if not _PERSONAL.search(question):
        return question
    person = last_person(history)
    if person is None:
        return question

    def named(m: re.Match[str]) -> str:
        return f"{person}'s" if m.group(2) or m.group(3) else person

    return _PERSONAL.sub(named, question)


def last_person(history: Sequence[Message]) -> str | None:
    """The person the conversation named last: a who-question's short answer (or, answered with none, the one
    person its sentence names), or a full name a question said."""
    asked: Question | None = None  # the question a reply answers (replies come after it), read once
    person: str | None = None
    for m in history:
        if m.role == "user":
            asked = analyse(m.content)
            people = [n for n in asked.names if looks_like_person(n)]
            person = people[-1] if people else person
        elif m.role == "assistant" and asked is not None and asked.kind is Kind.PERSON and " — " in m.content:
            lead = m.content.split(" — ", 1)[0].strip()
            person = lead if looks_like_person(lead) else person
        elif m.role == "assistant" and asked is not None and asked.kind is Kind.PERSON:
            # Answered by a sentence with no short answer ("The headline slot … went to singer-songwriter Maeve
            # Ardell, 31, who…"): the one person its first sentence names, if it names one only.
            first = m.content.split("\n", 1)[0].split(" [", 1)[0]
            people = {n for n in analyse(first).names if looks_like_person(n)}
            person = people.pop() if len(people) == 1 else person
    return person


def goes_on(question: str, said: set[str]) -> bool:
    """Whether ``question`` goes on with a conversation whose words (lower case) are ``said``: it points back
    ("what did he say?"), or it names nothing the conversation hasn't ("How many people were injured?", "How old is
    Radescu?" after an answer naming him). A question naming someone or something new opens a subject of its own; a
    country or a state alone does not ("How much aid has the US sent?", in a talk about Haiti's earthquake)."""
    if not said:
        return False
    if points_back(question):
        return True
    # A country or a state is no new subject: "How much aid has the US sent?" still asks about Haiti's quake.
    names = [n for n in analyse(question).names if place_kind(n) not in _COUNTRY_OR_STATE]
    return all(w.lower() in said for name in names for w in words(name))


_COUNTRY_OR_STATE = frozenset({"country", "state"})


def points_back(question: str) -> bool:
    """Whether ``question`` speaks of something said before ("he", "it", "that", "then")."""
    return bool(_ANAPHORA.search(question))

"""Who a sentence speaks of when it doesn't name them: "He said…", "The 24-year-old Romanian scored…" point back
to the last person the passage named; "Musk" is the "Elon Musk" the article wrote out once; "Romanian" tells of
someone, not who."""

from __future__ import annotations

import re
from collections import Counter

from qa.acronyms import spelled_out
from qa.candidates import Candidate, find, looks_like_person, person_after_title, without_title
from qa.entities import labels_at
from qa.passage import Passage
from qa.question import PERSON_NOUNS, Kind, Question, stem, words
from qa.sentences import Sentence, article, sentences_before

# How a people's adjective ends: "Romanian", "Afro-Colombian", "Japanese", "Scottish", "Southern".
_DEMONYM_ENDING = r"(?:ican|ian|ean|ese|ish|ern)"


_DESCRIBED = r"(?:[\w-]+ ){0,3}?"  # the words before the noun: "The former Dorvik striker"


_AGED = rf"{_DESCRIBED}\d+-year-old"


# A sentence whose subject can only point back: "He said…", "The 24-year-old Romanian scored…".
_POINTS_BACK = re.compile(rf"(?:He|She)\b|The (?:{_AGED}|{_DESCRIBED}[A-Z]\w+{_DEMONYM_ENDING})\b")


# Or may: "The former player…"; but "The judge said…" may tell of a judge the passage never named.
_ANAPHOR = re.compile(rf"{_POINTS_BACK.pattern}|The {_DESCRIBED}(?:{'|'.join(sorted(PERSON_NOUNS))})\b")


# Anywhere in a sentence, a pointer to someone named before: "…the 24-year-old said Sunday", "she said".
_POINTING_BACK = re.compile(rf"\b(?:[Hh]e|[Ss]he|[Tt]he {_AGED})\b")


_ANTECEDENT_SENTENCES = 2  # how far back the one pointed to may have been named


# "American", "South Korean", "Middle Eastern", "British", "Chinese": a people's adjective, not a name the answer
# sentence need repeat.
DEMONYM = re.compile(rf"^(?:[A-Z]\w+[ -])?[A-Z]\w+{_DEMONYM_ENDING}s?$")  # "Afro-Colombian", "Californians" too


def full_name(lead: str, passage: Passage) -> str:
    """The passage's full name for a person the answer sentence names by surname alone: news writes "Elon Musk"
    once and "Musk" after, and "Musk" alone answers "who" poorly. Still a verbatim span of the cited passage."""
    if " " in lead or not lead[:1].isupper():
        return lead
    names = Counter(
        c.text for c in find(Kind.PERSON, article(passage)) if c.text.endswith(f" {lead}") and looks_like_person(c.text)
    )
    return names.most_common(1)[0][0] if names else lead


def antecedent(sentence: str, passage: Passage, q: Question) -> str:
    """Who "He" or "The 24-year-old Romanian" is, when the sentence that answers who names no one: the last
    person the passage named before it ("…signed the striker Emil Radescu… The 24-year-old Romanian scored 29
    league goals"), by the tagger's labels, and not one the question names. A verbatim span of the passage."""
    if not _ANAPHOR.match(sentence):
        return ""
    return _last_person(sentence, passage, {w.lower() for n in q.names for w in n.split()})


def speaks_of(q: Question, sentence: Sentence) -> bool:
    """Whether ``sentence`` points back to someone the question names: "…the 24-year-old said Sunday", right after
    a sentence that names Schlossberg (not "Then, the 86-year-old heads to Le Mans" right after one that names
    only Penske)."""
    if not _POINTING_BACK.search(sentence.text):
        return False
    asked = {w.lower() for n in q.names for w in words(n)}
    return bool(asked.intersection(words(sentence.before())))


# A thing named before and pointed back to by what it is: "LR-131, if adopted, would have… A health care provider
# who violated the proposed law would have faced up to 20 years".
_THING_POINTED_BACK = re.compile(
    r"\b(?:the|this|that)\s+(?:proposed\s+|new\s+)?(?:company|firm|chain|retailer|law|measure|bill|amendment"
    r"|proposal|initiative|agency|department|ministry|administration|commission|organization)\b",
    re.I,
)


def points_back_to(required: set[str], sentence: Sentence, initials: frozenset[str] = frozenset()) -> bool:
    """Whether ``sentence`` speaks of one of the ``required`` names (stems) by what it is ("the company", "the
    proposed law"), right after a sentence of its passage that names it, or spells out one of its ``initials``
    ("The U.S. Department of Agriculture will build… The department will spend…" for "the USDA")."""
    if not _THING_POINTED_BACK.search(sentence.text):
        return False
    before = sentence.before()
    return bool(required.intersection(stem(w) for w in words(before))) or any(spelled_out(a, before) for a in initials)


def _last_person(sentence: str, passage: Passage, asked: set[str]) -> str:
    """The last person the passage names before ``sentence``, by the tagger's labels, other than ``asked``."""
    start = passage.text.find(sentence)
    before = sentences_before(passage.text, start)[-_ANTECEDENT_SENTENCES:]
    for text in reversed(before):
        people = [p for p in _people(text) if not asked.intersection(w.lower() for w in p.split())]
        if people:
            # "…/Reuters Astronaut Nicole Mann greets…", "Astronaut Ada Brenn waved…": the name, not the title.
            return without_title(person_after_title(people[-1]))
    return ""


def _people(text: str) -> list[str]:
    """The names in ``text`` that look like people's and that the tagger labels as people."""
    return [
        c.text
        for c in find(Kind.PERSON, text)
        if looks_like_person(c.text) and "PERSON" in labels_at(text, c.start, c.end)
    ]


def pointed_to(sentence: Sentence, q: Question) -> str:
    """Who a sentence whose subject can only point back ("She…", "The 24-year-old Romanian…") speaks of."""
    return antecedent(sentence.text, sentence.passage, q) if _POINTS_BACK.match(sentence.text) else ""


def is_demonym(sentence: str, cand: Candidate) -> bool:
    """Whether ``cand`` is a people's adjective ("Romanian", "South Korean"), not a name that ends like one
    ("Kim Kardashian", which the tagger knows for a person)."""
    return bool(DEMONYM.search(cand.text)) and "PERSON" not in labels_at(sentence, cand.start, cand.end)

"""What a sentence must hold before it may answer a question at all: one of the question's names (by the word that
tells it apart), the owner it gives ("New Zealand's prime minister"), the place in a ranking it asks for ("Who
finished second?"). The extractive reader scores only the sentences that pass."""

from __future__ import annotations

import re
from dataclasses import replace

from qa.acronyms import acronyms, spelled_out
from qa.candidates import BODY_WORDS, MONTHS, WEEKDAYS, find
from qa.coreference import DEMONYM, points_back_to
from qa.passage import Passage
from qa.places import CITY_NICKNAMES, PLACE_HEADS, peoples_places, place_kind, place_of_people
from qa.question import NAME_KINDS, Kind, Question, stem, words
from qa.sentences import Sentence

# "…removed from school menus across the United States?": American news seldom names its own country, so a
# question's "United States" sets the scope rather than naming what the answer sentence must repeat.
HOME_COUNTRY = frozenset(["United States", "US", "USA", "America"])


# The heads of names of places and bodies: "Lee County" and "Charlotte County" differ by "Lee".
_GENERIC_HEADS = PLACE_HEADS | BODY_WORDS
# Their stems: "Lake County" shares only "county" with "Polk County", and is another place.
GENERIC_HEAD_STEMS = frozenset(stem(w) for w in _GENERIC_HEADS)


def required_names(q: Question) -> set[str]:
    """The question's names a sentence must repeat, each by the stem of its longest word that is not a kind of
    place or body ("Lee County" by "lee": "Charlotte County" is another place): "Malcolm X" by "malcolm"; "U.S."
    by nothing; "American" not at all (it says what, not who or where); nor its home country. A people named
    after a place may be named by the place instead: "357 people in Michigan" are Michiganders."""
    found = {
        stem(max((w for w in ws if w not in _GENERIC_HEADS), key=len, default=max(ws, key=len)))
        for n in q.names
        if (ws := words(n)) and not DEMONYM.search(n) and n not in HOME_COUNTRY
    }
    found |= {stem(place) for n in q.names if (place := place_of_people(n)) and stem(n) in found}
    # A city's nickname ("Philly") is named by the article's own name for it: the word that tells it apart.
    return found | {stem(city) for n in q.names if (city := CITY_NICKNAMES.get(n.lower()))}


_ORDINALS = {
    "first": ("1st",),
    "second": ("2nd",),
    "third": ("3rd",),
    "fourth": ("4th",),
    "fifth": ("5th",),
    "sixth": ("6th",),
    "seventh": ("7th",),
    "eighth": ("8th",),
    "ninth": ("9th",),
    "tenth": ("10th",),
}


# A place in a race or a ranking: "finished second", "came in third", "ranked fifth".
_PLACED = re.compile(
    rf"\b(?:finish\w*|came|comes|come|placed?|places|rank\w*|end\w*)\s+(?:in\s+)?({'|'.join(_ORDINALS)})\b",
    re.IGNORECASE,
)


def places_asked(q: Question) -> list[str]:
    """The places in a race or ranking the question names by ordinal ("Who finished second?": "second")."""
    return [m.group(1).lower() for m in _PLACED.finditer(q.text)]


def ordinal_present(asked: list[str], sentence: Sentence) -> bool:
    """ "Who finished second?" is not answered by "Harvick finished 11th": a place asked for by its ordinal
    must be the sentence's own."""
    have = set(words(sentence.text))
    return all(have.intersection((w, *_ORDINALS[w])) for w in asked)


_IN_PLACE = re.compile(r"\bin ((?:[A-Z][\w.-]*\s)*[A-Z][\w.-]*)")


def places_counted_in(q: Question) -> set[str]:
    """The places a count asked for is counted in ("How many Joann stores are there in Mississippi?"), each by
    its distinguishing word, as :func:`required_names` gives names. (Only a count's: "By what percentage did
    cautions rise under the clampdown in England?" sets the scene with its place, and the sentence need not.)"""
    if q.kind is not Kind.COUNT:
        return set()
    places = [m.group(1) for m in _IN_PLACE.finditer(q.text)]
    return required_names(replace(q, names=tuple(p for p in places if place_kind(p) in ("state", "country"))))


def place_present(places: set[str], sentence: Sentence) -> bool:
    """A count for a place is stated with the place, in the sentence itself: the headline or the story may be
    about the place while the sentence counts the whole (a chain's 500 closing stores, not its three in
    Mississippi)."""
    return places <= set(sentence.stems)


_OWNER = re.compile(r"\b((?:[A-Z][\w.&-]*\s)*[A-Z][\w.&-]*)(?:’s|'s)\s")


def owners_named(q: Question) -> set[str]:
    """The names a question gives as owners ("New Zealand's prime minister", "Avelo's CEO"), each by the word
    that tells it apart (see :func:`required_names`)."""
    named = replace(q, names=tuple(m.group(1) for m in _OWNER.finditer(q.text)))
    return required_names(named) & required_names(q)


def owned_by_pronoun(q: Question, sentence: Sentence) -> bool:
    """Whether the sentence gives the noun asked for an owner by pronoun or by description ("his running mate",
    "its CEO", "the congressman's chief of staff"): who that is, the passage around it says."""
    if not q.target:
        return False
    owner = r"(?:his|her|its|their|the\s+[a-z][\w-]*(?:’s|'s))"
    m = re.search(rf"\b{owner}\s+(?:[\w-]+\s+)?{re.escape(q.target)}\b", sentence.text, re.I)
    if m is None:
        return False
    # "Last week Merriam-Webster announced that its word of the year is…": "its" is the name just before it,
    # when that is not the one the question asks about.
    asked = owners_named(q)
    named = [c for c in find(Kind.PERSON, sentence.text[: m.start()]) if c.start > 0 or len(c.text.split()) > 1]
    return not named or any({stem(w) for w in words(c.text)} & asked for c in named)


def owned(owners: set[str], stems: set[str] | frozenset[str]) -> bool:
    """Whether ``stems`` name every owner the question gives (any one of them), or it gives none."""
    return not owners or bool(owners & stems)


def names_present(q: Question, sentence: Sentence, required: set[str]) -> bool:
    """A question naming someone is answered by a sentence (or an article titled) naming them too.

    One of its names (``required``, see :func:`required_names`) suffices: a quiz question names more than the
    answer sentence repeats.
    """
    if not required:
        return True
    have = set(sentence.stems) | sentence.title_stems
    texts = [sentence.text, sentence.passage.title]
    if q.kind in NAME_KINDS or q.kind is Kind.ANY:
        # Asked for a name, the question's own names set the scene ("Which Ivy League school…?"): the passage
        # around the sentence may carry them. An age or a number must be said of the one named, in the sentence.
        have |= sentence.context_stems
        texts.append(sentence.passage.text)
    if required & have:
        return True
    # "the USDA" is named by the article's "U.S. Department of Agriculture", whose words share nothing with it.
    initials = frozenset(a for a in acronyms(q.names) if stem(a) in required)
    return any(spelled_out(a, t) for a in initials for t in texts) or points_back_to(required, sentence, initials)


def passage_names(q: Question, passage: Passage, required: set[str]) -> bool:
    """Whether ``passage`` names one of the question's names (``required``, see :func:`required_names`), itself,
    by its people ("French Prime Minister…" names France) or by the words its initials stand for.

    A model's first sentence must rest on such a passage: "Anthony Albanese", true of a passage about Australia,
    is no answer to "Who is France's prime minister?". The reader asks as much of each sentence it weighs
    (:func:`names_present`); a model's answer is held to it by the passage.
    """
    required = required - _WHEN_NAMES  # "on Monday" says when, not about whom: the story may give the date instead
    if not required:
        return True
    text = f"{passage.title}\n{passage.text}"
    have = {stem(w) for w in words(text)}
    have |= {stem(place) for place in peoples_places(text)}
    if required & have:
        return True
    initials = frozenset(a for a in acronyms(q.names) if stem(a) in required)
    return any(spelled_out(a, text) for a in initials)


# Days and months say when, not about whom or what.
_WHEN_NAMES = frozenset(stem(w) for w in (*WEEKDAYS, *MONTHS))

"""Names written as their initials: a question's "USDA" is the article's "U.S. Department of Agriculture".

News introduces a body by its full name and may never use the initials a reader types; the stems of "USDA"
share nothing with those of its full name, so a sentence naming the body is found by spelling the initials out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# Two to six capitals, alone: "USDA", "FAA", "NASA" (not "U.S.", which news writes with stops and the reader
# reads as the home country).
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
# A run of capitalised words, with the small words a body's name holds ("of", "and", "for", "the") inside it.
_CAPITALISED = re.compile(r"(?:[A-Z]\.){2,}|[A-Z][\w'’&-]*")
_INSIDE = frozenset(["of", "and", "for", "the", "on", "&"])


def acronyms(names: Iterable[str]) -> set[str]:
    """The initials among a question's names ("USDA" in "the USDA")."""
    return {a for n in names for a in _ACRONYM.findall(n)}


# Cached: a passage's text is searched again for every sentence of it the reader weighs (a pure function of
# two strings, so nothing stale survives a change to the index).
@lru_cache(maxsize=4096)
def spelled_out(acronym: str, text: str) -> bool:
    """Whether ``text`` names, word by capitalised word, what ``acronym`` abbreviates: "U.S. Department of
    Agriculture" for "USDA" ("U.S." giving its two letters), "Federal Aviation Administration" for "FAA"."""
    return any(acronym in _initials(run) and len(run) > 1 for run in _runs(text))


def abbreviated_by(text: str, acronym: str) -> bool:
    """Whether ``text`` is, word by capitalised word, exactly what ``acronym`` abbreviates: "New York City" for
    "NYC" (not "New York City Council", which is more)."""
    runs = _runs(text)
    return len(runs) == 1 and len(runs[0]) > 1 and _initials(runs[0]) == acronym


def _initials(run: list[str]) -> str:
    return "".join(w.replace(".", "") if "." in w else w[0] for w in run)


def _runs(text: str) -> list[list[str]]:
    """The runs of capitalised words in ``text``, the small words inside a run left out."""
    runs: list[list[str]] = [[]]
    for token in re.findall(r"(?:[A-Z]\.){2,}|[\w'’&-]+", text):
        if _CAPITALISED.fullmatch(token):
            runs[-1].append(token)
        elif token.lower() in _INSIDE and runs[-1]:
            continue
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]

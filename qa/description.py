"""What the articles say someone or something is, for "Who is Craig Fuller?" and "What is Westmark Power?": the
apposition after the name, the role before it, or what "is" links it to."""

from __future__ import annotations

import re

from qa.candidates import is_title
from qa.entities import tagged
from qa.question import Question


def description(q: Question, sentence: str, headline: bool = False) -> str:
    """For "Who is Craig Fuller?": the apposition after the name ("Craig Fuller, the head of US Southern
    Command, said") or the role before it ("Chief financial officer Jonas Pereira"), except in a headline,
    which drops the words that would tell a role from a verb ("Tavros United sign striker Emil Radescu")."""
    for name in q.names:
        last = re.escape(name.split()[-1])
        after = re.search(rf"\b{last}\b(?:’s|'s)?,\s+((?:the|a|an|who|its|their|his|her)\b[^,;.]{{3,120}})", sentence)
        if after:
            return after.group(1).strip()
        at = sentence.find(name)
        role = _role_before(sentence, at) if at > 0 and not headline else ""
        if role:
            return role
        linked = re.search(rf"\b{last}\b\s+(?:is|was|has been|had been)\s+((?:the|a|an)\b[^,;.]{{3,120}})", sentence)
        if linked:
            return linked.group(1).strip()
    return ""


def _role_before(sentence: str, at: int) -> str:
    """The noun phrase that says what the one named at ``at`` is, right before the name or its comma: "Chief
    financial officer Jonas Pereira", "the striker Emil Radescu" (not "…have signed the striker"), "The grid
    operator, Westmark Power", "Judge Rosalind Achebe"; "" when a verb or a small word stands there."""
    tokens = [t for t in tagged(sentence) if t[1] <= at]
    apposed = bool(tokens) and sentence[tokens[-1][0] : tokens[-1][1]] == ","
    if apposed:
        tokens.pop()  # an apposition before the name
    start = None
    opener = ""  # the tag of the word before the phrase
    for first, _, tag in reversed(tokens[-_MAX_ROLE_WORDS:]):
        if tag not in _ROLE_TAGS:
            opener = tag
            break
        start = first
    if start is None:
        return ""
    if apposed and opener == "IN":
        return ""  # "In the end, Yankees GM Brian Cashman…": a phrase opening the sentence, not what he is
    role = sentence[start:at].strip().rstrip(",").strip()
    words_ = role.split()
    if words_ and words_[0].lower() in ("a", "an", "the") and len(words_) == 1:
        return ""
    # Another name alone is no role; an office alone is ("Judge Rosalind Achebe").
    if any(w[:1].islower() for w in words_) or (len(words_) == 1 and is_title(words_[0])):
        return role
    return ""


_ROLE_TAGS = frozenset({"DT", "JJ", "JJR", "JJS", "NN", "NNS", "NNP", "NNPS", "POS", "CD", "HYPH"})


_MAX_ROLE_WORDS = 6

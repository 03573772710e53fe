"""Who runs something: the offices that head an organisation, a team, a town or an event, and whether a sentence
gives someone one of them: "Governor Elena Marsk", "The group's chair, retired teacher Margaret Olsen,", "Owen
Pritchard, the festival's director,", or a body: "The grid operator, Westmark Power".

People ask "Who runs the reserve bank?" or "Who's in charge of the university?"; news writes the office
before the name instead, and never the question's verb. Only the top office counts: "Tomas Brell, chief
economist at Calloway Capital" heads nothing, nor does a vice-president.
"""

from __future__ import annotations

import re

# The offices that head what they belong to. (A "chief" heads only as a chief executive or constable, or as the
# title right before a name, "Fire Chief Anita Ross": "chief economist" is a post under someone.)
_OFFICE = (
    r"(?:governor|chair(?:man|woman|person)?|(?<!vice )(?<!vice-)president|chief\s+(?:executive|constable)|ceo"
    r"|(?:managing\s+|executive\s+)?director(?:[- ]general)?|head(?:\s*teacher|master|mistress)?|principal|leader"
    r"|mayor|boss|(?:vice-)?chancellor|commissioner|secretary[- ]general|(?:prime\s+)?minister|premier|manager|owner"
    r"|operator)"  # "The grid operator, Westmark Power": a body runs some things
)
# The words just before an office, when they say whose the office is: "Fire Chief", "the group's chair",
# "Screen Actors Guild president" (a name's capitalised run whole), "Kelvale manager".
_OF = r"(?:((?:[A-Z][\w&.-]*\s+)*[A-Z][\w&.-]*|[\w-]+?)(?:'s?)?\s+)?"
# The office just before the name, or before an appositive of a few lower-case words ("chair, retired teacher").
_BEFORE = re.compile(
    rf"{_OF}(?i:\b{_OFFICE})(?:,?\s+(?:[a-z][\w'-]*\s+){{0,3}})?\s*$|{_OF}(?i:\bchief)\s+$"
    r"|\b(?i:led|headed|run|chaired)\s+by\s+(?:[a-z][\w'-]*\s+){0,3}$"  # "Led by billionaire entrepreneur …"
)
# The office in apposition after it: ", the bank's governor", ", chair of the group".
_AFTER = re.compile(
    rf"^,\s+(?:(?:the|its|their|his|her)\s+)?(?:[a-z][\w-]*\s+){{0,2}}?{_OF}(?i:{_OFFICE})\b"
    # Or the verb: "Jared Isaacman leading mission", "Marisol Quenby-Hart now runs the lighthouse".
    r"|^(?:,\s+who)?\s+(?:now\s+|currently\s+|still\s+)?(?:runs|heads|leads|chairs|manages|running|heading|leading)\b"
)
_NOT_WHOSE = frozenset(
    {"said", "says", "told", "the", "a", "an", "and", "of", "by", "as", "former", "new", "acting", "interim"}
    | {"managing", "executive"}  # a word of the office: "Managing director Colin Ashby"
)


def office_of(sentence: str, start: int, end: int) -> str | None:
    """Whose office the one named at ``sentence[start:end]`` holds, as the words before it say ("Fire" for
    "Fire Chief Anita Ross", "" when none says: "Governor Elena Marsk"), or None when the sentence gives them
    no office that heads something."""
    found = _BEFORE.search(sentence[:start]) or _AFTER.match(sentence[end:])
    if found is None:
        return None
    of = next((g for g in found.groups() if g), "")
    return "" if of.lower() in _NOT_WHOSE else of

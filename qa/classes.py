"""Closed classes a "which …?" question can ask for: sports, colours, metals, coins and notes, insects,
instruments, seasons, planets, nationalities; and a vote's tally ("780-72"), a closed form rather than a list (and
a match's score, "3-1", the form a score is mostly written in).

"Which sport did Herschel Walker play?" is answered by "football", a word in lower case that no pattern for
names finds; but sports, like colours or metals, are few and known, so the answer is one of them. Question
classification has long split "what/which" questions into such fine classes (Li and Roth, 2002, "Learning
Question Classifiers"); the closed ones are written out here rather than learnt, as qa.places does for states
and countries. A class absent here leaves the question to the name patterns, as before.

The classes were chosen from the kinds of question news quizzes ask (RealTime QA dev among them).
"""

from __future__ import annotations

import re
from functools import cache

from qa.candidates import Candidate
from qa.places import listed
from qa.question import stem

_SPORTS = listed(
    "football, american football, soccer, basketball, baseball, softball, hockey, ice hockey, field hockey, tennis, "
    "table tennis, golf, boxing, wrestling, cricket, rugby, volleyball, beach volleyball, swimming, diving, "
    "gymnastics, track and field, athletics, cycling, skiing, snowboarding, skateboarding, surfing, lacrosse, "
    "badminton, fencing, rowing, sailing, figure skating, speed skating, skating, bobsled, curling, bowling, polo, "
    "water polo, pickleball, mixed martial arts, mma, judo, karate, taekwondo, weightlifting, handball, darts, "
    "snooker, billiards, triathlon, squash, archery, equestrian, horse racing, motor racing, formula one, "
    "esports, climbing, marathon running, running"
)
_COLOURS = listed(
    "red, orange, yellow, green, blue, purple, violet, pink, brown, black, white, gray, grey, gold, silver, beige, "
    "turquoise, teal, navy, maroon, crimson, magenta, cyan, lavender, indigo, scarlet"
)
_METALS = listed(
    "gold, silver, copper, iron, steel, aluminum, aluminium, nickel, zinc, tin, platinum, palladium, lithium, "
    "cobalt, titanium, uranium, tungsten, brass, bronze, chromium, manganese, mercury"
)
_MONEY = listed(
    "penny, nickel, dime, quarter, half dollar, dollar coin, dollar bill, $1 bill, $2 bill, $5 bill, $10 bill, "
    "$20 bill, $50 bill, $100 bill, dollar, euro, pound, yen, yuan, peso, rupee, ruble, rouble, franc, bitcoin"
)
_INSECTS = listed(
    "bee, honeybee, bumblebee, hornet, wasp, yellowjacket, ant, mosquito, beetle, moth, butterfly, cicada, locust, "
    "grasshopper, cricket, termite, lanternfly, aphid, cockroach, flea, bedbug, bed bug, weevil"
)
_INSTRUMENTS = listed(
    "piano, guitar, violin, viola, cello, double bass, bass, drums, trumpet, trombone, saxophone, flute, clarinet, "
    "oboe, bassoon, harp, banjo, ukulele, organ, harmonica, accordion, tuba, french horn"
)
_NATIONALITIES = listed(
    "american, british, english, scottish, welsh, irish, french, german, italian, spanish, portuguese, dutch, "
    "belgian, swiss, austrian, swedish, norwegian, danish, finnish, icelandic, polish, czech, slovak, hungarian, "
    "romanian, bulgarian, greek, turkish, russian, ukrainian, belarusian, serbian, croatian, bosnian, albanian, "
    "georgian, armenian, israeli, palestinian, lebanese, syrian, iraqi, iranian, saudi, emirati, qatari, kuwaiti, "
    "yemeni, egyptian, libyan, tunisian, algerian, moroccan, nigerian, ghanaian, kenyan, ethiopian, somali, "
    "sudanese, south african, chinese, japanese, korean, south korean, north korean, taiwanese, vietnamese, thai, "
    "filipino, indonesian, malaysian, singaporean, indian, pakistani, afghan, bangladeshi, sri lankan, nepali, "
    "australian, new zealander, canadian, mexican, brazilian, argentine, argentinian, chilean, colombian, "
    "peruvian, venezuelan, cuban, haitian, jamaican"
)
_SEASONS = listed("spring, summer, autumn, winter")  # not "fall": far more often the verb
_PLANETS = listed("mercury, venus, earth, mars, jupiter, saturn, uranus, neptune, pluto")

# The nouns a question names the class by, each with its members.
_CLASSES: dict[str, frozenset[str]] = {
    "sport": _SPORTS,
    "color": _COLOURS,
    "colour": _COLOURS,
    "metal": _METALS,
    "currency": _MONEY,
    "banknote": _MONEY,
    "insect": _INSECTS,
    "bug": _INSECTS,
    "pest": _INSECTS,
    "instrument": _INSTRUMENTS,
    "season": _SEASONS,
    "nationality": _NATIONALITIES,
    "citizenship": _NATIONALITIES,
    "planet": _PLANETS,
}
_BY_STEM = {stem(noun): members for noun, members in _CLASSES.items()}
# A tally is written, not listed: "an overwhelming vote of 780-72", "81,326 votes to 60,399".
_COUNT = r"\d{1,3}(?:,\d{3})*"
_TALLY = re.compile(rf"(?<![\w$.,-]){_COUNT}(?:\s?[-–]\s?|(?: votes)? to ){_COUNT}(?![\w%-])")
_WRITTEN = {stem(noun): _TALLY for noun in ("vote", "votes", "tally")}
# Asked for a score, a sentence that writes one as a tally says it ("beating Kelvale City 3-1"); one that doesn't
# may still give it otherwise ("with a score of 701 points"): preferred, not closed.
_PREFERRED = {stem(noun): _TALLY for noun in ("score", "scoreline")}


@cache
def members_pattern(target_stem: str | None) -> re.Pattern[str] | None:
    """A pattern for the members of the class ``target_stem`` names, a plural and a run of them included
    ("steel and aluminum"), or None when it names no closed class."""
    if target_stem in _WRITTEN:
        return _WRITTEN[target_stem]
    members = _BY_STEM.get(target_stem or "")
    if members is None:
        return None
    # Longest first, so "ice hockey" is found whole rather than as "hockey".
    one = "|".join(re.escape(m) for m in sorted(members, key=len, reverse=True))
    member = rf"(?:{one})(?:e?s)?"
    return re.compile(rf"(?<![\w$-]){member}(?:(?:,\s|,?\s(?:and|or)\s){member})*(?![\w-])", re.IGNORECASE)


def members(target_stem: str | None, sentence: str) -> list[Candidate] | None:
    """The members of the class ``target_stem`` names that ``sentence`` holds, or None when it names none."""
    pattern = members_pattern(target_stem)
    return None if pattern is None else _spans(pattern, sentence)


def preferred(target_stem: str | None, sentence: str) -> list[Candidate]:
    """The spans written in the form the noun asked for is usually written in ("3-1" for a score), if any."""
    pattern = _PREFERRED.get(target_stem or "")
    return _spans(pattern, sentence) if pattern else []


def _spans(pattern: re.Pattern[str], sentence: str) -> list[Candidate]:
    return [Candidate(m.group(), m.start(), m.end(), "member") for m in pattern.finditer(sentence)]

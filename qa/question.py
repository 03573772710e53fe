"""What a question asks for: the kind of answer it wants, the thing it is about, and its focus words.

"How many people died in the storm?" wants a COUNT of "people", about {people, die, storm};
"Who is the grid operator?" wants a PERSON (or organisation) next to "operator"; "Who wrote the Orrin
Chemicals story?" asks for an article's author, which is metadata rather than text. All rules, no model:
questions are short, and the rules are cheap and explainable.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from enum import StrEnum

import Stemmer

from ingest.bm25 import STOPWORDS
from qa.entities import word_tags
from qa.places import place_kind

_STEMMER = Stemmer.Stemmer("english")  # the stemmer BM25 uses, so stems meet its IDF table
_WORD = re.compile(r"\b\w\w+\b")  # bm25s's token pattern: positions and stems line up with its tokens


class Kind(StrEnum):
    PERSON = "person"  # who: a person or an organisation
    DATE = "date"  # when
    COUNT = "count"  # how many
    AMOUNT = "amount"  # how much, how big/strong/far…: money or a measured quantity
    MONEY = "money"  # what was the profit / price / fee
    PERCENT = "percent"
    PLACE = "place"  # where, which country/city
    DURATION = "duration"  # how long
    AGE = "age"  # how old
    CAUSE = "cause"  # why
    NAME = "name"  # which/what <noun>: a name
    DESCRIPTION = "description"  # who/what is <Name>
    ANY = "any"  # no recognisable question word: the best-matching sentence


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Kinds whose answers are written in a few regular ways (qa.candidates finds them reliably): a sentence that is to
# answer such a question must hold one, or it is no answer, however true.
QUANTITY_KINDS = frozenset({Kind.COUNT, Kind.AMOUNT, Kind.MONEY, Kind.PERCENT, Kind.DATE, Kind.DURATION, Kind.AGE})
NAME_KINDS = frozenset({Kind.PERSON, Kind.PLACE, Kind.NAME})  # answered by a name

# Auxiliaries and light words that end the noun phrase after a question word.
_AUX = _set(
    "is are was were be been being do does did will would can could should must may might has have had "
    "shall to of in on at for from by with as that this these those its his her their the a an"
)
_STOP = (
    _set(
        "what which who whom whose when where why how much many long old big the a an of in on at for to from by with "
        "is are was were be been do does did will would can could should must may might has have had and or it its "
        "this that these those his her their he she they them him we you me our your my there then than about into "
        "after before over under up down "
        "out so not no yes also just now recently week year day today called name named any some stuff "
        # Scene-setting words of quiz questions ("this past weekend", "according to"): every article of the week
        # shares them, and the answer sentence seldom repeats them.
        "past weekend recent earlier currently latest according likely "
        # How sure or how exact the asker wants it, not what about: "Where exactly did the train crash?"
        "exactly actually really precisely roughly approximately"
    )
    | STOPWORDS
)  # and the words the index leaves out ("as", "such", "if", "but"): no weight to give, no match to find
_PLACE_NOUNS = _set(
    "country countries nation state states city cities town village island islands region province county "
    "continent capital place location borough district territory neighborhood neighbourhood"
)
PERSON_NOUNS = _set(
    "person man woman player actor actress singer rapper star president leader governor senator minister "
    "chancellor mayor judge manager gm coach ceo cfo coo cto chief director founder chair chairman chairwoman "
    "spokesperson spokesman spokeswoman author writer winner candidate host figure official lawmaker politician "
    "athlete celebrity musician artist scientist journalist billionaire executive comedian quarterback footballer "
    "golfer nominee pope king queen prince princess doctor physician surgeon nurse lawyer attorney prosecutor "
    "teacher officer suspect pilot people persons men women mother father wife husband son daughter brother "
    "sister parent spouse"
)
# What "how many people…?" counts: a count of people may stand by what befell them ("13 illnesses"), and a
# model may leave the noun out ("Two died.").
PEOPLE_NOUNS = _set("people persons person")
# Role acronyms are written in capitals but are not names: "Who is Heliant's CFO?" asks for a person.
_ROLE_ACRONYMS = _set("ceo cfo coo cto cmo cio gm")
_MONEY_NOUNS = _set(
    "profit profits revenue revenues price prices cost costs fee fees salary salaries budget sales income loss "
    "losses debt value worth fine damages bill payment wage wages earnings sum"
)
_DATE_NOUNS = _set("date day month year time")
# "What was the top wind speed?" asks for an amount with its unit.
_MEASURE_NOUNS = _set(
    "speed speeds height depth distance length weight temperature temperatures size area magnitude altitude "
    "elevation volume capacity width"
)
_EXTREMES = _set("record high low peak maximum minimum limit level")
_MEASURE_ADJECTIVES = _set("big large strong fast high deep tall heavy far wide hot cold expensive")
_MONEY_ITSELF = _set("money cash")
_MONEY_VERBS = _set(
    "pay paid paying cost costs costing spend spent spending raise raised raising earn earned earning charge charged "
    "charging sell sold selling fine fined "
    # What robbers took, what a film took in: "How much did they take?"
    "take took steal stole"
)
# Verbs whose object, asked last with "what", is a sum: "What did the court order Orrin to pay?"
_PRICE_VERBS = _set("pay cost spend charge earn owe")
_GAIN_VERBS = _set("get gets got receive receives received award awarded win won")
_META_OBJECTS = _set("story article piece report news item coverage report post column")
_TITLE_WORDS = _set("mr mrs ms dr prof sen rep gov president the")


# Words a question uses for what an article says otherwise (stems are compared). Hand-written for news;
# checked on short-dev, whose questions were written to share few words with their answers.
# Someone caught by the police was arrested; someone who caught a disease is one of its cases.
_CAUGHT = ("arrest", "captur", "detain", "infect", "case", "sicken", "sick", "ill")
_PAY = (
    *("fee", "paid", "cost", "price", "spend", "spent", "sum", "buy", "bought", "acquir"),
    *("toll", "fare"),  # "Do cyclists pay to cross?": "Tolls will stay at 1.50 pounds for cars…"
    "repay",  # "How much more will people pay on their mortgage?": "…add about 40 dollars a month to the repayments"
    "fund",  # "Who paid for the study?": "The study was funded by the Saltmarsh Health Foundation"
)
_SYNONYM_WORDS: dict[str, tuple[str, ...]] = {
    "assassin": ("kill", "shot", "slay", "slain", "murder"),  # "What year was Malcolm X assassinated?": "killed"
    "get": ("receiv", "award"),  # "How much did the schools get?": "the district has been awarded…"
    "receiv": ("get", "got", "award"),
    "pay": _PAY,
    "paid": _PAY,  # "Who paid for the study?": "paid" stems apart from "pay"
    "leave": ("from", "quit", "depart", "exit", "left"),
    "left": ("from", "quit", "depart", "exit", "leave"),
    "back": ("reconnect", "restor", "return", "resum", "reopen"),
    # A verb and the noun for who does it: "Who owns Team Penske?" is answered by "team owner Roger Penske".
    "own": ("owner",),
    "owner": ("own", "owns"),
    "found": ("founder", "discovered"),  # "found" is also "find"'s past: "the snake was found" / "discovered"
    "find": ("discover", "discovered"),
    # Who someone's parent is, an article writes from the child's side: "Schlossberg, the son of Caroline Kennedy".
    "mother": ("son", "daughter", "child"),
    "father": ("son", "daughter", "child"),
    "mean": ("defin", "definit", "refer"),  # "What does goblin mode mean?": "It defines the term as…"
    "lawyer": ("attorney", "counsel", "legal"),  # "the residents' lawyer bills": "the residents' legal costs"
    "bill": ("cost", "fee", "invoic"),
    "electr": ("power", "suppli", "outag"),  # "When will the electricity be back on?": "…supply should be restored"
    "floodwat": ("water", "flood"),
    "attorney": ("lawyer",),
    "founder": ("found", "founded"),
    "manage": ("manager",),
    "manager": ("manage", "managed"),
    "direct": ("director",),
    "director": ("direct", "directed"),
    # The word that tells the officer: "chief" alone is any of them (a CFO is no answer to "who is the CEO?").
    "cfo": ("financial",),
    "ceo": ("executive",),
    "coo": ("operating",),
    # How someone responded is what they said or did next ("Orrin Chemicals said it would appeal"); how a
    # stock or a market reacted, which way it moved ("The shares rose 6 percent").
    "respond": ("said", "say", "repli", "react", "vow", "announc", "statement"),
    "react": (
        *("respond", "said", "say", "statement"),
        *("rose", "rise", "fell", "fall", "jump", "drop", "gain", "slid", "climb", "plung", "soar"),
    ),
    # What someone said is quoted with whichever verb of saying: "What did she say?" is answered by '"We cannot
    # allow…," Governor Elena Marsk told reporters'.
    "say": ("tell", "told"),
    # People are counted by where they are: "How many people were on the train?", "…carrying about 260 passengers";
    # "How many people live in Nome?", "…with about 10,000 residents".
    "people": ("passenger", "passengers", "resident", "residents"),
    "catch": _CAUGHT,
    "caught": _CAUGHT,
    "number": ("no",),  # "What number did Franco Harris wear?": "his No. 32 jersey"
    "revenu": ("sale", "turnov"),
    "profit": ("earn", "net", "incom"),
    "earn": ("profit", "revenu", "quarter", "result", "incom"),
    "make": ("earn", "rose", "reach"),
    "buy": ("acquir", "purchas", "bought"),
    "sell": ("sold", "sale"),
    "start": ("begin", "began", "launch", "open", "effect"),  # a charge "went into effect on Feb. 3"
    "schedule": ("set", "slated", "due"),  # "The show, originally set for Tuesday, Dec. 17…"
    "replace": ("succeed", "successor", "succeeds"),
    "end": ("finish", "close", "conclud"),
    "close": ("shut",),  # "Which branches are closing?": "The branches at Millbank… will shut"
    "sick": ("ill", "sicken", "illness"),  # "How many people got sick?": "13 illnesses"
    "ill": ("sick", "sicken"),
    "fire": ("blaze", "wildfir"),
    "storm": ("hurrican", "cyclon", "typhoon", "gust", "wind"),
    # A marriage is announced as confirmed or revealed; a band regroups as it reconvenes; a strike from the air.
    "die": ("perish",),
    "live": ("resid", "popul", "inhabit"),  # "How many people live in Nome?": "…with about 10,000 residents"
    "stop": ("block", "halt", "suspend", "annul", "ban"),  # "Why did the court stop the landfill?": "blocked"
    "block": ("stop", "halt", "suspend", "annul", "ban"),
    "hack": ("cyberattack", "breach", "hacker"),  # "Was Tillo hacked?": "…not by a cyberattack"
    "hurt": ("injur", "wound"),  # "How many were hurt?": "…injuring more than 300"
    "injur": ("hurt", "wound"),
    # Who "the boss" is, an article writes by the post: "Chief executive Hanna Lind said…"
    "boss": ("chief", "ceo", "head", "execut", "leader", "chairman", "director"),
    "come": ("launch", "releas", "arriv"),  # "When will the Arden come out?": "…would launch it in 2027"
    "win": ("won", "victori", "beat", "champion", "winner", "elect"),  # who won a race was elected
    "won": ("win", "victori", "beat", "champion", "winner", "elect"),
    "announce": ("confirm", "reveal"),
    # Sport as it is reported: a coach is the manager, a crowd the fans, a team beaten is defeated.
    "coach": ("manag", "manager", "boss"),
    "crowd": ("fan", "fans", "spectat", "attend", "audienc"),
    "beat": ("defeat", "won", "win"),
    "game": ("match", "fixtur"),
    "kickoff": ("kick", "start"),  # "Why was the kickoff delayed?": "The semi-final kicked off 40 minutes late"
    "delay": ("late", "postpon"),
    "spill": ("leak", "leaked", "discharg"),  # "What spilled into the river?": "…12,000 litres of diesel leaked into"
    "leak": ("spill", "spilled", "spilt"),
    # Everyday words for what news names otherwise: a uni is a university, a strike a walkout, a band an act.
    "uni": ("universiti",),
    "band": ("act", "artist", "perform"),
    # What robbers took is what was stolen: "How much did they take?", of a raid.
    "take": ("stole", "stolen", "steal"),
    # A match's score is reported with its result: "beating Kelvale City 3-1", "a 1-1 draw", "won 6-1".
    "score": ("beat", "beaten", "draw", "drew", "defeat", "won", "win", "lost"),
    "rob": ("robberi", "raid", "heist", "stolen", "stole"),
    "robberi": ("rob", "raid", "heist", "theft"),
    "shop": ("store",),
    "dump": ("landfill", "tip"),  # "the wells near the dump": "…the Greyfield landfill"
    # Police take suspects in in several words: "arrested", "detained", "held", "in custody".
    "arrest": ("detained", "captured", "custody"),
    "detain": ("arrested", "captured", "custody"),
    # A rate, a price or a fee is raised by an increase or a hike: "…increased its benchmark lending rate".
    "raise": ("increased", "hike", "lifted"),
    "bring": ("brought",),  # "brought" stems apart from "bring"
    "offic": ("sworn", "inaugur"),  # "When does the new mayor take office?": "Whitcombe will be sworn in on Jan. 5"
    "regroup": ("reconven", "reunit", "reunion"),
    "car": ("vehicl", "motorist"),  # "How many cars used it?": "About 40,000 vehicles crossed…"
    "case": ("lawsuit", "suit", "sued"),  # "Who brought the case?": "The lawsuit was brought by 1,400 residents…"
    # Whom a player plays for, an article says by the team ("Gotham FC teammates Esther González and…"); whom a team
    # plays, by whom it faces ("Rovers will face Dunmere Athletic in the final").
    "play": ("player", "teammat", "face"),
    "club": ("team", "fc", "teammat"),
    # Who stands in for someone represents them ("Putin will be represented by…").
    "stand": ("represent", "substitut", "deputi"),
    "castl": ("fortress", "fort", "citadel"),
    "seiz": ("captur", "took", "take", "control"),
    "strike": ("airstrik", "struck", "hit", "walkout"),
    "hit": ("struck", "strike"),  # "Where did the quake hit?": "A magnitude 6.4 earthquake struck northern Talvia"
    # "Where did the train crash?": "…when a commuter train struck a lorry", "the collision".
    "crash": ("collision", "collided", "struck", "hit", "derailed", "smashed"),
    "big": ("size", "worth"),
    "power": ("electr", "outag", "reconnect", "custom"),
    "compani": ("firm", "group", "maker", "chipmak"),
    "home": ("household", "hous", "properti"),
    "contract": ("deal", "agreement"),
    "birth": ("born",),
    "born": ("birth",),
    # A measure asked for by name is written as a number with its unit: "164 kilometres per hour" is a speed.
    "speed": ("mph", "hour", "knots", "kph", "fast"),
    "temperature": ("degrees",),
    # "How fast were the winds?": the unit says it ("164 kilometres per hour"), not the adjective.
    "fast": ("speed", "mph", "hour", "knots", "kph", "km"),
    "tall": ("height", "metres", "meters", "feet"),
    "strong": ("strength", "magnitud"),  # "How strong was the earthquake?": "a magnitude 6.4 earthquake"
    "deep": ("depth", "metres", "meters", "feet"),
    "far": ("distance", "miles", "kilometres", "kilometers"),
    "heavy": ("weight", "kilograms", "tonnes", "tons", "pounds"),
    "hot": ("temperature", "degrees"),
    "height": ("tall", "metres", "meters", "feet"),
    "depth": ("deep", "metres", "meters", "feet"),
    "distance": ("miles", "kilometres", "kilometers", "far"),
    "weight": ("kilograms", "tonnes", "tons", "pounds", "heavy"),
}


# The words that ask for a measure of one kind: "How much does the lander weigh?" is answered in pounds or tonnes,
# not by "the 14-foot-tall lander" (qa.candidates.dimension names the kind of a unit).
_DIMENSION_ASKED = {
    "weigh": "mass", "weighs": "mass", "weighed": "mass", "weight": "mass", "heavy": "mass",
    "tall": "length", "height": "length", "far": "length", "distance": "length", "deep": "length",
    "depth": "length", "wide": "length", "width": "length",
    "fast": "speed", "speed": "speed",
    "hot": "temperature", "cold": "temperature", "warm": "temperature", "temperature": "temperature",
}  # fmt: skip


def dimension_asked(q: Question) -> str | None:
    """The kind of measure an amount question asks for, by its words, or None ("How big…?" may be any)."""
    if q.kind is not Kind.AMOUNT:
        return None
    asked = words(q.text)
    if "magnitude" in asked or (_QUAKES.intersection(asked) and _STRENGTH.intersection(asked)):
        return "magnitude"  # "How strong was the earthquake?": its magnitude, not how far away it struck
    return next((_DIMENSION_ASKED[w] for w in asked if w in _DIMENSION_ASKED), None)


_QUAKES = frozenset({"earthquake", "earthquakes", "quake", "quakes", "temblor", "tremor", "aftershock"})
_STRENGTH = frozenset({"strong", "big", "powerful", "large", "magnitude"})


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    kind: Kind
    target: str | None  # the noun the answer sits next to ("homes", "operator", "club"), lower case
    focus: tuple[str, ...]  # stems the answer sentence should be about
    names: tuple[str, ...]  # proper names the question mentions ("Sigrun Aalto", "Heliant")
    metadata: str | None = None  # "author", "published" or "source": answered from the article's record
    # Speaks of the days around the as-of date ("this week", "recently", "on Sunday"): an article from months
    # before tells of another event.
    anchored: bool = False
    # Stems of the words that say who a name is, right before it: "former New Jersey governor Brendan Byrne".
    # They tell whom the question is about, as the name does, not what happened to them.
    described: tuple[str, ...] = ()
    # Focus stems only the question before it gives, when a follow-up is searched with that question ("How many
    # people died? Who is the grid operator?"): what the conversation is about, not what is asked now.
    earlier: tuple[str, ...] = ()
    # Of those, the stems of the question that opened the conversation's subject (the first joined): what a
    # follow-up saying nothing of its own ("What drove it?") is about.
    opening: tuple[str, ...] = ()
    # Asks who runs something ("Who runs the reserve bank?", "Who's in charge of the university?"): answered by
    # the person the story gives its top office (qa.offices), not by the question's verb.
    heads: bool = False

    @property
    def target_stem(self) -> str | None:
        return stem(self.target) if self.target else None

    @property
    def polar(self) -> bool:
        """A yes/no question ("Have any herons died?", "Is the library still open?"): answered by the sentence
        that says so or not, which no answer kind finds."""
        return self.kind is Kind.ANY and bool(_POLAR.match(last_question(self.text)))


@functools.lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    # Cached: the reader stems every word of every retrieved sentence, the same few thousand words again and
    # again (a tenth of the time of an answer uncached).
    return str(_STEMMER.stemWord(word.lower()))


def alternatives(term: str) -> tuple[str, ...]:
    """A focus stem and the stems an article may use for it instead."""
    return (term, *SYNONYMS.get(term, ()))


def word_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the words :func:`words` returns, in order."""
    return [(m.start(), m.end()) for m in _WORD.finditer(text)]


def words(text: str) -> list[str]:
    return [m.group().lower() for m in _WORD.finditer(text)]


def focus_stems(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in _STOP]


def analyse(text: str) -> Question:
    """Read a question: the last clause holding a question word decides the kind; all of it gives focus."""
    tokens = words(text)
    names = tuple(_names(text))
    metadata = _metadata(tokens)
    kind, target = _checked_target(text, *_kind_and_target(text, tokens))
    if metadata:
        ignore = {
            "wrote",
            "written",
            "write",
            "author",
            "published",
            "publish",
            "reported",
            "report",
            "source",
            "outlet",
            "posted",
            *_META_OBJECTS,
        }
        focus = tuple(dict.fromkeys(stem(w) for w in tokens if w not in _STOP and w not in ignore))
    else:
        focus = tuple(dict.fromkeys(focus_stems(_as_read(text, kind))))
    described = _described(text, names)
    now = last_question(text)
    # (Each question read as the whole was: "Who took it to court?" asks who brought the case, in it too.)
    earlier = tuple(f for f in focus if f not in set(focus_stems(_as_read(now, kind)))) if now != text else ()
    opening = tuple(f for f in earlier if f in set(focus_stems(_as_read(text[: text.find("?") + 1], kind))))
    heads = kind is Kind.PERSON and bool(_HEAD_ASKED.search(now))
    return Question(
        text,
        kind,
        None if heads else target,
        focus,
        names,
        metadata,
        bool(_ANCHORED.search(text)),
        described,
        earlier,
        opening,
        heads,
    )


def _as_read(text: str, kind: Kind) -> str:
    """``text`` with the question's words put as an article would put them, or left out where they are no word
    an answer must hold: the focus is read from this."""
    if kind in _WHEN_WHERE:
        text_read = _EVENT_VERB.sub(" ", text)
    elif kind is Kind.DURATION:
        # "How long is the strike going on for?", "…did the robbery take?": how long it lasts, as news writes
        # it ("set to last two weeks", "The raid lasted less than 90 seconds"), whatever the question's verb.
        text_read = _LASTING.sub(" last", text)
    elif kind is Kind.CAUSE:
        # "What drove it?": the article says what did, not "drove" ("…rises 18 percent on strong chip demand").
        text_read = _CAUSE_ASKED.sub(" ", text)
    else:
        text_read = text
    # "from last year" says when, as "a year earlier" does: "year" is no focus word, nor is its "last".
    text_read = _LAST_TIME.sub(" ", text_read)
    text_read = _RIGHT_NOW.sub(" ", text_read)  # "right now" says when, as "now" does: no word to find
    text_read = _TAKES_OFFICE.sub(" ", text_read)  # "take office": sworn in, inaugurated, not "take"
    text_read = _PUT_UP.sub(r"raise \1", text_read)  # "Why did they put rates up?": raised, increased
    # "Who took it to court?": who brought the case, sued ("The case was brought by residents' group…").
    text_read = _TOOK_TO_COURT.sub(" brought case ", text_read)
    # "Why did the Tillo app go down?": a service that goes down has an outage ("the outage was caused by…").
    text_read = _WENT_DOWN.sub(r"\1 outage", text_read)
    # "Where were the suspects picked up?": picked up with nothing after it is taken in, detained.
    text_read = _PICKED_UP.sub(" detained", text_read)
    # "How much more…?", "How high is inflation?": the comparison and the measure are the answer's, no words
    # a sentence must hold ("Annual inflation climbed to 5.1%").
    text_read = _HOW_MEASURED.sub(r"\1", text_read)
    text_read = _HEAD_ASKED.sub("who ", text_read)  # "Who runs the bank?": the bank's, not a word "runs"
    if kind is Kind.PERCENT:
        text_read = _TURNOUT_ASKED.sub(" turnout ", text_read)  # the share of people who voted: the turnout
    if kind is Kind.MONEY:
        text_read = _MONEY_ASKED.sub(" ", text_read)  # "How much money…?": the sum says it, not the word
    return text_read


# "Who runs / heads / is in charge of / is the boss of …?" ("leads" only in the present: "Who led the attack?"
# asks who did something, not who heads something.)
_HEAD_ASKED = re.compile(
    r"\bwho(?:'s|\s+is|\s+was)?\s+(?:(?:currently|now)\s+)?"
    r"(?:runs|ran|heads|headed|leads|chairs|manages|(?:in\s+charge|at\s+the\s+helm)\s+(?:of|at)"
    r"|the\s+(?:head|boss|leader|chief)\s+(?:of|at))\b",
    re.I,
)
# "take" in every form, for the phrases it makes: "took it to court", "take office", "took place".
_TAKE = r"(?:tak(?:e|es|ing)|took|taken)"
# The verb closing a how-long question, which asks for the span itself: "…going on for?", "…take?", "…last?"
_LASTING = re.compile(
    r"\b(?:go(?:es|ing)?\s+on|last(?:s|ed)?|t(?:ake|akes|ook)|run(?:s|ning)?|continu(?:e|es|ed))(?:\s+for)?"
    r"(?=\s*\?*\s*$)",
    re.I,
)
_TURNOUT_ASKED = re.compile(r"\b(?:people|voters|residents|electorate)\s+(?:voted|turned\s+out)\b", re.I)
_MONEY_ASKED = re.compile(r"(?<=\bhow much )(?:money|cash)\b", re.I)
_PUT_UP = re.compile(r"\bput(?:s|ting)?\s+((?:\w+\s+){0,2}?\w+)\s+up\b", re.I)
_TOOK_TO_COURT = re.compile(rf"\b{_TAKE}\s+(?:[\w'’-]+\s+){{0,3}}?to\s+court\b", re.I)
_WENT_DOWN = re.compile(
    r"\b((?:app|apps|site|website|service|network|system|server|servers|platform|grid)\b.*?)"
    r"\bg(?:o|oes|oing|one|went)\s+(?:down|offline|dark)\b",
    re.I,
)
_PICKED_UP = re.compile(r"\bpicked\s+up(?=\W*$)", re.I)
_HOW_MEASURED = re.compile(r"\b(how\s+(?:much|many))\s+more\b|\bhow\s+high\b", re.I)
_TAKES_OFFICE = re.compile(rf"\b{_TAKE}\s+(?=office\b)", re.I)
_RIGHT_NOW = re.compile(r"\bright\s+(?=now\b)", re.I)
_LAST_TIME = re.compile(r"\blast\s+(?=(?:year|week|weekend|month|night)\b)", re.I)


def last_question(text: str) -> str:
    """Of two questions ("How many people died? Who is the grid operator?"), the last, the one being asked."""
    asked = text.rstrip().rstrip("?")
    return asked[asked.rindex("?") + 1 :] if "?" in asked else text


def _described(text: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """The lower-case words between a name and the verb or small word before it: "did former New Jersey governor
    Brendan Byrne die" -> former, governor; "Crew-5 astronaut Nicole Mann" -> astronaut."""
    out: list[str] = []
    tags: dict[str, str] | None = None
    for name in names:
        at = text.find(name)
        if at <= 0:
            continue
        for w in reversed(_WORD.findall(text[:at])[-_MAX_DESCRIBING:]):
            if w[:1].isupper():
                continue  # another name inside the description: "New Jersey"
            if tags is None:
                tags = dict(word_tags(text))
            if w.lower() in _STOP or tags.get(w.lower(), "") not in _DESCRIBING_TAGS:
                break  # "did Musk buy Twitter": a verb's object, not a description
            out.append(stem(w.lower()))
    if tags and _DO_AUX.intersection(tags) and not any(t.startswith("VB") and w not in _AUX for w, t in tags.items()):
        return ()  # "When did Ada Walsh sue Corvel?" needs a verb after "did": "sue", however it was tagged
    return tuple(dict.fromkeys(out))


_MAX_DESCRIBING = 4
_DESCRIBING_TAGS = frozenset({"NN", "NNS", "JJ", "JJR", "JJS"})


# "Where did the transplant take place?", "When did the quake happen?": the verb only says an event is asked
# about; the sentence that answers tells the event ("Surgeons in Oxford…"), not that it took place.
_EVENT_VERB = re.compile(rf"\b{_TAKE}\s+place\b|\b(?:happen|occur)(?:s|ed|red|ring)?\b", re.I)
_WHEN_WHERE = frozenset({Kind.DATE, Kind.PLACE, Kind.ANY})  # and "What happened in Ossery?": the event
# The last verb of "Where will Super Bowl LVI be played?" or "When was the summit held?" says little more: a
# sentence that answers may say it ("a special session held at the Palace of Versailles") or not ("Super Bowl LVI …
# at SoFi Stadium").
_EVENT_PASSIVE = re.compile(r"\b(?:held|played|hosted|staged)(?=\s*\?*\s*$)", re.I)


def light_words(q: Question) -> set[str]:
    """Stems of the question's words a where- or when-answer need not repeat."""
    return {stem(m.group()) for m in _EVENT_PASSIVE.finditer(q.text)} if q.kind in _WHEN_WHERE else set()


_ANCHORED = re.compile(
    r"\b(?:this (?:past )?(?:week|weekend|month)|last (?:week|weekend)|recently|yesterday|today|tonight"
    r"|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.IGNORECASE,
)


def _metadata(tokens: list[str]) -> str | None:
    # Only about an article ("the … story", "this article"): "who wrote Hillbilly Elegy?" asks for a book's author.
    if not _META_OBJECTS.intersection(tokens):
        return None
    joined = " ".join(tokens)
    if re.search(
        r"\b(who wrote|who is the author|who was the author|author of|who reported|written by|byline)\b", joined
    ):
        return "author"
    if re.search(r"\bwhen (was|were|did)\b.*\b(publish\w*|report\w*|post\w*|written|come out|run)\b", joined):
        return "published"
    if re.search(r"\b(which|what) (outlet|source|newspaper|site|website|publication|paper|agency)\b", joined):
        return "source"
    return None


def _kind_and_target(text: str, tokens: list[str]) -> tuple[Kind, str | None]:
    # Quiz questions set the scene first ("An anonymous bidder paid a record sum… How much did the bidder pay?"):
    # the question word nearest the end is the one being asked; a relative "…, who died aged 40," is not one.
    # Of two questions (a follow-up searched with the question before it), the last is the one being asked: the
    # scan below would take the "who" of "How many people died? Who is the grid operator?" for a relative clause.
    if (last := last_question(text)) != text:
        opener = _ELLIPSIS.match(last)
        if opener and _asked(last[opener.end() :], words(last[opener.end() :]), set())[0] is Kind.ANY:
            # "How many people were killed? And the injured?", "What about in Texas?": asked as the one before.
            before = text.rstrip().rstrip("?")
            before = before[: before.rindex("?") + 1]
            return _kind_and_target(before, words(before))
        return _kind_and_target(last, words(last))
    relative = {len(words(text[: m.start()])) for m in re.finditer(r",\s*(who|which|whose|whom)\b", text, re.I)}
    found = _asked(text, tokens, relative)
    if found[0] is Kind.ANY and relative:
        # No other question word: the comma opened the question ("As of this week, which item can…?").
        found = _asked(text, tokens, set())
    return found


_ELLIPSIS = re.compile(r"\s*(?:and|(?:and )?(?:what|how) about)\b", re.IGNORECASE)


def _asked(text: str, tokens: list[str], relative: set[int]) -> tuple[Kind, str | None]:
    for i in range(len(tokens) - 1, -1, -1):
        w = tokens[i]
        if i in relative:
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        rest = tokens[i + 1 :]
        if w == "how":
            if nxt == "many":
                return Kind.COUNT, _first_noun(tokens[i + 2 :])
            if nxt == "much":
                noun = _first_noun(tokens[i + 2 :])
                # "How much did Tavros pay?" wants money; "how much did the shares rise?" a percent or quantity.
                money = noun in _MONEY_NOUNS or noun in _MONEY_ITSELF or bool(_MONEY_VERBS.intersection(rest))
                # "How much did the schools get?": money, when nothing else is named ("how much snow did they get").
                money = money or (noun is None and bool(_GAIN_VERBS.intersection(rest)))
                if noun is None and not money and tokens[i + 2 : i + 3] and tokens[i + 2] in _DO_AUX:
                    # "How much did Heliant shares rise?": what rose is the noun before the verb, the one the
                    # amount must be said of (not "profit", which rose too); a name is no such noun.
                    subject = _last_noun(_without_verb(tokens[i + 2 :]))
                    if subject and not _in_a_name(subject, text):
                        noun = subject
                if noun in _MONEY_ITSELF:
                    noun = None  # "How much money did it spend?": the money is the answer, no noun it stands by
                return (Kind.MONEY if money else Kind.AMOUNT), noun
            if nxt == "long":
                if tokens[i + 2 : i + 3] and tokens[i + 2] in _SINCE:
                    return Kind.DURATION, None  # "How long since the last sighting?": no noun the span stands by
                return Kind.DURATION, _last_noun(_without_verb(tokens[i + 2 :]))
            if nxt == "old":
                return Kind.AGE, None
            if nxt in _MEASURE_ADJECTIVES:
                return Kind.AMOUNT, _last_noun(_without_verb(tokens[i + 2 :]))
            continue
        if w == "who" and i > 0 and tokens[i - 1] not in _PREPOSITIONS and _WH_WORDS.intersection(tokens[:i]):
            continue  # "What is the name of the doctor who supplied…?": "who" opens a clause about the doctor
        if w == "when":
            if _WH_WORDS.intersection(tokens[:i]):
                continue  # "How old was McCarthy when he died?": a "when" after the question word joins a clause
            return Kind.DATE, None
        if w == "where":
            if _WH_WORDS.intersection(tokens[:i]):
                continue  # "What was the score of the game where the referee was attacked?": a clause about the game
            noun = _last_noun(rest)
            if noun and _in_a_name(noun, text):
                noun = None  # "Where was Franco Harris born?": a name is no place noun
            return Kind.PLACE, None if noun == "place" else noun  # "where did it take place?"
        if w == "why":
            return Kind.CAUSE, None
        if w == "what" and tokens[-2:] in (["die", "of"], ["die", "from"], ["died", "of"], ["died", "from"]):
            return Kind.CAUSE, None  # "What did Greenspan die of?"
        if w == "what" and nxt in _CAUSE_VERBS and (nxt not in _LED or tokens[i + 2 : i + 3] == ["to"]):
            return Kind.CAUSE, None  # "What caused the crash?", "What led to the fall?" (not "what led the team")
        if w == "what" and (
            nxt == "behind" or (nxt in ("is", "was", "are", "were") and tokens[i + 2 : i + 3] == ["behind"])
        ):
            return Kind.CAUSE, None  # "What is behind the delay?"
        if w == "what" and _EVENT_VERB.fullmatch(nxt):
            return Kind.ANY, None  # "What happened in Ossery?": the event, in whatever words
        if w == "what" and tokens[-1] in ("about", "against") and _AUX.intersection(rest):
            # "What were they protesting about?", "What will they talk about?": a matter, in whatever words.
            return Kind.ANY, None
        if w in ("who", "whom", "whose"):
            after = _after_aux(rest)
            if after and _is_name_phrase(text, after):
                return Kind.DESCRIPTION, None
            return Kind.PERSON, _last_noun(after) if after and not after[0].endswith("ed") else None
        if w == "what" and tokens[max(0, i - 2) : i] in (["due", "to"], ["because", "of"], ["caused", "by"]):
            return Kind.CAUSE, None  # "…delayed because of what at the FAA?"
        if w in ("which", "what"):
            owner = re.search(rf"\b{w}\s+(\w+)(?:’s|'s)\s", text, re.IGNORECASE)
            if owner:  # "Which state's voting map…?" asks for the state
                return _typed(owner.group(1).lower())
            if _part_of_a_place(text, rest):
                return Kind.PLACE, rest[0]  # "Which part of the state…?": a place inside it, named as places are
            if w == "what" and nxt in ("did", "does", "do", "will", "would", "can", "could", "has", "have", "had"):
                if "call" in rest:
                    return Kind.NAME, None  # "What do you call a group of witches?": a name, written in lower case
                if any(v in _PRICE_VERBS and rest[j + 1 : j + 2] in ([], ["for"], ["on"]) for j, v in enumerate(rest)):
                    return Kind.MONEY, None  # "What did Tavros pay for Radescu?", "What did it cost?": a sum of money
                return Kind.ANY, None  # "What did Iran sell to Venezuela?": a thing, named or not
            phrase = _noun_phrase(rest, _hyphen_participles(text))
            if not phrase:  # "what is X's profit?", "what was the cost?"
                after = _after_aux(rest)
                if after[:2] == ["name", "of"]:
                    return _typed(_named_noun(after[2:]))  # "What is the name of the doctor who…?": a doctor
                if after and _is_name_phrase(text, after):
                    return Kind.DESCRIPTION, None  # "What is Westmark Power?", though "power" is a noun
                noun = _last_noun(after) if after else None
                measured = [w for w in after if w in _MEASURE_NOUNS]
                if noun in _EXTREMES and measured:
                    noun = measured[-1]  # "What was the UK's temperature record?": a temperature, not a name
                return _typed(noun)
            if phrase[-1] == "share" and rest[len(phrase) : len(phrase) + 1] == ["of"]:
                return Kind.PERCENT, None  # "What share of future fees…?" (but "which share fell?" names one)
            return _typed(phrase[-1])
    return Kind.ANY, None


def _checked_target(text: str, kind: Kind, target: str | None) -> tuple[Kind, str | None]:
    """The noun the answer stands by, as the tagger reads the question: the word rules above pick is sometimes a
    verb ("How long did Harris play for the Steelers?", "Who did Petro defeat?": none), an adjective ("How many
    electric buses…?": the buses) or an adverb ("Which company brought back…?": the company)."""
    tags = word_tags(text)
    if target is None or not tags:
        return kind, target
    if any(w == target and t.startswith("NN") for w, t in tags):
        if kind is Kind.COUNT:
            # "How many wedding ceremonies…?" counts ceremonies: "had two ceremonies" answers, with no wedding.
            i = next(i for i, (w, t) in enumerate(tags) if w == target and t.startswith("NN")) + 1
            while i < len(tags) and tags[i][1].startswith("NN") and not _in_a_name(tags[i][0], text):
                target = tags[i][0]
                i += 1
        # A name is no noun the answer stands by: "How long does Passover last?" asks how long, of Passover.
        # (An office in capitals is a noun: "Which MP…?")
        written = re.search(rf"\b{re.escape(target)}\b", text, re.I)
        named = _in_a_name(target, text) and not (written and written.group().isupper())
        return kind, None if named else target
    at = next((i for i, (w, _) in enumerate(tags) if w == target), len(tags))
    asked = [i for i, (w, _) in enumerate(tags[:at]) if w in _NOUN_ASKERS]
    noun = None
    if asked:
        # The noun right after the question word, past its adjectives: "which company", "how many electric buses".
        i = asked[-1] + 1
        while i < len(tags) and tags[i][1] in _MODIFIER_TAGS:
            i += 1
        while i < len(tags) and tags[i][1].startswith("NN") and not _in_a_name(tags[i][0], text):
            noun = tags[i][0]
            i += 1
    if noun is not None and kind is Kind.NAME and tags[asked[-1]][0] in ("which", "what"):
        return _typed(noun)
    return kind, noun


_NOUN_ASKERS = _set("which what whose many much")
_MODIFIER_TAGS = frozenset({"JJ", "JJR", "JJS", "DT", "PRP$", "CD", "VBN", "HYPH"})


def _in_a_name(word: str, text: str) -> bool:
    """Whether ``word`` (lower case) is part of a name the question mentions: no common noun to stand by."""
    return any(word in n.lower().split() for n in _names(text))


def _named_noun(rest: list[str]) -> str | None:
    """ "the new M&M's song", "the doctor who supplied…": the head of the noun phrase after "the name of"."""
    head: str | None = None
    for w in rest:
        verb = (w in _AUX and w not in _DETERMINERS) or (head and w.endswith("ed"))
        if w in _RELATIVES or w in _PREPOSITIONS or verb:
            break
        if w not in _STOP and w != "s":
            head = w
    return head


_SINCE = _set("since ago after before until till")
# "What drove the rise?", "What led to the fall?", "What is behind the delay?": what brought it about.
_CAUSE_VERBS = _set(
    "caused causes cause sparked sparks triggered triggers prompted prompts drove drives fuelled fueled fuels led leads"
)
_LED = _set("led leads")
_CAUSE_ASKED = re.compile(
    rf"(?<=\bwhat)(?:'s|’s|\s+(?:is|was|are|were))?\s+(?:{'|'.join(_CAUSE_VERBS)}|behind)\b", re.I
)
_RELATIVES = _set("who whom whose which that where when")
_PREPOSITIONS = _set(
    "in on at for with from by to of about over after before during amid among against despite through toward "
    "towards until without within across via"
)


def _typed(noun: str | None) -> tuple[Kind, str | None]:
    """The kind of answer ``noun`` asks for, and the noun the answer must stand by. A percent or a measure
    needs none: its unit says what it is ("15 percent" is the share, "164 kilometres per hour" the speed)."""
    if noun in _MEASURE_NOUNS:
        return Kind.AMOUNT, None
    if noun == "toll":
        return Kind.COUNT, None  # "What's the death toll?": how many died, however the article words it
    kind = _kind_of_noun(noun)
    return kind, None if kind is Kind.PERCENT else noun


def _kind_of_noun(noun: str | None) -> Kind:
    if noun is None:
        return Kind.NAME
    if noun in _PLACE_NOUNS:
        return Kind.PLACE
    if noun in _MONEY_NOUNS:
        return Kind.MONEY
    if noun in _DATE_NOUNS:
        return Kind.DATE
    if noun in ("percent", "percentage", "share", "rate"):
        return Kind.PERCENT if noun != "share" else Kind.NAME
    if noun in ("number", "population", "total"):
        return Kind.COUNT
    if noun in PERSON_NOUNS:
        return Kind.PERSON
    if noun == "age":
        return Kind.AGE
    if noun in ("reason", "cause"):
        return Kind.CAUSE
    return Kind.NAME


def _part_of_a_place(text: str, rest: list[str]) -> bool:
    """Whether the words after which/what are "part of" a place: "part of the state", "areas of Florida"."""
    if len(rest) < 3 or rest[0] not in _PARTS or rest[1] != "of":
        return False
    whole = rest[3] if rest[2] == "the" and len(rest) > 3 else rest[2]
    # (A name, if it is a place's: "part of Microsoft" is no place.)
    return whole in _PLACE_NOUNS or any(n.lower().startswith(whole) and place_kind(n) for n in _names(text))


_PARTS = _set("part parts area areas region regions section sections")


def _noun_phrase(rest: list[str], participles: frozenset[str] = frozenset()) -> list[str]:
    """The words right after which/what up to an auxiliary or a past-tense verb: "which Ivy League school
    announced" -> [ivy, league, school]; "which state signed a bill" -> [state]. ``participles``: the past
    participles the question joins to the word before by a hyphen, which modify the noun after them."""
    phrase: list[str] = []
    if len(rest) > 2 and rest[0] in _PARTITIVES and rest[1] == "of":
        rest = rest[2:]  # "what type of infection", "which one of its products": the noun after "of"
        while rest and rest[0] in ("its", "his", "her", "their", "the", "a", "an"):
            rest = rest[1:]
    for i, w in enumerate(rest[:3]):
        if phrase and w in participles:
            # "which US-supplied missiles": a compound modifier, not a verb ending the noun; the missiles are asked
            # for, not the US. (Its first half goes with it.)
            phrase.pop()
            continue
        if w in _AUX or (w.endswith("ed") and phrase) or w in _ADVERBS or (phrase and w in _PHRASE_VERBS):
            break
        if phrase and w.endswith("s") and rest[i + 1 : i + 2] and rest[i + 1] in _DETERMINERS:
            break  # "which program funds the buses": a verb, its object after it
        phrase.append(w)
    return phrase


def _hyphen_participles(text: str) -> frozenset[str]:
    """The past participles the tagger reads joined by a hyphen to the word before ("US-supplied", "state-run")."""
    tags = word_tags(text)
    return frozenset(w for (_, hyphen), (w, tag) in itertools.pairwise(tags) if hyphen == "HYPH" and tag == "VBN")


_PARTITIVES = _set("type kind sort form one ones")
_DETERMINERS = _set("the a an its their his her this that these those")
_ADVERBS = _set("recently now also just currently earlier later still already first finally")
# Verbs that end "which NFL player says…", "which team won…", "what temperature set…": not part of the noun asked for.
_PHRASE_VERBS = _set(
    "says said say won wins made makes became becomes plans wants got gets took takes has "
    "set sets broke hit hits reached"
)


def _after_aux(rest: list[str]) -> list[str]:
    """After "who is" / "what was": the words that say what is asked about."""
    if rest and rest[0] in _AUX:
        rest = rest[1:]
        while rest and rest[0] in ("the", "a", "an"):
            rest = rest[1:]
        return rest
    return []


def _first_noun(rest: list[str]) -> str | None:
    return rest[0] if rest and rest[0] not in _AUX and rest[0] not in _STOP else None


def _without_verb(rest: list[str]) -> list[str]:
    """ "[did] the ground stop last", "[did] the plume rise": after "did" the clause ends in its verb, which is
    no noun the answer stands by."""
    return rest[:-1] if len(rest) > 2 and rest[0] in _DO_AUX else rest


_DO_AUX = _set("did does do will would can could should")
_POLAR = re.compile(
    r"\s*(?:is|are|was|were|do|does|did|will|would|can|could|should|has|have|had)(?:n[’']t)?\b", re.IGNORECASE
)
_WH_WORDS = _set("how what who whom whose which where why")


def _last_noun(rest: list[str]) -> str | None:
    """The head of "the new factory", "Heliant's share price", "his contract": its last word before a verb."""
    head: str | None = None
    for w in rest:
        if (w in _AUX or w in _RELATIVES) and head is not None:
            break  # "the man who shot Kirk": the man
        # "the rocket headed", "the snake found": a verb; "the wind speed": a measure
        verb = (w.endswith("ed") and w not in _MEASURE_NOUNS) or w in PAST_FORMS
        if w in _PREPOSITIONS:
            continue  # "…fine drone operators amid the sightings?": a preposition is no noun (some stay focus words)
        if w not in _STOP and w != "s" and not (head and verb):
            head = w
    return head


def _is_name_phrase(text: str, after: list[str]) -> bool:
    # "Who is Craig Fuller?": every word after the auxiliary is capitalised in the question.
    tail = [w for w in after if w not in ("the", "a", "an")]
    if not tail or _ROLE_ACRONYMS.intersection(tail):
        return False
    cased = {m.group().lower(): m.group() for m in _WORD.finditer(text)}
    return all(cased.get(w, w)[:1].isupper() or w.isdigit() for w in tail)


def _names(text: str) -> list[str]:
    """Capitalised word runs that are not the question's first word: the names it mentions."""
    found: list[str] = []
    # An initial ("John F. Kennedy", "J.D. Vance") ends no sentence.
    for sentence in re.split(r"(?<=[.?!:])(?<![\s.][A-Z]\.)\s+", text.strip()):
        run: list[str] = []
        for i, m in enumerate(re.finditer(r"[\w’'.-]+|[^\w\s]", sentence)):
            word = m.group().strip(".’'")
            if word.endswith(("’s", "'s")):
                word = word[:-2]
            capital = word[:1].isupper() and word.lower() not in _STOP and i > 0
            if capital and word.lower() not in _TITLE_WORDS and word.lower() not in _ROLE_ACRONYMS:
                run.append(word)
                if m.group().endswith(("’s", "'s")):
                    found.append(" ".join(run))
                    run = []
                continue
            if run:
                found.append(" ".join(run))
                run = []
        if run:
            found.append(" ".join(run))
    return [n for n in found if n]


# Irregular verbs: the stemmer leaves "said" apart from "say", "told" from "tell". "What did Fuller say?" is
# answered by "…, Fuller said."; every form of one verb stands for the others.
# Words that stand for one another every way round (each is an alternative of every other in its group).
_SAME_WORDS = (
    "die kill death dead fatal",
    "research study",  # "Who led the research?": "Ian Cousins, lead author of the study"
    "probe investigation inquiry",
    "sue sued lawsuit suit complaint",  # the stemmer leaves "sue" but cuts "sued" to "su"; "filed her complaint"
    "lead leader led head",  # "Who leads US Southern Command?": "the head of US Southern Command"
    "marriage married wedding",
    "run operate operator",  # "Who runs the grid?": "the grid operator"
    "rain rainfall",  # "Keldry's rainfall" is the rain it recorded
    "snow snowfall",
    # What people type and what articles write: "the new plant" is "a new factory", "the stock" its "shares",
    # "the rail line" a "railway", "the cleanup" the "cleaning", "dumped" solvents were "discharged".
    "plant factory facility",
    "stock share",
    "rail railway",
    "cleanup clean",
    "dump discharge spill",
    "earthquake quake temblor tremor",
    "danger risk hazard",  # "What's the danger with them?": "to reduce the risk of infants getting entangled"
    "protest demonstrate",  # "What were they protesting about?": "descended on London to demonstrate against…"
    "mum mom mother",
)
_IRREGULAR_VERBS = (
    "say said says",
    "tell told",
    "give gave given",
    "take took taken",
    "find found",
    "go went gone goes",
    "come came",
    "get got gotten",
    "make made",
    "know knew known",
    "see saw seen",
    "write wrote written",
    "begin began begun",
    "run ran",
    "hold held",
    "meet met",
    "lose lost",
    "build built",
    "send sent",
    "spend spent",
    "bring brought",
    "think thought",
    "fall fell fallen",
    "rise rose risen",
    "grow grew grown",
    "break broke broken",
    "choose chose chosen",
    "drive drove driven",
    "fly flew flown",
    "lead led",
    "keep kept",
    "feel felt",
    "sell sold",
    "pay paid",
    "buy bought",
    "leave left",
    "win won",
    "steal stole stolen",
    "shoot shot",
    "strike struck",
    "sink sank sunk",
    "freeze froze frozen",
    "speak spoke spoken",
    "teach taught",
    "catch caught",
    "fight fought",
    "seek sought",
    "hide hid hidden",
    "bite bit bitten",
    "eat ate eaten",
    "swim swam swum",
    "sing sang sung",
    "ring rang rung",
    "draw drew drawn",
    "throw threw thrown",
    "wear wore worn",
    "tear tore torn",
    "forget forgot forgotten",
    "become became",
    "stand stood",
    "understand understood",
    "sit sat",
    "hear heard",
    "light lit",
    "slide slid",
    "flee fled",
    "lend lent",
    "bear bore born borne",
    "swear swore sworn",
    "shake shook shaken",
    "wake woke woken",
    "arise arose arisen",
)


# The past forms of the irregular verbs: "where was the snake found?" ends in a verb, not in the noun asked about.
PAST_FORMS = frozenset(f for forms in _IRREGULAR_VERBS for f in forms.split()[1:] if not f.endswith("s"))


def _synonyms() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {stem(k): [stem(v) for v in vs] for k, vs in _SYNONYM_WORDS.items()}
    for forms in (*_SAME_WORDS, *_IRREGULAR_VERBS):
        stems = list(dict.fromkeys(stem(f) for f in forms.split()))
        for s in stems:
            table.setdefault(s, []).extend(o for o in stems if o != s and o not in table[s])
    return {k: tuple(vs) for k, vs in table.items()}


SYNONYMS: dict[str, tuple[str, ...]] = _synonyms()

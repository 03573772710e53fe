"""Spans of a sentence that could answer a question of a given kind: amounts, counts, dates, durations,
ages, names, causes. Patterns, not a model: news writes numbers, money and dates in a few regular ways, and a
pattern finds "38 million euros" whole where a small NER model sees only the number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.question import Kind, Question, dimension_asked

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    "eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|a dozen|dozens|hundreds|"
    "thousands|millions|several|a few"
)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUM = rf"(?:{_DIGITS}|(?i:{_NUMBER_WORDS})(?:[- ](?i:one|two|three|four|five|six|seven|eight|nine))?)"
# "three of its eleven branches": the first number counts the part the sentence tells of, the second the whole
# ("one of the 17 amendments" is another thing: the one is what the sentence is about, and 17 counts them).
PART_OF = re.compile(rf"^ of (?:its|the|their|his|her|our)\s+(?={_NUM}\b)", re.I)
WHOLE_OF = re.compile(rf"\b(?!one\b){_NUM} of (?:its|the|their|his|her|our)\s+$", re.I)
# "due to" a cause, not "due to end on November 21" (scheduled to).
DUE_TO = (
    r"due to(?!\s+(?:be|end|start|begin|open|close|take|finish|arrive|launch|resume|run|last|expire|meet|vote"
    r"|report|return|appear|give|hold|make|go|come|sign|travel|leave|visit|announce|decide|rule)\b)"
)
# The words that say a cause outright (the reader prefers them to "after", more often when than why). Why a court
# decided as it did: "…blocked plans to expand the landfill, ruling that the council had failed…"
PLAIN_CAUSE = (
    rf"because(?: of)?|{DUE_TO}|as a result of|caused by|blamed on|attributed to|(?:triggered|prompted|sparked) by"
    r"|ruling that|on the grounds? that"
)
_SCALE = r"(?:\s?(?:million|billion|trillion|thousand|mn|bn|m|b|k)\b|(?:M|B|K|bn|mn)\b)"
_QUALIFIER = (
    r"(?:(?:about|around|nearly|almost|roughly|approximately|some|over|under|more than|less than|fewer than|"
    r"at least|up to|as many as|as much as|an estimated)\s+)"
)
# Not bare "pounds": in American news "weigh up to 150 pounds" is a weight; "£150" or "150 pounds sterling" is money.
_CURRENCY_WORDS = (
    r"(?:dollars|euros|pounds sterling|yen|yuan|rupees|francs|pesos|won|rubles|roubles|cents|pence|USD|EUR|GBP)"
)
# Units of measure by what they measure: the one table the amounts found, "how long is it?" and "how much does it
# weigh?" all read. Singular and plural ("1 mile", "300 miles", "a 300-mile trip"). "in" is an inch only as
# "12 in.": "almost 200,000 in 1990" counts people.
_UNITS_OF: dict[str, tuple[str, ...]] = {
    "speed": ("mph", "km/h", "kph", "knots?"),
    "temperature": (r"degrees?(?: Celsius| Fahrenheit| C\b| F\b)?", "Celsius", "Fahrenheit"),
    "area": (r"square (?:miles?|kilomet(?:re|er)s?|feet|foot|met(?:re|er)s?)", "acres?", "hectares?"),
    "mass": ("kilograms?", "kg", "grams?", "tonnes?", "tons?", "pounds?", "lbs?", "ounces?"),
    "volume": ("litres?", "liters?", "gallons?", "barrels?"),
    "power": ("megawatts?", "gigawatts?", "MW", "GW"),
    "magnitude": ("magnitude",),  # "a 7.2-magnitude temblor", "a magnitude 6.3 earthquake"
    "length": (
        *("kilomet(?:re|er)s?", "km", "miles?", "met(?:re|er)s?", "m", "feet", "foot", "ft", "inch(?:es)?"),
        *(r"in(?=\.)", "centimet(?:re|er)s?", "cm", "millimet(?:re|er)s?", "mm", "yards?"),
    ),
}
# One alternation, speeds first: "120 km/h" is a speed, which "km" alone would cut short.
_UNITS = "(?:" + "|".join(u for units in _UNITS_OF.values() for u in units) + ")"
# A span of years, a date ("When was he governor?") and a duration ("How long did the pollution last?").
_YEAR_RANGE = (
    r"(?:from|between) (?:19|20)\d\d (?:to|and|until|through) (?:19|20)\d\d"
    r"|(?:from )?(?:19|20)\d\d[-–](?:(?:19|20)\d\d|\d\d)(?![-–\d])"  # "from 1963-66", "(2005-08)"
)
_EVENT_UNIT = r"(?:race|game|match|start|round|fight|bout|test|inning|lap|set|tournament)s?"
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH = rf"(?:{'|'.join(MONTHS)}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
WEEKDAY = rf"(?:{'|'.join(WEEKDAYS)})"
_PART_OF_DAY = r"(?:\s(?:morning|afternoon|evening|night))"
_FRACTIONS = "half|a third|one-third|two-thirds|a quarter|one-quarter|three-quarters|a fifth|a tenth"
_UNIT_OF_TIME = r"(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|seasons?|centur(?:y|ies))"

# Time zones after a clock time ("6:04 a.m. ET"), not names.
_TIME_ZONES = frozenset(["ET", "EST", "EDT", "CT", "CST", "CDT", "MT", "PT", "PST", "PDT", "GMT", "BST", "UTC", "CET"])
_ZONE = "|".join(sorted(_TIME_ZONES, key=len, reverse=True))

_QUOTED = r"“[^”]{2,60}”|\"[^\"]{2,60}\"|‘[^’]{2,60}’"
_CAPITALISED = r"[A-Z][\w’'&-]*(?:\s(?:of |for |the |and |& )?[A-Z][\w’'&-]*)*"
# Words after "called" that don't name anything: "called him", "called for", "known as well".
_NOT_CALLED = (
    r"(?:him|her|them|it|us|me|you|his|its|their|by|for|in|on|at|and|or|to|of|the|a|an|as|after|because|which|that|"
    r"who|is|was|off|out|up|well|upon|into|back)"
)
# Bare "pounds" is money where a price is said of it: "repairs that cost 54 million pounds", "paid 2 million pounds".
_PRICE_SAID = ("cost", "costs", "costing", "paid", "pay", "pays", "spent", "spend", "worth", "fined")
# Or where money flows: "the weekend brought 6.5 million pounds into the town's economy", "raised 2 million pounds".
_PRICE_SAID += ("brought", "raised", "earned", "generated", "received", "donated", "awarded", "invested", "owed")
# (One fixed-width look-behind a verb: Python's look-behinds can't vary in width.)
_PRICED = "|".join(f"(?<=\\b{verb} )" for verb in _PRICE_SAID)
_PATTERNS: dict[str, re.Pattern[str]] = {
    "money": re.compile(
        rf"{_QUALIFIER}?(?:[$£€¥]\s?(?:{_DIGITS}){_SCALE}?|(?:{_DIGITS}){_SCALE}?\s?{_CURRENCY_WORDS}\b)"
        rf"|(?:{_PRICED})(?:{_QUALIFIER}?(?:{_DIGITS}){_SCALE}?\s?pounds\b)"
    ),
    "percent": re.compile(rf"{_QUALIFIER}?(?:{_DIGITS})\s?(?:%|percent\b|per cent\b|percentage points?\b)"),
    "quantity": re.compile(
        rf"{_QUALIFIER}?(?:{_NUM}){_SCALE}?\s?{_UNITS}\b(?:\s(?:per|an|a)\s(?:hour|second|day|year))?"
        # As an adjective: "the 14-foot-tall Nova-C lander", "a 300-mile trip".
        rf"|\b(?:{_NUM})-{_UNITS}(?:-(?:tall|high|long|wide|deep|thick))?\b"
        r"|\bmagnitude[- ]\d(?:\.\d)?\b"
    ),
    "count": re.compile(rf"\b{_QUALIFIER}?(?:{_NUM}){_SCALE}?\b"),
    # "about half of Twitter's staff", "two-thirds of voters": a share written in words.
    # And a change by a share: "lowered blood sugar spikes by nearly a third".
    "fraction": re.compile(
        rf"\b{_QUALIFIER}?(?:{_FRACTIONS})(?= of\b)|(?<=\bby ){_QUALIFIER}?(?:{_FRACTIONS})\b(?! of\b)",
        re.IGNORECASE,
    ),
    # "the 24-year-old", "aged 40", "40 years old", "at age 54", "at the age of 96"; and as news writes it of
    # someone named: "Truss, 47, has…", "He was 89." (a bare number closing the sentence after "was").
    "age": re.compile(
        rf"\b(?:(?:{_NUM})[- ]year[- ]old|aged\s(?:{_DIGITS})|(?:{_DIGITS}) years old"  # "a 26-year old supporter"
        rf"|at (?:the )?age (?:of )?(?:{_DIGITS}))\b"
        r"|(?<=[a-z], )\d{1,3}(?=,)|(?:(?<=\bwas )|(?<=\bis ))\d{1,3}(?=\.$)"
        # "dropped out of Stanford at 19 to start…": "at" a bare number that no noun follows.
        r"|(?<=\bat )\d{1,2}(?=[,.;]|\s+(?:to|and|but|when|after|before|as|with|while|she|he)\b)"
    ),
    # "died Monday at 100": the age of the one who died, whatever stands between.
    "died_at": re.compile(
        r"\bd(?:ied|ies)(?:\s\w+){0,2}\sat\s(?P<age>\d{1,3})\b(?!\s?(?:%|percent|a\.m|p\.m|[ap]m\b))"
    ),
    # A streak or a run lasts a number of events too: "a 59-race winless streak", "a 12-game skid".
    "duration": re.compile(
        rf"\b(?:{_QUALIFIER}?(?:{_NUM}|a|an)[- ]{_UNIT_OF_TIME}(?:-long)?|(?:{_NUM})-{_EVENT_UNIT}"
        rf"|{_YEAR_RANGE}"  # how long it lasted: "polluting the river between 2019 and 2023"
        rf"|(?:until|through|till|to) "
        rf"(?:{WEEKDAY}|{MONTH}(?:\s\d{{1,2}})?|(?:19|20)\d\d|next (?:week|month|year)))\b",
        re.IGNORECASE,
    ),
    "date": re.compile(
        rf"\b(?:{WEEKDAY}{_PART_OF_DAY}?(?:,?\s{MONTH}\s\d{{1,2}})?"
        rf"|{MONTH}\s\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s(?:19|20)\d\d)?"
        rf"|\d{{1,2}}\s{MONTH}(?:\s(?:19|20)\d\d)?|{MONTH}\s(?:19|20)\d\d|(?:19|20)\d\d-\d\d-\d\d"
        rf"|(?:early|mid|late)[- ]{MONTH}"
        rf"|(?:next|last|this) (?:week|month|year|weekend|spring|summer|autumn|fall|winter)"
        rf"|{_YEAR_RANGE}"  # a term: "from 1974 to 1982"
        rf"|tomorrow|tonight|(?:in|by|since|until|from) (?:19|20)\d\d"
        # A month alone, after the word that places something in it: "filed for bankruptcy in January" (the
        # story's year); not the month of a fuller date ("in January 5, 2024" is matched whole above).
        rf"|(?:in|by|since|until|from|through|last|this|next) {MONTH}(?![.\s,]+\d)"
        # When something is due, counted from the story's day: "expected to close in 12 to 18 months".
        rf"|(?:in|within) (?:the next )?(?:\d+|a|one|two|three|four|five|six|a few|several)"
        rf"(?: to (?:\d+|two|three|six))? (?:days?|weeks?|months?|years?)"
        rf"|(?:in|by) the (?:first|second|third|fourth|final) quarter(?: of (?:19|20)\d\d)?"
        rf"|(?:the end of|end of) (?:the )?(?:week|month|year|{MONTH}))\b"
    ),
    # A clock time, with its zone: "5:44 a.m. EST", "12 p.m. ET", "noon".
    "time": re.compile(
        rf"\b(?:\d{{1,2}}(?::\d\d)?\s?(?:a\.m\.|p\.m\.|[ap]\.m\b|[ap]m\b)(?:\s(?:{_ZONE}))?"
        rf"|\d{{1,2}}:\d\d(?:\s(?:{_ZONE}))?|noon|midnight)"
        r"(?:(?<=\.)|\b)"
    ),
    # "a genetic variant called Christchurch", "often called a “blood moon”", "also known as the murder hornet",
    # "a dog named Rex" (but not "named him"), "Dara (aka Darina Yotova)": what something or someone is called.
    "called": re.compile(
        rf"\b(?:(?:called|known as|dubbed|nicknamed|so-called|aka|a\.k\.a\.)\s+"
        rf"(?:the |a |an )?(?P<any>{_QUOTED}|{_CAPITALISED}"
        rf"|(?!{_NOT_CALLED}\b)[a-z][\w-]*(?:\s(?!{_NOT_CALLED}\b)[a-z][\w-]*)?)"
        rf"|(?:named|titled)\s+(?P<named>{_QUOTED}|{_CAPITALISED}))"
    ),
    "cause": re.compile(
        rf"\b(?:{PLAIN_CAUSE}|following|after|amid|thanks to|since"
        r"|in (?:response|reaction) to|(?:driven|fuell?ed) by"
        # What moved a figure, as business news writes it: "…rises 18 percent on strong chip demand", "helped by
        # orders for its Arc-7 processors", "hurt by a weaker yen".
        r"|(?:helped|boosted|lifted|hit|hurt|weighed down|dragged down) by|on the back of"
        # Whom or what a company points to: "…will cut 1,200 jobs, blaming weaker demand", "citing rising costs".
        r"|blaming|citing"
        r"|on(?=\s+(?:strong|stronger|weak|weaker|robust|solid|soft|softer|higher|lower|rising|falling|record|surging"
        r"|slowing|slower|booming|sluggish)\b)"
        r"|over(?=\s+(?:concerns?|fears?|worries)\b)"
        # What it is done for: "striking to protest the retaliation".
        r"|to protest|in protest (?:of|against|at)|in order to"
        # What people are upset about: "whose members objected to the human remains it carried".
        r"|object(?:ed|s|ing)? to|objections? to|angered by|upset (?:by|about|over)|complain(?:ed|s|ing)? (?:about|of)"
        r"|(?<=died )(?:from|of)|(?<=dies )(?:from|of)|(?<= at \d\d )from|(?<= at \d\d\d )from)"
        # To the clause's end, past the full stops of "E. coli" and "U.S." (one before a lower-case word or an
        # initial's).
        r"\s+((?:[^.;:]|\.(?-i:(?=\s?[a-z]|[A-Z]\.))){8,})",
        re.IGNORECASE,
    ),
}
# Capitalised runs, with the small words names carry inside ("Bank of England", "Ivy League") and initials
# ("E. Jean Carroll", "John F. Kennedy", "J.D. Vance").
# (A letter's accent may be written as a mark of its own after it, "Nicola\u0301s": it stays inside the word.)
_NAME = re.compile(
    r"(?<![\w’'])(?:[A-Z](?:\.[A-Z])*\.(?=\s[A-Z])|[A-Z][\w\u0300-\u036f’'&.-]*[\w\u0300-\u036f]|[A-Z])"
    r"(?:\s(?:of|de|da|del|van|von|der|and|the|for|al|bin|&)?\s?"
    # A nickname in quotes inside a name: Scott “Kidd” Poteet.
    r"(?:[“\"][A-Z][\w’'.-]*[”\"]\s)?"
    r"(?:[A-Z](?:\.[A-Z])*\.(?=\s[A-Z])|[A-Z][\w\u0300-\u036f’'&.-]*[\w\u0300-\u036f]|[A-Z]))*"
    # A name may end in its number: "Category 4", "Apollo 11", "Boeing 737" (not "May 2023": a date is no name).
    r"(?:\s(?:\d{1,3}|[IVX]{1,4})(?![\w,.%-]*\w))?"
)
_NOT_NAMES = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "it",
        "they",
        "we",
        "i",
        "you",
        "his",
        "her",
        "their",
        "its",
        "our",
        "my",
        "your",
        "but",
        "and",
        "or",
        "if",
        "when",
        "while",
        "as",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "after",
        "before",
        "during",
        "since",
        "mr",
        "mrs",
        "ms",
        "dr",
        "there",
        "here",
        "what",
        "who",
        "how",
        "why",
        "i'm",
        "i’m",
        "it's",
        "it’s",
        "we're",
        "we’re",
        "they're",
        "they’re",
        "photos",
        "photo",
        "video",
        "caption",
        "hide",
        "read",
        # A headline's imperative after its colon ("…first death: See which states have…"), no one's name.
        "see",
        "watch",
        "listen",
        "more",
        "updated",
        "neither",
        "nor",
        "either",
        "both",
        # Quantities that open a sentence ("Millions of Muslims…", "Thousands report…") and the "of" after them.
        "millions",
        "thousands",
        "hundreds",
        "dozens",
        "many",
        "some",
        "most",
        "all",
        "of",
    ]
)
_MODIFIER = re.compile(r"\w-(?!based$)[a-z]+$")  # "Trump-endorsed", "LGBTQ-rights"; not "New Jersey-based"
_PARTY_AND_STATE = re.compile(r"^[DRI]-[A-Z][A-Za-z.]{1,4}$")  # "D-Md", "R-N.Y"
# A dateline: a place (often in capitals) then a dash or the agency in brackets, at the start of a story.
_DATELINE = re.compile(r"[A-Z][\w.,’' ]*?\s?(?:[–—-]\s|\((?:CNN|AP|AFP|Reuters|UPI)[^)]*\))")
_MEDIA = re.compile(r"(?:CNN|CNN Business|AP|AFP|Reuters|UPI|USA TODAY|USA Today|Hide Caption)")
_HONORIFICS = frozenset(
    ["Rep", "Sen", "Gov", "Adm", "Gen", "Dr", "Mr", "Mrs", "Ms", "Lt", "Col", "Sgt", "Capt", "Prof", "Rev", "Pres"]
)
_SCALES = frozenset(["Celsius", "Fahrenheit", "Kelvin"])  # "40.3 Celsius": a unit, however capitalised
_MONTHS_AND_DAYS = re.compile(rf"^(?:{MONTH}|{WEEKDAY})(?: \d+)?$")  # "Monday 3 people": a day, and a count

# Which pattern families answer which kind, best first.
_FAMILIES: dict[Kind, tuple[str, ...]] = {
    Kind.COUNT: ("count",),
    Kind.AMOUNT: ("quantity", "money", "percent", "fraction", "count"),
    Kind.MONEY: ("money",),
    Kind.PERCENT: ("percent", "fraction"),
    Kind.DATE: ("date", "time"),
    Kind.DURATION: ("duration",),
    Kind.AGE: ("age", "died_at"),
    Kind.CAUSE: ("cause",),
    Kind.PERSON: ("name",),
    Kind.PLACE: ("name",),
    Kind.NAME: ("called", "name"),
}


@dataclass(frozen=True, slots=True)
class Candidate:
    text: str
    start: int  # character offsets in the sentence
    end: int
    family: str


def find(kind: Kind, sentence: str, context: str = "") -> list[Candidate]:
    """Every span of ``sentence`` of a family that answers ``kind``; a span inside a longer one is dropped.

    ``context`` is the text around the sentence (its article): a word that opens the sentence is a name when
    the article writes it capitalised mid-sentence ("Snook, who…" after "Sarah Snook says…").
    """
    found: list[Candidate] = []
    for family in _FAMILIES.get(kind, ()):
        for cand in _spans(family, sentence, context):
            if not any(c.start <= cand.start and cand.end <= c.end for c in found):
                found.append(cand)
    return found


def find_asked(q: Question, sentence: str, context: str = "") -> list[Candidate]:
    """Every span of ``sentence`` that answers ``q`` as the reader answers it: a span of the kind asked, and, for
    some questions, a form of it :func:`find` leaves out. The reader picks among these, and an answer a model
    writes must state one (qa.answering), so both ask here."""
    if q.kind is Kind.DATE and q.target == "time":
        # "What time did the crew lift off?": the clock says it ("at 12 p.m. ET"), not the day.
        return find_times(sentence)
    found = find(q.kind, sentence, context)
    if q.kind is Kind.DURATION and _HOW_LONG_IS.search(q.text):
        # "How long was the fin whale?" asks a length as well as a span: "The 50-foot fin whale…".
        found += find_lengths(sentence)
    if q.kind is Kind.DATE and q.target == "year":
        # "What year was Malcolm X assassinated?": "the 1965 assassination" says it, with no "in" before it.
        found += [c for c in find_years(sentence) if not any(f.start <= c.start < f.end for f in found)]
    if q.kind is Kind.NAME and q.target in _QUOTED_TARGETS:
        # "What was the Oxford word of the year?": "…was “vax”", a word written in quotes, in lower case.
        found += [c for c in find_quoted(sentence) if not any(f.start <= c.start < f.end for f in found)]
    if measured := dimension_asked(q):
        # "How much does the lander weigh?" is not answered by "the 14-foot-tall lander", nor by a bare "48".
        found = [c for c in found if dimension(c.text) == measured]
    return found


_HOW_LONG_IS = re.compile(r"\bhow long (?:is|was|are|were)\b", re.I)
_QUOTED_TARGETS = frozenset(
    ["word", "words", "phrase", "term", "slogan", "nickname", "hashtag", "motto", "song", "title", "catchphrase"]
)


def states(q: Question, sentence: str) -> bool:
    """Whether ``sentence`` states anything that answers ``q`` in a way the reader answers with."""
    return bool(find_asked(q, sentence))


def find_times(sentence: str) -> list[Candidate]:
    """Clock times ("5:44 a.m. EST"): what "what time…?" asks for, before the day."""
    return _spans("time", sentence)


def find_ailments(sentence: str) -> list[Candidate]:
    """What someone suffered from ("He suffered an infection that went into his lungs"): what a death is put down
    to when the article writes no "died of"."""
    return [Candidate(m.group(1), m.start(1), m.end(1), "ailment") for m in _AILMENT.finditer(sentence)]


_AILMENT = re.compile(
    r"\b(?:suffered|suffering|battled|battling|diagnosed with|complications (?:of|from)|succumbed to)"
    r"(?:\s+from)?\s+([^.;:]{5,})",
    re.IGNORECASE,
)


def find_quoted(sentence: str) -> list[Candidate]:
    """Short quoted terms ("“vax”", "“goblin mode”"): what a word, a phrase or a title asked for is written as.
    A quotation of speech runs longer, or ends its own sentence."""
    out = []
    for m in re.finditer(_QUOTED, sentence):
        text = m.group()[1:-1].strip()
        if text and len(text.split()) <= _MAX_QUOTED_WORDS and not text.endswith((".", "!", "?", ",")):
            start = sentence.index(text, m.start())
            out.append(Candidate(text, start, start + len(text), "quoted"))
    return out


_MAX_QUOTED_WORDS = 5


def find_lengths(sentence: str) -> list[Candidate]:
    """Amounts that measure a length ("The 50-foot fin whale"): what "how long was…?" asks of a thing, not a span
    of time."""
    return [c for c in find(Kind.AMOUNT, sentence) if dimension(c.text) == "length"]


# What a measure's unit measures, in the table's order: "miles per hour" is a speed and "square miles" an area
# before either is a length.
_DIMENSIONS = [(name, re.compile(rf"(?<![\w/])(?:{'|'.join(units)})(?![\w/])")) for name, units in _UNITS_OF.items()]
_PER_HOUR = re.compile(r"\b(?:per|an|a) hour\b")


def dimension(amount: str) -> str | None:
    """What the unit of ``amount`` measures ("speed", "temperature", "mass", "length"), or None."""
    if _PER_HOUR.search(amount):
        return "speed"
    return next((name for name, unit in _DIMENSIONS if unit.search(amount)), None)


def find_years(sentence: str) -> list[Candidate]:
    """Bare years ("the 1965 assassination"): a date only when a year is what is asked for."""
    return [Candidate(m.group(), m.start(), m.end(), "year") for m in _YEAR.finditer(sentence)]


_YEAR = re.compile(r"(?<![\w$.,-])(?:1[89]|20)\d\d(?![\w%.,-]\d?)")


def _spans(family: str, sentence: str, context: str = "") -> list[Candidate]:
    if family == "name":
        return _names(sentence, context)
    pattern = _PATTERNS[family]
    spans: list[Candidate] = []
    for m in pattern.finditer(sentence):
        group: int | str = 0
        if family == "cause":
            group = 1
        elif family == "died_at":
            group = "age"  # the number, not the words before it
        elif family == "called":
            group = "any" if m.group("any") else "named"
        text = m.group(group).strip(" ,")
        if family == "called":
            text = text.strip('“”"‘’').rstrip(".,;:!?")
        if family == "count" and not _is_count(sentence, m):
            continue
        start = sentence.find(text, m.start(group))
        spans.append(Candidate(text, start, start + len(text), family))
    return spans


_DAY_OF = re.compile(rf"\b{MONTH}\s$")


def _is_count(sentence: str, m: re.Match[str]) -> bool:
    # A bare number that is really a year, a money or measure amount, an ordinal or part of a name is no count.
    text = m.group().strip()
    after = sentence[m.end() : m.end() + 12].lower()
    if re.fullmatch(r"(?:19|20)\d\d", text) or after.startswith(("%", " percent", " per cent", "-year", "th", "st")):
        return False
    if m.start() > 0 and sentence[m.start() - 1] in "$£€¥":
        return False
    if re.search(r"\bmagnitude\s+$", sentence[: m.start()], re.I):
        return False  # "a magnitude 6.4 earthquake": a measure with its unit before it, as "6.4-magnitude" after
    if _DAY_OF.search(sentence[: m.start()]) and re.fullmatch(r"\d\d?", text):
        return False  # "the eight local Jan. 6 defendants": a day of the month
    return not re.match(rf"\s?(?:{_CURRENCY_WORDS}|{_UNITS})\b", sentence[m.end() :])


def _names(sentence: str, context: str = "") -> list[Candidate]:
    spans: list[Candidate] = []
    dateline = _DATELINE.match(sentence)
    story = dateline.end() if dateline else 0  # where the story's own first word stands
    for origin, text in (part for m in _NAME.finditer(sentence) for part in _name_parts(m)):
        words = text.split()
        while words and (words[0].lower() in _NOT_NAMES or _MODIFIER.search(words[0])):
            words = words[1:]  # "The Sallow River" -> "Sallow River", "Trump-endorsed Republican" -> "Republican"
        while words and _droppable_last(words[-1]):
            words = words[:-1]  # "Embattled Rep. George Santos", "Congress Friday"
        if not words:
            continue
        # "a Lewes-based nonprofit", "the New Jersey-based company": the place is the name before "-based".
        words[-1] = words[-1].removesuffix("-based")
        text = " ".join(words)
        if text.endswith(("’s", "'s")):
            text = text[:-2]
        if _MONTHS_AND_DAYS.match(text) or len(text) < 2 or text.replace(",", "").isdigit():
            continue  # (a name may end in its number, "Category 4", but "With 10 teams…" leaves a number alone)
        start = sentence.find(text, origin)
        if _DATELINE.match(sentence[start:]) and not sentence[:start].strip(" “\"'"):
            continue  # "WASHINGTON – …", "London (CNN) …": where the story was filed, not what it says
        if _MEDIA.fullmatch(text) or text in _TIME_ZONES or text in _SCALES:
            continue
        if re.match(r"\s*(?:\.\.\.|…)", sentence[start + len(text) :]):
            continue  # "…head of National ...", "…record broken, Red ... - USA Today": a headline cut off there
        if len(words) > 1 and text.isupper():
            continue  # a headline or label in capitals ("LATEST UPDATES WEDNESDAY"), not one name
        if _MODIFIER.search(text) or _PARTY_AND_STATE.match(text):
            continue  # "LGBTQ-rights", "Trump-endorsed": a name made a modifier; "D-Md": a senator's party and state
        # A single capitalised word opening the sentence (or a quote in it) is usually just its first word
        # ("Schools in three…", "“There is…").
        before = sentence[story:start] if start >= story else sentence[:start]
        opening = not before.strip(" “”\"'‘’(—-") or before.rstrip().endswith(("“", '"'))
        rest = sentence[:start] + " " * len(text) + sentence[start + len(text) :]  # this occurrence blanked
        if (
            opening
            and len(words) == 1
            and not text.isupper()
            and not _capitalised_elsewhere(rest, text)
            and not _proper_in(context, text, possessive=sentence.startswith(("’s", "'s"), start + len(text)))
        ):
            continue
        spans.append(Candidate(text, start, start + len(text), "name"))
    return spans


def title_case(text: str) -> bool:
    """A headline written In Title Case, where a capital says nothing about a name."""
    content = [w for w in re.findall(r"[A-Za-z][\w’'-]*", text) if w.lower() not in _NOT_NAMES and len(w) > 3]
    return len(content) >= 3 and sum(w[0].isupper() for w in content) / len(content) > 0.8


def names_in_title(cands: list[Candidate], title: str, article: str) -> list[Candidate]:
    """The names of a Title Case headline: the longest parts of each capitalised run that the article writes
    the same way ("US Military Claims Iranian Troops and Weapons" -> "US", "Iranian")."""
    out: list[Candidate] = []
    for cand in cands:
        spans = [m.span() for m in re.finditer(r"\S+", cand.text)]
        i = 0
        while i < len(spans):
            for j in range(len(spans), i, -1):
                text = cand.text[spans[i][0] : spans[j - 1][1]]
                if text.lower() not in _NOT_NAMES and re.search(rf"(?<!\w){re.escape(text)}(?!\w)", article):
                    out.append(Candidate(text, cand.start + spans[i][0], cand.start + spans[j - 1][1], cand.family))
                    i = j
                    break
            else:
                i += 1
    return out


def _name_parts(m: re.Match[str]) -> list[tuple[int, str]]:
    """The names one capitalised run holds. "Japan's Sakurajima volcano" names Japan and Sakurajima: a possessive
    ends one name and starts another. "Prince Charles and Elizabeth Debicki" names two people, each in full;
    "Doug and Pam Barry" one family and "Trinidad and Tobago" one country, a side of one word being no name alone."""
    parts: list[tuple[int, str]] = []
    at = 0
    for p in re.finditer(r"[’']s\s", m.group()):
        parts.append((m.start() + at, m.group()[at : p.end() - 1]))
        at = p.end()
    parts.append((m.start() + at, m.group()[at:]))
    split: list[tuple[int, str]] = []
    for origin, text in parts:
        pieces = text.split(" and ")
        if len(pieces) == 2 and all(len(x.split()) > 1 for x in pieces):
            split += [(origin, pieces[0]), (origin + len(pieces[0]) + len(" and "), pieces[1])]
        else:
            split.append((origin, text))
    return split


# Words in the names of things, teams, events and bodies rather than people.
BODY_WORDS = frozenset(
    [
        "bowl",
        "cup",
        "league",
        "party",
        "committee",
        "court",
        "department",
        "house",
        "senate",
        "congress",
        "university",
        "college",
        "school",
        "company",
        "inc",
        "corp",
        "group",
        "association",
        "foundation",
        "agency",
        "ministry",
        "council",
        "times",
        "news",
        "post",
        "journal",
        "award",
        "awards",
        "prize",
        "center",
        "centre",
        "fire",
        "act",
        "bill",
        "festival",
        "games",
        "series",
        "club",
        "united",
        "city",
        "county",
        "state",
        "street",
        "hospital",
        "church",
        "museum",
        "institute",
        "bank",
        "fund",
        "network",
        "media",
        "gala",
        "show",
        "authority",
        "commission",
        "administration",
        "service",
        "office",
        "board",
        "union",
        "corporation",
        "police",
    ]
)


# Words of a title or office written before a person's name.
_ROLE_WORDS = frozenset(
    [
        "former",
        "vice",
        "president",
        "secretary",
        "senator",
        "sen",
        "rep",
        "gov",
        "governor",
        "judge",
        "justice",
        "dr",
        "prime",
        "minister",
        "chancellor",
        "chief",
        "executive",
        "ceo",
        "general",
        "gen",
        "adm",
        "admiral",
        "lt",
        "col",
        "sgt",
        "capt",
        "mayor",
        "speaker",
        "leader",
        "attorney",
        "transportation",
        "defense",
        "state",
        "treasury",
        "health",
        "education",
        "interior",
        "labor",
        "energy",
        "commerce",
        "homeland",
        "security",
        "us",
        "u.s.",
        "first",
        "lady",
        "sir",
        "dame",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
    ]
)


# Titles written between an organisation and a person: "Avelo Airlines CEO Andrew Levy", "New York City Mayor
# Eric Adams". The person is the name after the title.
_TITLES = frozenset(
    [
        "ceo",
        "cfo",
        "coo",
        "cto",
        "president",
        "chairman",
        "chairwoman",
        "chair",
        "mayor",
        "governor",
        "gov",
        "senator",
        "sen",
        "rep",
        "secretary",
        "minister",
        "chancellor",
        "judge",
        "justice",
        "coach",
        "manager",
        "director",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "commissioner",
        "founder",
        "owner",
        "chief",
        "astronaut",
        "cosmonaut",
        "captain",
        "pilot",
        # A player's position, written before the name as an office is: "Striker Tomas Brennick scored twice".
        "striker",
        "defender",
        "midfielder",
        "goalkeeper",
        "winger",
        "substitute",
    ]
)


# The last word of an office's name: the titles, less those that are surnames too ("Aaron Judge").
_TITLE_ENDINGS = _TITLES - {"judge", "justice", "coach", "manager", "founder", "owner", "chief", "chair"}


def is_title(word: str) -> bool:
    """Whether ``word`` names an office ("Judge", "Gov.", "CEO")."""
    return word.lower().strip(".") in _TITLES


def person_after_title(text: str) -> str:
    """The person a name span ends with after a title in it ("Avelo Airlines CEO Andrew Levy" -> "Andrew Levy"),
    or ``text`` when it holds no title followed by a person's name."""
    words = text.split()
    for i in range(len(words) - 2, -1, -1):
        if words[i].lower().strip(".") in _TITLES:
            rest = " ".join(words[i + 1 :])
            # Only after an organisation or a place: "Former Vice President Mike Pence" is one title and name.
            ahead = [w for w in words[:i] if w.lower().strip(".") not in _ROLE_WORDS]
            return rest if ahead and looks_like_person(rest) else text
    return text


def without_title(text: str) -> str:
    """A person's name without the title a sentence opens it with ("Astronaut Ada Brenn waved…" -> "Ada Brenn"):
    who answers, not what they are. A name of two words is left whole."""
    words = text.split()
    while len(words) > 2 and (is_title(words[0]) or words[0].lower().strip(".") in _ROLE_WORDS):
        words = words[1:]
    return " ".join(words)


def looks_like_person(text: str) -> bool:
    """ "Russell Okung", "Angela Alsobrooks", "E. Jean Carroll": two to four capitalised words, not a body or event."""
    words = text.replace(".", ". ").split()
    while len(words) > 2 and words[0].lower().strip(".") in _ROLE_WORDS:
        words = words[1:]  # "Former Vice President Mike Pence", "Transportation Secretary Sean Duffy"
    if not 2 <= len(words) <= 4 or any(w.isupper() and len(w) > 2 for w in words):
        return False
    if all(len(w.strip(".")) == 1 for w in words):
        return False  # "U.S", "U.K.": initials alone are a place's or a body's, a person's come with a surname
    if words[-1].lower().strip(".") in _TITLE_ENDINGS:
        return False  # "UK Prime Minister", "Vice President": an office, no one's name
    return not any(w.lower().strip(".") in BODY_WORDS for w in words)


def _droppable_last(word: str) -> bool:
    return word.lower() in _NOT_NAMES or word in _HONORIFICS or bool(_MONTHS_AND_DAYS.match(word))


def _capitalised_elsewhere(sentence: str, word: str) -> bool:
    return re.search(rf"(?<=\s){re.escape(word)}\b", sentence) is not None


def _proper_in(article: str, word: str, possessive: bool = False) -> bool:
    """Whether ``article`` writes ``word`` as a name: capitalised after a word or comma (". Snook" may open
    another sentence) and never in lower case ("Over", "Actors" are words a headline capitalises).

    A word owning what follows it ("Cuba's national grid collapsed") needs only the second: a story about Cuba
    may open every sentence with it, and a common word opening a sentence takes "the" before its "'s" ("Today's"
    and "It's" are written in lower case elsewhere)."""
    if not article or re.search(rf"\b{re.escape(word.lower())}\b", article):
        return False
    return possessive or re.search(rf"(?<=[\w,]\s){re.escape(word)}\b", article) is not None

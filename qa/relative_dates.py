"""The dates an article means by the days it names from its own date: "died Monday", "will land Thursday",
"yesterday".

A news story dates what happened by the weekday, counted from the day it was published; read a week later,
"Monday" says nothing. The extractive reader adds the date to a weekday it answers with ("Monday (June 22,
2026)"), and the support check lets a model write that date where its passage says the weekday: both reckon it
here, from the article's ``published`` field, the same way.

Which way to count is read from the verb before the day: "will", "is set to", "scheduled" count forward; a past
tense ("died", "said", "was") counts back; "last" and "next" say it themselves. Where nothing says ("who leaves
office Tuesday", a headline's present tense), no date is given: a wrong date would be worse than none.
"""

from __future__ import annotations

import functools
import re
from datetime import date, timedelta

from qa.candidates import MONTH, WEEKDAY, WEEKDAYS
from qa.question import PAST_FORMS

_DAY_OFFSETS = {"yesterday": -1, "today": 0, "tomorrow": 1}
_NAMED = re.compile(
    rf"\b(?:(?P<which>last|next|past|coming)\s+)?(?P<day>{WEEKDAY})\b"
    r"|\b(?P<offset>[Yy]esterday|[Tt]oday|[Tt]omorrow)\b(?!['’]s)",  # "today's Britain" is no day
)
_DATE_AFTER = re.compile(rf",?\s*(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\b|{MONTH}\s+\d)")
_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
# Words that put what follows them ahead of the story's date ("will visit on Thursday", "is set to launch").
_FORWARD = frozenset((
    "will", "would", "shall", "won't", "wouldn't", "scheduled", "slated", "expected", "planned", "plans", "plan",
    "set", "due", "upcoming", "going", "aims", "hopes", "intends",
))  # fmt: skip
_PAST_FORMS = PAST_FORMS | frozenset(("was", "were", "had", "did"))
_NOT_PAST = _FORWARD | frozenset(("need", "feed", "seed", "speed", "indeed", "breed"))  # "-ed", not past
_LOOK_BACK = 8  # words before the day that may hold the verb it goes with ("will attempt a landing on the moon")
_LOOK_AHEAD = 3  # words after it: "The city on Tuesday lifted the notice"


@functools.lru_cache(maxsize=1 << 12)
def _published_date(published: str) -> date | None:
    """The day an article was published, from its ``published`` field (2023-10-11, 2023/10/11, or a timestamp)."""
    try:
        return date.fromisoformat(published.strip()[:10].replace("/", "-"))
    except ValueError:
        return None


def spelled(day: date) -> str:
    """The date in full, "February 22, 2024": an abbreviated month's period ("Feb.") would end a sentence for
    the sentence splitter that reads answers."""
    return f"{day:%B} {day.day}, {day.year}"


def spelled_as_news(day: date) -> str:
    """The date as the news writes it (AP style), "Feb. 22, 2024": how a model quoting an article may write it."""
    return f"{_AP_MONTHS.get(day.month, f'{day:%B}')} {day.day}, {day.year}"


_AP_MONTHS = {1: "Jan.", 2: "Feb.", 8: "Aug.", 9: "Sept.", 10: "Oct.", 11: "Nov.", 12: "Dec."}


def dates_named(text: str, published: str) -> tuple[tuple[int, int, date], ...]:
    """(start, end, date) of each day ``text`` names from the day it was published (``published``), when the
    text says which way to count."""
    base = _published_date(published)
    if base is None:
        return ()
    return _dates_named(text, base)


@functools.lru_cache(maxsize=1 << 14)
def _dates_named(text: str, base: date) -> tuple[tuple[int, int, date], ...]:
    # Cached: the support check reads every sentence of every retrieved passage for each answer.
    found: list[tuple[int, int, date]] = []
    for m in _NAMED.finditer(text):
        if m.group("offset"):
            found.append((m.start(), m.end(), base + timedelta(days=_DAY_OFFSETS[m.group("offset").lower()])))
            continue
        if _DATE_AFTER.match(text, m.end()):
            continue  # "Thursday, Nov. 26": the article gives the date itself
        which = (m.group("which") or "").lower()
        if which:
            forward = which in ("next", "coming")
        elif (said := _counts_forward(text, m.start(), m.end())) is not None:
            forward = said
        else:
            continue
        target = WEEKDAYS.index(m.group("day"))
        if forward:
            ahead = (target - base.weekday()) % 7 or (7 if which else 0)
            found.append((m.start(), m.end(), base + timedelta(days=ahead)))
        else:
            back = (base.weekday() - target) % 7 or (7 if which else 0)
            found.append((m.start(), m.end(), base - timedelta(days=back)))
    return tuple(found)


def _counts_forward(text: str, start: int, end: int) -> bool | None:
    """True when the verb the day goes with is in the future, False when in the past, None when the words
    around it don't say."""
    before = [w.lower() for w in _WORD.findall(_clause_before(text, start))][-_LOOK_BACK:]
    # A future word anywhere before the day decides ("would be reconnected by Friday"); then a past form. The
    # words after the day's clause don't count: "said Monday that it will…" is past.
    if any(word in _FORWARD for word in before):
        return True
    if any(_is_past(word) for word in before):
        return False
    # After the day, only its own clause: "…landing Thursday, the company said" is said of the landing.
    after = [w.lower() for w in _WORD.findall(re.split(r"[,;.—]", text[end:], maxsplit=1)[0])][:_LOOK_AHEAD]
    if any(_is_past(w) for w in after):
        return False
    return None


def _clause_before(text: str, start: int) -> str:
    # A sentence's earlier clause speaks of another time: "Officials, who met Friday, will decide Monday".
    head = text[:start]
    cut = max(head.rfind("."), head.rfind(";"), head.rfind("—"))
    return head[cut + 1 :]


def _is_past(word: str) -> bool:
    return word in _PAST_FORMS or (len(word) > 3 and word.endswith("ed") and word not in _NOT_PAST)

"""What a question asks for, where a model's answer can be checked for it cheaply: a number, a date or a time.

A small model asked "How long will the railway stay closed?" over an article that doesn't say, answers with a
true sentence that states no duration ("The railway … was suspended [3]"): supported, and no answer. A sentence
that is to answer a how-many / how-long / when question must state a number or a time.
"""

from __future__ import annotations

import re

from qa.support import numbers_in

_WANTS_QUANTITY = re.compile(
    r"^\s*(?:how\s+(?:many|much|long|old|big|large|far|high|tall|strong|often|fast|heavy)|when|"
    r"(?:in\s+)?what\s+(?:year|date|time|day|month))\b",
    re.IGNORECASE,
)
_TIME_WORDS = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\b(?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december|today|yesterday|tomorrow|tonight|morning|afternoon|evening|night|"
    r"weeks?|months?|years?|decades?|hours?|minutes?|days?|spring|summer|autumn|winter|season)\b",
    re.IGNORECASE,
)


def wants_quantity(question: str) -> bool:
    """The question asks for a number, an amount, a duration, a date or a time."""
    return bool(_WANTS_QUANTITY.search(question))


def states_quantity(sentence: str) -> bool:
    return bool(numbers_in(sentence)) or bool(_TIME_WORDS.search(sentence))

"""Dates as news sites write them, read into ``YYYY-MM-DD``."""

from __future__ import annotations

import re
from datetime import date
from email.utils import parsedate_to_datetime

_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_WORD = r"([A-Za-z]{3,9})\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_ISO_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d])")
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC_US_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?![\d])")
_MONTH_FIRST_RE = re.compile(rf"\b{_MONTH_WORD}\s+{_DAY},?\s+(\d{{4}})\b")
_DAY_FIRST_RE = re.compile(rf"\b{_DAY}\s+{_MONTH_WORD},?\s+(\d{{4}})\b")


def parse_date(value: str) -> str:
    """Return ``YYYY-MM-DD`` for the date formats news sites use, or ``""`` when there is no full date."""
    value = (value or "").strip()
    if not value:
        return ""

    m = _ISO_RE.match(value) or _COMPACT_RE.match(value)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))

    m = _NUMERIC_US_RE.match(value)
    if m:
        first, second, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        # US order first (most English-language news); fall back to day-first when the month would be > 12.
        return _iso(year, first, second) or _iso(year, second, first)

    m = _MONTH_FIRST_RE.search(value)
    if m and (month := _month_number(m.group(1))):
        return _iso(int(m.group(3)), month, int(m.group(2)))
    m = _DAY_FIRST_RE.search(value)
    if m and (month := _month_number(m.group(2))):
        return _iso(int(m.group(3)), month, int(m.group(1)))

    # Last resort for RFC 2822 variants the patterns above miss; the date is kept as written, not shifted to UTC.
    try:
        return parsedate_to_datetime(value).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return ""


def _month_number(word: str) -> int:
    word = word.lower()
    for number, name in enumerate(_MONTHS, start=1):
        # "Sept" and "Sep" are both prefixes of "september"; "Marathon" is not a prefix of "march".
        if len(word) >= 3 and name.startswith(word):
            return number
    return 0


def _iso(year: int, month: int, day: int) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""

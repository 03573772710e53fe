"""How an answer quotes a long sentence: the clauses around its short answer, or a window of words, with "…" where
it is cut, so the quote stays verbatim."""

from __future__ import annotations

import re

from qa.question import stem, words

_QUOTE_WORDS = 32  # a longer sentence is quoted around the candidate, with "…" where it is cut


def quote_around(sentence: str, lead: str, focus: set[str]) -> str:
    """The sentence, or for a long one the clauses around the lead (cut at commas), or failing that a window
    of words around it; "…" marks each cut, so the quote stays verbatim."""
    if len(sentence.split()) <= _QUOTE_WORDS or not lead or lead not in sentence:
        return sentence
    at = sentence.find(lead)
    # A comma inside a number ("over 2,400") or a colon inside a time ("8:30") ends no clause.
    clauses = [(m.start(), m.end()) for m in re.finditer(r"(?:[^,;:—]|(?<=\d)[,:](?=\d))+[,;:—]?", sentence)]
    i = next((k for k, (s, e) in enumerate(clauses) if s <= at < e), 0)
    lo = hi = i

    # Widen to neighbouring clauses while the quote stays short, first towards the one with more focus words.
    def focus_hits(k: int) -> int:
        return len(focus.intersection(stem(w) for w in words(sentence[clauses[k][0] : clauses[k][1]])))

    while True:
        options = [
            (lo2, hi2)
            for lo2, hi2 in ((lo - 1, hi), (lo, hi + 1))
            if lo2 >= 0
            and hi2 < len(clauses)
            and _words_between(sentence, clauses[lo2][0], clauses[hi2][1]) <= _QUOTE_WORDS
        ]
        if not options:
            break
        lo, hi = max(options, key=lambda o: focus_hits(o[0] if o[0] < lo else o[1]))
    start, end = clauses[lo][0], clauses[hi][1]
    if _words_between(sentence, start, end) > _QUOTE_WORDS:
        # One long clause: the window of words holding the lead that holds most of the focus words.
        spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", sentence)]
        first = next(k for k, (s, e) in enumerate(spans) if e > at)
        last = next(k for k, (s, e) in enumerate(spans) if e >= at + len(lead))
        hits = [bool(focus.intersection(stem(w) for w in words(sentence[s:e]))) for s, e in spans]
        windows = range(max(0, last - _QUOTE_WORDS + 1), min(first, len(spans) - _QUOTE_WORDS) + 1)
        lo_w = max(
            windows, key=lambda k: (sum(hits[k : k + _QUOTE_WORDS]), -abs(k - first + _QUOTE_WORDS // 2)), default=first
        )
        start, end = spans[lo_w][0], spans[min(len(spans), lo_w + _QUOTE_WORDS) - 1][1]
    text = sentence[start:end].strip().rstrip(",;:—").strip()
    if start > 0:
        text = text.lstrip("”’\"' ")
    return ("…" if start > 0 else "") + text + ("…" if end < len(sentence.rstrip(". ")) else "")


def _words_between(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())

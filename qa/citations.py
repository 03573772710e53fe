"""Citation markers: parsed from the model's text, checked against the passages really retrieved."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.passage import Passage

# [1], [1, 3], [1,2,3], [1-3], [1–3] and runs like [1][2]: each bracket is parsed on its own.
MARKER = re.compile(r"\[\s*(\d+(?:\s*[-–,;]\s*\d+)*)\s*\]")
_SPACE_BEFORE_PUNCT = re.compile(r"[ \t]+([.,;:!?])")
_DOUBLE_SPACE = re.compile(r"[ \t]{2,}")
_MAX_RANGE = 50


@dataclass(slots=True)
class Citation:
    n: int
    doc_id: str
    title: str
    url: str
    published: str
    source: str
    chunk_id: str
    snippet: str
    score: float
    author: str = ""

    @classmethod
    def of(cls, passage: Passage) -> Citation:
        return cls(
            n=passage.n,
            doc_id=passage.doc_id,
            title=passage.title,
            url=passage.url,
            published=passage.published,
            source=passage.source,
            chunk_id=passage.chunk_id,
            snippet=passage.snippet(),
            score=passage.score,
            author=passage.author,
        )


@dataclass(slots=True)
class CheckedAnswer:
    text: str  # the answer with invalid markers removed
    citations: list[Citation] = field(default_factory=list)  # in order of first mention
    invalid: list[int] = field(default_factory=list)  # marker numbers that named no retrieved passage

    @property
    def grounded(self) -> bool:
        return bool(self.citations)


def marker_numbers(body: str) -> list[int]:
    """The passage numbers inside one marker's brackets: ``1, 3`` → [1, 3], ``2-4`` → [2, 3, 4]."""
    numbers: list[int] = []
    for part in re.split(r"\s*[,;]\s*", body):
        bounds = re.split(r"\s*[-–]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            lo, hi = int(bounds[0]), int(bounds[1])
            if lo <= hi and hi - lo <= _MAX_RANGE:
                numbers.extend(range(lo, hi + 1))
                continue
        numbers.extend(int(b) for b in bounds if b.isdigit())
    return numbers


def check_citations(text: str, passages: list[Passage]) -> CheckedAnswer:
    """Keep markers naming a retrieved passage (rewritten as ``[n]`` runs); list sources in first-mention order."""
    by_n = {p.n: p for p in passages}
    cited: dict[int, Citation] = {}
    invalid: list[int] = []

    def rewrite(match: re.Match[str]) -> str:
        kept: list[int] = []
        for n in marker_numbers(match.group(1)):
            if n in by_n:
                if n not in kept:
                    kept.append(n)
                cited.setdefault(n, Citation.of(by_n[n]))
            elif n not in invalid:
                invalid.append(n)
        return "".join(f"[{n}]" for n in kept)

    cleaned = MARKER.sub(rewrite, text)
    cleaned = _SPACE_BEFORE_PUNCT.sub(r"\1", cleaned) if invalid else cleaned
    cleaned = _DOUBLE_SPACE.sub(" ", cleaned).strip()
    return CheckedAnswer(text=cleaned, citations=list(cited.values()), invalid=invalid)

"""Answers from an article's record: who wrote it, when it was published, which outlet published it.

These are fields of the document record (``author``, ``published``, ``source``), not sentences to read: the answer
is built from the record of the retrieved article the question is most about, whatever the configured model, and
cited to that article. A model asked instead may misread a header it was shown (Qwen2.5-Coder-1.5B answered
"When was the Heliant earnings story published?" with the story's headline).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qa.about import MIN_ABOUT, RANK_PENALTY, covered
from qa.passage import Passage
from qa.question import Question, stem, words
from qa.refusal import CANNOT_ANSWER


def metadata_answer(q: Question, passages: Sequence[Passage], idf: Callable[[str], float]) -> str:
    """The answer to a who-wrote / when-published / which-outlet question ``q`` (``q.metadata`` set) from the
    record of the article it names, or the refusal sentence when no retrieved article is about it."""
    weights = {f: idf(f) for f in q.focus}
    total = sum(weights.values()) or 1.0
    best: tuple[float, Passage] | None = None
    for rank, p in enumerate(passages):
        have = {stem(w) for w in words(f"{p.title} {p.text}")}
        # The article (headline and passage) is held to the bar the reader sets a sentence.
        about = covered(have, weights) / total - RANK_PENALTY * rank
        if getattr(p, q.metadata or "", "") and (best is None or about > best[0]):
            best = (about, p)
    if best is None or best[0] < MIN_ABOUT:
        return CANNOT_ANSWER
    p = best[1]
    value = str(getattr(p, q.metadata or ""))
    title = f"“{p.title}”"
    if q.metadata == "author":
        where = ", ".join(x for x in (p.source, p.published) if x)
        return f"{value} wrote {title}" + (f" ({where})" if where else "") + f" [{p.n}]"
    if q.metadata == "published":
        return f"{title} was published on {value}" + (f" by {p.source}" if p.source else "") + f" [{p.n}]"
    return f"{title} was published by {value}" + (f" on {p.published}" if p.published else "") + f" [{p.n}]"

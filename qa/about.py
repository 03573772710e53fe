"""How much a text is about a question: the share of the question's IDF-weighted focus words it holds.

The extractive reader asks it of each sentence (its headline and passage counting less), the metadata answer of a
whole article, the off-topic gate of everything retrieved; the reader and the metadata answer hold a text to the
same bar and break ties by rank the same way.
"""

from __future__ import annotations

from collections.abc import Mapping

from qa.question import alternatives

# Tuned on short-dev and RealTime QA dev (the only question sets here): figures are optimistic for new ones.
MIN_ABOUT = 0.5  # share of the focus weight a sentence (with its title), or an article, must hold
RANK_PENALTY = 0.08  # per passage rank: a tie goes to the better-retrieved passage


def covered(have: set[str], weights: Mapping[str, float]) -> float:
    """The focus weight of the stems in ``have``: each focus stem counts when it, or a word an article uses for it
    ("killed" for "died"), is there."""
    return sum(weight for term, weight in weights.items() if have.intersection(alternatives(term)))

"""Saying that the articles don't answer: one sentence everywhere, and why it was said."""

from __future__ import annotations

import re

# The one refusal sentence: the retrieval gate, the extractive reader and the LLM prompt all use it.
CANNOT_ANSWER = "The indexed articles do not answer this question."

# Why an answer abstained (``Answer.reason``).
OFF_TOPIC = "off_topic"  # neither retriever found the question's rare words
EMPTY_INDEX = "empty_index"  # nothing is indexed yet: no article was searched at all
# No retrieved sentence answers it: the extractive reader found none, or what a model stated was unsupported, or
# not of the kind asked ("How old is Sigrun Aalto?" answered with an age no article gives).
NO_SUPPORTING_SENTENCE = "no_supporting_sentence"
MODEL_DECLINED = "model_declined"  # the model said it cannot answer, or stated nothing ("", a bare "[1]")


def is_refusal(text: str) -> bool:
    return CANNOT_ANSWER.rstrip(".").lower() in text.lower()


# How a model says the passages don't answer when it doesn't use the exact wording: about the passages
# ("the passages do not mention…"), or about itself ("I cannot answer…"). Words a news sentence uses itself
# ("sources", "information") are left out: a verbatim passage sentence must not read as a refusal.
_ABOUT_SOURCES = re.compile(r"\b(?:passages?|the (?:provided |given )?(?:articles?|text|context))\b", re.I)
_NEGATION = re.compile(r"\b(?:not|no|none|neither|nor|cannot)\b|n't\b", re.I)
_SELF_DECLINE = re.compile(
    r"^(?:I\s+(?:cannot|can't|can not|do not|don't|am unable|am not able)|Sorry|Unfortunately|"
    r"(?:There is|There's)\s+no\s+(?:information|mention))",
    re.I,
)


def is_decline(sentence: str) -> bool:
    """The sentence says the passages don't answer, in the one wording or in a model's own."""
    return (
        is_refusal(sentence)
        or bool(_SELF_DECLINE.search(sentence.strip()))
        or (bool(_ABOUT_SOURCES.search(sentence)) and bool(_NEGATION.search(sentence)))
    )

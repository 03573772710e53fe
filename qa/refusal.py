"""Saying that the articles don't answer: one sentence everywhere, and why it was said."""

from __future__ import annotations

# The one refusal sentence: the retrieval gate, the extractive reader and the LLM prompt all use it.
CANNOT_ANSWER = "The indexed articles do not answer this question."

# Why an answer abstained (``Answer.reason``).
OFF_TOPIC = "off_topic"  # neither retriever found the question's rare words
NO_SUPPORTING_SENTENCE = "no_supporting_sentence"  # the extractive reader found no sentence that answers it
MODEL_DECLINED = "model_declined"  # the model said it cannot answer, or stated nothing a passage supports


def is_refusal(text: str) -> bool:
    return CANNOT_ANSWER.rstrip(".").lower() in text.lower()

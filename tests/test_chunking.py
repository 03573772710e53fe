"""Chunking with the real model's tokenizer: size limits, offsets, overlap, metadata, stable ids, sentences."""

from __future__ import annotations

import itertools
import random
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from api.services import Services
from ingest.chunking import Chunker, embedding_text, sentence_spans
from ingest.document import Chunk, Document
from ingest.embedding import Embedder
from ingest.loading import load_file

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
METADATA_KEYS = {"doc_id", "title", "source", "published", "url"}


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory, services_factory: Callable[..., Services]) -> Services:
    """Default settings (chunk_tokens=200, chunk_overlap=32); only the chunker is used, nothing is indexed."""
    return services_factory(tmp_path_factory.mktemp("docs"))


@pytest.fixture(scope="module")
def chunker(services: Services) -> Chunker:
    return services.indexer.chunker


@pytest.fixture(scope="module")
def corpus_docs(corpus_files: Callable[..., list[Path]]) -> list[Document]:
    docs: list[Document] = []
    for path in corpus_files(40):
        docs.extend(load_file(path, root=path.parent))
    assert len(docs) == 40
    return docs


def input_tokens(embedder: Embedder, chunker: Chunker, chunks: list[Chunk]) -> list[int]:
    """Word pieces (special tokens included) of exactly what the model embeds for each chunk."""
    return embedder.count_tokens([chunker.embedding_input(c) for c in chunks])


def assert_offsets_and_coverage(doc: Document, chunks: list[Chunk]) -> None:
    """Every chunk is the document text at its offsets, and together they lose no visible character."""
    assert chunks, f"{doc.title!r}: no chunks"
    covered = bytearray(len(doc.text))
    for i, c in enumerate(chunks):
        assert c.index == i
        assert c.doc_id == doc.doc_id
        assert 0 <= c.start < c.end <= len(doc.text)
        assert doc.text[c.start : c.end] == c.text
        # (A piece cut out of an over-long sentence may keep the space before its first word.)
        assert c.text.strip(), f"chunk {i} is blank"
        assert not c.text[-1:].isspace(), f"chunk {i} ends in whitespace"
        covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    # Zero-width and control characters make no word piece: leaving them out of every chunk loses nothing.
    lost = [i for i, ch in enumerate(doc.text) if not covered[i] and not _invisible(ch)]
    assert not lost, f"text not in any chunk: {doc.text[lost[0] : lost[0] + 40]!r}"


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")


def _words(n: int, seed: int = 0) -> str:
    vocab = [
        "alpha",
        "bravo",
        "charlie",
        "delta",
        "echo",
        "foxtrot",
        "golf",
        "hotel",
        "india",
        "juliet",
        "kilo",
        "lima",
        "mike",
        "november",
        "oscar",
        "papa",
        "quebec",
        "romeo",
        "sierra",
        "tango",
        "uniform",
        "victor",
        "whiskey",
        "xray",
        "yankee",
        "zulu",
        "antidisestablishmentarianism",
        "1234567",
        "Zürich",
        "naïve",
        "co-operation",
        "e-mail",
    ]
    rnd = random.Random(seed)
    return " ".join(rnd.choice(vocab) for _ in range(n))


def _tiny_lines(n: int) -> str:
    rnd = random.Random(1)
    return "\n".join(rnd.choice(["a", "Hi.", "1", "ok!", "—", "🙂", "", "  x  "]) for _ in range(n))


def _unicode_text(n: int) -> str:
    rnd = random.Random(2)
    pieces = [
        "日本語の文章です。", "Ελληνικά κείμενα.", "Привет мир!", "مرحبا بالعالم.", "🙂🚀🔥 emoji",
        "e\u0301te\u0301 combining", "\u200bzero\u200bwidth", "ﬁnance ligature", "Ǆemal", "中文字符" * 5,
    ]  # fmt: skip
    return " ".join(rnd.choice(pieces) for _ in range(n))


ADVERSARIAL: dict[str, Document] = {
    # One 3000-word "sentence" with no punctuation at all: must be cut by tokens, not by sentences.
    "one-3000-word-sentence": Document(doc_id="adv1", title="A sentence that never ends", text=_words(3000)),
    # A title far beyond the window: the model input must still fit, the body must still be indexed.
    "very-long-title": Document(
        doc_id="adv2", title=" ".join(["Extraordinarily long headline words"] * 150), text=_words(600, seed=3) + "."
    ),
    "many-tiny-lines": Document(doc_id="adv3", title="Lines", text=_tiny_lines(3000).strip()),
    "unicode": Document(doc_id="adv4", title="Ünïcödé – 日本 🙂", text=_unicode_text(1500)),
    "cjk-without-spaces": Document(doc_id="adv5", title="中文", text="中" * 5000),
    "one-20000-char-word": Document(doc_id="adv6", title="Blob", text="x" * 20000),
    "long-sentence-amid-short-ones": Document(
        doc_id="adv7", title="Mixed", text=f"Short start. {_words(1200, seed=4)}. Short end. Another one."
    ),
}


# --------------------------------------------------------------------------- size limits


def test_chunker_is_sized_by_the_model(embedder: Embedder, chunker: Chunker) -> None:
    assert embedder.max_tokens == 256
    assert chunker.limit == 200  # chunk_tokens default, below the model's 256
    assert chunker.model_max_tokens == 256


def test_real_articles_fit_the_model(embedder: Embedder, chunker: Chunker, corpus_docs: list[Document]) -> None:
    total = 0
    for doc in corpus_docs:
        chunks = chunker.chunk(doc)
        counts = input_tokens(embedder, chunker, chunks)
        assert max(counts) <= embedder.max_tokens, doc.title
        assert max(counts) <= 200, doc.title  # chunk_tokens
        assert_offsets_and_coverage(doc, chunks)
        total += len(chunks)
    # Sized close to the limit, not split into slivers: 40 articles of a few KB each.
    assert len(corpus_docs) < total < 40 * 30


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_text_fits_the_model(name: str, embedder: Embedder, chunker: Chunker) -> None:
    doc = ADVERSARIAL[name]
    chunks = chunker.chunk(doc)
    counts = input_tokens(embedder, chunker, chunks)
    assert max(counts) <= chunker.limit <= embedder.max_tokens, (name, max(counts))
    assert_offsets_and_coverage(doc, chunks)
    if embedder.count_tokens([doc.text])[0] > 2 * chunker.limit:
        assert len(chunks) > 1


def test_long_sentence_is_split_at_word_boundaries(chunker: Chunker) -> None:
    doc = ADVERSARIAL["one-3000-word-sentence"]
    chunks = chunker.chunk(doc)
    assert len(chunks) >= 3000 // 200  # at least one word piece per word
    words = set(doc.text.split())
    for c in chunks:
        assert set(c.text.split()) <= words, "a word was cut in two"


def test_very_long_title_is_shortened_for_the_model_only(embedder: Embedder, chunker: Chunker) -> None:
    doc = ADVERSARIAL["very-long-title"]
    chunks = chunker.chunk(doc)
    fitted = chunker.fit_title(doc.title)
    assert fitted and doc.title.startswith(fitted)
    assert embedder.count_tokens([fitted])[0] <= chunker.limit // 4
    for c in chunks:
        assert c.metadata["title"] == doc.title  # the full title is kept for display
        assert chunker.embedding_input(c) == embedding_text(fitted, c.text)


@pytest.mark.parametrize("chunk_tokens", [64, 128])
def test_chunk_tokens_setting_is_honoured(
    chunk_tokens: int,
    tmp_path: Path,
    embedder: Embedder,
    services_factory: Callable[..., Services],
    corpus_docs: list[Document],
) -> None:
    chunker = services_factory(tmp_path, chunk_tokens=chunk_tokens, chunk_overlap=8).indexer.chunker
    assert chunker.limit == chunk_tokens
    default_total = 0
    total = 0
    for doc in [*corpus_docs[:10], *ADVERSARIAL.values()]:
        chunks = chunker.chunk(doc)
        assert max(input_tokens(embedder, chunker, chunks)) <= chunk_tokens, doc.title
        assert_offsets_and_coverage(doc, chunks)
        total += len(chunks)
    for doc in corpus_docs[:10]:
        default_total += len(Chunker(embedder.count_tokens, embedder.max_tokens, 200, 8).chunk(doc))
    assert total > default_total


def test_chunk_tokens_above_the_model_limit_is_capped(
    tmp_path: Path, embedder: Embedder, services_factory: Callable[..., Services], corpus_docs: list[Document]
) -> None:
    chunker = services_factory(tmp_path, chunk_tokens=1000).indexer.chunker
    assert chunker.limit == embedder.max_tokens
    for doc in [*corpus_docs[:10], ADVERSARIAL["one-3000-word-sentence"], ADVERSARIAL["very-long-title"]]:
        assert max(input_tokens(embedder, chunker, chunker.chunk(doc))) <= embedder.max_tokens


# --------------------------------------------------------------------------- overlap


def _short_sentences(n: int) -> str:
    return " ".join(f"Sentence number {i} is about the {w} river." for i, w in enumerate(_words(n, seed=5).split()))


def _overlaps(doc: Document, chunks: list[Chunk]) -> list[str]:
    return [doc.text[b.start : a.end] for a, b in itertools.pairwise(chunks) if b.start < a.end]


def test_overlap_repeats_trailing_sentences(embedder: Embedder, tmp_path: Path, services_factory) -> None:
    chunker = services_factory(tmp_path, chunk_overlap=32).indexer.chunker
    doc = Document(doc_id="ov", title="Overlap", text=_short_sentences(200))
    chunks = chunker.chunk(doc)
    assert len(chunks) >= 5
    shared = _overlaps(doc, chunks)
    # Sentences of ~12 pieces always fit a 32-piece overlap: every pair of neighbours shares text.
    assert len(shared) == len(chunks) - 1
    for a, b, text in zip(chunks, chunks[1:], shared, strict=False):
        assert a.start < b.start < a.end < b.end  # overlap, never containment
        assert text.strip() and a.text.endswith(text) and b.text.startswith(text)
        # whole sentences only, within the overlap budget
        assert text.endswith(".") and b.text[0].isupper()
        assert embedder.count_tokens([text])[0] - 2 <= 32


def test_overlap_on_a_real_article(corpus_docs: list[Document], chunker: Chunker) -> None:
    doc = max(corpus_docs, key=lambda d: len(d.text))
    chunks = chunker.chunk(doc)
    assert len(chunks) >= 4
    assert _overlaps(doc, chunks), "no neighbouring chunks share text with chunk_overlap=32"


def test_no_overlap_when_zero(tmp_path: Path, services_factory, corpus_docs: list[Document]) -> None:
    chunker = services_factory(tmp_path, chunk_overlap=0).indexer.chunker
    assert chunker.overlap == 0
    for doc in [Document(doc_id="ov0", title="No overlap", text=_short_sentences(200)), *corpus_docs[:10]]:
        chunks = chunker.chunk(doc)
        for a, b in itertools.pairwise(chunks):
            assert b.start >= a.end, doc.title
        assert_offsets_and_coverage(doc, chunks)
    long_chunks = chunker.chunk(Document(doc_id="ov0", title="No overlap", text=_short_sentences(200)))
    assert len(long_chunks) >= 5


# --------------------------------------------------------------------------- metadata and ids


def test_chunk_metadata(chunker: Chunker, corpus_docs: list[Document]) -> None:
    for doc in corpus_docs:
        for c in chunker.chunk(doc):
            assert set(c.metadata) >= METADATA_KEYS
            assert c.metadata["doc_id"] == doc.doc_id
            assert c.metadata["title"] == doc.title and doc.title
            assert c.metadata["source"] == doc.source and doc.source
            assert c.metadata["url"] == doc.url and str(doc.url).startswith("http")
            assert ISO_DATE.match(str(c.metadata["published"])), c.metadata["published"]
            assert isinstance(c.metadata["published_day"], int) and c.metadata["published_day"] > 0
            for value in c.metadata.values():  # Chroma accepts only scalars
                assert isinstance(value, (str, int, float, bool))


def test_metadata_without_a_date(chunker: Chunker) -> None:
    [c] = chunker.chunk(Document(doc_id="nd", title="Undated", text="Just one sentence."))
    assert c.metadata["published"] == "" and c.metadata["published_day"] == -1
    assert set(c.metadata) >= METADATA_KEYS


def test_chunk_ids_are_stable_across_runs(
    tmp_path: Path,
    services_factory: Callable[..., Services],
    corpus_docs: list[Document],
    corpus_files: Callable[..., list[Path]],
    chunker: Chunker,
) -> None:
    # A second, independent chunker and a second load of the files give the same chunks.
    other = services_factory(tmp_path).indexer.chunker
    assert other is not chunker
    reloaded = [d for p in corpus_files(40) for d in load_file(p, root=p.parent)]
    ids: set[str] = set()
    total = 0
    for doc, again in zip(corpus_docs, reloaded, strict=True):
        first = chunker.chunk(doc)
        second = other.chunk(again)
        assert [(c.chunk_id, c.start, c.end) for c in first] == [(c.chunk_id, c.start, c.end) for c in second]
        assert [c.chunk_id for c in first] == [f"{doc.doc_id}:{i:04d}" for i in range(len(first))]
        ids.update(c.chunk_id for c in first)
        total += len(first)
    assert len(ids) == total  # unique across documents


# --------------------------------------------------------------------------- sentences


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def test_sentence_spans_keep_abbreviations() -> None:
    text = "The U.S. Senate met on Monday. Dr. Smith said it was fine. He left for ST. LOUIS on Friday."
    assert _sentences(text) == [
        "The U.S. Senate met on Monday.",
        "Dr. Smith said it was fine.",
        "He left for ST. LOUIS on Friday.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('She said "Go home." Then she left. Really?', ['She said "Go home."', "Then she left.", "Really?"]),
        ("Headline\nByline here\n\nBody starts. Next one.", ["Headline", "Byline here", "Body starts.", "Next one."]),
        ("Prices rose 3.5% in 2024. It cost $1.5 million.", ["Prices rose 3.5% in 2024.", "It cost $1.5 million."]),
        ("Mr. and Mrs. Jones of Washington, D.C. arrived.", ["Mr. and Mrs. Jones of Washington, D.C. arrived."]),
        ("  padded.   Next!  ", ["padded.", "Next!"]),
        # Abbreviations news writes before a number or a name, seen splitting real articles.
        ("He spoke on Sunday, Sept. 15. Then he left.", ["He spoke on Sunday, Sept. 15.", "Then he left."]),
        ("Reps. Madison Cawthorn and Sens. Rand Paul met.", ["Reps. Madison Cawthorn and Sens. Rand Paul met."]),
        (
            "Dobbs v. Jackson stands. Ovechkin vs. Gretzky: close.",
            ["Dobbs v. Jackson stands.", "Ovechkin vs. Gretzky: close."],
        ),
        ("It landed Thursday (Feb. 22, 2024). Next.", ["It landed Thursday (Feb. 22, 2024).", "Next."]),
        ("", []),
    ],
)
def test_sentence_spans(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


def test_sentence_spans_on_real_articles(corpus_docs: list[Document]) -> None:
    for doc in corpus_docs[:10]:
        spans = sentence_spans(doc.text)
        assert spans == sorted(spans)
        for (_, e1), (s2, _) in itertools.pairwise(spans):
            assert e1 <= s2
        joined = "".join(doc.text[s:e] for s, e in spans)
        assert "".join(joined.split()) == "".join(doc.text.split())  # nothing dropped but whitespace
        assert not any("U.S.\n" in doc.text[s:e] for s, e in spans)

"""Hybrid fusion on small hand-made articles: the real embedding model, real Chroma, real BM25 snapshots.

Small chunks (64 word pieces, no overlap) make each paragraph a passage, so what the article as a
whole says and what one passage says can differ, which is what fusing article BM25 with passage cosines
is for.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from support import doc_id_of

from api.services import Services
from ingest.bm25 import ArticleEntry, BM25Entry, BM25Index, tokenize
from ingest.settings import Settings
from ingest.store import article_entries
from qa.retrieval import Retriever

QUESTION = "Velmora dredging lighthouse quarantine"

# Spread: each of three far-apart paragraphs names one or two of the question's rare words; the whole
# article names all four. Packed: one paragraph names two of them, the rest is about other things.
SPREAD = """Harbour works on the north coast

Source: testwire
Published: 2030-05-02

The Velmora harbour board met on Monday to review the year's works along the northern quay and the \
fish market, where traders have asked for wider loading bays and better drainage.

Engineers reported that the dredging of the inner basin will finish before the autumn storms, once the \
last barge of silt has been towed out past the breakwater and the channel markers are reset.

Further along the coast, the old lighthouse keeper's cottage is to become a small museum of shipwrecks, \
with volunteers cataloguing brass fittings, logbooks and photographs donated by local families.

Ships arriving from the south now wait at anchor for a day of quarantine checks by the port doctor, a rule \
brought back after a fever outbreak among sailors on two cargo vessels last winter."""

PACKED = """Coastal walking guide

Source: testwire
Published: 2030-05-03

A new walking guide to the coast recommends starting in Velmora at dawn and ending at the lighthouse on \
the headland, where the view reaches the islands on a clear day.

The guide also lists cafes, bus times and the best beaches for children, with notes on parking, tides \
and the steep steps down to the coves that are closed in winter.

Its authors spent two summers walking every path, measuring distances and photographing the meadows, \
the cliffs and the wildflowers that bloom along the way in June."""

FILLER = """Regional orchestra season

Source: testwire
Published: 2030-05-04

The regional orchestra opens its season with a programme of symphonies and a new piece for choir, and \
tickets for students will cost half the usual price on weekday evenings."""


@dataclass
class Corpus:
    services: Services
    retriever: Retriever
    spread: str
    packed: str


@pytest.fixture(scope="module")
def corpus(
    tmp_path_factory: pytest.TempPathFactory,
    settings_factory: Callable[..., Settings],
    services_factory: Callable[..., Services],
) -> Corpus:
    docs = tmp_path_factory.mktemp("fusion_docs")
    for name, text in (("spread.txt", SPREAD), ("packed.txt", PACKED), ("filler.txt", FILLER)):
        (docs / name).write_text(text, encoding="utf-8")
    services = services_factory(settings_factory(docs, chunk_tokens=64, chunk_overlap=0))
    report = services.indexer.reindex()
    assert report.added == 3, report.summary()
    spread, packed = doc_id_of(services, "spread.txt"), doc_id_of(services, "packed.txt")
    chunks = [e.doc_id for e in services.store.bm25.entries]
    assert chunks.count(spread) >= 4 and chunks.count(packed) >= 3, "the articles must span several passages"
    assert services.store.wait_for_saves()  # tests below read and replace the snapshot on disk
    return Corpus(services, Retriever(services.store, services.embedder, services.settings), spread, packed)


def test_the_article_that_covers_the_question_ranks_first(corpus: Corpus) -> None:
    bm25 = corpus.services.store.bm25
    # Passage by passage, BM25 prefers the packed article: its one passage holds two of the rare words.
    (best_chunk, _), *_ = bm25.search(QUESTION, 5)
    assert bm25.entry(best_chunk).doc_id == corpus.packed
    # As wholes, the spread article holds all four.
    articles = bm25.article_scores(bm25.search_articles(QUESTION, 5))
    assert articles[corpus.spread] > articles[corpus.packed] > 0
    got = corpus.retriever.retrieve(QUESTION, 3)
    assert got.passages[0].doc_id == corpus.spread, [(p.doc_id, p.score) for p in got.passages]


def test_dense_weight_one_is_passage_cosine_alone(corpus: Corpus, services_factory: Callable[..., Services]) -> None:
    dense_only = Retriever(
        corpus.services.store,
        corpus.services.embedder,
        corpus.services.settings.model_copy(
            update={"dense_weight": 1.0, "passage_bm25_weight": 0.0, "passages_per_article": 10}
        ),
    )
    got = dense_only.retrieve(QUESTION, 3)
    vector = corpus.services.embedder.embed_query(QUESTION)
    by_cosine = [cid for cid, _ in corpus.services.store.dense_search(vector, 3, None)]
    assert [p.chunk_id for p in got.passages] == by_cosine
    # Each score is the passage's cosine over the best one's.
    assert got.passages[0].score == pytest.approx(1.0)
    for p in got.passages:
        assert p.score == pytest.approx(p.similarity / got.passages[0].similarity, abs=1e-3)


def test_one_article_does_not_fill_every_passage(corpus: Corpus) -> None:
    assert corpus.services.settings.passages_per_article == 2
    three = Retriever(
        corpus.services.store,
        corpus.services.embedder,
        corpus.services.settings.model_copy(update={"passages_per_article": 3}),
    )
    # Every passage of the spread article outscores the packed article's (its article score is the best).
    full = three.retrieve(QUESTION, 4).passages
    assert [p.doc_id for p in full[:3]] == [corpus.spread] * 3

    got = corpus.retriever.retrieve(QUESTION, 4).passages
    scores = [p.score for p in got]
    assert scores == sorted(scores, reverse=True)
    # The third counts half: the packed article's best passage gets the third place.
    assert [p.doc_id for p in got[:3]] == [corpus.spread, corpus.spread, corpus.packed]
    assert [p.chunk_id for p in got[:2]] == [p.chunk_id for p in full[:2]]
    third = {p.chunk_id: p.score for p in got}.get(full[2].chunk_id)
    assert third is not None and third == pytest.approx(full[2].score / 2, rel=1e-4)


def test_article_tokens_count_overlaps_once() -> None:
    text = "Quellport ferries sail at dawn. Storms closed the pier twice. The mayor reopened it on Friday."
    # Three chunks, each repeating the previous one's last sentence, as the chunker's overlap does.
    spans = [(0, 61), (32, 94), (62, 94)]
    meta = {"doc_id": "d1", "title": "Quellport pier"}
    (entry,) = article_entries([text[a:b] for a, b in spans], [a for a, _ in spans], [meta] * 3)
    assert entry.doc_id == "d1"
    assert list(entry.tokens) == tokenize(["Quellport pier\n" + text])[0]


def test_an_old_snapshot_is_rebuilt_with_articles(corpus: Corpus, services_factory: Callable[..., Services]) -> None:
    settings = corpus.services.settings
    folder = settings.bm25_dir
    live = BM25Index.load(folder)
    assert live is not None and {a.doc_id for a in live.articles} == {e.doc_id for e in live.entries}
    # A version-1 snapshot (chunks only) left by an older release: same chunks, no articles.
    lines = (folder / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    old = [json.dumps({"version": 1, "count": header["count"]}), *lines[1 : 1 + header["count"]]]
    (folder / "entries.jsonl").write_text("\n".join(old) + "\n", encoding="utf-8")
    assert BM25Index.load(folder) is None

    reopened = services_factory(settings)
    assert {a.doc_id for a in reopened.store.bm25.articles} == {
        corpus.spread,
        corpus.packed,
        doc_id_of(reopened, "filler.txt"),
    }
    again = BM25Index.load(folder)
    assert again is not None and len(again.articles) == 3
    got = Retriever(reopened.store, reopened.embedder, settings).retrieve(QUESTION, 1)
    assert got.passages[0].doc_id == corpus.spread


def test_deleting_an_article_removes_its_article_entry(
    tmp_path: Path, settings_factory: Callable[..., Settings], services_factory: Callable[..., Services]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "spread.txt").write_text(SPREAD, encoding="utf-8")
    (docs / "packed.txt").write_text(PACKED, encoding="utf-8")
    services = services_factory(settings_factory(docs, chunk_tokens=64, chunk_overlap=0))
    services.indexer.reindex()
    spread = doc_id_of(services, "spread.txt")
    assert services.indexer.delete_document(spread)
    bm25 = services.store.bm25
    assert spread not in {a.doc_id for a in bm25.articles}
    articles = bm25.article_scores(bm25.search_articles(QUESTION, 5))
    assert spread not in articles and articles
    restarted = services_factory(services.settings)
    assert {a.doc_id for a in restarted.store.bm25.articles} == {doc_id_of(restarted, "packed.txt")}


def test_tokenize_matches_bm25s(corpus_files: Callable[..., list[Path]]) -> None:
    """Our tokenizer gives exactly bm25s.tokenize's tokens (its defaults, English stop words, the same
    stemmer), which it replaced at query time for speed: the BM25 snapshots on disk were made with it. (Of text in
    NFC, which the loader stores and our tokenizer reads everything as: a combining accent is no word break.)"""
    import unicodedata

    import bm25s

    from ingest.bm25 import _STEMMER

    texts = [f.read_text(encoding="utf-8") for f in corpus_files(40)]
    texts += ["", "a I", "The THE the", "über Straße café 2024 A1 x_y", "naïve—résumé", "won't it's U.S. 3.5%"]
    texts += ["Gonza\u0301lez"]  # NFD, as 68 of the corpus articles write accents
    nfc = [unicodedata.normalize("NFC", t) for t in texts]
    expected = bm25s.tokenize(nfc, stopwords="en", stemmer=_STEMMER, return_ids=False, show_progress=False)
    assert tokenize(texts) == [list(t) for t in expected]
    assert [tokenize([t])[0] for t in texts] == [list(t) for t in expected]


def test_bm25_scores_are_bm25s_lucene_scores(corpus_files: Callable[..., list[Path]]) -> None:
    """The snapshot scores at query time from term counts; every score equals the one bm25s precomputes (its
    default Lucene BM25), for the chunk and the article index, repeated query words included."""
    import bm25s

    texts = [f.read_text(encoding="utf-8") for f in corpus_files(60)]
    docs = [*tokenize(texts), []]  # an empty article too: bm25s indexes it as one empty word
    entries = [BM25Entry(f"d{i}:0000", f"d{i}", "wire", 1, tuple(t)) for i, t in enumerate(docs)]
    index = BM25Index(entries, [ArticleEntry(e.doc_id, e.tokens) for e in entries])
    reference = bm25s.BM25()
    reference.index([d or [""] for d in docs], show_progress=False)
    questions = [texts[0][:200], texts[7][300:420], "Trump tariffs tariffs steel", "zzyzx qwertyuiop"]
    for question in questions:
        tokens = tokenize([question])[0]
        known = [t for t in tokens if t in reference.vocab_dict]
        for postings in (index._chunks, index._article_postings):
            mine = postings.scores(tokens)
            if not known:
                assert mine is None
                continue
            assert mine is not None
            np.testing.assert_allclose(mine, reference.get_scores(known), rtol=1e-5, atol=1e-6)
    df = index._chunks.df("trump")
    assert df > 0 and index.idf("trump") == pytest.approx(np.log(1 + (len(docs) - df + 0.5) / (df + 0.5)))
    # To the reader, a word no chunk holds weighs as one a single chunk holds (absence from a few articles says
    # nothing of rarity); to the off-topic gate, its IDF, the most a word can weigh.
    assert index._chunks.df("zzyzx") == 0 and index.weight("zzyzx") == pytest.approx(
        np.log(1 + (len(docs) - 0.5) / 1.5)
    )
    assert index.idf("zzyzx") == pytest.approx(np.log(1 + (len(docs) + 0.5) / 0.5))
    assert index.weight("trump") == index.idf("trump")


def test_a_patched_snapshot_scores_as_one_built_from_scratch(corpus_files: Callable[..., list[Path]]) -> None:
    """A write patches the snapshot's term counts (rows of changed articles out, new rows in) instead of
    rebuilding them; every score, idf and average length included, is the one a fresh build gives."""
    texts = [f.read_text(encoding="utf-8") for f in corpus_files(40)]
    docs = tokenize(texts)

    def entries(ids: range, version: int) -> list[BM25Entry]:
        # Two chunks an article: halves of its words, so an article's rows are not one block of one row.
        out = []
        for i in ids:
            words = docs[(i + version) % len(docs)]
            halves = (words[: len(words) // 2], words[len(words) // 2 :])
            out += [BM25Entry(f"d{i}:{j:04d}", f"d{i}", "wire", 1, tuple(w)) for j, w in enumerate(halves)]
        return out

    def articles(rows: list[BM25Entry]) -> list[ArticleEntry]:
        by_doc: dict[str, list[str]] = {}
        for e in rows:
            by_doc.setdefault(e.doc_id, []).extend(e.tokens)
        return [ArticleEntry(d, tuple(t)) for d, t in by_doc.items()]

    first = entries(range(30), 0)
    snapshot = BM25Index(first, articles(first))
    # Article 3 and 11 change, 20 to 29 are deleted, 30 to 34 arrive (words none of the others had, too).
    changed = entries(range(3, 4), 5) + entries(range(11, 12), 7) + entries(range(30, 35), 0)
    changed.append(BM25Entry("d35:0000", "d35", "wire", 1, ("quuxbarium", "quuxbarium", "trump")))
    patched = snapshot.with_changes({f"d{i}" for i in range(20, 30)}, changed, articles(changed))
    kept = [e for e in first if e.doc_id not in {f"d{i}" for i in (3, 11, *range(20, 30))}]
    fresh = BM25Index(kept + changed, articles(kept) + articles(changed))
    assert [e.chunk_id for e in patched.entries] == [e.chunk_id for e in fresh.entries]
    for question in [texts[5][:300], texts[33][100:250], "quuxbarium trump", texts[25][:200]]:
        tokens = tokenize([question])[0]
        for mine, theirs in (
            (patched._chunks.scores(tokens), fresh._chunks.scores(tokens)),
            (patched._article_postings.scores(tokens), fresh._article_postings.scores(tokens)),
        ):
            assert mine is not None and theirs is not None
            np.testing.assert_allclose(mine, theirs, rtol=1e-6)
        mine_hits, their_hits = patched.search(question, 10), fresh.search(question, 10)
        assert [c for c, _ in mine_hits] == [c for c, _ in their_hits]
        assert [s for _, s in mine_hits] == pytest.approx([s for _, s in their_hits])
    # A word only deleted articles held matches nothing, as in a fresh build.
    gone = {t for e in first if e.doc_id == "d25" for t in e.tokens} - {t for e in fresh.entries for t in e.tokens}
    assert gone and all(patched.idf(t) == fresh.idf(t) for t in gone)
    assert patched.search(" ".join(sorted(gone)[:5]), 5) == []


def test_a_snapshot_saved_without_vectors_reads_them_once(
    corpus: Corpus, services_factory: Callable[..., Services]
) -> None:
    """A snapshot saved by a newsqa that kept no vectors beside it still loads; the chunks' vectors are read
    from Chroma once and saved with it, and a question then scores exactly as before."""
    settings = corpus.services.settings
    folder = settings.bm25_dir
    before = Retriever(corpus.services.store, corpus.services.embedder, settings).retrieve(QUESTION, 5)
    lines = (folder / "entries.jsonl").read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header["vectors"] and (folder / header["vectors"]).exists()
    header.pop("vectors")
    (folder / "entries.jsonl").write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")
    old = BM25Index.load(folder)
    assert old is not None and old.vectors is None

    reopened = services_factory(settings)
    snapshot = reopened.store.bm25
    ids = [e.chunk_id for e in snapshot.entries]
    stored = reopened.store.collection.get(ids=ids, include=["embeddings"])
    assert snapshot.vectors is not None
    assert all(
        np.array_equal(snapshot.vector(cid), np.asarray(v, dtype=np.float32))
        for cid, v in zip(stored["ids"], stored["embeddings"], strict=True)
    )
    saved = BM25Index.load(folder)
    assert saved is not None and saved.vectors is not None and np.array_equal(saved.vectors, snapshot.vectors)
    after = Retriever(reopened.store, reopened.embedder, settings).retrieve(QUESTION, 5)
    assert [(p.chunk_id, p.score) for p in after.passages] == [(p.chunk_id, p.score) for p in before.passages]

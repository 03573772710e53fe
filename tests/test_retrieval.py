"""Hybrid retrieval over a real index (Chroma in a tmp folder, the real embedding model, BM25)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support import doc_id_of

from api.services import Services
from ingest.bm25 import tokenize
from ingest.settings import Settings
from ingest.store import StoreError
from qa.retrieval import Filters, Retrieval, Retriever

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_06bb106c697d14b6.txt"
CORPUS = REPO.parent / "shared" / "eval" / "realtimeqa" / "corpus"

# Eight short eval articles from three sources and six years: cnn.com 2022-12-13 (nz), 2022-10-04 (bangladesh);
# theweek.co.uk 2022-10-05 (austen), 2023-07-13 (mars); usatoday.com 2025-02-26 (measles), 2023-12-29 (boeing),
# 2023-10-11 (powerball), 2018-03-15 (alabama).
ARTICLES = {
    "nz": "new-zealand-bans-tobacco-sales-for-next-generation-cnn-cecbe27b.txt",
    "bangladesh": "most-of-bangladesh-left-without-power-after-national-grid-failure-c-e83dab7d.txt",
    "austen": "jane-austen-book-sells-for-375-000-the-week-uk-a01943fc.txt",
    "mars": "nasa-finds-molecules-on-mars-the-week-uk-675bbf82.txt",
    "measles": "first-death-reported-in-measles-outbreak-in-texas-new-mexico-298aced2.txt",
    "boeing": "faa-boeing-737-max-planes-should-be-inspected-for-loose-bolt-241b3edb.txt",
    "powerball": "1-73-billion-powerball-jackpot-goes-to-lucky-lottery-player-in-cali-2db66634.txt",
    "alabama": "alabama-football-team-invited-to-white-house-on-april-10-00f032f7.txt",
}

# Two near-identical reports that differ only in their date (and one word, so they are not duplicates).
FESTIVAL = """Quellport lantern boat festival

Source: testwire
Published: {published}

The Quellport harbour festival drew thousands of visitors to watch the lantern boat parade along the old \
canal on {day} evening. Organisers said forty decorated boats took part this year."""
FESTIVAL_OLD = ("2019-03-02", "Saturday")
FESTIVAL_NEW = ("2024-08-10", "Sunday")
FESTIVAL_QUESTION = "Quellport harbour festival lantern boat parade on the canal"


def copy_articles(folder: Path, names: list[str]) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"eval corpus not available at {CORPUS}")
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy2(CORPUS / name, folder / name)
    shutil.copy2(SEED, folder / SEED.name)


@dataclass
class Index:
    services: Services
    retriever: Retriever
    ids: dict[str, str]  # short name -> doc_id


@pytest.fixture(scope="module")
def index(
    tmp_path_factory: pytest.TempPathFactory,
    settings_factory: Callable[..., Settings],
    services_factory: Callable[..., Services],
) -> Index:
    docs = tmp_path_factory.mktemp("retrieval_docs")
    copy_articles(docs, list(ARTICLES.values()))
    for (published, day), name in ((FESTIVAL_OLD, "festival_old.txt"), (FESTIVAL_NEW, "festival_new.txt")):
        (docs / name).write_text(FESTIVAL.format(published=published, day=day), encoding="utf-8")
    services = services_factory(settings_factory(docs))
    report = services.indexer.reindex()
    assert report.added == len(ARTICLES) + 3 and report.skipped == 0 and report.duplicates == 0, report.summary()
    names = {**ARTICLES, "seed": SEED.name, "festival_old": "festival_old.txt", "festival_new": "festival_new.txt"}
    ids = {short: doc_id_of(services, file) for short, file in names.items()}
    return Index(services, Retriever(services.store, services.embedder, services.settings), ids)


def check_passages(retrieval: Retrieval, top_k: int) -> None:
    ps = retrieval.passages
    assert len(ps) <= top_k
    assert [p.n for p in ps] == list(range(1, len(ps) + 1))
    assert len({p.chunk_id for p in ps}) == len(ps)
    for p in ps:
        assert -1.0 <= p.similarity <= 1.0
        # Zero only for a passage that neither shares a word with the question nor leans towards its meaning.
        assert p.score > 0 or (p.bm25_rank is None and p.similarity <= 0), p
        assert p.dense_rank is not None or p.bm25_rank is not None
        assert p.text.strip()
        assert p.chunk_id.startswith(p.doc_id)
    # Passages come in fused-score order.
    scores = [p.score for p in ps]
    assert scores == sorted(scores, reverse=True)


def test_answer_bearing_article_ranks_in_top_3(index: Index) -> None:
    got = index.retriever.retrieve("Which country banned tobacco sales to anyone born on or after January 1, 2009?", 5)
    check_passages(got, 5)
    top3 = [p.doc_id for p in got.passages[:3]]
    assert index.ids["nz"] in top3, [(p.title, p.score) for p in got.passages]
    assert got.passages[0].doc_id == index.ids["nz"]
    assert "2009" in got.passages[0].text
    assert got.best_similarity == max(p.similarity for p in got.passages) > 0.5


def test_seed_question_finds_the_seed(index: Index) -> None:
    got = index.retriever.retrieve("Who is the head of US Southern Command?", 3)
    check_passages(got, 3)
    assert got.passages[0].doc_id == index.ids["seed"]
    assert "Fuller" in got.passages[0].text


def test_bm25_alone_finds_a_rare_exact_phrase(index: Index) -> None:
    # "Otter 841" appears once, in a Week UK roundup whose headline is about Mars.
    hits = index.services.store.bm25.search("Otter 841", 3)
    assert hits, "BM25 found nothing"
    chunk_id, score = hits[0]
    assert score > 0
    text, meta = index.services.store.get_chunks([chunk_id])[chunk_id]
    assert meta["doc_id"] == index.ids["mars"]
    assert "Otter 841" in text
    # Every hit really contains one of the query's terms.
    for cid, _ in hits:
        chunk_text, _ = index.services.store.get_chunks([cid])[cid]
        assert "otter" in chunk_text.lower() or "841" in chunk_text
    # A word in no chunk finds nothing.
    assert index.services.store.bm25.search("xylophonist zzqqv", 3) == []


@pytest.mark.parametrize("source", ["theweek.co.uk", "cnn.com", "usatoday.com"])
def test_source_filter(index: Index, source: str) -> None:
    # The question is about a cnn.com article: the filter must still keep every other source out.
    question = "New Zealand bans tobacco sales for the next generation"
    got = index.retriever.retrieve(question, 5, Filters(source=source))
    check_passages(got, 5)
    assert got.passages, f"nothing from {source}"
    assert {p.source for p in got.passages} == {source}
    if source != "cnn.com":
        assert index.ids["nz"] not in {p.doc_id for p in got.passages}


def test_unknown_source_returns_nothing(index: Index) -> None:
    got = index.retriever.retrieve("tobacco", 5, Filters(source="nowhere.example"))
    assert got.passages == []
    assert got.best_similarity == 0.0


def test_date_bounds_are_inclusive(index: Index) -> None:
    day = date(2022, 12, 13)  # the New Zealand article's date, and no other's
    got = index.retriever.retrieve("tobacco ban", 5, Filters(published_after=day, published_before=day))
    check_passages(got, 5)
    assert got.passages
    assert {p.published for p in got.passages} == {"2022-12-13"}
    assert {p.doc_id for p in got.passages} == {index.ids["nz"]}


@pytest.mark.parametrize(
    ("after", "before"),
    [
        (date(2023, 1, 1), None),
        (None, date(2022, 12, 31)),
        (date(2022, 10, 5), date(2023, 12, 29)),  # both ends are some article's date
        (date(2024, 1, 1), date(2025, 12, 31)),
    ],
)
def test_date_filters_restrict_every_passage(index: Index, after: date | None, before: date | None) -> None:
    # A question that, unfiltered, would favour articles outside the range (and the undated seed).
    for question in ("Iran weapons Venezuela Southern Command", "tobacco ban", "news this week"):
        got = index.retriever.retrieve(question, 8, Filters(published_after=after, published_before=before))
        check_passages(got, 8)
        assert got.passages, (question, after, before)
        for p in got.passages:
            assert p.published, f"undated passage {p.title!r} passed a date filter"
            published = date.fromisoformat(p.published)
            assert after is None or published >= after, (p.title, p.published)
            assert before is None or published <= before, (p.title, p.published)


def test_filters_combine(index: Index) -> None:
    filters = Filters(source="usatoday.com", published_after=date(2023, 10, 11), published_before=date(2023, 12, 29))
    got = index.retriever.retrieve("news", 8, filters)
    check_passages(got, 8)
    assert {p.doc_id for p in got.passages} == {index.ids["powerball"], index.ids["boeing"]}


@pytest.mark.parametrize("as_of", [None, date(2022, 12, 13)])
def test_excluded_documents_are_never_retrieved(index: Index, as_of: date | None) -> None:
    question = "Which country banned tobacco sales to anyone born on or after January 1, 2009?"
    nz, seed = index.ids["nz"], index.ids["seed"]
    assert index.retriever.retrieve(question, 3, as_of=as_of).passages[0].doc_id == nz

    # Every chunk of the index is asked for, so the excluded articles would be there if either half let them in.
    store = index.services.store
    everything = len(store.bm25)
    doc_of = {e.chunk_id: e.doc_id for e in store.bm25.entries}
    for excluded in (frozenset({nz}), (nz, seed)):
        filters = Filters(exclude_doc_ids=excluded)
        got = index.retriever.retrieve(question, 20, filters, as_of=as_of)
        check_passages(got, 20)
        assert len(got.passages) == 20
        assert not set(excluded) & {p.doc_id for p in got.passages}
        dense = store.dense_search(index.services.embedder.embed_query(question), everything, filters.where())
        lexical = store.bm25.search(question, everything, exclude_doc_ids=excluded)
        assert dense and lexical
        for ranked in (dense, lexical):
            assert not set(excluded) & {doc_of[cid] for cid, _ in ranked}
        # Only the excluded articles' chunks are missing from the dense ranking.
        assert {cid for cid, _ in dense} == {cid for cid, doc in doc_of.items() if doc not in excluded}


def test_a_filtered_dense_search_finds_what_chromas_filtered_search_finds(index: Index) -> None:
    # Filtered, the store searches the BM25 snapshot's vectors in memory instead of asking Chroma (much faster
    # for a date range): the same chunks with the same cosines, and only chunks the filters let through.
    store = index.services.store
    vector = index.services.embedder.embed_query("Boeing 737 Max loose bolt")
    doc_of = {e.chunk_id: e for e in store.bm25.entries}
    assert store.bm25.vectors is not None  # else the store would ask Chroma, and this would compare it to itself
    dated = Filters(published_after=date(2023, 10, 11), published_before=date(2023, 12, 29))
    first, last = dated.day_range()
    sourced = Filters(source="usatoday.com", exclude_doc_ids=frozenset({index.ids["boeing"]}))
    for filters, chroma_where in (
        (dated, {"$and": [{"published_day": {"$gte": first}}, {"published_day": {"$lte": last}}]}),
        (sourced, {"$and": [{"source": "usatoday.com"}, {"doc_id": {"$nin": [index.ids["boeing"]]}}]}),
    ):
        where = filters.where()
        local = store.dense_search(vector, 5, where)
        res = store.collection.query(query_embeddings=[vector], n_results=5, where=chroma_where)
        chroma = [(cid, 1.0 - d) for cid, d in zip(res["ids"][0], res["distances"][0], strict=True)]
        assert local and [cid for cid, _ in local] == [cid for cid, _ in chroma]
        assert all(abs(a - b) < 1e-4 for (_, a), (_, b) in zip(local, chroma, strict=True))
        for cid, _ in local:
            entry = doc_of[cid]
            assert not filters.source or entry.source == filters.source
            assert entry.doc_id not in filters.exclude_doc_ids
            assert where.day_from is None or entry.published_day >= where.day_from


class FailingQueries:
    """Stand-in for a Chroma whose index has not caught up with its records (a server restarted after a crash):
    its searches fail with "Error finding id" (as ``bench/load.py faults`` met once in a few runs), everything
    else is the real collection. That state can't be brought about on demand, so this stands in for it, inside
    the store's own guard as the real collection is."""

    def __init__(self, real: object) -> None:
        self._real = real

    def query(self, *args: object, **kwargs: object) -> None:
        from chromadb.errors import InternalError

        raise InternalError("Error executing plan: Internal error: Error finding id")

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)


def guarded_like(real: Any, stand_in: object) -> Any:
    """``stand_in`` behind the store's own guard, as ``real`` (the guarded collection) is."""
    return type(real)(stand_in, real._where, real._recover)


class FailingReadsAndWrites(FailingQueries):
    """The same stand-in, failing inside on reads and writes too."""

    def get(self, *args: object, **kwargs: object) -> None:
        self.query()

    def upsert(self, *args: object, **kwargs: object) -> None:
        self.query()


def test_any_call_failing_inside_an_embedded_chroma_is_a_store_error(index: Index) -> None:
    # Before, only a search was mapped: an embedded read or write failing inside Chroma reached the API as a 500.
    real = index.services.store.collection
    assert not real._recover  # embedded: nothing to wait for, so no retries
    failing = guarded_like(real, FailingReadsAndWrites(real._target))
    with pytest.raises(StoreError, match="Error finding id"):
        failing.get(ids=["no-such-chunk"])
    with pytest.raises(StoreError, match="Error finding id"):
        failing.upsert(ids=["no-such-chunk"], documents=["text"])
    assert real.count() == index.services.store.collection.count()  # the real collection is untouched


def test_searches_are_the_snapshots_and_a_chroma_failing_inside_is_a_503(index: Index) -> None:
    store = index.services.store
    question = "Which country banned tobacco sales to anyone born on or after January 1, 2009?"
    expected = index.retriever.retrieve(question, 3)
    real, snapshot = store.collection, store.bm25
    store._collection = guarded_like(real, FailingQueries(real._target))
    try:
        # The snapshot's vectors answer the search: Chroma is asked only for the passages' texts.
        got = index.retriever.retrieve(question, 3)
        assert [p.chunk_id for p in got.passages] == [p.chunk_id for p in expected.passages]
        # A snapshot without vectors asks Chroma, whose failure is a clear StoreError (the API's 503), not a 500.
        store._bm25 = snapshot.with_vectors(np.empty((0, 0), dtype=np.float32))
        assert store._bm25.vectors is None
        with pytest.raises(StoreError, match="Error finding id"):
            index.retriever.retrieve(question, 3)
    finally:
        store._collection, store._bm25 = real, snapshot
    assert [p.chunk_id for p in index.retriever.retrieve(question, 3).passages] == [
        p.chunk_id for p in expected.passages
    ]


def test_exclude_combines_with_other_filters(index: Index) -> None:
    filters = Filters(
        source="usatoday.com",
        published_after=date(2023, 10, 11),
        published_before=date(2023, 12, 29),
        exclude_doc_ids=frozenset({index.ids["boeing"]}),
    )
    got = index.retriever.retrieve("Boeing 737 Max loose bolt", 8, filters)
    check_passages(got, 8)
    assert {p.doc_id for p in got.passages} == {index.ids["powerball"]}


def test_as_of_prefers_the_report_nearest_the_date(index: Index) -> None:
    old, new = index.ids["festival_old"], index.ids["festival_new"]
    plain = index.retriever.retrieve(FESTIVAL_QUESTION, 5)
    assert {old, new} <= {p.doc_id for p in plain.passages[:2]}

    def order(as_of: date) -> list[str]:
        got = index.retriever.retrieve(FESTIVAL_QUESTION, 20, as_of=as_of)
        check_passages(got, 20)
        # Years away from as_of make a matching passage's score tiny, never 0.
        assert all(p.score > 0 for p in got.passages if p.bm25_rank is not None), got.passages
        return [p.doc_id for p in got.passages if p.doc_id in (old, new)]

    # The far twin is ranked below the near one, or pushed out altogether by articles nearer the date.
    assert order(date(2019, 3, 10)) in ([old, new], [old])
    assert order(date(2024, 8, 1)) in ([new, old], [new])
    # The near report comes first overall, not just ahead of its twin.
    assert index.retriever.retrieve(FESTIVAL_QUESTION, 1, as_of=date(2019, 3, 2)).passages[0].doc_id == old
    assert index.retriever.retrieve(FESTIVAL_QUESTION, 1, as_of=date(2024, 8, 10)).passages[0].doc_id == new


@pytest.mark.parametrize("top_k", [1, 3, 7, 12])
def test_top_k_is_respected(index: Index, top_k: int) -> None:
    for as_of in (None, date(2023, 1, 1)):
        got = index.retriever.retrieve("president government health news", top_k, as_of=as_of)
        assert len(got.passages) == top_k  # the index has far more chunks than 12
        assert [p.n for p in got.passages] == list(range(1, top_k + 1))
        for p in got.passages:
            assert -1.0 <= p.similarity <= 1.0 and p.score > 0


def test_similarity_is_the_cosine_of_question_and_passage(index: Index) -> None:
    question = "Boeing 737 Max loose bolt rudder inspection"
    got = index.retriever.retrieve(question, 3)
    check_passages(got, 3)
    vector = index.services.embedder.embed_query(question)
    stored = index.services.store.collection.get(ids=[p.chunk_id for p in got.passages], include=["embeddings"])
    by_id = dict(zip(stored["ids"], stored["embeddings"], strict=True))
    for p in got.passages:
        assert p.similarity == pytest.approx(float(vector @ by_id[p.chunk_id]), abs=1e-3)
    assert got.passages[0].doc_id == index.ids["boeing"]


# --- BM25 and Chroma stay in step through deletes and restarts --------------------------------------------


def chroma_ids(services: Services, doc_id: str | None = None) -> set[str]:
    got = services.store.collection.get(where={"doc_id": doc_id} if doc_id else None, include=[])
    return set(got["ids"])


def test_delete_and_restart_keep_bm25_and_chroma_in_step(
    tmp_path: Path, settings_factory: Callable[..., Settings], services_factory: Callable[..., Services]
) -> None:
    docs = tmp_path / "docs"
    copy_articles(docs, [ARTICLES["nz"], ARTICLES["bangladesh"], ARTICLES["austen"]])
    settings = settings_factory(docs)
    services = services_factory(settings)
    services.indexer.reindex()
    gone = doc_id_of(services, ARTICLES["nz"])
    question = "New Zealand tobacco ban for people born after 2009"

    def assert_consistent(s: Services) -> None:
        assert s.store.bm25.chunk_ids == chroma_ids(s)
        assert len(s.store.bm25) == s.store.count()

    before = chroma_ids(services, gone)
    assert before and before <= services.store.bm25.chunk_ids
    retriever = Retriever(services.store, services.embedder, settings)
    assert retriever.retrieve(question, 5).passages[0].doc_id == gone

    assert services.indexer.delete_document(gone)
    assert chroma_ids(services, gone) == set()
    assert not before & services.store.bm25.chunk_ids
    assert all(e.doc_id != gone for e in services.store.bm25.entries)
    assert services.store.bm25.search(question, 50) and all(
        not cid.startswith(gone) for cid, _ in services.store.bm25.search(question, 50)
    )
    assert_consistent(services)
    for as_of in (None, date(2022, 12, 13)):
        got = retriever.retrieve(question, 10, as_of=as_of)
        assert got.passages
        assert gone not in {p.doc_id for p in got.passages}
    assert not services.indexer.delete_document(gone)  # already gone

    # A restart: everything reopened from the same folders.
    restarted = services_factory(settings)
    assert restarted.store is not services.store
    assert_consistent(restarted)
    assert restarted.store.bm25.chunk_ids == set(restarted.store.collection.get(include=[])["ids"])
    assert chroma_ids(restarted, gone) == set()
    assert gone not in restarted.store.manifest.documents
    got = Retriever(restarted.store, restarted.embedder, settings).retrieve(question, 10)
    assert got.passages and gone not in {p.doc_id for p in got.passages}

    # The article's file is still in the folder: a reindex must not bring the deleted document back.
    report = restarted.indexer.reindex()
    assert report.added == 0 and report.updated == 0, report.summary()
    assert chroma_ids(restarted, gone) == set()
    assert_consistent(restarted)


def test_bm25_reads_a_combining_accent_as_the_precomposed_letter() -> None:
    # The shared tokenizer, whoever calls it (index, Answerer, eval): one token for "González" either way.
    assert tokenize(["Gonza\u0301lez scored", "González scored"]) == [["gonzález", "score"], ["gonzález", "score"]]

"""/documents: list (paged), read, upload (file or JSON), duplicates, delete, limits, concurrent uploads."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from ingest.settings import Settings

UPLOADS = "uploads"

FACT_TITLE = "Quelmport harbour lighthouse repainted"
FACT_TEXT = (
    "The old lighthouse at Quelmport harbour was repainted last week.\n\n"
    "Keeper Ottilie Brannigan painted the Quelmport lighthouse zorblaxian violet, "
    "a colour she mixes from crushed mussel shells and beetroot.\n\n"
    "The harbour council approved the work after a vote of seven to two. Visitors can climb the tower on weekends."
)
FACT_QUESTION = "What colour did Ottilie Brannigan paint the Quelmport lighthouse?"


def article(title: str, body: str, source: str = "example.org", published: str = "2023/05/04") -> bytes:
    return f"{title}\n\nSource: {source}\nPublished: {published}\n\n{body}\n".encode()


def uploads_in(client: TestClient) -> list[str]:
    """The files in the app's uploads folder (under its data folder)."""
    folder = client.app.state.services.settings.uploads_dir  # type: ignore[attr-defined]
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def data_of(client: TestClient) -> Path:
    return Path(client.app.state.services.settings.data_dir)  # type: ignore[attr-defined]


@pytest.fixture
def cleanup(client: TestClient) -> Iterator[list[str]]:
    """Doc ids to delete after the test, so the shared index is the base articles again."""
    doc_ids: list[str] = []
    yield doc_ids
    for doc_id in doc_ids:
        client.delete(f"/documents/{doc_id}")


# --- reading ------------------------------------------------------------------------------------
def test_list_is_paged_newest_first(client: TestClient, base_articles: list[Path]) -> None:
    r = client.get("/documents")
    assert r.status_code == 200
    page = r.json()
    assert page["total"] == len(base_articles)
    assert (page["offset"], page["limit"]) == (0, 20)
    everything = [d["doc_id"] for d in page["items"]]
    assert len(everything) == len(set(everything)) == len(base_articles)
    dated = [d["published"] for d in page["items"] if d["published"]]
    assert dated == sorted(dated, reverse=True)

    seen: list[str] = []
    for offset in range(0, len(base_articles), 3):
        r = client.get("/documents", params={"offset": offset, "limit": 3})
        assert r.status_code == 200
        body = r.json()
        assert body["total"] == len(base_articles)
        assert (body["offset"], body["limit"]) == (offset, 3)
        assert len(body["items"]) == min(3, len(base_articles) - offset)
        seen += [d["doc_id"] for d in body["items"]]
    assert seen == everything
    beyond = client.get("/documents", params={"offset": 100}).json()
    assert beyond["items"] == [] and beyond["total"] == len(base_articles)


def test_list_filters_by_source(client: TestClient, base_articles: list[Path]) -> None:
    body = client.get("/documents", params={"source": "usatoday.com"}).json()
    assert body["total"] == len(base_articles) - 1  # all but the seed, which names no source
    assert all(d["source"] == "usatoday.com" for d in body["items"])


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 201}, {"offset": -1}, {"limit": "ten"}])
def test_bad_paging_is_422(client: TestClient, params: dict[str, Any]) -> None:
    r = client.get("/documents", params=params)
    assert r.status_code == 422
    assert r.json()["detail"].startswith(next(iter(params)) + ":")


def test_get_document_has_its_chunks(client: TestClient, services: Callable[[TestClient], Services]) -> None:
    item = client.get("/documents", params={"limit": 1}).json()["items"][0]
    r = client.get(f"/documents/{item['doc_id']}")
    assert r.status_code == 200
    doc = r.json()
    assert doc["doc_id"] == item["doc_id"] and doc["title"] == item["title"]
    chunks = doc["chunk_texts"]
    assert len(chunks) == doc["chunks"] > 0
    assert all(c["chunk_id"].startswith(doc["doc_id"] + ":") and c["text"].strip() for c in chunks)
    assert [c["start"] for c in chunks] == sorted(c["start"] for c in chunks)
    stored = services(client).store.chunks_of(doc["doc_id"])
    assert [c["chunk_id"] for c in chunks] == [cid for cid, _, _ in stored]


def test_unknown_document_is_404(client: TestClient) -> None:
    for method in ("GET", "DELETE"):
        r = client.request(method, "/documents/0123456789abcdef")
        assert r.status_code == 404
        assert "0123456789abcdef" in r.json()["detail"]


# --- uploading ----------------------------------------------------------------------------------
UPLOAD_FORMATS = {
    "note.txt": (
        article("Tarnwick ferry timetable changes", "The Tarnwick ferry now leaves at dawn on Sundays."),
        "Tarnwick ferry timetable changes",
    ),
    "note.md": (
        b"# Glimmerton bakery wins prize\n\nSource: example.org\n\nThe Glimmerton bakery won the county prize "
        b"for its rye loaf, judges said on Friday.\n",
        "Glimmerton bakery wins prize",
    ),
    "note.html": (
        b"<html><head><title>Brackenford library reopens</title></head><body><article>"
        b"<h1>Brackenford library reopens</h1><p>The Brackenford library reopened on Monday after a "
        b"two-year renovation that added a reading garden and a children's wing.</p><p>The mayor thanked "
        b"the volunteers who moved forty thousand books back onto the new shelves.</p>"
        b"</article></body></html>",
        "Brackenford library reopens",
    ),
    "note.json": (
        json.dumps(
            {
                "title": "Osterlund choir tours Norway",
                "text": "The Osterlund choir began a tour.",
                "url": "https://example.org/osterlund-choir",
                "published": "2023-06-01",
                "source": "example.org",
            }
        ).encode(),
        "Osterlund choir tours Norway",
    ),
}


@pytest.mark.parametrize("filename", sorted(UPLOAD_FORMATS))
def test_upload_a_file_then_delete_it(
    client: TestClient,
    base_docs: Path,
    base_articles: list[Path],
    services: Callable[[TestClient], Services],
    consistent_ids: Callable[[Services], set[str]],
    filename: str,
) -> None:
    data, title = UPLOAD_FORMATS[filename]
    svc = services(client)
    before = consistent_ids(svc)
    r = client.post("/documents", files={"file": (filename, data, "application/octet-stream")})
    assert r.status_code == 201, r.text
    doc = r.json()
    doc_id = doc["doc_id"]
    try:
        assert doc["status"] == "added"
        assert doc["title"] == title
        assert doc["chunks"] >= 1
        assert [d["doc_id"] for d in doc["documents"]] == [doc_id]
        assert doc["path"].startswith(UPLOADS + "/") and doc["path"].endswith(Path(filename).suffix)
        assert (data_of(client) / doc["path"]).is_file(), "an upload is kept as a file in the data folder"
        assert not (base_docs / UPLOADS).exists(), "nothing is written into the documents folder"
        after = consistent_ids(svc)
        added = after - before
        assert len(added) == doc["chunks"] and all(cid.startswith(doc_id + ":") for cid in added)
        detail = client.get(f"/documents/{doc_id}").json()
        assert [c["chunk_id"] for c in detail["chunk_texts"]] == sorted(added)
        assert client.get("/documents").json()["total"] == len(base_articles) + 1
    finally:
        r = client.delete(f"/documents/{doc_id}")
    assert r.status_code == 200 and r.json() == {"doc_id": doc_id, "deleted": True}
    assert consistent_ids(svc) == before, "the document's chunks left Chroma and BM25"
    assert not (data_of(client) / doc["path"]).exists(), "deleting an upload deletes its file"
    assert client.get(f"/documents/{doc_id}").status_code == 404
    assert client.delete(f"/documents/{doc_id}").status_code == 404


def test_upload_json_body(
    client: TestClient,
    cleanup: list[str],
    services: Callable[[TestClient], Services],
    consistent_ids: Callable[[Services], set[str]],
) -> None:
    r = client.post(
        "/documents",
        json={
            "title": "Velmoor dam inspection passes",
            "text": "Engineers said the Velmoor dam passed its ten-year inspection with no cracks found.",
            "url": "https://example.org/velmoor-dam",
            "published": "2023-09-14",
            "source": "example.org",
        },
    )
    assert r.status_code == 201, r.text
    doc = r.json()
    cleanup.append(doc["doc_id"])
    assert doc["status"] == "added"
    assert (doc["title"], doc["url"], doc["published"], doc["source"]) == (
        "Velmoor dam inspection passes",
        "https://example.org/velmoor-dam",
        "2023-09-14",
        "example.org",
    )
    assert doc["chunks"] >= 1
    ids = consistent_ids(services(client))
    assert any(cid.startswith(doc["doc_id"] + ":") for cid in ids)

    again = client.post(
        "/documents",
        json={
            "title": "Velmoor dam inspection passes",
            "text": ("Engineers said the Velmoor dam passed its ten-year inspection with no cracks found."),
        },
    )
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "duplicate" and again.json()["doc_id"] == doc["doc_id"]


def test_an_article_is_shown_with_its_author_and_without_the_index_bookkeeping(
    client: TestClient, cleanup: list[str]
) -> None:
    # The body shown is derived from the document record: a field of the record (the author) shows everywhere an
    # article does; what only the index keeps (its file, content hash, write version, state) shows nowhere.
    r = client.post(
        "/documents",
        json={
            "title": "Quarry Lane bridge reopens",
            "text": "The Quarry Lane bridge reopened on Friday after eight months of repairs to its piers.",
            "published": "2031-03-02",  # the newest article, so the first listed
            "source": "bridges.example",
            "author": "Mina Okafor",
        },
    )
    assert r.status_code == 201, r.text
    doc_id = r.json()["doc_id"]
    cleanup.append(doc_id)
    listed = client.get("/documents", params={"source": "bridges.example"}).json()["items"]
    shown = [r.json(), r.json()["documents"][0], listed[0], client.get(f"/documents/{doc_id}").json()]
    for body in shown:
        assert body["doc_id"] == doc_id and body["author"] == "Mina Okafor", body
        assert not {"file", "content_hash", "version", "state"} & set(body), sorted(body)


def test_same_content_again_is_a_duplicate(client: TestClient, cleanup: list[str]) -> None:
    data = article("Harwick orchard festival", "The Harwick orchard festival drew record crowds for its cider.")
    first = client.post("/documents", files={"file": ("orchard.txt", data, "text/plain")})
    assert first.status_code == 201, first.text
    cleanup.append(first.json()["doc_id"])
    files_before = uploads_in(client)
    again = client.post("/documents", files={"file": ("orchard-copy.txt", data, "text/plain")})
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "duplicate"
    assert again.json()["doc_id"] == first.json()["doc_id"]
    assert uploads_in(client) == files_before, "a duplicate writes no file"


def test_uploading_an_indexed_article_is_a_duplicate(client: TestClient, base_articles: list[Path]) -> None:
    original = base_articles[1]
    listed = {d["title"]: d["doc_id"] for d in client.get("/documents").json()["items"]}
    title = original.read_text(encoding="utf-8").splitlines()[0].strip()
    files_before = uploads_in(client)
    r = client.post("/documents", files={"file": ("renamed.txt", original.read_bytes(), "text/plain")})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "duplicate"
    assert r.json()["doc_id"] == listed[title]
    assert uploads_in(client) == files_before
    assert client.get("/documents").json()["total"] == len(base_articles)


@pytest.mark.parametrize(
    ("kwargs", "status", "mentions"),
    [
        ({"files": {"file": ("report.docx", b"PK\x03\x04 not really", "application/octet-stream")}}, 415, ".docx"),
        ({"files": {"file": ("noext", b"some text", "text/plain")}}, 415, "unsupported"),
        ({"content": b"Plain text body", "headers": {"content-type": "text/plain"}}, 415, "text/plain"),
        ({"content": b"", "headers": {}}, 415, "multipart"),
        ({"files": {"file": ("empty.txt", b"", "text/plain")}}, 422, "empty"),
        ({"files": {"file": ("blank.md", b"   \n\n  ", "text/markdown")}}, 422, "empty"),
        ({"files": {"file": ("title-only.txt", b"Just a title\n", "text/plain")}}, 422, "body"),
        ({"files": {"file": ("bad.json", b"{not json", "application/json")}}, 422, "json"),
        ({"files": {"file": ("latin1.txt", b"Caf\xe9 \xff\xfe", "text/plain")}}, 422, "utf-8"),
        ({"files": {"other": ("a.txt", b"text", "text/plain")}}, 422, "file"),
        ({"json": {"text": "A body without a title."}}, 422, "title"),
        ({"json": {"title": "  ", "text": "A body."}}, 422, "title"),
        ({"json": {"title": "No body"}}, 422, "text"),
        ({"json": {"title": "T", "text": "Body.", "published": "2023-02-30"}}, 422, "published"),
        ({"json": {"title": "T", "text": "Body.", "url": "not a url"}}, 422, "url"),
        ({"json": {"title": "T", "text": "Body.", "colour": "red"}}, 422, "colour"),
        ({"content": b"{broken", "headers": {"content-type": "application/json"}}, 422, "json"),
    ],
    ids=[
        "docx",
        "no-extension",
        "text-plain-body",
        "no-content-type",
        "empty-file",
        "blank-file",
        "title-only",
        "invalid-json-file",
        "not-utf8",
        "no-file-field",
        "json-no-title",
        "json-blank-title",
        "json-no-text",
        "json-bad-date",
        "json-bad-url",
        "json-unknown-field",
        "json-broken",
    ],
)
def test_bad_uploads_are_rejected_and_write_nothing(
    client: TestClient,
    services: Callable[[TestClient], Services],
    consistent_ids: Callable[[Services], set[str]],
    kwargs: dict[str, Any],
    status: int,
    mentions: str,
) -> None:
    before = consistent_ids(services(client))
    files_before = uploads_in(client)
    r = client.post("/documents", **kwargs)
    assert r.status_code == status, r.text
    assert mentions.lower() in r.json()["detail"].lower()
    assert consistent_ids(services(client)) == before
    assert uploads_in(client) == files_before, "a rejected upload leaves no file behind"


def test_an_upload_cannot_choose_where_it_is_written(client: TestClient, base_docs: Path, cleanup: list[str]) -> None:
    outside = sorted(p.name for p in base_docs.parent.iterdir())
    data = article("Fennick well report", "The Fennick well was found clean after the spring floods.")
    r = client.post("/documents", files={"file": ("../../../fennick.txt", data, "text/plain")})
    assert r.status_code == 201, r.text
    cleanup.append(r.json()["doc_id"])
    path = r.json()["path"]
    assert path.startswith(UPLOADS + "/") and ".." not in path and path.endswith(".txt")
    assert (data_of(client) / path).is_file()
    assert sorted(p.name for p in base_docs.parent.iterdir()) == outside
    assert uploads_in(client) == sorted(p.name for p in data_of(client).joinpath(UPLOADS).iterdir())


# --- upload -> ask -> delete -> ask ---------------------------------------------------------------
def test_an_upload_is_answerable_until_it_is_deleted(client: TestClient, cleanup: list[str]) -> None:
    r = client.post("/documents", files={"file": ("quelmport.txt", article(FACT_TITLE, FACT_TEXT), "text/plain")})
    assert r.status_code == 201, r.text
    doc_id = r.json()["doc_id"]
    cleanup.append(doc_id)

    answer = client.post("/ask", json={"question": FACT_QUESTION}).json()
    assert answer["grounded"] is True
    assert "zorblaxian" in answer["answer"].lower()
    assert doc_id in {c["doc_id"] for c in answer["citations"]}

    assert client.delete(f"/documents/{doc_id}").status_code == 200
    cleanup.remove(doc_id)
    after = client.post("/ask", json={"question": FACT_QUESTION}).json()
    assert doc_id not in {c["doc_id"] for c in after["citations"]}
    assert doc_id not in {p["doc_id"] for p in after["passages"]}
    assert "zorblaxian" not in after["answer"].lower()


# --- two uploads at once ----------------------------------------------------------------------------
def test_concurrent_uploads_both_end_indexed(
    client: TestClient,
    cleanup: list[str],
    services: Callable[[TestClient], Services],
    consistent_ids: Callable[[Services], set[str]],
) -> None:
    svc = services(client)
    before = consistent_ids(svc)
    bodies = [
        article(f"Dunmere {topic} report", f"The Dunmere {topic} report was published on Tuesday. " * 40)
        for topic in ("rainfall", "traffic")
    ]
    start = threading.Barrier(len(bodies))
    results: list[Any] = [None] * len(bodies)

    def upload(i: int) -> None:
        start.wait()
        results[i] = client.post("/documents", files={"file": (f"dunmere-{i}.txt", bodies[i], "text/plain")})

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(r is not None for r in results), "an upload did not finish"
    for r in results:
        cleanup.append(r.json()["doc_id"])
        assert r.status_code == 201, r.text
    docs = [r.json() for r in results]
    assert len({d["doc_id"] for d in docs}) == 2

    after = consistent_ids(svc)
    for d in docs:
        mine = {cid for cid in after if cid.startswith(d["doc_id"] + ":")}
        assert len(mine) == d["chunks"] > 0
    assert len(after) == len(before) + sum(d["chunks"] for d in docs)
    assert client.get("/documents").json()["total"] == len(svc.store.manifest.documents)


# --- the upload size limit ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_limit_client(
    app_client: Callable[[Settings], AbstractContextManager[TestClient]],
    settings_factory: Callable[..., Settings],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[TestClient]:
    with app_client(settings_factory(tmp_path_factory.mktemp("limit-docs"), max_upload_mb=0.01)) as c:
        yield c


@pytest.mark.parametrize("size", [12_000, 500_000])
def test_uploads_over_the_limit_are_413(small_limit_client: TestClient, size: int) -> None:
    big = article("Oversized", "word " * (size // 5))
    r = small_limit_client.post("/documents", files={"file": ("big.txt", big, "text/plain")})
    assert r.status_code == 413, r.text
    assert "0.01 MB" in r.json()["detail"]
    r = small_limit_client.post("/documents", json={"title": "Oversized", "text": "word " * (size // 5)})
    assert r.status_code == 413, r.text
    assert uploads_in(small_limit_client) == []
    assert small_limit_client.get("/documents").json()["total"] == 0


def test_uploads_under_the_limit_are_accepted(small_limit_client: TestClient) -> None:
    r = small_limit_client.post(
        "/documents", files={"file": ("small.txt", article("Small note", "Fits well under the limit."), "text/plain")}
    )
    assert r.status_code == 201, r.text
    assert small_limit_client.delete(f"/documents/{r.json()['doc_id']}").status_code == 200

"""NEWSQA_WATCH=true: files arriving in and leaving the documents folder are indexed without a request."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from ingest.settings import Settings

TIMEOUT = 30.0


@pytest.fixture
def watched(
    app_client: Callable[[Settings], AbstractContextManager[TestClient]],
    settings_factory: Callable[..., Settings],
    tmp_path: Path,
) -> Iterator[tuple[TestClient, Path]]:
    docs = tmp_path / "docs"
    docs.mkdir()
    with app_client(settings_factory(docs, watch=True)) as c:
        time.sleep(0.5)  # let the watcher start before the folder changes
        yield c, docs


def wait_for(client: TestClient, predicate: Callable[[dict[str, object]], bool], what: str) -> dict[str, object]:
    deadline = time.monotonic() + TIMEOUT
    while True:
        listing = client.get("/documents").json()
        if predicate(listing):
            return listing
        assert time.monotonic() < deadline, f"not {what} within {TIMEOUT:.0f} s: {listing}"
        time.sleep(0.3)


def test_watch_indexes_new_files_and_forgets_deleted_ones(
    watched: tuple[TestClient, Path],
    corpus_files: Callable[..., list[Path]],
    services: Callable[[TestClient], Services],
    consistent_ids: Callable[[Services], set[str]],
) -> None:
    client, docs = watched
    article = corpus_files(1, max_bytes=4000)[0]
    (docs / ".draft-in-progress.txt").write_text("Half-written\n\nA draft nobody should see.\n", encoding="utf-8")
    new = Path(shutil.copy2(article, docs / article.name))

    listing = wait_for(client, lambda page: page["total"] == 1, "indexed")
    (item,) = listing["items"]  # type: ignore[misc]
    assert item["path"] == new.name, "only the article is indexed, never a dot-file"
    title = article.read_text(encoding="utf-8").splitlines()[0].strip()
    assert item["title"] == title
    health = client.get("/health").json()
    assert health["documents"] == 1 and health["chunks"] == item["chunks"] > 0
    answer = client.post("/ask", json={"question": title}).json()
    assert item["doc_id"] in {c["doc_id"] for c in answer["citations"]}

    new.unlink()
    wait_for(client, lambda page: page["total"] == 0, "removed")
    assert client.get("/health").json()["chunks"] == 0
    assert consistent_ids(services(client)) == set()


def test_without_watch_the_folder_is_not_followed(
    app_client: Callable[[Settings], AbstractContextManager[TestClient]],
    settings_factory: Callable[..., Settings],
    corpus_files: Callable[..., list[Path]],
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    with app_client(settings_factory(docs)) as client:
        article = corpus_files(1, max_bytes=4000)[0]
        shutil.copy2(article, docs / article.name)
        time.sleep(3)  # well past the watcher's debounce
        assert client.get("/documents").json()["total"] == 0
        assert client.post("/reindex").json()["added"] == 1


def test_watch_indexes_a_folder_moved_in(
    watched: tuple[TestClient, Path], corpus_files: Callable[..., list[Path]], tmp_path: Path
) -> None:
    """``mv batch/ docs/`` is one event for the folder and none for the articles in it."""
    client, docs = watched
    batch = tmp_path / "batch"
    batch.mkdir()
    articles = corpus_files(2, max_bytes=4000)
    for f in articles:
        shutil.copy2(f, batch / f.name)
    batch.rename(docs / "batch")

    listing = wait_for(client, lambda page: page["total"] == 2, "indexed")
    assert sorted(d["path"] for d in listing["items"]) == sorted(f"batch/{f.name}" for f in articles)  # type: ignore[union-attr]

    shutil.rmtree(docs / "batch")
    wait_for(client, lambda page: page["total"] == 0, "removed")

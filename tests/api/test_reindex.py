"""POST /reindex: counts of a folder sync; questions keep being answered while it runs."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.services import Services
from ingest.settings import Settings

SEED_QUESTION = "What did Adm. Craig Fuller say about Iranian influence in Venezuela?"
COUNT_KEYS = {"added", "updated", "removed", "unchanged", "skipped", "duplicates", "chunks", "seconds", "skipped_files"}


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory, seed_file: Path) -> Path:
    folder = tmp_path_factory.mktemp("reindex-docs")
    shutil.copy2(seed_file, folder / seed_file.name)
    return folder


@pytest.fixture(scope="module")
def rclient(
    app_client: Callable[[Settings], AbstractContextManager[TestClient]],
    settings_factory: Callable[..., Settings],
    docs: Path,
) -> Iterator[TestClient]:
    """An app over a folder holding only the seed; each test leaves the folder (and index) as it found it."""
    with app_client(settings_factory(docs)) as c:
        first = c.post("/reindex")
        assert first.status_code == 200, first.text
        assert first.json()["added"] == 1 and first.json()["chunks"] > 0
        yield c


@pytest.fixture(scope="module")
def extra_articles(corpus_files: Callable[..., list[Path]], base_articles: list[Path]) -> list[Path]:
    """Real articles not in the shared app's folder, 3-8 KB each (a few seconds of indexing for three)."""
    used = {p.name for p in base_articles}
    candidates = corpus_files(60)
    chosen = [p for p in candidates if p.name not in used and 3000 <= p.stat().st_size <= 8000]
    if len(chosen) < 4:
        pytest.skip("not enough mid-sized corpus articles")
    return chosen[:4]


def reindex(client: TestClient, **headers: str) -> dict[str, Any]:
    r = client.post("/reindex", headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == COUNT_KEYS
    return body


def test_reindex_without_changes_touches_nothing(rclient: TestClient) -> None:
    body = reindex(rclient)
    assert body["unchanged"] == 1
    assert (body["added"], body["updated"], body["removed"], body["skipped"], body["chunks"]) == (0, 0, 0, 0, 0)


def test_reindex_counts_added_updated_removed(
    rclient: TestClient,
    docs: Path,
    extra_articles: list[Path],
    services: Callable[[TestClient], Services],
    consistent_ids: Callable[[Services], set[str]],
) -> None:
    svc = services(rclient)
    before = consistent_ids(svc)
    new = Path(shutil.copy2(extra_articles[0], docs / extra_articles[0].name))
    try:
        added = reindex(rclient)
        assert (added["added"], added["updated"], added["removed"], added["unchanged"]) == (1, 0, 0, 1)
        assert added["chunks"] > 0
        assert len(consistent_ids(svc)) == len(before) + added["chunks"]
        assert rclient.get("/documents").json()["total"] == 2

        edited = new.read_text(encoding="utf-8") + "\nA closing paragraph added by the editor.\n"
        new.write_text(edited, encoding="utf-8")
        updated = reindex(rclient)
        assert (updated["added"], updated["updated"], updated["removed"], updated["unchanged"]) == (0, 1, 0, 1)
    finally:
        new.unlink(missing_ok=True)
    removed = reindex(rclient)
    assert (removed["added"], removed["updated"], removed["removed"], removed["unchanged"]) == (0, 0, 1, 1)
    assert consistent_ids(svc) == before
    assert rclient.get("/documents").json()["total"] == 1


def test_reindex_reports_files_it_cannot_index(rclient: TestClient, docs: Path) -> None:
    bad = docs / "empty-article.txt"
    bad.write_text("", encoding="utf-8")
    try:
        body = reindex(rclient)
        assert body["skipped"] == 1 and body["added"] == 0
        assert body["skipped_files"] == [{"path": "empty-article.txt", "reason": "empty"}]
    finally:
        bad.unlink()
    assert reindex(rclient)["skipped"] == 0


def test_deleting_a_folder_article_keeps_it_out_until_it_changes(
    rclient: TestClient,
    docs: Path,
    extra_articles: list[Path],
    services: Callable[[TestClient], Services],
    consistent_ids: Callable[[Services], set[str]],
) -> None:
    svc = services(rclient)
    before = consistent_ids(svc)
    path = Path(shutil.copy2(extra_articles[1], docs / extra_articles[1].name))
    try:
        assert reindex(rclient)["added"] == 1
        doc_id = next(d["doc_id"] for d in rclient.get("/documents").json()["items"] if d["path"] == path.name)
        assert rclient.delete(f"/documents/{doc_id}").status_code == 200
        assert path.exists(), "the user's own file is not deleted"
        assert consistent_ids(svc) == before
        again = reindex(rclient)
        assert again["added"] == 0, "a deleted article does not come back on reindex"
        assert rclient.get(f"/documents/{doc_id}").status_code == 404
    finally:
        path.unlink(missing_ok=True)
    reindex(rclient)
    assert consistent_ids(svc) == before


def test_questions_are_answered_while_a_reindex_runs(
    rclient: TestClient,
    docs: Path,
    extra_articles: list[Path],
    services: Callable[[TestClient], Services],
    consistent_ids: Callable[[Services], set[str]],
) -> None:
    svc = services(rclient)
    before = consistent_ids(svc)
    copies = [Path(shutil.copy2(p, docs / p.name)) for p in extra_articles[:3]]
    outcome: dict[str, Any] = {}

    def run_reindex() -> None:
        outcome["response"] = rclient.post("/reindex")
        outcome["finished"] = time.monotonic()

    try:
        worker = threading.Thread(target=run_reindex)
        worker.start()
        lock = svc.store.write_lock
        deadline = time.monotonic() + 30
        while worker.is_alive() and time.monotonic() < deadline:  # wait until the sync holds the index
            if lock.acquire(blocking=False):
                lock.release()
                time.sleep(0.01)
            else:
                break
        answered_during = 0
        statuses = []
        while worker.is_alive():
            r = rclient.post("/ask", json={"question": SEED_QUESTION})
            statuses.append(r.status_code)
            assert r.status_code == 200, r.text
            assert r.json()["grounded"] is True
            if worker.is_alive():
                answered_during += 1
        worker.join(timeout=120)
        assert answered_during >= 1, f"no question was answered while the reindex ran ({statuses})"
        body = outcome["response"].json()
        assert outcome["response"].status_code == 200
        assert (body["added"], body["unchanged"]) == (3, 1)
        assert len(consistent_ids(svc)) == len(before) + body["chunks"]
    finally:
        for p in copies:
            p.unlink(missing_ok=True)
    assert reindex(rclient)["removed"] == 3
    assert consistent_ids(svc) == before

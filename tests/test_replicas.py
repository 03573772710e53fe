"""Several processes, one truth: over one real `chroma run` server, two `newsqa serve` replicas with separate data
folders started at the same moment and a `newsqa serve --workers 2`. What is uploaded through any of them is
listed, answered and deletable through every other within 2 s, and a replica started with other chunking
settings stops with a message instead of resetting the index under the others."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from support import (
    SERVER_STARTUP_TIMEOUT,
    Server,
    log_tail,
    newsqa_env,
    running_chroma,
    running_server,
    start_server,
    stop_server,
    summary_counts,
    wait_until_answering,
)

VISIBLE_WITHIN = 2.0  # seconds (the bound)
# A request to the --workers 2 server reaches either worker: a fact counts as seen there when this many
# requests in a row agree.
SAME_IN_A_ROW = 6


def listed(server: Server) -> set[str]:
    page = httpx.get(f"{server.url}/documents", params={"limit": 200}, timeout=30).raise_for_status().json()
    assert page["total"] == len(page["items"])
    return {item["doc_id"] for item in page["items"]}


def cited(server: Server, question: str) -> set[str]:
    answer = httpx.post(f"{server.url}/ask", json={"question": question}, timeout=120).raise_for_status().json()
    return {c["doc_id"] for c in answer["citations"]}


def holds_after(since: float, check: Callable[[], bool], what: str) -> None:
    """From VISIBLE_WITHIN seconds after the write that finished at ``since``, ``check`` holds, SAME_IN_A_ROW
    requests in a row. Waiting out the bound, rather than polling until a streak of successes, is what makes
    this a test of both workers: a streak can be served by one worker while the other still lags, and a slow
    request near the deadline cannot fail it."""
    time.sleep(max(0.0, since + VISIBLE_WITHIN - time.monotonic()))
    for n in range(SAME_IN_A_ROW):
        if not check():
            pytest.fail(f"not within {VISIBLE_WITHIN} s (request {n + 1} of {SAME_IN_A_ROW} after it): {what}")


def article(i: int) -> dict[str, str]:
    # Invented names, so nothing else in the index answers the question.
    return {
        "title": f"Zorvath{i} harbour holds its lantern boat parade",
        "text": f"The Zorvath{i} harbour festival drew visitors to the lantern boat parade on the old canal. "
        f"Organisers said {40 + i} decorated boats took part this year, led by harbour master Quilla Brennoch{i}.",
        "source": "testwire",
        "published": "2024-08-10",
    }


def question(i: int) -> str:
    return f"How many decorated boats took part in the Zorvath{i} lantern boat parade?"


def test_replicas_and_workers_over_one_chroma_server(
    tmp_path: Path, seed_file: Path, corpus_files: Callable[..., list[Path]]
) -> None:
    articles = [seed_file, *corpus_files(2, max_bytes=3500)]
    with running_chroma(tmp_path / "chroma") as port:
        env = {"NEWSQA_CHROMA_HOST": "127.0.0.1", "NEWSQA_CHROMA_PORT": str(port)}
        # Started at the same moment, each indexing its (identical) folder into the one server.
        servers = [
            start_server(tmp_path / "replica-a", articles, env),
            start_server(tmp_path / "replica-b", articles, env),
            start_server(tmp_path / "workers", articles, env, args=["--workers", "2"]),
        ]
        try:
            deadline = time.monotonic() + SERVER_STARTUP_TIMEOUT * 2  # three model loads on two cores
            for s in servers:
                wait_until_answering(f"{s.url}/health", s.proc, s.log, deadline, "newsqa serve")
                assert "Traceback" not in s.log_tail(20000), s.log_tail()
            start = [listed(s) for s in servers for _ in range(SAME_IN_A_ROW)]
            assert all(ids == start[0] for ids in start) and len(start[0]) == len(articles)

            uploaded: list[str] = []
            for i, through in enumerate(servers):
                r = httpx.post(f"{through.url}/documents", json=article(i), timeout=120)
                assert r.status_code == 201, r.text
                since, doc_id, asked = time.monotonic(), r.json()["doc_id"], question(i)
                uploaded.append(doc_id)
                for other in servers:
                    holds_after(since, lambda o=other, d=doc_id: d in listed(o), f"{doc_id} listed via {other.url}")
                    holds_after(since, lambda o=other, d=doc_id, q=asked: d in cited(o, q), f"{other.url} answers")

            expected = start[0] | set(uploaded)
            for s in servers:
                holds_after(since, lambda s=s: listed(s) == expected, f"totals agree through {s.url}")

            # Each upload is deleted through a process other than the one it came through.
            for i, doc_id in enumerate(uploaded):
                through = servers[(i + 1) % len(servers)]
                r = httpx.delete(f"{through.url}/documents/{doc_id}", timeout=60)
                assert r.status_code == 200, r.text
                since, asked = time.monotonic(), question(i)
                for other in servers:
                    # Asked for by id, it is gone at once (read from Chroma); listed and answered, within the bound.
                    for _ in range(SAME_IN_A_ROW):
                        gone = httpx.get(f"{other.url}/documents/{doc_id}", timeout=30)
                        assert gone.status_code == 404, gone.text
                    holds_after(since, lambda o=other, d=doc_id: d not in listed(o), f"{doc_id} gone from {other.url}")
                    holds_after(since, lambda o=other, d=doc_id, q=asked: d not in cited(o, q), f"{other.url} answers")
            for s in servers:
                holds_after(since, lambda s=s: listed(s) == start[0], f"totals agree again through {s.url}")

            # Other chunking settings: the process stops, naming the setting; nothing is reset under the others.
            odd = start_server(tmp_path / "replica-c", articles, {**env, "NEWSQA_CHUNK_TOKENS": "64"})
            try:
                odd.proc.wait(timeout=SERVER_STARTUP_TIMEOUT)
            finally:
                stop_server(odd)
            out = log_tail(odd.log)
            assert odd.proc.returncode != 0, out
            assert "NEWSQA_CHUNK_TOKENS is 64 but the index was built with 200" in out, out
            assert "newsqa reindex --rebuild" in out and "Traceback" not in out, out
            for s in servers:
                assert listed(s) == start[0]
                assert s.proc.poll() is None, s.log_tail()
            health = [httpx.get(f"{s.url}/health", timeout=30).json() for s in servers]
            assert len({(h["documents"], h["chunks"]) for h in health}) == 1, health
        finally:
            for s in servers:
                stop_server(s)


def test_ingest_while_serve_runs_over_an_embedded_index(
    tmp_path: Path, seed_file: Path, corpus_files: Callable[..., list[Path]]
) -> None:
    """Embedded Chroma is one process's (another process's writes break an open client): `newsqa ingest` while
    `newsqa serve` runs on the same folder is refused with a message and writes nothing; the server keeps taking
    uploads, and once it stops the same ingest loses nothing."""
    extra = corpus_files(3, max_bytes=3500)[-1]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / extra.name).write_bytes(extra.read_bytes())
    env = newsqa_env(tmp_path / "serve" / "docs", tmp_path / "serve" / "data")
    command = [sys.executable, "-m", "api.cli", "ingest", str(outside / extra.name)]
    with running_server(tmp_path / "serve", [seed_file]) as server:
        ingest = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        r = httpx.post(f"{server.url}/documents", json=article(7), timeout=300)
        out, err = ingest.communicate(timeout=300)
        assert r.status_code == 201, r.text
        assert ingest.returncode == 1, (out, err)
        message = err.decode()
        assert "is open in another process" in message and "NEWSQA_CHROMA_HOST" in message, message
        assert "Traceback" not in message, message
        uploaded = r.json()["doc_id"]
        ids = listed(server)
        assert uploaded in ids and len(ids) == 2
        assert uploaded in cited(server, question(7))
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert summary_counts(done.stdout)["added"] == 1, done.stdout

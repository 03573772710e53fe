"""``newsqa serve`` as a real process: it indexes the folder, serves over the network, and talks OpenAI."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from openai import OpenAI
from support import free_port, log_tail, newsqa_env, wait_until_answering

STARTUP_TIMEOUT = 180.0
POWERBALL = "Who won the $1.73 billion Powerball jackpot?"


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
    seed_file: Path,
    corpus_files: Callable[..., list[Path]],
) -> Iterator[str]:
    """``newsqa serve`` on a free port over the seed and one article; yields its base URL once /health answers."""
    root = tmp_path_factory.mktemp("server")
    docs = root / "docs"
    docs.mkdir()
    for f in [seed_file, *corpus_files(1, max_bytes=4000)]:
        shutil.copy2(f, docs / f.name)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = root / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=newsqa_env(docs, root / "data"),
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_answering(f"{base}/health", proc, log, time.monotonic() + STARTUP_TIMEOUT, "newsqa serve")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    assert "Traceback" not in log_tail(log), log_tail(log)


def test_serve_indexes_the_folder_first(server: str) -> None:
    health = httpx.get(f"{server}/health", timeout=10).json()
    assert health["status"] == "ok"
    assert (health["documents"], health["model"]) == (2, "extractive")
    assert health["chunks"] > 0


def test_ask_over_the_network(server: str) -> None:
    with httpx.Client(base_url=server, timeout=60) as http:
        r = http.post("/ask", json={"question": POWERBALL})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["grounded"] is True and "California" in body["answer"]
        passages = {p["chunk_id"] for p in body["passages"]}
        assert body["citations"] and all(c["chunk_id"] in passages for c in body["citations"])

        with http.stream("POST", "/ask/stream", json={"question": POWERBALL}) as s:
            assert s.status_code == 200
            events = [line.split(":", 1)[1].strip() for line in s.iter_lines() if line.startswith("event:")]
        assert events[-2:] == ["citations", "done"] and set(events[:-2]) == {"token"}

        bad = http.post("/ask", json={"question": ""})
        assert bad.status_code == 422 and bad.json()["detail"].startswith("question:")


def test_the_openai_client_over_the_network(server: str) -> None:
    oai = OpenAI(base_url=f"{server}/v1", api_key="unused", max_retries=0, timeout=60)
    assert [m.id for m in oai.models.list()] == ["newsqa"]
    completion = oai.chat.completions.create(model="newsqa", messages=[{"role": "user", "content": POWERBALL}])
    content = completion.choices[0].message.content or ""
    assert "California" in content and "Sources:" in content
    stream = oai.chat.completions.create(model="newsqa", messages=[{"role": "user", "content": POWERBALL}], stream=True)
    streamed = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert streamed == content


def test_several_workers_need_a_chroma_server(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--workers", "2", "--port", "1"],
        env=newsqa_env(tmp_path / "docs", tmp_path / "data"),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # so a server that does start (the bug) can be stopped with its workers
    )
    try:
        stdout, stderr = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("newsqa serve --workers 2 started serving with an embedded index instead of refusing")
    assert proc.returncode != 0
    assert "NEWSQA_CHROMA_HOST" in stderr
    assert "Traceback" not in stderr + stdout
    assert not (tmp_path / "data").exists(), "it refuses before touching the index"

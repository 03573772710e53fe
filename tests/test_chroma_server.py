"""The index on a real Chroma server (`chroma run`) through HttpClient, chosen by NEWSQA_CHROMA_HOST."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import free_port, wait_until_answering

from api.services import Services
from ingest.chroma_embedding import ChromaEmbeddingFunction
from ingest.settings import Settings


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    assert chroma, "the chroma CLI comes with the chromadb package"
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    log = path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [chroma, "run", "--path", str(path / "data"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
    try:
        heartbeat = f"http://127.0.0.1:{port}/api/v2/heartbeat"
        wait_until_answering(heartbeat, proc, log, time.monotonic() + 60, "chroma run")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_index_and_answer_through_a_chroma_server(
    chroma_server: int,
    tmp_path: Path,
    seed_file: Path,
    settings_factory: Callable[..., Settings],
    services_factory: Callable[..., Services],
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy2(seed_file, docs / seed_file.name)
    settings = settings_factory(docs, chroma_host="127.0.0.1", chroma_port=chroma_server)
    services = services_factory(settings)
    report = services.indexer.reindex()
    assert report.added == 1 and report.chunks > 0
    assert services.store.count() == report.chunks
    # The collection lives on the server, with our embedding function, not Chroma's default.
    assert isinstance(services.store.collection._embedding_function, ChromaEmbeddingFunction)

    answer = services.answerer().ask("Who is the head of US Southern Command?")
    assert answer.grounded
    assert "Fuller" in answer.answer
    assert {c.chunk_id for c in answer.citations} <= {p.chunk_id for p in answer.passages}

    # A second process's view (a new client) sees the same chunks: the server holds them, not this process.
    again = services_factory(settings)
    assert again.store.count() == report.chunks
    assert again.indexer.reindex().chunks == 0

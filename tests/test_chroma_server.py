"""The index on a real Chroma server (`chroma run`) through HttpClient, chosen by NEWSQA_CHROMA_HOST."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import running_chroma

from api.services import Services
from ingest.chroma_embedding import ChromaEmbeddingFunction
from ingest.settings import Settings


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    with running_chroma(tmp_path_factory.mktemp("chroma-server")) as port:
        yield port


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

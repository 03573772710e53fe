"""Helpers the tests share: ports, a newsqa subprocess environment, readiness, an indexed file's doc id."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from api.services import Services


def free_port() -> int:
    """A localhost port nothing listens on (just closed)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def newsqa_env(docs: Path, data: Path, **extra: str) -> dict[str, str]:
    """The environment of a newsqa subprocess indexing ``docs`` into ``data``, offline.

    A developer's own NEWSQA_* variables are dropped so they cannot configure the process under test.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")}
    env.update(
        NEWSQA_DOCUMENTS_DIR=str(docs),
        NEWSQA_DATA_DIR=str(data),
        NEWSQA_CHROMA_PATH=str(data / "chroma"),
        HF_HUB_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        **extra,
    )
    return env


def log_tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-chars:] if path.exists() else "(no log)"


def wait_until_answering(url: str, proc: subprocess.Popen[bytes], log: Path, deadline: float, name: str) -> None:
    """Poll ``url`` until it answers 200; fail with the log's tail if ``proc`` exits or ``deadline`` passes."""
    while True:
        if proc.poll() is not None:
            pytest.fail(f"{name} exited with {proc.returncode}:\n{log_tail(log)}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{name} did not answer {url} in time:\n{log_tail(log)}")
        time.sleep(0.5)


def doc_id_of(services: Services, file_name: str) -> str:
    """The doc id of the one document indexed from ``file_name``."""
    ids = [d.doc_id for d in services.store.manifest.documents.values() if Path(d.file).name == file_name]
    assert len(ids) == 1, f"{file_name} indexed {len(ids)} times"
    return ids[0]

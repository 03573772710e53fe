"""Helpers the tests share: ports, a newsqa subprocess environment, readiness, an indexed file's doc id."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
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

    A developer's own NEWSQA_* variables are dropped so they cannot configure the process under test; the
    tests' shared cache of ONNX exports (set by conftest) is kept, so no process exports the model again.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_") or k == "NEWSQA_ONNX_DIR"}
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


# --- the newsqa CLI in a subprocess ---------------------------------------------------------------------
REPO = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(
    r"^added=(\d+) updated=(\d+) removed=(\d+) unchanged=(\d+) skipped=(\d+) duplicates=(\d+) chunks=(\d+) "
    r"seconds=\d+\.\d$"
)
CLI_TIMEOUT = 300  # seconds per command: each loads the model, on a busy 2-core machine


@dataclass
class CLI:
    """Runs ``newsqa`` commands over ``docs``, with the index in a tmp folder, from a folder without a .env."""

    docs: Path
    env: dict[str, str]
    cwd: Path
    command: tuple[str, ...] = (sys.executable, "-m", "api.cli")

    @classmethod
    def under(cls, root: Path, command: tuple[str, ...] | None = None) -> CLI:
        docs = root / "docs"
        docs.mkdir(exist_ok=True)
        env = newsqa_env(docs, root / "data")
        # This checkout's code, also for the installed console script (an editable install may point elsewhere).
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        cwd = root / "cwd"
        cwd.mkdir(exist_ok=True)
        return cls(docs, env, cwd, *([command] if command else []))

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """``newsqa *args``, with ``env`` added to the environment."""
        return subprocess.run(
            [*self.command, *args],
            env={**self.env, **(env or {})},
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT,
            check=False,
        )


def summary_counts(stdout: str) -> dict[str, int]:
    """The counts of the one-line summary an indexing command ends its stdout with."""
    lines = [ln for ln in stdout.splitlines() if ln.strip()]
    assert lines, "nothing on stdout"
    m = SUMMARY.match(lines[-1])
    assert m, f"last stdout line is not the summary: {lines[-1]!r}"
    names = ("added", "updated", "removed", "unchanged", "skipped", "duplicates", "chunks")
    return dict(zip(names, map(int, m.groups()), strict=True))


# --- newsqa serve in a subprocess ------------------------------------------------------------------------
@dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path
    documents: Path

    def log_tail(self, chars: int = 3000) -> str:
        return log_tail(self.log, chars)


def start_server(
    root: Path, documents: list[Path], extra_env: dict[str, str] | None = None, args: Sequence[str] = ()
) -> Server:
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for f in documents:
        shutil.copy2(f, docs / f.name)
    port = free_port()
    env = newsqa_env(docs, root / "data", **(extra_env or {}))
    log = root / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port), *args],
            cwd=root,  # not the checkout: a developer's .env there must not configure the test server
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return Server(f"http://127.0.0.1:{port}", proc, log, docs)


def stop_server(server: Server) -> None:
    if server.proc.poll() is None:
        server.proc.terminate()
        try:
            server.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait(timeout=10)


SERVER_STARTUP_TIMEOUT = 180  # seconds: model loading on a busy 2-core machine


@contextmanager
def running_server(root: Path, documents: list[Path], extra_env: dict[str, str] | None = None) -> Iterator[Server]:
    """``newsqa serve`` over ``documents``, once /health answers; stopped when the block ends."""
    server = start_server(root, documents, extra_env)
    try:
        deadline = time.monotonic() + SERVER_STARTUP_TIMEOUT
        wait_until_answering(f"{server.url}/health", server.proc, server.log, deadline, "newsqa serve")
        yield server
    finally:
        stop_server(server)


def doc_id_of(services: Services, file_name: str) -> str:
    """The doc id of the one document indexed from ``file_name``."""
    ids = [d.doc_id for d in services.store.manifest.documents.values() if Path(d.file).name == file_name]
    assert len(ids) == 1, f"{file_name} indexed {len(ids)} times"
    return ids[0]


# --- a Chroma server (`chroma run`) in a subprocess -------------------------------------------------------
@dataclass
class ChromaServer:
    """``chroma run`` on one localhost port with its data in ``path``: killed, paused and started again on the
    same port and folder when a test needs the server to go away and come back."""

    path: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it and wait until it answers its heartbeat."""
        chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
        assert chroma, "the chroma CLI comes with the chromadb package"
        self.path.mkdir(parents=True, exist_ok=True)
        log = self.path / "server.log"
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [chroma, "run", "--path", str(self.path / "data"), "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
            )  # fmt: skip
        heartbeat = f"http://127.0.0.1:{self.port}/api/v2/heartbeat"
        wait_until_answering(heartbeat, self.proc, log, time.monotonic() + 60, "chroma run")

    def kill(self) -> None:
        """SIGKILL: gone at once, as in a crash."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=20)

    def pause(self) -> None:
        """SIGSTOP: its port still accepts connections, but nothing answers."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.resume()  # a paused process would not act on SIGTERM
            self.proc.terminate()
            self.proc.wait(timeout=20)


@contextmanager
def running_chroma(path: Path) -> Iterator[int]:
    """``chroma run`` on a free localhost port with its data in ``path``; yields the port once it answers."""
    server = ChromaServer(path)
    server.start()
    try:
        yield server.port
    finally:
        server.stop()


def assert_clean_failure(proc: subprocess.CompletedProcess[str], mentions: str) -> None:
    """A CLI that failed as users should see it: a non-zero exit and one ``newsqa: …`` line naming ``mentions``."""
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("newsqa: ") and mentions in lines[0], lines[0]

"""What the installed ``newsqa`` command tells a user about files it could not take, in real subprocesses.

Each skipped file is named once with its reason (a library's own warnings folded into it); ``ingest`` fails
when nothing given could be ingested; a file ingested from outside the documents folder that is gone or
broken is reported by one reindex and then forgotten; ``serve`` on a port in use or without its Chroma
server says so in one line; ``ask`` before anything is indexed says how to index instead of refusing.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support import CLI, free_port, summary_counts

NEWSQA = (str(Path(sys.executable).with_name("newsqa")),)
NOT_A_PDF = b"not a pdf at all"  # pypdf logs "invalid pdf header" and "EOF marker not found" for it


def skip_lines(proc: subprocess.CompletedProcess[str], path: Path | str) -> list[str]:
    """Lines of stderr naming ``path``, but for the closing "newsqa: nothing ingested from ..." line."""
    return [ln for ln in proc.stderr.splitlines() if str(path) in ln and not ln.startswith("newsqa: ")]


def assert_no_stray_logs(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    stray = [ln for ln in proc.stderr.splitlines() if ln.startswith(("WARNING", "ERROR"))]
    assert not stray, proc.stderr


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> CLI:
    if not Path(NEWSQA[0]).is_file():
        pytest.fail(f"the newsqa console script is not installed beside {sys.executable}: pip install -e .")
    return CLI.under(tmp_path_factory.mktemp("cli-reporting"), NEWSQA)


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory, corpus_files: Callable[..., list[Path]]) -> list[Path]:
    """Three real articles in a folder that is not the documents folder (one per test that ingests some)."""
    folder = tmp_path_factory.mktemp("elsewhere")
    return [Path(shutil.copy2(f, folder / f.name)) for f in corpus_files(3, max_bytes=3500)]


def test_each_skipped_file_is_reported_once_with_its_reason(cli: CLI, tmp_path: Path, outside: list[Path]) -> None:
    bad_pdf = tmp_path / "broken.pdf"
    bad_pdf.write_bytes(NOT_A_PDF)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    word = tmp_path / "report.docx"
    word.write_bytes(b"PK\x03\x04 not really a Word file")

    proc = cli.run("ingest", str(bad_pdf), str(empty), str(word), str(outside[0]))
    assert proc.returncode == 0, proc.stderr  # one article went in
    assert_no_stray_logs(proc)
    counts = summary_counts(proc.stdout)
    assert (counts["added"], counts["skipped"]) == (1, 3)

    [pdf_line] = skip_lines(proc, bad_pdf)
    assert pdf_line.startswith(f"skipped {bad_pdf}: not a readable PDF"), pdf_line
    # pypdf's own complaints are part of the reason, not lines of their own.
    assert "invalid pdf header" in pdf_line and "EOF marker not found" in pdf_line, pdf_line
    assert proc.stderr.count("invalid pdf header") == 1
    assert skip_lines(proc, empty) == [f"skipped {empty}: empty"]
    assert skip_lines(proc, word) == [f"skipped {word}: unsupported file type '.docx'"]


def test_ingest_fails_when_nothing_given_could_be_ingested(cli: CLI, tmp_path: Path) -> None:
    bad_pdf = tmp_path / "broken.pdf"
    bad_pdf.write_bytes(NOT_A_PDF)
    empty = tmp_path / "empty.md"
    empty.write_text("   \n", encoding="utf-8")

    proc = cli.run("ingest", str(bad_pdf), str(empty))
    assert proc.returncode == 1, proc.stderr
    assert_no_stray_logs(proc)
    assert summary_counts(proc.stdout)["skipped"] == 2
    assert len(skip_lines(proc, bad_pdf)) == len(skip_lines(proc, empty)) == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("newsqa: nothing ingested from ") and "none of the 2 file(s) could be read" in last, last

    nothing_there = tmp_path / "no-articles"
    nothing_there.mkdir()
    proc = cli.run("ingest", str(nothing_there))
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == f"newsqa: nothing ingested from {nothing_there}: no files there"


def test_ask_before_anything_is_indexed_says_how_to_index(
    tmp_path: Path, corpus_files: Callable[..., list[Path]]
) -> None:
    fresh = CLI.under(tmp_path, NEWSQA)
    proc = fresh.run("ask", "Who is the head of US Southern Command?")
    assert proc.returncode == 1, proc.stderr
    assert_no_stray_logs(proc)
    assert proc.stdout == ""
    assert proc.stderr.strip() == (
        f"newsqa: nothing is indexed yet: `newsqa reindex` indexes {fresh.docs} (NEWSQA_DOCUMENTS_DIR), "
        "`newsqa ingest PATH` adds files or folders"
    )

    # Once the folder is indexed, the same command answers (or refuses) over it, exit 0.
    shutil.copy2(corpus_files(1, max_bytes=3500)[0], fresh.docs)
    assert summary_counts(fresh.run("reindex").stdout)["added"] == 1
    proc = fresh.run("ask", "Who is the head of US Southern Command?")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() and "nothing is indexed" not in proc.stderr


def test_reindex_reports_a_gone_or_broken_outside_file_once(cli: CLI, tmp_path: Path, outside: list[Path]) -> None:
    gone, broken = (Path(shutil.copy2(f, tmp_path / f.name)) for f in outside[1:])
    proc = cli.run("ingest", str(gone), str(broken))
    assert proc.returncode == 0, proc.stderr
    assert summary_counts(proc.stdout)["skipped"] == 0

    # Followed while they load: an unchanged outside file is not mentioned.
    proc = cli.run("reindex")
    assert proc.returncode == 0, proc.stderr
    assert not skip_lines(proc, gone) and not skip_lines(proc, broken)

    gone.unlink()
    broken.write_bytes(b"")
    proc = cli.run("reindex")
    assert proc.returncode == 0, proc.stderr
    assert_no_stray_logs(proc)
    [gone_line] = skip_lines(proc, gone)
    assert gone_line.startswith(f"gone {gone}: ") and "no longer followed" in gone_line, gone_line
    [broken_line] = skip_lines(proc, broken)
    assert broken_line.startswith(f"skipped {broken}: empty") and "no longer followed" in broken_line, broken_line
    counts = summary_counts(proc.stdout)
    assert (counts["removed"], counts["skipped"]) == (2, 1)

    # Then forgotten: later runs say nothing about either, and count nothing for them.
    proc = cli.run("reindex")
    assert proc.returncode == 0, proc.stderr
    assert not skip_lines(proc, gone) and not skip_lines(proc, broken), proc.stderr
    counts = summary_counts(proc.stdout)
    assert (counts["removed"], counts["skipped"], counts["added"]) == (0, 0, 0)


def test_serve_on_a_busy_port_says_so_before_loading_anything(cli: CLI) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        proc = cli.run("serve", "--host", "127.0.0.1", "--port", str(port))
        took = time.monotonic() - started
    assert proc.returncode == 1, proc.stderr
    assert_no_stray_logs(proc)
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        f"newsqa: cannot listen on 127.0.0.1:{port}: Address already in use; choose another with --port or NEWSQA_PORT"
    ], proc.stderr
    assert "indexing" not in proc.stderr and took < 30  # no indexing, no model loaded: told at once


def test_serve_with_an_unreachable_chroma_server_fails_in_one_line(cli: CLI) -> None:
    port = free_port()  # nothing listens there
    chroma = {"NEWSQA_CHROMA_HOST": "127.0.0.1", "NEWSQA_CHROMA_PORT": str(port)}
    proc = cli.run("serve", "--host", "127.0.0.1", "--port", str(free_port()), env=chroma)
    assert proc.returncode == 1, proc.stderr
    assert_no_stray_logs(proc)
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(f"newsqa: cannot open Chroma at 127.0.0.1:{port} "), proc.stderr
    assert "serving on" not in proc.stderr


def test_a_server_that_is_not_chroma_is_named_as_such_in_one_line(cli: CLI) -> None:
    # Chroma's client turns a 404 from another kind of server into an exception with no message: the line says
    # what the server answered, not "cannot open Chroma at …: " and nothing.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        proc = cli.run("ask", "Who is X?", env={"NEWSQA_CHROMA_HOST": "127.0.0.1", "NEWSQA_CHROMA_PORT": str(port)})
    finally:
        server.shutdown()
    assert proc.returncode != 0, proc.stderr
    assert_no_stray_logs(proc)
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(f"newsqa: cannot open Chroma at 127.0.0.1:{port} "), proc.stderr
    assert "404" in last, last


@pytest.mark.parametrize("command", ["ask", "serve"])
def test_a_model_the_onnx_backend_cannot_run_fails_in_one_line(cli: CLI, command: str) -> None:
    # A hub name is not a folder on disk: nothing to export from (and nothing may be downloaded).
    env = {"NEWSQA_EMBEDDING_MODEL": "sentence-transformers/all-mpnet-base-v2", "NEWSQA_EMBEDDING_BACKEND": "onnx"}
    # A fresh index: over the module's existing one, the settings check would stop the process first (also in
    # one line, but about the index, not the model).
    fresh = cli.cwd / f"fresh-{command}"
    env.update(NEWSQA_DATA_DIR=str(fresh), NEWSQA_CHROMA_PATH=str(fresh / "chroma"))
    args = ["Who runs the museum?"] if command == "ask" else ["--host", "127.0.0.1", "--port", str(free_port())]
    proc = cli.run(command, *args, env=env)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("newsqa: NEWSQA_EMBEDDING_BACKEND=onnx needs the model on disk"), proc.stderr
    assert "serving on" not in proc.stderr

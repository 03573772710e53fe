"""The real ``newsqa`` CLI in a subprocess: reindex, ingest and ask, with settings from NEWSQA_* variables."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from support import CLI, assert_clean_failure, summary_counts


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory, corpus_files: Callable[..., list[Path]]) -> CLI:
    # Run outside the checkout, so a developer's .env there cannot change the settings.
    cli = CLI.under(tmp_path_factory.mktemp("cli"))
    for f in corpus_files(3, max_bytes=3500):
        shutil.copy2(f, cli.docs / f.name)
    return cli


@pytest.fixture(scope="module")
def first_reindex(cli: CLI) -> subprocess.CompletedProcess[str]:
    return cli.run("reindex")


def test_reindex_prints_summary_and_progress(cli: CLI, first_reindex: subprocess.CompletedProcess[str]) -> None:
    proc = first_reindex
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    counts = summary_counts(proc.stdout)
    assert counts["added"] == 3
    assert counts["updated"] == counts["removed"] == counts["skipped"] == counts["duplicates"] == 0
    assert counts["chunks"] > 0
    # tqdm's bar: "embedding: 100%|...| 12/12 [00:01<00:00, 9.1chunk/s]"
    assert re.search(r"embedding.*\b{0}/{0}\b.*chunk".format(counts["chunks"]), proc.stderr), proc.stderr
    # The records live in Chroma; the data folder holds only caches derived from it.
    assert not (Path(cli.env["NEWSQA_DATA_DIR"]) / "manifest.json").exists()
    assert (Path(cli.env["NEWSQA_DATA_DIR"]) / "bm25" / "entries.jsonl").exists()
    assert Path(cli.env["NEWSQA_CHROMA_PATH"]).is_dir()


def test_second_reindex_embeds_nothing(cli: CLI, first_reindex: subprocess.CompletedProcess[str]) -> None:
    assert first_reindex.returncode == 0
    proc = cli.run("reindex")
    assert proc.returncode == 0, proc.stderr
    counts = summary_counts(proc.stdout)
    assert counts["chunks"] == 0 and counts["unchanged"] >= 3 and counts["added"] == counts["updated"] == 0
    assert "embedding" not in proc.stderr


def test_ingest_of_a_missing_path_fails_cleanly(cli: CLI) -> None:
    assert_clean_failure(cli.run("ingest", "/nonexistent/article.txt"), "/nonexistent/article.txt")


def test_empty_question_fails_cleanly(cli: CLI) -> None:
    assert_clean_failure(cli.run("ask", ""), "empty")
    assert_clean_failure(cli.run("ask", "   "), "empty")


def test_ask_prints_answer_with_sources(cli: CLI, first_reindex: subprocess.CompletedProcess[str]) -> None:
    assert first_reindex.returncode == 0
    proc = cli.run("ask", "Which boy was named America's top young scientist?")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    out = proc.stdout
    answer, _, sources = out.partition("\nSources:\n")
    assert answer.strip(), out
    assert sources, f"no Sources: block in {out!r}"
    cited = re.findall(r"^\s+\[(\d+)\] (.+)$", sources, flags=re.MULTILINE)
    assert cited, out
    assert any("scientist" in title.lower() for _, title in cited), cited
    # Every source number is cited in the answer text.
    for n, _ in cited:
        assert f"[{n}]" in answer


def test_ask_passages_are_indented_without_blank_lines(
    cli: CLI, first_reindex: subprocess.CompletedProcess[str]
) -> None:
    assert first_reindex.returncode == 0
    proc = cli.run("ask", "Which boy was named America's top young scientist?", "--passages")
    assert proc.returncode == 0, proc.stderr
    _, marker, block = proc.stdout.partition("\nRetrieved passages:\n")
    assert marker, proc.stdout
    lines = block.rstrip("\n").split("\n")
    headers = [ln for ln in lines if re.match(r"^  \[\d+\] \S", ln)]
    assert headers, block
    # Each passage: its "[n] title" line, then only lines indented under it: scores, then the rewrapped text.
    assert all(ln in headers or (ln.startswith(" " * 6) and ln.strip()) for ln in lines), block
    assert all(len(ln) <= 100 for ln in lines if ln not in headers), block
    texts = re.split(r"^  \[\d+\] .*\n", block, flags=re.MULTILINE)[1:]
    assert len(texts) == len(headers)
    for text in texts:
        score_line, *body = text.rstrip("\n").split("\n")
        assert re.match(r"^ {6}score=\d\.\d{4} similarity=-?\d\.\d{3}$", score_line), score_line
        assert body and " ".join(b.strip() for b in body).strip(), text

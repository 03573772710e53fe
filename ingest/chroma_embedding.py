"""Our embedding model in Chroma's embedding-function protocol.

Chroma would otherwise fall back to its own default model, which downloads weights at query time.
Kept apart from :mod:`ingest.embedding` so that commands which never touch Chroma don't import it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.utils.embedding_functions import register_embedding_function

from ingest.embedding import Embedder


@register_embedding_function
class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Hands Chroma our model, so Chroma never falls back to its own default (which downloads weights)."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Documents) -> list[np.ndarray]:  # noqa: A002 - Chroma's protocol name
        return list(self._embedder.embed(input))

    def embed_query(self, input: Documents) -> list[np.ndarray]:  # noqa: A002
        return self(input)

    @staticmethod
    def name() -> str:
        return "newsqa-sentence-transformer"

    def is_legacy(self) -> bool:
        return False

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {"model": self._embedder.name, "backend": self._embedder.backend}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        # Collections written before the backend setting existed were embedded by torch.
        return ChromaEmbeddingFunction(Embedder.shared(config["model"], backend=config.get("backend", "torch")))

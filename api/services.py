"""Builds the components once from settings; the HTTP app and the CLI share this wiring."""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ingest.embedding import Embedder
from ingest.indexing import Indexer, IndexReport
from ingest.settings import Settings
from ingest.store import IndexBuiltOtherwise, IndexStore
from qa.answering import Answerer
from qa.generation import ModelConfigError, ModelError, make_generator
from qa.retrieval import Retriever

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    embedder: Embedder
    store: IndexStore
    indexer: Indexer
    _answerer: Answerer | None = None
    _model_error: ModelConfigError | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def answerer(self) -> Answerer:
        """The answerer, its model loaded on first use; a model error is raised again on every call."""
        with self._lock:
            if self._model_error is not None:
                raise self._model_error.with_traceback(None)
            if self._answerer is None:
                store = self.store
                try:
                    generator = make_generator(self.settings, lambda term: store.bm25.weight(term))
                except ModelConfigError as exc:
                    # A wrong setting stays wrong until restart: don't retry loading (a GGUF) on every request.
                    self._model_error = exc
                    raise
                retriever = Retriever(store, self.embedder, self.settings)
                self._answerer = Answerer(retriever, generator, self.settings)
            return self._answerer

    def loaded_answerer(self) -> Answerer | None:
        """The answerer if its model is loaded (no waiting, no loading), else None."""
        return self._answerer if self._model_error is None else None

    def preload_model(self) -> None:
        try:
            self.answerer()
        except ModelError as exc:
            # The service still ingests and lists documents; questions get a 503 naming the setting.
            log.error("%s", exc)


def build_services(settings: Settings) -> Services:
    embedder = Embedder.shared(
        settings.embedding_model, settings.embedding_batch_size, settings.embedding_backend, settings.onnx_cache_dir
    )
    store = IndexStore(settings, embedder)
    return Services(settings, embedder, store, Indexer(store, embedder))


def eval_settings(settings: Settings, corpus: Path) -> Settings:
    """``settings`` for an index of ``corpus`` alone: a folder and collection of its own, named after the
    corpus's path, so evaluating never touches the served index and a second run over the same folder reuses it."""
    corpus = corpus.resolve()
    key = hashlib.sha256(str(corpus).encode()).hexdigest()[:12]
    folder = settings.data_dir / "eval" / key
    return settings.model_copy(
        update={
            "documents_dir": corpus,
            "data_dir": folder,
            "chroma_path": folder / "chroma",
            "collection": f"eval-{key}",  # distinct on a shared Chroma server too
            "onnx_dir": settings.onnx_cache_dir,  # the model's exports are the same for every index
            "watch": False,
        }
    )


def sync_private_index(services: Services, progress: bool = False) -> tuple[IndexReport, str | None]:
    """Bring an index no one else serves from (a benchmark's, an evaluation's) in step with its folder.

    One built with other settings (or by an older newsqa) is only a cache of that folder: it is rebuilt rather
    than refused. Any other failure (another process has the index open, Chroma unreachable) is raised as it is:
    a moment's trouble is no reason to re-embed a corpus. Returns the indexing report and, when it was rebuilt,
    why.
    """
    try:
        return services.indexer.reindex(progress=progress), None
    except IndexBuiltOtherwise as exc:
        return services.indexer.reindex(progress=progress, rebuild=True), str(exc)

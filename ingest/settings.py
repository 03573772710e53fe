"""The one place every setting of the service is declared (env prefix ``NEWSQA_``, reads ``.env``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BUNDLED_EMBEDDING_MODEL = "bundled:all-MiniLM-L6-v2"
EmbeddingBackend = Literal["torch", "onnx", "onnx-int8"]
# The fastest at equal retrieval quality on this project's benchmark (bench/embedding_backends.py).
DEFAULT_EMBEDDING_BACKEND: EmbeddingBackend = "onnx-int8"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSQA_", env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # --- documents and index -------------------------------------------------
    documents_dir: Path = Field(
        Path("seeds"), description="Folder of articles that reindex keeps the index in step with."
    )
    data_dir: Path = Field(Path(".data"), description="Where this process's caches (the BM25 index) and uploads live.")
    chroma_path: Path = Field(Path(".data/chroma"), description="Embedded Chroma (PersistentClient) folder.")
    chroma_host: str | None = Field(
        None, description="Chroma server host; when set, HttpClient is used instead of chroma_path."
    )
    chroma_port: int = Field(8000, description="Chroma server port (with chroma_host).")
    chroma_timeout: float = Field(
        15.0,
        gt=0,
        description="Seconds a request to the Chroma server may take; then the service answers 503 instead of "
        "waiting on a server that stopped answering.",
    )
    collection: str = Field("news", description="Chroma collection name.")
    write_lease_seconds: float = Field(
        15.0,
        gt=0,
        description="How long a writer's lease on the index lasts unrenewed: a writer that died is taken over "
        "after this, and one stopped for longer finds the lease gone and writes nothing more.",
    )

    # --- embedding and chunking ----------------------------------------------
    embedding_model: str = Field(
        BUNDLED_EMBEDDING_MODEL,
        description="sentence-transformers model path or name; the default is the bundled all-MiniLM-L6-v2.",
    )
    embedding_backend: EmbeddingBackend = Field(
        DEFAULT_EMBEDDING_BACKEND,
        description="How the embedding model runs: 'torch' (sentence-transformers), 'onnx' or 'onnx-int8' "
        "(onnxruntime, exported from the model on first use); changing it rebuilds the index.",
    )
    onnx_dir: Path | None = Field(
        None, description="Where the ONNX exports of the embedding model are kept (empty: <data_dir>/onnx)."
    )
    embedding_batch_size: int = Field(32, ge=1, description="Chunks per encode batch.")
    chunk_tokens: int = Field(
        200, ge=16, description="Largest chunk, in the embedding model's word pieces (capped by the model limit)."
    )
    chunk_overlap: int = Field(
        32, ge=0, description="Word pieces of trailing sentences repeated at the start of the next chunk."
    )

    # --- retrieval -------------------------------------------------------------
    top_k: int = Field(
        5,
        ge=1,
        le=20,
        description="Passages ranked for the answerer (the extractive reader, finding no answer in them, reads the "
        "top article whole).",
    )
    candidates: int = Field(50, ge=1, description="Passages each retriever (dense, BM25) contributes to fusion.")
    dense_weight: float = Field(
        0.25, ge=0, le=1, description="Weight of the passage's cosine in fusion (tuned on dev)."
    )
    passage_bm25_weight: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Weight of the passage's own BM25 in fusion; the article's BM25 gets what the two leave.",
    )
    passages_per_article: int = Field(
        2,
        ge=1,
        description="Passages of one article at full score; each further one counts half, so others get a turn.",
    )
    off_topic_coverage: float = Field(
        0.35,
        ge=0,
        le=1,
        description="Below this share of the question's IDF-weighted words found in the retrieved passages, "
        "the question is off topic: refused without asking the model.",
    )
    as_of_half_life_days: float = Field(
        90.0, gt=0, description="With an as-of date, passages lose half their weight per this many days away from it."
    )
    as_of_window_days: int = Field(
        30,
        ge=0,
        description="With an as-of date, a question about 'this week', 'recently' or a weekday is answered only from "
        "articles published at most this many days before it (or a week after).",
    )
    as_of_horizon_days: int = Field(
        60,
        ge=0,
        description="With an as-of date, any other question is answered only from articles published at most this "
        "many days before it (or a week after): older news is stale by then. 0: no limit.",
    )

    # --- answering model -------------------------------------------------------
    llm: str = Field(
        "extractive",
        description="'extractive', 'llamacpp:<path.gguf>' or '<provider>:<model>' (LangChain init_chat_model).",
    )
    llm_base_url: str | None = Field(None, description="Base URL of an OpenAI-compatible server (with openai:<model>).")
    llm_api_key: str | None = Field(None, description="API key for the model provider, if it needs one.")
    llm_temperature: float = Field(0.1, ge=0, le=2, description="Sampling temperature.")
    llm_max_tokens: int = Field(512, ge=1, description="Most tokens the model may write.")
    llm_timeout: float = Field(60.0, gt=0, description="Seconds before a model call is given up.")
    llm_context_tokens: int = Field(
        4096,
        ge=512,
        description="The model's context window, in tokens (llama.cpp's n_ctx; for other backends, what the prompt "
        "and the answer must fit in): the oldest chat turns are left out to fit.",
    )

    # --- HTTP service ------------------------------------------------------------
    host: str = Field("127.0.0.1", description="Address newsqa serve binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port newsqa serve listens on.")
    workers: int = Field(1, ge=1, description="uvicorn worker processes.")
    api_key: str | None = Field(None, description="When set, writes (upload, delete, reindex) need it.")
    api_key_reads: bool = Field(False, description="Also require the API key for reads (ask, documents, health).")
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed by CORS (JSON list or comma-separated)."
    )
    max_upload_mb: float = Field(10.0, gt=0, description="Largest accepted upload, in MB.")
    max_request_kb: float = Field(
        256.0, gt=0, description="Largest body of a question (/ask, /v1/chat/completions), in KB, history included."
    )
    watch: bool = Field(False, description="Watch documents_dir and re-index when files arrive, change or go.")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip().startswith("["):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @field_validator("onnx_dir", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def onnx_cache_dir(self) -> Path:
        return self.onnx_dir if self.onnx_dir is not None else self.data_dir / "onnx"

    @property
    def bm25_dir(self) -> Path:
        return self.data_dir / "bm25"

    @property
    def uploads_dir(self) -> Path:
        """Articles uploaded over HTTP: data, not part of the documents folder or the checkout."""
        return self.data_dir / "uploads"


@lru_cache
def get_settings() -> Settings:
    return Settings()

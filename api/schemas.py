"""Request and response bodies of the HTTP API."""

from __future__ import annotations

import re
from dataclasses import MISSING, fields
from datetime import date
from typing import Annotated, Any, Literal, get_type_hints

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, HttpUrl, create_model, field_validator

from ingest.catalogue import BOOKKEEPING, Chunk, Page
from ingest.store import DocumentRecord

# Bounds of a question and its conversation. The whole body is bounded as well (NEWSQA_MAX_REQUEST_KB), and what
# reaches the model is trimmed to its context window (qa.prompt), so these only refuse what no chat sends.
MAX_QUESTION_CHARS = 2000
MAX_TURN_CHARS = 20_000
MAX_HISTORY_TURNS = 50
# OpenAI's messages: the turns, the question, and room for the client's system and developer messages.
MAX_MESSAGES = MAX_HISTORY_TURNS + 14
MAX_CONTENT_PARTS = 32


def _iso_date(value: object) -> object:
    # Pydantic would also read 0 or "0" as a Unix time (1970-01-01): a number sent by mistake is an error, not a date.
    if isinstance(value, date) or (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        return value
    raise ValueError("a date is written YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class ChatMessage(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TURN_CHARS)


class AskFilters(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str | None = Field(None, max_length=200, description="Only passages from this source, e.g. 'cnn.com'.")
    published_after: IsoDate | None = Field(None, description="Published on or after (YYYY-MM-DD).")
    published_before: IsoDate | None = Field(None, description="Published on or before (YYYY-MM-DD).")


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    top_k: int | None = Field(
        None, ge=1, le=20, description="Passages ranked for the answerer (NEWSQA_TOP_K, 5, when not given)."
    )
    filters: AskFilters | None = None
    as_of: IsoDate | None = Field(
        None,
        description="The date the question is asked as of: 'this week' means the week before it, and only articles "
        "published in the NEWSQA_AS_OF_HORIZON_DAYS (60) days before it, or the week after, answer.",
    )
    history: list[ChatMessage] = Field(
        default_factory=list,
        max_length=MAX_HISTORY_TURNS,
        description="Earlier turns, oldest first; the oldest are left out when they would not fit the model's context.",
    )

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("question must not be blank")
        return value.strip()


class CitationOut(BaseModel):
    n: int
    doc_id: str
    title: str
    url: str
    published: str
    source: str
    chunk_id: str
    snippet: str
    score: float
    author: str = ""


class PassageOut(CitationOut):
    text: str
    similarity: float
    ranked: bool = Field(
        True,
        description="False for a passage the extractive reader read only because its article ranked first: it has "
        "a cosine but no score of its own (score 0).",
    )


class Timings(BaseModel):
    retrieve: float
    generate: float
    check: float = Field(0.0, description="Part of generate: checking each sentence against the passages.")
    total: float


class AskResponse(BaseModel):
    answer: str
    citations: list[CitationOut]
    passages: list[PassageOut]
    grounded: bool
    abstained: bool = Field(
        False, description="True when the answer is the refusal sentence, or ends with it after what it could state."
    )
    reason: Literal["off_topic", "empty_index", "no_supporting_sentence", "model_declined"] | None = Field(
        None,
        description=(
            "Why it abstained: no rare question word retrieved; nothing indexed yet; no retrieved sentence answers it"
            " (what a model stated included); or the model declined or stated nothing."
        ),
    )
    unsupported: list[str] = Field(
        default_factory=list, description="Model-written sentences no cited passage supports."
    )
    model: str
    invalid_citations: list[int] = []
    standalone_question: str
    timings_ms: Timings


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=1000)
    text: str = Field(min_length=1, max_length=5_000_000)
    url: HttpUrl | None = None
    published: IsoDate | None = None
    source: str = Field("", max_length=200)
    author: str = Field("", max_length=200)

    @field_validator("title", "text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


def _fields_of(record: type, hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A dataclass's fields as pydantic field definitions, less ``hidden``: a body that shows a record is derived
    from the record, whose fields are written once (an author added there shows here too)."""
    types = get_type_hints(record)
    return {
        f.name: (types[f.name], ... if f.default is MISSING and f.default_factory is MISSING else f.default)
        for f in fields(record)
        if f.name not in hidden
    }


# An article as listed: its record (ingest.store.DocumentRecord) less the index's bookkeeping, and, in the answer to
# an upload, what became of it ("added", "updated", "unchanged", "duplicate").
DocumentOut: type[BaseModel] = create_model(
    "DocumentOut", **_fields_of(DocumentRecord, BOOKKEEPING), status=(str | None, None)
)
ChunkOut: type[BaseModel] = create_model("ChunkOut", **_fields_of(Chunk))
DocumentPage: type[BaseModel] = create_model(
    "DocumentPage",
    **{**_fields_of(Page), "items": (list[DocumentOut], ...)},  # type: ignore[valid-type]
)
DocumentDetail: type[BaseModel] = create_model(
    "DocumentDetail",
    __base__=DocumentOut,
    chunk_texts=(list[ChunkOut], []),  # type: ignore[valid-type]
)


class ReindexOut(BaseModel):
    added: int
    updated: int
    removed: int
    unchanged: int
    skipped: int
    duplicates: int
    chunks: int
    seconds: float
    skipped_files: list[dict[str, str]] = []


class AuthInfo(BaseModel):
    writes: bool
    reads: bool


class HealthOut(BaseModel):
    status: str
    documents: int
    chunks: int
    model: str
    model_error: str | None = None
    embedding_model: str
    embedding_backend: str
    auth: AuthInfo


class OpenAIMessage(BaseModel):
    role: str = Field(max_length=64)
    content: (
        Annotated[str, Field(max_length=MAX_TURN_CHARS)]
        | Annotated[list[dict[str, object]], Field(max_length=MAX_CONTENT_PARTS)]
        | None
    ) = None

    def text(self) -> str:
        if isinstance(self.content, list):  # the content-parts form: keep the text parts
            return " ".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    model: str = "newsqa"
    messages: list[OpenAIMessage] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False
    temperature: float | None = None
    max_tokens: int | None = None


class ChatChoiceMessage(BaseModel):
    role: Literal["assistant"]
    content: str


class ChatChoice(BaseModel):
    index: int
    message: ChatChoiceMessage
    finish_reason: str


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage
    citations: list[str] = Field(description="The cited articles' URLs (or document ids), in citation order.")


class ModelInfo(BaseModel):
    id: str
    object: Literal["model"]
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"]
    data: list[ModelInfo]


UploadOut: type[BaseModel] = create_model(
    "UploadOut",
    __base__=DocumentOut,
    documents=(
        list[DocumentOut],  # type: ignore[valid-type]
        Field(description="Every article of the file (a feed or JSONL file holds several)."),
    ),
)


class DeletedOut(BaseModel):
    doc_id: str
    deleted: bool


# --- errors ---------------------------------------------------------------------------------------------
class ErrorOut(BaseModel):
    detail: str = Field(description="What was wrong, in words.")


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(ErrorOut):
    errors: list[FieldError] = Field(default_factory=list, description="Each invalid field, when fields were.")


class OpenAIError(BaseModel):
    message: str
    type: Literal["invalid_request_error", "server_error"]
    param: str | None
    code: str | None


class OpenAIErrorOut(BaseModel):
    error: OpenAIError

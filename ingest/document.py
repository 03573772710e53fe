"""The records that flow from loading through chunking into the index."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field


def short_hash(text: str, length: int = 16) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


@dataclass(slots=True)
class Document:
    """One article. ``doc_id`` is stable: derived from its path under the documents folder or its URL."""

    doc_id: str
    title: str
    text: str
    source: str = ""
    published: str = ""  # ISO date (YYYY-MM-DD) or ""
    url: str = ""
    author: str = ""
    path: str = ""  # where it was loaded from, relative to the documents folder when inside it

    def __post_init__(self) -> None:
        # One spelling of "González" (NFC, as keyboards type it), whatever the file had: written with a combining
        # accent, its BM25 tokens were "gonza" and "lez", and a question naming her matched neither.
        self.title, self.text, self.author, self.source = (
            unicodedata.normalize("NFC", x) for x in (self.title, self.text, self.author, self.source)
        )

    @property
    def content_hash(self) -> str:
        # Title and body only: the same article saved under two names hashes the same.
        return hashlib.sha256(f"{self.title}\n{self.text}".encode()).hexdigest()


@dataclass(slots=True)
class Chunk:
    """A passage of a document, small enough for the embedding model to see whole."""

    chunk_id: str
    doc_id: str
    text: str
    start: int  # character offsets of ``text`` in the document text
    end: int
    index: int  # position among the document's chunks
    metadata: dict[str, str | int] = field(default_factory=dict)

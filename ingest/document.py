"""The records that flow from loading through chunking into the index."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field


def short_hash(text: str, length: int = 16) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:length]


def nfc(text: str) -> str:
    """``text`` in NFC, the one form the index holds and questions are read in: "González" written with a combining
    accent gave the BM25 tokens "gonza" and "lez", and a question typed with a keyboard's "á" matched neither."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


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
        self.title, self.text, self.author, self.source = map(nfc, (self.title, self.text, self.author, self.source))

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

"""PDF files (.pdf): the text of every page, titled from the PDF's metadata or its first line."""

from __future__ import annotations

import io
import logging
from pathlib import Path

from ingest.document import Document, short_hash
from ingest.loaders.common import clean, first_line, normalise_newlines
from ingest.loaders.errors import LoadError

logger = logging.getLogger(__name__)


def load(data: bytes, display: str, path: Path) -> list[Document]:
    if not data.strip():
        raise LoadError("empty")
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            # Many "protected" PDFs only restrict printing and open with the empty user password.
            try:
                unlocked = reader.decrypt("")
            except Exception as exc:  # missing crypto backend, unsupported algorithm
                raise LoadError(f"encrypted PDF ({exc})") from exc
            if not unlocked:
                raise LoadError("encrypted PDF (password required)")
        pages = [normalise_newlines(page.extract_text() or "").strip() for page in reader.pages]
    except LoadError:
        raise
    except Exception as exc:  # pypdf raises PdfReadError, ValueError, KeyError, ... on broken files
        raise LoadError(f"not a readable PDF ({type(exc).__name__}: {exc})") from exc

    text = "\n\n".join(p for p in pages if p)
    if not text:
        raise LoadError("no text could be extracted (scanned PDF?)")

    meta_title = meta_author = ""
    try:
        if reader.metadata is not None:
            meta_title = clean(reader.metadata.title)
            meta_author = clean(reader.metadata.author)
    except Exception:  # a broken info dictionary should not lose readable text
        logger.debug("%s: unreadable PDF metadata", display, exc_info=True)

    # The creation date is when the PDF was produced, not when the article was published,
    # so ``published`` stays empty rather than misleading "latest news" questions.
    return [
        Document(
            doc_id=short_hash(display),
            title=meta_title or first_line(text),
            text=text,
            author=meta_author,
            path=display,
        )
    ]

"""Sentence-aware chunking sized in the embedding model's own word pieces.

A chunk never exceeds the model's input limit, title included, because the model would otherwise
silently drop its tail: the dropped text could be retrieved by BM25 but never by meaning.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from datetime import date

from ingest.document import Chunk, Document

TokenCounter = Callable[[Sequence[str]], list[int]]

# A sentence ends at . ! ? or … (optionally followed by closing quotes/brackets) before whitespace and
# an opening capital, digit or quote; a line break always ends one (headlines, list items, bylines).
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n+")
# "U.S.", "Dr.", "ST. LOUIS": a period after these rarely ends a sentence. So after the longer ones news
# writes before a name or a number ("Sept. 15", "Reps. Cawthorn", "Dobbs v. Jackson", "Ovechkin vs.
# Gretzky"; in the RealTime QA corpus these were 380 false sentence ends), also after "(" or a quote.
_ABBREVIATION = re.compile(
    r"(?:^|[\s(\[\"'“‘])(?:(?:[A-Za-z]\.){2,}|[A-Z][a-z]{0,2}\.|[A-Z]{1,3}\."
    r"|Sept\.|(?:Rep|Sen|Gov|Gen)s\.|Prof\.|Capt\.|Cmdr\.|Supt\.|vs?\.)$"
)
_TITLE_SEPARATOR = "\n"
# Special tokens ([CLS], [SEP]) the model adds around every input.
_SPECIAL_TOKENS = 2


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if "\n" not in match.group() and _ABBREVIATION.search(text, max(0, match.start() - 12), match.start()):
            continue
        _append_trimmed(text, start, match.start() + _closing_len(match.group()), spans)
        start = match.end()
    _append_trimmed(text, start, len(text), spans)
    return spans


def _closing_len(separator: str) -> int:
    # Closing quotes/brackets matched by the separator belong to the sentence before it.
    return len(separator) - len(separator.lstrip("\"'”’)]"))


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def embedding_text(title: str, text: str) -> str:
    """What the model embeds for a chunk: the title gives every passage its article's context."""
    return f"{title}{_TITLE_SEPARATOR}{text}" if title else text


class Chunker:
    def __init__(
        self,
        count_tokens: TokenCounter,
        model_max_tokens: int,
        chunk_tokens: int = 200,
        overlap_tokens: int = 32,
        token_offsets: Callable[[str], list[tuple[int, int]]] | None = None,
    ) -> None:
        self.count_tokens = count_tokens
        # With the tokenizer's offsets a document is tokenised once, and sentence costs are read off it.
        self._token_offsets = token_offsets
        self.limit = min(chunk_tokens, model_max_tokens)
        self.model_max_tokens = model_max_tokens
        self.overlap = min(overlap_tokens, self.limit // 2)
        self._titles: dict[str, str] = {}

    def embedding_input(self, chunk: Chunk) -> str:
        """The exact text the model embeds for ``chunk`` (title fitted as when it was sized)."""
        return embedding_text(self.fit_title(str(chunk.metadata.get("title", ""))), chunk.text)

    def chunk(self, doc: Document) -> list[Chunk]:
        title = self.fit_title(doc.title)
        title_cost = self.count_tokens([title + _TITLE_SEPARATOR])[0] - _SPECIAL_TOKENS if title else 0
        budget = max(8, self.limit - _SPECIAL_TOKENS - title_cost)

        spans, costs = self._pieces(doc.text, budget)

        groups: list[tuple[int, int]] = []  # [first, last) indices into spans
        first, used = 0, 0
        for i, cost in enumerate(costs):
            if used + cost > budget and i > first:
                groups.append((first, i))
                first = self._overlap_start(costs, first, i, room=budget - cost)
                used = sum(costs[first:i])
            used += cost
        if first < len(spans):
            groups.append((first, len(spans)))

        chunks = [self._make_chunk(doc, i, spans[a][0], spans[b - 1][1]) for i, (a, b) in enumerate(groups)]
        return self._enforce_limit(doc, title, chunks)

    def _overlap_start(self, costs: list[int], first: int, end: int, room: int) -> int:
        """Index from which trailing sentences of [first, end) fit in the overlap, never the whole group."""
        start, carried, limit = end, 0, min(self.overlap, room)
        while start - 1 > first and carried + costs[start - 1] <= limit:
            start -= 1
            carried += costs[start]
        return start

    def _pieces(self, text: str, budget: int) -> tuple[list[tuple[int, int]], list[int]]:
        """Sentences, and windows of over-long sentences, with their costs in word pieces."""
        spans = sentence_spans(text)
        pieces: list[tuple[int, int]] = []
        costs: list[int] = []
        if self._token_offsets is None:
            for (s, e), cost in zip(spans, self.count_tokens([text[s:e] for s, e in spans]), strict=True):
                windows = [(s, e)] if cost - _SPECIAL_TOKENS <= budget else _split_words(text, s, e, budget)
                pieces += windows
                costs += [cost - _SPECIAL_TOKENS] if len(windows) == 1 else [budget] * len(windows)
            return pieces, costs
        offsets = self._token_offsets(text)
        starts = [a for a, _ in offsets]
        for s, e in spans:
            first, last = bisect_left(starts, s), bisect_left(starts, e)
            if last - first <= budget:
                pieces.append((s, e))
                costs.append(last - first)
                continue
            k, start = first, s
            while k < last:
                end = min(k + budget, last)
                if end < last:
                    # Cut before a word, not inside one (pieces of one word touch); a window-long "word" is cut anyway.
                    cut = end
                    while cut > k and offsets[cut][0] <= offsets[cut - 1][1]:
                        cut -= 1
                    end = cut if cut > k else end
                # Up to the next window's first piece, so characters without a piece (accents, zero-width) stay.
                stop = offsets[end][0] if end < last else e
                while stop > start and text[stop - 1].isspace():
                    stop -= 1
                pieces.append((start, stop))
                costs.append(end - k)
                k = end
                start = offsets[k][0] if k < last else e
        return pieces, costs

    def fit_title(self, title: str) -> str:
        # A title may take at most a quarter of the window; the body is what answers questions.
        if title in self._titles:
            return self._titles[title]
        words = title.split()
        while words and self.count_tokens([" ".join(words)])[0] > self.limit // 4:
            words = words[: max(1, len(words) * 3 // 4)] if len(words) > 1 else []
        self._titles[title] = " ".join(words)
        return self._titles[title]

    def _make_chunk(self, doc: Document, index: int, start: int, end: int) -> Chunk:
        return Chunk(
            chunk_id=f"{doc.doc_id}:{index:04d}",
            doc_id=doc.doc_id,
            text=doc.text[start:end],
            start=start,
            end=end,
            index=index,
            metadata=chunk_metadata(doc),
        )

    def _enforce_limit(self, doc: Document, title: str, chunks: list[Chunk]) -> list[Chunk]:
        """Token counts of joined sentences can exceed their sum for some tokenizers: verify, split if so."""
        counts = self.count_tokens([embedding_text(title, c.text) for c in chunks])
        if all(n <= self.limit for n in counts):
            return chunks
        fixed: list[tuple[int, int]] = []
        for chunk, n in zip(chunks, counts, strict=True):
            if n <= self.limit:
                fixed.append((chunk.start, chunk.end))
                continue
            mid = chunk.start + len(chunk.text) // 2
            cut = doc.text.rfind(" ", chunk.start, mid) if " " in chunk.text else mid
            cut = cut if cut > chunk.start else mid
            fixed.extend([(chunk.start, cut), (cut, chunk.end)])
        rebuilt = [self._make_chunk(doc, i, *_trim(doc.text, s, e)) for i, (s, e) in enumerate(fixed)]
        return self._enforce_limit(doc, title, rebuilt)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    spans: list[tuple[int, int]] = []
    _append_trimmed(text, start, end, spans)
    return spans[0] if spans else (start, end)


def _split_words(text: str, start: int, end: int, budget: int) -> list[tuple[int, int]]:
    """Fallback without token offsets: windows of half the budget in words (a word is at least one piece)."""
    words = [(start + m.start(), start + m.end()) for m in re.finditer(r"\S+", text[start:end])]
    step = max(1, budget // 2)
    return [(words[i][0], words[min(i + step, len(words)) - 1][1]) for i in range(0, len(words), step)]


def chunk_metadata(doc: Document) -> dict[str, str | int]:
    return {
        "doc_id": doc.doc_id,
        "title": doc.title,
        "source": doc.source,
        "published": doc.published,
        "published_day": published_day(doc.published),
        "url": doc.url,
        "author": doc.author,
        "path": doc.path,
    }


def published_day(iso: str) -> int:
    """Days since 1970-01-01, so Chroma's numeric range filters can compare dates; -1 when unknown."""
    try:
        return date.fromisoformat(iso[:10]).toordinal() - date(1970, 1, 1).toordinal()
    except ValueError:
        return -1

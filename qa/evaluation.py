"""Evaluation: ask every question of a question file and measure retrieval and answers (``newsqa eval``).

A question file is JSON Lines in the layout of ``../shared/eval/*/questions``: ``question``, ``answers`` (any
one counts; empty: the question is unanswerable from the corpus), optional ``id``, ``type``, ``evidence_files``
(corpus files that answer it) and a date field for ``as_of``.

Retrieval (questions with ``evidence_files`` only): hit@1, hit@5 and MRR@10 of the first article holding an
evidence file among the articles of the top 10 passages, for hybrid retrieval and, over the same index,
dense-only and BM25-only rankings (and the LangChain tutorial pipeline when given one).
Answers: the share of answerable questions whose answer contains a gold answer, whose cited passages contain
one, and both (cited passages or their article's author, date, source); refusals on answerable and on
unanswerable questions; median words of the answers stated; latency.

"Contains" is the normalised containment bench/quality.py has always used (lower case, accents and
punctuation but ``$ % .`` dropped), so figures stay comparable across versions.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import statistics
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ingest.store import IndexStore
from ingest.tutorial import TutorialIndex
from qa.answering import Answer, Answerer
from qa.passage import Passage

SCHEMA = 1
K = 10  # MRR@10: rankings look at the articles of the top 10 passages
HYBRID, DENSE, BM25 = "hybrid", "dense_only", "bm25_only"
BASELINE = "langchain_baseline"
# Only bench/quality.py asks for these two: they explain the hybrid figure rather than describe the system.
HYBRID_NO_AS_OF, BM25_ARTICLES = "hybrid_no_as_of", "bm25_articles_only"
_MARKER = re.compile(r"\[\d+\]")


class EvalError(ValueError):
    """The questions or the corpus cannot be evaluated; the message names the file and line."""


# --------------------------------------------------------------------------- questions


@dataclass(frozen=True, slots=True)
class EvalQuestion:
    id: str
    question: str
    answers: tuple[str, ...]  # empty: unanswerable from the corpus
    evidence_files: tuple[str, ...] = ()
    type: str = ""
    as_of: date | None = None

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


def load_questions(path: Path, as_of_field: str | None = None) -> list[EvalQuestion]:
    """Every question of the JSON Lines file ``path``; a line that breaks the layout is an :class:`EvalError`."""
    if not path.is_file():
        raise EvalError(f"no such questions file: {path}")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise EvalError(f"{path} is not UTF-8 text: {exc}") from exc
    questions: list[EvalQuestion] = []
    for n, line in enumerate(lines, 1):
        if line.strip():
            questions.append(_question(json_line(path, n, line), f"{path}:{n}", as_of_field, str(n)))
    if not questions:
        raise EvalError(f"{path} holds no questions")
    return questions


def json_line(path: Path, n: int, line: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise EvalError(f"{path}:{n}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(record, dict):
        raise EvalError(f"{path}:{n}: expected a JSON object, got {type(record).__name__}")
    return record


def _question(record: dict[str, Any], where: str, as_of_field: str | None, default_id: str) -> EvalQuestion:
    text = record.get("question")
    if not isinstance(text, str) or not text.strip():
        raise EvalError(f"{where}: 'question' must be a non-empty string")
    answers = _strings(record, "answers", where, required=True)
    evidence = _strings(record, "evidence_files", where, required=False)
    as_of = None
    if as_of_field:
        if as_of_field not in record:
            raise EvalError(f"{where}: no {as_of_field!r} field (--as-of-field {as_of_field})")
        as_of = _date(record[as_of_field], f"{where}: {as_of_field!r}")
    return EvalQuestion(
        str(record.get("id", default_id)), text.strip(), answers, evidence, str(record.get("type", "")), as_of
    )


def _strings(record: dict[str, Any], key: str, where: str, required: bool) -> tuple[str, ...]:
    if key not in record and not required:
        return ()
    value = record.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise EvalError(f"{where}: {key!r} must be a list of strings" + ("" if required else " when given"))
    return tuple(v for v in value if v.strip())


def _date(value: Any, where: str) -> date:
    try:
        # RealTime QA writes quiz dates as 2022/06/23.
        return date.fromisoformat(str(value).strip().replace("/", "-")[:10])
    except ValueError as exc:
        raise EvalError(f"{where} is not a date (YYYY-MM-DD): {value!r}") from exc


# --------------------------------------------------------------------------- measures


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", re.sub(r"[^\w$%.]+", " ", text)).strip()


def contains(text: str, answers: Iterable[str]) -> bool:
    hay = f" {normalise(text)} "
    return any(f" {normalise(a)} " in hay or normalise(a) in hay for a in answers if normalise(a))


def contains_words(text: str, answers: Iterable[str]) -> bool:
    """Every word of a gold answer is in ``text``, in any order, articles aside: "steel and aluminum" holds "Aluminum
    and steel", "the so-called Windsor framework" "The Windsor Framework". Looser than :func:`contains`, as the
    token-level measures of SQuAD and RealTime QA are; shown beside it, never instead."""
    have = set(normalise(text).split())
    return any((need := set(normalise(a).split()) - _ARTICLES) and need <= have for a in answers)


_ARTICLES = frozenset({"a", "an", "the"})


def rank_of_evidence(keys: Sequence[str], evidence: set[str], k: int = K) -> int | None:
    """1-based rank of the first evidence article among the distinct articles of ``keys`` (one per passage)."""
    seen: list[str] = []
    for key in keys:
        if key not in seen:
            seen.append(key)
        if len(seen) > k:
            break
        if key in evidence:
            return seen.index(key) + 1
    return None


def metrics(ranks: Sequence[int | None]) -> dict[str, float]:
    n = len(ranks)
    return {
        "hit@1": round(sum(1 for r in ranks if r == 1) / n, 3),
        "hit@5": round(sum(1 for r in ranks if r is not None and r <= 5) / n, 3),
        "mrr@10": round(sum(1 / r for r in ranks if r is not None and r <= 10) / n, 3),
    }


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank value below ``q`` (bench/quality.py's p95 since its first version)."""
    return sorted(values)[int(q * (len(values) - 1))]


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def stated_words(text: str) -> int:
    return len(_MARKER.sub("", text).split())


def passage_evidence(p: Passage) -> str:
    """What a citation of ``p`` shows a reader: the passage's text plus its article's headline and record (an
    answer may quote the headline, or the author, date and source)."""
    return f"{p.text} {p.title} {p.author} {p.published} {p.source}"


def cited_evidence(answer: Answer) -> str:
    """What the answer's citations show a reader: passage text plus the article's metadata."""
    cited = {c.n for c in answer.citations}
    return " ".join(passage_evidence(p) for p in answer.passages if p.n in cited)


def cited_text(answer: Answer) -> str:
    cited = {c.n for c in answer.citations}
    return " ".join(p.text for p in answer.passages if p.n in cited)


# --------------------------------------------------------------------------- the run


class Evaluator:
    """Asks questions of one index (``answerer``'s) and, optionally, of the tutorial pipeline's (``baseline``)."""

    def __init__(self, answerer: Answerer, baseline: TutorialIndex | None = None, extra_rankings: bool = False) -> None:
        self.answerer = answerer
        self.retriever = answerer.retriever
        self.store: IndexStore = answerer.retriever.store
        self.baseline = baseline
        self.extra_rankings = extra_rankings

    def run(
        self,
        questions: Sequence[EvalQuestion],
        progress: bool = False,
        on_answer: Callable[[EvalQuestion, Answer, dict[str, Any]], None] | None = None,
        source: str = "",
        as_of_field: str | None = None,
    ) -> dict[str, Any]:
        """The report of asking ``questions`` (read from ``source`` with ``as_of_field``); ``on_answer`` sees
        each answer and its row before the next question is asked."""
        started = time.perf_counter()
        doc_keys = self._doc_keys()
        baseline_files = set(self.baseline_files()) if self.baseline else set()
        rows: list[dict[str, Any]] = []
        for q in tqdm(questions, desc="asking", unit="question", disable=not progress, file=sys.stderr):
            row = self._row(q)
            if q.evidence_files:
                evidence = {doc for name in q.evidence_files for doc in doc_keys.get(name, ())}
                row["evidence_found"] = bool(evidence)
                row["ranks"] = self._ranks(q, evidence)
                if self.baseline is not None:
                    wanted = {f for f in baseline_files if _names_file(q.evidence_files, f)}
                    row["ranks"][BASELINE] = rank_of_evidence(self.baseline.search(q.question, K), wanted)
            answer = self.answerer.ask(q.question, as_of=q.as_of)
            row.update(self.judge(q, answer))
            if on_answer is not None:
                on_answer(q, answer, row)
            rows.append(row)
        return self._report(rows, time.perf_counter() - started, source, as_of_field)

    def baseline_files(self) -> list[str]:
        assert self.baseline is not None
        got = self.baseline.collection.get(include=["metadatas"])
        return sorted({str(m["file"]) for m in got["metadatas"]})

    def _doc_keys(self) -> dict[str, set[str]]:
        """Each file name (and path under the corpus) to the article holding its chunks: a file whose content
        was indexed once under another name counts as that article."""
        keys: dict[str, set[str]] = {}
        for doc in self.store.manifest.documents.values():
            target = doc.duplicate_of or doc.doc_id
            for name in {doc.path, Path(doc.path).name}:
                keys.setdefault(name, set()).add(target)
        return keys

    def _ranks(self, q: EvalQuestion, evidence: set[str]) -> dict[str, int | None]:
        bm25, store = self.store.bm25, self.store

        def doc_of(chunk_id: str) -> str:
            entry = bm25.entry(chunk_id)
            return entry.doc_id if entry else chunk_id

        hybrid = self.retriever.retrieve(q.question, K, as_of=q.as_of)
        dense = store.dense_search(self.retriever.embedder.embed_query(q.question), K, None)
        lexical = bm25.search(q.question, K)
        ranks = {
            HYBRID: rank_of_evidence([p.doc_id for p in hybrid.passages], evidence),
            DENSE: rank_of_evidence([doc_of(c) for c, _ in dense], evidence),
            BM25: rank_of_evidence([doc_of(c) for c, _ in lexical], evidence),
        }
        if self.extra_rankings:
            plain = self.retriever.retrieve(q.question, K) if q.as_of else hybrid
            ranks[HYBRID_NO_AS_OF] = rank_of_evidence([p.doc_id for p in plain.passages], evidence)
            scores = bm25.article_scores(bm25.search_articles(q.question, K))
            ranks[BM25_ARTICLES] = rank_of_evidence(sorted(scores, key=scores.__getitem__, reverse=True)[:K], evidence)
        return ranks

    @staticmethod
    def _row(q: EvalQuestion) -> dict[str, Any]:
        return {
            "id": q.id,
            "question": q.question,
            "type": q.type,
            "answers": list(q.answers),
            "as_of": q.as_of.isoformat() if q.as_of else None,
            "evidence_files": list(q.evidence_files),
            "evidence_found": None,
            "ranks": None,
        }

    @staticmethod
    def judge(q: EvalQuestion, answer: Answer) -> dict[str, Any]:
        row: dict[str, Any] = {
            "answer": answer.answer,
            "abstained": answer.abstained,
            "reason": answer.reason,
            "words": stated_words(answer.answer),
            "contains_gold": None,
            "cited_passages_contain_gold": None,
            "right_and_cited": None,
            "latency_ms": {k: answer.timings_ms.get(k, 0.0) for k in ("total", "retrieve", "generate")},
        }
        if q.answerable:
            hit = contains(answer.answer, q.answers)
            row["contains_gold"] = hit
            row["cited_passages_contain_gold"] = contains(cited_text(answer), q.answers)
            row["right_and_cited"] = hit and contains(cited_evidence(answer), q.answers)
        return row

    def _report(
        self, rows: list[dict[str, Any]], seconds: float, source: str, as_of_field: str | None
    ) -> dict[str, Any]:
        answerable = [r for r in rows if r["answers"]]
        unanswerable = [r for r in rows if not r["answers"]]
        ranked = [r for r in rows if r["ranks"] is not None]
        names = list(ranked[0]["ranks"]) if ranked else []
        stated = [r["words"] for r in answerable if not r["abstained"]]

        def count(which: list[dict[str, Any]], key: str) -> int:
            return sum(bool(r[key]) for r in which)

        def latency(key: str) -> list[float]:
            return [r["latency_ms"][key] for r in rows]

        counts = {
            "contains_gold": count(answerable, "contains_gold"),
            "cited_passages_contain_gold": count(answerable, "cited_passages_contain_gold"),
            "right_and_cited": count(answerable, "right_and_cited"),
            "refused_answerable": count(answerable, "abstained"),
            "refused_unanswerable": count(unanswerable, "abstained"),
        }
        store = self.store
        settings = store.settings
        return {
            "schema": SCHEMA,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "seconds": round(seconds, 1),
            "questions": {
                "file": source,
                "as_of_field": as_of_field,
                "total": len(rows),
                "answerable": len(answerable),
                "unanswerable": len(unanswerable),
                "with_evidence": len(ranked),
                "as_of": sum(r["as_of"] is not None for r in rows),
            },
            "index": {
                "corpus": str(settings.documents_dir),
                "articles": len(store.manifest.listed()),
                "chunks": store.count(),
                "collection": settings.collection,
                "data_dir": str(settings.data_dir),
                "baseline_chunks": self.baseline.count() if self.baseline else None,
            },
            "model": self.answerer.generator.name,
            "retrieval": {
                "questions": len(ranked),
                "skipped": None if ranked else "no question has evidence_files",
                "evidence_not_in_corpus": [r["id"] for r in ranked if not r["evidence_found"]],
                "rankings": {name: metrics([r["ranks"][name] for r in ranked]) for name in names},
            },
            "answers": {
                "contains_gold": share(counts["contains_gold"], len(answerable)),
                "cited_passages_contain_gold": share(counts["cited_passages_contain_gold"], len(answerable)),
                "right_and_cited": share(counts["right_and_cited"], len(answerable)),
                "refused_answerable": share(counts["refused_answerable"], len(answerable)),
                "refused_unanswerable": share(counts["refused_unanswerable"], len(unanswerable)),
                "median_words": statistics.median(stated) if stated else None,
                "counts": counts,
            },
            "latency_ms": {
                "p50": round(statistics.median(latency("total")), 1),
                "p95": round(percentile(latency("total"), 0.95), 1),
                "retrieve_p50": round(statistics.median(latency("retrieve")), 1),
                "generate_p50": round(statistics.median(latency("generate")), 2),
                "generate_p95": round(percentile(latency("generate"), 0.95), 2),
            },
            "settings": {
                "embedding_model": settings.embedding_model,
                "embedding_backend": settings.embedding_backend,
                "chunk_tokens": settings.chunk_tokens,
                "chunk_overlap": settings.chunk_overlap,
                "top_k": settings.top_k,
                "candidates": settings.candidates,
                "dense_weight": settings.dense_weight,
                "passage_bm25_weight": settings.passage_bm25_weight,
                "passages_per_article": settings.passages_per_article,
                "off_topic_coverage": settings.off_topic_coverage,
                "as_of_half_life_days": settings.as_of_half_life_days,
            },
            "machine": machine(),
            "per_question": rows,
        }


def _names_file(evidence: Iterable[str], file: str) -> bool:
    return any(e in (file, Path(file).name) for e in evidence)


def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    # Latency on a shared machine says as much about the other processes as about this code.
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "load_average_1min_at_end": load}

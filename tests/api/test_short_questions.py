"""Short, natural questions over HTTP: ../shared/eval/short-dev's articles and the seed, the default model.

Every answerable question is answered with its fact, cited to the passage that holds it (or to the article
whose record holds it: author, date); every unanswerable one is refused once, in the one wording, with
``abstained`` and a ``reason`` — in ``/ask`` and in ``/ask/stream``'s final event alike.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ingest.settings import Settings
from qa.refusal import CANNOT_ANSWER

SHORT_DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "short-dev"
REASONS = {"off_topic", "no_supporting_sentence"}


def questions() -> list[dict[str, Any]]:
    path = SHORT_DEV / "questions.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return re.sub(r"\s+", " ", re.sub(r"[^\w$%.,-]+", " ", text)).strip()


def holds(text: str, answers: list[str]) -> bool:
    return any(normalise(a) in normalise(text) for a in answers)


@pytest.fixture(scope="module")
def short_client(
    app_client: Callable[[Settings], AbstractContextManager[TestClient]],
    settings_factory: Callable[..., Settings],
    tmp_path_factory: pytest.TempPathFactory,
    seed_file: Path,
) -> Iterator[TestClient]:
    if not SHORT_DEV.is_dir():
        pytest.skip(f"short-dev eval set not available at {SHORT_DEV}")
    docs = tmp_path_factory.mktemp("short-dev-docs")
    for f in [*sorted((SHORT_DEV / "docs").glob("*.txt")), seed_file]:
        shutil.copy2(f, docs / f.name)
    with app_client(settings_factory(docs)) as c:
        assert c.post("/reindex").json()["added"] == 5
        yield c


@pytest.mark.parametrize("q", [q for q in questions() if q["answers"]], ids=lambda q: q["id"])
def test_answerable_question_is_answered_and_cited(short_client: TestClient, q: dict[str, Any]) -> None:
    body = short_client.post("/ask", json={"question": q["question"]}).json()
    assert body["abstained"] is False and body["reason"] is None, body["answer"]
    assert holds(body["answer"], q["answers"]), body["answer"]
    assert body["grounded"] and body["citations"], body
    cited = " ".join(f"{c['snippet']} {c['title']} {c['author']} {c['published']}" for c in body["citations"])
    passages = {p["chunk_id"]: p["text"] for p in body["passages"]}
    cited += " ".join(passages[c["chunk_id"]] for c in body["citations"])
    assert holds(cited, q["answers"]), f"the citation does not hold {q['answers']}: {body['citations']}"
    # One sentence answers a short question: no padding from elsewhere.
    assert len(re.findall(r"\[\d+\]", body["answer"])) == 1, body["answer"]


@pytest.mark.parametrize("q", [q for q in questions() if not q["answers"]], ids=lambda q: q["id"])
def test_unanswerable_question_is_refused_once_with_a_reason(short_client: TestClient, q: dict[str, Any]) -> None:
    body = short_client.post("/ask", json={"question": q["question"]}).json()
    assert body["answer"] == CANNOT_ANSWER
    assert body["abstained"] is True and body["reason"] in REASONS
    assert body["citations"] == [] and body["grounded"] is False


def test_stream_carries_abstained_and_reason(
    short_client: TestClient, sse: Callable[[str], list[tuple[str, str]]]
) -> None:
    for question, abstained in (("How old is Sigrun Aalto?", True), ("Who is the grid operator?", False)):
        r = short_client.post("/ask/stream", json={"question": question})
        events = sse(r.text)
        final = json.loads(next(data for event, data in events if event == "citations"))
        streamed = "".join(json.loads(data)["text"] for event, data in events if event == "token")
        assert final["abstained"] is abstained
        assert final["reason"] == ("no_supporting_sentence" if abstained else None)
        assert streamed == final["answer"]
        assert (final["answer"] == CANNOT_ANSWER) is abstained


def test_author_is_shown_in_citations(short_client: TestClient) -> None:
    body = short_client.post("/ask", json={"question": "Who wrote the Orrin Chemicals story?"}).json()
    assert body["answer"].startswith("Hal Mbeki wrote")
    assert body["citations"][0]["author"] == "Hal Mbeki"


def test_a_conversation_of_short_follow_ups_answers_each_one_asked(short_client: TestClient) -> None:
    """Follow-ups short enough to be searched with the question before them are still answered as asked: "Who is
    the grid operator?" after "How many people died?" wants a name, not the death toll again (it did, before)."""
    history: list[dict[str, str]] = []
    for question, answers in (
        ("How many homes lost power in the Brannock storm?", ["210,000"]),
        ("How many people died?", ["Two"]),
        ("Who is the grid operator?", ["Westmark Power"]),
        ("Who runs the grid?", ["Westmark Power"]),  # the operator is the one who runs it
        ("When will power be back?", ["Thursday evening"]),
    ):
        body = short_client.post("/ask", json={"question": question, "history": history}).json()
        assert body["abstained"] is False, (question, body["answer"])
        assert holds(body["answer"].split(" — ")[0], answers), (question, body["answer"])
        # The fact asked now, not one more sentence about the question before.
        assert len(re.findall(r"\[\d+\]", body["answer"])) == 1, (question, body["answer"])
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": body["answer"]}]

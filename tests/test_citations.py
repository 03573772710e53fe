"""check_citations: markers in a model's text checked against the passages really retrieved (pure, no index)."""

from __future__ import annotations

import pytest

from qa.citations import Citation, check_citations
from qa.passage import Passage


def passage(n: int, text: str | None = None) -> Passage:
    return Passage(
        n=n,
        chunk_id=f"doc{n}:{n - 1}",
        doc_id=f"doc{n}",
        title=f"Title {n}",
        text=text if text is not None else f"Passage number {n} says something specific about topic {n}.",
        url=f"https://example.com/{n}",
        published=f"2024-01-0{n}",
        source=f"source{n}.com",
        score=0.03 - n / 1000,
        similarity=0.8 - n / 10,
    )


def passages(k: int) -> list[Passage]:
    return [passage(n) for n in range(1, k + 1)]


def numbers(checked) -> list[int]:
    return [c.n for c in checked.citations]


def assert_tidy(text: str) -> None:
    assert "  " not in text, text
    for punct in ".,;:!?":
        assert f" {punct}" not in text, text
    assert text == text.strip()


def test_single_valid_marker_is_kept_unchanged() -> None:
    checked = check_citations("Adm. Craig Fuller heads US Southern Command [1].", passages(1))
    assert checked.text == "Adm. Craig Fuller heads US Southern Command [1]."
    assert numbers(checked) == [1]
    assert checked.invalid == []
    assert checked.grounded


def test_out_of_range_marker_is_removed_and_reported() -> None:
    checked = check_citations("Fuller made the claim [7]. Iran sells gasoline to Venezuela [1].", passages(3))
    assert checked.invalid == [7]
    assert numbers(checked) == [1]
    assert "[7]" not in checked.text
    assert checked.text == "Fuller made the claim. Iran sells gasoline to Venezuela [1]."
    assert_tidy(checked.text)
    assert checked.grounded


def test_only_invalid_markers_leave_the_answer_ungrounded() -> None:
    checked = check_citations("Something nobody retrieved [4] , and more [5] .", passages(3))
    assert checked.invalid == [4, 5]
    assert checked.citations == []
    assert not checked.grounded
    assert checked.text == "Something nobody retrieved, and more."
    assert_tidy(checked.text)


def test_no_markers_means_not_grounded() -> None:
    checked = check_citations("Fuller heads US Southern Command.", passages(3))
    assert checked.citations == []
    assert checked.invalid == []
    assert not checked.grounded
    assert checked.text == "Fuller heads US Southern Command."


def test_empty_text() -> None:
    checked = check_citations("", passages(2))
    assert (checked.text, checked.citations, checked.invalid, checked.grounded) == ("", [], [], False)


def test_repeated_marker_gives_one_citation() -> None:
    checked = check_citations("First claim [1]. Second claim [1]. Third [ 1 ].", passages(2))
    assert numbers(checked) == [1]
    assert checked.text == "First claim [1]. Second claim [1]. Third [1]."


def test_adjacent_markers() -> None:
    checked = check_citations("Both passages agree [1][2].", passages(3))
    assert numbers(checked) == [1, 2]
    assert checked.text == "Both passages agree [1][2]."
    assert checked.invalid == []


@pytest.mark.parametrize("marker", ["[1, 3]", "[1,3]", "[1; 3]", "[ 1 , 3 ]"])
def test_list_marker_is_rewritten_as_a_run(marker: str) -> None:
    checked = check_citations(f"Two sources say so {marker}.", passages(3))
    assert checked.text == "Two sources say so [1][3]."
    assert numbers(checked) == [1, 3]


@pytest.mark.parametrize("marker", ["[1-3]", "[1–3]", "[1 - 3]"])
def test_range_marker_is_expanded(marker: str) -> None:
    checked = check_citations(f"All three report it {marker}.", passages(3))
    assert checked.text == "All three report it [1][2][3]."
    assert numbers(checked) == [1, 2, 3]
    assert checked.invalid == []


def test_range_past_the_last_passage_keeps_the_valid_part() -> None:
    checked = check_citations("Claim [2-4].", passages(3))
    assert checked.text == "Claim [2][3]."
    assert numbers(checked) == [2, 3]
    assert checked.invalid == [4]


def test_mixed_valid_and_invalid_in_one_marker() -> None:
    checked = check_citations("Reported widely [2, 9].", passages(3))
    assert checked.text == "Reported widely [2]."
    assert numbers(checked) == [2]
    assert checked.invalid == [9]
    assert checked.grounded


def test_invalid_numbers_are_reported_once_in_order() -> None:
    checked = check_citations("A [9]. B [0]. C [9][2].", passages(2))
    assert checked.invalid == [9, 0]
    assert numbers(checked) == [2]
    assert checked.text == "A. B. C [2]."


def test_citations_follow_first_mention_order() -> None:
    checked = check_citations("One [3]. Two [1]. Three [3][2]. Four [1].", passages(3))
    assert numbers(checked) == [3, 1, 2]


def test_non_marker_brackets_are_left_alone() -> None:
    text = "The memo [sic] was read aloud [1]."
    checked = check_citations(text, passages(1))
    assert checked.text == text
    assert numbers(checked) == [1]


def test_citation_fields_come_from_the_passage() -> None:
    long_text = " ".join(f"word{i}" for i in range(200))  # well over the snippet limit
    ps = [passage(1), passage(2, long_text), passage(3)]
    checked = check_citations("Claim [2]. Another [1].", ps)
    first, second = checked.citations
    assert isinstance(first, Citation)
    p = ps[1]
    fields = ("n", "doc_id", "title", "url", "published", "source", "chunk_id", "score")
    assert [getattr(first, f) for f in fields] == [getattr(p, f) for f in fields]
    assert first.snippet == p.snippet()
    assert first.snippet.endswith("…") and len(first.snippet) <= 301
    assert p.text.startswith(first.snippet[:-1])
    # A short passage's snippet is its whole text.
    assert second.chunk_id == ps[0].chunk_id
    assert second.snippet == ps[0].text


def test_markers_are_matched_by_number_not_position() -> None:
    # Passages numbered 2 and 5 only (as after filtering): [1] and [3] name nothing.
    ps = [passage(2), passage(5)]
    checked = check_citations("A [5]. B [1]. C [2, 3].", ps)
    assert numbers(checked) == [5, 2]
    assert checked.invalid == [1, 3]
    assert [c.doc_id for c in checked.citations] == ["doc5", "doc2"]

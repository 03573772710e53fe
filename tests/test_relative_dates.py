"""qa.relative_dates: the day an article means by "Monday", "yesterday" or "next Thursday", from its own date."""

from __future__ import annotations

from datetime import date

import pytest

from qa.relative_dates import dates_named, spelled, spelled_as_news


def named(text: str, published: str) -> list[tuple[str, str]]:
    return [(text[start:end], spelled(day)) for start, end, day in dates_named(text, published)]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # Tuesday, June 23: the Monday before.
        ("The economist died Monday at 100.", "2026-06-23", [("Monday", "June 22, 2026")]),
        # Tuesday, February 20: the Thursday after.
        ("The lander will attempt a landing Thursday.", "2024-02-20", [("Thursday", "February 22, 2024")]),
        ("Power would be reconnected by Friday morning.", "2026-03-04", [("Friday", "March 6, 2026")]),
        ("The vote is scheduled for Monday.", "2026-03-04", [("Monday", "March 9, 2026")]),
        # Who said it is not when it happens.
        (
            "The lander will attempt a landing on the moon Thursday, the company said.",
            "2024-02-20",
            [("Thursday", "February 22, 2024")],
        ),
        # The day of the story itself, either way.
        ("The company announced Wednesday it would close.", "2026-03-04", [("Wednesday", "March 4, 2026")]),
        # The verb may follow the day.
        ("The city on Tuesday lifted the notice.", "2022/11/30", [("Tuesday", "November 29, 2022")]),
        # The nearest clause decides: said on Monday, reopens on Friday.
        (
            "Officials said Monday. The plant will reopen Friday.",
            "2026-03-04",
            [("Monday", "March 2, 2026"), ("Friday", "March 6, 2026")],
        ),
        # "last" and "next" say which way, and never mean the story's own day.
        (
            "They met last Wednesday and meet next Wednesday.",
            "2026-03-04",
            [("last Wednesday", "February 25, 2026"), ("next Wednesday", "March 11, 2026")],
        ),
        (
            "It snowed yesterday; today is dry and tomorrow wet.",
            "2026-03-01",
            [("yesterday", "February 28, 2026"), ("today", "March 1, 2026"), ("tomorrow", "March 2, 2026")],
        ),
    ],
)
def test_days_are_counted_from_the_story_date(text: str, published: str, expected: list[tuple[str, str]]) -> None:
    assert named(text, published) == expected


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Truss replaces Boris Johnson, who leaves office Tuesday", "2022-09-05"),  # present tense: either way
        ("The economist died Monday at 100.", ""),  # no date to count from
        ("The economist died Monday at 100.", "last spring"),
        ("In today's Britain, prices rise.", "2026-03-04"),  # not a day
        ("A second sale is slated for Thursday, November 26.", "2020-11-16"),  # the date is given
        ("The strike begins on Monday 5 September.", "2022-08-23"),
    ],
)
def test_no_date_is_given_where_the_text_does_not_say(text: str, published: str) -> None:
    assert dates_named(text, published) == ()


def test_a_timestamp_is_read_as_its_day() -> None:
    assert dates_named("He resigned Sunday.", "2026-03-04T09:30:00Z")[0][2] == date(2026, 3, 1)


def test_a_date_is_written_in_full_and_as_the_news_writes_it() -> None:
    assert spelled(date(2024, 9, 3)) == "September 3, 2024"  # no period to end a sentence in an answer
    # AP style, as the quoted articles write it: five-letter months and shorter in full, the rest abbreviated.
    assert spelled_as_news(date(2024, 2, 22)) == "Feb. 22, 2024"
    assert spelled_as_news(date(2024, 9, 3)) == "Sept. 3, 2024"
    assert spelled_as_news(date(2026, 7, 4)) == "July 4, 2026"

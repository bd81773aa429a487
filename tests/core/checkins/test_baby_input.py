"""Reading /checkin baby: friendly ways to say when her baby was born or is due, kept as a week only."""

from datetime import UTC, date, datetime

import pytest

from bot.core.checkins.baby_input import BabyWeekInput, parse_baby_week
from bot.core.checkins.birth_planner import candidate_weeks
from bot.core.errors import UserError
from bot.core.outcomes.research_data import weeks_from_baby

TODAY = date(2026, 12, 2)  # a Wednesday; this week's Monday is 30 November


@pytest.mark.parametrize(("typed", "week", "kind"), [
    ("2026-11-03", "2026-11-02", "born"),
    ("3 Nov", "2026-11-02", "born"),
    ("3rd November", "2026-11-02", "born"),
    ("Nov 3", "2026-11-02", "born"),
    ("born 3 Nov 2026", "2026-11-02", "born"),
    ("born in the week of 3 Nov", "2026-11-02", "born"),
    ("last week", "2026-11-23", "born"),
    ("this week", "2026-11-30", "born"),
    ("today", "2026-11-30", "born"),
    ("yesterday", "2026-11-30", "born"),
    ("3 weeks ago", "2026-11-09", "born"),
    ("born 3 weeks ago", "2026-11-09", "born"),
    ("born 3 weeks", "2026-11-09", "born"),
    ("a week ago", "2026-11-23", "born"),
    ("two weeks ago", "2026-11-16", "born"),
    ("10 days ago", "2026-11-16", "born"),
    ("2 months ago", "2026-09-28", "born"),
    ("in 5 weeks", "2027-01-04", "due"),
    ("due in 5 weeks", "2027-01-04", "due"),
    ("Due: 5 weeks", "2027-01-04", "due"),
    ("5 weeks from now", "2027-01-04", "due"),
    ("next week", "2026-12-07", "due"),
    ("due 20 Jan", "2027-01-18", "due"),
    ("due: 5 Jan 2027", "2027-01-04", "due"),
    ("20 January", "2027-01-18", "due"),  # a week still to come is a due week
    ("due last week", "2026-11-23", "due"),  # due and not yet updated: kept as a due week
    ("  BORN   3   WEEKS   AGO. ", "2026-11-09", "born"),
])
def test_friendly_input_is_kept_as_a_week(typed: str, week: str, kind: str) -> None:
    assert parse_baby_week(typed, TODAY) == BabyWeekInput(date.fromisoformat(week), kind)


@pytest.mark.parametrize("typed", ["clear", "Forget", "remove", "delete", "off"])
def test_clear_words(typed: str) -> None:
    assert parse_baby_week(typed, TODAY) is None


def test_only_a_monday_is_kept() -> None:
    for day in range(1, 29):
        assert parse_baby_week(f"2026-11-{day:02d}", TODAY).week.weekday() == 0


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Tell me when your baby was born or is due"),
    ("born", "When\\?"),
    ("banana", "couldn't read “banana” as a week"),
    ("born in 3 weeks", "still to come.*due date"),
    ("born next week", "still to come"),
    ("due in 43 weeks", "at most 42 weeks ahead"),
    ("2024-11-01", "last two years"),
    ("due 2024-06-03", "last two years"),
    ("3/11", "month as a word"),
    ("3 weeks", "3 weeks ago, or in 3 weeks"),
    ("2026-02-30", "isn't a date in the calendar"),
    ("31 Feb", "isn't a date in the calendar"),
    ("zillion weeks ago", "couldn't read"),
])
def test_unreadable_or_impossible_input_gets_a_kind_message(typed: str, message: str) -> None:
    with pytest.raises(UserError, match=message) as refused:
        parse_baby_week(typed, TODAY)
    assert "Traceback" not in str(refused.value)


def test_a_day_and_month_without_a_year_is_the_nearest_sensible_one() -> None:
    # Born: the latest such day not after this week; otherwise the nearest.
    assert parse_baby_week("born 20 Dec", TODAY).week == date(2025, 12, 15)
    assert parse_baby_week("due 20 Dec", TODAY).week == date(2026, 12, 14)
    assert parse_baby_week("1 Dec", TODAY) == BabyWeekInput(date(2026, 11, 30), "born")


def test_the_planner_reads_only_the_baby_weeks_that_can_fall_due_in_its_window() -> None:
    start, end = datetime(2026, 3, 9, 18, 59, tzinfo=UTC), datetime(2026, 3, 9, 19, 0, tzinfo=UTC)
    weeks = candidate_weeks((2, 6), start, end)
    # Monday 9 March is week 2 of the week of 23 February and week 6 of the week of 26 January; the
    # margin for time zones adds the Monday before each, and nothing else is read.
    assert weeks == [date(2026, 1, 19), date(2026, 1, 26), date(2026, 2, 16), date(2026, 2, 23)]


@pytest.mark.parametrize(("score_day", "expected"), [
    (date(2026, 3, 2), (0, None)),  # the week of the birth
    (date(2026, 3, 8), (0, None)),  # its Sunday
    (date(2026, 4, 15), (6, None)),
    (date(2026, 2, 25), (None, 39)),  # a week before: week 39 of pregnancy
    (date(2025, 5, 26), (None, 0)),  # 40 weeks before
    (date(2025, 4, 1), (None, None)),  # before the pregnancy: neither
])
def test_weeks_postpartum_or_pregnant_from_the_babys_monday(score_day: date, expected: tuple) -> None:
    moment = datetime.combine(score_day, datetime.min.time(), tzinfo=UTC)
    assert weeks_from_baby(moment, date(2026, 3, 2)) == expected

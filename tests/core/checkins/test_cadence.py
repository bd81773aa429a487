from datetime import UTC, date, datetime

import pytest

from bot.core.checkins.cadence import Cadence, describe_cadence, first_anchor, parse_cadence, parse_time
from bot.core.errors import UserError


@pytest.mark.parametrize(("text", "expected"), [("19:00", "19:00"), ("7:30", "07:30"), ("0930", "09:30"),
                                                ("21.15", "21:15"), ("10pm", "22:00"), ("7.30pm", "19:30"),
                                                ("7am", "07:00"), ("noon", "12:00"), ("12am", "00:00")])
def test_times_are_read_kindly(text: str, expected: str) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "evening", "19:60", "", "13pm"])
def test_bad_times_are_refused(text: str) -> None:
    with pytest.raises(UserError, match=r"19:00, 7pm, 7\.30pm, 7am or noon"):
        parse_time(text)


@pytest.mark.parametrize(("text", "expected"), [("Weekly", "weekly"), ("monthly", "monthly"),
                                                ("0 19 * * MON", "cron:0 19 * * MON"),
                                                ("cron: 30 8 1 * *", "cron:30 8 1 * *")])
def test_cadences(text: str, expected: str) -> None:
    assert parse_cadence(text) == expected


@pytest.mark.parametrize(("text", "message"), [("daily-ish", "weekly, fortnightly, monthly"),
                                               ("* * * * *", "at most once a day"),
                                               ("0 99 * * *", "isn't a cron expression")])
def test_bad_cadences_are_refused(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_cadence(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("postnatal:2,6,12", "postnatal:2,6,12"), ("Postnatal 2, 6 and 12", "postnatal:2,6,12"),
    ("postnatal: 12,2,6,6", "postnatal:2,6,12"), ("postpartum 6", "postnatal:6"),
    ("after birth 2, 6 weeks", "postnatal:2,6"),
])
def test_birth_anchored_cadences(text: str, expected: str) -> None:
    assert parse_cadence(text) == expected


@pytest.mark.parametrize(("text", "message"), [("postnatal", "Which weeks after birth"),
                                               ("postnatal:0,6", "from 1 to 104"), ("postnatal:200", "from 1 to 104"),
                                               ("postnatal:six", "couldn't read the weeks"),
                                               ("postnatal:" + ",".join(map(str, range(1, 14))), "at most 12")])
def test_bad_birth_anchored_cadences_are_refused(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_cadence(text)


@pytest.mark.parametrize(("cadence", "expected"), [
    ("postnatal:2,6,12", "at 2, 6 and 12 weeks after birth, at 19:00 her own time"),
    ("postnatal:6", "at 6 weeks after birth, at 19:00 her own time"),
    ("postnatal:1", "at 1 week after birth, at 19:00 her own time"),
])
def test_birth_anchored_cadence_is_described_in_words(cadence: str, expected: str) -> None:
    assert describe_cadence(cadence, "19:00", date(2026, 3, 2)) == expected


def test_birth_anchored_cadence_has_no_group_wide_occurrences_but_her_own() -> None:
    postnatal = Cadence("postnatal:2,6", "19:00", "Europe/London", date(2026, 3, 2))
    assert postnatal.per_member and postnatal.birth_weeks == (2, 6)
    assert postnatal.occurrences(datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)) == []
    # Born in the week of Monday 23 Feb 2026: week 6 is Monday 6 April, 19:00 in her zone (BST in London).
    assert postnatal.birth_occurrence(date(2026, 2, 23), 6, "Europe/London") == datetime(2026, 4, 6, 18, tzinfo=UTC)
    assert postnatal.birth_occurrence(date(2026, 2, 23), 6, "America/New_York") == datetime(2026, 4, 6, 23,
                                                                                              tzinfo=UTC)
    assert Cadence.birth_period_key(6) == "birth-w6"
    assert not Cadence("weekly", "19:00", "Europe/London", date(2026, 3, 2)).per_member


def test_weekly_keeps_local_time_across_daylight_saving() -> None:
    # London moves to BST on 29 March 2026: 19:00 local is 19:00 UTC before and 18:00 UTC after.
    weekly = Cadence("weekly", "19:00", "Europe/London", date(2026, 3, 23))
    found = weekly.occurrences(datetime(2026, 3, 20, tzinfo=UTC), datetime(2026, 4, 7, tzinfo=UTC))
    assert found == [datetime(2026, 3, 23, 19, tzinfo=UTC), datetime(2026, 3, 30, 18, tzinfo=UTC),
                     datetime(2026, 4, 6, 18, tzinfo=UTC)]
    assert [weekly.period_key(m) for m in found] == ["2026-03-23T19:00", "2026-03-30T19:00", "2026-04-06T19:00"]


def test_group_time_zone_sets_the_moment() -> None:
    sydney = Cadence("weekly", "19:00", "Australia/Sydney", date(2026, 3, 2))
    assert sydney.next_after(datetime(2026, 3, 1, tzinfo=UTC)) == datetime(2026, 3, 2, 8, tzinfo=UTC)  # AEDT +11


def test_fortnightly_and_monthly() -> None:
    fortnightly = Cadence("fortnightly", "09:00", "UTC", date(2026, 3, 2))
    assert [m.day for m in fortnightly.occurrences(datetime(2026, 3, 1, tzinfo=UTC),
                                                   datetime(2026, 3, 31, tzinfo=UTC))] == [2, 16, 30]
    monthly = Cadence("monthly", "09:00", "UTC", date(2026, 1, 31))
    found = monthly.occurrences(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 30, 23, tzinfo=UTC))
    assert [(m.month, m.day) for m in found] == [(1, 31), (2, 28), (3, 31), (4, 30)]  # short months: last day


def test_cron_occurrences_in_the_group_time_zone() -> None:
    cron = Cadence("cron:0 19 * * MON,THU", "00:00", "Europe/London", date(2026, 3, 2))
    found = cron.occurrences(datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, 23, tzinfo=UTC))
    assert [m.day for m in found] == [2, 5, 9]
    assert cron.cron_fields()["day_of_week"] == "MON,THU"


def test_first_anchor_is_today_only_if_the_time_is_still_ahead() -> None:
    now = datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert first_anchor("19:00", "Europe/London", now) == date(2026, 3, 2)
    assert first_anchor("08:00", "Europe/London", now) == date(2026, 3, 3)

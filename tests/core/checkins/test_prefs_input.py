"""Reading /checkin settings input: "10pm" style times and "london" style time zones."""

import pytest

from bot.core.checkins.prefs_input import MAX_ZONE_CHOICES, parse_clock_time, resolve_timezone, timezone_choices
from bot.core.errors import UserError


@pytest.mark.parametrize(("text", "expected"), [
    ("22:00", "22:00"), ("7:30", "07:30"), ("0930", "09:30"), ("21.15", "21:15"),
    ("10pm", "22:00"), ("10 pm", "22:00"), ("10PM", "22:00"), ("10.30pm", "22:30"), ("10:30 p.m.", "22:30"),
    ("7am", "07:00"), ("7 a.m.", "07:00"), ("12am", "00:00"), ("12pm", "12:00"), ("12.15am", "00:15"),
    ("noon", "12:00"), ("Midnight", "00:00"), ("  midday ", "12:00"),
])
def test_times_are_read_kindly(text: str, expected: str) -> None:
    assert parse_clock_time(text) == expected


@pytest.mark.parametrize("text", ["", "evening", "25:00", "13pm", "0am", "10.75pm", "19:60", "late"])
def test_bad_times_get_a_kind_message_with_examples(text: str) -> None:
    with pytest.raises(UserError, match=r"Nothing was changed.*10pm.*noon"):
        parse_clock_time(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("Europe/London", "Europe/London"), ("europe/london", "Europe/London"), ("AMERICA/NEW_YORK", "America/New_York"),
    ("london", "Europe/London"), ("London", "Europe/London"), ("new york", "America/New_York"),
    ("New_York", "America/New_York"), ("sydney", "Australia/Sydney"), ("dublin", "Europe/Dublin"),
    ("kolkata", "Asia/Kolkata"), ("mumbai", "Asia/Kolkata"), ("  los   angeles ", "America/Los_Angeles"),
    ("utc", "UTC"), ("indianapolis", "America/Indianapolis"),
])
def test_time_zones_by_name_or_city(text: str, expected: str) -> None:
    assert resolve_timezone(text) == expected


@pytest.mark.parametrize("text", ["Moon/Base", "atlantis", "", "lond"])
def test_unknown_time_zones_name_examples(text: str) -> None:
    with pytest.raises(UserError, match=r"Nothing was changed.*London, New York, Sydney"):
        resolve_timezone(text)


@pytest.mark.parametrize(("typed", "first"), [
    ("lon", "Europe/London"), ("new y", "America/New_York"), ("syd", "Australia/Sydney"),
    ("mumbai", "Asia/Kolkata"), ("europe/dub", "Europe/Dublin"),
])
def test_autocomplete_puts_the_city_she_means_first(typed: str, first: str) -> None:
    assert timezone_choices(typed)[0] == first


def test_autocomplete_offers_common_zones_when_nothing_is_typed_and_at_most_25() -> None:
    assert "Europe/London" in timezone_choices("")
    assert len(timezone_choices("a")) == MAX_ZONE_CHOICES
    assert all("us/" not in zone.lower() for zone in timezone_choices("east"))  # no legacy US/Eastern
    assert timezone_choices("zzzz") == []

"""Reading what a member types into /checkin settings: times such as "10pm" and time zones such as
"london" (pure functions, no I/O). Every refusal is a kind UserError that names examples."""

from __future__ import annotations

import functools
import re
from zoneinfo import available_timezones

from bot.core.errors import UserError

MAX_ZONE_CHOICES = 25  # Discord shows at most 25 suggestions
TIME_EXAMPLES = "22:00, 10pm, 10.30pm, 7am, noon or midnight"
ZONE_EXAMPLES = "London, New York, Sydney, Dublin, Mumbai, or a name like Europe/London"

_WORD_TIMES = {"noon": "12:00", "midday": "12:00", "midnight": "00:00"}
_TWENTY_FOUR = re.compile(r"^([01]?\d|2[0-3])[:.h]?([0-5]\d)$")
_AM_PM = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?\s*m\.?$")
_REGIONS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian",
            "Pacific")
# Cities people name that the IANA database spells differently or files under another city.
_CITY_ALIASES = {
    "mumbai": "Asia/Kolkata", "bombay": "Asia/Kolkata", "delhi": "Asia/Kolkata", "new_delhi": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata", "chennai": "Asia/Kolkata",
    "calcutta": "Asia/Kolkata", "beijing": "Asia/Shanghai", "washington": "America/New_York",
    "boston": "America/New_York", "miami": "America/New_York", "san_francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles", "edinburgh": "Europe/London", "manchester": "Europe/London",
    "cardiff": "Europe/London", "belfast": "Europe/London", "glasgow": "Europe/London",
    "wellington": "Pacific/Auckland", "canberra": "Australia/Sydney", "cork": "Europe/Dublin",
    "galway": "Europe/Dublin", "uk": "Europe/London",
}
_POPULAR = ("Europe/London", "Europe/Dublin", "America/New_York", "America/Chicago", "America/Denver",
            "America/Los_Angeles", "America/Toronto", "Australia/Sydney", "Australia/Melbourne", "Australia/Perth",
            "Pacific/Auckland", "Asia/Kolkata", "Asia/Singapore", "Africa/Johannesburg", "Africa/Lagos",
            "Europe/Paris", "Europe/Berlin", "UTC")


def read_clock_time(text: str) -> str | None:
    """'22:00', '7.30', '0930', '10pm', '10 pm', '10.30pm', '7am', 'noon', 'midnight' → 'HH:MM'; None when
    it is not a time. The one reader of times: member settings and moderators' schedules both use it."""
    cleaned = " ".join(text.strip().lower().split())
    if cleaned in _WORD_TIMES:
        return _WORD_TIMES[cleaned]
    match = _AM_PM.match(cleaned)
    if match:
        hour, minutes = int(match.group(1)), int(match.group(2) or 0)
        if 1 <= hour <= 12 and minutes < 60:
            hour = hour % 12 + (12 if match.group(3) == "p" else 0)
            return f"{hour:02d}:{minutes:02d}"
        return None
    match = _TWENTY_FOUR.match(cleaned)
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def parse_clock_time(text: str) -> str:
    """'22:00', '10pm', '10 pm', '10.30pm', '7am', 'noon', 'midnight' → 'HH:MM', or a kind UserError."""
    found = read_clock_time(text)
    if found is not None:
        return found
    raise UserError(f"I couldn't read “{text.strip()[:20]}” as a time. Nothing was changed. 💛 "
                    f"You could write it like {TIME_EXAMPLES}.")


def _key(text: str) -> str:
    return "_".join(text.strip().casefold().replace("-", " ").replace("_", " ").split())


@functools.cache
def _zones() -> tuple[str, ...]:
    """The zones worth offering: the region/city names plus UTC, without legacy names such as US/Eastern."""
    return tuple(sorted(z for z in available_timezones() if z.split("/")[0] in _REGIONS or z == "UTC"))


@functools.cache
def _by_name() -> dict[str, str]:
    return {_key(zone): zone for zone in available_timezones() if zone != "localtime"}


@functools.cache
def _by_city() -> dict[str, str]:
    cities: dict[str, str] = {}
    for zone in sorted(_zones(), key=lambda z: (z.count("/"), z)):  # America/X before America/Indiana/X
        cities.setdefault(_key(zone.rsplit("/", 1)[-1]), zone)
    return {**cities, **_CITY_ALIASES}


def resolve_timezone(text: str) -> str:
    """An IANA name in any case ("europe/london") or a city ("london", "new york", "mumbai") → the IANA name."""
    key = _key(text)
    zone = _by_name().get(key) or _by_city().get(key)
    if zone is None:
        raise UserError(f"I don't know the time zone “{text.strip()[:40]}”. Nothing was changed. 💛 "
                        f"Try your nearest big city, like {ZONE_EXAMPLES}.")
    return zone


def timezone_choices(typed: str, limit: int = MAX_ZONE_CHOICES) -> list[str]:
    """Up to `limit` zones for autocomplete: common ones when nothing is typed, else the zones whose city
    starts with what she typed (common ones first), then those whose name contains it."""
    key = _key(typed)
    if not key:
        return list(_POPULAR[:limit])
    alias = _CITY_ALIASES.get(key)
    starts = sorted((z for z in _zones() if _key(z.rsplit("/", 1)[-1]).startswith(key)),
                    key=lambda z: (z not in _POPULAR, z))  # "lon": London before Longyearbyen
    contains = [z for z in _zones() if key in _key(z) and z not in starts]
    aliased = [zone for city, zone in _CITY_ALIASES.items() if city.startswith(key)]
    ranked = ([alias] if alias else []) + starts + aliased + contains
    return list(dict.fromkeys(ranked))[:limit]

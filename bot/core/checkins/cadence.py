"""When a schedule falls due: cadences, local times and period keys (pure functions, no I/O).

A schedule's occurrences are wall-clock times in the group's time zone, so "weekly at 19:00" stays
at 19:00 through daylight-saving changes. Each occurrence is one *period*; its key is the local
date and time ("2026-03-09T19:00"), unique per occurrence of a schedule.

A birth-anchored schedule ("postnatal:2,6,12") has no group-wide occurrences: each member with a baby
week has her own, at the schedule's local time in *her* time zone on the Monday N weeks after her
baby's birth week (or due week), with the period key "birth-wN" (see birth_planner.py).
"""

from __future__ import annotations

import calendar
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.core.checkins.prefs_input import read_clock_time
from bot.core.errors import UserError

CADENCES = ("weekly", "fortnightly", "monthly")
CRON_PREFIX = "cron:"
POSTNATAL_PREFIX = "postnatal:"
# What a moderator may type for a birth-anchored schedule ("postnatal 2, 6 and 12" works too).
_POSTNATAL_WORDS = ("postnatal", "postpartum", "after birth", "weeks after birth")
MAX_POSTNATAL_WEEK = 104  # two years: the bot accepts a birth week at most about two years back
MAX_POSTNATAL_TIMES = 12
MIN_CRON_GAP = timedelta(hours=20)
CADENCE_HELP = ("weekly, fortnightly, monthly, postnatal:2,6,12 (weeks after each member's birth week), or a "
                "cron expression such as “0 19 * * MON”")


def parse_time(text: str) -> str:
    """'19:00', '7.30', '0930', '7pm', '7.30pm', '7am', 'noon' → 'HH:MM', or a kind UserError."""
    found = read_clock_time(text)
    if found is None:
        raise UserError(f"I couldn't read “{text.strip()[:20]}” as a time. Please write it like 19:00, 7pm, "
                        "7.30pm, 7am or noon.")
    return found


def _clock_time(hhmm: str) -> time:
    hours, minutes = hhmm.split(":")
    return time(int(hours), int(minutes))


def parse_postnatal(text: str) -> str | None:
    """'postnatal:2,6,12', 'postnatal 2, 6 and 12', 'postpartum: 6' → 'postnatal:2,6,12'; None when the text
    is not a birth-anchored cadence; a kind UserError when it is one with weeks that cannot be used."""
    cleaned = " ".join(text.strip().lower().split())
    word = next((w for w in sorted(_POSTNATAL_WORDS, key=len, reverse=True) if cleaned.startswith(w)), None)
    if word is None:
        return None
    rest = cleaned[len(word):].strip(" :")
    if not re.fullmatch(r"[\d\s,;&]*(?:and[\d\s,;&]*)*(?:weeks?)?", rest):
        raise UserError(f"I couldn't read the weeks in “{text.strip()[:40]}”. Write the weeks after birth like "
                        "postnatal:2,6,12.")
    weeks = sorted({int(n) for n in re.findall(r"\d+", rest)})
    if not weeks:
        raise UserError("Which weeks after birth? Write them like postnatal:2,6,12.")
    if weeks[0] < 1 or weeks[-1] > MAX_POSTNATAL_WEEK:
        raise UserError(f"Weeks after birth go from 1 to {MAX_POSTNATAL_WEEK} (two years).")
    if len(weeks) > MAX_POSTNATAL_TIMES:
        raise UserError(f"A schedule can have at most {MAX_POSTNATAL_TIMES} weeks after birth.")
    return POSTNATAL_PREFIX + ",".join(map(str, weeks))


def postnatal_weeks(cadence: str) -> tuple[int, ...]:
    """The weeks after birth of a 'postnatal:2,6,12' cadence (empty for any other cadence)."""
    if not cadence.startswith(POSTNATAL_PREFIX):
        return ()
    return tuple(int(n) for n in cadence[len(POSTNATAL_PREFIX):].split(","))


def _and_list(values: list[str]) -> str:
    return values[0] if len(values) == 1 else f"{', '.join(values[:-1])} and {values[-1]}"


def parse_cadence(text: str) -> str:
    """weekly | fortnightly | monthly | postnatal:N,… (weeks after birth) | a 5-field cron expression
    (stored as 'cron:<expr>')."""
    cleaned = " ".join(text.strip().split())
    if cleaned.lower() in CADENCES:
        return cleaned.lower()
    postnatal = parse_postnatal(cleaned)
    if postnatal is not None:
        return postnatal
    expression = cleaned[len(CRON_PREFIX):].strip() if cleaned.lower().startswith(CRON_PREFIX) else cleaned
    if len(expression.split()) != 5:
        raise UserError(f"The cadence must be {CADENCE_HELP} (minute hour day month weekday).")
    try:
        trigger = CronTrigger.from_crontab(expression, timezone=UTC)
    except ValueError:
        raise UserError(f"“{expression[:40]}” isn't a cron expression I understand. Try something like "
                        "“0 19 * * MON” (minute hour day month weekday).") from None
    start = datetime(2026, 1, 1, tzinfo=UTC)
    fires: list[datetime] = []
    previous = None
    for _ in range(6):
        previous = trigger.get_next_fire_time(previous, previous or start)
        if previous is None:
            break
        fires.append(previous)
    if len(fires) < 2:
        raise UserError("That cron expression hardly ever fires. Please choose a repeating schedule.")
    if min(b - a for a, b in itertools.pairwise(fires)) < MIN_CRON_GAP:
        raise UserError("Check-ins can come at most once a day, so the cron expression must not fire more often.")
    return CRON_PREFIX + expression


def describe_cadence(cadence: str, local_time: str, anchor: date) -> str:
    if cadence.startswith(POSTNATAL_PREFIX):
        weeks = postnatal_weeks(cadence)
        unit = "week" if weeks == (1,) else "weeks"
        return f"at {_and_list([str(w) for w in weeks])} {unit} after birth, at {local_time} her own time"
    if cadence.startswith(CRON_PREFIX):
        return f"cron “{cadence[len(CRON_PREFIX):]}”"
    if cadence == "monthly":
        return f"monthly on day {anchor.day} at {local_time}"
    return f"{cadence} on {calendar.day_name[anchor.weekday()]}s at {local_time}"


@dataclass(frozen=True)
class Cadence:
    """The occurrences of one schedule."""

    cadence: str
    local_time: str
    timezone: str
    anchor: date

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def birth_weeks(self) -> tuple[int, ...]:
        """The weeks after birth of a birth-anchored schedule; empty for a group-wide one."""
        return postnatal_weeks(self.cadence)

    @property
    def per_member(self) -> bool:
        """True for a birth-anchored schedule: every member has her own occurrences (birth_planner.py)."""
        return self.cadence.startswith(POSTNATAL_PREFIX)

    def birth_occurrence(self, baby_week: date, week: int, timezone: str) -> datetime:
        """Her occurrence for week N: the schedule's local time, in her time zone, on the Monday N weeks
        after her baby's week."""
        naive = datetime.combine(baby_week + timedelta(weeks=week), _clock_time(self.local_time))
        return naive.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)

    @staticmethod
    def birth_period_key(week: int) -> str:
        return f"birth-w{week}"

    def _local(self, day: date) -> datetime:
        # zoneinfo resolves a wall time that falls in a DST gap or fold; normalise through UTC.
        naive = datetime.combine(day, _clock_time(self.local_time))
        return naive.replace(tzinfo=self.zone).astimezone(UTC)

    def _nth_date(self, n: int) -> date:
        if self.cadence == "weekly":
            return self.anchor + timedelta(days=7 * n)
        if self.cadence == "fortnightly":
            return self.anchor + timedelta(days=14 * n)
        month_index = self.anchor.month - 1 + n
        year, month = self.anchor.year + month_index // 12, month_index % 12 + 1
        return date(year, month, min(self.anchor.day, calendar.monthrange(year, month)[1]))

    def occurrences(self, after: datetime, until: datetime, limit: int = 400) -> list[datetime]:
        """UTC occurrences in (after, until], oldest first (none for a birth-anchored schedule, whose
        occurrences are each member's own)."""
        found: list[datetime] = []
        if self.per_member:
            return found
        if self.cadence.startswith(CRON_PREFIX):
            trigger = CronTrigger.from_crontab(self.cadence[len(CRON_PREFIX):], timezone=self.zone)
            previous: datetime | None = None
            now = after + timedelta(seconds=1)
            while len(found) < limit:
                fire = trigger.get_next_fire_time(previous, now)
                if fire is None or fire > until:
                    break
                fire = fire.astimezone(UTC)
                if fire > after:
                    found.append(fire)
                previous, now = fire, fire + timedelta(seconds=1)
            return found
        step_days = {"weekly": 7, "fortnightly": 14, "monthly": 31}[self.cadence]
        n = max(0, (after.date() - self.anchor).days // step_days - 1)
        while len(found) < limit:
            moment = self._local(self._nth_date(n))
            if moment > until:
                break
            if moment > after:
                found.append(moment)
            n += 1
        return found

    def next_after(self, moment: datetime) -> datetime:
        horizon = moment + timedelta(days=400)
        upcoming = self.occurrences(moment, horizon, limit=1)
        if not upcoming:
            raise UserError("That schedule has no upcoming date.")
        return upcoming[0]

    def period_key(self, occurrence: datetime) -> str:
        return occurrence.astimezone(self.zone).strftime("%Y-%m-%dT%H:%M")

    def cron_fields(self) -> dict[str, str]:
        """APScheduler cron trigger fields that fire at (at least) every occurrence."""
        if self.cadence.startswith(CRON_PREFIX):
            minute, hour, day, month, day_of_week = self.cadence[len(CRON_PREFIX):].split()
            return {"minute": minute, "hour": hour, "day": day, "month": month, "day_of_week": day_of_week}
        hours, minutes = self.local_time.split(":")
        if self.per_member:
            # Members' own time zones: wake every hour at the minute (the 30-second tick is the backstop).
            return {"minute": str(int(minutes))}
        fields = {"minute": str(int(minutes)), "hour": str(int(hours))}
        if self.cadence == "monthly":
            # a month shorter than the anchor day has its occurrence on its last day
            fields["day"] = f"{self.anchor.day},last" if self.anchor.day > 28 else str(self.anchor.day)
        else:
            fields["day_of_week"] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[self.anchor.weekday()]
        return fields


def first_anchor(local_time: str, timezone: str, now: datetime) -> date:
    """The local date of the first occurrence: today if the time is still ahead, else tomorrow."""
    zone = ZoneInfo(timezone)
    local_now = now.astimezone(zone)
    today = local_now.date()
    candidate = datetime.combine(today, _clock_time(local_time)).replace(tzinfo=zone)
    return today if candidate > local_now else today + timedelta(days=1)

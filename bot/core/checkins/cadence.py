"""When a schedule falls due: cadences, local times and period keys (pure functions, no I/O).

A schedule's occurrences are wall-clock times in the group's time zone, so "weekly at 19:00" stays
at 19:00 through daylight-saving changes. Each occurrence is one *period*; its key is the local
date and time ("2026-03-09T19:00"), unique per occurrence of a schedule.
"""

from __future__ import annotations

import calendar
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.core.errors import UserError

CADENCES = ("weekly", "fortnightly", "monthly")
CRON_PREFIX = "cron:"
MIN_CRON_GAP = timedelta(hours=20)
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.h]?([0-5]\d)$")


def parse_time(text: str) -> str:
    """'19:00', '7.30', '0930' → 'HH:MM', or a kind UserError."""
    match = _TIME.match(text.strip().lower())
    if not match:
        raise UserError(f"I couldn't read “{text.strip()[:20]}” as a time. Please use 24-hour HH:MM, like 19:00.")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _clock_time(hhmm: str) -> time:
    hours, minutes = hhmm.split(":")
    return time(int(hours), int(minutes))


def parse_cadence(text: str) -> str:
    """weekly | fortnightly | monthly | a 5-field cron expression (stored as 'cron:<expr>')."""
    cleaned = " ".join(text.strip().split())
    if cleaned.lower() in CADENCES:
        return cleaned.lower()
    expression = cleaned[len(CRON_PREFIX):].strip() if cleaned.lower().startswith(CRON_PREFIX) else cleaned
    if len(expression.split()) != 5:
        raise UserError("The cadence must be weekly, fortnightly, monthly, or a cron expression such as "
                        "“0 19 * * MON” (minute hour day month weekday).")
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
        """UTC occurrences in (after, until], oldest first."""
        found: list[datetime] = []
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

"""Planning: which members get a check-in for which period, written exactly once.

Exactly once per (schedule, member, period) is the database's job: a UNIQUE constraint and
INSERT OR IGNORE, so two planners racing (two triggers, a restart mid-way, a misfire) can only
ever write the row once. The planner remembers how far it has planned (`planned_through`) so the
30-second tick does no work between occurrences.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock, to_iso
from bot.core.checkins.prefs import MemberPrefs, PrefsService
from bot.core.checkins.schedule import Schedule, ScheduleService
from bot.core.consent import ConsentService
from bot.core.groups import GroupService
from bot.core.guilds import GuildSettingsService
from bot.store import Database

PLAN_CHUNK = 1000
# After long downtime, look back at most this far for occurrences to record as missed.
LOOKBACK = timedelta(days=35)

_INSERT = (
    "INSERT OR IGNORE INTO checkins (guild_id, schedule_id, group_id, pseudonym, instrument, period_key, created_at, "
    "due_at, send_after, state, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class PeriodPlan:
    period_key: str
    members: int
    new_rows: int


def plan_rows(schedule: Schedule, period_key: str, due_at: datetime, now: datetime, grace: timedelta,
              members: Iterable[str], prefs: Mapping[str, MemberPrefs], fallback: MemberPrefs,
              consents: Mapping[str, bool]) -> list[tuple[object, ...]]:
    """The rows for one period (pure: no I/O, so 10,000 members plan in milliseconds)."""
    late = now - due_at > grace
    rows: list[tuple[object, ...]] = []
    due_text, now_text = to_iso(due_at), to_iso(now)
    for pseudonym in members:
        member_prefs = prefs.get(pseudonym, fallback)
        state, reason, send_after = "pending", "", due_text
        if late:
            state, reason = "missed", "offline"
        elif consents.get(pseudonym) is False:
            state, reason = "skipped", "no consent"
        elif member_prefs.paused:
            state, reason = "skipped", "paused"
        else:
            send_after = to_iso(member_prefs.next_allowed(due_at))
        rows.append((schedule.guild_id, schedule.id, schedule.group_id, pseudonym, schedule.instrument, period_key,
                     now_text, due_text, send_after, state, reason))
    return rows


class Planner:
    def __init__(self, db: Database, clock: Clock, schedules: ScheduleService, groups: GroupService,
                 guilds: GuildSettingsService, prefs: PrefsService, consent: ConsentService,
                 grace: timedelta) -> None:
        self._db = db
        self._clock = clock
        self._schedules = schedules
        self._groups = groups
        self._guilds = guilds
        self._prefs = prefs
        self._consent = consent
        self._grace = grace

    async def plan_due(self) -> list[PeriodPlan]:
        """Plan every occurrence that has come since each schedule was last planned."""
        now = self._clock.now()
        plans: list[PeriodPlan] = []
        for schedule in await self._schedules.active():
            start = max(schedule.planned_through, now - LOOKBACK)
            for occurrence in schedule.timing.occurrences(start, now):
                plans.append(await self.plan_period(schedule, occurrence))
        return plans

    async def plan_period(self, schedule: Schedule, occurrence: datetime, *,
                          due_at: datetime | None = None) -> PeriodPlan:
        """Write one period's rows for every member of the group, in one transaction.

        `due_at` is when it is sent (the occurrence itself unless a moderator sends it early).
        """
        now = self._clock.now()
        period_key = schedule.timing.period_key(occurrence)
        members = await self._groups.member_pseudonyms(schedule.group_id)
        guild_timezone = (await self._guilds.get(schedule.guild_id)).timezone
        prefs = await self._prefs.for_guild(schedule.guild_id, guild_timezone)
        consents = await self._consent.checkins_by_member(schedule.guild_id)
        rows: list[tuple[object, ...]] = []
        for start in range(0, len(members), PLAN_CHUNK):
            rows += plan_rows(schedule, period_key, due_at or occurrence, now, self._grace,
                              members[start:start + PLAN_CHUNK], prefs, MemberPrefs(guild_timezone), consents)
            await asyncio.sleep(0)  # let the event loop breathe between chunks of a very large group
        async with self._db.transaction() as conn:
            before = conn.total_changes
            await conn.executemany(_INSERT, rows)
            new_rows = conn.total_changes - before
            # A questionnaire from an earlier period closes when the next period begins.
            await conn.execute(
                "UPDATE checkins SET state = 'missed', reason = 'superseded' "
                "WHERE schedule_id = ? AND state IN ('pending', 'sent') AND period_key < ?",
                (schedule.id, period_key),
            )
            await conn.execute(
                "UPDATE checkin_schedules SET planned_through = max(planned_through, ?) WHERE id = ?",
                (to_iso(occurrence), schedule.id),
            )
        return PeriodPlan(period_key, len(rows), new_rows)

"""Planning: which members get a check-in for which period, written exactly once.

Exactly once per (schedule, member, period) is the database's job: a UNIQUE constraint and
ON CONFLICT DO NOTHING (bot/store/checkins_repo.py), so two planners racing (two triggers, a
restart mid-way, a misfire, two processes) can only ever write the row once. The planner remembers
how far it has planned (`planned_through`) so the 30-second tick does no work between occurrences.

A period for a very large group never holds up the event loop, and 100,000 members are planned in
under 2 s. Most members get the same row: pending, sent at the due time. Only members with a reason
to differ (a declined consent, a pause, quiet hours or a snooze) get an outcome of their own
(`plan_outcomes`, in a worker thread), worked out once per distinct set of preferences rather than
once per member. The group is then read and written a page of `PLAN_CHUNK` members at a time, in
pseudonym order, so every index of `checkins` grows at its end. Each page is one short transaction
with one statement per outcome: its members travel as one JSON array that the database expands
(SQLite's `json_each`, PostgreSQL's `json_array_elements_text`), instead of 11 values per member
bound one by one in Python. Between pages other writers get their turn. A period is finished
(earlier periods superseded, `planned_through` moved on) only after its last page, so a crash
mid-way leaves the period to be planned again, and ON CONFLICT DO NOTHING fills in only what is
missing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Set
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock, to_iso
from bot.core.checkins.prefs import MemberPrefs, PrefsService
from bot.core.checkins.schedule import Schedule, ScheduleService
from bot.core.consent import ConsentService
from bot.core.groups import GroupService
from bot.core.guilds import GuildSettingsService
from bot.store import Database
from bot.store.checkins_repo import CheckinsRepository, PeriodRows
from bot.store.schedules_repo import SchedulesRepository

# Members read and written per page (one transaction each): about 50 ms of SQLite work.
PLAN_CHUNK = 5000
# After long downtime, look back at most this far for occurrences to record as missed.
LOOKBACK = timedelta(days=35)

@dataclass(frozen=True)
class Outcome:
    """What a member's row for the period says: when to send it, and its state and reason."""

    send_after: str
    state: str = "pending"
    reason: str = ""


@dataclass(frozen=True)
class MemberOutcomes:
    usual: Outcome  # every member not in `own`
    own: dict[str, Outcome]  # members whose row differs: declined, paused, quiet hours, snoozed


@dataclass(frozen=True)
class PeriodPlan:
    period_key: str
    members: int
    new_rows: int


def plan_outcomes(due_at: datetime, now: datetime, grace: timedelta,
                  prefs: Iterable[tuple[MemberPrefs, Iterable[str]]], declined: Set[str],
                  unanswered: Set[str] = frozenset()) -> MemberOutcomes:
    """Each member's outcome for one period (pure: no I/O). `prefs` holds members grouped by identical
    preferences. Long after the due time everyone's row is missed; otherwise a member who said no (or was
    asked for consent and never answered) is skipped, then one who paused, and quiet hours or a snooze
    move her send time on. Everyone else (no preferences, or none that apply now) is `usual`."""
    due_text = to_iso(due_at)
    if now - due_at > grace:
        return MemberOutcomes(Outcome(due_text, "missed", "offline"), {})
    usual = Outcome(due_text)
    own = dict.fromkeys(declined, Outcome(due_text, "skipped", "no consent"))
    # Asked for consent (and reminded) already, never answered: not asked again every period.
    own.update(dict.fromkeys(unanswered, Outcome(due_text, "skipped", "consent not answered")))
    for member_prefs, members in prefs:
        if member_prefs.paused:
            outcome = Outcome(due_text, "skipped", "paused")
        else:
            send_after = member_prefs.next_allowed(due_at)
            if send_after == due_at:
                continue
            outcome = Outcome(to_iso(send_after))
        for pseudonym in members:
            own.setdefault(pseudonym, outcome)
    return MemberOutcomes(usual, own)


class Planner:
    def __init__(self, db: Database, clock: Clock, schedules: ScheduleService, groups: GroupService,
                 guilds: GuildSettingsService, prefs: PrefsService, consent: ConsentService,
                 grace: timedelta) -> None:
        self._db = db
        self._checkins = CheckinsRepository(db)
        self._schedule_rows = SchedulesRepository(db)
        self._clock = clock
        self._schedules = schedules
        self._groups = groups
        self._guilds = guilds
        self._prefs = prefs
        self._consent = consent
        self._grace = grace

    async def plan_due(self) -> list[PeriodPlan]:
        """Plan every occurrence that has come since each schedule (of this process's guilds) was last planned."""
        now = self._clock.now()
        plans: list[PeriodPlan] = []
        for schedule in await self._schedules.served():
            start = max(schedule.planned_through, now - LOOKBACK)
            for occurrence in schedule.timing.occurrences(start, now):
                plans.append(await self.plan_period(schedule, occurrence))
        return plans

    async def plan_period(self, schedule: Schedule, occurrence: datetime, *,
                          due_at: datetime | None = None) -> PeriodPlan:
        """Write one period's rows for every member of the group, a page of members per transaction.

        `due_at` is when it is sent (the occurrence itself unless a moderator sends it early).
        """
        now = self._clock.now()
        due = due_at or occurrence
        period_key = schedule.timing.period_key(occurrence)
        guild_timezone = (await self._guilds.get(schedule.guild_id)).timezone
        prefs = await self._prefs.by_preferences(schedule.guild_id, guild_timezone)
        declined = await self._consent.declined_checkins(schedule.guild_id)
        unanswered = await self._consent.unanswered_checkins(schedule.guild_id)
        outcomes = await asyncio.to_thread(plan_outcomes, due, now, self._grace, prefs, declined, unanswered)
        period = PeriodRows(schedule.guild_id, schedule.id, schedule.group_id, schedule.instrument, period_key, now,
                            due)
        members = new_rows = 0
        after = ""
        while page := await self._groups.member_page(schedule.group_id, after, PLAN_CHUNK):
            members += len(page)
            after = page[-1]
            alike: dict[Outcome, list[str]] = {}
            for pseudonym in page:
                alike.setdefault(outcomes.own.get(pseudonym, outcomes.usual), []).append(pseudonym)
            async with self._db.transaction() as tx:
                for outcome, pseudonyms in alike.items():
                    new_rows += await self._checkins.plan(tx, period, outcome.send_after, outcome.state,
                                                          outcome.reason, pseudonyms)
        async with self._db.transaction() as tx:
            # A questionnaire from an earlier period closes when the next period begins.
            await self._checkins.supersede(tx, schedule.id, period_key)
            await self._schedule_rows.planned_through(tx, schedule.id, occurrence)
        return PeriodPlan(period_key, members, new_rows)

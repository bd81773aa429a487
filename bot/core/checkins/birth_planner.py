"""Birth-anchored check-ins ("postnatal:2,6,12"): each member's own weeks after her baby's birth.

A group-wide schedule has one occurrence for everyone; a birth-anchored one has none of its own.
Each member who gave her baby's week (`baby_weeks`: the Monday of the birth week, or of the due week
until she updates it) has an occurrence for every week N of the schedule: the schedule's local time,
in *her* time zone, on the Monday N weeks after her baby's week. Its period key is "birth-wN", so the
checkins table's UNIQUE (schedule, member, period) and ON CONFLICT DO NOTHING keep it exactly once,
even if two planners race or she corrects her week afterwards. Members without a week are not planned
at all (nothing is "missed").

No flood of old questionnaires: when a schedule is first planned, or when she sets her week, the
weeks that passed more than `grace` before that moment are not written, and of the earlier weeks
only the latest within `grace` is. After that the schedule is planned as the others are: everything
that came since `planned_through` (so after downtime a week older than `grace` is recorded missed).
Her row then goes through the same outcome rules as any check-in (`plan_outcomes`: declined
consent, pause, quiet hours, snooze) and the same sending, reminders and expiry.

A large group never holds up the loop: only members whose week can fall in the window are read
(by week, from an index), a page of `PLAN_CHUNK` at a time in pseudonym order; their times are
worked out in a worker thread and each page is written in one short transaction.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.clock import Clock
from bot.core.checkins.cadence import Cadence
from bot.core.checkins.planner import LOOKBACK, PLAN_CHUNK, Outcome, PeriodPlan, plan_outcomes
from bot.core.checkins.prefs import MemberPrefs, PrefsService
from bot.core.checkins.schedule import Schedule, ScheduleService
from bot.core.consent import ConsentService
from bot.core.groups import GroupService
from bot.core.guilds import GuildSettingsService
from bot.store import Database
from bot.store.baby_weeks_repo import BabyWeeksRepository, MemberBabyWeek
from bot.store.checkins_repo import CheckinsRepository, PeriodRows
from bot.store.schedules_repo import SchedulesRepository

# How far planning may lag before `planned_through` is written again: re-planning a short stretch is
# harmless (ON CONFLICT DO NOTHING), and the 30-second tick then writes nothing when nothing is due.
PLANNED_STEP = timedelta(hours=1)
# A member's local date differs from the UTC date by at most a day; two days is a safe margin.
_ZONE_MARGIN = timedelta(days=2)


@dataclass(frozen=True)
class BirthRow:
    """One member's row for one week after birth."""

    pseudonym: str
    week: int
    due_at: datetime
    outcome: Outcome


@dataclass(frozen=True)
class Window:
    """Occurrences in (start, end] are planned; of those at or before `since`, only the latest."""

    start: datetime
    end: datetime
    since: datetime


def candidate_weeks(weeks: Sequence[int], start: datetime, end: datetime) -> list[date]:
    """The baby weeks (Mondays) whose week N can fall in (start, end] in some time zone."""
    mondays: set[date] = set()
    for n in weeks:
        low = (start - _ZONE_MARGIN).date() - timedelta(weeks=n)
        high = (end + _ZONE_MARGIN).date() - timedelta(weeks=n)
        day = low - timedelta(days=low.weekday())
        while day <= high:
            mondays.add(day)
            day += timedelta(weeks=1)
    return sorted(mondays)


def member_outcome(due_at: datetime, now: datetime, grace: timedelta, prefs: MemberPrefs | None,
                   declined: bool, unanswered: bool = False) -> Outcome:
    """Her outcome for one occurrence, by the same rules as every other check-in (`plan_outcomes`)."""
    key = "her"
    outcomes = plan_outcomes(due_at, now, grace, [(prefs, [key])] if prefs else [], {key} if declined else set(),
                             {key} if unanswered else set())
    return outcomes.own.get(key, outcomes.usual)


def plan_members(timing: Cadence, members: Sequence[MemberBabyWeek], window: Window, now: datetime,
                 grace: timedelta, prefs: Mapping[str, MemberPrefs], fallback_timezone: str,
                 declined: Set[str], unanswered: Set[str] = frozenset()) -> list[BirthRow]:
    """Each member's rows in the window (pure: no I/O; run in a worker thread for a large page)."""
    rows: list[BirthRow] = []
    for member in members:
        own = prefs.get(member.pseudonym)
        zone = own.timezone if own else fallback_timezone
        found = [(n, moment) for n in timing.birth_weeks
                 if window.start < (moment := timing.birth_occurrence(member.week, n, zone)) <= window.end]
        earlier = [item for item in found if item[1] <= window.since]
        found = earlier[-1:] + [item for item in found if item[1] > window.since]
        rows.extend(BirthRow(member.pseudonym, n, moment,
                             member_outcome(moment, now, grace, own, member.pseudonym in declined,
                                            member.pseudonym in unanswered))
                    for n, moment in found)
    return rows


class BirthPlanner:
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
        self._babies = BabyWeeksRepository(db)
        self._checkins = CheckinsRepository(db)
        self._schedule_rows = SchedulesRepository(db)

    async def plan_due(self) -> list[PeriodPlan]:
        """Plan every birth-anchored schedule (of this process's guilds) up to now."""
        plans = []
        for schedule in await self._schedules.served():
            if schedule.timing.per_member:
                plans.append(await self.plan_schedule(schedule))
        return plans

    async def plan_schedule(self, schedule: Schedule) -> PeriodPlan:
        now = self._clock.now()
        if schedule.planned_through <= schedule.created_at:
            # Never planned: of the weeks before it was created, only the latest within grace.
            window = Window(schedule.created_at - self._grace, now, schedule.created_at)
        else:
            window = Window(schedule.planned_through, now, schedule.planned_through)
        window = Window(max(window.start, now - LOOKBACK), window.end, window.since)
        plan = await self._plan(schedule, window)
        if plan.new_rows or now - schedule.planned_through >= PLANNED_STEP:
            async with self._db.transaction() as tx:
                await self._schedule_rows.planned_through(tx, schedule.id, now)
        return plan

    async def plan_member(self, guild_id: int, pseudonym: str) -> int:
        """She has just set her baby's week: plan her latest week within grace of every birth-anchored
        schedule of her groups (later weeks come with the usual planning). How many rows were new."""
        now = self._clock.now()
        new_rows = 0
        for schedule in await self._schedules.active(guild_id):
            if not schedule.timing.per_member or not await self._groups.is_member(schedule.group_id, pseudonym):
                continue
            start = max(now, schedule.created_at) - self._grace
            plan = await self._plan(schedule, Window(start, now, now), only=pseudonym)
            new_rows += plan.new_rows
        return new_rows

    async def _plan(self, schedule: Schedule, window: Window, *, only: str | None = None) -> PeriodPlan:
        now = self._clock.now()
        weeks = candidate_weeks(schedule.timing.birth_weeks, window.start, window.end)
        members = new_rows = 0
        after = ""
        context: tuple[dict[str, MemberPrefs], set[str], set[str], str] | None = None
        while page := await self._page(schedule, weeks, after, only):
            members += len(page)
            after = page[-1].pseudonym
            if context is None:  # read preferences and consents only when someone is due
                context = await self._context(schedule.guild_id)
            prefs, declined, unanswered, fallback = context
            rows = await asyncio.to_thread(plan_members, schedule.timing, page, window, now, self._grace, prefs,
                                           fallback, declined, unanswered)
            new_rows += await self._write(schedule, rows, now)
        return PeriodPlan("birth", members, new_rows)

    async def _page(self, schedule: Schedule, weeks: list[date], after: str,
                    only: str | None) -> list[MemberBabyWeek]:
        if only is None:
            return await self._babies.in_group_page(schedule.guild_id, schedule.group_id, weeks, after, PLAN_CHUNK)
        if after:  # her one row was the first page
            return []
        mine = await self._babies.get(schedule.guild_id, only)
        return [MemberBabyWeek(only, mine.week, mine.kind)] if mine is not None and mine.week in weeks else []

    async def _context(self, guild_id: int) -> tuple[dict[str, MemberPrefs], set[str], set[str], str]:
        fallback = (await self._guilds.get(guild_id)).timezone
        prefs = {pseudonym: member_prefs
                 for member_prefs, pseudonyms in await self._prefs.by_preferences(guild_id, fallback)
                 for pseudonym in pseudonyms}
        return (prefs, await self._consent.declined_checkins(guild_id),
                await self._consent.unanswered_checkins(guild_id), fallback)

    async def _write(self, schedule: Schedule, rows: Sequence[BirthRow], now: datetime) -> int:
        """One transaction for the page: the rows (alike rows in one statement), then her earlier
        check-ins of this schedule close, as when any new period begins."""
        alike: dict[tuple[int, datetime, Outcome], list[str]] = defaultdict(list)
        latest: dict[str, datetime] = {}
        for row in rows:
            alike[(row.week, row.due_at, row.outcome)].append(row.pseudonym)
            latest[row.pseudonym] = max(row.due_at, latest.get(row.pseudonym, row.due_at))
        closing: dict[datetime, list[str]] = defaultdict(list)
        for pseudonym, due_at in latest.items():
            closing[due_at].append(pseudonym)
        new_rows = 0
        async with self._db.transaction() as tx:
            for (week, due_at, outcome), pseudonyms in alike.items():
                period = PeriodRows(schedule.guild_id, schedule.id, schedule.group_id, schedule.instrument,
                                    Cadence.birth_period_key(week), now, due_at)
                new_rows += await self._checkins.plan(tx, period, outcome.send_after, outcome.state, outcome.reason,
                                                      pseudonyms)
            for due_at, pseudonyms in closing.items():
                await self._checkins.supersede_members(tx, schedule.id, due_at, pseudonyms)
        return new_rows

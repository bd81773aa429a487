"""Groups' check-in schedules: the database is the source of truth; APScheduler only wakes us up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, TypeVar

from bot.clock import Clock
from bot.core.audit import AuditLog
from bot.core.checkins.cadence import CRON_PREFIX, Cadence, describe_cadence, first_anchor, parse_cadence, parse_time
from bot.core.checkins.messages import birth_scheduled_note, local_time, scheduled_note
from bot.core.errors import NotFound, UserError
from bot.core.groups import GroupService
from bot.core.guilds import GuildSettingsService
from bot.core.instruments import Instrument, get_instrument
from bot.core.notify import Note
from bot.core.shards import ALL_GUILDS, GuildShards
from bot.store import Database
from bot.store.checkins_repo import CheckinsRepository, StatusCounts
from bot.store.schedules_repo import ScheduleRow, SchedulesRepository

_T = TypeVar("_T")


@dataclass(frozen=True)
class Schedule(ScheduleRow):
    """A stored schedule (its fields are the row's) with what the core computes from it."""

    @property
    def timing(self) -> Cadence:
        return Cadence(self.cadence, self.local_time, self.timezone, self.anchor_date)

    @property
    def job_id(self) -> str:
        return f"checkins:schedule:{self.id}"

    def describe(self) -> str:
        text = describe_cadence(self.cadence, self.local_time, self.anchor_date)
        return text if self.timing.per_member else text + f" ({self.timezone})"


@dataclass(frozen=True)
class GroupStatus(StatusCounts):
    """A group's check-in counts for one questionnaire, with the completion rate."""

    @property
    def completion_rate(self) -> float | None:
        finished = self.completed + self.missed
        return None if finished == 0 else self.completed / finished


def _copy(kind: type[_T], record: Any) -> _T:
    """A store record as the core's subclass of it (same fields, plus what the core computes)."""
    return kind(**{field.name: getattr(record, field.name) for field in fields(record)})


def _schedule(row: ScheduleRow) -> Schedule:
    return _copy(Schedule, row)


class ScheduleService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, groups: GroupService,
                 guilds: GuildSettingsService, instruments: Mapping[str, Instrument], *,
                 shards: GuildShards = ALL_GUILDS) -> None:
        self._db = db
        self.shards = shards
        self._repo = SchedulesRepository(db)
        self._checkins = CheckinsRepository(db)
        self._clock = clock
        self._audit = audit
        self._groups = groups
        self._guilds = guilds
        self._instruments = instruments

    def sendable_instrument(self, instrument_id: str) -> Instrument:
        instrument = get_instrument(self._instruments, instrument_id.strip().lower())
        if not instrument.can_be_sent:
            raise UserError(f"I can't schedule {instrument.short_name}: {instrument.why_not_sendable}")
        return instrument

    async def create(self, guild_id: int, group_name: str, instrument_id: str, cadence: str, local_time: str | None,
                     *, actor: str) -> Schedule:
        group = await self._groups.by_name(guild_id, group_name)
        instrument = self.sendable_instrument(instrument_id)
        parsed_cadence = parse_cadence(cadence)
        if parsed_cadence.startswith(CRON_PREFIX):
            hhmm = parse_time(local_time) if local_time else "00:00"
        elif not local_time:
            raise UserError("Please give the time of day for the check-in, like 19:00.")
        else:
            hhmm = parse_time(local_time)
        timezone = (await self._guilds.get(guild_id)).timezone
        now = self._clock.now()
        anchor = first_anchor(hhmm, timezone, now)
        async with self._db.transaction() as tx:
            if await self._repo.has_active(tx, group.id, instrument.id):
                raise UserError(f"“{group.name}” already has a {instrument.short_name} schedule. "
                                "Cancel it first (/checkins cancel) to change it.")
            schedule_id = await self._repo.insert(tx, guild_id, group.id, instrument.id, parsed_cadence, hhmm,
                                                  timezone, anchor, now)
            await self._audit.record(tx, guild_id, actor, "checkin_schedule", "scheduled check-ins",
                                     detail=f"{group.name}: {instrument.short_name} {parsed_cadence} {hhmm}")
        return await self.get(guild_id, schedule_id)

    def scheduled_note(self, schedule: Schedule) -> Note:
        """What the moderator is told after /checkins schedule (the cog and the sandbox show the same)."""
        short = self._instruments[schedule.instrument].short_name
        if schedule.timing.per_member:
            return birth_scheduled_note(schedule.id, short, schedule.describe())
        upcoming = schedule.timing.next_after(self._clock.now())
        return scheduled_note(schedule.id, short, schedule.describe(), upcoming, schedule.timezone)

    async def get(self, guild_id: int, schedule_id: int) -> Schedule:
        row = await self._repo.get(schedule_id, guild_id)
        if row is None:
            raise NotFound(f"There is no check-in schedule #{schedule_id} here. /checkins list shows them.")
        return _schedule(row)

    async def by_id(self, schedule_id: int) -> Schedule | None:
        row = await self._repo.get(schedule_id)
        return None if row is None else _schedule(row)

    async def active(self, guild_id: int | None = None) -> list[Schedule]:
        return [_schedule(row) for row in await self._repo.active(guild_id)]

    async def served(self) -> list[Schedule]:
        """Active schedules of the guilds this process serves (every guild unless it runs some shards)."""
        return [_schedule(row) for row in await self._repo.active(shards=self.shards)]

    async def for_group(self, guild_id: int, group_name: str) -> list[Schedule]:
        group = await self._groups.by_name(guild_id, group_name)
        schedules = [s for s in await self.active(guild_id) if s.group_id == group.id]
        if not schedules:
            raise UserError(f"“{group.name}” has no check-in schedule. Add one with /checkins schedule.")
        return schedules

    async def cancel(self, guild_id: int, schedule_id: int, *, actor: str) -> Schedule:
        schedule = await self.get(guild_id, schedule_id)
        if schedule.cancelled:
            raise UserError(f"Schedule #{schedule_id} is already cancelled.")
        async with self._db.transaction() as tx:
            await self._repo.cancel(tx, schedule_id, self._clock.now())
            # Questionnaires not yet sent are dropped; ones already in her hands can still be finished.
            await self._checkins.skip_pending_of_schedule(tx, schedule_id)
            await self._audit.record(tx, guild_id, actor, "checkin_cancel", "cancelled check-ins",
                                     detail=f"schedule #{schedule_id}")
        return await self.get(guild_id, schedule_id)

    async def describe_list(self, guild_id: int) -> str:
        schedules = await self.active(guild_id)
        if not schedules:
            return "No check-ins are scheduled. Add one with /checkins schedule."
        now = self._clock.now()
        lines = ["**Check-in schedules**"]
        for schedule in schedules:
            group = await self._groups.get(guild_id, schedule.group_id)
            short = self._instruments[schedule.instrument].short_name if schedule.instrument in self._instruments \
                else schedule.instrument
            if schedule.timing.per_member:
                lines.append(f"#{schedule.id} · {group.name} · {short} · {schedule.describe()} · for members who "
                             "gave their baby's week (/checkin baby)")
                continue
            upcoming = schedule.timing.next_after(now)
            lines.append(f"#{schedule.id} · {group.name} · {short} · {schedule.describe()} · next "
                         f"{local_time(upcoming, schedule.timezone)}")
        return "\n".join(lines)

    async def status(self, guild_id: int) -> list[GroupStatus]:
        """Completion counts per group and instrument: never an individual's answers or score."""
        return [_copy(GroupStatus, c) for c in await self._checkins.status(guild_id)]

    async def describe_status(self, guild_id: int) -> str:
        statuses = await self.status(guild_id)
        if not statuses:
            return "No check-ins have gone out yet."
        lines = ["**Check-in completion** (counts only; individual answers and scores stay private)"]
        for status in statuses:
            short = self._instruments[status.instrument].short_name if status.instrument in self._instruments \
                else status.instrument
            rate = "–" if status.completion_rate is None else f"{status.completion_rate:.0%}"
            lines.append(f"• {status.group_name} · {short}: {status.completed} completed, {status.missed} missed, "
                         f"{status.open} open · completion {rate}")
        return "\n".join(lines)

"""Groups' check-in schedules: the database is the source of truth; APScheduler only wakes us up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import aiosqlite

from bot.clock import Clock, from_iso, to_iso
from bot.core.audit import AuditLog
from bot.core.checkins.cadence import CRON_PREFIX, Cadence, describe_cadence, first_anchor, parse_cadence, parse_time
from bot.core.checkins.messages import local_time
from bot.core.errors import NotFound, UserError
from bot.core.groups import GroupService
from bot.core.guilds import GuildSettingsService
from bot.core.instruments import Instrument, get_instrument
from bot.store import Database


@dataclass(frozen=True)
class Schedule:
    id: int
    guild_id: int
    group_id: int
    instrument: str
    cadence: str
    local_time: str
    timezone: str
    anchor_date: date
    created_at: datetime
    planned_through: datetime
    cancelled: bool

    @property
    def timing(self) -> Cadence:
        return Cadence(self.cadence, self.local_time, self.timezone, self.anchor_date)

    @property
    def job_id(self) -> str:
        return f"checkins:schedule:{self.id}"

    def describe(self) -> str:
        return describe_cadence(self.cadence, self.local_time, self.anchor_date) + f" ({self.timezone})"


@dataclass(frozen=True)
class GroupStatus:
    group_name: str
    instrument: str
    sent: int
    completed: int
    missed: int
    open: int

    @property
    def completion_rate(self) -> float | None:
        finished = self.completed + self.missed
        return None if finished == 0 else self.completed / finished


def _schedule(row: aiosqlite.Row) -> Schedule:
    return Schedule(row["id"], row["guild_id"], row["group_id"], row["instrument"], row["cadence"],
                    row["local_time"], row["timezone"], date.fromisoformat(row["anchor_date"]),
                    from_iso(row["created_at"]), from_iso(row["planned_through"]), row["cancelled_at"] is not None)


class ScheduleService:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, groups: GroupService,
                 guilds: GuildSettingsService, instruments: Mapping[str, Instrument]) -> None:
        self._db = db
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
        async with self._db.transaction() as conn:
            if await conn.fetchone(
                "SELECT 1 FROM checkin_schedules WHERE group_id = ? AND instrument = ? AND cancelled_at IS NULL",
                (group.id, instrument.id),
            ):
                raise UserError(f"“{group.name}” already has a {instrument.short_name} schedule. "
                                "Cancel it first (/checkins cancel) to change it.")
            schedule_id = int(await conn.fetchval(
                "INSERT INTO checkin_schedules (guild_id, group_id, instrument, cadence, local_time, timezone, "
                "anchor_date, created_at, planned_through) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (guild_id, group.id, instrument.id, parsed_cadence, hhmm, timezone, anchor.isoformat(),
                 to_iso(now), to_iso(now)),
            ))
            await self._audit.record(conn, guild_id, actor, "checkin_schedule", "scheduled check-ins",
                                     detail=f"{group.name}: {instrument.short_name} {parsed_cadence} {hhmm}")
        return await self.get(guild_id, schedule_id)

    async def get(self, guild_id: int, schedule_id: int) -> Schedule:
        row = await self._db.fetchone("SELECT * FROM checkin_schedules WHERE id = ? AND guild_id = ?",
                                      (schedule_id, guild_id))
        if row is None:
            raise NotFound(f"There is no check-in schedule #{schedule_id} here. /checkins list shows them.")
        return _schedule(row)

    async def by_id(self, schedule_id: int) -> Schedule | None:
        row = await self._db.fetchone("SELECT * FROM checkin_schedules WHERE id = ?", (schedule_id,))
        return None if row is None else _schedule(row)

    async def active(self, guild_id: int | None = None) -> list[Schedule]:
        if guild_id is None:
            rows = await self._db.fetchall("SELECT * FROM checkin_schedules WHERE cancelled_at IS NULL ORDER BY id")
        else:
            rows = await self._db.fetchall(
                "SELECT * FROM checkin_schedules WHERE cancelled_at IS NULL AND guild_id = ? ORDER BY id", (guild_id,)
            )
        return [_schedule(row) for row in rows]

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
        now = to_iso(self._clock.now())
        async with self._db.transaction() as conn:
            await conn.execute("UPDATE checkin_schedules SET cancelled_at = ? WHERE id = ?", (now, schedule_id))
            # Questionnaires not yet sent are dropped; ones already in her hands can still be finished.
            await conn.execute(
                "UPDATE checkins SET state = 'skipped', reason = 'schedule cancelled' "
                "WHERE schedule_id = ? AND state = 'pending'",
                (schedule_id,),
            )
            await self._audit.record(conn, guild_id, actor, "checkin_cancel", "cancelled check-ins",
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
            upcoming = schedule.timing.next_after(now)
            lines.append(f"#{schedule.id} · {group.name} · {short} · {schedule.describe()} · next "
                         f"{local_time(upcoming, schedule.timezone)}")
        return "\n".join(lines)

    async def status(self, guild_id: int) -> list[GroupStatus]:
        """Completion counts per group and instrument: never an individual's answers or score."""
        rows = await self._db.fetchall(
            "SELECT g.name, c.instrument, "
            "sum(c.state IN ('sent', 'completed', 'missed') AND c.sent_at IS NOT NULL), "
            "sum(c.state = 'completed'), sum(c.state = 'missed'), sum(c.state = 'sent') "
            "FROM checkins c JOIN groups g ON g.id = c.group_id WHERE c.guild_id = ? "
            "GROUP BY g.name, c.instrument ORDER BY g.name, c.instrument",
            (guild_id,),
        )
        return [GroupStatus(row[0], row[1], row[2] or 0, row[3] or 0, row[4] or 0, row[5] or 0) for row in rows]

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

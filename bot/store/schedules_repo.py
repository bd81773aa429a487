"""Groups' check-in schedules: the `checkin_schedules` table (the source of truth; APScheduler only wakes us)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.clock import from_iso, to_iso
from bot.store.database import Database, Row, Tx
from bot.store.member_data import MemberRows
from bot.store.shards import ShardScope, guild_clause


@dataclass(frozen=True)
class ScheduleRow:
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


def _row(r: Row) -> ScheduleRow:
    return ScheduleRow(r["id"], r["guild_id"], r["group_id"], r["instrument"], r["cadence"],
                       r["local_time"], r["timezone"], date.fromisoformat(r["anchor_date"]),
                       from_iso(r["created_at"]), from_iso(r["planned_through"]),
                       r["cancelled_at"] is not None)


class SchedulesRepository(MemberRows):
    TABLES = ("checkin_schedules",)

    def __init__(self, db: Database) -> None:
        self._db = db

    async def has_active(self, tx: Tx, group_id: int, instrument: str) -> bool:
        return await tx.fetchval(
            "SELECT 1 FROM checkin_schedules WHERE group_id = ? AND instrument = ? AND cancelled_at IS NULL",
            (group_id, instrument)) is not None

    async def insert(self, tx: Tx, guild_id: int, group_id: int, instrument: str, cadence: str, local_time: str,
                     timezone: str, anchor: date, now: datetime) -> int:
        schedule_id = await tx.fetchval(
            "INSERT INTO checkin_schedules (guild_id, group_id, instrument, cadence, local_time, timezone, "
            "anchor_date, created_at, planned_through) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (guild_id, group_id, instrument, cadence, local_time, timezone, anchor.isoformat(), to_iso(now),
             to_iso(now)),
        )
        assert isinstance(schedule_id, int)
        return schedule_id

    async def get(self, schedule_id: int, guild_id: int | None = None) -> ScheduleRow | None:
        if guild_id is None:
            row = await self._db.fetchone("SELECT * FROM checkin_schedules WHERE id = ?", (schedule_id,))
        else:
            row = await self._db.fetchone("SELECT * FROM checkin_schedules WHERE id = ? AND guild_id = ?",
                                          (schedule_id, guild_id))
        return None if row is None else _row(row)

    async def active(self, guild_id: int | None = None, shards: ShardScope | None = None) -> list[ScheduleRow]:
        """Schedules not cancelled: of one guild, or of every guild (on `shards` only, when given)."""
        if guild_id is None:
            owned, owned_params = guild_clause("guild_id", shards)
            rows = await self._db.fetchall(
                f"SELECT * FROM checkin_schedules WHERE cancelled_at IS NULL{owned} ORDER BY id",  # noqa: S608
                owned_params)
        else:
            rows = await self._db.fetchall(
                "SELECT * FROM checkin_schedules WHERE cancelled_at IS NULL AND guild_id = ? ORDER BY id", (guild_id,)
            )
        return [_row(row) for row in rows]

    async def cancel(self, tx: Tx, schedule_id: int, now: datetime) -> None:
        await tx.execute("UPDATE checkin_schedules SET cancelled_at = ? WHERE id = ?", (to_iso(now), schedule_id))

    async def planned_through(self, tx: Tx, schedule_id: int, occurrence: datetime) -> None:
        """Remember that the schedule is planned up to `occurrence` (never moving backwards)."""
        await tx.execute(
            "UPDATE checkin_schedules SET planned_through = ? WHERE id = ? AND planned_through < ?",
            (to_iso(occurrence), schedule_id, to_iso(occurrence)))

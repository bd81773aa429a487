"""Framing's tables: per-group nudge settings (`framing_groups`), per-member nudge state
(`framing_members`) and daily label counts (`framing_counts`). Nothing here holds message text:
only modes, thresholds, times, text indexes and counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.clock import from_iso, to_iso
from bot.store.database import Database, Tx
from bot.store.member_data import MemberRows


@dataclass(frozen=True)
class GroupFramingRow:
    mode: str
    nudge_threshold: float | None  # None: the default from the settings
    react: bool


@dataclass(frozen=True)
class NudgeState:
    nudges_off: bool
    last_nudge_at: datetime | None
    last_nudge_kind: str | None
    last_nudge_index: int | None


@dataclass(frozen=True)
class DayCount:
    day: date
    label: str
    count: int


class FramingRepository(MemberRows):
    TABLES = ("framing_members", "framing_groups", "framing_counts")

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- framing_members --------------------------------------------------------------------------

    async def nudge_state(self, tx: Tx, guild_id: int, pseudonym: str) -> NudgeState | None:
        """Her nudge state, read inside the caller's transaction (so a pick and its record are one step)."""
        row = await tx.fetchone(
            "SELECT nudges_off, last_nudge_at, last_nudge_kind, last_nudge_index FROM framing_members "
            "WHERE guild_id = ? AND pseudonym = ?", (guild_id, pseudonym))
        if row is None:
            return None
        last = row["last_nudge_at"]
        return NudgeState(bool(row["nudges_off"]), None if last is None else from_iso(last), row["last_nudge_kind"],
                          row["last_nudge_index"])

    async def record_nudge(self, tx: Tx, guild_id: int, pseudonym: str, at: datetime, kind: str, index: int) -> None:
        await tx.execute(
            "INSERT INTO framing_members (guild_id, pseudonym, last_nudge_at, last_nudge_kind, last_nudge_index) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, pseudonym) DO UPDATE SET "
            "last_nudge_at = excluded.last_nudge_at, last_nudge_kind = excluded.last_nudge_kind, "
            "last_nudge_index = excluded.last_nudge_index",
            (guild_id, pseudonym, to_iso(at), kind, index),
        )

    async def set_nudges_off(self, guild_id: int, pseudonym: str, off: bool) -> None:
        await self._db.execute(
            "INSERT INTO framing_members (guild_id, pseudonym, nudges_off) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, pseudonym) DO UPDATE SET nudges_off = excluded.nudges_off",
            (guild_id, pseudonym, int(off)),
        )

    async def nudges_off(self, guild_id: int, pseudonym: str) -> bool:
        off = await self._db.fetchval(
            "SELECT nudges_off FROM framing_members WHERE guild_id = ? AND pseudonym = ?", (guild_id, pseudonym))
        return bool(off)

    # -- framing_groups ---------------------------------------------------------------------------

    async def group(self, guild_id: int, group_id: int) -> GroupFramingRow | None:
        row = await self._db.fetchone(
            "SELECT mode, nudge_threshold, react FROM framing_groups WHERE group_id = ? AND guild_id = ?",
            (group_id, guild_id))
        if row is None:
            return None
        threshold = row["nudge_threshold"]
        return GroupFramingRow(row["mode"], None if threshold is None else float(threshold), bool(row["react"]))

    async def save_group(self, tx: Tx, guild_id: int, group_id: int, settings: GroupFramingRow,
                         now: datetime) -> None:
        await tx.execute(
            "INSERT INTO framing_groups (group_id, guild_id, mode, nudge_threshold, react, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (group_id) DO UPDATE SET mode = excluded.mode, "
            "nudge_threshold = excluded.nudge_threshold, react = excluded.react, updated_at = excluded.updated_at",
            (group_id, guild_id, settings.mode, settings.nudge_threshold, int(settings.react), to_iso(now)),
        )

    # -- framing_counts ---------------------------------------------------------------------------

    async def count(self, guild_id: int, group_id: int, day: date, label: str) -> None:
        """One more post with this label in this group on this day."""
        await self._db.execute(
            "INSERT INTO framing_counts (guild_id, group_id, day, label, count) VALUES (?, ?, ?, ?, 1) "
            "ON CONFLICT (guild_id, group_id, day, label) DO UPDATE SET count = framing_counts.count + 1",
            (guild_id, group_id, day.isoformat(), label),
        )

    async def counts_since(self, guild_id: int, group_id: int, first: date) -> list[DayCount]:
        rows = await self._db.fetchall(
            "SELECT day, label, count FROM framing_counts WHERE guild_id = ? AND group_id = ? AND day >= ?",
            (guild_id, group_id, first.isoformat()))
        return [DayCount(date.fromisoformat(row["day"]), row["label"], int(row["count"])) for row in rows]

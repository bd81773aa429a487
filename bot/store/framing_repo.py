"""Framing's tables: per-group nudge settings (`framing_groups`), per-member nudge state
(`framing_members`), daily label counts (`framing_counts`) and the weekly digest's tables
(`framing_digest_groups`, `framing_week_members`, `framing_digests`). Nothing here holds message
text: only modes, thresholds, times, text indexes, counts and pseudonyms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.clock import from_iso, to_iso
from bot.store.database import Database, Tx
from bot.store.member_data import MemberRows
from bot.store.shards import ShardScope, guild_clause


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
    TABLES = ("framing_members", "framing_groups", "framing_counts", "framing_digest_groups",
              "framing_week_members", "framing_digests")

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

    # -- the weekly digest ------------------------------------------------------------------------

    async def note_writer(self, guild_id: int, group_id: int, week: date, label: str, pseudonym: str) -> None:
        """She wrote a post with this label in this group this week (once per week and label)."""
        await self._db.execute(
            "INSERT INTO framing_week_members (guild_id, group_id, day, label, pseudonym) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, group_id, day, label, pseudonym) DO NOTHING",
            (guild_id, group_id, week.isoformat(), label, pseudonym),
        )

    async def writers_by_label(self, guild_id: int, group_id: int, week: date) -> dict[str, int]:
        """Distinct members per label in the week starting on `week`."""
        rows = await self._db.fetchall(
            "SELECT label, COUNT(DISTINCT pseudonym) AS members FROM framing_week_members "
            "WHERE guild_id = ? AND group_id = ? AND day = ? GROUP BY label",
            (guild_id, group_id, week.isoformat()))
        return {row["label"]: int(row["members"]) for row in rows}

    async def prune_weeks_before(self, week: date, shards: ShardScope | None = None) -> int:
        owned, owned_params = guild_clause("guild_id", shards)
        return await self._db.execute(
            f"DELETE FROM framing_week_members WHERE day < ?{owned}",  # noqa: S608 - a fixed clause
            (week.isoformat(), *owned_params))

    async def digest_enabled(self, guild_id: int, group_id: int) -> bool:
        enabled = await self._db.fetchval(
            "SELECT enabled FROM framing_digest_groups WHERE group_id = ? AND guild_id = ?", (group_id, guild_id))
        return bool(enabled)

    async def set_digest(self, tx: Tx, guild_id: int, group_id: int, enabled: bool, now: datetime) -> None:
        await tx.execute(
            "INSERT INTO framing_digest_groups (group_id, guild_id, enabled, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (group_id) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at",
            (group_id, guild_id, int(enabled), to_iso(now)),
        )

    async def digest_groups(self, shards: ShardScope | None = None) -> list[tuple[int, int]]:
        """(guild_id, group_id) of every group with the digest on, on `shards` only when given."""
        owned, owned_params = guild_clause("guild_id", shards)
        rows = await self._db.fetchall(
            f"SELECT guild_id, group_id FROM framing_digest_groups WHERE enabled = 1{owned} "  # noqa: S608
            "ORDER BY group_id", owned_params)
        return [(int(row["guild_id"]), int(row["group_id"])) for row in rows]

    async def undigested(self, week: date, shards: ShardScope | None = None) -> list[tuple[int, int]]:
        """(guild_id, group_id) of groups with the digest on and no claim yet for the week."""
        owned, owned_params = guild_clause("g.guild_id", shards)
        rows = await self._db.fetchall(
            "SELECT g.guild_id, g.group_id FROM framing_digest_groups g WHERE g.enabled = 1 "  # noqa: S608
            "AND NOT EXISTS (SELECT 1 FROM framing_digests d WHERE d.group_id = g.group_id AND d.day = ?)"
            f"{owned} ORDER BY g.group_id", (week.isoformat(), *owned_params))
        return [(int(row["guild_id"]), int(row["group_id"])) for row in rows]

    async def claim_digest(self, guild_id: int, group_id: int, week: date, posted: bool, now: datetime) -> bool:
        """Claim the group's digest for the week; False when another run (or process) already did."""
        inserted = await self._db.execute(
            "INSERT INTO framing_digests (guild_id, group_id, day, posted, claimed_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (group_id, day) DO NOTHING",
            (guild_id, group_id, week.isoformat(), int(posted), to_iso(now)),
        )
        return inserted == 1

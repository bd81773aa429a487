"""Members' own check-in preferences: the `checkin_prefs` table (time zone, quiet hours, pause, snooze)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.clock import from_iso, to_iso
from bot.store.database import Database, Row, Tx
from bot.store.member_data import MemberRows

# The columns a member can change; anything else is refused (they are spliced into the SQL).
_SETTABLE = frozenset({"timezone", "quiet_start", "quiet_end", "paused", "snoozed_until"})


@dataclass(frozen=True)
class PrefsRow:
    timezone: str | None  # None: the server's
    quiet_start: str | None
    quiet_end: str | None
    paused: bool
    snoozed_until: datetime | None


@dataclass(frozen=True)
class NewPrefs:
    """A whole row, for bulk loading (the benchmark)."""

    guild_id: int
    pseudonym: str
    timezone: str | None
    quiet_start: str | None
    quiet_end: str | None
    paused: bool


def _row(row: Row) -> PrefsRow:
    snoozed = row["snoozed_until"]
    return PrefsRow(row["timezone"], row["quiet_start"], row["quiet_end"], bool(row["paused"]),
                    from_iso(snoozed) if snoozed else None)


class CheckinPrefsRepository(MemberRows):
    TABLES = ("checkin_prefs",)

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int, pseudonym: str) -> PrefsRow | None:
        row = await self._db.fetchone(
            "SELECT timezone, quiet_start, quiet_end, paused, snoozed_until FROM checkin_prefs "
            "WHERE guild_id = ? AND pseudonym = ?", (guild_id, pseudonym))
        return None if row is None else _row(row)

    async def by_preferences(self, guild_id: int) -> list[tuple[PrefsRow, list[str]]]:
        """Everyone in the server with preferences, grouped by identical preferences, in one query: the
        planner works each group out once, however many thousand members share it."""
        members = "array_agg(pseudonym)" if self._db.dialect == "postgres" else "json_group_array(pseudonym)"
        rows = await self._db.fetchall(
            f"SELECT timezone, quiet_start, quiet_end, paused, snoozed_until, {members} AS members "  # noqa: S608
            "FROM checkin_prefs WHERE guild_id = ? GROUP BY timezone, quiet_start, quiet_end, paused, snoozed_until",
            (guild_id,),
        )
        return [(_row(row), json.loads(row["members"]) if isinstance(row["members"], str) else list(row["members"]))
                for row in rows]

    async def upsert(self, guild_id: int, pseudonym: str, now: datetime, **values: object) -> None:
        """Set some of her preferences (the others keep their values, or their defaults for a new row).
        Datetimes are stored as ISO-8601 text, booleans as 0/1."""
        unknown = set(values) - _SETTABLE
        if unknown or not values:
            raise ValueError(f"not a check-in preference: {sorted(unknown)}")
        stored = [to_iso(v) if isinstance(v, datetime) else int(v) if isinstance(v, bool) else v
                  for v in values.values()]
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        updates = ", ".join(f"{column} = excluded.{column}" for column in values)
        await self._db.execute(
            f"INSERT INTO checkin_prefs (guild_id, pseudonym, updated_at, {columns}) VALUES (?, ?, ?, {marks}) "  # noqa: S608 - checked column names
            f"ON CONFLICT (guild_id, pseudonym) DO UPDATE SET updated_at = excluded.updated_at, {updates}",
            (guild_id, pseudonym, to_iso(now), *stored),
        )

    @staticmethod
    async def insert_many(tx: Tx, rows: Iterable[NewPrefs], now: datetime) -> None:
        """Load many members' preferences inside the caller's transaction (the benchmark's server)."""
        await tx.executemany(
            "INSERT INTO checkin_prefs (guild_id, pseudonym, timezone, quiet_start, quiet_end, paused, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r.guild_id, r.pseudonym, r.timezone, r.quiet_start, r.quiet_end, int(r.paused), to_iso(now))
             for r in rows])

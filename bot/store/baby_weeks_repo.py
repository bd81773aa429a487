"""Members' baby weeks: the `baby_weeks` table (the Monday of the birth week, or of the due week, and which).

Only a week is ever stored (a Monday, "YYYY-MM-DD"), never a day. Birth-anchored check-ins read it
to work out when her week N comes (bot/core/checkins/birth_planner.py); the research export reads it
to turn a score's date into weeks postpartum or weeks of pregnancy (never a date).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.store.database import Database
from bot.store.member_data import MemberRows


@dataclass(frozen=True)
class BabyWeekRow:
    week: date  # a Monday
    kind: str  # "born" or "due"


@dataclass(frozen=True)
class MemberBabyWeek:
    pseudonym: str
    week: date
    kind: str


class BabyWeeksRepository(MemberRows):
    TABLES = ("baby_weeks",)

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int, pseudonym: str) -> BabyWeekRow | None:
        row = await self._db.fetchone(
            "SELECT week, kind FROM baby_weeks WHERE guild_id = ? AND pseudonym = ?", (guild_id, pseudonym))
        return None if row is None else BabyWeekRow(date.fromisoformat(row["week"]), row["kind"])

    async def set(self, guild_id: int, pseudonym: str, week: date, kind: str) -> None:
        if week.weekday() != 0 or kind not in ("born", "due"):
            raise ValueError(f"a baby week is a Monday and born or due, not {week} {kind}")
        await self._db.execute(
            "INSERT INTO baby_weeks (guild_id, pseudonym, week, kind) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id, pseudonym) DO UPDATE SET week = excluded.week, kind = excluded.kind",
            (guild_id, pseudonym, week.isoformat(), kind))

    async def clear(self, guild_id: int, pseudonym: str) -> bool:
        return bool(await self._db.execute(
            "DELETE FROM baby_weeks WHERE guild_id = ? AND pseudonym = ?", (guild_id, pseudonym)))

    async def in_group_page(self, guild_id: int, group_id: int, weeks: Sequence[date], after: str,
                            limit: int) -> list[MemberBabyWeek]:
        """Members of the group whose week is one of `weeks`, up to `limit` whose pseudonym sorts after
        `after`, in pseudonym order (a large group is read a page at a time; "" starts)."""
        if not weeks:
            return []
        marks = ", ".join("?" for _ in weeks)
        rows = await self._db.fetchall(
            "SELECT b.pseudonym, b.week, b.kind FROM baby_weeks b "  # noqa: S608 - only placeholders spliced
            "JOIN group_members m ON m.pseudonym = b.pseudonym AND m.group_id = ? "
            f"WHERE b.guild_id = ? AND b.week IN ({marks}) AND b.pseudonym > ? ORDER BY b.pseudonym LIMIT ?",
            (group_id, guild_id, *(w.isoformat() for w in weeks), after, limit))
        return [MemberBabyWeek(row["pseudonym"], date.fromisoformat(row["week"]), row["kind"]) for row in rows]

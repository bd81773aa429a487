"""The alias table (`aliases`): the one place that links a pseudonym and alias to a Discord account.

An alias is unique in its server; a clash with another member's new alias is never an error here,
just "not taken" (the caller draws another).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import to_iso
from bot.store.database import Database, Row


@dataclass(frozen=True)
class AliasRecord:
    guild_id: int
    pseudonym: str
    user_id: int
    alias: str
    colour: int
    alias_changed_at: str
    created_at: str = ""

    @property
    def never_changed(self) -> bool:
        """True while she still has the alias she was first given."""
        return self.alias_changed_at == self.created_at


def _record(row: Row) -> AliasRecord:
    return AliasRecord(row["guild_id"], row["pseudonym"], row["user_id"], row["alias"], row["colour"],
                       row["alias_changed_at"], row["created_at"])


class AliasesRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int, pseudonym: str) -> AliasRecord | None:
        row = await self._db.fetchone(
            "SELECT * FROM aliases WHERE guild_id = ? AND pseudonym = ?", (guild_id, pseudonym)
        )
        return None if row is None else _record(row)

    async def for_user(self, user_id: int) -> list[AliasRecord]:
        """Her alias in every server, by server id."""
        rows = await self._db.fetchall("SELECT * FROM aliases WHERE user_id = ? ORDER BY guild_id", (user_id,))
        return [_record(row) for row in rows]

    async def in_guild(self, guild_id: int) -> list[AliasRecord]:
        rows = await self._db.fetchall("SELECT * FROM aliases WHERE guild_id = ?", (guild_id,))
        return [_record(row) for row in rows]

    async def aliases(self, guild_id: int) -> list[str]:
        """Every alias in the server, in order."""
        rows = await self._db.fetchall("SELECT alias FROM aliases WHERE guild_id = ? ORDER BY alias", (guild_id,))
        return [row[0] for row in rows]

    async def insert(self, guild_id: int, pseudonym: str, user_id: int, alias: str, colour: int,
                     now: datetime) -> bool:
        """Her first alias; False (nothing written) when she has one already or the alias is taken."""
        inserted = await self._db.execute(
            "INSERT INTO aliases (guild_id, pseudonym, user_id, alias, colour, alias_changed_at, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, pseudonym, user_id, alias, colour, to_iso(now), to_iso(now)),
        )
        return inserted == 1

    async def rename(self, guild_id: int, pseudonym: str, alias: str, now: datetime, *,
                     first_change: bool = False) -> bool:
        """Give her a new alias; False (nothing written) when another member has it, or, for
        ``first_change``, when her first alias was already changed (two clicks at once)."""
        changed = await self._db.execute(
            "UPDATE aliases SET alias = ?, alias_changed_at = ? WHERE guild_id = ? AND pseudonym = ? "
            "AND NOT EXISTS (SELECT 1 FROM aliases a WHERE a.guild_id = ? AND a.alias = ?) "
            "AND (? = 0 OR alias_changed_at = created_at)",
            (alias, to_iso(now), guild_id, pseudonym, guild_id, alias, int(first_change)),
        )
        return changed == 1

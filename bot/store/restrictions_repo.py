"""What a moderator's action still forbids: the `restrictions` table.

A row is an active restriction only: a lifted removal is deleted, an expired timeout is deleted when
next read or when the next timeout is written in that server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import from_iso, to_iso
from bot.store.database import Database, Tx


@dataclass(frozen=True)
class Restriction:
    id: int
    guild_id: int
    pseudonym: str
    kind: str  # timeout | removed
    group_id: int | None
    until: datetime | None
    created_at: str


class RestrictionsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def timeout_until(self, guild_id: int, pseudonym: str, now: datetime) -> datetime | None:
        """When her timeout in this server ends, or None when she has none in force (an expired one is
        deleted on the way, unless a newer timeout replaced it meanwhile)."""
        row = await self._db.fetchone(
            "SELECT id, until FROM restrictions WHERE guild_id = ? AND pseudonym = ? AND kind = 'timeout'",
            (guild_id, pseudonym),
        )
        if row is None:
            return None
        until = from_iso(row["until"])
        if until > now:
            return until
        await self._db.execute("DELETE FROM restrictions WHERE id = ? AND until = ?", (row["id"], row["until"]))
        return None

    async def is_kept_out(self, group_id: int, pseudonym: str) -> bool:
        return await self._db.fetchval(
            "SELECT 1 FROM restrictions WHERE group_id = ? AND pseudonym = ? AND kind = 'removed'",
            (group_id, pseudonym),
        ) is not None

    async def active(self, guild_id: int, pseudonym: str, now: datetime) -> list[Restriction]:
        """Her restrictions in force in this server, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM restrictions WHERE guild_id = ? AND pseudonym = ? "
            "AND (kind = 'removed' OR until > ?) ORDER BY id",
            (guild_id, pseudonym, to_iso(now)),
        )
        return [Restriction(row["id"], row["guild_id"], row["pseudonym"], row["kind"], row["group_id"],
                            from_iso(row["until"]) if row["until"] else None, row["created_at"]) for row in rows]

    @staticmethod
    async def pause(tx: Tx, guild_id: int, pseudonym: str, until: datetime, restricted_by: str,
                    now: datetime) -> None:
        """Inside the caller's transaction: her timeout (replacing any earlier one); expired timeouts in the
        server are forgotten on the way."""
        await tx.execute("DELETE FROM restrictions WHERE guild_id = ? AND kind = 'timeout' "
                         "AND (pseudonym = ? OR until <= ?)", (guild_id, pseudonym, to_iso(now)))
        await tx.execute(
            "INSERT INTO restrictions (guild_id, pseudonym, kind, until, restricted_by, created_at) "
            "VALUES (?, ?, 'timeout', ?, ?, ?)",
            (guild_id, pseudonym, to_iso(until), restricted_by, to_iso(now)),
        )

    @staticmethod
    async def keep_out(tx: Tx, guild_id: int, group_id: int, pseudonym: str, restricted_by: str,
                       now: datetime) -> None:
        await tx.execute(
            "INSERT INTO restrictions (guild_id, pseudonym, kind, group_id, restricted_by, created_at) "
            "VALUES (?, ?, 'removed', ?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, pseudonym, group_id, restricted_by, to_iso(now)),
        )

    @staticmethod
    async def lift_removal(tx: Tx, group_id: int, pseudonym: str) -> bool:
        """Inside the caller's transaction; False when she was not kept out of the group."""
        deleted = await tx.execute(
            "DELETE FROM restrictions WHERE group_id = ? AND pseudonym = ? AND kind = 'removed'",
            (group_id, pseudonym),
        )
        return deleted > 0

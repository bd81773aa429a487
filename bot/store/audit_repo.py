"""The append-only log of moderator actions: the `audit_log` table.

The database refuses updates and deletes (triggers); rows go only by erasure or retention, inside
`MetaRepository.audit_erasure`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import to_iso
from bot.store.database import Database, Row, Tx
from bot.store.meta_repo import MetaRepository

_COLUMNS = "id, guild_id, at, actor_pseudonym, action, target_alias, reason, detail"


@dataclass(frozen=True)
class AuditEntry:
    id: int
    guild_id: int
    at: str
    actor_pseudonym: str
    action: str
    target_alias: str | None
    reason: str
    detail: str


def _entry(row: Row) -> AuditEntry:
    return AuditEntry(row["id"], row["guild_id"], row["at"], row["actor_pseudonym"], row["action"],
                      row["target_alias"], row["reason"], row["detail"])


class AuditRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    @staticmethod
    async def append(tx: Tx, guild_id: int, at: datetime, actor_pseudonym: str, action: str, reason: str, *,
                     target_alias: str | None, target_pseudonym: str | None, detail: str) -> None:
        """One entry, inside the caller's transaction (the action and its record commit together)."""
        await tx.execute(
            "INSERT INTO audit_log (guild_id, at, actor_pseudonym, action, target_alias, target_pseudonym, "
            "reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (guild_id, to_iso(at), actor_pseudonym, action, target_alias, target_pseudonym, reason, detail),
        )

    async def recent(self, guild_id: int, limit: int) -> list[AuditEntry]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM audit_log WHERE guild_id = ? ORDER BY id DESC LIMIT ?",  # noqa: S608
            (guild_id, limit),
        )
        return [_entry(row) for row in rows]

    async def for_target(self, guild_id: int, target_pseudonym: str, limit: int) -> list[AuditEntry]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM audit_log WHERE guild_id = ? AND target_pseudonym = ? "  # noqa: S608
            "ORDER BY id DESC LIMIT ?",
            (guild_id, target_pseudonym, limit),
        )
        return [_entry(row) for row in rows]

    @staticmethod
    async def erase(tx: Tx, where: str, params: tuple[object, ...]) -> int:
        """Delete the entries matching `where` (a fixed clause from the erasure and retention code, with `?`
        placeholders), inside the caller's transaction; the number deleted."""
        async with MetaRepository.audit_erasure(tx):
            return await tx.execute(f"DELETE FROM audit_log WHERE {where}", params)  # noqa: S608 - fixed clauses

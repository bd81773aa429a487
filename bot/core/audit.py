"""The append-only log of moderator actions (the database refuses updates and deletes)."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.clock import Clock, to_iso
from bot.core.errors import UserError
from bot.store import Database

MAX_REASON_CHARS = 500


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


def clean_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise UserError("Please give a short reason: every moderator action is recorded with one.")
    if len(reason) > MAX_REASON_CHARS:
        raise UserError(f"Please keep the reason under {MAX_REASON_CHARS} characters.")
    return reason


class AuditLog:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def record(
        self,
        conn: aiosqlite.Connection,
        guild_id: int,
        actor_pseudonym: str,
        action: str,
        reason: str,
        *,
        target_alias: str | None = None,
        target_pseudonym: str | None = None,
        detail: str = "",
    ) -> None:
        """Append one entry inside the caller's transaction, so the action and its record commit together."""
        await conn.execute(
            "INSERT INTO audit_log (guild_id, at, actor_pseudonym, action, target_alias, target_pseudonym, "
            "reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (guild_id, to_iso(self._clock.now()), actor_pseudonym, action, target_alias, target_pseudonym,
             reason, detail),
        )

    async def recent(self, guild_id: int, limit: int = 20) -> list[AuditEntry]:
        rows = await self._db.fetchall(
            "SELECT id, guild_id, at, actor_pseudonym, action, target_alias, reason, detail FROM audit_log "
            "WHERE guild_id = ? ORDER BY id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [AuditEntry(*row) for row in rows]

    async def for_target(self, guild_id: int, target_pseudonym: str, limit: int = 50) -> list[AuditEntry]:
        rows = await self._db.fetchall(
            "SELECT id, guild_id, at, actor_pseudonym, action, target_alias, reason, detail FROM audit_log "
            "WHERE guild_id = ? AND target_pseudonym = ? ORDER BY id DESC LIMIT ?",
            (guild_id, target_pseudonym, limit),
        )
        return [AuditEntry(*row) for row in rows]

    @staticmethod
    async def erase(conn: aiosqlite.Connection, where: str, params: tuple[object, ...]) -> int:
        """Delete audit rows (erasure or retention only), inside the caller's transaction."""
        await conn.execute("INSERT INTO meta (key, value) VALUES ('audit_erasure', '1')")
        try:
            deleted = await conn.execute(f"DELETE FROM audit_log WHERE {where}", params)  # noqa: S608 - fixed clauses from callers
        finally:
            await conn.execute("DELETE FROM meta WHERE key = 'audit_erasure'")
        return deleted

"""The append-only log of moderator actions (the database refuses updates and deletes)."""

from __future__ import annotations

from bot.clock import Clock
from bot.core.errors import UserError
from bot.store import Database, Tx
from bot.store.audit_repo import AuditEntry, AuditRepository

MAX_REASON_CHARS = 500
__all__ = ["AuditEntry", "AuditLog", "clean_reason"]


def clean_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise UserError("Please give a short reason: every moderator action is recorded with one.")
    if len(reason) > MAX_REASON_CHARS:
        raise UserError(f"Please keep the reason under {MAX_REASON_CHARS} characters.")
    return reason


class AuditLog:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._repo = AuditRepository(db)
        self._clock = clock

    async def record(
        self,
        conn: Tx,
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
        await self._repo.append(conn, guild_id, self._clock.now(), actor_pseudonym, action, reason,
                                target_alias=target_alias, target_pseudonym=target_pseudonym, detail=detail)

    async def recent(self, guild_id: int, limit: int = 20) -> list[AuditEntry]:
        return await self._repo.recent(guild_id, limit)

    async def for_target(self, guild_id: int, target_pseudonym: str, limit: int = 50) -> list[AuditEntry]:
        return await self._repo.for_target(guild_id, target_pseudonym, limit)

    @staticmethod
    async def erase(conn: Tx, where: str, params: tuple[object, ...]) -> int:
        """Delete audit rows (erasure or retention only), inside the caller's transaction."""
        return await AuditRepository.erase(conn, where, params)

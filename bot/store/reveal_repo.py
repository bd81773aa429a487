"""Two-moderator safeguarding reveals: the `reveal_requests` table.

Approval and expiry are conditional updates (`… AND state = 'pending'`), so of two moderators or
two processes acting at once exactly one wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import to_iso
from bot.store.database import Database, Row, Tx
from bot.store.shards import ShardScope, guild_clause


@dataclass(frozen=True)
class RevealRequest:
    id: int
    guild_id: int
    target_pseudonym: str
    target_alias: str
    requester_pseudonym: str
    reason: str
    state: str
    created_at: str
    expires_at: str
    approver_pseudonym: str | None


def _request(row: Row) -> RevealRequest:
    return RevealRequest(row["id"], row["guild_id"], row["target_pseudonym"], row["target_alias"],
                         row["requester_pseudonym"], row["reason"], row["state"], row["created_at"],
                         row["expires_at"], row["approver_pseudonym"])


class RevealRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int, request_id: int) -> RevealRequest | None:
        row = await self._db.fetchone("SELECT * FROM reveal_requests WHERE id = ? AND guild_id = ?",
                                      (request_id, guild_id))
        return None if row is None else _request(row)

    @staticmethod
    async def insert(tx: Tx, guild_id: int, target_pseudonym: str, target_alias: str, requester: str, reason: str,
                     now: datetime, expires_at: datetime) -> int:
        request_id = await tx.fetchval(
            "INSERT INTO reveal_requests (guild_id, target_pseudonym, target_alias, requester_pseudonym, reason, "
            "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (guild_id, target_pseudonym, target_alias, requester, reason, to_iso(now), to_iso(expires_at)),
        )
        return int(request_id)

    @staticmethod
    async def approve(tx: Tx, guild_id: int, request_id: int, approver: str, now: datetime,
                      viewable_until: datetime) -> bool:
        """pending → approved; False when it was not pending (another moderator acted first)."""
        changed = await tx.execute(
            "UPDATE reveal_requests SET state = 'approved', approver_pseudonym = ?, approved_at = ?, "
            "expires_at = ? WHERE id = ? AND guild_id = ? AND state = 'pending'",
            (approver, to_iso(now), to_iso(viewable_until), request_id, guild_id),
        )
        return changed == 1

    async def pending_due(self, now: datetime, shards: ShardScope | None = None) -> list[RevealRequest]:
        """Pending requests whose approval deadline has passed (of the guilds on `shards`, when given)."""
        owned, owned_params = guild_clause("guild_id", shards)
        rows = await self._db.fetchall(
            f"SELECT * FROM reveal_requests WHERE state = 'pending' AND expires_at <= ?{owned}",  # noqa: S608
            (to_iso(now), *owned_params),
        )
        return [_request(row) for row in rows]

    @staticmethod
    async def expire(tx: Tx, request_id: int) -> bool:
        """pending → expired; False when it was no longer pending."""
        changed = await tx.execute(
            "UPDATE reveal_requests SET state = 'expired' WHERE id = ? AND state = 'pending'", (request_id,)
        )
        return changed == 1

"""The anonymous relay's record: the `relayed_posts` and `relayed_messages` tables.

Only which Discord messages carry which numbered post, by whose pseudonym, in which group; never
the text. A post number is reserved (state `pending`) before the messages are sent, then confirmed
with its message ids or abandoned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import from_iso, to_iso
from bot.store.database import Database, Row, Tx
from bot.store.groups_repo import lock_group

NUMBER_LOCK = 1602  # advisory-lock namespace (PostgreSQL): one number reservation per group at a time

_SELECT = "SELECT p.*, g.channel_id FROM relayed_posts p JOIN groups g ON g.id = p.group_id"


@dataclass(frozen=True)
class RelayedPost:
    id: int
    guild_id: int
    group_id: int
    channel_id: int | None
    number: int
    pseudonym: str
    alias: str
    reply_to: int | None
    state: str
    created_at: str


def _post(row: Row) -> RelayedPost:
    return RelayedPost(row["id"], row["guild_id"], row["group_id"], row["channel_id"], row["number"],
                       row["pseudonym"], row["alias"], row["reply_to"], row["state"], row["created_at"])


class RelayRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def last_post_at(self, guild_id: int, pseudonym: str) -> datetime | None:
        """When she last shared in this server (a reserved number counts), or None."""
        last = await self._db.fetchval(
            "SELECT max(created_at) FROM relayed_posts WHERE guild_id = ? AND pseudonym = ?", (guild_id, pseudonym)
        )
        return from_iso(last) if isinstance(last, str) else None

    async def live_post(self, group_id: int, number: int) -> RelayedPost | None:
        """Post `number` of the group, if it is posted (not pending, not deleted)."""
        row = await self._db.fetchone(
            f"{_SELECT} WHERE p.group_id = ? AND p.number = ? AND p.state = 'posted'", (group_id, number)
        )
        return None if row is None else _post(row)

    async def live_posts_numbered(self, guild_id: int, number: int) -> list[RelayedPost]:
        """Every posted post with this number in the server (one per group at most)."""
        rows = await self._db.fetchall(
            f"{_SELECT} WHERE p.guild_id = ? AND p.number = ? AND p.state = 'posted'", (guild_id, number)
        )
        return [_post(row) for row in rows]

    async def by_message(self, guild_id: int, message_id: int) -> RelayedPost | None:
        row = await self._db.fetchone(
            f"{_SELECT} JOIN relayed_messages m ON m.post_id = p.id WHERE p.guild_id = ? AND m.message_id = ?",
            (guild_id, message_id),
        )
        return None if row is None else _post(row)

    async def message_ids(self, post_id: int) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT message_id FROM relayed_messages WHERE post_id = ? ORDER BY part", (post_id,)
        )
        return [row[0] for row in rows]

    async def reserve(self, guild_id: int, group_id: int, pseudonym: str, alias: str, reply_to: int | None,
                      now: datetime) -> tuple[int, int]:
        """Take the group's next post number for her (state pending): (post id, number)."""
        async with self._db.transaction() as tx:
            await lock_group(self._db, tx, NUMBER_LOCK, group_id)
            number = int(await tx.fetchval(
                "SELECT coalesce(max(number), 0) + 1 FROM relayed_posts WHERE group_id = ?", (group_id,)
            ))
            post_id = int(await tx.fetchval(
                "INSERT INTO relayed_posts (guild_id, group_id, number, pseudonym, alias, reply_to, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (guild_id, group_id, number, pseudonym, alias, reply_to, to_iso(now)),
            ))
        return post_id, number

    async def confirm(self, post_id: int, message_ids: list[int]) -> None:
        """The post went out in these messages (in order): record them and mark it posted."""
        async with self._db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO relayed_messages (message_id, post_id, part) VALUES (?, ?, ?)",
                [(message_id, post_id, part) for part, message_id in enumerate(message_ids, 1)],
            )
            await tx.execute("UPDATE relayed_posts SET state = 'posted' WHERE id = ?", (post_id,))

    async def abandon(self, post_id: int) -> None:
        """Forget a reservation that was never posted."""
        async with self._db.transaction() as tx:
            await tx.execute("DELETE FROM relayed_messages WHERE post_id = ?", (post_id,))
            await tx.execute("DELETE FROM relayed_posts WHERE id = ? AND state = 'pending'", (post_id,))

    async def purge_pending(self, created_before: datetime) -> int:
        """Reservations older than the cut-off with no message: the number of rows removed."""
        return await self._db.execute(
            "DELETE FROM relayed_posts WHERE state = 'pending' AND created_at < ? "
            "AND id NOT IN (SELECT post_id FROM relayed_messages)", (to_iso(created_before),)
        )

    @staticmethod
    async def mark_deleted(tx: Tx, post_id: int, now: datetime) -> None:
        """Inside the caller's transaction: the post is gone, and so is its message mapping."""
        await tx.execute("DELETE FROM relayed_messages WHERE post_id = ?", (post_id,))
        await tx.execute("UPDATE relayed_posts SET state = 'deleted', deleted_at = ? WHERE id = ?",
                         (to_iso(now), post_id))

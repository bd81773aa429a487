"""Peer groups and who belongs to them: the `groups` and `group_members` tables.

Joining is serialised per group (SQLite: the one writer; PostgreSQL: a transaction-scoped advisory
lock on the group), so two joins at once can never overfill it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.clock import to_iso
from bot.store.database import Database, Row, Tx

# Advisory-lock namespaces (PostgreSQL), one per kind of per-group critical section.
JOIN_LOCK = 1601
EDITABLE = frozenset({"name", "description", "focus", "size_limit", "mode"})

_SELECT = (
    "SELECT g.*, (SELECT count(*) FROM group_members m WHERE m.group_id = g.id) AS member_count FROM groups g"
)

JoinOutcome = Literal["joined", "already", "full"]


@dataclass(frozen=True)
class Group:
    id: int
    guild_id: int
    name: str
    description: str
    focus: str
    size_limit: int
    mode: str
    channel_id: int | None
    role_id: int | None
    archived: bool
    member_count: int

    @property
    def free_places(self) -> int:
        return max(0, self.size_limit - self.member_count)


def _group(row: Row) -> Group:
    return Group(row["id"], row["guild_id"], row["name"], row["description"], row["focus"], row["size_limit"],
                 row["mode"], row["channel_id"], row["role_id"], row["archived_at"] is not None,
                 int(row["member_count"]))


async def lock_group(db: Database, tx: Tx, namespace: int, group_id: int) -> None:
    """Serialise one kind of per-group work until the transaction ends (a no-op on SQLite, whose
    transactions are serialised already)."""
    if db.dialect == "postgres":
        await tx.execute("SELECT pg_advisory_xact_lock(?, ?)", (namespace, group_id))


class GroupsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- groups -----------------------------------------------------------------------------------

    async def name_taken(self, guild_id: int, name: str, *, other_than: int | None = None) -> bool:
        if other_than is None:
            found = await self._db.fetchval("SELECT 1 FROM groups WHERE guild_id = ? AND name = ?", (guild_id, name))
        else:
            found = await self._db.fetchval(
                "SELECT 1 FROM groups WHERE guild_id = ? AND name = ? AND id != ?", (guild_id, name, other_than)
            )
        return found is not None

    @staticmethod
    async def insert(tx: Tx, guild_id: int, name: str, description: str, focus: str, size_limit: int, mode: str,
                     channel_id: int | None, role_id: int | None, now: datetime) -> int:
        group_id = await tx.fetchval(
            "INSERT INTO groups (guild_id, name, description, focus, size_limit, mode, channel_id, role_id, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (guild_id, name, description, focus, size_limit, mode, channel_id, role_id, to_iso(now)),
        )
        return int(group_id)

    @staticmethod
    async def update(tx: Tx, guild_id: int, group_id: int, changes: Mapping[str, object]) -> None:
        """Change the given columns (name, description, focus, size_limit, mode)."""
        unknown = set(changes) - EDITABLE
        if unknown or not changes:
            raise ValueError(f"not editable: {sorted(unknown) or 'nothing to change'}")
        assignments = ", ".join(f"{column} = ?" for column in changes)
        await tx.execute(
            f"UPDATE groups SET {assignments} WHERE id = ? AND guild_id = ?",  # noqa: S608 - columns checked above
            (*changes.values(), group_id, guild_id),
        )

    @staticmethod
    async def add_members_many(tx: Tx, group_id: int, pseudonyms: Sequence[str], now: datetime) -> None:
        """Many members into one group at once (a bulk load, e.g. the check-in benchmark's group);
        no size or restriction checks: joining goes through GroupService."""
        await tx.executemany("INSERT INTO group_members (group_id, pseudonym, joined_at) VALUES (?, ?, ?)",
                             [(group_id, pseudonym, to_iso(now)) for pseudonym in pseudonyms])

    @staticmethod
    async def archive(tx: Tx, group_id: int, now: datetime) -> None:
        """Close the group and empty it."""
        await tx.execute("UPDATE groups SET archived_at = ? WHERE id = ?", (to_iso(now), group_id))
        await tx.execute("DELETE FROM group_members WHERE group_id = ?", (group_id,))

    async def set_discord_ids(self, group_id: int, channel_id: int | None, role_id: int | None) -> None:
        await self._db.execute("UPDATE groups SET channel_id = ?, role_id = ? WHERE id = ?",
                               (channel_id, role_id, group_id))

    async def get(self, guild_id: int, group_id: int) -> Group | None:
        row = await self._db.fetchone(f"{_SELECT} WHERE g.id = ? AND g.guild_id = ?", (group_id, guild_id))
        return None if row is None else _group(row)

    async def by_name(self, guild_id: int, name: str) -> Group | None:
        """The group of that name (archived or not)."""
        row = await self._db.fetchone(f"{_SELECT} WHERE g.guild_id = ? AND g.name = ?", (guild_id, name))
        return None if row is None else _group(row)

    async def by_channel(self, guild_id: int, channel_id: int) -> Group | None:
        """The open (not archived) group with this channel."""
        row = await self._db.fetchone(
            f"{_SELECT} WHERE g.guild_id = ? AND g.channel_id = ? AND g.archived_at IS NULL", (guild_id, channel_id)
        )
        return None if row is None else _group(row)

    async def list(self, guild_id: int, *, include_archived: bool) -> list[Group]:
        where = "" if include_archived else " AND g.archived_at IS NULL"
        rows = await self._db.fetchall(f"{_SELECT} WHERE g.guild_id = ?{where} ORDER BY g.name", (guild_id,))
        return [_group(row) for row in rows]

    async def groups_of(self, guild_id: int, pseudonym: str) -> list[Group]:
        """The open groups she belongs to, by name."""
        rows = await self._db.fetchall(
            f"{_SELECT} JOIN group_members gm ON gm.group_id = g.id WHERE g.guild_id = ? AND gm.pseudonym = ? "
            "AND g.archived_at IS NULL ORDER BY g.name",
            (guild_id, pseudonym),
        )
        return [_group(row) for row in rows]

    # -- members ----------------------------------------------------------------------------------

    async def member_pseudonyms(self, group_id: int) -> list[str]:
        rows = await self._db.fetchall(
            "SELECT pseudonym FROM group_members WHERE group_id = ? ORDER BY joined_at", (group_id,)
        )
        return [row[0] for row in rows]

    async def member_page(self, group_id: int, after: str, limit: int) -> list[str]:
        """Up to `limit` members whose pseudonym sorts after `after`, in pseudonym order: a large group
        is read a page at a time, each page an index range (pass the last pseudonym of one page to get
        the next; "" starts). On SQLite the page comes back as one JSON array, not a row object per
        member: half the time, and nothing for the garbage collector."""
        if self._db.dialect == "sqlite":
            page = await self._db.fetchval(
                "SELECT json_group_array(pseudonym) FROM (SELECT pseudonym FROM group_members WHERE group_id = ? "
                "AND pseudonym > ? ORDER BY pseudonym LIMIT ?)",
                (group_id, after, limit),
            )
            return json.loads(page)
        rows = await self._db.fetchall(
            "SELECT pseudonym FROM group_members WHERE group_id = ? AND pseudonym > ? ORDER BY pseudonym LIMIT ?",
            (group_id, after, limit),
        )
        return [row[0] for row in rows]

    async def is_member(self, group_id: int, pseudonym: str) -> bool:
        return await self._db.fetchval(
            "SELECT 1 FROM group_members WHERE group_id = ? AND pseudonym = ?", (group_id, pseudonym)
        ) is not None

    async def join(self, group_id: int, pseudonym: str, size_limit: int, now: datetime) -> JoinOutcome:
        """Add her unless she is in already or the group has `size_limit` members; serialised per group."""
        async with self._db.transaction() as tx:
            await lock_group(self._db, tx, JOIN_LOCK, group_id)
            row = await tx.fetchone(
                "SELECT (SELECT count(*) FROM group_members WHERE group_id = ?), "
                "(SELECT count(*) FROM group_members WHERE group_id = ? AND pseudonym = ?)",
                (group_id, group_id, pseudonym),
            )
            assert row is not None
            count, already = row[0], row[1]
            if already:
                return "already"
            if count >= size_limit:
                return "full"
            await tx.execute("INSERT INTO group_members (group_id, pseudonym, joined_at) VALUES (?, ?, ?)",
                             (group_id, pseudonym, to_iso(now)))
        return "joined"

    async def remove_member(self, group_id: int, pseudonym: str, tx: Tx | None = None) -> bool:
        """Take her out of the group (inside the caller's transaction when given); False when she was not in it."""
        deleted = await (tx or self._db).execute(
            "DELETE FROM group_members WHERE group_id = ? AND pseudonym = ?", (group_id, pseudonym)
        )
        return deleted > 0

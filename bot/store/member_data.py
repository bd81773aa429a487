"""A member's rows in the tables a repository owns: find them (/mydata), erase them (/forget-me) and
purge old ones (retention), on either backend.

A repository takes part by deriving from `MemberRows` and naming its tables in `TABLES`; the data
rights flow (bot/core/data_rights.py) asks every owner in turn. Columns are read from the live
schema, so a column added by a later migration is covered as long as it follows the naming rule:
a column that identifies a member is `pseudonym` or ends in `_pseudonym`; a column holding an alias
is `alias` or ends in `_alias`. Rows with her pseudonym or alias are deleted; moderator columns
ending in `_by` that hold her pseudonym are cleared (the row is about someone else). A table without
such a column is covered when it hangs off a personal table by a foreign key with ON DELETE CASCADE
(item answers under a score): its rows go with their parent, and /mydata lists them under it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from bot.clock import to_iso
from bot.store.database import Database, Tx
from bot.store.schema import cascading_keys, table_columns
from bot.store.shards import ShardScope, guild_clause

# Columns that date a row, in order of preference, for the retention purge.
TIME_COLUMNS = ("created_at", "completed_at", "at", "sent_at", "relayed_at", "joined_at", "requested_at", "day")


@dataclass(frozen=True)
class Member:
    """Whose rows: her pseudonym in one server, and the aliases she has there."""

    guild_id: int
    pseudonym: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableColumns:
    name: str
    member_columns: tuple[str, ...]
    alias_columns: tuple[str, ...]
    by_columns: tuple[str, ...]
    time_column: str | None
    has_guild: bool
    # (parent table, this table's column, parent column) for ON DELETE CASCADE foreign keys.
    cascades_from: tuple[tuple[str, str, str], ...] = ()

    @property
    def is_personal(self) -> bool:
        return bool(self.member_columns or self.alias_columns)


@dataclass
class Erased:
    """Rows deleted and moderator columns cleared, by table."""

    deleted: dict[str, int] = field(default_factory=dict)
    cleared: dict[str, int] = field(default_factory=dict)

    def add(self, other: Erased) -> None:
        for mine, theirs in ((self.deleted, other.deleted), (self.cleared, other.cleared)):
            for table, count in theirs.items():
                mine[table] = mine.get(table, 0) + count


def _is_member_column(column: str) -> bool:
    return column == "pseudonym" or column.endswith("_pseudonym")


def _is_alias_column(column: str) -> bool:
    return column == "alias" or column.endswith("_alias")


async def describe_table(db: Database, table: str) -> TableColumns:
    columns = await table_columns(db, table)
    return TableColumns(
        table,
        tuple(c for c in columns if _is_member_column(c)),
        tuple(c for c in columns if _is_alias_column(c)),
        tuple(c for c in columns if c.endswith("_by")),
        next((c for c in TIME_COLUMNS if c in columns), None),
        "guild_id" in columns,
        tuple(await cascading_keys(db, table)),
    )


async def describe_tables(db: Database, tables: Iterable[str] | None = None) -> list[TableColumns]:
    """The named tables (every table in the database when None) as the data rights see them."""
    names = await db.tables() if tables is None else list(tables)
    return [await describe_table(db, name) for name in names]


def _where(table: TableColumns, member: Member) -> tuple[str, list[object]]:
    clauses: list[str] = [f"{column} = ?" for column in table.member_columns]
    params: list[object] = [member.pseudonym] * len(table.member_columns)
    for column in table.alias_columns:
        if member.aliases:
            guild = " AND guild_id = ?" if table.has_guild else ""
            clauses.append(f"({column} IN ({', '.join('?' for _ in member.aliases)}){guild})")
            params.extend(member.aliases)
            if table.has_guild:
                params.append(member.guild_id)
    return " OR ".join(clauses), params


class MemberRows:
    """Mixin for a repository: a member's rows in the tables it owns (`TABLES`, in erasure order)."""

    TABLES: ClassVar[tuple[str, ...]] = ()
    _db: Database

    async def _described(self) -> list[TableColumns]:
        return await describe_tables(self._db, self.TABLES)

    async def collect_member(self, member: Member) -> dict[str, list[dict[str, Any]]]:
        """Every row of hers in these tables, table by table; rows of a cascading child table are
        listed inside their parent row under the child's name."""
        tables = await self._described()
        found: dict[str, list[dict[str, Any]]] = {}
        for table in tables:
            where, params = _where(table, member)
            if not where:
                continue
            rows = await self._db.fetchall(f"SELECT * FROM {table.name} WHERE {where}", params)  # noqa: S608
            if rows:
                found[table.name] = [dict(row) for row in rows]  # type: ignore[call-overload]
        for child in tables:
            for parent, column, parent_column in child.cascades_from:
                for row in found.get(parent, []):
                    rows = await self._db.fetchall(
                        f"SELECT * FROM {child.name} WHERE {column} = ?", (row[parent_column],)  # noqa: S608
                    )
                    if rows:
                        row[child.name] = [dict(r) for r in rows]  # type: ignore[call-overload]
        return found

    async def erase_member(self, tx: Tx, member: Member) -> Erased:
        """Delete her rows and clear her pseudonym from moderator columns, inside the caller's transaction."""
        erased = Erased()
        for table in await self._described():
            for column in table.by_columns:
                cleared = await tx.execute(
                    f"UPDATE {table.name} SET {column} = NULL WHERE {column} = ?", (member.pseudonym,)  # noqa: S608
                )
                if cleared:
                    erased.cleared[table.name] = erased.cleared.get(table.name, 0) + cleared
            where, params = _where(table, member)
            if not where:
                continue
            deleted = await tx.execute(f"DELETE FROM {table.name} WHERE {where}", params)  # noqa: S608
            if deleted:
                erased.deleted[table.name] = deleted
        return erased

    async def purge_before(self, tx: Tx, cutoff: datetime, keep: Sequence[str] = (),
                           shards: ShardScope | None = None) -> dict[str, int]:
        """Delete dated rows older than `cutoff` from these tables (except those in `keep`), inside the
        caller's transaction; with `shards`, only rows of those shards' guilds (a table without a guild
        column is purged by the process that serves shard 0)."""
        purged: dict[str, int] = {}
        for table in await self._described():
            if table.name in keep or table.time_column is None:
                continue
            owned, owned_params = guild_clause("guild_id", shards) if table.has_guild else ("", ())
            if not table.has_guild and shards is not None and not shards.everything and 0 not in (shards.ids or ()):
                continue
            # ISO text sorts as time; a `day` column ("YYYY-MM-DD") compares correctly against it too.
            deleted = await tx.execute(
                f"DELETE FROM {table.name} WHERE {table.time_column} < ?{owned}",  # noqa: S608
                (to_iso(cutoff), *owned_params),
            )
            if deleted:
                purged[table.name] = deleted
        return purged


class TablesRows(MemberRows):
    """`MemberRows` over tables named at run time (for tables whose owner does not take part yet)."""

    def __init__(self, db: Database, tables: Iterable[str]) -> None:
        self._db = db
        self._tables = tuple(tables)

    async def _described(self) -> list[TableColumns]:
        return await describe_tables(self._db, self._tables)


async def rows_mentioning(db: Database, value: object) -> list[tuple[str, str]]:
    """(table, column) pairs where any row holds `value`, as text or inside text (privacy tests)."""
    text = str(value)
    # PostgreSQL refuses LIKE under a nondeterministic (case-insensitive) collation: compare bytes there.
    collate = ' COLLATE "C"' if db.dialect == "postgres" else ""
    hits = []
    for table in await db.tables():
        for column in await table_columns(db, table):
            found = await db.fetchval(
                f"SELECT 1 FROM {table} WHERE CAST({column} AS TEXT) = ? "  # noqa: S608 - names from the schema
                f"OR CAST({column} AS TEXT){collate} LIKE ? LIMIT 1",
                (text, f"%{text}%"),
            )
            if found:
                hits.append((table, column))
    return hits

"""Reading the live schema on either backend: a table's columns and its ON DELETE CASCADE keys.

Data rights enumerate the tables and columns that exist (so a table added by a later migration is
covered without being listed), and tests compare the SQLite and PostgreSQL schemas; both go through
here rather than through PRAGMA or information_schema directly.
"""

from __future__ import annotations

from typing import Any

from bot.store.database import Database

_IDENTIFIER_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def _checked(table: str) -> str:
    # PRAGMA takes no parameters: only plain lower-case names from tables() reach it.
    if not table or set(table) - _IDENTIFIER_CHARS:
        raise ValueError(f"not a table name: {table!r}")
    return table


async def table_columns(db: Database | Any, table: str) -> list[str]:
    """The table's column names, in order."""
    if db.dialect == "postgres":
        rows = await db.fetchall(
            "SELECT column_name::text FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return [row[0] for row in rows]
    return [row["name"] for row in await db.fetchall(f"PRAGMA table_info({_checked(table)})")]


async def column_types(db: Database | Any, table: str) -> dict[str, str]:
    """Column name → declared type, lower case (`integer`, `bigint`, `text`, `double precision`, …)."""
    if db.dialect == "postgres":
        rows = await db.fetchall(
            "SELECT column_name::text, data_type::text FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
        return {row[0]: row[1].lower() for row in rows}
    return {row["name"]: str(row["type"]).lower() for row in await db.fetchall(f"PRAGMA table_info({_checked(table)})")}


async def cascading_keys(db: Database | Any, table: str) -> list[tuple[str, str, str]]:
    """(parent table, this table's column, parent column) of each ON DELETE CASCADE foreign key."""
    if db.dialect == "postgres":
        rows = await db.fetchall(
            "SELECT parent.relname::text, a.attname::text, pa.attname::text FROM pg_constraint c "
            "JOIN pg_class child ON child.oid = c.conrelid "
            "JOIN pg_class parent ON parent.oid = c.confrelid "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
            "JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1] "
            "WHERE c.contype = 'f' AND c.confdeltype = 'c' AND child.relnamespace = current_schema()::regnamespace "
            "AND child.relname = ? ORDER BY c.conname",
            (table,),
        )
        return [(row[0], row[1], row[2]) for row in rows]
    return [
        (row["table"], row["from"], row["to"])
        for row in await db.fetchall(f"PRAGMA foreign_key_list({_checked(table)})")
        if row["on_delete"] == "CASCADE"
    ]

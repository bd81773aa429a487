"""The database interface every store module uses, its SQLite implementation, and the migrations.

The interface (`Tx`, and `Database`'s methods below) is the same for SQLite and PostgreSQL: a store
module writes one portable SQL string (`?` placeholders, `INSERT … RETURNING id`, `ON CONFLICT`) and
never touches a driver's connection or cursor. `transaction()` yields a `Tx`; its `execute` returns
the number of rows affected; ids come back from `RETURNING` through `fetchval`.

SQLite: one aiosqlite connection serves the whole process. SQLite runs in WAL mode so readers never
wait for the writer; writers are serialised by `transaction()`, which holds an asyncio lock for the
life of a BEGIN IMMEDIATE … COMMIT, so two coroutines can never interleave statements in one
transaction. Every write that the bot acknowledges to a member goes through `transaction()` and is
committed before the acknowledgement is sent.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal, Protocol

import aiosqlite

from bot.store.private_files import private_database

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(RuntimeError):
    """A migration failed; the database is left at the version before it."""


def _split_statements(script: str) -> list[str]:
    """Split a SQL script into complete statements (triggers with BEGIN … END stay whole)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if not buffer and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements


def discover_migrations(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    found: list[tuple[int, Path]] = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise MigrationError(f"migration file {path.name} must be named NNNN_name.sql")
        found.append((int(match.group(1)), path))
    numbers = [n for n, _ in found]
    if len(set(numbers)) != len(numbers) or 0 in numbers:
        raise MigrationError(f"migration numbers must be unique and start at 1; found {numbers}")
    return found


class Row(Protocol):
    """A result row: by position (`row[0]`) or by column name (`row["name"]`); aiosqlite.Row and
    asyncpg.Record both are."""

    def __getitem__(self, key: int | str, /) -> Any: ...


class Tx(Protocol):
    """One open transaction (`async with db.transaction() as tx:`): every backend's is this shape."""

    async def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run one statement; the number of rows it inserted, updated or deleted."""
        ...

    async def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None: ...

    async def fetchone(self, sql: str, params: Sequence[object] = ()) -> Row | None: ...

    async def fetchall(self, sql: str, params: Sequence[object] = ()) -> list[Row]: ...

    async def fetchval(self, sql: str, params: Sequence[object] = ()) -> Any: ...


class SQLiteTx:
    """`Tx` over the one aiosqlite connection, inside BEGIN IMMEDIATE … COMMIT."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        async with self._conn.execute(sql, params) as cursor:
            return max(cursor.rowcount, 0)

    async def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Sequence[object] = ()) -> aiosqlite.Row | None:
        # The cursor is closed before returning, so an `INSERT … RETURNING` is finished before COMMIT.
        async with self._conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Sequence[object] = ()) -> list[aiosqlite.Row]:
        async with self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchval(self, sql: str, params: Sequence[object] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


class Database:
    """An open SQLite database. Create with `await Database.open(path)`; close with `close()`."""

    dialect: Literal["sqlite", "postgres"] = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> Database:
        if str(path) != ":memory:":
            private_database(path)  # folder 0700, file 0600 before SQLite writes a byte
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = aiosqlite.Row
        await conn.execute("PRAGMA journal_mode = WAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await conn.execute("PRAGMA busy_timeout = 5000")
        await conn.execute("PRAGMA synchronous = NORMAL")
        return cls(conn, path)

    async def close(self) -> None:
        async with self._write_lock:
            await self.conn.close()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[SQLiteTx]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any exception."""
        async with self._write_lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield SQLiteTx(self.conn)
            except BaseException:
                await self.conn.execute("ROLLBACK")
                raise
            else:
                await self.conn.execute("COMMIT")

    async def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run one write statement in its own transaction; returns the number of rows affected."""
        async with self.transaction() as tx:
            return await tx.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        """Run one statement for each row, all in one transaction."""
        async with self.transaction() as tx:
            await tx.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Sequence[object] = ()) -> aiosqlite.Row | None:
        async with self.conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Sequence[object] = ()) -> list[aiosqlite.Row]:
        async with self.conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchval(self, sql: str, params: Sequence[object] = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def version(self) -> int:
        return int(await self.fetchval("PRAGMA user_version"))  # type: ignore[arg-type]

    async def tables(self) -> list[str]:
        rows = await self.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        return [row[0] for row in rows]

    async def migrate(self, migrations: Iterable[tuple[int, Path]] | None = None) -> list[int]:
        """Apply every migration newer than `PRAGMA user_version`, each in its own transaction.

        Returns the versions applied (empty when already up to date).
        """
        applied: list[int] = []
        current = await self.version()
        for number, path in migrations if migrations is not None else discover_migrations():
            if number <= current:
                continue
            statements = _split_statements(path.read_text(encoding="utf-8"))
            try:
                async with self.transaction() as tx:
                    for statement in statements:
                        await tx.execute(statement)
                    # PRAGMA does not take parameters; `number` is an int from the file name.
                    await tx.execute(f"PRAGMA user_version = {int(number)}")
            except sqlite3.Error as exc:
                raise MigrationError(
                    f"migration {path.name} failed ({exc}); the database stays at version {current}"
                ) from exc
            log.info("Applied migration %s", path.name)
            applied.append(number)
            current = number
        return applied

"""The PostgreSQL backend (asyncpg): the same `Database` / `Tx` interface as the SQLite one.

Chosen by the setting `bot.database_url` (see `bot/store/open.py`). Store modules write one portable
SQL string with `?` placeholders; here each `?` outside string literals, quoted names, comments and
dollar-quoted bodies becomes `$1`, `$2`, … (rewritten once per distinct statement, then cached).

- A pool of connections serves the process; several processes may share one database.
- `transaction()` takes one connection for a BEGIN … COMMIT (READ COMMITTED) and yields a `PostgresTx`;
  any exception rolls it back. Reads outside a transaction take any free connection.
- `execute` returns the rows affected, read from the command's status ("UPDATE 3", "INSERT 0 1").
- `numeric` results (PostgreSQL's SUM of a BIGINT, AVG of integers) come back as int when whole and
  float otherwise, as SQLite's would, not as `Decimal`.
- Migrations: `bot/store/migrations/postgres/NNNN_name.sql` where PostgreSQL needs different SQL,
  else the shared `bot/store/migrations/NNNN_name.sql`; each is applied in its own transaction and
  recorded in the table `schema_version`, under an advisory lock so two processes starting at once
  apply each migration exactly once.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.store.database import MIGRATIONS_DIR, MigrationError, discover_migrations

log = logging.getLogger(__name__)

POSTGRES_MIGRATIONS_DIR = MIGRATIONS_DIR / "postgres"
VERSION_TABLE = "schema_version"
# pg_advisory_lock key for migrations: any constant shared by every process of this bot.
_MIGRATION_LOCK = 0x70656572626F74  # "peerbot"
URL_SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(url: str) -> bool:
    return url.startswith(URL_SCHEMES)


def redact_url(url: str) -> str:
    """The URL with any password replaced by ***, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = (parts.username or "") + ":***"
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc[-1]}"))


_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


@functools.lru_cache(maxsize=2048)
def to_dollar_params(sql: str) -> str:
    """`?` placeholders → `$1`, `$2`, … outside '…' literals, "…" names, comments and $tag$ bodies."""
    out: list[str] = []
    n = 0
    i = 0
    length = len(sql)
    while i < length:
        ch = sql[i]
        if ch == "?":
            n += 1
            out.append(f"${n}")
            i += 1
            continue
        if ch in ("'", '"'):
            end = i + 1
            while end < length:
                if sql[end] == ch:
                    if end + 1 < length and sql[end + 1] == ch:  # '' or "" escapes the quote
                        end += 2
                        continue
                    break
                end += 1
            out.append(sql[i:end + 1])
            i = end + 1
            continue
        if sql.startswith("--", i):
            end = sql.find("\n", i)
            end = length if end < 0 else end
            out.append(sql[i:end])
            i = end
            continue
        if sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = length if end < 0 else end + 2
            out.append(sql[i:end])
            i = end
            continue
        if ch == "$":
            tag = _DOLLAR_TAG.match(sql, i)
            if tag and (i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] == "_")):
                close = sql.find(tag.group(0), tag.end())
                end = length if close < 0 else close + len(tag.group(0))
                out.append(sql[i:end])
                i = end
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def _rows_affected(status: str) -> int:
    """'INSERT 0 3' → 3, 'UPDATE 2' → 2, 'DELETE 0' → 0, 'CREATE TABLE' → 0."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


def _decode_numeric(text: str) -> int | float:
    if "." in text or "e" in text.lower() or text in ("NaN", "Infinity", "-Infinity"):
        return float(text)
    return int(text)


async def _init_connection(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("numeric", encoder=str, decoder=_decode_numeric, schema="pg_catalog", format="text")


def postgres_migrations(
    shared: Path = MIGRATIONS_DIR, specific: Path | None = None
) -> list[tuple[int, Path]]:
    """The numbered migrations for PostgreSQL: its own file where one exists, else the shared one.

    A PostgreSQL file must carry the same number and name as a shared one (tests hold both folders
    to the same numbers and the same tables and columns)."""
    specific = shared / "postgres" if specific is None else specific
    own = dict(discover_migrations(specific)) if specific.is_dir() else {}
    chosen: list[tuple[int, Path]] = []
    shared_migrations = discover_migrations(shared)
    names = {number: path.name for number, path in shared_migrations}
    for number, path in own.items():
        if names.get(number) != path.name:
            raise MigrationError(
                f"PostgreSQL migration {path.name} has no shared migration of the same number and name"
            )
    for number, path in shared_migrations:
        chosen.append((number, own.get(number, path)))
    return chosen


class PostgresTx:
    """`Tx` over one pooled connection inside BEGIN … COMMIT."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        return _rows_affected(await self._conn.execute(to_dollar_params(sql), *params))

    async def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        await self._conn.executemany(to_dollar_params(sql), [tuple(row) for row in rows])

    async def fetchone(self, sql: str, params: Sequence[object] = ()) -> asyncpg.Record | None:
        return await self._conn.fetchrow(to_dollar_params(sql), *params)

    async def fetchall(self, sql: str, params: Sequence[object] = ()) -> list[asyncpg.Record]:
        return list(await self._conn.fetch(to_dollar_params(sql), *params))

    async def fetchval(self, sql: str, params: Sequence[object] = ()) -> Any:
        return await self._conn.fetchval(to_dollar_params(sql), *params)


class PostgresDatabase:
    """An open PostgreSQL database. Create with `await PostgresDatabase.open(url)`; close with `close()`."""

    dialect: Literal["sqlite", "postgres"] = "postgres"

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self.pool = pool
        self.url = url

    @classmethod
    async def open(cls, url: str, *, pool_size: int = 10) -> PostgresDatabase:
        if not is_postgres_url(url):
            raise ValueError(f"not a PostgreSQL URL (postgresql://…): {redact_url(url)}")
        pool = await asyncpg.create_pool(
            url, min_size=1, max_size=max(1, pool_size), init=_init_connection,
            # Statements are cached per connection; the `?` rewriting is cached per process.
            statement_cache_size=512,
        )
        return cls(pool, url)

    @property
    def label(self) -> str:
        """Where the data is, for messages (the password left out)."""
        return redact_url(self.url)

    async def close(self) -> None:
        await self.pool.close()

    async def __aenter__(self) -> PostgresDatabase:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PostgresTx]:
        """BEGIN … COMMIT on one connection, rolled back on any exception."""
        async with self.pool.acquire() as conn, conn.transaction():
            yield PostgresTx(conn)

    async def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run one write statement in its own transaction; returns the number of rows affected."""
        return _rows_affected(await self.pool.execute(to_dollar_params(sql), *params))

    async def executemany(self, sql: str, rows: Iterable[Sequence[object]]) -> None:
        """Run one statement for each row, all in one transaction."""
        await self.pool.executemany(to_dollar_params(sql), [tuple(row) for row in rows])

    async def fetchone(self, sql: str, params: Sequence[object] = ()) -> asyncpg.Record | None:
        return await self.pool.fetchrow(to_dollar_params(sql), *params)

    async def fetchall(self, sql: str, params: Sequence[object] = ()) -> list[asyncpg.Record]:
        return list(await self.pool.fetch(to_dollar_params(sql), *params))

    async def fetchval(self, sql: str, params: Sequence[object] = ()) -> Any:
        return await self.pool.fetchval(to_dollar_params(sql), *params)

    async def version(self) -> int:
        async with self.pool.acquire() as conn:
            return await self._version(conn)

    @staticmethod
    async def _version(conn: asyncpg.Connection) -> int:
        exists = await conn.fetchval("SELECT to_regclass($1) IS NOT NULL", VERSION_TABLE)
        if not exists:
            return 0
        return int(await conn.fetchval(f"SELECT coalesce(max(version), 0) FROM {VERSION_TABLE}"))  # noqa: S608

    async def tables(self) -> list[str]:
        """The bot's tables (not the schema-version bookkeeping), by name."""
        rows = await self.pool.fetch(
            "SELECT table_name::text FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> $1 "
            "ORDER BY table_name::text COLLATE \"C\"",
            VERSION_TABLE,
        )
        return [row[0] for row in rows]

    async def migrate(self, migrations: Iterable[tuple[int, Path]] | None = None) -> list[int]:
        """Apply every migration newer than the recorded version, each in its own transaction.

        Returns the versions applied (empty when already up to date)."""
        chosen = list(migrations) if migrations is not None else postgres_migrations()
        applied: list[int] = []
        async with self.pool.acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
            try:
                await conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version INTEGER PRIMARY KEY, "
                    "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
                )
                current = await self._version(conn)
                for number, path in chosen:
                    if number <= current:
                        continue
                    script = path.read_text(encoding="utf-8")
                    try:
                        async with conn.transaction():
                            # No arguments: the simple protocol runs the whole script, PL/pgSQL bodies included.
                            await conn.execute(script)
                            await conn.execute(
                                f"INSERT INTO {VERSION_TABLE} (version, name) VALUES ($1, $2)",  # noqa: S608
                                number, path.name,
                            )
                    except asyncpg.PostgresError as exc:
                        raise MigrationError(
                            f"migration {path.name} failed ({exc}); the database stays at version {current}"
                        ) from exc
                    log.info("Applied migration %s", path.name)
                    applied.append(number)
                    current = number
            finally:
                await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
        return applied

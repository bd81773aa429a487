"""Opening the configured database: SQLite by default, PostgreSQL when `bot.database_url` is set.

Every command that touches the data (`run`, `migrate`, `export`, `report`, `sandbox`, `bench`) opens it
through `open_database`, so the backend is chosen in one place. A command's `--database-url URL`
overrides the setting for that run.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypeAlias
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from bot.settings import Settings
from bot.store.database import Database
from bot.store.postgres import PostgresDatabase, is_postgres_url, redact_url

AnyDatabase: TypeAlias = Database | PostgresDatabase

# What an insert or update that breaks a constraint (or the audit log's guard) raises, on either backend.
INTEGRITY_ERRORS: tuple[type[BaseException], ...] = (sqlite3.IntegrityError, asyncpg.IntegrityConstraintViolationError)


class DatabaseUnavailable(RuntimeError):
    """The PostgreSQL server could not be reached or refused the connection; the message says which."""


def database_url(settings: Settings, override: str | None = None) -> str:
    """The PostgreSQL URL in force ('' for SQLite): `override` (a --database-url flag) first."""
    url = override if override is not None else settings.bot.database_url
    url = url.strip()
    if url and not is_postgres_url(url):
        raise ValueError(f"--database-url must be a postgresql://… URL; got {redact_url(url)!r}")
    return url


def database_label(settings: Settings, override: str | None = None) -> str:
    """Where the data lives, for messages: the SQLite path, or the URL without its password."""
    url = database_url(settings, override)
    return redact_url(url) if url else str(settings.bot.database_path)


async def connect(settings: Settings, override: str | None = None) -> AnyDatabase:
    """Open (not migrate) the database the settings point to; close it with `close()`."""
    url = database_url(settings, override)
    if not url:
        return await Database.open(settings.bot.database_path)
    try:
        return await PostgresDatabase.open(url, pool_size=settings.bot.database_pool_size)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise DatabaseUnavailable(f"cannot open the PostgreSQL database {redact_url(url)}: {exc}") from exc


@asynccontextmanager
async def open_database(settings: Settings, override: str | None = None) -> AsyncIterator[AnyDatabase]:
    """`async with open_database(settings) as db:` — the configured database, closed on the way out."""
    db = await connect(settings, override)
    try:
        yield db
    finally:
        await db.close()


def with_search_path(url: str, schema: str) -> str:
    """The URL with its tables looked up (and created) in `schema` (asyncpg passes the parameter to the server)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "search_path"] + [("search_path", schema)]
    return urlunsplit(parts._replace(query=urlencode(query)))


@asynccontextmanager
async def scratch_schema(url: str, prefix: str = "scratch") -> AsyncIterator[str]:
    """A new, empty schema in the PostgreSQL database at `url`, dropped with everything in it on the way out;
    yields a URL whose tables live there (for benchmarks that must not touch the database's own tables)."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    try:
        conn = await asyncpg.connect(url)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise DatabaseUnavailable(f"cannot open the PostgreSQL database {redact_url(url)}: {exc}") from exc
    try:
        await conn.execute(f'CREATE SCHEMA "{name}"')
    finally:
        await conn.close()
    try:
        yield with_search_path(url, name)
    finally:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(f'DROP SCHEMA "{name}" CASCADE')
        finally:
            await conn.close()

"""The throwaway PostgreSQL server the tests may use, given by PEERBOT_TEST_POSTGRES_URL.

Store and core tests that use the database run on both backends. Without the variable the
[postgres] variants are skipped, and the session header says so in one line with how to enable
them; with PEERBOT_REQUIRE_POSTGRES=1 (as in CI) a missing or unreachable server fails the run.
Each test gets a fresh database, copied from a template migrated once per session, dropped after it.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import os
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from bot.store.postgres import PostgresDatabase, redact_url

URL_ENV = "PEERBOT_TEST_POSTGRES_URL"
REQUIRE_ENV = "PEERBOT_REQUIRE_POSTGRES"
BACKENDS = ("sqlite", "postgres")
TESTS = Path(__file__).resolve().parent
# Folders whose database tests run on both backends.
BOTH_BACKENDS = (TESTS / "store", TESTS / "core")
HOW_TO_ENABLE = (
    f"set {URL_ENV} to a throwaway server's URL (`.ci/postgres start DIR` starts one and writes it to DIR/url), "
    "or run .ci/run"
)

T = TypeVar("T")


def runs_on_both_backends(path: Path) -> bool:
    return any(path.is_relative_to(folder) for folder in BOTH_BACKENDS)


def _in_thread(make: Callable[[], Awaitable[T]]) -> T:
    """Run a coroutine to completion on its own loop in a helper thread (fixtures are synchronous
    and each test has its own event loop, which must not be shared with admin connections)."""
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(make()))  # type: ignore[arg-type]
        except BaseException as exc:
            error.append(exc)

    thread = threading.Thread(target=target, name="postgres-admin")
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


async def _admin(url: str, *statements: str) -> str:
    conn = await asyncpg.connect(url, timeout=10)
    try:
        for statement in statements:
            await conn.execute(statement)
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


class PostgresServer:
    """Creates and drops per-test databases on the server at `url` (a role that may CREATE DATABASE)."""

    def __init__(self, url: str, version: str) -> None:
        self.url = url
        self.version = version
        self._names = itertools.count(1)
        self._prefix = f"peerbot_test_{os.getpid()}"
        self._template: str | None = None
        self._lock = threading.Lock()

    def _template_name(self) -> str:
        with self._lock:
            if self._template is None:
                name = f"{self._prefix}_template"
                _in_thread(lambda: _admin(self.url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)",
                                          f"CREATE DATABASE {name}"))

                async def migrate() -> None:
                    async with await PostgresDatabase.open(with_database(self.url, name), pool_size=1) as db:
                        await db.migrate()

                _in_thread(migrate)
                self._template = name
            return self._template

    def create_database(self, *, migrated: bool) -> str:
        """A new database: migrated to the latest version (from the session's template), or empty."""
        template = self._template_name() if migrated else "template0"
        name = f"{self._prefix}_{next(self._names)}"
        _in_thread(lambda: _admin(self.url, f"CREATE DATABASE {name} TEMPLATE {template}"))
        return with_database(self.url, name)

    def drop_database(self, url: str) -> None:
        name = urlsplit(url).path.lstrip("/")
        _in_thread(lambda: _admin(self.url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))

    def close(self) -> None:
        if self._template is not None:
            self.drop_database(with_database(self.url, self._template))
            self._template = None


@functools.cache
def probe() -> tuple[PostgresServer | None, str]:
    """(the server, '') when PEERBOT_TEST_POSTGRES_URL is set and answers; else (None, why not)."""
    url = os.environ.get(URL_ENV, "").strip()
    if not url:
        return None, f"{URL_ENV} is not set"
    try:
        version = _in_thread(lambda: _admin(url))
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
        return None, f"cannot reach {redact_url(url)} ({type(exc).__name__}: {exc})"
    return PostgresServer(url, version), ""


def required() -> bool:
    return os.environ.get(REQUIRE_ENV, "").strip() not in ("", "0")


def postgres_header() -> str | None:
    server, _ = probe()
    if server is None:
        return None  # said once, at the end (postgres_summary)
    return (f"postgres: store and core tests run on SQLite and on PostgreSQL {server.version} "
            f"({redact_url(server.url)})")


_left_out: list[int] = []


def deselect_postgres_variants(config: pytest.Config, items: list[pytest.Item]) -> None:
    server, _ = probe()
    if server is not None or required():
        return
    kept, removed = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        (removed if callspec is not None and callspec.params.get("db_backend") == "postgres" else kept).append(item)
    if removed:
        items[:] = kept
        config.hook.pytest_deselected(items=removed)
        _left_out.append(len(removed))


def postgres_summary() -> str | None:
    if not _left_out:
        return None
    _, problem = probe()
    return (f"postgres: {problem}, so {sum(_left_out)} PostgreSQL variants of the store and core tests did not run; "
            f"to run them, {HOW_TO_ENABLE}")


def require_postgres_or_exit() -> None:
    if not required():
        return
    server, problem = probe()
    if server is None:
        pytest.exit(f"{REQUIRE_ENV}=1 but {problem}: the PostgreSQL tests cannot run", returncode=1)


def server_or_skip() -> PostgresServer:
    server, problem = probe()
    if server is None:
        if required():
            pytest.fail(f"{REQUIRE_ENV}=1 but {problem}", pytrace=False)
        pytest.skip(f"PostgreSQL variants skipped: {problem} ({HOW_TO_ENABLE})")
    return server

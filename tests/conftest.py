from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.client import PeerBot, discover_extensions
from bot.clock import ManualClock
from bot.core.framing.classifier import FramingClassifier
from bot.services import Services, open_services
from bot.settings import Settings, load_settings
from tests.postgres import (
    BACKENDS,
    PostgresServer,
    deselect_postgres_variants,
    postgres_header,
    postgres_summary,
    require_postgres_or_exit,
    runs_on_both_backends,
    server_or_skip,
)

TEST_KEY = "k" * 16 + "test-secret-key-for-pytest-0123456789"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never touch the network: any non-local connection fails loudly."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else None
        if host is not None and host not in ("127.0.0.1", "::1", "localhost"):
            raise RuntimeError(f"tests must not use the network (tried {address!r})")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres_only: runs on PostgreSQL only (deselected without a server)")


def pytest_sessionstart(session: pytest.Session) -> None:
    require_postgres_or_exit()


def pytest_report_header(config: pytest.Config) -> str | None:
    return postgres_header()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Store and core tests that use the database run once per backend: [sqlite] and [postgres]."""
    if "db_backend" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("postgres_only"):
        metafunc.parametrize("db_backend", ["postgres"], indirect=True)
    elif runs_on_both_backends(metafunc.definition.path):
        metafunc.parametrize("db_backend", BACKENDS, indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a PostgreSQL server the [postgres] variants are left out (one line at the end says so)."""
    deselect_postgres_variants(config, items)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    line = postgres_summary()
    if line:
        terminalreporter.write_line(line, yellow=True)


@pytest.fixture
def db_backend(request: pytest.FixtureRequest) -> str:
    """'sqlite' (the default everywhere) or 'postgres' (store and core tests run both)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The throwaway server in PEERBOT_TEST_POSTGRES_URL; skips (or fails, with PEERBOT_REQUIRE_POSTGRES=1)
    when there is none."""
    server = server_or_skip()
    yield server
    server.close()


@pytest.fixture
def postgres_url(request: pytest.FixtureRequest, db_backend: str) -> str:
    """A fresh, migrated PostgreSQL database for this test (dropped after it), or '' on SQLite."""
    if db_backend != "postgres":
        return ""
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create_database(migrated=True)
    request.addfinalizer(lambda: server.drop_database(url))
    return url


@pytest.fixture
def empty_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty PostgreSQL database (no tables), dropped after the test."""
    url = postgres_server.create_database(migrated=False)
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def env(tmp_path: Path, postgres_url: str) -> dict[str, str]:
    values = {
        "PEERBOT_BOT__DATA_DIR": str(tmp_path / "data"),
        "PEERBOT_BOT__SECRET_KEY_FILE": str(tmp_path / "secret" / "peerbot.key"),
    }
    if postgres_url:
        values["PEERBOT_BOT__DATABASE_URL"] = postgres_url
    return values


@pytest.fixture
def settings(env: dict[str, str]) -> Settings:
    return load_settings(env=env)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def services(settings: Settings, clock: ManualClock, env: dict[str, str]) -> AsyncIterator[Services]:
    async with open_services(settings, clock, env=env) as opened:
        yield opened


@pytest.fixture(scope="session")
def classifier() -> FramingClassifier:
    """The real framing model (MiniLM + trained head + safety net), loaded once per test session."""
    defaults = load_settings(env={}).framing
    return FramingClassifier.load(defaults.crisis_threshold, defaults.max_chars)


@pytest.fixture
async def framing_services(
    settings: Settings, clock: ManualClock, env: dict[str, str], classifier: FramingClassifier
) -> AsyncIterator[Services]:
    """Services with the framing model switched on (the session's one classifier)."""
    async with open_services(settings, clock, env=env, classifier=classifier) as opened:
        yield opened


@pytest.fixture
async def bot(services: Services) -> AsyncIterator[PeerBot]:
    """A real, unconnected bot with every extension loaded."""
    instance = PeerBot(services, AsyncIOScheduler())
    for extension in discover_extensions():
        await instance.load_extension(extension)
    yield instance
    for extension in list(instance.extensions):
        await instance.unload_extension(extension)


@pytest.fixture
def keep_logging() -> Iterator[None]:
    """A command sets up logging for the process; put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)

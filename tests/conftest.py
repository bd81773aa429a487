from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.client import PeerBot, discover_extensions
from bot.clock import ManualClock
from bot.core.framing.classifier import FramingClassifier
from bot.services import Services, open_services
from bot.settings import Settings, load_settings

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


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "PEERBOT_BOT__DATA_DIR": str(tmp_path / "data"),
        "PEERBOT_BOT__SECRET_KEY_FILE": str(tmp_path / "secret" / "peerbot.key"),
    }


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

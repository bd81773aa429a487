"""`python -m bot sync` publishes the commands and records them, without telling you to run sync."""

from __future__ import annotations

from typing import Any

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord import app_commands

from bot.__main__ import main
from bot.client import PeerBot, discover_extensions
from bot.services import open_services

SYNC_WARNING = "Slash commands changed since the last sync"
pytestmark = pytest.mark.usefixtures("keep_logging")  # `sync` sets up logging for the process


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> list[Any]:
    """Discord replaced: login runs setup_hook as the real one does; tree.sync records what it would publish."""
    for name, value in {**env, "DISCORD_TOKEN": "a-token"}.items():
        monkeypatch.setenv(name, value)
    calls: list[Any] = []

    async def login(self: PeerBot, token: str) -> None:
        await self.setup_hook()

    async def sync(self: app_commands.CommandTree, *, guild: Any = None) -> list[Any]:
        calls.append(guild)
        return list(self.get_commands(guild=guild))

    monkeypatch.setattr(PeerBot, "login", login)
    monkeypatch.setattr(app_commands.CommandTree, "sync", sync)
    return calls


async def loaded_bot(services: Any) -> PeerBot:
    bot = PeerBot(services, AsyncIOScheduler())
    for extension in discover_extensions():
        await bot.load_extension(extension)
    return bot


def test_sync_does_not_tell_you_to_run_sync(published, capsys) -> None:
    assert main(["sync"]) == 0
    out, err = capsys.readouterr()
    assert published == [None] and out.startswith("Synced ")
    assert SYNC_WARNING not in err and "python -m bot sync" not in err


async def test_sync_records_what_it_published_so_run_does_not_warn(published, settings, env, capsys) -> None:
    async with open_services(settings, env=env) as services:
        assert await (await loaded_bot(services)).warn_if_commands_changed() is True  # never synced yet
    from bot.cli.sync import _sync

    assert await _sync("a-token", None) > 0
    async with open_services(settings, env=env) as services:
        bot = await loaded_bot(services)
        assert await bot.warn_if_commands_changed() is False
        bot.tree.add_command(app_commands.Command(name="new", description="A new command", callback=_noop))
        assert await bot.warn_if_commands_changed() is True


async def _noop(interaction: Any) -> None:
    return None

"""Stopping cleanly: new work is refused kindly, work in hand finishes (bounded), the database closes last.

A real, unconnected PeerBot receives interactions the way the gateway hands them over (the
INTERACTION_CREATE parser), so the command tree, checks and tasks are discord.py's own.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from datetime import UTC, datetime
from typing import Any

import discord
import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord import app_commands

from bot.client import RESTARTING_TEXT, PeerBot
from bot.core.errors import UserError
from bot.services import open_services
from tests.helpers import make_interaction, make_member

_ids = itertools.count(900_000_000_000_000_001)


def receive(bot: PeerBot, command: str, *, kind: int = 2) -> None:
    """The gateway delivers a slash command (kind 2) or its autocomplete (kind 4) from a member's DM."""
    options = [{"name": "text", "type": 3, "value": "", "focused": True}] if kind == 4 else []
    bot._connection.parsers["INTERACTION_CREATE"]({
        "id": str(next(_ids)), "application_id": "1", "type": kind, "token": "token", "version": 1,
        "channel_id": "2", "locale": "en-GB", "entitlements": [], "authorizing_integration_owners": {},
        "attachment_size_limit": 8_000_000,
        "user": {"id": "3", "username": "anna", "discriminator": "0", "avatar": None},
        "data": {"id": "4", "name": command, "type": 1, "options": options},
    })


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What the bot answered to interactions (instead of calling Discord)."""
    sent: list[dict[str, Any]] = []

    async def send_message(self: discord.InteractionResponse, content: str | None = None, **kwargs: Any) -> None:
        sent.append({"content": content, **kwargs})

    async def autocomplete(self: discord.InteractionResponse, choices: list[Any]) -> None:
        sent.append({"autocomplete": choices})

    monkeypatch.setattr(discord.InteractionResponse, "send_message", send_message)
    monkeypatch.setattr(discord.InteractionResponse, "autocomplete", autocomplete)
    return sent


class Slow:
    """A command that runs until released, then uses the database."""

    def __init__(self, bot: PeerBot, name: str = "slow") -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.runs: list[str] = []
        self.events: list[str] = []

        @app_commands.command(name=name, description="A command that takes its time")
        async def slow(interaction: discord.Interaction, text: str = "") -> None:
            self.runs.append(name)
            self.started.set()
            await self.release.wait()
            await bot.services.db.fetchval("SELECT count(*) FROM groups")
            self.events.append("command finished")

        @slow.autocomplete("text")
        async def suggest(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
            self.runs.append("autocomplete")
            return []

        bot.tree.add_command(slow)


async def until(condition: Any) -> None:
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("never happened")


async def test_shutdown_waits_for_a_running_command_and_closes_the_database_after(
    settings, clock, env, monkeypatch, answers
) -> None:
    async with open_services(settings, clock, env=env) as services:
        real_close = services.db.close

        async def close_database() -> None:
            slow.events.append("database closed")
            await real_close()

        monkeypatch.setattr(services.db, "close", close_database)
        bot = PeerBot(services, AsyncIOScheduler(timezone=UTC))
        slow = Slow(bot)
        async with bot:
            receive(bot, "slow")
            await slow.started.wait()
            closing = asyncio.create_task(bot.close())
            await until(lambda: bot.stopping)
            await asyncio.sleep(0.05)
            assert not closing.done(), "close() must wait for the running command"
            slow.release.set()
            await closing
            slow.events.append("bot closed")
    assert slow.events == ["command finished", "bot closed", "database closed"]


async def test_a_new_command_while_stopping_is_refused_kindly(bot_alone, answers) -> None:
    bot, slow = bot_alone
    async with bot:
        receive(bot, "slow")
        await slow.started.wait()
        closing = asyncio.create_task(bot.close())
        await until(lambda: bot.stopping)
        receive(bot, "slow")
        receive(bot, "slow", kind=4)
        await until(lambda: len(answers) == 2)
        slow.release.set()
        await closing
    assert slow.runs == ["slow"], "nothing new started once stopping"
    assert {"content": RESTARTING_TEXT, "ephemeral": True} in answers
    assert {"autocomplete": []} in answers


async def test_shutdown_is_bounded(bot_alone, caplog) -> None:
    bot, slow = bot_alone
    bot.shutdown_grace = 0.1
    async with bot:
        receive(bot, "slow")
        await slow.started.wait()
        with caplog.at_level(logging.WARNING, logger="bot.client"):
            assert await bot.drain() is False
            await asyncio.wait_for(bot.close(), 1)
    assert "still running after" in caplog.text and slow.events == []
    slow.release.set()
    await until(lambda: slow.events == ["command finished"])


async def test_a_running_job_finishes_and_no_new_job_starts(services) -> None:
    scheduler = AsyncIOScheduler(timezone=UTC)
    bot = PeerBot(services, scheduler)
    started, release, finished = asyncio.Event(), asyncio.Event(), []

    async def job() -> None:
        started.set()
        await release.wait()
        finished.append("job")

    scheduler.start()
    try:
        scheduler.add_job(job, "date", run_date=datetime.now(UTC), id="slow-job")
        async with bot:
            await asyncio.wait_for(started.wait(), 5)
            closing = asyncio.create_task(bot.close())
            await until(lambda: bot.stopping)
            await asyncio.sleep(0.05)
            assert not closing.done() and finished == []
            scheduler.add_job(job, "date", run_date=datetime.now(UTC), id="new-job")
            release.set()
            await closing
        await asyncio.sleep(0.05)
        assert finished == ["job"], "the paused scheduler started nothing new"
    finally:
        scheduler.shutdown(wait=False)


async def test_a_running_listener_is_waited_for(services) -> None:
    bot = PeerBot(services, AsyncIOScheduler(timezone=UTC))
    started, release, finished = asyncio.Event(), asyncio.Event(), []

    async def on_member_words() -> None:
        started.set()
        await release.wait()
        finished.append("listener")

    bot.add_listener(on_member_words)
    async with bot:
        bot.dispatch("member_words")
        await started.wait()
        closing = asyncio.create_task(bot.close())
        await asyncio.sleep(0.05)
        assert not closing.done()
        release.set()
        await closing
    assert finished == ["listener"]


async def test_a_persistent_button_while_stopping_says_so(services) -> None:
    bot = PeerBot(services, AsyncIOScheduler(timezone=UTC))
    clicks: list[str] = []

    async def on_choice(interaction: discord.Interaction, rest: str) -> None:
        clicks.append(rest)

    bot.route_choice("ci", on_choice)
    click = make_interaction(bot, make_member())
    await bot.choice_handlers["ci"](click, "before")
    async with bot:
        await bot.close()
        with pytest.raises(UserError) as refused:
            await bot.choice_handlers["ci"](click, "after")
    assert clicks == ["before"] and refused.value.message == RESTARTING_TEXT


@pytest.fixture
async def bot_alone(services):
    bot = PeerBot(services, AsyncIOScheduler(timezone=UTC))
    return bot, Slow(bot)

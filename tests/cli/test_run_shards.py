"""`run` and Discord's sharding: one plain connection by default, AutoShardedBot when asked, the same bot.

No network: login and connect are replaced, and the bots are never connected.
"""

from __future__ import annotations

from typing import Any

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord.ext import commands

from bot.__main__ import main
from bot.cli import run as run_command
from bot.client import PeerBot, ShardedPeerBot, ShardOptions, new_bot
from bot.core.shards import ALL_GUILDS, GuildShards
from bot.services import open_services
from bot.settings import load_settings

pytestmark = pytest.mark.usefixtures("keep_logging")  # `run` sets up logging for the process


@pytest.fixture
def start(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], classifier: Any) -> list[PeerBot]:
    """`python -m bot run` in this process with Discord's login and connection replaced; the bots it made."""
    for name, value in {**env, "DISCORD_TOKEN": "a-token", "PEERBOT_BOT__LOG_LEVEL": "WARNING"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("bot.cli._framing.load_classifier", lambda settings: classifier)
    made: list[PeerBot] = []

    async def login(self: PeerBot, token: str) -> None:
        await self.setup_hook()  # what a real login does once Discord answered

    async def connect(self: PeerBot, *, reconnect: bool = True) -> None:
        made.append(self)
        self.jobs_when_connected = {job.id for job in self.scheduler.get_jobs()}  # type: ignore[attr-defined]
        await self.close()

    monkeypatch.setattr(PeerBot, "login", login)
    monkeypatch.setattr(PeerBot, "connect", connect)
    return made


def test_by_default_run_makes_one_plain_connection(start) -> None:
    assert main(["run"]) == 0
    [bot] = start
    assert type(bot) is PeerBot and not isinstance(bot, commands.AutoShardedBot)
    assert bot.shard_count is None and bot.shard_options is None
    assert bot.services.shards == ALL_GUILDS and bot.stopping  # drained on close, as before


def test_shards_auto_lets_discord_choose_the_count(start) -> None:
    assert main(["run", "--shards", "auto"]) == 0
    [bot] = start
    assert isinstance(bot, ShardedPeerBot) and isinstance(bot, commands.AutoShardedBot)
    assert bot.shard_count is None and bot.shard_ids is None  # asked of Discord when it connects
    assert bot.services.shards == ALL_GUILDS and bot.stopping


def test_a_process_can_run_some_of_the_shards(start) -> None:
    assert main(["run", "--shard-count", "4", "--shard-ids", "0,1"]) == 0
    [bot] = start
    assert isinstance(bot, ShardedPeerBot)
    assert (bot.shard_count, bot.shard_ids) == (4, [0, 1])
    assert bot.services.shards == GuildShards(4, frozenset({0, 1}))
    assert "peerbot:due-work" in bot.jobs_when_connected  # setup_hook ran as before


def test_the_settings_can_say_it_too(start, monkeypatch) -> None:
    monkeypatch.setenv("PEERBOT_BOT__SHARD_COUNT", "2")
    monkeypatch.setenv("PEERBOT_BOT__SHARD_IDS", "1")
    assert main(["run"]) == 0
    [bot] = start
    assert (bot.shard_count, bot.shard_ids) == (2, [1])
    assert bot.services.shards == GuildShards(2, frozenset({1}))


@pytest.mark.parametrize(("argv", "message"), [
    (["--shard-ids", "0,1"], "error: invalid setting bot.shard_ids (--shard-ids): needs bot.shard_count "
                             "(--shard-count): how many shards the bot has in all"),
    (["--shard-count", "4", "--shard-ids", "0,4"], "error: invalid setting bot.shard_ids (--shard-ids): shard 4 "
                                                   "does not exist: with 4 shard(s) the ids run from 0 to 3"),
    (["--shards", "auto", "--shard-count", "2"], "error: invalid setting bot.shards (--shards): 'auto' lets Discord "
                                                 "choose the shards: leave bot.shard_count and bot.shard_ids unset "
                                                 "with it"),
    (["--shard-count", "-1"], "error: invalid setting bot.shard_count (--shard-count): must be 0 (not set) or a "
                              "number of shards from 1 to 10000; got -1"),
])
def test_impossible_shards_stop_with_one_line(start, capsys, argv, message) -> None:
    assert main(["run", *argv]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [message]
    assert start == []


def test_shard_ids_must_be_numbers(start, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["run", "--shard-count", "4", "--shard-ids", "0,one"])
    assert stopped.value.code == 2
    assert "shard ids are whole numbers from 0 separated by commas, like 0,1 (got 'one')" in capsys.readouterr().err


@pytest.mark.parametrize(("env", "options"), [
    ({}, None),
    ({"PEERBOT_BOT__SHARDS": "auto"}, ShardOptions(None, None)),
    ({"PEERBOT_BOT__SHARD_COUNT": "3"}, ShardOptions(3, None)),
    ({"PEERBOT_BOT__SHARD_COUNT": "3", "PEERBOT_BOT__SHARD_IDS": "2"}, ShardOptions(3, (2,))),
])
def test_shard_options_from_the_settings(env, options) -> None:
    assert ShardOptions.from_settings(load_settings(env=env).bot) == options


async def test_the_sharded_bot_is_the_same_bot(settings, env) -> None:
    sharded = load_settings(env={**env, "PEERBOT_BOT__SHARDS": "auto"})
    async with open_services(sharded, env=env) as services, new_bot(services, AsyncIOScheduler()) as bot:
        for method in ("setup_hook", "drain", "close", "_run_event", "_run_due_work"):  # PeerBot's own
            assert getattr(type(bot), method) is getattr(PeerBot, method)
        assert await bot.drain(0.1) and bot.stopping
        await bot.close()
        assert bot.is_closed()
    with pytest.raises(TypeError):
        PeerBot(services, AsyncIOScheduler(), shards=ShardOptions(2, (0,)))


def test_help_lists_the_shard_options(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    text = capsys.readouterr().out
    assert "--shards {off,auto}" in text and "--shard-count N" in text and "--shard-ids IDS" in text
    assert run_command.shard_ids("0, 2") == (0, 2)

"""Shards: which process does which guild's due work, and exactly-once claims with several processes.

The racing tests start real OS processes (multiprocessing, spawn), each with its own services and
connection pool on one database, and count what each one delivered through a recording notifier
that writes to a file. Only Discord is replaced.
"""

from __future__ import annotations

import json
import multiprocessing
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.core.data_rights import DataRights
from bot.core.shards import ALL_GUILDS, GuildShards, owns_guild, shard_of
from bot.services import guild_shards, open_services
from bot.settings import load_settings
from tests.core.shard_worker import Plan, work

MOD = "m" * 64
# Guild ids whose shard (of 2) is 0 and 1: Discord shards on the snowflake's time bits, (id >> 22) % count.
GUILD_0 = (1_000_000 << 22) + 12345
GUILD_1 = (1_000_001 << 22) + 67890
FIRST_ROUND = datetime(2026, 3, 2, 19, 0, 5, tzinfo=UTC)  # a daily 19:00 check-in has just fallen due
DAY = timedelta(days=1)


# -- the predicate ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("guild_id", "count", "shard"), [
    (GUILD_0, 2, 0), (GUILD_1, 2, 1), (81384788765712384, 4, (81384788765712384 >> 22) % 4), (5, 1, 0),
])
def test_a_guild_is_on_the_shard_discord_puts_it_on(guild_id, count, shard) -> None:
    assert shard_of(guild_id, count) == shard
    assert owns_guild(guild_id, {shard}, count)
    assert not owns_guild(guild_id, set(range(count)) - {shard}, count)


def test_one_process_owns_every_guild() -> None:
    assert owns_guild(GUILD_1, None, 2)
    assert ALL_GUILDS.everything and ALL_GUILDS.owns(GUILD_0) and ALL_GUILDS.owns(GUILD_1)
    assert GuildShards(2, frozenset({0, 1})).everything  # every shard of the count, in one process
    half = GuildShards(2, frozenset({1}))
    assert not half.everything and half.owns(GUILD_1) and not half.owns(GUILD_0)
    assert half.describe() == "the guilds of shard(s) 1 of 2"


@pytest.mark.parametrize(("ids", "count"), [(frozenset({2}), 2), (frozenset(), 2), (None, 0)])
def test_impossible_shards_are_refused(ids, count) -> None:
    with pytest.raises(ValueError):
        GuildShards(count, ids)


@pytest.mark.parametrize(("env", "expected"), [
    ({}, ALL_GUILDS),
    ({"PEERBOT_BOT__SHARDS": "auto"}, ALL_GUILDS),
    ({"PEERBOT_BOT__SHARD_COUNT": "4"}, ALL_GUILDS),
    ({"PEERBOT_BOT__SHARD_COUNT": "4", "PEERBOT_BOT__SHARD_IDS": "1,3"}, GuildShards(4, frozenset({1, 3}))),
])
def test_the_settings_say_which_guilds_this_process_serves(env, expected) -> None:
    assert guild_shards(load_settings(env=env).bot) == expected


# -- the retention purge ---------------------------------------------------------------------------

async def test_each_process_purges_only_its_own_guilds(services, clock) -> None:
    for guild_id in (GUILD_0, GUILD_1):
        record = await services.aliases.ensure(guild_id, 7000 + guild_id % 7)
        await services.flags.raise_flag(guild_id, "crisis", record.pseudonym, record.alias, detail="old")
    later = ManualClock(clock.now() + timedelta(days=60))
    first = DataRights(services.db, later, 30, shards=GuildShards(2, frozenset({0})))
    assert (await first.purge_if_due()).get("flags") == 1
    assert [f.guild_id for f in await services.flags.list(GUILD_1, ["open"], 10)] == [GUILD_1]
    assert await services.flags.list(GUILD_0, ["open"], 10) == []
    assert await first.purge_if_due() == {}  # once a day
    second = DataRights(services.db, later, 30, shards=GuildShards(2, frozenset({1})))
    assert (await second.purge_if_due()).get("flags") == 1  # its own day, its own guilds
    assert await services.flags.list(GUILD_1, ["open"], 10) == []


# -- several processes on one database -------------------------------------------------------------

async def _guild_with_members(services, guild_id: int, members: int) -> tuple[int, str, str]:
    """A server with a group of `members` who agreed to check-ins and a daily 19:00 check-in; one member's
    (guild, pseudonym, alias), to raise flags for."""
    await services.guilds.update(guild_id, moderator_role_id=1, mod_log_channel_id=2, region="UK",
                                 timezone="Europe/London")
    group = await services.groups.create(guild_id, "Evening Circle", "A gentle evening group", "postnatal depression",
                                         actor=MOD)
    first = None
    for n in range(members):
        record = await services.aliases.ensure(guild_id, 900_000 + guild_id % 1000 * 100 + n)
        await services.groups.join(guild_id, group.id, record.pseudonym)
        await services.checkins.set_consent(guild_id, record.user_id, "checkins", True)
        first = first or record
    await services.checkins.schedules.create(guild_id, "Evening Circle", "phq9", "0 19 * * *", None, actor=MOD)
    assert first is not None
    return guild_id, first.pseudonym, first.alias


def _race(plans: list[Plan]) -> list[dict]:
    """Run each plan in its own OS process, all starting each round together; every delivery recorded."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(plans))
    processes = [context.Process(target=work, args=(plan, barrier), name=plan.name) for plan in plans]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=600)
    assert [p.exitcode for p in processes] == [0] * len(plans), "a racing process failed (see its stderr)"
    return [json.loads(line) for plan in plans if plan.out.exists()
            for line in plan.out.read_text(encoding="utf-8").splitlines()]


def _worker_env(env: dict[str, str], **settings: str) -> dict[str, str]:
    # Reminders fall due after 30 h: each round (a day) is then exactly one check-in per member.
    return {**env, "PEERBOT_CHECKINS__SEND_RATE_PER_SECOND": "50", "PEERBOT_CHECKINS__REMINDER_HOURS": "30",
            "PEERBOT_BOT__LOG_LEVEL": "WARNING",
            **{f"PEERBOT_BOT__{key.upper()}": value for key, value in settings.items()}}


ROUNDS = 10
MEMBERS = 12  # a full group (groups.default_size)
FLAGS_PER_ROUND = 2


async def test_two_processes_racing_deliver_every_check_in_and_alert_once(settings, clock, env, tmp_path) -> None:
    async with open_services(settings, clock, env=env) as services:
        raiser = await _guild_with_members(services, GUILD_0, MEMBERS)
    worker_env = _worker_env(env)
    plans = [Plan("a", worker_env, FIRST_ROUND, DAY, ROUNDS, tmp_path / "a.jsonl", [raiser], FLAGS_PER_ROUND),
             Plan("b", worker_env, FIRST_ROUND, DAY, ROUNDS, tmp_path / "b.jsonl")]
    lines = _race(plans)

    dms = Counter((line["user"], line["round"]) for line in lines if line["kind"] == "dm")
    assert len(dms) == MEMBERS * ROUNDS, "every member gets each round's check-in"
    assert [key for key, count in dms.items() if count > 1] == [], "duplicate check-in deliveries"
    alerts = Counter(line["text"] for line in lines if line["kind"] in ("alert", "escalate", "mod_log"))
    assert [text.splitlines()[0] for text, count in alerts.items() if count > 1] == [], "double alerts"
    names = {"escalate": "escalation", "mod_log": "escalated"}  # the lead's message, and the log's note of it
    kinds = Counter("realert" if line["text"].startswith("🔁") else names.get(line["kind"], line["kind"])
                    for line in lines if line["kind"] != "dm")
    raised = FLAGS_PER_ROUND * ROUNDS
    # Each flag: its alert in its round, one re-alert in each later round, one escalation the next round.
    assert kinds == {"alert": raised, "realert": FLAGS_PER_ROUND * sum(range(ROUNDS)),
                     "escalation": raised - FLAGS_PER_ROUND, "escalated": raised - FLAGS_PER_ROUND}


async def test_each_process_does_only_its_own_shards_guilds_work(settings, clock, env, tmp_path) -> None:
    rounds, members = 3, 5
    async with open_services(settings, clock, env=env) as services:
        raisers = [await _guild_with_members(services, guild_id, members) for guild_id in (GUILD_0, GUILD_1)]
    plans = [Plan(f"shard{shard}", _worker_env(env, shard_count="2", shard_ids=str(shard)), FIRST_ROUND, DAY, rounds,
                  tmp_path / f"shard{shard}.jsonl", raisers if shard == 0 else [], 1) for shard in (0, 1)]
    lines = _race(plans)

    served = {(line["process"], line["guild"]) for line in lines}
    assert served == {("shard0", GUILD_0), ("shard1", GUILD_1)}
    for guild_id in (GUILD_0, GUILD_1):
        mine = [line for line in lines if line["guild"] == guild_id]
        assert sum(line["kind"] == "dm" for line in mine) == members * rounds
        first_alerts = [line for line in mine if line["kind"] == "alert" and not line["text"].startswith("🔁")]
        assert len(first_alerts) == rounds  # one flag a round
        messages = [line["text"] for line in mine if line["kind"] != "dm"]
        assert len(set(messages)) == len(messages)

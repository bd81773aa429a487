"""A small server for cog tests: a moderator, a moderator log, one anonymous group with its channel and role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from unittest.mock import MagicMock

import discord
import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.client import PeerBot, discover_extensions
from tests.helpers import (
    RecordingNotifier,
    make_guild,
    make_interaction,
    make_member,
    make_role,
    make_text_channel,
    make_webhook,
)


@dataclass
class World:
    bot: PeerBot
    guild: Any
    mod_role: Any
    moderator: Any
    notifier: RecordingNotifier
    roles: dict[int, Any] = field(default_factory=dict)
    channels: dict[int, Any] = field(default_factory=dict)
    members: dict[int, Any] = field(default_factory=dict)
    group: Any = None
    channel: Any = None
    group_role: Any = None

    def member(self, name: str = "member", *, roles: tuple[Any, ...] = ()) -> Any:
        member = make_member(guild=self.guild, name=name, roles=roles)
        self.members[member.id] = member
        return member

    def interaction(self, user: Any, channel: Any = None) -> Any:
        return make_interaction(self.bot, user, guild=self.guild, channel=channel)

    def add_channel(self, name: str) -> Any:
        channel = make_text_channel(guild=self.guild, name=name)
        channel.webhooks.return_value = []
        channel.create_webhook.side_effect = lambda **kwargs: make_webhook()
        channel.get_partial_message.return_value = MagicMock(spec_set=discord.PartialMessage)
        self.channels[channel.id] = channel
        return channel

    def add_role(self, name: str) -> Any:
        role = make_role(name=name)
        self.roles[role.id] = role
        return role

    async def add_group(self, name: str, *, size: int = 12, mode: str = "anonymous") -> Any:
        channel = self.add_channel(name.lower().replace(" ", "-"))
        role = self.add_role(name)
        group = await self.bot.services.groups.create(
            self.guild.id, name, "For mums after a difficult birth", "birth trauma", size_limit=size, mode=mode,
            channel_id=channel.id, role_id=role.id, actor="m" * 64)
        return group, channel, role

    async def join(self, member: Any, group: Any = None) -> Any:
        group = group or self.group
        joined = await self.bot.services.membership.join(self.guild.id, member.id, group.id)
        return joined.alias


@pytest.fixture
async def world(bot: PeerBot, monkeypatch: pytest.MonkeyPatch) -> World:
    guild = make_guild()
    mod_role = make_role(name="Moderators")
    notifier = RecordingNotifier()
    bot.notifier = notifier  # type: ignore[assignment]
    w = World(bot, guild, mod_role, None, notifier)
    w.roles[mod_role.id] = mod_role
    w.moderator = w.member("moderator", roles=(mod_role,))
    guild.get_role.side_effect = w.roles.get
    guild.get_channel.side_effect = w.channels.get
    guild.get_member.side_effect = w.members.get
    monkeypatch.setattr(bot, "get_channel", w.channels.get)
    monkeypatch.setattr(bot, "get_guild", {guild.id: guild}.get)  # her server is in the cache (its shard runs here)
    await bot.services.guilds.update(guild.id, moderator_role_id=mod_role.id, mod_log_channel_id=999)
    w.group, w.channel, w.group_role = await w.add_group("Night feeds")
    return w


@pytest.fixture
async def framing_bot(framing_services: Any) -> AsyncIterator[PeerBot]:
    """A bot with the framing model (the session's one classifier); a module uses it as its `bot`."""
    instance = PeerBot(framing_services, AsyncIOScheduler())
    for extension in discover_extensions():
        await instance.load_extension(extension)
    yield instance
    for extension in list(instance.extensions):
        await instance.unload_extension(extension)


@pytest.fixture
def hook(world: World) -> Any:
    """The group channel's relay webhook, recording what is posted."""
    hook = make_webhook()
    world.channel.create_webhook.side_effect = None
    world.channel.create_webhook.return_value = hook
    return hook

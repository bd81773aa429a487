"""The simulated server: one moderator, two anonymous groups and an open one, members who join on first use."""

from __future__ import annotations

import dataclasses
import itertools
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.clock import ManualClock
from bot.core.aliases import AliasRecord
from bot.core.errors import UserError
from bot.core.groups import Group
from bot.core.notify import Note
from bot.sandbox.output import Screen
from bot.services import Services, open_services
from bot.settings import Settings

GUILD_ID = 900_000_000_000_000_001
MODERATOR_ROLE_ID = 900_000_000_000_000_002
MOD_LOG_CHANNEL_ID = 900_000_000_000_000_003
GROUP_CHANNEL_ID = 900_000_000_000_000_004
GROUP_ROLE_ID = 900_000_000_000_000_005
MODERATOR_USER_ID = 900_000_000_000_000_010
FIRST_MEMBER_ID = 900_000_000_000_001_000
MOD = "mod"
OWNER = "owner"  # the server owner: the default safeguarding lead alerts escalate to
GROUP_NAME = "Night owls"
GROUP_CHANNEL = "night-owls"
# The other groups: (name, channel, mode, description). Channel and role ids follow GROUP_ROLE_ID.
OTHER_GROUPS = (
    ("Early days", "early-days", "anonymous", "For mums in the first weeks after birth"),
    ("Open room", "open-room", "open", "An open group: members write in the channel as themselves"),
)


@dataclass
class SandboxMember:
    name: str
    user_id: int
    dms_open: bool = True


@dataclass
class World:
    services: Services
    clock: ManualClock
    screen: Screen
    group: Group
    groups: dict[str, Group] = field(default_factory=dict)  # by channel name, the default group first
    members: dict[str, SandboxMember] = field(default_factory=dict)
    names_by_id: dict[int, str] = field(default_factory=dict)
    # In memory only, as in Discord: words waiting on a choice, and each member's last own message
    # (for edits), by member name (casefolded). Filled by bot/sandbox/commands/groups.py.
    holding: dict[str, Any] = field(default_factory=dict)
    last_words: dict[str, Any] = field(default_factory=dict)

    @property
    def guild_id(self) -> int:
        return GUILD_ID

    def member(self, name: str) -> SandboxMember:
        key = name.casefold()
        if key not in self.members:
            member = SandboxMember(name, FIRST_MEMBER_ID + len(self.members))
            self.members[key] = member
            self.names_by_id[member.user_id] = name
        return self.members[key]

    def user_id(self, person: str) -> int:
        return MODERATOR_USER_ID if person == MOD else self.member(person).user_id

    def pseudonym(self, person: str) -> str:
        return self.services.aliases.pseudonym(GUILD_ID, self.user_id(person))

    async def alias(self, person: str) -> AliasRecord:
        return await self.services.aliases.ensure(GUILD_ID, self.user_id(person))

    def name_of(self, user_id: int) -> str:
        return MOD if user_id == MODERATOR_USER_ID else self.names_by_id.get(user_id, f"user-{user_id}")

    def ephemeral(self, person: str, note: Note) -> None:
        self.screen.show(f"ephemeral:{person}", note, person=person)

    def channel(self, note: Note, channel: str = GROUP_CHANNEL) -> None:
        self.screen.show(f"#{channel}", note)

    def group_in(self, channel: str | None) -> Group:
        """The group whose channel is `channel` (without #), or the default group for None."""
        if channel is None:
            return self.group
        group = self.groups.get(channel.lstrip("#").lower())
        if group is None:
            raise UserError(f"There is no group channel #{channel.lstrip('#')} here. Channels: "
                            + ", ".join(f"#{name}" for name in self.groups))
        return group

    def channel_name(self, channel_id: int | None) -> str:
        return next((name for name, group in self.groups.items() if group.channel_id == channel_id), GROUP_CHANNEL)


_alert_ids = itertools.count(960_000_000_000_000_001)


class SandboxNotifier:
    """Delivers core Notes to the terminal, exactly as the Discord notifier would send them."""

    def __init__(self, world_ref: list[World]) -> None:
        self._world_ref = world_ref

    async def send_dm(self, guild_id: int, user_id: int, note: Note) -> bool:
        world = self._world_ref[0]
        name = world.name_of(user_id)
        if name != MOD and not world.member(name).dms_open:
            return False
        world.screen.show(f"dm:{name}", note, person=name)
        return True

    async def send_group(self, guild_id: int, channel_id: int, note: Note) -> bool:
        world = self._world_ref[0]
        world.channel(note, world.channel_name(channel_id))
        return True

    async def send_mod_log(self, guild_id: int, note: Note) -> bool:
        self._world_ref[0].screen.show("#mod-log", note, person=MOD)
        return True

    async def send_alert(self, guild_id: int, note: Note, *, mention: bool) -> int | None:
        shown = Note(f"@Moderators {note.text}", note.choices) if mention else note
        await self.send_mod_log(guild_id, shown)
        return next(_alert_ids)

    async def edit_alert(self, guild_id: int, message_id: int, note: Note) -> bool:
        world = self._world_ref[0]
        world.screen.show("#mod-log edited", note, person=MOD)
        return True

    async def escalate(self, guild_id: int, note: Note) -> str | None:
        self._world_ref[0].screen.show(f"dm:{OWNER}", note)
        return "the server owner by DM"


def sandbox_settings(settings: Settings, data_dir: Path) -> Settings:
    bot_settings = dataclasses.replace(
        settings.bot, data_dir=data_dir, secret_key_file=data_dir / "sandbox-secret.key", log_file=Path("sandbox.log")
    )
    return dataclasses.replace(settings, bot=bot_settings)


@asynccontextmanager
async def open_world(
    settings: Settings, screen: Screen, data_dir: Path | None = None, classifier: object | None = None
) -> AsyncIterator[World]:
    """A fresh simulated server in its own database and key (a temporary folder unless given)."""
    with tempfile.TemporaryDirectory(prefix="peerbot-sandbox-") as scratch:
        folder = data_dir or Path(scratch)
        clock = ManualClock()
        # The sandbox never reads PEERBOT_SECRET_KEY: it has its own key beside its own database.
        async with open_services(sandbox_settings(settings, folder), clock, env={},
                                 classifier=classifier) as services:  # type: ignore[arg-type]
            await services.guilds.update(GUILD_ID, moderator_role_id=MODERATOR_ROLE_ID,
                                         mod_log_channel_id=MOD_LOG_CHANNEL_ID, region="UK")
            existing = await services.groups.by_channel(GUILD_ID, GROUP_CHANNEL_ID)
            moderator = services.aliases.pseudonym(GUILD_ID, MODERATOR_USER_ID)
            group = existing or await services.groups.create(
                GUILD_ID, GROUP_NAME, "A small group for mums who are awake and struggling at night",
                services.groups.focus_options[0], channel_id=GROUP_CHANNEL_ID, role_id=GROUP_ROLE_ID,
                actor=moderator,
            )
            groups = {GROUP_CHANNEL: group}
            for offset, (name, channel, mode, description) in enumerate(OTHER_GROUPS, 1):
                channel_id, role_id = GROUP_ROLE_ID + 2 * offset - 1, GROUP_ROLE_ID + 2 * offset
                groups[channel] = await services.groups.by_channel(GUILD_ID, channel_id) or \
                    await services.groups.create(GUILD_ID, name, description, services.groups.focus_options[0],
                                                 mode=mode, channel_id=channel_id, role_id=role_id, actor=moderator)
            yield World(services, clock, screen, group, groups)

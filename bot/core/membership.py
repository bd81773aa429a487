"""A member joining, leaving and choosing a group to post in (by pseudonym; alias made on first join)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import member_notes
from bot.core.aliases import AliasRecord, AliasService
from bot.core.errors import UserError
from bot.core.groups import Group, GroupService
from bot.core.restrictions import Restrictions


@dataclass(frozen=True)
class Joined:
    group: Group
    alias: AliasRecord


class MembershipService:
    def __init__(self, aliases: AliasService, groups: GroupService, restrictions: Restrictions) -> None:
        self._aliases = aliases
        self._groups = groups
        self._restrictions = restrictions

    async def open_groups(self, guild_id: int) -> list[Group]:
        return [g for g in await self._groups.list(guild_id) if g.channel_id is not None]

    async def check_can_join(self, guild_id: int, user_id: int, group_id: int) -> Group:
        """Before showing the agreement: the group exists, is open, she isn't kept out of it by a
        moderator's removal (until /mod allow), she isn't in it, and it has a free place."""
        group = await self._groups.get(guild_id, group_id)
        if group.archived:
            raise UserError(f"“{group.name}” has closed. /join shows the groups that are open.")
        pseudonym = self._aliases.pseudonym(guild_id, user_id)
        await self._restrictions.check_can_join(group, pseudonym)
        if await self._groups.is_member(group.id, pseudonym):
            raise UserError(f"You're already in “{group.name}”. 💛")
        if group.free_places <= 0:  # no agreement and no Accept button for a group that is full
            raise await self._groups.full_error(guild_id, group)
        return group

    async def join(self, guild_id: int, user_id: int, group_id: int) -> Joined:
        """She accepted the agreement: give her an alias (kept if she has one) and a place in the group."""
        await self.check_can_join(guild_id, user_id, group_id)
        alias = await self._aliases.ensure(guild_id, user_id)
        group = await self._groups.join(guild_id, group_id, alias.pseudonym)
        return Joined(group, alias)

    async def undo_join(self, guild_id: int, user_id: int, group_id: int) -> None:
        """The Discord side of a join failed: take her place back out so nothing half-done remains."""
        pseudonym = self._aliases.pseudonym(guild_id, user_id)
        if await self._groups.is_member(group_id, pseudonym):
            await self._groups.leave(guild_id, group_id, pseudonym)

    async def my_groups(self, guild_id: int, user_id: int) -> list[Group]:
        return await self._groups.groups_of(guild_id, self._aliases.pseudonym(guild_id, user_id))

    async def pick(self, guild_id: int, user_id: int, name: str | None, channel_id: int | None) -> Group:
        """Which of her groups she means: by name, else the channel she is in, else her only group."""
        mine = await self.my_groups(guild_id, user_id)
        if not mine:
            raise UserError("You're not in a group yet. Use /join to find one. 💛")
        if name:
            for group in mine:
                if group.name.casefold() == " ".join(name.split()).casefold():
                    return group
            raise UserError(f"You're not in a group called “{name.strip()[:60]}”. Your groups: "
                            f"{', '.join(g.name for g in mine)}.")
        if channel_id is not None:
            for group in mine:
                if group.channel_id == channel_id:
                    return group
        if len(mine) == 1:
            return mine[0]
        raise UserError(f"You're in several groups ({', '.join(g.name for g in mine)}): please choose one with the "
                        "group option.")

    async def leave(self, guild_id: int, user_id: int, name: str | None, channel_id: int | None) -> Group:
        """Leave the named group, else the one whose channel she is in, else her only group. After she has
        left, /leave says so plainly and never falls through to another of her groups."""
        mine = await self.my_groups(guild_id, user_id)
        if not name and channel_id is not None:
            here = await self._groups.by_channel(guild_id, channel_id)
            if here is not None and all(group.id != here.id for group in mine):
                raise UserError(member_notes.not_in(here))
        if not mine:
            raise UserError(member_notes.NOTHING_TO_LEAVE)
        group = await self.pick(guild_id, user_id, name, channel_id)
        return await self._groups.leave(guild_id, group.id, self._aliases.pseudonym(guild_id, user_id))

    async def dm_targets(self, user_id: int) -> list[tuple[AliasRecord, Group]]:
        """Every anonymous group she can post to by DM, in any server she has an alias in."""
        found: list[tuple[AliasRecord, Group]] = []
        for alias in await self._aliases.everywhere(user_id):
            for group in await self._groups.groups_of(alias.guild_id, alias.pseudonym):
                if group.mode == "anonymous" and group.channel_id is not None:
                    found.append((alias, group))
        return found

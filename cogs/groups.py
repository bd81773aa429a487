"""Moderators: /group create, list, edit, archive. The bot makes and guards each group's channel and role."""

from __future__ import annotations

import logging
import re
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import PeerBot
from bot.core.agreement import WELCOME_NOT_PINNED, WELCOME_NOT_POSTED, welcome_text
from bot.core.errors import UserError
from bot.core.groups import Group
from bot.core.notify import Note
from bot.discord_ui import clip, send_note
from cogs._checks import MODERATOR_PERMISSIONS, actor_pseudonym, is_moderator
from cogs._perms import forbidden_text

log = logging.getLogger(__name__)

REASON = "Peer-support group set-up"
NEEDED = ("manage_roles", "manage_channels")


def channel_name(name: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", name.casefold()).strip("-")[:90] or "group"


def member_overwrite(mode: str) -> discord.PermissionOverwrite:
    """Members read and react; in anonymous groups they post only through the bot (/share or DM)."""
    return discord.PermissionOverwrite(view_channel=True, read_message_history=True, add_reactions=True,
                                       use_application_commands=True, send_messages=mode == "open")


def group_overwrites(guild: discord.Guild, role: discord.Role, moderator_role: discord.Role | None, mode: str
                     ) -> dict[discord.Role | discord.Member, discord.PermissionOverwrite]:
    overwrites: dict[discord.Role | discord.Member, discord.PermissionOverwrite] = {
        guild.default_role: discord.PermissionOverwrite(view_channel=False),
        role: member_overwrite(mode),
        guild.me: discord.PermissionOverwrite(view_channel=True, send_messages=True, manage_webhooks=True,
                                              manage_messages=True, read_message_history=True),
    }
    if moderator_role is not None:
        overwrites[moderator_role] = discord.PermissionOverwrite(view_channel=True, send_messages=True,
                                                                 read_message_history=True, manage_messages=True)
    return overwrites


def describe(group: Group) -> str:
    state = "archived" if group.archived else f"{group.member_count}/{group.size_limit} members"
    channel = f" · <#{group.channel_id}>" if group.channel_id and not group.archived else ""
    return f"**{group.name}** · {group.focus} · {group.mode} · {state}{channel}\n{group.description}"


async def undo(made: list[discord.Role | discord.TextChannel]) -> None:
    """Delete what a half-done /group create made, newest first; what cannot be deleted is logged."""
    for thing in reversed(made):
        kind = "channel" if isinstance(thing, discord.TextChannel) else "role"
        try:
            await thing.delete(reason="Group set-up did not finish")
        except discord.HTTPException:
            log.warning("Could not delete the %s %s left by an unfinished /group create: please delete it by hand",
                        kind, thing.id)


async def pin_welcome(guild: discord.Guild, channel: discord.TextChannel, group: Group) -> str | None:
    """Post and pin the welcome with the group agreement; what went wrong, in words for the moderator."""
    try:
        message = await channel.send(clip(welcome_text(group)))
    except discord.Forbidden:
        return WELCOME_NOT_POSTED.format(why=forbidden_text(guild, channel, ("send_messages",), "post there"))
    except discord.HTTPException as exc:
        log.warning("Could not post the welcome in channel %s: %s", channel.id, exc)
        return WELCOME_NOT_POSTED.format(why="Discord did not accept the message; please try again later.")
    try:
        await message.pin(reason="Group agreement")
    except discord.Forbidden:
        return WELCOME_NOT_PINNED.format(why=forbidden_text(guild, channel, ("manage_messages",), "pin it"))
    except discord.HTTPException as exc:  # e.g. the channel already has the most pins Discord allows
        log.warning("Could not pin the welcome in channel %s: %s", channel.id, exc)
        return WELCOME_NOT_PINNED.format(why="Discord did not allow the pin.")
    return None


@app_commands.guild_only()
@app_commands.default_permissions(MODERATOR_PERMISSIONS)
class GroupsCog(commands.GroupCog, group_name="group", group_description="Create and look after peer groups"):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot
        self.services = bot.services
        super().__init__()

    async def focus_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=f, value=f) for f in self.services.groups.focus_options
                if current.casefold() in f.casefold()][:25]

    async def group_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild is None:
            return []
        return [app_commands.Choice(name=g.name, value=g.name) for g in await self.services.groups.list(
            interaction.guild.id) if current.casefold() in g.name.casefold()][:25]

    @app_commands.command(name="create", description="Create a peer group with its own private channel")
    @app_commands.describe(name="The group's name", description="What the group is for, in a sentence",
                           focus="The lived experience the group shares", size="Most members (default 12)",
                           mode="anonymous: members post through the bot under aliases; open: directly")
    @is_moderator()
    async def create(self, interaction: discord.Interaction, name: str, description: str, focus: str,
                     size: int | None = None, mode: Literal["anonymous", "open"] = "anonymous") -> None:
        guild = interaction.guild
        assert guild is not None
        await self.services.groups.check_new(guild.id, name, description, focus, size)
        config = await self.services.guilds.get(guild.id)
        moderator_role = guild.get_role(config.moderator_role_id or 0)
        await interaction.response.defer(ephemeral=True, thinking=True)
        # Discord first, the group row last; if anything fails or is interrupted (a restart) part-way,
        # what was made in Discord is deleted again, unless the row was written after all.
        made: list[discord.Role | discord.TextChannel] = []
        try:
            role = await guild.create_role(name=" ".join(name.split())[:100], reason=REASON)
            made.append(role)
            channel = await guild.create_text_channel(
                channel_name(name), overwrites=group_overwrites(guild, role, moderator_role, mode),
                topic=" ".join(description.split())[:1024], reason=REASON)
            made.append(channel)
            group = await self.services.groups.create(guild.id, name, description, focus, size_limit=size, mode=mode,
                                                      channel_id=channel.id, role_id=role.id,
                                                      actor=actor_pseudonym(interaction))
        except BaseException as exc:
            if not await self._was_recorded(guild.id, name, made):
                await undo(made)
            if isinstance(exc, discord.Forbidden):
                raise UserError(forbidden_text(guild, None, NEEDED, "create the group's role and channel")) from None
            raise
        problem = await pin_welcome(guild, channel, group)
        text = "Group created.\n" + describe(group) + (f"\n\n⚠️ {problem}" if problem else "")
        await send_note(interaction, Note(text), ephemeral=True)

    async def _was_recorded(self, guild_id: int, name: str, made: list[discord.Role | discord.TextChannel]) -> bool:
        """Whether the group row for the channel just made was written before the interruption."""
        channel = next((thing for thing in made if isinstance(thing, discord.TextChannel)), None)
        if channel is None:
            return False
        try:
            group = await self.services.groups.by_name(guild_id, name)
        except Exception:  # not there, or the database is already closed
            return False
        return group.channel_id == channel.id

    create.autocomplete("focus")(focus_choices)

    @app_commands.command(name="list", description="List every group, with members and state")
    @is_moderator()
    async def list_groups(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        groups = await self.services.groups.list(interaction.guild.id, include_archived=True)
        text = "\n\n".join(describe(g) for g in groups) if groups else "No groups yet: /group create makes one."
        await send_note(interaction, Note(text), ephemeral=True)

    @app_commands.command(name="edit", description="Change a group's name, description, focus, size or mode")
    @app_commands.describe(group="The group to change", name="New name", description="New description",
                           focus="New focus", size="New size limit", mode="anonymous or open")
    @is_moderator()
    async def edit(self, interaction: discord.Interaction, group: str, name: str | None = None,
                   description: str | None = None, focus: str | None = None, size: int | None = None,
                   mode: Literal["anonymous", "open"] | None = None) -> None:
        guild = interaction.guild
        assert guild is not None
        current = await self.services.groups.by_name(guild.id, group)
        edited = await self.services.groups.edit(guild.id, current.id, actor=actor_pseudonym(interaction), name=name,
                                                 description=description, focus=focus, size_limit=size, mode=mode)
        note = "Saved.\n" + describe(edited)
        channel = guild.get_channel(edited.channel_id or 0)
        role = guild.get_role(edited.role_id or 0)
        try:
            if isinstance(channel, discord.TextChannel):
                if edited.name != current.name or edited.description != current.description:
                    await channel.edit(name=channel_name(edited.name), topic=edited.description, reason=REASON)
                if edited.mode != current.mode and role is not None:
                    await channel.set_permissions(role, overwrite=member_overwrite(edited.mode), reason=REASON)
        except discord.Forbidden:
            note += "\n" + forbidden_text(guild, channel if isinstance(channel, discord.TextChannel) else None,
                                          ("manage_channels", "manage_roles"), "update the group's channel")
        await send_note(interaction, Note(note), ephemeral=True)

    edit.autocomplete("group")(group_choices)
    edit.autocomplete("focus")(focus_choices)

    @app_commands.command(name="archive", description="Close a group: members lose access, moderators keep it")
    @app_commands.describe(group="The group to close", reason="Why (recorded in the audit log)")
    @is_moderator()
    async def archive(self, interaction: discord.Interaction, group: str, reason: str) -> None:
        guild = interaction.guild
        assert guild is not None
        current = await self.services.groups.by_name(guild.id, group)
        archived = await self.services.groups.archive(guild.id, current.id, actor=actor_pseudonym(interaction),
                                                      reason=reason)
        note = f"“{archived.name}” is archived; its members have been let go kindly."
        role = guild.get_role(archived.role_id or 0)
        try:
            if role is not None:
                await role.delete(reason="Peer-support group archived")
        except discord.Forbidden:
            note += "\n" + forbidden_text(guild, None, ("manage_roles",), "delete the group's role") + \
                " Until then, please remove the role by hand."
        await send_note(interaction, Note(note), ephemeral=True)

    archive.autocomplete("group")(group_choices)


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(GroupsCog(bot))

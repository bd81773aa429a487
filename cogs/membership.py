"""Members: /join (groups, optionally those for her focus first; agreement, Accept / Not now), /leave,
/alias show and /alias new."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import PeerBot
from bot.core import member_notes
from bot.core.agreement import agreement_note
from bot.core.errors import UserError
from bot.core.groups import Group, GroupFull
from bot.core.notify import Note
from bot.discord_ui import send_note
from cogs._perms import forbidden_text

log = logging.getLogger(__name__)

ROLE_REASON = "Peer-support group membership"


class Membership(commands.Cog):
    alias = app_commands.Group(name="alias", description="The alias you post under in the groups", guild_only=True)

    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot
        self.services = bot.services

    async def cog_load(self) -> None:
        self.bot.route_choice("join", self.on_join_choice)

    async def cog_unload(self) -> None:
        self.bot.choice_handlers.pop("join", None)

    @app_commands.command(name="join", description="See the peer-support groups and join one")
    @app_commands.describe(focus="Optional, private: what you're living with, to see the groups for it first "
                                 "(not stored)")
    @app_commands.guild_only()
    async def join(self, interaction: discord.Interaction, focus: str | None = None) -> None:
        # Her focus only orders this one private reply: it is not stored, logged or passed on.
        assert interaction.guild is not None
        groups = await self.services.membership.open_groups(interaction.guild.id)
        note = member_notes.join_list(groups, focus, self.services.groups.focus_options)
        await send_note(interaction, note, ephemeral=True)

    @join.autocomplete("focus")
    async def focus_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=option, value=option) for option in self.services.groups.focus_options
                if current.casefold() in option.casefold()][:25]

    async def on_join_choice(self, interaction: discord.Interaction, rest: str) -> None:
        action, _, number = rest.partition(":")
        if action not in ("view", "accept", "later") or not number.isdigit():
            raise UserError("This button is not recognised any more. Please use /join.")
        if interaction.guild is None or not isinstance(interaction.user, discord.Member):
            raise UserError("Please use /join inside the server.")
        guild_id, group_id = interaction.guild.id, int(number)
        if action == "later":
            await send_note(interaction, member_notes.not_now(), ephemeral=True)
        elif action == "view":
            try:
                group = await self.services.membership.check_can_join(guild_id, interaction.user.id, group_id)
            except GroupFull as full:
                await send_note(interaction, member_notes.group_full(full), ephemeral=True)
                return
            await send_note(interaction, agreement_note(group), ephemeral=True)
        else:
            await self.accept(interaction, interaction.user, group_id)

    async def accept(self, interaction: discord.Interaction, member: discord.Member, group_id: int) -> None:
        guild = member.guild
        try:
            joined = await self.services.membership.join(guild.id, member.id, group_id)
        except GroupFull as full:
            await send_note(interaction, member_notes.group_full(full), ephemeral=True)
            return
        role = guild.get_role(joined.group.role_id or 0)
        try:
            if role is None:
                raise UserError("missing role")
            await member.add_roles(role, reason=ROLE_REASON)
        except (discord.Forbidden, UserError) as exc:
            await self.services.membership.undo_join(guild.id, member.id, group_id)
            await self._tell_moderators(guild, joined.group, exc)
            raise UserError("I couldn't add you to the group just now, so nothing has changed. The moderators have "
                            "been told; please try again a little later. 💛") from None
        await send_note(interaction, member_notes.welcome(joined.group, joined.alias), ephemeral=True)

    async def _tell_moderators(self, guild: discord.Guild, group: Group, error: Exception) -> None:
        if isinstance(error, discord.Forbidden):
            text = forbidden_text(guild, None, ("manage_roles",), f"give a member the role of “{group.name}”")
        else:
            text = f"The role of group “{group.name}” is missing, so nobody can join it. Please recreate the group."
        await self.bot.notifier.send_mod_log(guild.id, Note(text))

    @app_commands.command(name="leave", description="Leave one of your groups")
    @app_commands.describe(group="Which of your groups (if you're in more than one)")
    @app_commands.guild_only()
    async def leave(self, interaction: discord.Interaction, group: str | None = None) -> None:
        assert interaction.guild is not None and isinstance(interaction.user, discord.Member)
        left = await self.services.membership.leave(interaction.guild.id, interaction.user.id, group,
                                                    interaction.channel_id)
        role = interaction.guild.get_role(left.role_id or 0)
        if role is not None:
            try:
                await interaction.user.remove_roles(role, reason=ROLE_REASON)
            except discord.Forbidden as exc:
                await self._tell_moderators(interaction.guild, left, exc)
        await send_note(interaction, member_notes.left(left), ephemeral=True)

    @leave.autocomplete("group")
    async def my_group_names(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild is None:
            return []
        mine = await self.services.membership.my_groups(interaction.guild.id, interaction.user.id)
        return [app_commands.Choice(name=g.name, value=g.name) for g in mine
                if current.casefold() in g.name.casefold()][:25]

    @alias.command(name="show", description="See the alias you post under")
    async def alias_show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        record = await self.services.aliases.for_user(interaction.guild.id, interaction.user.id)
        if record is None:
            raise UserError("You don't have an alias yet: join a group with /join and you'll get one.")
        await send_note(interaction, member_notes.alias_show(record), ephemeral=True)

    @alias.command(name="new", description="Choose a new alias (your first one right away, then once a day)")
    async def alias_new(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        record = await self.services.aliases.reroll(interaction.guild.id, interaction.user.id)
        await send_note(interaction, member_notes.alias_new(record), ephemeral=True)


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(Membership(bot))

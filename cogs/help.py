"""/help: the members' commands for everyone, and the moderators' too for those who can moderate.

The list is read from the registered app commands (so it never goes stale); the wording is in bot/core/help.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import PeerBot
from bot.core.help import Audience, CommandInfo, help_notes
from bot.discord_ui import send_note
from cogs._checks import MODERATOR_PERMISSIONS


def audience_of(command: app_commands.Command | app_commands.ContextMenu) -> Audience:
    """Whom a command is for, from the permissions it is registered with (set on its top-level group)."""
    root = (command.root_parent or command) if isinstance(command, app_commands.Command) else command
    permissions = root.default_permissions
    if permissions is None or permissions.value == 0:
        return "member"
    return "admin" if permissions.manage_guild else "moderator"


def registered_commands(tree: app_commands.CommandTree) -> list[CommandInfo]:
    found = [CommandInfo(command.qualified_name, command.description, audience_of(command))
             for command in tree.walk_commands() if isinstance(command, app_commands.Command)]
    found += [CommandInfo(menu.name, "", audience_of(menu), menu=True)
              for menu in tree.get_commands(type=discord.AppCommandType.message)
              if isinstance(menu, app_commands.ContextMenu)]
    return found


class HelpCog(commands.Cog):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot

    async def can_moderate(self, interaction: discord.Interaction) -> bool:
        """Moderators: the server's moderator role, or the permissions moderator commands are listed to."""
        if interaction.guild is None or not isinstance(interaction.user, discord.Member):
            return False
        if interaction.permissions.is_superset(MODERATOR_PERMISSIONS):
            return True
        config = await self.bot.services.guilds.get(interaction.guild.id)
        return any(role.id == config.moderator_role_id for role in interaction.user.roles)

    @app_commands.command(name="help", description="What I can do for you, in plain words (only you see it)")
    async def help_command(self, interaction: discord.Interaction) -> None:
        moderator = await self.can_moderate(interaction)
        for note in help_notes(registered_commands(self.bot.tree), moderator=moderator):
            await send_note(interaction, note, ephemeral=True)


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(HelpCog(bot))

"""Autocomplete for moderator commands: a server's aliases and groups, shown only to moderators."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from cogs._checks import member_is_moderator

if TYPE_CHECKING:
    from bot.client import PeerBot

MAX_CHOICES = 25  # Discord shows at most 25 suggestions


async def _is_moderator(interaction: discord.Interaction) -> bool:
    try:
        return await member_is_moderator(interaction)
    except app_commands.AppCommandError:
        return False


async def alias_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """The server's aliases matching what was typed (`/mod warn alias:` …); nothing for non-moderators.

    Use on a command's `alias` option: `warn.autocomplete("alias")(alias_choices)`."""
    if interaction.guild is None or not await _is_moderator(interaction):
        return []
    bot: PeerBot = interaction.client  # type: ignore[assignment]
    aliases = await bot.services.aliases.search(interaction.guild.id, current, limit=MAX_CHOICES)
    return [app_commands.Choice(name=alias, value=alias) for alias in aliases]


async def group_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """The server's open (not archived) groups whose name contains what was typed."""
    if interaction.guild is None or not await _is_moderator(interaction):
        return []
    bot: PeerBot = interaction.client  # type: ignore[assignment]
    groups = await bot.services.groups.list(interaction.guild.id)
    return [app_commands.Choice(name=g.name, value=g.name) for g in groups
            if current.casefold() in g.name.casefold()][:MAX_CHOICES]

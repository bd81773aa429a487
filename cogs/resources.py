"""/resources show and /resources region: the crisis lines she is shown, and her own region for them.

The core (bot/core/regions.py) holds the choice and the wording; this cog only translates. Replies
are ephemeral: only she sees them.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import PeerBot
from bot.core.notify import Note
from bot.discord_ui import send_note
from cogs._autocomplete import MAX_CHOICES


@app_commands.guild_only()
class Resources(commands.GroupCog, group_name="resources",
                group_description="Crisis lines and support services, for the region you choose"):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="show", description="Show your crisis lines and which region they are for")
    async def show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        services = self.bot.services
        pseudonym = services.aliases.pseudonym(interaction.guild.id, interaction.user.id)
        text = await services.regions.describe(interaction.guild.id, pseudonym)
        await send_note(interaction, Note(text), ephemeral=True)

    @app_commands.command(name="region", description="Choose the region of your crisis lines (the server's by default)")
    @app_commands.describe(region="A region, or “server” to use the server's again")
    async def region(self, interaction: discord.Interaction, region: str) -> None:
        assert interaction.guild is not None
        services = self.bot.services
        pseudonym = services.aliases.pseudonym(interaction.guild.id, interaction.user.id)
        text = await services.regions.choose(interaction.guild.id, pseudonym, region)
        await send_note(interaction, Note(text), ephemeral=True)

    @region.autocomplete("region")
    async def region_choices(self, interaction: discord.Interaction,
                             current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=name, value=value)
                for name, value in self.bot.services.regions.search(current, limit=MAX_CHOICES)]


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(Resources(bot))

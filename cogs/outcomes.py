"""/mytrends (a member's own chart, ephemeral) and /outcomes (moderators' group summaries)."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import PeerBot
from bot.discord_ui import DISCORD_LIMIT, clip
from cogs._checks import MODERATOR_PERMISSIONS, is_moderator

SUMMARY_FILE = "group-outcomes.md"


class OutcomesCog(commands.Cog):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot

    @app_commands.command(name="mytrends", description="See your own check-in scores over time (only you see it)")
    @app_commands.describe(instrument="Only this questionnaire, e.g. PHQ-9 (leave empty for all of yours)")
    @app_commands.guild_only()
    async def mytrends(self, interaction: discord.Interaction, instrument: str | None = None) -> None:
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        services = self.bot.services
        pseudonym = services.aliases.pseudonym(interaction.guild.id, interaction.user.id)
        trends = await services.outcomes.my_trends(interaction.guild.id, pseudonym, instrument)
        text = clip(trends.note.text)
        if trends.png is None:
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.followup.send(text, file=discord.File(io.BytesIO(trends.png), filename="my-trends.png",
                                                                  description=trends.alt_text),
                                            ephemeral=True)

    @mytrends.autocomplete("instrument")
    async def instrument_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        typed = current.lower()
        return [app_commands.Choice(name=name, value=instrument_id)
                for instrument_id, name in self.bot.services.outcomes.instrument_names()
                if typed in name.lower() or typed in instrument_id][:25]

    @app_commands.command(name="outcomes", description="Moderators: how each group is doing (small groups hidden)")
    @app_commands.guild_only()
    @app_commands.default_permissions(MODERATOR_PERMISSIONS)
    @is_moderator()
    async def outcomes(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await self.bot.services.outcomes.group_outcomes(interaction.guild.id)
        files = []
        if result.png is not None:
            files.append(discord.File(io.BytesIO(result.png), filename="group-outcomes.png",
                                      description=result.alt_text))
        text = result.text
        if len(text) > DISCORD_LIMIT:
            files.append(discord.File(io.BytesIO(text.encode()), filename=SUMMARY_FILE))
            text = clip(text, DISCORD_LIMIT - 60) + f"\n(The full summary is in {SUMMARY_FILE}.)"
        await interaction.followup.send(text, files=files, ephemeral=True)


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(OutcomesCog(bot))

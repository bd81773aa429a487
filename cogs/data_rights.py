"""/mydata and /forget-me: a member sees, and can erase, everything kept about her."""

from __future__ import annotations

import io
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import PeerBot
from bot.core.data_rights import forget_cancelled, forget_prompt
from bot.core.errors import UserError
from bot.core.my_data import my_data
from bot.discord_ui import clip, send_note

log = logging.getLogger(__name__)

class DataRightsCog(commands.Cog):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.route_choice("forget", self.on_forget_choice)

    async def cog_unload(self) -> None:
        self.bot.choice_handlers.pop("forget", None)

    @app_commands.command(name="mydata",
                          description="See a summary and get a file of everything the bot keeps about you here")
    @app_commands.guild_only()
    async def mydata(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        services = self.bot.services
        pseudonym = services.aliases.pseudonym(interaction.guild.id, interaction.user.id)
        data = await my_data(services.data_rights, services.groups, interaction.guild.id, pseudonym)
        await interaction.response.send_message(
            clip(data.summary),
            file=discord.File(io.BytesIO(data.payload), filename=data.filename),
            ephemeral=True,
        )

    @app_commands.command(name="forget-me", description="Erase everything the bot keeps about you here")
    @app_commands.guild_only()
    async def forget_me(self, interaction: discord.Interaction) -> None:
        await send_note(interaction, forget_prompt(), ephemeral=True)

    async def on_forget_choice(self, interaction: discord.Interaction, rest: str) -> None:
        if interaction.guild is None:
            raise UserError("Please use /forget-me inside the server.")
        if rest == "cancel":
            await send_note(interaction, forget_cancelled(), ephemeral=True)
            return
        if rest != "confirm":
            raise UserError("This button is not recognised any more. Please run /forget-me again.")
        services = self.bot.services
        pseudonym = services.aliases.pseudonym(interaction.guild.id, interaction.user.id)
        groups = await services.groups.groups_of(interaction.guild.id, pseudonym)
        report = await services.data_rights.forget(interaction.guild.id, pseudonym)
        if isinstance(interaction.user, discord.Member):
            roles = [interaction.guild.get_role(g.role_id) for g in groups if g.role_id]
            try:
                await interaction.user.remove_roles(*(r for r in roles if r is not None), reason="member erased data")
            except discord.HTTPException:
                log.warning("Could not remove group roles after an erasure in guild %s", interaction.guild.id)
        await send_note(interaction, report.note(), ephemeral=True)


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(DataRightsCog(bot))

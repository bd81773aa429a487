"""/mydata and /forget-me: a member sees, and can erase, everything kept about her."""

from __future__ import annotations

import io
import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import PeerBot
from bot.core.errors import UserError
from bot.core.notify import Choice, Note
from bot.discord_ui import send_note

log = logging.getLogger(__name__)

FORGET_WARNING = (
    "This erases everything the bot keeps about you in this server: your alias, your groups, your "
    "check-in answers and scores, and the record of your posts. It can't be undone, and you'll leave "
    "your groups. Your posts already in the channels stay unless you /unshare them first."
)


class DataRightsCog(commands.Cog):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.route_choice("forget", self.on_forget_choice)

    async def cog_unload(self) -> None:
        self.bot.choice_handlers.pop("forget", None)

    @app_commands.command(name="mydata", description="Get a file of everything the bot keeps about you here")
    @app_commands.guild_only()
    async def mydata(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        pseudonym = self.bot.services.aliases.pseudonym(interaction.guild.id, interaction.user.id)
        payload = await self.bot.services.data_rights.export_json(interaction.guild.id, pseudonym)
        await interaction.response.send_message(
            "Here is everything the bot keeps about you in this server. Your posts' text is never stored.",
            file=discord.File(io.BytesIO(payload), filename="my-peer-support-data.json"),
            ephemeral=True,
        )

    @app_commands.command(name="forget-me", description="Erase everything the bot keeps about you here")
    @app_commands.guild_only()
    async def forget_me(self, interaction: discord.Interaction) -> None:
        note = Note(FORGET_WARNING, (Choice("forget:confirm", "Erase my data", "danger"),
                                     Choice("forget:cancel", "Keep it")))
        await send_note(interaction, note, ephemeral=True)

    async def on_forget_choice(self, interaction: discord.Interaction, rest: str) -> None:
        if interaction.guild is None:
            raise UserError("Please use /forget-me inside the server.")
        if rest == "cancel":
            await send_note(interaction, Note("Nothing was erased. 💛"), ephemeral=True)
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
        message = "Done: everything the bot kept about you here has been erased." if report.total else (
            "There was nothing stored about you here, so there was nothing to erase.")
        await send_note(interaction, Note(message + " Take care of yourself. 💛"), ephemeral=True)


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(DataRightsCog(bot))

"""Acknowledge and Resolve buttons on moderator-log alerts (they work after restarts)."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.client import PeerBot
from bot.core.errors import UserError
from bot.core.flags import state_note
from bot.discord_ui import note_view, send_note
from cogs._checks import NotModerator, member_is_moderator


class FlagButtons(commands.Cog):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.route_choice("flag", self.on_flag_choice)

    async def cog_unload(self) -> None:
        self.bot.choice_handlers.pop("flag", None)

    async def on_flag_choice(self, interaction: discord.Interaction, rest: str) -> None:
        action, _, number = rest.partition(":")
        if action not in ("ack", "resolve") or not number.isdigit():
            raise UserError("This button is not recognised any more. Please use /mod flags.")
        try:
            await member_is_moderator(interaction)
        except NotModerator as exc:
            raise UserError(exc.message) from None
        assert interaction.guild is not None
        moderator = self.bot.services.aliases.pseudonym(interaction.guild.id, interaction.user.id)
        flags = self.bot.services.flags
        if action == "ack":
            flag = await flags.acknowledge(interaction.guild.id, int(number), moderator, "acknowledged from alert")
        else:
            flag = await flags.resolve(interaction.guild.id, int(number), moderator, "resolved from alert")
        note = flags.render(flag)
        status = f"\n✅ {flag.state.capitalize()} by {interaction.user.mention}"
        view = note_view(note)
        await interaction.response.edit_message(content=note.text + status, view=view)
        await send_note(interaction, state_note(flag), ephemeral=True)


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(FlagButtons(bot))

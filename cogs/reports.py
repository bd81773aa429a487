"""The "Report to moderators" message command: a reason category, a flag, an alert. The reporter stays unknown."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import PeerBot
from bot.core import member_notes
from bot.core.errors import UserError
from bot.core.reports import REPORT_REASONS, ReportedMessage

log = logging.getLogger(__name__)

REPORT_PROMPT = ("Thank you for looking out for the group. What's the concern? Only the moderators see reports, "
                 "and never who made them.")


class ReasonSelect(discord.ui.Select["ReportView"]):
    def __init__(self) -> None:
        options = [discord.SelectOption(label=label, value=key) for key, label in REPORT_REASONS.items()]
        super().__init__(placeholder="What's the concern?", custom_id="report-reason", options=options)

    async def callback(self, interaction: discord.Interaction) -> None:
        assert self.view is not None
        await self.view.submit(interaction, self.values[0])


class ReportView(discord.ui.View):
    """Short-lived and in memory: it knows which message is reported, and nothing about who reports it."""

    def __init__(self, cog: Reports, message: ReportedMessage) -> None:
        super().__init__(timeout=600)
        self.cog = cog
        self.message = message
        self.add_item(ReasonSelect())

    async def submit(self, interaction: discord.Interaction, category: str) -> None:
        self.stop()
        try:
            await self.cog.file_report(self.message, category)
        except UserError as exc:
            await interaction.response.edit_message(content=exc.message, view=None)
            return
        await interaction.response.edit_message(content=member_notes.report_thanks().text, view=None)


class Reports(commands.Cog):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(name="Report to moderators", callback=self.report_message)
        self.menu.guild_only = True

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def report_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        if interaction.guild is None:
            raise UserError("Reports work inside a server.")
        reported = ReportedMessage(
            guild_id=interaction.guild.id, message_id=message.id, channel_id=message.channel.id,
            jump_url=message.jump_url, author_id=None if message.webhook_id is not None else message.author.id,
            author_is_bot=message.webhook_id is None and message.author.bot,
        )
        await interaction.response.send_message(REPORT_PROMPT, view=ReportView(self, reported), ephemeral=True)

    async def file_report(self, message: ReportedMessage, category: str) -> None:
        await self.bot.services.reports.report(message, category, self.bot.notifier)


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(Reports(bot))

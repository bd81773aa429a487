"""Moderators' side of check-ins: schedule, list, status (counts only), send-now, cancel."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import PeerBot
from bot.core.checkins.cadence import CADENCES, POSTNATAL_PREFIX
from bot.core.checkins.messages import cancelled_note
from bot.core.notify import Note
from bot.discord_ui import send_note
from cogs import _checkin_jobs
from cogs._checks import MODERATOR_PERMISSIONS, actor_pseudonym, is_moderator


@app_commands.guild_only()
@app_commands.default_permissions(MODERATOR_PERMISSIONS)
class CheckinAdmin(commands.GroupCog, group_name="checkins",
                   group_description="Moderators: schedule check-in questionnaires for groups"):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="schedule", description="Schedule a questionnaire for a group")
    @app_commands.describe(
        group="The group's name",
        instrument="Which questionnaire, e.g. phq9",
        cadence="weekly, fortnightly, monthly, postnatal:2,6,12 (weeks after birth), or cron like “0 19 * * MON”",
        time="Time of day, e.g. 19:00 or 7pm: the server's time zone (postnatal: each member's own)",
    )
    @is_moderator()
    async def schedule(self, interaction: discord.Interaction, group: str, instrument: str, cadence: str,
                       time: str | None = None) -> None:
        assert interaction.guild is not None
        checkins = self.bot.services.checkins
        created = await checkins.schedules.create(interaction.guild.id, group, instrument, cadence, time,
                                                  actor=actor_pseudonym(interaction))
        _checkin_jobs.arm(self.bot, created)
        await send_note(interaction, checkins.schedules.scheduled_note(created), ephemeral=True)

    @schedule.autocomplete("group")
    async def group_autocomplete(self, interaction: discord.Interaction,
                                 current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild is None:
            return []
        groups = await self.bot.services.groups.list(interaction.guild.id)
        return [app_commands.Choice(name=g.name, value=g.name) for g in groups
                if current.casefold() in g.name.casefold()][:25]

    @schedule.autocomplete("instrument")
    async def instrument_autocomplete(self, interaction: discord.Interaction,
                                      current: str) -> list[app_commands.Choice[str]]:
        choices = []
        for instrument in sorted(self.bot.services.instruments.values(), key=lambda i: i.id):
            label = instrument.short_name + ("" if instrument.can_be_sent else " (needs licensed text)")
            if current.casefold() in (instrument.id + label).casefold():
                choices.append(app_commands.Choice(name=label, value=instrument.id))
        return choices[:25]

    @schedule.autocomplete("cadence")
    async def cadence_autocomplete(self, interaction: discord.Interaction,
                                   current: str) -> list[app_commands.Choice[str]]:
        typed = current.strip().lower()
        if typed.startswith(POSTNATAL_PREFIX[:4]):
            value = typed if any(ch.isdigit() for ch in typed) else "postnatal:2,6,12"
            return [app_commands.Choice(name=f"{value} (weeks after birth)"[:100], value=value[:100])]
        return [app_commands.Choice(name=c, value=c) for c in (*CADENCES, "postnatal:2,6,12") if c.startswith(typed)]

    @app_commands.command(name="list", description="List the check-in schedules in this server")
    @is_moderator()
    async def list_schedules(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        text = await self.bot.services.checkins.schedules.describe_list(interaction.guild.id)
        await send_note(interaction, Note(text), ephemeral=True)

    @app_commands.command(name="status", description="Completion rates per group (never anyone's answers)")
    @is_moderator()
    async def status(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        text = await self.bot.services.checkins.describe_status(interaction.guild.id)
        await send_note(interaction, Note(text), ephemeral=True)

    @app_commands.command(name="send-now", description="Send a group's next check-in now")
    @app_commands.describe(group="The group's name")
    @is_moderator()
    async def send_now(self, interaction: discord.Interaction, group: str) -> None:
        assert interaction.guild is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        note = await self.bot.services.checkins.send_now(interaction.guild.id, group, self.bot.notifier,
                                                         actor=actor_pseudonym(interaction))
        await send_note(interaction, note, ephemeral=True)

    @send_now.autocomplete("group")
    async def send_now_group_autocomplete(self, interaction: discord.Interaction,
                                          current: str) -> list[app_commands.Choice[str]]:
        return await self.group_autocomplete(interaction, current)

    @app_commands.command(name="cancel", description="Cancel a check-in schedule")
    @app_commands.describe(schedule="The schedule's number from /checkins list")
    @is_moderator()
    async def cancel(self, interaction: discord.Interaction, schedule: int) -> None:
        assert interaction.guild is not None
        cancelled = await self.bot.services.checkins.schedules.cancel(interaction.guild.id, schedule,
                                                                      actor=actor_pseudonym(interaction))
        _checkin_jobs.disarm(self.bot, cancelled.job_id)
        await send_note(interaction, cancelled_note(cancelled.id), ephemeral=True)


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(CheckinAdmin(bot))

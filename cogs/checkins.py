"""Members' side of check-ins: /consent, /checkin …, and the questionnaire and consent buttons.

The questionnaire arrives in DMs; in the server everything is ephemeral (only she sees it).
Buttons are routed by prefix ("ci", "consent") so they keep working after a restart.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import PeerBot
from bot.core.checkins import buttons
from bot.core.checkins.prefs_input import timezone_choices
from bot.core.checkins.sessions import Step
from bot.core.consent import CONSENT_PREFIX
from bot.core.notify import Note
from bot.discord_ui import clip, note_view, send_note, send_to
from cogs import _checkin_jobs

log = logging.getLogger(__name__)


def _in_server(interaction: discord.Interaction) -> bool:
    return interaction.guild is not None


@app_commands.guild_only()
class Checkins(commands.GroupCog, group_name="checkin", group_description="Your own check-in questionnaires"):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.route_choice(buttons.PREFIX, self.on_checkin_choice)
        self.bot.route_choice(CONSENT_PREFIX, self.on_consent_choice)
        armed = await _checkin_jobs.arm_all(self.bot)
        log.info("Armed %d check-in schedule(s)", armed)

    async def cog_unload(self) -> None:
        self.bot.choice_handlers.pop(buttons.PREFIX, None)
        self.bot.choice_handlers.pop(CONSENT_PREFIX, None)
        _checkin_jobs.disarm_all(self.bot)

    # -- slash commands -----------------------------------------------------------------------------

    @app_commands.command(name="now", description="Take your waiting check-in now, privately")
    async def now(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        note = await self.bot.services.checkins.take_now(interaction.guild.id, interaction.user.id)
        await send_note(interaction, note, ephemeral=True)

    @app_commands.command(name="pause", description="Pause your check-ins until you resume them")
    async def pause(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        note = await self.bot.services.checkins.pause(interaction.guild.id, interaction.user.id)
        await send_note(interaction, note, ephemeral=True)

    @app_commands.command(name="resume", description="Turn your check-ins back on")
    async def resume(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        note = await self.bot.services.checkins.resume(interaction.guild.id, interaction.user.id)
        await send_note(interaction, note, ephemeral=True)

    @app_commands.command(name="snooze", description="Hold your check-ins for a few hours")
    @app_commands.describe(hours="How many hours to wait (1 to 72)")
    async def snooze(self, interaction: discord.Interaction, hours: app_commands.Range[int, 1, 72] = 24) -> None:
        assert interaction.guild is not None
        note = await self.bot.services.checkins.snooze(interaction.guild.id, interaction.user.id, hours)
        await send_note(interaction, note, ephemeral=True)

    @app_commands.command(name="settings", description="Your time zone and quiet hours for check-ins")
    @app_commands.describe(
        timezone="Your time zone or nearest city, e.g. London, New York, Sydney",
        quiet_start="Start of your quiet hours, e.g. 10pm or 22:00 (or “off”)",
        quiet_end="End of your quiet hours, e.g. 7am or 07:00",
    )
    async def settings(self, interaction: discord.Interaction, timezone: str | None = None,
                       quiet_start: str | None = None, quiet_end: str | None = None) -> None:
        assert interaction.guild is not None
        note = await self.bot.services.checkins.configure(interaction.guild.id, interaction.user.id,
                                                          timezone=timezone, quiet_start=quiet_start,
                                                          quiet_end=quiet_end)
        await send_note(interaction, note, ephemeral=True)

    @app_commands.command(name="baby", description="Optional: your baby's birth week or due week, for check-ins "
                                                    "timed from the birth")
    @app_commands.describe(
        when="e.g. 3 weeks ago, born 3 Nov, 2026-11-03, due in 5 weeks, or clear (leave empty to see it)",
    )
    async def baby(self, interaction: discord.Interaction, when: str | None = None) -> None:
        assert interaction.guild is not None
        note = await self.bot.services.checkins.baby.command(interaction.guild.id, interaction.user.id, when)
        await send_note(interaction, note, ephemeral=True)

    @settings.autocomplete("timezone")
    async def timezone_autocomplete(self, interaction: discord.Interaction,
                                    current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=zone.replace("_", " "), value=zone) for zone in timezone_choices(current)]

    # -- buttons ------------------------------------------------------------------------------------

    async def _show(self, interaction: discord.Interaction, step: Step) -> None:
        """Close the clicked message's buttons, then show what comes next in the same place."""
        await interaction.response.edit_message(view=None)
        for note in step.notes:
            await send_note(interaction, note, ephemeral=_in_server(interaction))

    async def on_checkin_choice(self, interaction: discord.Interaction, rest: str) -> None:
        step = await self.bot.services.checkins.press(rest, interaction.user.id, self.bot.notifier)
        await self._show(interaction, step)

    async def on_consent_choice(self, interaction: discord.Interaction, rest: str) -> None:
        server_id = interaction.guild.id if interaction.guild is not None else None
        outcome = await self.bot.services.checkins.press_consent(rest, interaction.user.id, server_id=server_id)
        await interaction.response.edit_message(content=clip(outcome.note.text), view=note_view(outcome.note))
        if outcome.checkin is None:
            return
        in_server = _in_server(interaction)
        notes = await self.bot.services.checkins.first_questionnaire(
            outcome.checkin, in_server=in_server, send_dm=lambda note: self._dm(interaction, note))
        for note in notes:
            await send_note(interaction, note, ephemeral=in_server)

    @staticmethod
    async def _dm(interaction: discord.Interaction, note: Note) -> bool:
        try:
            await send_to(interaction.user, note)
        except discord.Forbidden:
            return False
        except discord.HTTPException:
            log.warning("Could not DM a check-in in guild %s", getattr(interaction.guild, "id", None))
            return False
        return True


class Consent(commands.Cog):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot

    @app_commands.command(name="consent", description="See or change your check-in and research choices")
    @app_commands.guild_only()
    async def consent(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        note = await self.bot.services.checkins.consent_note(interaction.guild.id, interaction.user.id)
        await send_note(interaction, note, ephemeral=True)


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(Checkins(bot))
    await bot.add_cog(Consent(bot))

"""Moderator controls for the framing features (/framing), the weekly digest's switch and preview
(/framing digest) and members' nudge switch (/nudges)."""

from __future__ import annotations

import logging
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import PeerBot
from bot.core.errors import UserError
from bot.core.framing.moderator_text import describe_settings, render_stats, try_note
from bot.core.framing.nudges import NUDGES_OFF_TEXT, NUDGES_ON_TEXT
from bot.core.framing.service import FramingService
from bot.core.groups import Group
from bot.core.notify import Note
from bot.discord_ui import send_note
from cogs import _digest_jobs
from cogs._checks import MODERATOR_PERMISSIONS, actor_pseudonym, is_moderator

log = logging.getLogger(__name__)


def _framing(bot: PeerBot) -> FramingService:
    if bot.services.framing is None:
        raise UserError("The framing model isn't running on this bot right now, so this isn't available.")
    return bot.services.framing


@app_commands.guild_only()
@app_commands.default_permissions(MODERATOR_PERMISSIONS)
class FramingCog(commands.GroupCog, group_name="framing",
                 group_description="How the bot nudges toward common humanity in each group"):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot
        self.services = bot.services
        super().__init__()

    async def cog_load(self) -> None:
        armed = await _digest_jobs.arm_all(self.bot)
        log.info("Armed the weekly digest of %d group(s)", armed)

    async def cog_unload(self) -> None:
        _digest_jobs.disarm_all(self.bot)

    async def _group(self, interaction: discord.Interaction, name: str) -> Group:
        assert interaction.guild is not None
        return await self.services.groups.by_name(interaction.guild.id, name)

    async def group_choices(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild is None:
            return []
        return [app_commands.Choice(name=g.name, value=g.name) for g in await self.services.groups.list(
            interaction.guild.id) if current.casefold() in g.name.casefold()][:25]

    @app_commands.command(name="mode", description="Choose how a group's members are nudged")
    @app_commands.describe(group="The group", mode="off; private: a DM after the post; reflect: a pause before /share")
    @is_moderator()
    async def mode(self, interaction: discord.Interaction, group: str,
                   mode: Literal["off", "private", "reflect"]) -> None:
        framing = _framing(self.bot)
        chosen = await self._group(interaction, group)
        config = await framing.set_mode(chosen.guild_id, chosen.id, mode, actor=actor_pseudonym(interaction))
        await send_note(interaction, Note("Saved.\n" + describe_settings(chosen.name, config)), ephemeral=True)

    @app_commands.command(name="threshold", description="Set how sure the model must be before a nudge")
    @app_commands.describe(group="The group", value="A probability between 0 and 1, e.g. 0.6 (higher: fewer nudges)")
    @is_moderator()
    async def threshold(self, interaction: discord.Interaction, group: str, value: float) -> None:
        framing = _framing(self.bot)
        chosen = await self._group(interaction, group)
        config = await framing.set_threshold(chosen.guild_id, chosen.id, value, actor=actor_pseudonym(interaction))
        await send_note(interaction, Note("Saved.\n" + describe_settings(chosen.name, config)), ephemeral=True)

    @app_commands.command(name="reaction", description="Turn the 💛 reaction to common-humanity posts on or off")
    @app_commands.describe(group="The group", setting="on or off")
    @is_moderator()
    async def reaction(self, interaction: discord.Interaction, group: str, setting: Literal["on", "off"]) -> None:
        framing = _framing(self.bot)
        chosen = await self._group(interaction, group)
        config = await framing.set_reaction(chosen.guild_id, chosen.id, setting == "on",
                                            actor=actor_pseudonym(interaction))
        await send_note(interaction, Note("Saved.\n" + describe_settings(chosen.name, config)), ephemeral=True)

    @app_commands.command(name="stats", description="Posts per framing label and the connection index, by week")
    @app_commands.describe(group="The group")
    @is_moderator()
    async def stats(self, interaction: discord.Interaction, group: str) -> None:
        framing = _framing(self.bot)
        chosen = await self._group(interaction, group)
        config = await framing.group_settings(chosen.guild_id, chosen.id)
        weeks = await framing.weekly_stats(chosen.guild_id, chosen.id)
        await send_note(interaction, Note(describe_settings(chosen.name, config) + "\n\n" +
                                          render_stats(chosen.name, weeks)), ephemeral=True)

    @app_commands.command(name="try", description="See how the model reads a sentence (only you see it)")
    @app_commands.describe(text="Any text; it is not stored, posted or counted")
    @is_moderator()
    async def try_text(self, interaction: discord.Interaction, text: str) -> None:
        await send_note(interaction, await try_note(_framing(self.bot), text), ephemeral=True)

    @app_commands.command(name="digest",
                          description="The weekly “you're not alone” note to a group: on, off or preview")
    @app_commands.describe(group="The group", setting="on or off; preview: see this week's so far (only you)")
    @is_moderator()
    async def digest(self, interaction: discord.Interaction, group: str,
                     setting: Literal["on", "off", "preview"]) -> None:
        digests = self.services.digests
        chosen = await self._group(interaction, group)
        if setting != "preview":
            await digests.set_enabled(chosen.guild_id, chosen.id, setting == "on", actor=actor_pseudonym(interaction))
            if setting == "on":
                _digest_jobs.arm(self.bot, chosen.id, await digests.timezone(chosen.guild_id))
            else:
                _digest_jobs.disarm(self.bot, chosen.id)
        await send_note(interaction, await digests.preview(chosen.guild_id, chosen.id), ephemeral=True)

    mode.autocomplete("group")(group_choices)
    digest.autocomplete("group")(group_choices)
    threshold.autocomplete("group")(group_choices)
    reaction.autocomplete("group")(group_choices)
    stats.autocomplete("group")(group_choices)


class NudgesCog(commands.Cog):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot

    @app_commands.command(name="nudges", description="Turn the bot's gentle private notes after your posts on or off")
    @app_commands.describe(setting="off: no more notes; on: notes again")
    @app_commands.guild_only()
    async def nudges(self, interaction: discord.Interaction, setting: Literal["on", "off"]) -> None:
        assert interaction.guild is not None
        framing = _framing(self.bot)
        pseudonym = self.bot.services.aliases.pseudonym(interaction.guild.id, interaction.user.id)
        await framing.set_nudges(interaction.guild.id, pseudonym, setting == "on")
        text = NUDGES_OFF_TEXT if setting == "off" else NUDGES_ON_TEXT
        await send_note(interaction, Note(text), ephemeral=True)


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(FramingCog(bot))
    await bot.add_cog(NudgesCog(bot))

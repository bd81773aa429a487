"""Server set-up: who moderates, where alerts go, which crisis resources apply, the time zone."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import PeerBot
from bot.core.checkins.prefs_input import timezone_choices
from bot.core.errors import UserError
from bot.core.guilds import REGION_NAMES, GuildConfig, saved_text
from bot.core.notify import Note
from bot.discord_ui import send_note
from cogs import _digest_jobs


def escalation(config: GuildConfig) -> str:
    role = f"<@&{config.escalation_role_id}>" if config.escalation_role_id else None
    channel = f"<#{config.escalation_channel_id}>" if config.escalation_channel_id else None
    if role and channel:
        return f"{role} in {channel}"
    if role:
        return f"{role} in the moderator log"
    return channel or "the server owner, by DM (not set)"


def describe(config: GuildConfig) -> str:
    role = f"<@&{config.moderator_role_id}>" if config.moderator_role_id else "not set"
    channel = f"<#{config.mod_log_channel_id}>" if config.mod_log_channel_id else "not set"
    lines = [
        "**Server set-up**",
        f"Moderator role: {role}",
        f"Moderator log: {channel}",
        f"Crisis resources: {REGION_NAMES[config.region]} ({config.region})",
        f"Default time zone: {config.timezone}",
        f"Safeguarding lead (unacknowledged urgent alerts escalate to): {escalation(config)}",
    ]
    if not config.is_complete:
        lines.append("Still needed: a moderator role and a moderator log channel (/setup configure).")
    return "\n".join(lines)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SetupCog(commands.GroupCog, group_name="setup", group_description="Set up the peer-support bot in this server"):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="configure", description="Set the moderator role, moderator log, region and time zone")
    @app_commands.describe(
        moderator_role="Members with this role can use the moderator tools",
        mod_log="Private channel where alerts and reports are posted",
        region="Which country's crisis resources members are given",
        timezone="The server's time zone: a city (London, New York) or a name like Europe/London",
        safeguarding_role="Who unacknowledged crisis alerts escalate to (default: the server owner, by DM)",
        safeguarding_channel="Where escalated alerts are posted (default: the moderator log, or the owner's DMs)",
    )
    @app_commands.checks.has_permissions(manage_guild=True)
    async def configure(
        self,
        interaction: discord.Interaction,
        moderator_role: discord.Role | None = None,
        mod_log: discord.TextChannel | None = None,
        region: Literal["UK", "IE", "US", "CA", "AU", "other"] | None = None,
        timezone: str | None = None,
        safeguarding_role: discord.Role | None = None,
        safeguarding_channel: discord.TextChannel | None = None,
    ) -> None:
        assert interaction.guild is not None
        if all(value is None for value in (moderator_role, mod_log, region, timezone, safeguarding_role,
                                           safeguarding_channel)):
            raise UserError(
                "Tell me at least one thing to set: a moderator role, a log channel, a region, a time zone or a "
                "safeguarding lead."
            )
        if safeguarding_role is not None and safeguarding_role.is_default():
            raise UserError("The safeguarding lead can't be @everyone: please choose a role only they have.")
        if safeguarding_channel is not None and \
                not safeguarding_channel.permissions_for(interaction.guild.me).send_messages:
            raise UserError(f"I can't post in {safeguarding_channel.mention}. Please let me send messages there, "
                            "then try again.")
        if moderator_role is not None and moderator_role.is_default():
            raise UserError("The moderator role can't be @everyone: please choose a role only moderators have.")
        if mod_log is not None and not mod_log.permissions_for(interaction.guild.me).send_messages:
            raise UserError(f"I can't post in {mod_log.mention}. Please let me send messages there, then try again.")
        config = await self.bot.services.guilds.update(
            interaction.guild.id,
            moderator_role_id=moderator_role.id if moderator_role else None,
            mod_log_channel_id=mod_log.id if mod_log else None,
            region=region,
            timezone=timezone,
            escalation_role_id=safeguarding_role.id if safeguarding_role else None,
            escalation_channel_id=safeguarding_channel.id if safeguarding_channel else None,
        )
        if timezone is not None:  # the weekly digest follows the server's time zone
            await _digest_jobs.arm_guild(self.bot, interaction.guild.id)
        await send_note(interaction, Note(saved_text(config, timezone=timezone) + "\n" + describe(config)),
                        ephemeral=True)

    @configure.autocomplete("timezone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=zone.replace("_", " "), value=zone) for zone in timezone_choices(current)]

    @app_commands.command(name="show", description="Show how the bot is set up in this server")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def show(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        config = await self.bot.services.guilds.get(interaction.guild.id)
        await send_note(interaction, Note(describe(config)), ephemeral=True)


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(SetupCog(bot))

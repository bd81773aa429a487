"""Reusable permission checks for app commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.client import PeerBot


# Discord lists moderator commands only to members with this permission, by default (a server admin
# can change who sees each command in Server Settings → Integrations). It only hides them: the
# moderator role, checked by is_moderator() on every command, is what lets someone use them.
MODERATOR_PERMISSIONS = discord.Permissions(manage_messages=True)


class NotModerator(app_commands.CheckFailure):
    """The member lacks the server's moderator role; the message says who may use the command."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


async def member_is_moderator(interaction: discord.Interaction) -> bool:
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise app_commands.NoPrivateMessage("This command only works inside a server.")
    bot: PeerBot = interaction.client  # type: ignore[assignment]
    config = await bot.services.guilds.get(interaction.guild.id)
    if config.moderator_role_id is None:
        raise NotModerator(
            "No moderator role is set for this server yet: someone with Manage Server can set it with "
            "/setup configure."
        )
    if any(role.id == config.moderator_role_id for role in interaction.user.roles):
        return True
    raise NotModerator("Only moderators (members with the server's moderator role) can use this command.")


def is_moderator() -> object:
    """`@is_moderator()` on an app command: only members with the configured moderator role."""
    return app_commands.check(member_is_moderator)


def actor_pseudonym(interaction: discord.Interaction) -> str:
    """The pseudonym of whoever is acting (moderators are recorded by pseudonym, never by Discord id)."""
    if interaction.guild is None:
        raise app_commands.NoPrivateMessage("This command only works inside a server.")
    bot: PeerBot = interaction.client  # type: ignore[assignment]
    return bot.services.aliases.pseudonym(interaction.guild.id, interaction.user.id)

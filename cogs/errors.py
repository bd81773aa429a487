"""The one error handler for app and prefix commands.

Order: a command's own error handler wins (discord.py calls it first and we skip handled errors);
a core UserError is shown as it is; bad input gets a short explanation; a failed check says who
may use the command; anything else gets a generic apology, with the traceback only in the log.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import PeerBot
from bot.core.errors import UserError
from bot.core.notify import Note
from bot.discord_ui import send_note
from cogs._checks import NotModerator

log = logging.getLogger(__name__)

GENERIC_APOLOGY = "Sorry, something went wrong on my side. Nothing was changed; please try again in a moment."


def message_for_app_error(error: app_commands.AppCommandError, command_name: str) -> str:
    original = getattr(error, "original", error)
    if isinstance(original, UserError):
        return original.message
    if isinstance(error, NotModerator):
        return error.message
    if isinstance(error, app_commands.MissingPermissions):
        needed = ", ".join(p.replace("_", " ").replace("guild", "server").title() for p in error.missing_permissions)
        return f"Only members with the {needed} permission can use /{command_name}."
    if isinstance(error, app_commands.BotMissingPermissions):
        needed = ", ".join(p.replace("_", " ").replace("guild", "server").title() for p in error.missing_permissions)
        return f"I need the {needed} permission in this server to do that. Please ask a server admin to add it."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works inside a server."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Please wait {error.retry_after:.0f} seconds before using /{command_name} again."
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't understand “{str(error.value)[:50]}”. Please check the option and try again."
    if isinstance(error, app_commands.CheckFailure):
        return f"You can't use /{command_name} here."
    return GENERIC_APOLOGY


class ErrorHandler(commands.Cog):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot
        self._previous_tree_handler = bot.tree.on_error

    async def cog_load(self) -> None:
        self.bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous_tree_handler  # type: ignore[method-assign]

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        command = interaction.command
        name = command.qualified_name if command is not None else "unknown"
        if command is not None and getattr(command, "on_error", None) is not None:
            return
        message = message_for_app_error(error, name)
        if message == GENERIC_APOLOGY:
            log.error("Command /%s failed", name, exc_info=getattr(error, "original", error))
        try:
            await send_note(interaction, Note(message), ephemeral=True)
        except discord.HTTPException:
            log.warning("Could not tell the member about an error in /%s", name)

    @commands.Cog.listener()
    async def on_command_error(self, ctx: commands.Context[PeerBot], error: commands.CommandError) -> None:
        if ctx.command is not None and ctx.command.has_error_handler():
            return
        if isinstance(error, commands.CommandNotFound):
            return
        original = getattr(error, "original", error)
        if isinstance(original, UserError):
            message = original.message
        elif isinstance(error, commands.UserInputError):
            message = f"That command didn't look right: {error}. Members use the slash commands (type /)."
        elif isinstance(error, commands.NotOwner):
            message = "Only the bot's owner can use that command."
        elif isinstance(error, commands.CheckFailure):
            message = "You don't have permission to use that command."
        else:
            log.error("Command %s failed", ctx.command.qualified_name if ctx.command else "?", exc_info=original)
            message = GENERIC_APOLOGY
        await ctx.send(message)


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(ErrorHandler(bot))

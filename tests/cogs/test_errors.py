import logging

import pytest
from discord import app_commands

from bot.client import PeerBot
from bot.core.errors import UserError
from cogs._checks import NotModerator, member_is_moderator
from cogs.errors import GENERIC_APOLOGY
from tests.helpers import last_reply, make_guild, make_interaction, make_member, make_role


def _command(name: str = "share") -> app_commands.Command:
    async def callback(interaction) -> None:  # pragma: no cover - never called
        return None

    return app_commands.Command(name=name, description="test", callback=callback)


async def test_user_error_is_shown_as_it_is(bot: PeerBot) -> None:
    guild = make_guild()
    interaction = make_interaction(bot, make_member(guild=guild), guild=guild, command=_command())
    error = app_commands.CommandInvokeError(_command(), UserError("That group is full."))
    await bot.tree.on_error(interaction, error)
    assert last_reply(interaction) == {"content": "That group is full.", "ephemeral": True, "view": None,
                                       "embed": None, "file": None}


async def test_unexpected_error_apologises_and_logs_traceback_with_command(bot: PeerBot, caplog) -> None:
    guild = make_guild()
    interaction = make_interaction(bot, make_member(guild=guild), guild=guild, command=_command("share"))
    error = app_commands.CommandInvokeError(_command("share"), ZeroDivisionError("boom"))
    with caplog.at_level(logging.ERROR):
        await bot.tree.on_error(interaction, error)
    assert last_reply(interaction)["content"] == GENERIC_APOLOGY
    assert "/share failed" in caplog.text and "ZeroDivisionError" in caplog.text


async def test_followup_used_when_already_answered(bot: PeerBot) -> None:
    guild = make_guild()
    interaction = make_interaction(bot, make_member(guild=guild), guild=guild, command=_command())
    await interaction.response.defer(ephemeral=True)
    await bot.tree.on_error(interaction, app_commands.CommandInvokeError(_command(), UserError("Kind words.")))
    interaction.followup.send.assert_awaited_once()
    assert interaction.followup.send.call_args.kwargs["content"] == "Kind words."


async def test_is_moderator_says_who_may_use_it(bot: PeerBot) -> None:
    guild = make_guild()
    role = make_role()
    member = make_member(guild=guild)
    interaction = make_interaction(bot, member, guild=guild)
    with pytest.raises(NotModerator, match="No moderator role is set"):
        await member_is_moderator(interaction)
    await bot.services.guilds.update(guild.id, moderator_role_id=role.id)
    with pytest.raises(NotModerator, match="Only moderators"):
        await member_is_moderator(interaction)
    moderator = make_member(guild=guild, roles=(role,))
    assert await member_is_moderator(make_interaction(bot, moderator, guild=guild)) is True

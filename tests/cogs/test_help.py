"""/help through the cog: generated from the registered commands, members' view by default, ephemeral."""

from __future__ import annotations

import discord
import pytest
from discord import app_commands

from bot.core.help import LIMIT
from cogs.help import registered_commands
from tests.helpers import invoke, make_member, replies


@pytest.fixture
def cog(bot):
    return bot.get_cog("HelpCog")


def help_for(interaction) -> str:
    sent = replies(interaction)
    assert sent and all(reply["ephemeral"] is True for reply in sent)
    assert all(len(reply["content"]) <= LIMIT for reply in sent)
    return "\n".join(reply["content"] for reply in sent)


def moderator_commands(tree: app_commands.CommandTree) -> list[str]:
    return [c.qualified_name for c in tree.walk_commands()
            if isinstance(c, app_commands.Command) and (c.root_parent or c).default_permissions is not None]


async def test_a_member_sees_every_members_command_and_no_moderator_command(world, cog) -> None:
    interaction = world.interaction(world.member())
    await invoke(cog.help_command, cog, interaction)
    text = help_for(interaction)
    assert text.startswith("**What I can do for you** 💛")
    for name in ("join", "leave", "share", "unshare", "alias new", "checkin settings", "mytrends", "forget-me"):
        assert f"**/{name}**" in text
    assert "**Report to moderators** (long-press or right-click a message, then Apps)" in text
    assert "/join**: See the peer-support groups and join one" in text  # the registered description
    assert "For moderators" not in text
    for name in moderator_commands(world.bot.tree):
        assert f"**/{name}**" not in text


async def test_a_moderator_also_sees_the_moderator_and_admin_commands(world, cog) -> None:
    interaction = world.interaction(world.moderator)
    await invoke(cog.help_command, cog, interaction)
    text = help_for(interaction)
    assert "**For moderators**" in text and "**For server admins** (needs Manage Server)" in text
    assert text.index("**/join**") < text.index("**For moderators**") < text.index("**/mod warn**")
    assert text.index("**For server admins**") < text.index("**/setup configure**")
    for name in moderator_commands(world.bot.tree):
        assert f"**/{name}**" in text, name


async def test_manage_messages_without_the_role_counts_as_a_moderator(world, cog) -> None:
    member = make_member(guild=world.guild, permissions=discord.Permissions(manage_messages=True))
    interaction = world.interaction(member)
    await invoke(cog.help_command, cog, interaction)
    assert "**/mod warn**" in help_for(interaction)


def test_every_registered_command_is_in_the_help(bot) -> None:
    names = {info.name for info in registered_commands(bot.tree)}
    slash = {c.qualified_name for c in bot.tree.walk_commands() if isinstance(c, app_commands.Command)}
    assert slash <= names and "Report to moderators" in names

from collections import Counter

import discord
import pytest
from discord import app_commands

from bot.client import PeerBot, discover_extensions, required_intents
from cogs._checks import MODERATOR_PERMISSIONS, member_is_moderator

# Every top-level command a member must not see in Discord's list, with what hides it.
HIDDEN = {"mod": MODERATOR_PERMISSIONS, "group": MODERATOR_PERMISSIONS, "checkins": MODERATOR_PERMISSIONS,
          "framing": MODERATOR_PERMISSIONS, "outcomes": MODERATOR_PERMISSIONS,
          "setup": discord.Permissions(manage_guild=True)}


def test_extensions_are_discovered_not_listed() -> None:
    extensions = discover_extensions()
    assert "cogs.errors" in extensions and "cogs.setup" in extensions
    assert not any(name.split(".")[-1].startswith("_") for name in extensions)


async def test_every_extension_loads_into_an_unconnected_bot(bot: PeerBot) -> None:
    assert set(bot.extensions) == set(discover_extensions())


def _walk(commands: list) -> list:
    found = []
    for command in commands:
        found.append(command)
        if isinstance(command, app_commands.Group):
            found.extend(_walk(command.commands))
    return found


async def test_no_duplicate_command_names(bot: PeerBot) -> None:
    top = Counter(command.name for command in bot.tree.get_commands())
    assert [name for name, count in top.items() if count > 1] == []
    qualified = Counter(command.qualified_name for command in _walk(bot.tree.get_commands()))
    assert [name for name, count in qualified.items() if count > 1] == []


async def test_every_command_has_a_description(bot: PeerBot) -> None:
    for command in _walk(bot.tree.get_commands()):
        if isinstance(command, app_commands.ContextMenu):
            continue
        assert command.description and command.description != "…", command.qualified_name
        for parameter in getattr(command, "parameters", []):
            assert parameter.description and parameter.description != "…", (
                f"/{command.qualified_name} option {parameter.name} has no description"
            )


def test_intents_cover_the_features() -> None:
    intents = required_intents()
    assert intents.guilds and intents.members and intents.message_content
    assert intents.guild_messages and intents.dm_messages
    assert not intents.presences


def _top_level(bot: PeerBot) -> list:
    return [*bot.tree.get_commands(), *bot.tree.get_commands(type=discord.AppCommandType.message),
            *bot.tree.get_commands(type=discord.AppCommandType.user)]


def _leaves(command: object) -> list:
    if isinstance(command, app_commands.Group):
        return [leaf for child in command.commands for leaf in _leaves(child)]
    return [command]


def _is_moderator_command(command: object) -> bool:
    return any(member_is_moderator in getattr(leaf, "checks", []) for leaf in _leaves(command))


async def test_moderator_commands_are_the_hidden_ones(bot: PeerBot) -> None:
    gated = {command.name for command in _top_level(bot) if _is_moderator_command(command)}
    assert gated == set(HIDDEN) - {"setup"}
    for command in _top_level(bot):
        if command.name in gated:
            assert all(member_is_moderator in leaf.checks for leaf in _leaves(command)), (
                f"/{command.name} mixes member and moderator commands: Discord hides a whole group or none of it")


@pytest.mark.parametrize("name", sorted(HIDDEN))
async def test_moderator_command_is_hidden_from_members(bot: PeerBot, name: str) -> None:
    command = next(command for command in _top_level(bot) if command.name == name)
    payload = command.to_dict(bot.tree)
    assert payload["default_member_permissions"] == HIDDEN[name].value, f"/{name} is shown to every member"


async def test_member_commands_are_shown_to_everyone(bot: PeerBot) -> None:
    shown = [command for command in _top_level(bot) if command.name not in HIDDEN]
    assert {"share", "join", "checkin", "mytrends", "Report to moderators"} <= {c.name for c in shown}
    for command in shown:
        assert command.to_dict(bot.tree).get("default_member_permissions") is None, command.name


async def test_every_alias_option_suggests_the_servers_aliases(bot: PeerBot) -> None:
    with_alias = [leaf for command in _top_level(bot) for leaf in _leaves(command)
                  if any(p.name == "alias" for p in getattr(leaf, "parameters", []))]
    names = {command.qualified_name for command in with_alias}
    assert {"mod warn", "mod timeout", "mod remove", "mod history", "mod reveal"} <= names
    missing = [c.qualified_name for c in with_alias
               if not next(p for p in c.parameters if p.name == "alias").autocomplete]
    assert missing == [], f"no alias autocomplete on /{', /'.join(missing)}"

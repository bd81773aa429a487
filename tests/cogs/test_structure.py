from collections import Counter

from discord import app_commands

from bot.client import PeerBot, discover_extensions, required_intents


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

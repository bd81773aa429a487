"""The full permission matrix: a member without the moderator role is refused by every /mod and /group command."""

import inspect

import discord
import pytest
from discord import app_commands

from tests.helpers import invoke, last_reply


def guarded_commands() -> list[tuple[str, str, str]]:
    from cogs.groups import GroupsCog
    from cogs.moderation import ModerationCog

    found = []
    for cls, prefix in ((GroupsCog, "group"), (ModerationCog, "mod")):
        for attribute, value in inspect.getmembers(cls):
            if isinstance(value, app_commands.Command):
                found.append((cls.__name__, attribute, f"/{prefix} {value.name}"))
    return found


def dummy_kwargs(command: app_commands.Command, alias: str) -> dict:
    kwargs = {}
    for parameter in command.parameters:
        if parameter.type == discord.AppCommandOptionType.integer:
            kwargs[parameter.name] = 5
        elif parameter.name == "alias":
            kwargs[parameter.name] = alias
        else:
            kwargs[parameter.name] = "Night feeds" if parameter.name == "group" else "a reason"
    return kwargs


def test_matrix_covers_every_moderator_command() -> None:
    names = {label for *_, label in guarded_commands()}
    assert names == {"/mod warn", "/mod timeout", "/mod remove", "/mod allow", "/mod delete", "/mod history",
                     "/mod flags", "/mod ack", "/mod resolve", "/mod audit", "/mod reveal", "/mod reveal-result",
                     "/group create", "/group list", "/group edit", "/group archive"}


@pytest.mark.parametrize(("cog_name", "attribute", "label"), guarded_commands())
async def test_non_moderator_is_refused_and_nothing_changes(world, cog_name, attribute, label) -> None:
    cog = world.bot.get_cog(cog_name)
    command = getattr(cog, attribute)
    member = world.member("not a moderator")
    alias = await world.join(member)
    before = await world.bot.services.db.fetchval("SELECT count(*) FROM audit_log")
    interaction = world.interaction(member, world.channel)
    await invoke(command, cog, interaction, **dummy_kwargs(command, alias.alias))
    reply = last_reply(interaction)
    assert reply["ephemeral"] is True
    assert reply["content"] == "Only moderators (members with the server's moderator role) can use this command."
    assert await world.bot.services.db.fetchval("SELECT count(*) FROM audit_log") == before
    assert await world.bot.services.db.fetchval("SELECT count(*) FROM reveal_requests") == 0
    member.timeout.assert_not_called()
    world.guild.create_role.assert_not_called()
    assert world.notifier.mod_log == [] and world.notifier.dms == []

"""Autocomplete on moderator commands: the server's aliases and groups, for moderators only."""

import pytest

from cogs._autocomplete import alias_choices, group_choices
from tests.helpers import make_guild


async def test_alias_choices_match_what_the_moderator_typed(world) -> None:
    alias = (await world.join(world.member("anna"))).alias
    other = (await world.join(world.member("beth"))).alias
    typed = alias.split()[0][:3].upper()
    choices = await alias_choices(world.interaction(world.moderator), typed)
    assert alias in [c.value for c in choices]
    assert all(typed.casefold() in c.value.casefold() for c in choices)
    everyone = await alias_choices(world.interaction(world.moderator), "")
    assert {c.value for c in everyone} == {alias, other}
    assert all(c.name == c.value for c in everyone)


async def add_alias(world, alias: str) -> None:
    user_id = world.member().id
    await world.bot.services.db.execute(
        "INSERT INTO aliases (guild_id, pseudonym, user_id, alias, colour, alias_changed_at, created_at) "
        "VALUES (?, ?, ?, ?, 0, '2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00')",
        (world.guild.id, world.bot.services.aliases.pseudonym(world.guild.id, user_id), user_id, alias))


async def test_aliases_that_start_with_it_come_first(world) -> None:
    for alias in ("Soft Quokka", "Quiet Wren", "Brave Quail", "Calm Heron"):
        await add_alias(world, alias)
    assert await world.bot.services.aliases.search(world.guild.id, "qu") == ["Quiet Wren", "Brave Quail", "Soft Quokka"]


async def test_underscores_and_spacing_are_ignored(world) -> None:
    alias = (await world.join(world.member())).alias
    typed = "  " + alias.replace(" ", "_").upper()
    assert await world.bot.services.aliases.search(world.guild.id, typed) == [alias]


async def test_a_member_without_the_moderator_role_gets_no_aliases(world) -> None:
    member = world.member()
    await world.join(member)
    assert await alias_choices(world.interaction(member), "") == []
    assert await group_choices(world.interaction(member), "") == []


async def test_another_servers_aliases_are_never_listed(world) -> None:
    ours = (await world.join(world.member())).alias
    elsewhere = make_guild()
    theirs = await world.bot.services.aliases.ensure(elsewhere.id, world.member().id)
    choices = [c.value for c in await alias_choices(world.interaction(world.moderator), "")]
    assert ours in choices and theirs.alias not in choices


@pytest.mark.parametrize("limit", [25, 3])
async def test_at_most_the_limit(world, limit) -> None:
    for number in range(30):
        await world.bot.services.aliases.ensure(world.guild.id, 1000 + number)
    assert len(await world.bot.services.aliases.search(world.guild.id, "", limit=limit)) == limit
    assert len(await alias_choices(world.interaction(world.moderator), "")) == 25


async def test_group_choices_list_open_groups(world) -> None:
    choices = await group_choices(world.interaction(world.moderator), "NIGHT")
    assert [c.value for c in choices] == ["Night feeds"]

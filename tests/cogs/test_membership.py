import logging
from datetime import timedelta
from unittest.mock import MagicMock

import discord
import pytest

from tests.helpers import click, invoke, last_reply


@pytest.fixture
def cog(bot):
    return bot.get_cog("Membership")


def forbidden():
    response = MagicMock()
    response.status, response.reason = 403, "Forbidden"
    return discord.Forbidden(response, "Missing Permissions")


async def test_join_lists_groups_and_the_agreement_comes_before_joining(world, cog) -> None:
    member = world.member("ana")
    listing = world.interaction(member)
    await invoke(cog.join, cog, listing)
    reply = last_reply(listing)
    assert "Night feeds" in reply["content"] and "birth trauma" in reply["content"] and "12 places free" in reply[
        "content"]
    view_id = reply["view"].children[0].custom_id
    assert view_id == f"join:view:{world.group.id}"
    shown = world.interaction(member)
    await click(world.bot, shown, view_id)
    agreement = last_reply(shown)
    assert "not a crisis or clinical service" in agreement["content"] and agreement["ephemeral"]
    assert [b.custom_id for b in agreement["view"].children] == [f"join:accept:{world.group.id}",
                                                                 f"join:later:{world.group.id}"]
    assert (await world.bot.services.groups.get(world.guild.id, world.group.id)).member_count == 0


async def test_accept_gives_role_alias_and_a_private_welcome(world, cog) -> None:
    member = world.member("ana")
    accepted = world.interaction(member)
    await click(world.bot, accepted, f"join:accept:{world.group.id}")
    member.add_roles.assert_awaited_once()
    assert member.add_roles.call_args.args[0] is world.group_role
    alias = await world.bot.services.aliases.for_user(world.guild.id, member.id)
    welcome = last_reply(accepted)
    assert alias.alias in welcome["content"] and welcome["ephemeral"] and "/share" in welcome["content"]
    again = world.interaction(member)
    await click(world.bot, again, f"join:accept:{world.group.id}")
    assert "already in" in last_reply(again)["content"]


async def test_not_now_changes_nothing(world, cog) -> None:
    member = world.member()
    interaction = world.interaction(member)
    await click(world.bot, interaction, f"join:later:{world.group.id}")
    assert "whenever you'd like" in last_reply(interaction)["content"]
    assert await world.bot.services.aliases.for_user(world.guild.id, member.id) is None


async def test_full_group_offers_the_others(world, cog) -> None:
    small, _, _ = await world.add_group("Tiny", size=2)
    for _ in range(2):
        await world.join(world.member(), small)
    interaction = world.interaction(world.member())
    await click(world.bot, interaction, f"join:accept:{small.id}")
    reply = last_reply(interaction)
    assert "is full" in reply["content"] and "Night feeds (12 free)" in reply["content"]
    assert [b.custom_id for b in reply["view"].children] == [f"join:view:{world.group.id}"]


async def test_missing_manage_roles_undoes_the_join_and_names_the_permission(world, cog) -> None:
    member = world.member()
    member.add_roles.side_effect = forbidden()
    interaction = world.interaction(member)
    await click(world.bot, interaction, f"join:accept:{world.group.id}")
    assert "nothing has changed" in last_reply(interaction)["content"]
    assert (await world.bot.services.groups.get(world.guild.id, world.group.id)).member_count == 0
    assert "**Manage Roles**" in world.notifier.mod_log[-1][1].text


async def test_leave_removes_role_and_membership(world, cog) -> None:
    member = world.member()
    await world.join(member)
    interaction = world.interaction(member)
    await invoke(cog.leave, cog, interaction)
    member.remove_roles.assert_awaited_once_with(world.group_role, reason="Peer-support group membership")
    assert "You've left" in last_reply(interaction)["content"]
    again = world.interaction(member)
    await invoke(cog.leave, cog, again)
    assert last_reply(again)["content"] == (
        "You're not in any group at the moment, so there's nothing to leave. Whenever you'd like to come back, "
        "/join shows the groups. 💛")
    assert last_reply(again)["ephemeral"] is True
    member.remove_roles.assert_awaited_once()  # nothing more was taken away


async def test_leave_again_in_the_channel_of_a_group_she_left_keeps_her_other_group(world, cog) -> None:
    other, _, _ = await world.add_group("Evenings")
    member = world.member()
    await world.join(member)
    await world.join(member, other)
    await invoke(cog.leave, cog, world.interaction(member, world.channel))
    again = world.interaction(member, world.channel)
    await invoke(cog.leave, cog, again)
    assert last_reply(again)["content"] == (
        "You're not in **Night feeds** now, so there's nothing to leave. You're welcome back any time with /join. 💛")
    mine = await world.bot.services.membership.my_groups(world.guild.id, member.id)
    assert [group.name for group in mine] == ["Evenings"]


async def test_a_full_group_is_listed_without_a_join_button(world, cog) -> None:
    small, _, _ = await world.add_group("Tiny", size=2)
    for _ in range(2):
        await world.join(world.member(), small)
    listing = world.interaction(world.member())
    await invoke(cog.join, cog, listing)
    reply = last_reply(listing)
    assert "**Tiny** · birth trauma · full" in reply["content"]
    assert [b.custom_id for b in reply["view"].children] == [f"join:view:{world.group.id}"]


async def test_when_every_group_is_full_there_are_no_buttons(world, cog) -> None:
    await world.bot.services.groups.edit(world.guild.id, world.group.id, size_limit=2, actor="m" * 64)
    for _ in range(2):
        await world.join(world.member())
    listing = world.interaction(world.member())
    await invoke(cog.join, cog, listing)
    reply = last_reply(listing)
    assert reply["content"].startswith("Every group is full at the moment")
    assert reply["view"] is None


async def test_an_old_view_button_of_a_full_group_shows_no_accept_button(world, cog) -> None:
    small, _, _ = await world.add_group("Tiny", size=2)
    for _ in range(2):
        await world.join(world.member(), small)
    interaction = world.interaction(world.member())
    await click(world.bot, interaction, f"join:view:{small.id}")
    reply = last_reply(interaction)
    assert "“Tiny” is full" in reply["content"]
    assert [b.custom_id for b in reply["view"].children] == [f"join:view:{world.group.id}"]


async def test_alias_show_and_new_once_a_day(world, cog, clock) -> None:
    member = world.member()
    first = await world.join(member)
    shown = world.interaction(member)
    await invoke(cog.alias_show, cog, shown)
    assert first.alias in last_reply(shown)["content"]
    day_one = world.interaction(member)
    await invoke(cog.alias_new, cog, day_one)  # her first alias can be changed on the day she joined
    changed = await world.bot.services.aliases.for_user(world.guild.id, member.id)
    assert changed.alias != first.alias and changed.alias in last_reply(day_one)["content"]
    too_soon = world.interaction(member)
    await invoke(cog.alias_new, cog, too_soon)
    assert "once a day" in last_reply(too_soon)["content"]
    clock.advance(timedelta(hours=25))
    fresh = world.interaction(member)
    await invoke(cog.alias_new, cog, fresh)
    new = await world.bot.services.aliases.for_user(world.guild.id, member.id)
    assert new.alias != changed.alias and new.alias in last_reply(fresh)["content"]


async def test_alias_show_without_a_group(world, cog) -> None:
    interaction = world.interaction(world.member())
    await invoke(cog.alias_show, cog, interaction)
    assert "don't have an alias yet" in last_reply(interaction)["content"]


async def test_after_removal_join_is_refused_kindly_until_a_moderator_allows_it(world, cog) -> None:
    member = world.member("ana")
    alias = await world.join(member)
    services = world.bot.services
    action = await services.moderation.plan_remove(world.guild.id, alias.alias, "Night feeds", "repeated")
    await services.moderation.complete(action, "m" * 64)
    for button in (f"join:view:{world.group.id}", f"join:accept:{world.group.id}"):
        interaction = world.interaction(member)
        await click(world.bot, interaction, button)
        reply = last_reply(interaction)
        assert reply["ephemeral"] and reply["content"] == (
            "You can't rejoin “Night feeds” right now. If you'd like to talk about it, you can message a moderator; "
            "other groups are open to you with /join. 💛")
    member.add_roles.assert_not_called()
    await services.moderation.complete(
        await services.moderation.plan_allow(world.guild.id, alias.alias, "Night feeds", "talked it through"),
        "m" * 64)
    again = world.interaction(member)
    await click(world.bot, again, f"join:accept:{world.group.id}")
    member.add_roles.assert_awaited_once()
    assert "Welcome to **Night feeds**" in last_reply(again)["content"]


async def _rows(world) -> dict[str, list[tuple]]:
    db = world.bot.services.db
    tables = [row[0] for row in await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {table: sorted(tuple(str(v) for v in row) for row in await db.fetchall(f"SELECT * FROM {table}"))
            for table in tables}  # names come from sqlite_master


async def test_join_with_her_focus_lists_those_groups_first(world, cog) -> None:
    worries = await world.bot.services.groups.create(
        world.guild.id, "Worries", "For anxious days", "perinatal anxiety", channel_id=world.add_channel("w").id,
        role_id=world.add_role("Worries").id, actor="m" * 64)
    listing = world.interaction(world.member())
    await invoke(cog.join, cog, listing, focus="perinatal anxiety")
    reply = last_reply(listing)
    assert reply["ephemeral"] and "living with **perinatal anxiety** come first" in reply["content"]
    assert reply["content"].index("**Worries**") < reply["content"].index("**Night feeds**")
    assert [b.custom_id for b in reply["view"].children] == [f"join:view:{worries.id}", f"join:view:{world.group.id}"]


async def test_join_focus_autocomplete_offers_the_servers_focus_list(world, cog) -> None:
    choices = await cog.focus_choices(world.interaction(world.member()), "ANX")
    assert [choice.value for choice in choices] == ["perinatal anxiety"]


async def test_her_focus_is_neither_stored_nor_logged(world, cog, caplog) -> None:
    """Joining after choosing a focus writes exactly what a join without one writes (group_members and
    her alias), and no log record mentions the focus."""
    before = await _rows(world)
    with caplog.at_level(logging.DEBUG):
        listing = world.interaction(world.member("ana"))
        await invoke(cog.join, cog, listing, focus="postnatal depression")
        assert await _rows(world) == before  # the list itself writes nothing
        await click(world.bot, world.interaction(listing.user), f"join:accept:{world.group.id}")
    assert not any("postnatal depression" in record.getMessage() for record in caplog.records)
    with_focus = await _rows(world)
    await click(world.bot, world.interaction(world.member("bea")), f"join:accept:{world.group.id}")
    without_focus = await _rows(world)
    grew = {table for table in before if len(with_focus[table]) != len(before[table])}
    assert "group_members" in grew
    assert grew == {table for table in before if len(without_focus[table]) != len(with_focus[table])}
    assert all(len(with_focus[t]) - len(before[t]) == len(without_focus[t]) - len(with_focus[t]) for t in before)
    assert not any("postnatal depression" in cell for rows in with_focus.values() for row in rows for cell in row)

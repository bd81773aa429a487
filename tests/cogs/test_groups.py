import asyncio
import logging
from unittest.mock import MagicMock

import discord
import pytest

from cogs.errors import GENERIC_APOLOGY
from tests.helpers import invoke, last_reply, make_role, make_text_channel


@pytest.fixture
def cog(bot):
    return bot.get_cog("GroupsCog")


def forbidden():
    response = MagicMock()
    response.status, response.reason = 403, "Forbidden"
    return discord.Forbidden(response, "Missing Permissions")


def server_error():
    response = MagicMock()
    response.status, response.reason = 503, "Service Unavailable"
    return discord.DiscordServerError(response, "upstream connect error")


@pytest.fixture
def made(world):
    """The role and channel /group create will make (spec_set mocks), in that order."""
    role, channel = make_role(name="Anxious mums"), make_text_channel(guild=world.guild)
    world.guild.create_role.return_value = role
    world.guild.create_text_channel.return_value = channel
    return role, channel


async def group_names(world) -> list[str]:
    return [g.name for g in await world.bot.services.groups.list(world.guild.id)]


def create(cog, interaction):
    return invoke(cog.create, cog, interaction, name="Anxious mums", description="Racing thoughts at 3am",
                  focus="perinatal anxiety")


async def test_create_makes_a_private_channel_and_role(world, cog) -> None:
    role, channel = make_role(name="Anxious mums"), make_text_channel(guild=world.guild)
    world.guild.create_role.return_value = role
    world.guild.create_text_channel.return_value = channel
    interaction = world.interaction(world.moderator)
    await invoke(cog.create, cog, interaction, name="Anxious mums", description="Racing thoughts at 3am",
                 focus="perinatal anxiety", size=None, mode="anonymous")
    assert "Group created" in last_reply(interaction)["content"]
    overwrites = world.guild.create_text_channel.call_args.kwargs["overwrites"]
    assert overwrites[world.guild.default_role].view_channel is False
    assert overwrites[role].view_channel is True and overwrites[role].send_messages is False
    assert overwrites[role].add_reactions is True
    assert overwrites[world.mod_role].send_messages is True and overwrites[world.guild.me].manage_webhooks is True
    group = await world.bot.services.groups.by_name(world.guild.id, "Anxious mums")
    assert (group.channel_id, group.role_id, group.size_limit, group.mode) == (channel.id, role.id, 12, "anonymous")


async def test_create_pins_a_welcome_with_the_group_agreement(world, cog, made) -> None:
    _, channel = made
    interaction = world.interaction(world.moderator)
    await create(cog, interaction)
    welcome = channel.send.await_args.args[0]
    assert welcome.startswith("**Welcome to “Anxious mums”** 💛\nRacing thoughts at 3am")
    assert "Peer support, not a crisis or clinical service" in welcome and "perinatal anxiety" in welcome
    assert "Before you join" not in welcome and "{group}" not in welcome
    channel.send.return_value.pin.assert_awaited_once()
    reply = last_reply(interaction)["content"]
    assert reply.startswith("Group created.") and "⚠️" not in reply


async def test_create_says_plainly_when_the_welcome_cannot_be_pinned(world, cog, made) -> None:
    _, channel = made
    channel.send.return_value.pin.side_effect = forbidden()
    interaction = world.interaction(world.moderator)
    await create(cog, interaction)
    reply = last_reply(interaction)["content"]
    assert reply.startswith("Group created.")
    assert "I couldn't pin it: I'm missing the **Manage Messages** permission in " + channel.mention in reply
    assert "pin it by hand" in reply and "Traceback" not in reply and GENERIC_APOLOGY not in reply
    assert await group_names(world) == ["Anxious mums", "Night feeds"]  # the group is kept


async def test_create_says_plainly_when_the_welcome_cannot_be_posted(world, cog, made) -> None:
    _, channel = made
    channel.send.side_effect = forbidden()
    channel.permissions_for.return_value = discord.Permissions(view_channel=True)
    interaction = world.interaction(world.moderator)
    await create(cog, interaction)
    reply = last_reply(interaction)["content"]
    assert reply.startswith("Group created.") and "couldn't post the welcome" in reply
    assert "I'm missing the **Send Messages** permission in " + channel.mention in reply


async def test_create_without_manage_channels_names_it_and_cleans_up(world, cog) -> None:
    role = make_role()
    world.guild.create_role.return_value = role
    world.guild.create_text_channel.side_effect = forbidden()
    world.guild.me.guild_permissions = discord.Permissions(manage_roles=True)
    interaction = world.interaction(world.moderator)
    await invoke(cog.create, cog, interaction, name="New", description="desc", focus="pregnancy")
    assert "**Manage Channels**" in last_reply(interaction)["content"]
    role.delete.assert_awaited_once()
    assert [g.name for g in await world.bot.services.groups.list(world.guild.id)] == ["Night feeds"]


async def test_bad_focus_is_refused_before_anything_is_made(world, cog) -> None:
    interaction = world.interaction(world.moderator)
    await invoke(cog.create, cog, interaction, name="New", description="desc", focus="astrology")
    assert "The focus must be one of" in last_reply(interaction)["content"]
    world.guild.create_role.assert_not_called()


async def test_focus_autocomplete_uses_the_settings(world, cog) -> None:
    choices = await cog.focus_choices(world.interaction(world.moderator), "anx")
    assert [c.value for c in choices] == ["perinatal anxiety"]


async def test_edit_to_open_lets_members_post(world, cog) -> None:
    interaction = world.interaction(world.moderator)
    await invoke(cog.edit, cog, interaction, group="Night feeds", mode="open")
    overwrite = world.channel.set_permissions.call_args.kwargs["overwrite"]
    assert overwrite.send_messages is True
    assert (await world.bot.services.groups.get(world.guild.id, world.group.id)).mode == "open"


async def test_list_and_archive(world, cog) -> None:
    await world.join(world.member())
    archive = world.interaction(world.moderator)
    await invoke(cog.archive, cog, archive, group="Night feeds", reason="merging groups")
    world.group_role.delete.assert_awaited_once()
    listing = world.interaction(world.moderator)
    await invoke(cog.list_groups, cog, listing)
    assert "**Night feeds**" in last_reply(listing)["content"] and "archived" in last_reply(listing)["content"]
    again = world.interaction(world.moderator)
    await invoke(cog.archive, cog, again, group="Night feeds", reason="twice")
    assert "no group called" in last_reply(again)["content"]


async def test_create_when_the_database_step_fails_deletes_the_role_and_channel(world, cog, made, monkeypatch) -> None:
    role, channel = made

    async def broken(*args, **kwargs):
        raise RuntimeError("database is closed")

    monkeypatch.setattr(world.bot.services.groups, "create", broken)
    interaction = world.interaction(world.moderator)
    await create(cog, interaction)
    channel.delete.assert_awaited_once()
    role.delete.assert_awaited_once()
    assert last_reply(interaction)["content"] == GENERIC_APOLOGY
    assert await group_names(world) == ["Night feeds"]


async def test_create_interrupted_by_a_restart_is_cleaned_up(world, cog, made, monkeypatch) -> None:
    role, channel = made
    writing = asyncio.Event()

    async def slow(*args, **kwargs):
        writing.set()
        await asyncio.sleep(60)

    monkeypatch.setattr(world.bot.services.groups, "create", slow)
    task = asyncio.create_task(create(cog, world.interaction(world.moderator)))
    await writing.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    channel.delete.assert_awaited_once()
    role.delete.assert_awaited_once()
    assert await group_names(world) == ["Night feeds"]


async def test_create_interrupted_after_the_row_was_written_is_kept(world, cog, made, monkeypatch) -> None:
    role, channel = made
    real_create = world.bot.services.groups.create

    async def written_then_interrupted(*args, **kwargs):
        await real_create(*args, **kwargs)
        raise asyncio.CancelledError

    monkeypatch.setattr(world.bot.services.groups, "create", written_then_interrupted)
    with pytest.raises(asyncio.CancelledError):
        await create(cog, world.interaction(world.moderator))
    channel.delete.assert_not_called()
    role.delete.assert_not_called()
    group = await world.bot.services.groups.by_name(world.guild.id, "Anxious mums")
    assert (group.channel_id, group.role_id) == (channel.id, role.id)


async def test_create_when_discord_fails_part_way_writes_nothing(world, cog, made) -> None:
    role, _ = made
    world.guild.create_text_channel.side_effect = server_error()
    interaction = world.interaction(world.moderator)
    await create(cog, interaction)
    role.delete.assert_awaited_once()
    assert last_reply(interaction)["content"] == GENERIC_APOLOGY
    assert await group_names(world) == ["Night feeds"]
    assert await world.bot.services.db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'group_create'") == 1


async def test_a_cleanup_that_fails_is_logged_and_the_reason_still_shown(world, cog, made, caplog) -> None:
    role, _ = made
    role.delete.side_effect = forbidden()
    world.guild.create_text_channel.side_effect = forbidden()
    world.guild.me.guild_permissions = discord.Permissions(manage_roles=True)
    interaction = world.interaction(world.moderator)
    with caplog.at_level(logging.WARNING, logger="cogs.groups"):
        await create(cog, interaction)
    assert "**Manage Channels**" in last_reply(interaction)["content"]
    assert f"Could not delete the role {role.id}" in caplog.text and "by hand" in caplog.text

"""The Discord notifier behind alerts: the moderator role is the only mention, edits, escalation."""

from unittest.mock import AsyncMock

import discord

from bot.core.notify import Choice, Note
from bot.discord_notifier import DiscordNotifier
from tests.helpers import make_member, make_role

ALERT = Note("**Crisis language — please check in** (flag #1)", (Choice("flag:ack:1", "Acknowledge"),))


async def notifier_with_log(world):
    log = world.add_channel("mod-log")
    await world.bot.services.guilds.update(world.guild.id, mod_log_channel_id=log.id)
    return DiscordNotifier(world.bot), log


async def test_an_urgent_alert_mentions_the_moderator_role_and_nobody_else(world) -> None:
    notifier, log = await notifier_with_log(world)
    log.send.return_value.id = 4242
    assert await notifier.send_alert(world.guild.id, ALERT, mention=True) == 4242
    args, kwargs = log.send.call_args
    assert args[0].startswith(f"<@&{world.mod_role.id}> **Crisis language")
    mentions = kwargs["allowed_mentions"]
    assert [role.id for role in mentions.roles] == [world.mod_role.id]
    assert mentions.everyone is False and mentions.users is False


async def test_an_everyday_alert_mentions_nobody(world) -> None:
    notifier, log = await notifier_with_log(world)
    await notifier.send_alert(world.guild.id, ALERT, mention=False)
    args, kwargs = log.send.call_args
    assert not args[0].startswith("<@&") and kwargs["allowed_mentions"].roles is False


async def test_a_missing_log_returns_none(world) -> None:
    await world.bot.services.guilds.update(world.guild.id, mod_log_channel_id=123456)
    assert await DiscordNotifier(world.bot).send_alert(world.guild.id, ALERT, mention=True) is None


async def test_an_alert_is_edited_in_place(world) -> None:
    notifier, log = await notifier_with_log(world)
    assert await notifier.edit_alert(world.guild.id, 77, Note("updated", ()))
    log.get_partial_message.assert_called_with(77)
    log.get_partial_message.return_value.edit.assert_awaited_once()


async def test_escalation_goes_to_the_safeguarding_role_in_its_channel(world) -> None:
    notifier, _ = await notifier_with_log(world)
    lead, place = make_role(name="Safeguarding lead"), world.add_channel("safeguarding")
    await world.bot.services.guilds.update(world.guild.id, escalation_role_id=lead.id, escalation_channel_id=place.id)
    where = await notifier.escalate(world.guild.id, ALERT)
    assert where == f"the safeguarding lead (<#{place.id}>)"
    assert [role.id for role in place.send.call_args.kwargs["allowed_mentions"].roles] == [lead.id]


async def test_without_a_lead_the_owner_gets_a_dm(world, monkeypatch) -> None:
    notifier, _ = await notifier_with_log(world)
    owner = make_member(guild=world.guild, name="owner")
    world.guild.owner_id = owner.id
    monkeypatch.setattr(world.bot, "get_guild", lambda guild_id: world.guild)
    monkeypatch.setattr(world.bot, "get_user", lambda user_id: owner if user_id == owner.id else None)
    assert await notifier.escalate(world.guild.id, ALERT) == "the server owner by DM"
    owner.send.assert_awaited_once()


async def test_an_owner_with_closed_dms_means_nobody_was_reached(world, monkeypatch) -> None:
    notifier, _ = await notifier_with_log(world)
    owner = make_member(guild=world.guild, name="owner")
    response = type("R", (), {"status": 403, "reason": "Forbidden"})()
    owner.send.side_effect = discord.Forbidden(response, "Cannot send messages to this user")
    world.guild.owner_id = owner.id
    monkeypatch.setattr(world.bot, "get_guild", lambda guild_id: world.guild)
    monkeypatch.setattr(world.bot, "get_user", lambda user_id: owner)
    assert await notifier.escalate(world.guild.id, ALERT) is None


async def test_a_server_on_another_processs_shard_is_alerted_over_http(world, monkeypatch) -> None:
    """A crisis in a DM arrives on shard 0; her server's shard (and its channels) may live in another process."""
    notifier, log = await notifier_with_log(world)
    log.send.return_value.id = 5151
    monkeypatch.setattr(world.bot, "get_guild", lambda guild_id: None)
    monkeypatch.setattr(world.bot, "get_channel", lambda channel_id: None)
    fetch_channel = AsyncMock(return_value=log)
    monkeypatch.setattr(world.bot, "fetch_channel", fetch_channel)
    assert await notifier.send_alert(world.guild.id, ALERT, mention=True) == 5151
    fetch_channel.assert_awaited_once_with(log.id)


async def test_a_cached_server_never_fetches(world, monkeypatch) -> None:
    fetch_channel = AsyncMock()
    monkeypatch.setattr(world.bot, "fetch_channel", fetch_channel)
    await world.bot.services.guilds.update(world.guild.id, mod_log_channel_id=123456)  # deleted channel
    assert await DiscordNotifier(world.bot).send_alert(world.guild.id, ALERT, mention=True) is None
    fetch_channel.assert_not_awaited()

"""Every Discord entry of a member's words, with the real model: screened first, whatever happens next."""

from datetime import UTC, datetime, timedelta
from unittest.mock import MagicMock

import discord
import pytest

from tests.helpers import make_dm_channel, make_message, replies, sent_texts

CRISIS = "I don't think I can keep myself safe tonight"
RESOURCES = "If you or your baby are in immediate danger"
UPWARD = "Every other mum at baby group has her life sorted and I'm the only one falling apart"
CH = "Me too, you're definitely not alone, so many of us have felt exactly like this"


@pytest.fixture
def bot(framing_bot):
    """This module's bot runs with the framing model."""
    return framing_bot


@pytest.fixture
def cog(bot):
    return bot.get_cog("Sharing")


async def open_modal(world, cog, member, **kwargs):
    opening = world.interaction(member, world.channel)
    await cog.share.callback(cog, opening, **kwargs)
    return opening.response.send_modal.call_args.args[0]


async def submit(world, modal, member, text):
    modal.text._value = text
    submitted = world.interaction(member, world.channel)
    await modal.on_submit(submitted)
    return submitted


def private_texts(world, member, interaction=None) -> list[str]:
    texts = [note.text for _, user, note in world.notifier.dms if user == member.id]
    if interaction is not None:
        texts += [reply["content"] for reply in replies(interaction)]
    return texts


def alerts(world) -> list[str]:
    return [note.text for _, note in world.notifier.mod_log if "Crisis language" in note.text]


async def test_crisis_inside_the_cooldown_with_the_modal_already_open(world, cog, hook, clock) -> None:
    member = world.member("ana")
    await world.join(member)
    modal = await open_modal(world, cog, member)
    await submit(world, await open_modal(world, cog, member), member, "hi all, first time posting here")
    clock.advance(timedelta(seconds=10))
    submitted = await submit(world, modal, member, CRISIS)
    assert hook.send.await_count == 1  # the crisis post was refused by the cooldown ...
    texts = private_texts(world, member, submitted)
    assert any(RESOURCES in text for text in texts)  # ... but she got care first
    assert any("share again in" in text and "nothing is lost" in text for text in texts)
    assert CRISIS in texts  # her words back
    [alert] = alerts(world)
    assert "Night feeds" in alert and "keep myself safe" not in alert


async def test_a_failed_relay_still_gets_crisis_care(world, cog, hook) -> None:
    member = world.member("ana")
    await world.join(member)
    response = MagicMock()
    response.status, response.reason = 503, "unavailable"
    hook.send.side_effect = discord.HTTPException(response, "unavailable")
    submitted = await submit(world, await open_modal(world, cog, member), member, CRISIS)
    texts = private_texts(world, member, submitted)
    assert any(RESOURCES in text for text in texts) and CRISIS in texts
    assert len(alerts(world)) == 1


async def test_dm_crisis_with_dms_closed_is_answered_in_the_dm_she_wrote(world, cog, hook) -> None:
    member = world.member("ana")
    await world.join(member)
    world.notifier.dms_open = False
    member.mutual_guilds = [world.guild]
    dm = make_dm_channel(member)
    await cog.on_message(make_message(author=member, channel=dm, content=CRISIS))
    sent = sent_texts(dm.send)
    assert RESOURCES in sent[0]
    assert any("moderators know" in text for text in sent)
    [alert] = alerts(world)
    assert "by DM" in alert and "a direct message to the bot" in alert


async def test_dm_from_someone_in_no_group_gets_resources_and_one_alert(world, cog) -> None:
    stranger = world.member("stranger")
    stranger.mutual_guilds = [world.guild]
    dm = make_dm_channel(stranger)
    await cog.on_message(make_message(author=stranger, channel=dm, content=CRISIS))
    sent = sent_texts(dm.send)
    assert RESOURCES in sent[0]  # answered in the DM she wrote
    assert len(alerts(world)) == 1 and str(stranger.id) not in alerts(world)[0]
    assert CRISIS in sent  # the refusal gave her words back


async def test_a_crisis_in_a_thread_of_a_group_channel(world, cog) -> None:
    group, channel, _ = await world.add_group("Open chat", mode="open")
    member = world.member("ana")
    await world.join(member, group)
    thread = MagicMock(spec_set=discord.Thread)
    thread.id, thread.parent_id, thread.guild = 555, channel.id, world.guild
    message = make_message(author=member, channel=thread, guild=world.guild, content=CRISIS)
    await cog.on_message(message)
    assert any(RESOURCES in text for text in private_texts(world, member))
    [alert] = alerts(world)
    assert "a thread of the group channel" in alert


async def test_an_open_group_crisis_with_dms_closed_says_so_in_the_alert(world, cog) -> None:
    group, channel, _ = await world.add_group("Open chat", mode="open")
    member = world.member("ana")
    await world.join(member, group)
    world.notifier.dms_open = False
    await cog.on_message(make_message(author=member, channel=channel, guild=world.guild, content=CRISIS))
    [alert] = alerts(world)
    assert "could **not** be delivered" in alert


async def test_an_edit_that_adds_crisis_words_is_screened(world, cog) -> None:
    group, channel, _ = await world.add_group("Open chat", mode="open")
    member = world.member("ana")
    await world.join(member, group)
    before = make_message(author=member, channel=channel, guild=world.guild, content="rough day")
    await cog.on_message(before)
    after = make_message(before.id, author=member, channel=channel, guild=world.guild,
                         content="rough day. " + CRISIS)
    after.edited_at = datetime.now(UTC)
    event = discord.RawMessageUpdateEvent({"id": str(after.id), "channel_id": str(channel.id)}, after)
    event.cached_message = before
    await cog.on_raw_message_edit(event)
    [alert] = alerts(world)
    assert "an edited message" in alert


async def test_a_link_preview_edit_is_not_her_words_changing(world, cog) -> None:
    _, channel, _ = await world.add_group("Open chat", mode="open")
    member = world.member("ana")
    message = make_message(author=member, channel=channel, guild=world.guild, content=CRISIS)
    message.edited_at = None
    await cog.on_raw_message_edit(discord.RawMessageUpdateEvent({"id": str(message.id)}, message))
    assert world.bot.services.screener.stats.screened == 0


async def share_in_reflect_mode(world, cog, text):
    """A member of a `reflect` group shares `text`; returns her and the last private reply."""
    member = world.member("ana")
    await world.join(member)
    await world.bot.services.framing.set_mode(world.guild.id, world.group.id, "reflect", actor="m" * 64)
    submitted = await submit(world, await open_modal(world, cog, member), member, text)
    return member, replies(submitted)[-1]


async def test_reflect_note_then_share_as_it_is(world, cog, hook) -> None:
    member, held = await share_in_reflect_mode(world, cog, UPWARD)
    assert type(held["view"]).__name__ == "HeldView" and held["ephemeral"]
    hook.send.assert_not_awaited()
    share_button = next(item for item in held["view"].children if item.label == "Share as it is")
    clicked = world.interaction(member, world.channel)
    await share_button.callback(clicked)
    assert hook.send.call_args.args[0].endswith(UPWARD)
    assert any("as **#1**" in reply["content"] for reply in replies(clicked))


async def test_reflect_edit_reopens_the_form_with_her_words_and_forgets_them(world, cog, hook) -> None:
    member, held = await share_in_reflect_mode(world, cog, UPWARD)
    view = held["view"]
    edit = next(item for item in view.children if item.label == "Edit")
    clicked = world.interaction(member, world.channel)
    await edit.callback(clicked)
    assert clicked.response.send_modal.call_args.args[0].text.default == UPWARD
    assert view.held.used


async def test_a_held_choice_that_times_out_gives_her_words_back(world, cog, hook) -> None:
    member = world.member("ana")
    await world.join(member)
    other, _, _ = await world.add_group("Anxious mums")
    await world.join(member, other)
    dm = make_dm_channel(member)
    await cog.on_message(make_message(author=member, channel=dm, content="which group should this go to"))
    view = dm.send.call_args.kwargs["view"]
    await view.on_timeout()
    sent = sent_texts(dm.send)
    assert "timed out" in sent[-2] and sent[-1] == "which group should this go to"


async def test_common_humanity_gets_a_heart_on_the_relayed_post(world, cog, hook) -> None:
    member = world.member("ana")
    await world.join(member)
    await world.bot.services.framing.set_reaction(world.guild.id, world.group.id, True, actor="m" * 64)
    await submit(world, await open_modal(world, cog, member), member, CH)
    world.channel.get_partial_message.return_value.add_reaction.assert_awaited_once_with("💛")


async def test_common_humanity_gets_a_heart_in_an_open_group(world, cog) -> None:
    group, channel, _ = await world.add_group("Open chat", mode="open")
    member = world.member("ana")
    await world.join(member, group)
    await world.bot.services.framing.set_reaction(world.guild.id, group.id, True, actor="m" * 64)
    message = make_message(author=member, channel=channel, guild=world.guild, content=CH)
    await cog.on_message(message)
    message.add_reaction.assert_awaited_once_with("💛")

import logging
from datetime import timedelta
from unittest.mock import MagicMock

import discord
import pytest

from tests.helpers import invoke, last_reply, make_dm_channel, make_message, make_webhook, replies, sent_texts


@pytest.fixture
def cog(bot):
    return bot.get_cog("Sharing")


def http_error(cls, status: int):
    response = MagicMock()
    response.status = status
    response.reason = "error"
    return cls(response, "error")


async def share(world, cog, member, text, **kwargs):
    """Run /share, then submit its modal with `text`. Returns the modal's interaction."""
    opening = world.interaction(member, world.channel)
    await invoke(cog.share, cog, opening, **kwargs)
    assert opening.response.send_modal.await_count == 1, replies(opening)
    modal = opening.response.send_modal.call_args.args[0]
    assert type(modal).__name__ == "ShareModal"  # the extension's own module object
    modal.text._value = text
    submitted = world.interaction(member, world.channel)
    await modal.on_submit(submitted)
    return submitted


async def test_share_relays_under_the_alias_with_a_number(world, cog, hook) -> None:
    member = world.member("ana")
    alias = await world.join(member)
    submitted = await share(world, cog, member, "Rough night, but I'm here.")
    hook.send.assert_awaited_once()
    call = hook.send.call_args
    assert call.args[0] == "**#1**\nRough night, but I'm here."
    assert call.kwargs["username"] == alias.alias and call.kwargs["wait"] is True
    assert call.kwargs["avatar_url"].startswith("https://cdn.discordapp.com/embed/avatars/")
    reply = last_reply(submitted)
    assert reply["ephemeral"] is True and "as **#1**" in reply["content"]
    post = await world.bot.services.relay.find(world.guild.id, "#1")
    assert post.pseudonym == alias.pseudonym


async def test_reply_quotes_number_and_alias_never_text(world, cog, hook, clock) -> None:
    one, two = world.member("a"), world.member("b")
    first = await world.join(one)
    await world.join(two)
    await share(world, cog, one, "secret words")
    await share(world, cog, two, "Me too", reply_to=1)
    content = hook.send.call_args.args[0]
    assert content == f"**#2** · ↪ replying to #1 ({first.alias})\nMe too"
    assert "secret words" not in content


async def test_long_post_is_split_with_markers(world, cog, hook) -> None:
    member = world.member()
    await world.join(member)
    await share(world, cog, member, "word " * 700)
    parts = [call.args[0] for call in hook.send.call_args_list]
    assert len(parts) == 2 and parts[0].startswith("**#1** (1/2)") and parts[1].startswith("**#1** (2/2)")
    assert all(len(p) <= 2000 for p in parts)
    post = await world.bot.services.relay.find(world.guild.id, "#1")
    assert len(await world.bot.services.relay.message_ids(post.id)) == 2


@pytest.mark.parametrize("text", ["", "   \n  "])
async def test_empty_post_gets_a_kind_message(world, cog, hook, text) -> None:
    member = world.member()
    await world.join(member)
    submitted = await share(world, cog, member, text)
    assert "nothing to share" in last_reply(submitted)["content"]
    hook.send.assert_not_awaited()


async def test_cooldown_says_how_long_to_wait(world, cog, hook, clock) -> None:
    member = world.member()
    await world.join(member)
    await share(world, cog, member, "one")
    clock.advance(timedelta(seconds=8))
    opening = world.interaction(member, world.channel)
    await invoke(cog.share, cog, opening)
    assert "share again in 12 seconds" in last_reply(opening)["content"]


async def test_share_outside_any_group_is_refused(world, cog) -> None:
    opening = world.interaction(world.member(), world.channel)
    await invoke(cog.share, cog, opening)
    assert "not in a group yet" in last_reply(opening)["content"]


async def test_deleted_webhook_is_recreated_and_the_post_goes_through(world, cog) -> None:
    member = world.member()
    await world.join(member)
    gone = make_webhook()
    gone.send.side_effect = http_error(discord.NotFound, 404)
    fresh = make_webhook()
    world.channel.webhooks.return_value = [gone]
    world.channel.create_webhook.side_effect = None
    world.channel.create_webhook.return_value = fresh
    submitted = await share(world, cog, member, "still here")
    fresh.send.assert_awaited_once()
    assert "as **#1**" in last_reply(submitted)["content"]


async def test_failed_relay_gives_her_words_back_and_stores_nothing(world, cog, hook) -> None:
    member = world.member()
    await world.join(member)
    hook.send.side_effect = http_error(discord.HTTPException, 500)
    submitted = await share(world, cog, member, "words I don't want to lose")
    texts = [r["content"] for r in replies(submitted)]
    assert all(r["ephemeral"] for r in replies(submitted))
    assert "couldn't post that just now" in texts[0] and "words I don't want to lose" in texts[1]
    assert await world.bot.services.db.fetchval("SELECT count(*) FROM relayed_posts") == 0


async def test_missing_manage_webhooks_tells_moderators_by_name(world, cog) -> None:
    member = world.member()
    await world.join(member)
    world.channel.webhooks.side_effect = http_error(discord.Forbidden, 403)
    submitted = await share(world, cog, member, "hello")
    assert "nothing is lost" in replies(submitted)[0]["content"]
    assert "hello" in replies(submitted)[1]["content"]
    assert "**Manage Webhooks**" in world.notifier.mod_log[-1][1].text


async def test_dm_from_someone_in_no_group(world, cog) -> None:
    user = world.member()
    dm = make_dm_channel(user)
    await cog.on_message(make_message(author=user, channel=dm, content="hello?"))
    first, back = sent_texts(dm.send)
    assert "not in a group yet" in first and "nothing is lost" in first and back == "hello?"


async def test_dm_with_one_group_is_relayed_and_answered_in_the_dm(world, cog, hook, caplog) -> None:
    user = world.member()
    await world.join(user)
    dm = make_dm_channel(user)
    with caplog.at_level(logging.DEBUG):
        await cog.on_message(make_message(author=user, channel=dm, content="sent by DM"))
    assert hook.send.call_args.args[0] == "**#1**\nsent by DM"
    assert "as **#1**" in dm.send.call_args.args[0]
    assert "sent by DM" not in caplog.text


async def test_dm_with_several_groups_asks_which(world, cog, hook) -> None:
    user = world.member()
    await world.join(user)
    other, other_channel, _ = await world.add_group("Anxious mums")
    await world.join(user, other)
    other_hook = make_webhook()
    other_channel.create_webhook.side_effect = None
    other_channel.create_webhook.return_value = other_hook
    dm = make_dm_channel(user)
    await cog.on_message(make_message(author=user, channel=dm, content="which one?"))
    view = dm.send.call_args.kwargs["view"]
    assert type(view).__name__ == "HeldView" and "Which group" in dm.send.call_args.args[0]
    button = next(item for item in view.children if item.label == "Anxious mums")
    clicked = world.interaction(user)
    await button.callback(clicked)
    other_hook.send.assert_awaited_once()
    hook.send.assert_not_awaited()
    assert "Anxious mums" in last_reply(clicked)["content"]


async def test_open_group_messages_are_screened_without_relay(world, cog, hook) -> None:
    group, channel, _ = await world.add_group("Open chat", mode="open")
    user = world.member()
    await world.join(user, group)
    await cog.on_message(make_message(author=user, channel=channel, guild=world.guild, content="hi all"))
    assert world.bot.services.screener.stats.screened == 1
    channel.create_webhook.assert_not_called()


async def test_unshare_deletes_her_own_post(world, cog, hook) -> None:
    member = world.member()
    await world.join(member)
    await share(world, cog, member, "oops")
    interaction = world.interaction(member, world.channel)
    await invoke(cog.unshare, cog, interaction, post="#1")
    world.channel.get_partial_message.return_value.delete.assert_awaited()
    assert "removed" in last_reply(interaction)["content"]
    someone = world.member()
    other = world.interaction(someone, world.channel)
    await invoke(cog.unshare, cog, other, post="#1")
    assert "can't find post" in last_reply(other)["content"]


async def test_unshare_on_someone_elses_post_says_it_is_not_hers_and_changes_nothing(world, cog, hook) -> None:
    author = world.member()
    await world.join(author)
    await share(world, cog, author, "a hard night")
    someone = world.member()
    await world.join(someone)
    interaction = world.interaction(someone, world.channel)
    await invoke(cog.unshare, cog, interaction, post="1")
    reply = last_reply(interaction)
    assert reply["ephemeral"] is True
    assert reply["content"] == (
        "#1 isn't one of your posts, so I've left it as it is: /unshare only removes your own. If something in "
        "it worries you, you can tell the moderators privately: long-press or right-click the post, then Apps → "
        "Report to moderators. 💛")
    world.channel.get_partial_message.return_value.delete.assert_not_called()
    post = await world.bot.services.relay.find(world.guild.id, "1", group_id=world.group.id)
    assert post.state == "posted"

import asyncio
from datetime import timedelta
from unittest.mock import MagicMock

import discord
import pytest

from tests.helpers import click, invoke, last_reply, make_dm_channel, make_message, make_webhook, replies, sent_texts


@pytest.fixture
def cog(bot):
    return bot.get_cog("ModerationCog")


def forbidden():
    response = MagicMock()
    response.status, response.reason = 403, "Forbidden"
    return discord.Forbidden(response, "Missing Permissions")


@pytest.fixture
async def fern(world):
    member = world.member("fern")
    alias = await world.join(member)
    return member, alias


async def actions(world):
    return [e.action for e in reversed(await world.bot.services.audit.recent(world.guild.id))]


async def test_warn_dms_her_kindly_and_is_audited(world, cog, fern) -> None:
    member, alias = fern
    interaction = world.interaction(world.moderator)
    await invoke(cog.warn, cog, interaction, alias=alias.alias, reason="please avoid advice")
    assert world.notifier.dms[0][1] == member.id and "please avoid advice" in world.notifier.dms[0][2].text
    assert "Recorded in the audit log" in last_reply(interaction)["content"]
    assert await actions(world) == ["group_create", "warn"]


async def test_warn_with_closed_dms_tells_the_moderator_she_was_not_told(world, cog, fern) -> None:
    _, alias = fern
    world.notifier.dms_open = False
    interaction = world.interaction(world.moderator)
    await invoke(cog.warn, cog, interaction, alias=alias.alias, reason="please avoid advice")
    reply = last_reply(interaction)
    assert "she was not told" in reply["content"] and reply["ephemeral"] is True
    assert await actions(world) == ["group_create", "warn"]


async def test_unknown_alias_is_a_kind_message(world, cog) -> None:
    interaction = world.interaction(world.moderator)
    await invoke(cog.warn, cog, interaction, alias="Nobody Here", reason="x")
    assert "no member with the alias" in last_reply(interaction)["content"]


async def test_timeout_is_a_real_discord_timeout_without_the_alias_in_discords_log(world, cog, fern) -> None:
    member, alias = fern
    interaction = world.interaction(world.moderator)
    await invoke(cog.timeout, cog, interaction, alias=alias.alias, minutes=30, reason="cool off")
    member.timeout.assert_awaited_once()
    assert member.timeout.call_args.args[0] == timedelta(minutes=30)
    assert alias.alias not in member.timeout.call_args.kwargs["reason"]
    assert (await world.bot.services.audit.recent(world.guild.id))[0].detail == "30 min"


async def test_timeout_without_moderate_members_names_it(world, cog, fern) -> None:
    member, alias = fern
    member.timeout.side_effect = forbidden()
    interaction = world.interaction(world.moderator)
    await invoke(cog.timeout, cog, interaction, alias=alias.alias, minutes=30, reason="cool off")
    assert "**Moderate Members**" in last_reply(interaction)["content"]
    assert "timeout" not in await actions(world)


async def test_remove_takes_role_and_membership(world, cog, fern) -> None:
    member, alias = fern
    interaction = world.interaction(world.moderator)
    await invoke(cog.remove, cog, interaction, alias=alias.alias, group="Night feeds", reason="repeated")
    member.remove_roles.assert_awaited_once()
    assert not await world.bot.services.groups.is_member(world.group.id, alias.pseudonym)
    assert "removed you from **Night feeds**" in world.notifier.dms[-1][2].text


async def test_delete_a_relayed_post_by_number(world, cog, fern) -> None:
    _, alias = fern
    hook = make_webhook()
    world.channel.create_webhook.side_effect = None
    world.channel.create_webhook.return_value = hook
    group = await world.bot.services.groups.get(world.guild.id, world.group.id)
    plan = await world.bot.services.relay.prepare(group, alias, "to be removed")
    await world.bot.services.relay.confirm(plan, [424242])
    interaction = world.interaction(world.moderator, world.channel)
    await invoke(cog.delete, cog, interaction, post="#1", reason="identifying details")
    world.channel.get_partial_message.assert_called_with(424242)
    world.channel.get_partial_message.return_value.delete.assert_awaited()
    assert "post #1" in last_reply(interaction)["content"]
    assert await world.bot.services.relay.by_message(world.guild.id, 424242) is None


async def test_history_flags_ack_resolve_and_audit(world, cog, fern) -> None:
    _, alias = fern
    flag = await world.bot.services.flags.raise_flag(world.guild.id, "report", alias.pseudonym, alias.alias,
                                                     detail="Spam or advertising")
    for command, kwargs, expected in [
        (cog.flags, {}, f"#{flag.id} report · open"),
        (cog.ack, {"flag": flag.id}, "acknowledged"),
        (cog.resolve, {"flag": flag.id, "reason": "spoke with her"}, "resolved"),
        (cog.history, {"alias": alias.alias}, "flag_resolved · spoke with her"),
        (cog.audit, {}, "flag_resolved"),
    ]:
        interaction = world.interaction(world.moderator)
        await invoke(command, cog, interaction, **kwargs)
        assert expected in last_reply(interaction)["content"], command.name


async def test_two_moderators_acknowledging_at_once(world, cog, fern) -> None:
    _, alias = fern
    flag = await world.bot.services.flags.raise_flag(world.guild.id, "report", alias.pseudonym, alias.alias)
    other = world.member("second mod", roles=(world.mod_role,))
    first, second = world.interaction(world.moderator), world.interaction(other)
    await asyncio.gather(invoke(cog.ack, cog, first, flag=flag.id), invoke(cog.ack, cog, second, flag=flag.id))
    texts = [last_reply(i)["content"] for i in (first, second)]
    assert texts.count(f"Flag #{flag.id} is now acknowledged.") == 1
    assert sum("already acknowledged" in text for text in texts) == 1


async def test_reveal_needs_a_second_moderator(world, cog, fern) -> None:
    member, alias = fern
    asked = world.interaction(world.moderator)
    await invoke(cog.reveal, cog, asked, alias=alias.alias, reason="crisis, unreachable")
    note = world.notifier.mod_log[-1][1]
    assert str(member.id) not in note.text and alias.alias in note.text
    approve_id = note.choices[0].id
    own = world.interaction(world.moderator)
    await click(world.bot, own, approve_id)
    assert "different moderator" in last_reply(own)["content"]
    second = world.member("second mod", roles=(world.mod_role,))
    approving = world.interaction(second)
    await click(world.bot, approving, approve_id)
    approving.response.edit_message.assert_awaited_once()
    assert str(member.id) not in approving.response.edit_message.call_args.kwargs["content"]
    shown = last_reply(approving)
    assert shown["ephemeral"] and str(member.id) in shown["content"]
    asked.followup.send.assert_awaited_once()
    assert str(member.id) in asked.followup.send.call_args.args[0]
    assert asked.followup.send.call_args.kwargs["ephemeral"] is True
    assert await actions(world) == ["group_create", "reveal_request", "reveal_approve", "reveal"]


async def test_reveal_requester_past_her_token_uses_reveal_result(world, cog, fern, clock) -> None:
    member, alias = fern
    asked = world.interaction(world.moderator)
    await invoke(cog.reveal, cog, asked, alias=alias.alias, reason="worried")
    approve_id = world.notifier.mod_log[-1][1].choices[0].id
    clock.advance(timedelta(minutes=14, seconds=30))
    approving = world.interaction(world.member("second", roles=(world.mod_role,)))
    await click(world.bot, approving, approve_id)
    asked.followup.send.assert_not_called()
    assert "/mod reveal-result" in replies(approving)[-1]["content"]
    later = world.interaction(world.moderator)
    request_id = int(approve_id.rsplit(":", 1)[1])
    await invoke(cog.reveal_result, cog, later, request=request_id)
    assert str(member.id) in last_reply(later)["content"] and last_reply(later)["ephemeral"]


async def test_non_moderator_cannot_approve_a_reveal(world, cog, fern) -> None:
    _, alias = fern
    await invoke(cog.reveal, cog, world.interaction(world.moderator), alias=alias.alias, reason="worried")
    approve_id = world.notifier.mod_log[-1][1].choices[0].id
    clicked = world.interaction(world.member("curious"))
    await click(world.bot, clicked, approve_id)
    assert "Only moderators" in last_reply(clicked)["content"]
    assert "reveal" not in await actions(world)


# -- enforcement that holds: timeouts on the DM path, removal until /mod allow ------------------------

RESOURCES = "If you or your baby are in immediate danger"
CRISIS = "I can't do this anymore, I've decided to end my life tonight"


async def test_a_timed_out_members_crisis_dm_gets_care_but_is_not_relayed(world, cog, fern, hook) -> None:
    member, alias = fern
    await invoke(cog.timeout, cog, world.interaction(world.moderator), alias=alias.alias, minutes=30,
                 reason="cool off")
    member.mutual_guilds = [world.guild]
    dm = make_dm_channel(member)
    sharing = world.bot.get_cog("Sharing")
    await sharing.on_message(make_message(author=member, channel=dm, content=CRISIS))
    hook.send.assert_not_called()  # not relayed
    private = [note.text for _, user, note in world.notifier.dms if user == member.id] + sent_texts(dm.send)
    assert any(RESOURCES in text for text in private)  # screened first: care happened
    assert [f.kind for f in await world.bot.services.flags.list(world.guild.id)] == ["crisis"]
    assert any("paused your posting for now (until" in text and "nothing is lost" in text for text in private)
    assert CRISIS in private  # her words back


async def test_share_tells_a_timed_out_member_before_she_writes(world, cog, fern, clock) -> None:
    member, alias = fern
    await invoke(cog.timeout, cog, world.interaction(world.moderator), alias=alias.alias, minutes=30,
                 reason="cool off")
    sharing = world.bot.get_cog("Sharing")
    opening = world.interaction(member, world.channel)
    await invoke(sharing.share, sharing, opening)
    opening.response.send_modal.assert_not_called()
    assert "paused your posting for now (until 09:30 UTC)" in last_reply(opening)["content"]
    clock.advance(timedelta(minutes=30))
    later = world.interaction(member, world.channel)
    await invoke(sharing.share, sharing, later)
    later.response.send_modal.assert_awaited_once()


async def test_allow_lifts_a_removal_and_is_audited(world, cog, fern) -> None:
    member, alias = fern
    await invoke(cog.remove, cog, world.interaction(world.moderator), alias=alias.alias, group="Night feeds",
                 reason="repeated")
    assert "stays closed to you" in world.notifier.dms[-1][2].text and "/join" in world.notifier.dms[-1][2].text
    interaction = world.interaction(world.moderator)
    await invoke(cog.allow, cog, interaction, alias=alias.alias, group="Night feeds", reason="talked it through")
    reply = last_reply(interaction)
    assert reply["ephemeral"] and "allowed back into a group (group Night feeds)" in reply["content"]
    assert world.notifier.dms[-1][1] == member.id and "join **Night feeds** again" in world.notifier.dms[-1][2].text
    assert await actions(world) == ["group_create", "remove", "allow"]
    joined = await world.bot.services.membership.join(world.guild.id, member.id, world.group.id)
    assert joined.group.id == world.group.id


@pytest.mark.parametrize(("alias", "message"), [
    ("Nobody Here", "There is no member with the alias “Nobody Here” in this server."),
    (None, "isn't kept out of “Night feeds”, so there's nothing to lift: she can join it with /join."),
])
async def test_allow_with_bad_input_is_a_kind_message(world, cog, fern, alias, message) -> None:
    _, her = fern
    interaction = world.interaction(world.moderator)
    await invoke(cog.allow, cog, interaction, alias=alias or her.alias, group="Night feeds", reason="ok")
    reply = last_reply(interaction)
    assert message in reply["content"] and reply["ephemeral"]
    assert await actions(world) == ["group_create"]


async def test_allow_is_described_for_moderators(cog) -> None:
    assert "removed member" in cog.allow.description
    assert {p.name: p.description for p in cog.allow.parameters} == {
        "alias": "Her alias", "group": "The group she was removed from", "reason": "Why (recorded in the audit log)"}

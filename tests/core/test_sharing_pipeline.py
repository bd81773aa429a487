"""The sharing pipeline on the real SQLite file: every entry path × every refusal or failure gets crisis care.

Screening here is the safety net alone (the `services` fixture runs without the model), which is
exactly what must still protect her when the model fails; the model paths are tested at the end
with the real classifier.
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot.core.posts import PICK_PREFIX, REFLECT_SHARE
from bot.core.sharing import Outcome, PublishFailed, Words
from tests.helpers import RecordingNotifier, RecordingOutlet

GUILD, OTHER_GUILD = 41, 42
MOD = "m" * 64
USER = 412345678901270010  # snowflake-length: alerts are checked for not containing it
CRISIS = "I can't do this anymore, I've decided to end my life tonight"
HELLO = "hi all, first time posting here"
RESOURCES = "If you or your baby are in immediate danger"


@dataclass
class Ctx:
    services: object
    notifier: RecordingNotifier
    outlet: RecordingOutlet
    anonymous: object = None
    second: object = None
    open_group: object = None


async def make_ctx(services, *, dms_open: bool = True, can_answer: bool = True, publish_error=None) -> Ctx:
    await services.guilds.update(GUILD, region="UK", mod_log_channel_id=5)
    notifier = RecordingNotifier(dms_open=dms_open)
    ctx = Ctx(services, notifier, RecordingOutlet(notifier, can_answer=can_answer, publish_error=publish_error))
    groups = services.groups
    ctx.anonymous = await groups.create(GUILD, "Night feeds", "Late-night company", "postnatal depression",
                                        mode="anonymous", channel_id=900, role_id=901, actor=MOD)
    ctx.second = await groups.create(GUILD, "Early days", "First weeks", "postnatal depression",
                                     mode="anonymous", channel_id=902, role_id=903, actor=MOD)
    ctx.open_group = await groups.create(GUILD, "Open room", "Open", "postnatal depression", mode="open",
                                         channel_id=910, role_id=911, actor=MOD)
    return ctx


async def join(ctx: Ctx, group, user: int = USER) -> None:
    await ctx.services.membership.join(GUILD, user, group.id)


def share(ctx: Ctx, text: str = CRISIS, **kwargs) -> Words:
    return Words(USER, text, "share", guild_id=GUILD, group_id=kwargs.pop("group_id", ctx.anonymous.id), **kwargs)


def dm(text: str = CRISIS, mutual: tuple[int, ...] = (GUILD,)) -> Words:
    return Words(USER, text, "dm", mutual_guild_ids=mutual)


def in_channel(entry: str, channel_id: int, text: str = CRISIS) -> Words:
    return Words(USER, text, entry, guild_id=GUILD, channel_id=channel_id,
                 jump_url=f"https://discord.com/channels/{GUILD}/{channel_id}/77")


async def submit(ctx: Ctx, words: Words) -> Outcome:
    return await ctx.services.sharing.submit(words, ctx.outlet)


# -- each scenario: set up, then send crisis words one way ----------------------------------------

async def share_clean(ctx):
    await join(ctx, ctx.anonymous)
    return await submit(ctx, share(ctx))


async def share_in_cooldown(ctx):
    await join(ctx, ctx.anonymous)
    assert (await submit(ctx, share(ctx, HELLO))).result == "shared"
    return await submit(ctx, share(ctx))


async def share_cooldown_across_groups(ctx):
    await join(ctx, ctx.anonymous)
    await join(ctx, ctx.second)
    await submit(ctx, share(ctx, HELLO))
    return await submit(ctx, share(ctx, group_id=ctx.second.id))


async def share_group_archived_while_writing(ctx):
    await join(ctx, ctx.anonymous)
    await ctx.services.groups.archive(GUILD, ctx.anonymous.id, actor=MOD, reason="closing")
    return await submit(ctx, share(ctx))


async def share_reply_target_gone(ctx):
    await join(ctx, ctx.anonymous)
    return await submit(ctx, share(ctx, reply_to=99))


async def share_after_leaving(ctx):
    await join(ctx, ctx.anonymous)
    await ctx.services.groups.leave(GUILD, ctx.anonymous.id, ctx.services.aliases.pseudonym(GUILD, USER))
    return await submit(ctx, share(ctx))


async def share_too_long(ctx):
    await join(ctx, ctx.anonymous)
    return await submit(ctx, share(ctx, "we had a long day at the clinic. " * 130 + CRISIS))


async def dm_one_group(ctx):
    await join(ctx, ctx.anonymous)
    return await submit(ctx, dm())


async def dm_in_cooldown(ctx):
    await join(ctx, ctx.anonymous)
    await submit(ctx, dm(HELLO))
    return await submit(ctx, dm())


async def dm_several_groups(ctx):
    await join(ctx, ctx.anonymous)
    await join(ctx, ctx.second)
    return await submit(ctx, dm())


async def dm_never_joined(ctx):
    return await submit(ctx, dm())


async def dm_after_leaving(ctx):
    await join(ctx, ctx.anonymous)
    await ctx.services.groups.leave(GUILD, ctx.anonymous.id, ctx.services.aliases.pseudonym(GUILD, USER))
    return await submit(ctx, dm())


async def dm_group_archived(ctx):
    await join(ctx, ctx.anonymous)
    await ctx.services.groups.archive(GUILD, ctx.anonymous.id, actor=MOD, reason="closing")
    return await submit(ctx, dm())


async def open_group_message(ctx):
    await join(ctx, ctx.open_group)
    return await submit(ctx, in_channel("channel", 910))


async def open_group_thread(ctx):
    await join(ctx, ctx.open_group)
    return await submit(ctx, in_channel("thread", 910))


async def open_group_no_alias_record(ctx):
    return await submit(ctx, in_channel("channel", 910))


async def typed_into_anonymous_channel(ctx):
    return await submit(ctx, in_channel("channel", 900))


async def open_group_edit(ctx):
    await join(ctx, ctx.open_group)
    await submit(ctx, in_channel("channel", 910, HELLO))
    return await submit(ctx, in_channel("edit", 910))


async def dm_edit(ctx):
    await join(ctx, ctx.anonymous)
    await submit(ctx, dm(HELLO))
    return await submit(ctx, Words(USER, CRISIS, "edit", mutual_guild_ids=(GUILD,)))


async def model_raises(ctx):
    async def broken(text):
        raise RuntimeError("the model fell over")
    ctx.services.screener._classify = broken
    await join(ctx, ctx.anonymous)
    return await submit(ctx, share(ctx))


async def model_hangs(ctx):
    async def slow(text):
        await asyncio.sleep(30)
    ctx.services.screener._classify = slow
    ctx.services.screener._timeout = 0.05
    await join(ctx, ctx.anonymous)
    return await submit(ctx, dm())


Scenario = Callable[[Ctx], Awaitable[Outcome]]
# scenario, what happens to the post, whether her text must come back, alerts expected
CASES: list[tuple[Scenario, str, bool, int]] = [
    (share_clean, "shared", False, 1),
    (share_in_cooldown, "refused", True, 1),
    (share_cooldown_across_groups, "refused", True, 1),
    (share_group_archived_while_writing, "refused", True, 1),
    (share_reply_target_gone, "refused", True, 1),
    (share_after_leaving, "refused", True, 1),
    (share_too_long, "refused", True, 1),
    (dm_one_group, "shared", False, 1),
    (dm_in_cooldown, "refused", True, 1),
    (dm_several_groups, "held", False, 1),
    (dm_never_joined, "refused", True, 1),
    (dm_after_leaving, "refused", True, 1),
    (dm_group_archived, "refused", True, 1),
    (open_group_message, "observed", False, 1),
    (open_group_thread, "observed", False, 1),
    (open_group_no_alias_record, "observed", False, 1),
    (typed_into_anonymous_channel, "observed", False, 1),
    (open_group_edit, "observed", False, 1),
    (dm_edit, "observed", False, 1),
    (model_raises, "shared", False, 1),
    (model_hangs, "shared", False, 1),
]


def resources_reached_her(ctx: Ctx) -> bool:
    return any(RESOURCES in note.text for _, user, note in ctx.notifier.dms if user == USER) or \
        any(RESOURCES in text for text in ctx.outlet.texts())


def text_came_back(ctx: Ctx, text: str) -> bool:
    shown = [*ctx.outlet.texts(), *(note.text for _, _, note in ctx.notifier.dms)]
    return any(text[:40] in part for part in shown) and any("nothing is lost" in part for part in shown)


@pytest.mark.parametrize(("scenario", "result", "text_back", "alerts"), CASES,
                         ids=[case[0].__name__ for case in CASES])
async def test_crisis_care_on_every_path(services, scenario, result, text_back, alerts) -> None:
    ctx = await make_ctx(services)
    outcome = await scenario(ctx)
    assert outcome.screened.crisis
    assert outcome.result == result
    assert resources_reached_her(ctx)
    crisis_flags = [f for f in await services.flags.list(GUILD) if f.kind == "crisis"]
    assert len(crisis_flags) == alerts
    assert len([n for g, n in ctx.notifier.mod_log if g == GUILD and "Crisis language" in n.text]) == alerts
    assert text_came_back(ctx, CRISIS) == text_back
    for _, note in ctx.notifier.mod_log:
        assert "end my life" not in note.text


@pytest.mark.parametrize("publish_error", [
    PublishFailed("Discord didn't accept the post; please try again in a moment"),
    PublishFailed("I don't have permission to post in the group right now", "missing Manage Webhooks"),
    PublishFailed("the group's channel is missing", "The channel of a group is missing"),
    RuntimeError("webhook exploded"),
])
async def test_a_failed_relay_still_gets_crisis_care_and_gives_her_words_back(services, publish_error) -> None:
    ctx = await make_ctx(services, publish_error=publish_error)
    await join(ctx, ctx.anonymous)
    outcome = await submit(ctx, share(ctx))
    assert outcome.result == "refused"
    assert resources_reached_her(ctx) and text_came_back(ctx, CRISIS)
    assert len(await services.flags.list(GUILD)) == 1
    assert await services.db.fetchval("SELECT count(*) FROM relayed_posts") == 0  # the number was released
    if getattr(publish_error, "moderator_text", None):
        assert any(publish_error.moderator_text in note.text for _, note in ctx.notifier.mod_log)


@pytest.mark.parametrize(("dms_open", "can_answer", "line", "delivery"), [
    (True, True, "sent crisis resources by DM", "dm"),
    (False, True, "shown crisis resources privately where she wrote", "here"),
    (False, False, "could **not** be delivered", "none"),
])
async def test_the_alert_says_what_she_really_received(services, dms_open, can_answer, line, delivery) -> None:
    ctx = await make_ctx(services, dms_open=dms_open, can_answer=can_answer)
    await join(ctx, ctx.anonymous)
    outcome = await submit(ctx, share(ctx))
    assert outcome.care is not None and outcome.care.delivery == delivery
    [(_, alert)] = ctx.notifier.mod_log
    assert line in alert.text and "From: a /share post" in alert.text
    [flag] = await services.flags.list(GUILD)
    assert flag.delivery == delivery
    told = [text for text in ctx.outlet.texts() if "moderators know" in text]
    assert len(told) == (1 if delivery == "here" else 0)


async def test_she_is_told_the_moderators_know_only_when_the_alert_got_through(services) -> None:
    ctx = await make_ctx(services)
    await join(ctx, ctx.anonymous)
    ctx.notifier.log_open, ctx.notifier.lead = False, None  # no moderator log, and no safeguarding lead reachable
    outcome = await submit(ctx, share(ctx))
    assert outcome.care is not None and not outcome.care.moderators_told
    assert not any("moderators know" in note.text for _, _, note in ctx.notifier.dms)
    assert len(await services.flags.list(GUILD)) == 1  # still in the queue for /mod flags


async def test_when_the_moderator_log_fails_the_alert_escalates_at_once(services) -> None:
    ctx = await make_ctx(services)
    await join(ctx, ctx.anonymous)
    ctx.notifier.log_open = False
    outcome = await submit(ctx, share(ctx))
    [(_, escalated)] = ctx.notifier.escalations
    assert "Escalated" in escalated.text and "by DM" in escalated.text
    assert outcome.care is not None and outcome.care.moderators_told  # a person (the owner) was told
    [flag] = await services.flags.list(GUILD)
    assert flag.escalated_to == "the server owner by DM"
    assert flag.escalation_reason == "because the moderator log could not take the alert"


async def test_a_second_crisis_post_resends_resources_without_a_second_alert(services, clock) -> None:
    ctx = await make_ctx(services)
    await join(ctx, ctx.anonymous)
    await submit(ctx, share(ctx))
    clock.advance(timedelta(minutes=1))
    await submit(ctx, share(ctx, "I still want to end my life tonight"))
    assert sum(RESOURCES in note.text for _, _, note in ctx.notifier.dms) == 2
    assert len(await services.flags.list(GUILD)) == 1 and len(ctx.notifier.mod_log) == 1


async def test_a_relayed_crisis_post_is_linked_from_its_flag(services) -> None:
    ctx = await make_ctx(services)
    await join(ctx, ctx.anonymous)
    outcome = await submit(ctx, share(ctx))
    [flag] = await services.flags.list(GUILD)
    assert outcome.result == "shared" and flag.jump_url is not None
    assert flag.jump_url.startswith(f"https://discord.com/channels/{GUILD}/900/")


async def test_someone_in_no_group_gets_care_and_the_one_server_an_alias_alert(services) -> None:
    ctx = await make_ctx(services)
    await submit(ctx, dm())
    [flag] = await services.flags.list(GUILD)
    alias = await services.aliases.for_user(GUILD, USER)
    assert alias is not None and flag.alias == alias.alias and flag.group_id is None
    [(_, alert)] = ctx.notifier.mod_log
    assert str(USER) not in alert.text and "a direct message to the bot" in alert.text
    assert any("Samaritans" in text for text in ctx.outlet.texts())  # the UK server's resources


async def test_no_group_and_several_servers_gets_every_region_and_no_alert(services) -> None:
    ctx = await make_ctx(services)
    await services.guilds.update(OTHER_GUILD, region="US", mod_log_channel_id=6)
    await submit(ctx, dm(mutual=(GUILD, OTHER_GUILD)))
    [care] = [text for text in ctx.outlet.texts() if RESOURCES in text]
    assert "Samaritans" in care and "988" in care
    assert ctx.notifier.mod_log == [] and await services.flags.list(GUILD) == []


async def test_a_dm_in_several_groups_is_screened_before_she_picks_and_given_back_on_timeout(services) -> None:
    ctx = await make_ctx(services)
    await join(ctx, ctx.anonymous)
    await join(ctx, ctx.second)
    outcome = await submit(ctx, dm(HELLO))
    assert outcome.result == "held"
    [(note, held)] = ctx.outlet.held
    assert [c.id for c in note.choices] == [f"{PICK_PREFIX}{ctx.second.id}", f"{PICK_PREFIX}{ctx.anonymous.id}"]
    await services.sharing.expire(held, ctx.outlet)
    assert text_came_back(ctx, HELLO)
    again = await services.sharing.resume(held, note.choices[0].id, ctx.outlet)
    assert again.result == "ignored"  # a click after the timeout finds nothing


async def test_picking_a_group_relays_there(services) -> None:
    ctx = await make_ctx(services)
    await join(ctx, ctx.anonymous)
    await join(ctx, ctx.second)
    await submit(ctx, dm(HELLO))
    [(_, held)] = ctx.outlet.held
    outcome = await services.sharing.resume(held, f"{PICK_PREFIX}{ctx.second.id}", ctx.outlet)
    assert outcome.result == "shared"
    [plan] = ctx.outlet.published
    assert plan.group_id == ctx.second.id and HELLO in plan.parts[0]


async def test_an_edit_that_adds_crisis_words_gets_care(services) -> None:
    ctx = await make_ctx(services)
    await join(ctx, ctx.open_group)
    assert not (await submit(ctx, in_channel("channel", 910, HELLO))).screened.crisis
    outcome = await submit(ctx, in_channel("edit", 910, HELLO + " actually I want to end my life tonight"))
    assert outcome.screened.crisis and resources_reached_her(ctx)
    [(_, alert)] = ctx.notifier.mod_log
    assert "an edited message" in alert.text


async def test_messages_outside_group_channels_are_not_read(services) -> None:
    ctx = await make_ctx(services)
    outcome = await submit(ctx, in_channel("channel", 12345))
    assert outcome.result == "ignored" and ctx.notifier.dms == [] and ctx.notifier.mod_log == []


async def test_model_failures_are_counted_and_logged_without_words(services, caplog) -> None:
    async def broken(text):
        raise ValueError(text)  # an exception whose message is her text

    services.screener._classify = broken
    ctx = await make_ctx(services)
    await join(ctx, ctx.anonymous)
    await submit(ctx, share(ctx))
    assert services.screener.stats.model_failures == 1 and services.screener.stats.by_net_only == 1
    assert "end my life" not in caplog.text


async def test_a_lone_surrogate_is_screened_and_shared(services) -> None:
    ctx = await make_ctx(services)
    await join(ctx, ctx.anonymous)
    outcome = await submit(ctx, share(ctx, "hello \ud83d I want to end my life"))
    assert outcome.screened.crisis and outcome.result == "shared"


# -- with the real model ---------------------------------------------------------------------------

async def test_a_crisis_line_after_3000_characters_is_found(framing_services) -> None:
    ctx = await make_ctx(framing_services)
    await join(ctx, ctx.anonymous)
    update = "She fed well this morning and we went for a walk in the park, which was lovely. " * 40
    outcome = await submit(ctx, share(ctx, update + "I don't think I can keep myself safe tonight."))
    assert len(update) > 3000
    assert outcome.screened.crisis and resources_reached_her(ctx)


async def test_one_bad_text_never_costs_another_her_care(framing_services, monkeypatch) -> None:
    framing = framing_services.framing
    real = framing.batcher._classify

    def poisoned(texts):
        if any("POISON" in text for text in texts):
            raise RuntimeError("bad input")
        return real(texts)

    monkeypatch.setattr(framing.batcher, "_classify", poisoned)
    ctx = await make_ctx(framing_services)
    await join(ctx, ctx.open_group)
    await join(ctx, ctx.open_group, USER + 1)
    first, second = await asyncio.gather(
        submit(ctx, Words(USER + 1, "POISON text", "channel", guild_id=GUILD, channel_id=910)),
        submit(ctx, in_channel("channel", 910, "I've written goodbye letters to everyone and I know how I'll do it")),
    )
    assert second.screened.crisis and second.screened.result is not None  # the model read her words
    assert first.screened.model_failed and not first.screened.crisis


async def test_reflect_mode_pauses_a_share_and_share_as_it_is_relays_it(framing_services) -> None:
    ctx = await make_ctx(framing_services)
    await join(ctx, ctx.anonymous)
    await framing_services.framing.set_mode(GUILD, ctx.anonymous.id, "reflect", actor=MOD)
    text = "Every other mum at baby group has her life sorted and I'm the only one falling apart"
    outcome = await submit(ctx, share(ctx, text))
    assert outcome.result == "held"
    [(_, held)] = ctx.outlet.held
    assert ctx.outlet.published == []
    shared = await framing_services.sharing.resume(held, REFLECT_SHARE, ctx.outlet)
    assert shared.result == "shared" and len(ctx.outlet.published) == 1


async def test_a_crisis_share_is_never_paused(framing_services) -> None:
    ctx = await make_ctx(framing_services)
    await join(ctx, ctx.anonymous)
    await framing_services.framing.set_mode(GUILD, ctx.anonymous.id, "reflect", actor=MOD)
    outcome = await submit(ctx, share(ctx))
    assert outcome.result == "shared" and ctx.outlet.held == []


async def test_when_the_alert_cannot_be_written_she_still_gets_resources(services, monkeypatch) -> None:
    ctx = await make_ctx(services)
    await join(ctx, ctx.anonymous)

    async def database_down(*args, **kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(services.flags, "raise_flag", database_down)
    outcome = await submit(ctx, share(ctx))
    assert resources_reached_her(ctx)
    assert outcome.care is not None and outcome.care.delivery == "dm" and outcome.care.flag_ids == ()
    assert outcome.result == "shared"  # her post still goes out

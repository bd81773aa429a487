"""FramingService with the real model, real SQLite and a recording notifier (only Discord is faked)."""

import asyncio
import itertools
import random
from datetime import timedelta

import pytest

from bot.core.errors import UserError
from bot.core.framing.nudges import NudgeTexts
from bot.core.posts import REFLECT_EDIT, REFLECT_SHARE
from tests.helpers import RecordingNotifier

GUILD = 31
MOD = "m" * 64
CRISIS = "I can't do this anymore, I've decided to end my life tonight"
MODEL_CRISIS = "I've written goodbye letters to everyone and I know how I'll do it"
UPWARD = "Every other mum at baby group has her life sorted and I'm the only one falling apart"
UPWARD_2 = "All the other mothers make it look so easy and I'm so far behind them"
ISOLATION = "I feel so alone, nobody understands and I've got no one to talk to"
CH = "Me too, you're definitely not alone, so many of us have felt exactly like this"
NEUTRAL = "What time does the baby clinic open on Saturdays?"


@pytest.fixture
def framing(framing_services):
    return framing_services.framing


async def setup_member(services, user=5001, *, group_name="Night feeds"):
    existing = [g for g in await services.groups.list(GUILD) if g.name == group_name]
    group = existing[0] if existing else await services.groups.create(
        GUILD, group_name, "Late-night company", "postnatal depression", mode="anonymous", channel_id=900,
        role_id=901, actor=MOD)
    joined = await services.membership.join(GUILD, user, group.id)
    return await services.groups.get(GUILD, group.id), joined.alias


async def observe_outcome(framing, group, author, text, notifier, entry="share"):
    """What the pipeline does after a post is published: classify, then counts, nudges, reaction."""
    result = await framing.classify(text)
    return await framing.after_post(GUILD, group.id, author.pseudonym, author.user_id, result, entry, notifier)


async def observe(framing, group, author, text, notifier, entry="share"):
    return (await observe_outcome(framing, group, author, text, notifier, entry)).notes


async def reflect(framing, group, author, text):
    return await framing.reflect_note(GUILD, group.id, author.pseudonym, await framing.classify(text))


async def test_the_screener_reads_with_the_model(framing_services) -> None:
    screened = await framing_services.screener.screen(UPWARD)
    assert screened.result is not None and screened.result.label == "upward_comparison"


async def test_services_build_without_the_model(services) -> None:
    assert services.framing is None
    screened = await services.screener.screen(CRISIS)
    assert screened.crisis and screened.result is None  # the safety net alone still screens


# -- nudges ---------------------------------------------------------------------------------------

async def test_private_mode_nudges_by_dm_after_the_post(framing_services, framing) -> None:
    group, fern = await setup_member(framing_services)
    notifier = RecordingNotifier()
    assert await observe(framing, group, fern, UPWARD, notifier) == []
    [(_, user, note)] = notifier.dms
    assert user == fern.user_id
    assert any(note.text.startswith(text) for text in NudgeTexts.load().texts("upward_comparison"))
    assert "/nudges off" in note.text
    assert notifier.mod_log == []


async def test_nudge_with_closed_dms_is_returned(framing_services, framing) -> None:
    group, fern = await setup_member(framing_services)
    [note] = await observe(framing, group, fern, ISOLATION, RecordingNotifier(dms_open=False))
    assert any(note.text.startswith(text) for text in NudgeTexts.load().texts("isolation"))


async def test_off_mode_never_nudges(framing_services, framing) -> None:
    group, fern = await setup_member(framing_services)
    await framing.set_mode(GUILD, group.id, "off", actor=MOD)
    notifier = RecordingNotifier()
    await observe(framing, group, fern, UPWARD, notifier)
    assert notifier.dms == []


async def test_reflect_mode_pauses_a_share_with_both_choices(framing_services, framing) -> None:
    group, fern = await setup_member(framing_services)
    await framing.set_mode(GUILD, group.id, "reflect", actor=MOD)
    note = await reflect(framing, group, fern, UPWARD)
    assert note is not None and note.text in NudgeTexts.load().texts("reflect")
    assert [c.id for c in note.choices] == [REFLECT_SHARE, REFLECT_EDIT]
    assert [c.label for c in note.choices] == ["Share as it is", "Edit"]
    notifier = RecordingNotifier()
    await observe(framing, group, fern, UPWARD, notifier)
    assert notifier.dms == []  # the pause was her nudge


@pytest.mark.parametrize("source", ["dm", "channel"])
async def test_reflect_mode_falls_back_to_private_for_dm_and_channel_posts(framing_services, framing, source) -> None:
    group, fern = await setup_member(framing_services)
    await framing.set_mode(GUILD, group.id, "reflect", actor=MOD)
    notifier = RecordingNotifier()
    await observe(framing, group, fern, UPWARD, notifier, entry=source)
    assert len(notifier.dms) == 1


async def test_private_mode_does_not_pause_shares(framing_services, framing) -> None:
    group, fern = await setup_member(framing_services)
    assert await reflect(framing, group, fern, UPWARD) is None


async def test_at_most_one_nudge_per_interval(framing_services, framing, clock) -> None:
    group, fern = await setup_member(framing_services)
    notifier = RecordingNotifier()
    await observe(framing, group, fern, UPWARD, notifier)
    clock.advance(timedelta(hours=framing_services.settings.framing.nudge_interval_hours) - timedelta(minutes=1))
    await observe(framing, group, fern, ISOLATION, notifier)
    assert len(notifier.dms) == 1
    clock.advance(timedelta(minutes=1))
    await observe(framing, group, fern, ISOLATION, notifier)
    assert len(notifier.dms) == 2


async def test_the_rate_limit_is_per_member(framing_services, framing) -> None:
    group, fern = await setup_member(framing_services, 5001)
    _, robin = await setup_member(framing_services, 5002)
    notifier = RecordingNotifier()
    await observe(framing, group, fern, UPWARD, notifier)
    await observe(framing, group, robin, UPWARD, notifier)
    assert [user for _, user, _ in notifier.dms] == [fern.user_id, robin.user_id]


async def test_opt_out_and_back_in(framing_services, framing, clock) -> None:
    group, fern = await setup_member(framing_services)
    await framing.set_nudges(GUILD, fern.pseudonym, False)
    assert not await framing.nudges_enabled(GUILD, fern.pseudonym)
    notifier = RecordingNotifier()
    await observe(framing, group, fern, UPWARD, notifier)
    await framing.set_mode(GUILD, group.id, "reflect", actor=MOD)
    assert await reflect(framing, group, fern, UPWARD) is None
    assert notifier.dms == []
    await framing.set_nudges(GUILD, fern.pseudonym, True)
    await framing.set_mode(GUILD, group.id, "private", actor=MOD)
    await observe(framing, group, fern, UPWARD, notifier)
    assert len(notifier.dms) == 1


async def test_never_the_same_text_twice_in_a_row(framing_services, framing, clock) -> None:
    group, fern = await setup_member(framing_services)
    framing._rng = random.Random(7)
    notifier = RecordingNotifier()
    for _ in range(25):
        await observe(framing, group, fern, UPWARD, notifier)
        clock.advance(timedelta(hours=7))
    texts = [note.text for _, _, note in notifier.dms]
    assert len(texts) == 25
    assert all(a != b for a, b in itertools.pairwise(texts))
    row = await framing_services.db.fetchone("SELECT * FROM framing_members")
    assert set(dict(row)) == {"guild_id", "pseudonym", "nudges_off", "last_nudge_at", "last_nudge_kind",
                              "last_nudge_index"}


async def test_threshold_decides_whether_to_nudge(framing_services, framing) -> None:
    group, fern = await setup_member(framing_services)
    result = await framing.classify(UPWARD_2)
    assert result.label == "upward_comparison"
    probability = result.scores["upward_comparison"]
    assert 0.5 < probability < 1.0
    await framing.set_threshold(GUILD, group.id, (probability + 1) / 2, actor=MOD)
    notifier = RecordingNotifier()
    await observe(framing, group, fern, UPWARD_2, notifier)
    assert notifier.dms == []
    await framing.set_threshold(GUILD, group.id, probability - 0.01, actor=MOD)
    await observe(framing, group, fern, UPWARD_2, notifier)
    assert len(notifier.dms) == 1


@pytest.mark.parametrize("text", [CH, NEUTRAL])
async def test_no_nudge_for_connection_or_neutral_posts(framing_services, framing, text) -> None:
    group, fern = await setup_member(framing_services)
    notifier = RecordingNotifier()
    await observe(framing, group, fern, text, notifier)
    assert notifier.dms == [] and notifier.mod_log == []


@pytest.mark.parametrize("value", [0.0, 1.0, -0.3, 2.0])
async def test_bad_thresholds_are_refused_kindly(framing_services, framing, value) -> None:
    group, _ = await setup_member(framing_services)
    with pytest.raises(UserError, match="between 0 and 1"):
        await framing.set_threshold(GUILD, group.id, value, actor=MOD)
    assert not (await framing.group_settings(GUILD, group.id)).threshold_overridden


async def test_bad_mode_is_refused(framing_services, framing) -> None:
    group, _ = await setup_member(framing_services)
    with pytest.raises(UserError, match="off, private, reflect"):
        await framing.set_mode(GUILD, group.id, "loud", actor=MOD)


async def test_settings_changes_are_audited(framing_services, framing) -> None:
    group, _ = await setup_member(framing_services)
    await framing.set_mode(GUILD, group.id, "reflect", actor=MOD)
    await framing.set_reaction(GUILD, group.id, True, actor=MOD)
    actions = [row[0] for row in await framing_services.db.fetchall(
        "SELECT action FROM audit_log WHERE action LIKE 'framing_%' ORDER BY id")]
    assert actions == ["framing_mode", "framing_reaction"]
    config = await framing.group_settings(GUILD, group.id)
    assert (config.mode, config.react) == ("reflect", True)


# -- reactions ------------------------------------------------------------------------------------

async def test_common_humanity_reaction_only_when_the_group_has_it_on(framing_services, framing) -> None:
    group, fern = await setup_member(framing_services)
    outcome = await observe_outcome(framing, group, fern, CH, RecordingNotifier())
    assert outcome.reaction is None
    await framing.set_reaction(GUILD, group.id, True, actor=MOD)
    outcome = await observe_outcome(framing, group, fern, CH, RecordingNotifier())
    assert outcome.reaction == "💛"
    outcome = await observe_outcome(framing, group, fern, NEUTRAL, RecordingNotifier())
    assert outcome.reaction is None


# -- counts, not content --------------------------------------------------------------------------

async def test_counts_per_day_and_label_and_no_text_anywhere(framing_services, framing, clock) -> None:
    group, fern = await setup_member(framing_services)
    notifier = RecordingNotifier()
    for text in (CH, CH, UPWARD, NEUTRAL, CRISIS):
        await observe(framing, group, fern, text, notifier)
    [week] = await framing.weekly_stats(GUILD, group.id)
    assert week.counts["common_humanity"] == 2 and week.counts["upward_comparison"] == 1
    assert week.counts["neutral"] == 1 and week.counts["crisis"] == 1
    assert week.connection_index == pytest.approx(2 / 3)
    db = framing_services.db
    for table in await db.tables():
        dump = str([tuple(row) for row in await db.fetchall(f'SELECT * FROM "{table}"')]).casefold()
        for text in (CH, UPWARD, NEUTRAL, CRISIS):
            for fragment in (text.casefold()[:25], text.casefold()[-20:]):
                assert fragment not in dump, table


async def test_connection_index_is_none_without_framed_posts(framing_services, framing) -> None:
    group, fern = await setup_member(framing_services)
    await observe(framing, group, fern, NEUTRAL, RecordingNotifier())
    [week] = await framing.weekly_stats(GUILD, group.id)
    assert week.connection_index is None


async def test_weeks_are_separate(framing_services, framing, clock) -> None:
    group, fern = await setup_member(framing_services)
    await observe(framing, group, fern, CH, RecordingNotifier())
    clock.advance(timedelta(days=7))
    await observe(framing, group, fern, NEUTRAL, RecordingNotifier())
    newest, oldest = await framing.weekly_stats(GUILD, group.id)
    assert newest.week_start > oldest.week_start
    assert newest.counts["neutral"] == 1 and oldest.counts["common_humanity"] == 1


async def test_nothing_is_logged_from_the_text(framing_services, framing, caplog) -> None:
    caplog.set_level("DEBUG")
    group, fern = await setup_member(framing_services)
    for text in (CRISIS, UPWARD):
        await observe(framing, group, fern, text, RecordingNotifier())
    assert "end my life" not in caplog.text and "falling apart" not in caplog.text


# -- batching off the loop ------------------------------------------------------------------------

async def test_messages_arriving_together_share_one_forward_pass(framing) -> None:
    before = framing.batcher.batches
    results = await asyncio.gather(*(framing.classify(t) for t in (CH, UPWARD, NEUTRAL, ISOLATION)))
    assert [r.label for r in results] == ["common_humanity", "upward_comparison", "neutral", "isolation"]
    assert framing.batcher.batches - before == 1


async def test_the_loop_keeps_answering_while_the_model_works(framing) -> None:
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.001)
            ticks += 1

    task = asyncio.create_task(ticker())
    await asyncio.gather(*(framing.classify("x " * 400 + str(i)) for i in range(64)))
    task.cancel()
    assert ticks > 5

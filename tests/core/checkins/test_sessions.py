"""Taking a check-in through the flow: stored scores, safety rules, resuming, and refusing bad input."""

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.checkins.sessions import NOT_AN_OPTION, STALE
from bot.core.errors import UserError
from bot.services import open_services
from bot.settings import load_settings
from tests.core.checkins.conftest import GUILD, RecordingNotifier, build_world

MONDAY_19 = datetime(2026, 3, 2, 19, tzinfo=UTC)


def write_epds_overlay(folder: Path) -> Path:
    """Stand-in wording (not the licensed text) in the overlay format an operator would use."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ['recall = "In the past 7 days (test wording):"']
    for number in range(1, 11):
        labels = ", ".join(f'"item {number} option {p + 1}"' for p in range(4))
        lines += ["[[items]]", f"number = {number}", f'text = "Test item {number}"', f"options = [{labels}]", ""]
    (folder / "epds.toml").write_text("\n".join(lines), encoding="utf-8")
    return folder


@pytest.fixture
async def licensed_services(tmp_path: Path, env: dict[str, str], clock) -> AsyncIterator:
    licensed_env = {**env, "PEERBOT_QUESTIONNAIRES__LICENSED_TEXT_DIR": str(write_epds_overlay(tmp_path / "lic"))}
    async with open_services(load_settings(env=licensed_env), clock, env=licensed_env) as opened:
        yield opened


async def started(world, instrument: str = "phq9"):
    await world.schedule(instrument)
    await world.move_to(MONDAY_19)
    return world.members[0], await world.open_id(world.members[0])


async def stored_score(world) -> tuple[dict, list[tuple]]:
    score = dict(await world.services.db.fetchone("SELECT * FROM scores"))
    answers = await world.services.db.fetchall("SELECT item, position, value FROM answers WHERE score_id = ? "
                                               "ORDER BY item", (score["id"],))
    return score, [tuple(row) for row in answers]


# fmt: off
FLOW_CASES = [
    # PHQ-9: position p scores p → 1+0+2+0+3+0+1+0+0 = 7 (mild, 5–9)
    ("phq9", [1, 0, 2, 0, 3, 0, 1, 0, 0], 7, {}, "mild"),
    # GAD-7: 2+2+1+1+0+0+3 = 9 (mild, 5–9)
    ("gad7", [2, 2, 1, 1, 0, 0, 3], 9, {}, "mild"),
    # PHQ-2: 2+1 = 3 (screen positive at 3); GAD-2: 1+1 = 2 (negative)
    ("phq2", [2, 1], 3, {}, "screen positive"),
    ("gad2", [1, 1], 2, {}, "screen negative"),
    # SCS-SF: answered = p+1; items 1, 4, 8, 9, 11, 12 reversed (6 − answered).
    #   answered 1 2 3 4 5 1 2 3 4 5 1 2 → scored 5 2 3 2 5 1 2 3 2 5 5 4 = 39 → 39/12 = 3.25
    #   subscales (answered means): kindness (2,6) 1.5; judgment (11,12) 1.5; humanity (5,10) 5.0;
    #   isolation (4,8) 3.5; mindfulness (3,7) 2.5; over-identification (1,9) 2.5
    ("scs_sf", [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1], 3.25,
     {"self_kindness": 1.5, "self_judgment": 1.5, "common_humanity": 5.0, "isolation": 3.5, "mindfulness": 2.5,
      "over_identification": 2.5}, "moderate"),
    # connection: 1, 2, 3, (item 4 reversed: 4 − 1 = 3), 2 → 11/5 = 2.2; subscales use answered values
    ("connection", [1, 2, 3, 1, 2], 2.2,
     {"mood": 1.0, "connected": 2.0, "common_humanity": 3.0, "isolation": 1.0, "helped": 2.0}, "a mixed week"),
]
# fmt: on


@pytest.mark.parametrize(("instrument", "positions", "total", "subscales", "band"), FLOW_CASES)
async def test_every_instrument_through_the_flow_stores_the_right_score(
    world, instrument, positions, total, subscales, band
) -> None:
    member, checkin_id = await started(world, instrument)
    step = await world.answer_all(member, positions)
    assert step.completed
    score, answers = await stored_score(world)
    assert (score["instrument"], score["total"], score["band"]) == (instrument, total, band)
    assert json.loads(score["subscales"]) == subscales
    assert (score["pseudonym"], score["group_id"], score["guild_id"]) == (member.pseudonym, world.group_id, GUILD)
    assert score["checkin_id"] == checkin_id and score["completed_at"] == "2026-03-02T19:00:00+00:00"
    assert [a[:2] for a in answers] == list(enumerate(positions, start=1))
    instrument_def = world.services.instruments[instrument]
    assert [a[2] for a in answers] == [instrument_def.option_score(n, p) for n, p in enumerate(positions, 1)]
    assert (await world.checkins.sessions.load(checkin_id)).state == "completed"
    assert "Thank you for checking in" in step.notes[-1].text and "/mytrends" in step.notes[-1].text


async def test_epds_with_a_licensed_overlay(licensed_services, clock) -> None:
    world = await build_world(licensed_services, clock, members=1)
    member, _ = await started(world, "epds")
    first = world.notifier.dms_to(member.user_id)[0]
    assert "Test item 1" in first.text and "In the past 7 days (test wording)" in first.text
    # Items 1, 2, 4 score p; 3, 5–10 score 3 − p: 3+3+(3−2)+3+(3−2)+(3−2)+(3−2)+0+0+0 = 13 (probable);
    # EPDS-3A = item 3 (1) + item 4 (3) + item 5 (1) = 5; item 10 at position 3 scores 0: no alert.
    step = await world.answer_all(member, [3, 3, 2, 3, 2, 2, 2, 3, 3, 3])
    score, answers = await stored_score(world)
    assert (score["total"], score["band"], json.loads(score["subscales"])) == (13, "probable depression",
                                                                              {"anxiety_epds3a": 5})
    assert answers[2] == (3, 2, 1.0) and answers[9] == (10, 3, 0.0)
    assert world.notifier.mod_log == [] and len(step.notes) == 1
    assert "13 out of 30" in step.notes[0].text


async def test_epds_item_10_fires_its_safety_rule(licensed_services, clock) -> None:
    world = await build_world(licensed_services, clock, members=1)
    member, checkin_id = await started(world, "epds")
    sessions = world.checkins.sessions
    for number in range(1, 10):
        await sessions.answer(checkin_id, member.user_id, number, 3, world.notifier)
    assert world.notifier.mod_log == []
    # Item 10, first option, scores 3 (reversed): the rule fires on this answer, before the result.
    step = await sessions.answer(checkin_id, member.user_id, 10, 0, world.notifier)
    safety, result = step.notes
    assert "a moderator will check in" in safety.text and "Samaritans" in safety.text
    assert "Thank you for checking in" in result.text
    flag = dict(await world.services.db.fetchone("SELECT * FROM flags"))
    rule = world.services.instruments["epds"].safety_rules[0]
    assert (flag["kind"], flag["detail"], flag["alias"]) == (
        "safety", f"her answer to EPDS question {rule.item} (thoughts of harming herself) needs a check-in",
        member.alias)
    assert "About 9" not in flag["detail"]  # the questionnaire file's operator note never reaches an alert
    [alert] = world.notifier.mod_log
    assert member.alias in alert.text and "EPDS" in alert.text and "Evening Circle" in alert.text
    assert [c.label for c in alert.choices] == ["Acknowledge", "Resolve"]


async def test_phq9_item_9_alerts_at_once_with_the_regions_resources(world) -> None:
    await world.services.guilds.update(GUILD, region="US")
    member, checkin_id = await started(world)
    sessions = world.checkins.sessions
    for number in range(1, 9):
        await sessions.answer(checkin_id, member.user_id, number, 0, world.notifier)
    step = await sessions.answer(checkin_id, member.user_id, 9, 1, world.notifier)
    safety, result = step.notes
    assert "988" in safety.text and "Samaritans" not in safety.text
    assert "carry on" not in safety.text  # it was the last item: the result follows, not another question
    [alert] = world.notifier.mod_log
    assert "Check-in safety answer" in alert.text and "PHQ-9" in alert.text and member.alias in alert.text
    assert "Several days" not in alert.text  # her answer itself is never shown
    assert "1 out of 27" in result.text
    flags = await world.services.flags.list(GUILD)
    assert len(flags) == 1 and flags[0].kind == "safety"
    # Re-alerts come from the shared flag queue until someone acknowledges.
    world.clock.advance(timedelta(minutes=10))
    await world.services.run_due(world.notifier)
    assert len(world.notifier.mod_log) == 2 and "Re-alert" in world.notifier.mod_log[1].text


async def test_back_pause_and_continue(world) -> None:
    member, checkin_id = await started(world)
    sessions = world.checkins.sessions
    step = await sessions.answer(checkin_id, member.user_id, 1, 2, world.notifier)
    assert "2 of 9" in step.notes[0].text and "◀ Back" in [c.label for c in step.notes[0].choices]
    step = await sessions.back(checkin_id, member.user_id, 2)
    assert "1 of 9" in step.notes[0].text
    assert (await sessions.load(checkin_id)).answers == ()
    step = await sessions.pause(checkin_id, member.user_id)
    assert "Paused" in step.notes[0].text and step.notes[0].choices[0].id == f"ci:{checkin_id}:go"
    step = await sessions.resume(checkin_id, member.user_id)
    assert "1 of 9" in step.notes[0].text
    with pytest.raises(UserError, match="first question"):
        await sessions.back(checkin_id, member.user_id, 1)


async def test_half_answered_resumes_after_a_restart(world, settings, env) -> None:
    member, checkin_id = await started(world)
    for number, position in enumerate([3, 3, 3], start=1):
        await world.checkins.sessions.answer(checkin_id, member.user_id, number, position, world.notifier)
    async with open_services(settings, world.clock, env=env) as restarted:
        note = await restarted.checkins.take_now(GUILD, member.user_id)
        assert "4 of 9" in note.text
        for number in range(4, 10):
            step = await restarted.checkins.sessions.answer(checkin_id, member.user_id, number, 1, world.notifier)
        assert step.completed
        # 3+3+3 before the restart, 6×1 after = 15 (moderately severe); item 9 at 1 fired the rule
        assert await restarted.db.fetchval("SELECT total FROM scores") == 15
        assert len(world.notifier.mod_log) == 1


@pytest.mark.parametrize("position", [4, -1, 99])
async def test_an_answer_out_of_range_changes_nothing(world, position) -> None:
    member, checkin_id = await started(world)
    with pytest.raises(UserError) as caught:
        await world.checkins.sessions.answer(checkin_id, member.user_id, 1, position, world.notifier)
    assert caught.value.message == NOT_AN_OPTION
    assert (await world.checkins.sessions.load(checkin_id)).answers == ()


async def test_a_second_answer_to_the_same_item_changes_nothing(world) -> None:
    member, checkin_id = await started(world)
    sessions = world.checkins.sessions
    await sessions.answer(checkin_id, member.user_id, 1, 2, world.notifier)
    with pytest.raises(UserError) as caught:
        await sessions.answer(checkin_id, member.user_id, 1, 0, world.notifier)
    assert caught.value.message == STALE
    with pytest.raises(UserError):
        await sessions.back(checkin_id, member.user_id, 5)  # a stale back button
    assert (await sessions.load(checkin_id)).answers == (2,)


async def test_two_clicks_at_once_record_one_answer(world) -> None:
    member, checkin_id = await started(world)
    sessions = world.checkins.sessions
    results = await asyncio.gather(sessions.answer(checkin_id, member.user_id, 1, 1, world.notifier),
                                   sessions.answer(checkin_id, member.user_id, 1, 3, world.notifier),
                                   return_exceptions=True)
    assert sum(isinstance(r, UserError) for r in results) == 1
    assert len((await sessions.load(checkin_id)).answers) == 1


async def test_a_questionnaire_from_an_earlier_period_is_closed(world) -> None:
    member, old_id = await started(world)
    await world.checkins.sessions.answer(old_id, member.user_id, 1, 1, world.notifier)
    await world.move_to(MONDAY_19 + timedelta(days=2))  # still open (expiry is 3 days) …
    await world.services.db.execute("UPDATE checkins SET expires_at = '2026-03-20T00:00:00+00:00'")
    await world.move_to(MONDAY_19 + timedelta(days=7))  # … until the next period begins
    with pytest.raises(UserError, match="earlier period"):
        await world.checkins.sessions.answer(old_id, member.user_id, 2, 1, world.notifier)
    old = await world.checkins.sessions.load(old_id)
    assert (old.state, old.reason, old.answers) == ("missed", "superseded", (1,))
    assert "1 of 9" in (await world.checkins.take_now(GUILD, member.user_id)).text


async def test_someone_elses_check_in_is_not_found(world) -> None:
    _, checkin_id = await started(world)
    other = world.members[1]
    with pytest.raises(UserError, match="can't find that check-in"):
        await world.checkins.sessions.answer(checkin_id, other.user_id, 1, 0, world.notifier)
    with pytest.raises(UserError, match="can't find that check-in"):
        await world.checkins.sessions.answer(999_999, other.user_id, 1, 0, world.notifier)


async def test_a_finished_check_in_takes_no_more_answers(world) -> None:
    member, checkin_id = await started(world, "phq2")
    await world.answer_all(member, [0, 0])
    with pytest.raises(UserError, match="already finished"):
        await world.checkins.sessions.answer(checkin_id, member.user_id, 2, 1, world.notifier)
    assert await world.services.db.fetchval("SELECT count(*) FROM scores") == 1


async def test_unknown_or_unsendable_instruments_cannot_be_scheduled(world) -> None:
    with pytest.raises(UserError, match="no questionnaire called 'moodscale'"):
        await world.schedule("moodscale")
    with pytest.raises(UserError, match=r"EPDS item text is not bundled.*licensed_text_dir"):
        await world.schedule("epds")
    assert await world.services.db.fetchval("SELECT count(*) FROM checkin_schedules") == 0


async def test_an_instrument_that_disappeared_gets_a_kind_message(world) -> None:
    member, checkin_id = await started(world)
    await world.services.db.execute("UPDATE checkins SET instrument = 'retired'")
    with pytest.raises(UserError, match="isn't available any more"):
        await world.checkins.sessions.answer(checkin_id, member.user_id, 1, 0, world.notifier)


async def test_results_are_kind_and_never_a_diagnosis(world) -> None:
    member, _ = await started(world)
    step = await world.answer_all(member, [3] * 9)
    result = step.notes[-1].text
    assert "27 out of 27" in result and "not a diagnosis" in result
    assert "severe" not in result.lower()


async def test_erasure_and_retention_can_delete_rows_in_any_order(world) -> None:
    """/forget-me and the retention purge delete by table; foreign keys must never block them."""
    member, checkin_id = await started(world, "phq2")
    await world.answer_all(member, [1, 2])
    db = world.services.db
    await db.execute("DELETE FROM checkins WHERE id = ?", (checkin_id,))
    assert await db.fetchval("SELECT checkin_id FROM scores") is None
    await db.execute("DELETE FROM scores WHERE pseudonym = ?", (member.pseudonym,))
    assert await db.fetchval("SELECT count(*) FROM answers") == 0


async def test_a_crash_between_the_safety_answer_and_its_alert_loses_nothing(world) -> None:
    member, checkin_id = await started(world)
    sessions = world.checkins.sessions
    for number in range(1, 9):
        await sessions.answer(checkin_id, member.user_id, number, 0, world.notifier)

    class PowerCut(RecordingNotifier):
        async def send_alert(self, guild_id, note, *, mention):
            raise RuntimeError("the process died here")

    with pytest.raises(RuntimeError, match="died"):
        await sessions.answer(checkin_id, member.user_id, 9, 1, PowerCut())
    row = dict(await world.services.db.fetchone("SELECT state, safety_fired FROM checkins WHERE id = ?",
                                                 (checkin_id,)))
    assert row["state"] == "completed" and "phq9_item9_self_harm" in row["safety_fired"]
    after_restart = RecordingNotifier()
    world.clock.advance(timedelta(minutes=3))  # a restart takes a moment; the dead sender's lease runs out
    await world.services.run_due(after_restart)
    await world.services.run_due(after_restart)
    assert [note.text.splitlines()[0] for note in after_restart.mod_log] == [
        "**Check-in safety answer — please check in** (flag #1)"]

"""Issue 17's rough edges, on SQLite and PostgreSQL: a consent never answered is asked once and reminded
once (then skipped, not missed); several check-ins due together reach her one at a time; with DMs closed
she is told once, on her next interaction, that a check-in is waiting.

The clock starts on Monday 2 March 2026, 09:00 UTC; a weekly 19:00 schedule first falls due at 19:00 UTC.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.checkins import messages
from bot.core.checkins.buttons import answer_id, pause_id
from bot.store.checkins_repo import CheckinsRepository
from bot.store.outcomes_repo import OutcomesRepository
from tests.core.checkins.conftest import GUILD, backend_env, build_world

MONDAY_19 = datetime(2026, 3, 2, 19, tzinfo=UTC)
WEEK = timedelta(days=7)


@pytest.fixture
def env(tmp_path: Path, postgres_url: str) -> dict[str, str]:
    return backend_env(tmp_path, postgres_url)  # these tests run on SQLite and PostgreSQL


async def her_rows(world, member) -> list[tuple[str, str, str]]:
    """(period, state, reason) of each of her check-ins, in order."""
    return [(row["period_key"], row["state"], row["reason"]) for row in await world.rows()
            if row["pseudonym"] == member.pseudonym]


async def finish(world, member, checkin_id: int, answers: int) -> object:
    """Answer every item with the first option, through the service's button path; the last step."""
    step = None
    for number in range(1, answers + 1):
        step = await world.checkins.press(answer_id(checkin_id, number, 0)[3:], member.user_id, world.notifier)
    return step


# -- 1. consent never answered: asked once, reminded once, then skipped (not missed) -------------------------


async def test_a_consent_never_answered_is_asked_once_reminded_once_and_never_counted_missed(world) -> None:
    newcomer = await world.add_member(7777, consent=None)
    await world.schedule()
    await world.move_to(MONDAY_19)
    [ask] = world.notifier.dms_to(newcomer.user_id)
    assert "Before I send you one, I'd like your OK" in ask.text
    await world.move_to(MONDAY_19 + timedelta(hours=24))
    [_, reminder] = world.notifier.dms_to(newcomer.user_id)
    assert reminder.text.startswith("A gentle reminder") and "I'd like your OK" in reminder.text
    await world.move_to(MONDAY_19 + timedelta(days=3))  # expiry
    for week in (1, 2):
        await world.move_to(MONDAY_19 + week * WEEK)
        await world.move_to(MONDAY_19 + week * WEEK + timedelta(days=3))
    assert len(world.notifier.dms_to(newcomer.user_id)) == 2  # never asked again
    assert await her_rows(world, newcomer) == [
        ("2026-03-02T19:00", "skipped", "consent not answered"),
        ("2026-03-09T19:00", "skipped", "consent not answered"),
        ("2026-03-16T19:00", "skipped", "consent not answered"),
    ]
    [status] = await world.checkins.schedules.status(GUILD)
    # The two members who consented let three check-ins each expire: 6 missed, none of hers.
    assert (status.missed, status.open, status.awaiting_consent) == (6, 0, 3)
    text = await world.checkins.describe_status(GUILD)
    assert "0 completed, 6 missed, 0 open" in text
    assert "Waiting for a member's OK" in text and "Evening Circle · PHQ-9: 3 check-ins" in text
    assert newcomer.alias not in text


async def test_after_saying_yes_the_next_period_reaches_her_normally(world) -> None:
    newcomer = await world.add_member(7777, consent=None)
    await world.schedule()
    await world.move_to(MONDAY_19)
    await world.move_to(MONDAY_19 + timedelta(days=3))
    outcome = await world.checkins.set_consent(GUILD, newcomer.user_id, "checkins", True)
    assert outcome.checkin is None  # her unanswered one has closed: nothing to start now
    await world.move_to(MONDAY_19 + WEEK)
    latest = world.notifier.dms_to(newcomer.user_id)[-1]
    assert "1 of 9" in latest.text
    assert (await her_rows(world, newcomer))[-1] == ("2026-03-09T19:00", "sent", "")


async def test_an_open_consent_request_is_not_a_check_in_sent_in_the_figures(world) -> None:
    newcomer = await world.add_member(7777, consent=None)
    await world.schedule()
    await world.move_to(MONDAY_19)
    [status] = await world.checkins.schedules.status(GUILD)
    assert (status.sent, status.open, status.awaiting_consent) == (2, 2, 1)
    summary = await OutcomesRepository(world.services.db).checkin_counts(GUILD)
    assert summary[world.group_id].due == 2
    # Once she says yes, her check-in is an ordinary one: in her hands, counted, and missed if it runs out.
    await world.checkins.set_consent(GUILD, newcomer.user_id, "checkins", True)
    [status] = await world.checkins.schedules.status(GUILD)
    assert (status.sent, status.open, status.awaiting_consent) == (3, 3, 0)
    await world.move_to(MONDAY_19 + timedelta(days=3))
    assert (await her_rows(world, newcomer))[-1] == ("2026-03-02T19:00", "missed", "expired")


# -- 2. several due together arrive one at a time ---------------------------------------------------------


async def two_due_together(world) -> None:
    await world.schedule("phq9")
    await world.schedule("gad7")
    await world.move_to(MONDAY_19)


async def test_two_questionnaires_due_together_arrive_one_at_a_time(world) -> None:
    await two_due_together(world)
    member = world.members[0]
    [first] = world.notifier.dms_to(member.user_id)
    assert "PHQ-9" in first.text
    await world.move_to(MONDAY_19 + timedelta(minutes=5))
    assert len(world.notifier.dms_to(member.user_id)) == 1  # the GAD-7 waits behind it
    checkin_id = await world.open_id(member)
    step = await finish(world, member, checkin_id, 9)
    assert step.completed
    result, following = step.notes
    assert "Thank you for checking in" in result.text
    assert "GAD-7" in following.text and "1 of 7" in following.text  # straight after, where she answered
    await world.move_to(MONDAY_19 + timedelta(minutes=10))
    assert len(world.notifier.dms_to(member.user_id)) == 1  # and not a second time by DM
    states = sorted((row["instrument"], row["state"]) for row in await world.rows()
                    if row["pseudonym"] == member.pseudonym)
    assert states == [("gad7", "sent"), ("phq9", "completed")]


async def test_after_a_pause_or_an_expiry_the_next_goes_with_the_next_run(world) -> None:
    await two_due_together(world)
    paused, silent = world.members
    checkin_id = await world.open_id(paused)
    step = await world.checkins.press(pause_id(checkin_id, 1)[3:], paused.user_id, world.notifier)
    assert step.paused and len(step.notes) == 1 and "Paused" in step.notes[0].text
    await world.move_to(MONDAY_19 + timedelta(seconds=30))
    assert [("GAD-7" in note.text) for note in world.notifier.dms_to(paused.user_id)] == [False, True]
    assert len(world.notifier.dms_to(silent.user_id)) == 1
    # She didn't open hers: the GAD-7 waits until the PHQ-9 expires, then goes (not "missed offline").
    await world.move_to(MONDAY_19 + timedelta(days=3))
    assert "GAD-7" in world.notifier.dms_to(silent.user_id)[-1].text
    assert sorted((row["instrument"], row["state"], row["reason"]) for row in await world.rows()
                  if row["pseudonym"] == silent.pseudonym) == [("gad7", "sent", ""), ("phq9", "missed", "expired")]


async def test_finishing_long_after_the_due_time_still_brings_the_next(world) -> None:
    await two_due_together(world)
    member = world.members[0]
    checkin_id = await world.open_id(member)
    await world.move_to(MONDAY_19 + timedelta(hours=20))  # well past the 12-hour catch-up window
    step = await finish(world, member, checkin_id, 9)
    assert "GAD-7" in step.notes[-1].text


async def test_one_at_a_time_holds_when_runs_race(world) -> None:
    await world.schedule("phq9")
    await world.schedule("gad7")
    world.clock.set(MONDAY_19 + timedelta(seconds=5))
    await asyncio.gather(world.run(), world.run(), world.run(), world.run())
    for member in world.members:
        assert len(world.notifier.dms_to(member.user_id)) == 1
    rows = await world.rows()
    assert sorted(row["state"] for row in rows) == ["pending", "pending", "sent", "sent"]


async def test_concurrent_claims_of_her_rows_hand_her_one(world) -> None:
    """Every questionnaire at once, each claimed by three workers at the same moment (on PostgreSQL each on
    its own connection): exactly one of her check-ins is sent."""
    for instrument in ("phq9", "gad7", "phq2", "gad2", "scs_sf", "connection"):
        await world.schedule(instrument)
    world.clock.set(MONDAY_19)
    await world.checkins.planner.plan_due()
    member = world.members[0]
    ids = [row["id"] for row in await world.rows() if row["pseudonym"] == member.pseudonym]
    assert len(ids) == 6
    repo = CheckinsRepository(world.services.db)
    later = MONDAY_19 + timedelta(days=3)
    for _ in range(3):
        won = await asyncio.gather(*(repo.claim_next(checkin_id, MONDAY_19, later) for checkin_id in ids * 3))
        assert sum(won) == 1
        await world.services.db.execute("UPDATE checkins SET state = 'pending'")


# -- 3. DMs closed: told once, on her next interaction --------------------------------------------------


async def test_with_dms_closed_she_is_told_once_that_a_check_in_waits(world) -> None:
    await world.schedule()
    member, other = world.members
    world.notifier.closed.add(member.user_id)
    await world.move_to(MONDAY_19)
    assert await world.checkins.waiting_notice(GUILD, other.user_id) is None  # hers reached her
    assert await world.checkins.waiting_notice(GUILD, member.user_id) == messages.WAITING_HERE
    assert await world.checkins.waiting_notice(GUILD, member.user_id) is None  # never twice for one check-in
    await world.move_to(MONDAY_19 + WEEK)  # the next week's check-in is a new one
    assert await world.checkins.waiting_notice(GUILD, member.user_id) == messages.WAITING_HERE


@pytest.mark.parametrize("then", ["expired", "taken", "answered"])
async def test_no_line_when_it_expired_or_she_already_has_it(world, then) -> None:
    await world.schedule()
    member = world.members[0]
    world.notifier.closed.add(member.user_id)
    await world.move_to(MONDAY_19)
    if then == "expired":
        await world.move_to(MONDAY_19 + timedelta(days=3))
    elif then == "taken":
        assert "1 of 9" in (await world.checkins.take_now(GUILD, member.user_id)).text
    else:
        checkin_id = await world.open_id(member)
        await world.checkins.press(answer_id(checkin_id, 1, 0)[3:], member.user_id, world.notifier)
    assert await world.checkins.waiting_notice(GUILD, member.user_id) is None


async def test_a_consent_request_shown_in_the_server_counts_as_asked(services, clock) -> None:
    world = await build_world(services, clock, members=0)
    newcomer = await world.add_member(7777, consent=None)
    world.notifier.closed.add(newcomer.user_id)
    await world.schedule()
    await world.move_to(MONDAY_19)
    assert (await services.consent.get(GUILD, newcomer.pseudonym)).checkins_asked_at is None  # the DM failed
    assert await world.checkins.waiting_notice(GUILD, newcomer.user_id) == messages.WAITING_HERE
    note = await world.checkins.take_now(GUILD, newcomer.user_id)
    assert f"consent:{GUILD}:checkins:yes" in [choice.id for choice in note.choices]
    await world.move_to(MONDAY_19 + timedelta(days=3))
    await world.move_to(MONDAY_19 + WEEK)
    assert [(state, reason) for _, state, reason in await her_rows(world, newcomer)] == [
        ("skipped", "consent not answered"), ("skipped", "consent not answered")]
    assert len(world.notifier.dms) == 0

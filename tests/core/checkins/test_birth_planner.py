"""Birth-anchored check-ins (postnatal:2,6,12): each member's own weeks after her baby's week, with a
manual clock, on SQLite and PostgreSQL.

The clock starts on Monday 2 March 2026, 09:00 UTC (London is on GMT until 29 March, New York on EDT
from 8 March). "born 1 week ago" then means the week of Monday 23 February: week 2 is Monday 9 March
and week 6 Monday 6 April (BST), each at the schedule's time in her own time zone.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core.checkins import birth_planner
from bot.core.errors import UserError
from bot.core.my_data import my_data
from bot.services import open_services
from bot.store.checkins_repo import CheckinsRepository
from tests.core.checkins.conftest import GUILD, Member, World, backend_env

W2 = datetime(2026, 3, 9, 19, tzinfo=UTC)  # week 2 of a baby born in the week of 23 Feb, 19:00 London (GMT)
W6 = datetime(2026, 4, 6, 18, tzinfo=UTC)  # week 6, 19:00 London (BST)


@pytest.fixture
def env(tmp_path: Path, postgres_url: str) -> dict[str, str]:
    return backend_env(tmp_path, postgres_url)  # these tests run on SQLite and PostgreSQL


async def baby(world: World, member: Member, when: str | None) -> str:
    return (await world.checkins.baby.command(GUILD, member.user_id, when)).text


def questionnaires(world: World, member: Member) -> list[str]:
    """The check-ins she was sent (their first item; reminders aside)."""
    return [note.text for note in world.notifier.dms_to(member.user_id) if "1 of 9" in note.text]


async def rows_of(world: World, member: Member) -> list[tuple[str, str, str]]:
    return [(row["period_key"], row["state"], row["reason"]) for row in await world.rows()
            if row["pseudonym"] == member.pseudonym]


async def test_fires_at_the_right_weeks_and_only_for_members_with_a_week(world) -> None:
    anna, bea = world.members
    assert "Born in the week of Monday 23 February 2026 (1 week ago)" in await baby(world, anna, "born 1 week ago")
    schedule = await world.schedule(cadence="postnatal:2,6")
    assert schedule.describe() == "at 2 and 6 weeks after birth, at 19:00 her own time"

    await world.move_to(W2 - timedelta(minutes=1))
    assert world.notifier.dms == []
    await world.move_to(W2)
    [note] = world.notifier.dms_to(anna.user_id)
    assert "1 of 9" in note.text
    assert await rows_of(world, anna) == [("birth-w2", "sent", "")]

    # Weeks 3, 4 and 5 bring nothing; week 6 comes at 19:00 her time (18:00 UTC in BST), and the
    # week-2 check-in, still open (kept open here past its usual 3 days), closes as a new period begins.
    await CheckinsRepository(world.services.db).keep_open_until(GUILD, anna.pseudonym, W6 + timedelta(days=1))
    await world.move_to(W6 - timedelta(minutes=1))
    assert len(questionnaires(world, anna)) == 1
    await world.move_to(W6)
    assert len(questionnaires(world, anna)) == 2
    assert sorted(await rows_of(world, anna)) == [("birth-w2", "missed", "superseded"), ("birth-w6", "sent", "")]

    await world.move_to(W6 + timedelta(weeks=10))
    assert len(questionnaires(world, anna)) == 2
    # Bea gave no week: she is not planned at all (nothing sent, nothing "missed").
    assert await rows_of(world, bea) == [] and world.notifier.dms_to(bea.user_id) == []


async def test_a_due_week_counts_until_she_updates_it(world) -> None:
    anna, _ = world.members
    reply = await baby(world, anna, "due in 1 week")
    assert "Due in the week of Monday 9 March 2026 (in 1 week)" in reply
    assert "count from this due week" in reply
    await world.schedule(cadence="postnatal:2")
    # Due week 9 March: week 2 is Monday 23 March, 19:00 GMT.
    await world.move_to(datetime(2026, 3, 23, 18, 59, tzinfo=UTC))
    assert world.notifier.dms == []
    await world.move_to(datetime(2026, 3, 23, 19, tzinfo=UTC))
    assert await rows_of(world, anna) == [("birth-w2", "sent", "")]


async def test_her_time_zone_decides_the_moment(world) -> None:
    anna, bea = world.members
    await world.checkins.configure(GUILD, bea.user_id, timezone="new york", quiet_start=None, quiet_end=None)
    await baby(world, anna, "2026-02-25")
    await baby(world, bea, "born 1 week ago")
    await world.schedule(cadence="postnatal:2")
    await world.move_to(W2)  # 19:00 in London, 15:00 in New York
    assert len(world.notifier.dms_to(anna.user_id)) == 1 and world.notifier.dms_to(bea.user_id) == []
    await world.move_to(datetime(2026, 3, 9, 22, 59, tzinfo=UTC))
    assert world.notifier.dms_to(bea.user_id) == []
    await world.move_to(datetime(2026, 3, 9, 23, tzinfo=UTC))  # 19:00 EDT
    assert len(world.notifier.dms_to(bea.user_id)) == 1


async def test_quiet_hours_pause_and_declined_consent_as_for_any_check_in(world) -> None:
    anna, bea = world.members
    cara = await world.add_member(9002, consent=False)
    for member in (anna, bea, cara):
        await baby(world, member, "born 1 week ago")
    await world.checkins.configure(GUILD, anna.user_id, timezone=None, quiet_start="6pm", quiet_end="9pm")
    await world.checkins.pause(GUILD, bea.user_id)
    await world.schedule(cadence="postnatal:2")
    await world.move_to(W2)
    assert world.notifier.dms == []
    assert await rows_of(world, bea) == [("birth-w2", "skipped", "paused")]
    assert await rows_of(world, cara) == [("birth-w2", "skipped", "no consent")]
    [row] = [r for r in await world.rows() if r["pseudonym"] == anna.pseudonym]
    assert row["send_after"] == "2026-03-09T21:00:00+00:00"
    await world.move_to(datetime(2026, 3, 9, 20, 59, tzinfo=UTC))
    assert world.notifier.dms == []
    await world.move_to(datetime(2026, 3, 9, 21, tzinfo=UTC))
    assert len(world.notifier.dms_to(anna.user_id)) == 1


async def test_two_planners_racing_write_and_send_exactly_once(world) -> None:
    anna, bea = world.members
    await baby(world, anna, "born 1 week ago")
    await baby(world, bea, "born 1 week ago")
    await world.schedule(cadence="postnatal:2")
    world.clock.set(W2 + timedelta(seconds=5))
    await asyncio.gather(world.run(), world.checkins.birth_planner.plan_due(), world.run(),
                         world.checkins.birth_planner.plan_due())
    rows = await world.rows()
    assert sorted((r["pseudonym"], r["period_key"], r["state"]) for r in rows) == sorted(
        [(anna.pseudonym, "birth-w2", "sent"), (bea.pseudonym, "birth-w2", "sent")])
    assert len(world.notifier.dms) == 2
    # Setting the same week again (or a correction) never brings week 2 a second time.
    await baby(world, anna, "2026-02-26")
    await world.run()
    assert len(world.notifier.dms) == 2 and len(await world.rows()) == 2


@pytest.mark.postgres_only
async def test_two_processes_racing_on_postgresql_write_and_send_exactly_once(world, settings, env) -> None:
    anna, bea = world.members
    await baby(world, anna, "born 1 week ago")
    await baby(world, bea, "born 1 week ago")
    await world.schedule(cadence="postnatal:2")
    world.clock.set(W2 + timedelta(seconds=5))
    async with open_services(settings, world.clock, env=env) as second:
        await asyncio.gather(world.run(), second.checkins.run_due(world.notifier),
                             world.checkins.birth_planner.plan_due(), second.checkins.birth_planner.plan_due())
    assert sorted((r["pseudonym"], r["period_key"]) for r in await world.rows()) == sorted(
        [(anna.pseudonym, "birth-w2"), (bea.pseudonym, "birth-w2")])
    assert len(world.notifier.dms) == 2


async def test_no_flood_of_past_weeks_when_the_schedule_is_created_only_the_latest_within_grace(world) -> None:
    anna, bea = world.members
    await baby(world, anna, "born 13 weeks ago")  # weeks 2, 6 and 12 have all passed
    await baby(world, bea, "born 6 weeks ago")  # her week 6 came at 06:00 today, 3 hours ago (grace: 12 h)
    await world.schedule(cadence="postnatal:2,6,12", time="6am")
    await world.run()
    assert await rows_of(world, anna) == []
    assert await rows_of(world, bea) == [("birth-w6", "sent", "")]
    assert len(world.notifier.dms) == 1
    await world.move_to(world.clock.now() + timedelta(weeks=6))  # Bea's week 12 came 3 hours ago; Anna has none
    assert await rows_of(world, anna) == [] and len(questionnaires(world, bea)) == 2  # Bea's week 12


async def test_no_flood_when_she_sets_her_week_only_the_latest_within_grace(world) -> None:
    anna, bea = world.members
    await world.schedule(cadence="postnatal:2,6", time="07:00")
    await world.run()
    await baby(world, anna, "born 2 weeks ago")  # her week 2 came at 07:00 today, 2 hours ago
    await baby(world, bea, "born 7 weeks ago")  # her weeks 2 and 6 are long past
    await world.run()
    assert await rows_of(world, anna) == [("birth-w2", "sent", "")]
    assert await rows_of(world, bea) == [] and world.notifier.dms_to(bea.user_id) == []


async def test_after_downtime_a_week_older_than_grace_is_missed_not_sent(world) -> None:
    anna, _ = world.members
    await baby(world, anna, "born 1 week ago")
    await world.schedule(cadence="postnatal:2,6")
    await world.run()
    await world.move_to(W2 + timedelta(days=2))  # the bot was down through her week 2
    assert await rows_of(world, anna) == [("birth-w2", "missed", "offline")]
    assert world.notifier.dms == []
    await world.move_to(W6)
    assert len(world.notifier.dms_to(anna.user_id)) == 1


async def test_members_who_left_the_group_or_cleared_their_week_are_not_planned(world) -> None:
    anna, bea = world.members
    await baby(world, anna, "born 1 week ago")
    await baby(world, bea, "born 1 week ago")
    assert "no longer keeps your baby's week" in await baby(world, bea, "clear")
    await world.services.groups.leave(GUILD, world.group_id, anna.pseudonym)
    await world.schedule(cadence="postnatal:2")
    await world.move_to(W2)
    assert await world.rows() == [] and world.notifier.dms == []


async def test_a_large_group_is_planned_a_page_at_a_time(world, monkeypatch) -> None:
    monkeypatch.setattr(birth_planner, "PLAN_CHUNK", 2)
    extra = [await world.add_member(9100 + n) for n in range(5)]
    for member in [*world.members]:
        await baby(world, member, "born 1 week ago")
    await world.schedule(cadence="postnatal:2")
    world.clock.set(W2)
    [plan] = await world.checkins.birth_planner.plan_due()
    assert (plan.members, plan.new_rows) == (7, 7)
    assert {r["pseudonym"] for r in await world.rows()} == {m.pseudonym for m in world.members}
    assert len(extra) == 5


async def test_her_week_is_in_mydata_and_erased_by_forget_me(world) -> None:
    anna, bea = world.members
    await baby(world, anna, "due in 5 weeks")
    await baby(world, bea, "born 1 week ago")
    data = await my_data(world.services.data_rights, world.services.groups, GUILD, anna.pseudonym)
    [row] = json.loads(data.payload)["tables"]["baby_weeks"]
    assert (row["week"], row["kind"], row["pseudonym"]) == ("2026-04-06", "due", anna.pseudonym)
    assert "Your baby's week (for check-ins timed from the birth): due in the week of 6 April 2026" in data.summary
    assert str(anna.user_id) not in json.dumps(row)  # keyed by pseudonym, never the Discord id
    report = await world.services.data_rights.forget(GUILD, anna.pseudonym)
    assert report.rows_deleted.get("baby_weeks") == 1
    assert await world.checkins.baby.get(GUILD, anna.pseudonym) is None
    assert await world.checkins.baby.get(GUILD, bea.pseudonym) is not None  # only hers


async def test_show_set_and_clear_replies(world) -> None:
    anna, _ = world.members
    assert "You haven't given your baby's week, and you don't have to" in await baby(world, anna, None)
    await baby(world, anna, "3 Feb")
    shown = await baby(world, anna, "")
    assert "Born in the week of Monday 2 February 2026 (4 weeks ago)" in shown and "when: clear" in shown
    assert "no longer keeps" in await baby(world, anna, "clear")
    assert "nothing changed" in await baby(world, anna, "clear")


@pytest.mark.parametrize(("typed", "message"), [
    ("banana", "couldn't read"), ("born in 3 weeks", "still to come"), ("due in 50 weeks", "at most 42 weeks"),
    ("born 2023-01-02", "last two years"), ("3/11", "month as a word"), ("3 weeks", "ago, or in 3 weeks"),
])
async def test_impossible_or_unreadable_weeks_change_nothing(world, typed: str, message: str) -> None:
    anna, _ = world.members
    await baby(world, anna, "born 1 week ago")
    with pytest.raises(UserError, match=message):
        await baby(world, anna, typed)
    stored = await world.checkins.baby.get(GUILD, anna.pseudonym)
    assert stored is not None and stored.week.isoformat() == "2026-02-23" and stored.kind == "born"


async def test_only_members_here_can_set_a_week(world) -> None:
    with pytest.raises(UserError, match="join one with /join"):
        await world.checkins.baby.command(GUILD, 123456789012345678, "born 1 week ago")


async def test_moderators_see_the_schedule_described_and_send_now_leaves_it_alone(world) -> None:
    anna, _ = world.members
    await baby(world, anna, "born 1 week ago")
    schedule = await world.schedule(cadence="postnatal:2,6,12")
    note = world.checkins.schedules.scheduled_note(schedule)
    assert "at 2, 6 and 12 weeks after birth, at 19:00 her own time" in note.text
    assert "/checkin baby" in note.text
    listing = await world.checkins.schedules.describe_list(GUILD)
    assert f"#{schedule.id} · Evening Circle · PHQ-9 · at 2, 6 and 12 weeks after birth" in listing
    with pytest.raises(UserError, match="only has check-ins timed from each baby's birth"):
        await world.checkins.send_now(GUILD, "Evening Circle", world.notifier, actor="m" * 64)
    assert await world.rows() == [] and world.notifier.dms == []
    await world.schedule("gad7", cadence="weekly")  # with a weekly one too, only the weekly one comes forward
    await world.checkins.send_now(GUILD, "Evening Circle", world.notifier, actor="m" * 64)
    assert {row["period_key"].startswith("birth-") for row in await world.rows()} == {False}


async def test_a_consent_never_answered_is_asked_at_her_first_week_only(world) -> None:
    # As for any schedule: asked once (with her week 2) and reminded once; at week 6 not asked again.
    dana = await world.add_member(9003, consent=None)
    await baby(world, dana, "2026-02-25")
    await world.schedule(cadence="postnatal:2,6")
    await world.move_to(W2)
    [ask] = world.notifier.dms_to(dana.user_id)
    assert "I'd like your OK" in ask.text
    await world.move_to(W2 + timedelta(days=1))
    assert len(world.notifier.dms_to(dana.user_id)) == 2  # the one reminder
    await world.move_to(W2 + timedelta(days=3))
    await world.move_to(W6)
    assert len(world.notifier.dms_to(dana.user_id)) == 2
    assert sorted(await rows_of(world, dana)) == [("birth-w2", "skipped", "consent not answered"),
                                                  ("birth-w6", "skipped", "consent not answered")]

"""Scheduling: due periods, exactly once, downtime, time zones, quiet hours, snooze, pause, reminders, expiry.

The clock starts on Monday 2 March 2026, 09:00 UTC (London is on GMT until 29 March). A weekly
19:00 schedule created then first falls due at 19:00 UTC the same day.
"""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.bench.checkins import populate
from bot.clock import from_iso, to_iso
from bot.core.checkins import planner as planner_module
from bot.core.errors import UserError
from bot.services import open_services
from tests.core.checkins.conftest import GUILD, MOD

MONDAY_19 = datetime(2026, 3, 2, 19, tzinfo=UTC)


async def test_nothing_before_the_time_then_item_one_for_everyone(world) -> None:
    await world.schedule()
    report = await world.move_to(MONDAY_19 - timedelta(minutes=1))
    assert report.planned == 0 and world.notifier.dms == []
    report = await world.move_to(MONDAY_19)
    assert (report.planned, report.sent) == (2, 2)
    for member in world.members:
        [note] = world.notifier.dms_to(member.user_id)
        assert "1 of 9" in note.text and "Over the last 2 weeks" in note.text
        assert note.text.count("Little interest or pleasure in doing things") == 1
        assert [c.label for c in note.choices] == ["Not at all", "Several days", "More than half the days",
                                                   "Nearly every day", "Pause"]


async def test_first_check_in_asks_for_consent_first(world) -> None:
    newcomer = await world.add_member(7777, consent=None)
    declined = await world.add_member(7778, consent=False)
    await world.schedule()
    await world.move_to(MONDAY_19)
    [note] = world.notifier.dms_to(newcomer.user_id)
    assert "Before I send you one, I'd like your OK" in note.text
    assert f"consent:{GUILD}:checkins:yes" in [c.id for c in note.choices]
    assert world.notifier.dms_to(declined.user_id) == []
    outcome = await world.checkins.set_consent(GUILD, newcomer.user_id, "checkins", True)
    assert outcome.checkin is not None and "1 of 9" in outcome.checkin.text
    states = {row["pseudonym"]: (row["state"], row["reason"]) for row in await world.rows()}
    assert states[declined.pseudonym] == ("skipped", "no consent")


async def test_two_triggers_at_once_send_exactly_once(world) -> None:
    await world.schedule()
    world.clock.set(MONDAY_19 + timedelta(seconds=5))
    await asyncio.gather(world.run(), world.run(), world.run())
    rows = await world.rows()
    assert len(rows) == 2 and {row["state"] for row in rows} == {"sent"}
    assert len(world.notifier.dms) == 2
    await world.run()
    assert len(world.notifier.dms) == 2


async def test_restart_does_not_send_again(world, settings, env) -> None:
    await world.schedule()
    await world.move_to(MONDAY_19)
    async with open_services(settings, world.clock, env=env) as second:
        report = await second.checkins.run_due(world.notifier)
        assert (report.planned, report.sent) == (0, 0)
    assert len(world.notifier.dms) == 2 and len(await world.rows()) == 2


async def test_after_downtime_inside_grace_is_sent_older_is_missed(world) -> None:
    await world.schedule()
    # Down all week: Monday's occurrence is 7 days old (beyond the 12 h grace), next Monday's 6 h old.
    report = await world.move_to(MONDAY_19 + timedelta(days=7, hours=6))
    assert report.sent == 2
    rows = await world.rows()
    by_period = {(row["period_key"], row["state"], row["reason"]) for row in rows}
    assert by_period == {("2026-03-02T19:00", "missed", "offline"), ("2026-03-09T19:00", "sent", "")}


async def test_too_late_after_downtime_is_missed_not_sent(world) -> None:
    await world.schedule()
    report = await world.move_to(MONDAY_19 + timedelta(hours=13))
    assert report.sent == 0 and world.notifier.dms == []
    assert {(row["state"], row["reason"]) for row in await world.rows()} == {("missed", "offline")}


async def test_quiet_hours_in_her_own_time_zone(world) -> None:
    await world.schedule(time="10:00")  # 10:00 London = 05:00 in New York
    far, near = world.members
    await world.checkins.configure(GUILD, far.user_id, timezone="America/New_York", quiet_start="22:00",
                                   quiet_end="07:00")
    await world.move_to(datetime(2026, 3, 2, 10, tzinfo=UTC))
    assert len(world.notifier.dms_to(near.user_id)) == 1 and world.notifier.dms_to(far.user_id) == []
    await world.move_to(datetime(2026, 3, 2, 11, 59, tzinfo=UTC))
    assert world.notifier.dms_to(far.user_id) == []
    await world.move_to(datetime(2026, 3, 2, 12, tzinfo=UTC))  # 07:00 in New York (EST, UTC−5)
    assert len(world.notifier.dms_to(far.user_id)) == 1


async def test_snooze_holds_the_check_in_until_it_ends(world, clock) -> None:
    await world.schedule()
    member = world.members[0]
    clock.set(MONDAY_19 - timedelta(hours=1))
    note = await world.checkins.snooze(GUILD, member.user_id, 5)  # until 23:00
    assert "Snoozed for 5 hours" in note.text
    await world.move_to(MONDAY_19)
    assert world.notifier.dms_to(member.user_id) == [] and len(world.notifier.dms_to(world.members[1].user_id)) == 1
    await world.move_to(MONDAY_19 + timedelta(hours=4))
    assert len(world.notifier.dms_to(member.user_id)) == 1


async def test_paused_members_are_skipped_until_they_resume(world) -> None:
    await world.schedule()
    member = world.members[0]
    await world.checkins.pause(GUILD, member.user_id)
    with pytest.raises(UserError, match="already paused"):
        await world.checkins.pause(GUILD, member.user_id)
    await world.move_to(MONDAY_19)
    assert world.notifier.dms_to(member.user_id) == []
    await world.checkins.resume(GUILD, member.user_id)
    await world.move_to(MONDAY_19 + timedelta(days=7))
    assert len(world.notifier.dms_to(member.user_id)) == 1
    states = [(row["period_key"], row["state"]) for row in await world.rows() if row["pseudonym"] == member.pseudonym]
    assert states == [("2026-03-02T19:00", "skipped"), ("2026-03-09T19:00", "sent")]


async def test_one_reminder_then_expiry_marks_missed(world) -> None:
    await world.schedule()
    await world.move_to(MONDAY_19)
    member = world.members[0]
    assert (await world.move_to(MONDAY_19 + timedelta(hours=23))).reminded == 0
    report = await world.move_to(MONDAY_19 + timedelta(hours=24))
    assert report.reminded == 2
    reminder = world.notifier.dms_to(member.user_id)[-1]
    assert "gentle reminder" in reminder.text and reminder.choices[0].id.endswith(":go")
    assert (await world.move_to(MONDAY_19 + timedelta(hours=30))).reminded == 0
    report = await world.move_to(MONDAY_19 + timedelta(days=3))
    assert report.expired == 2
    assert {(row["state"], row["reason"]) for row in await world.rows()} == {("missed", "expired")}


async def test_snooze_keeps_an_open_check_in_open(world) -> None:
    await world.schedule()
    await world.move_to(MONDAY_19)
    member = world.members[0]
    world.clock.set(MONDAY_19 + timedelta(days=2, hours=20))
    await world.checkins.snooze(GUILD, member.user_id, 24)
    report = await world.move_to(MONDAY_19 + timedelta(days=3))
    assert report.expired == 1
    assert (await world.checkins.open_checkin(GUILD, member.pseudonym)) is not None


async def test_send_now_brings_the_next_one_forward_once(world) -> None:
    schedule = await world.schedule()
    note = await world.checkins.send_now(GUILD, "evening circle", world.notifier, actor=MOD)
    assert "2 new of 2 members" in note.text
    assert len(world.notifier.dms) == 2
    await world.move_to(MONDAY_19)
    assert len(world.notifier.dms) == 2  # Monday's period was already sent early
    assert {row["period_key"] for row in await world.rows()} == {"2026-03-02T19:00"}
    assert "checkin_send_now" in [entry.action for entry in await world.services.audit.recent(GUILD)]
    assert schedule.job_id == f"checkins:schedule:{schedule.id}"


async def test_dm_closed_is_remembered_and_she_can_take_it_in_the_server(world) -> None:
    await world.schedule()
    member = world.members[0]
    world.notifier.closed.add(member.user_id)
    await world.move_to(MONDAY_19)
    row = next(row for row in await world.rows() if row["pseudonym"] == member.pseudonym)
    assert (row["state"], row["dm_closed"]) == ("sent", 1)
    note = await world.checkins.take_now(GUILD, member.user_id)
    assert "1 of 9" in note.text


async def test_planning_writes_only_pseudonyms(world) -> None:
    await world.schedule()
    await world.move_to(MONDAY_19)
    user_ids = {str(member.user_id) for member in world.members}
    for table in ("checkins", "checkin_schedules", "checkin_prefs", "consents", "consent_events"):
        for row in await world.services.db.fetchall(f"SELECT * FROM {table}"):
            assert not user_ids & {str(value) for value in row}, table


async def test_cancelled_schedule_stops(world) -> None:
    schedule = await world.schedule()
    await world.checkins.schedules.cancel(GUILD, schedule.id, actor=MOD)
    await world.move_to(MONDAY_19)
    assert world.notifier.dms == [] and await world.rows() == []
    with pytest.raises(UserError, match="already cancelled"):
        await world.checkins.schedules.cancel(GUILD, schedule.id, actor=MOD)


async def test_status_counts_only(world) -> None:
    await world.schedule()
    await world.move_to(MONDAY_19)
    await world.answer_all(world.members[0], [0] * 9)
    await world.move_to(MONDAY_19 + timedelta(days=3))
    text = await world.checkins.schedules.describe_status(GUILD)
    assert "Evening Circle · PHQ-9: 1 completed, 1 missed, 0 open · completion 50%" in text
    assert world.members[0].alias not in text and "minimal" not in text
    assert from_iso((await world.rows())[0]["expires_at"]) == MONDAY_19 + timedelta(days=3)


# -- large groups: page by page, the same rows, the loop free -------------------------------------------


async def expected_row(world, member, due_at: datetime) -> tuple[str, str, str]:
    """What her row should say, worked out the slow way: one member at a time, through the services."""
    consent = await world.services.consent.get(GUILD, member.pseudonym)
    prefs = await world.checkins.prefs.get(GUILD, member.pseudonym, "Europe/London")
    if consent.checkins is False:
        return to_iso(due_at), "skipped", "no consent"
    if prefs.paused:
        return to_iso(due_at), "skipped", "paused"
    return to_iso(prefs.next_allowed(due_at)), "pending", ""


async def test_a_group_planned_in_many_pages_gets_each_member_s_own_row(world, monkeypatch) -> None:
    monkeypatch.setattr(planner_module, "PLAN_CHUNK", 2)  # 12 members (a full group): 6 pages
    for n in range(10):
        member = await world.add_member(9100 + n, consent=None if n == 3 else n not in (4, 5))
        if n % 5 == 0:
            await world.checkins.pause(GUILD, member.user_id)
        elif n % 5 == 1:  # 19:00 UTC is 04:00 in Tokyo: inside her quiet hours
            await world.checkins.configure(GUILD, member.user_id, timezone="Asia/Tokyo", quiet_start="22:00",
                                           quiet_end="07:00")
        elif n % 5 == 2:  # quiet hours that 19:00 UTC is outside of
            await world.checkins.configure(GUILD, member.user_id, timezone="Europe/London", quiet_start="23:00",
                                           quiet_end="06:00")
        elif n % 5 == 3:
            world.clock.set(MONDAY_19 - timedelta(hours=1, minutes=n))
            await world.checkins.snooze(GUILD, member.user_id, 3)
    schedule = await world.schedule()
    world.clock.set(MONDAY_19)
    [plan] = await world.checkins.planner.plan_due()
    assert (plan.members, plan.new_rows) == (12, 12)
    rows = {row["pseudonym"]: (row["send_after"], row["state"], row["reason"]) for row in await world.rows()}
    assert rows == {member.pseudonym: await expected_row(world, member, MONDAY_19) for member in world.members}
    states = {state for _, state, _ in rows.values()}
    assert {"skipped", "pending"} <= states and len({send_after for send_after, _, _ in rows.values()}) > 3
    assert (await world.checkins.schedules.get(GUILD, schedule.id)).planned_through == MONDAY_19


async def test_long_after_the_due_time_every_page_is_missed(world, monkeypatch) -> None:
    monkeypatch.setattr(planner_module, "PLAN_CHUNK", 3)
    for n in range(8):
        await world.add_member(9200 + n, consent=n % 2 == 0)
    await world.checkins.pause(GUILD, world.members[2].user_id)
    await world.schedule()
    world.clock.set(MONDAY_19 + timedelta(hours=13))
    [plan] = await world.checkins.planner.plan_due()
    assert (plan.members, plan.new_rows) == (10, 10)
    assert {(row["state"], row["reason"]) for row in await world.rows()} == {("missed", "offline")}


async def test_a_period_stopped_mid_way_is_finished_exactly_once(world, monkeypatch) -> None:
    monkeypatch.setattr(planner_module, "PLAN_CHUNK", 1)  # 12 members: 12 pages, 12 transactions
    for n in range(10):
        await world.add_member(9300 + n)
    schedule = await world.schedule()
    world.clock.set(MONDAY_19)
    planning = asyncio.create_task(world.checkins.planner.plan_due())
    while not await world.rows():  # each read waits its turn behind the planner's statements
        continue
    planning.cancel()  # as a shutdown would, after the first page was committed
    with pytest.raises(asyncio.CancelledError):
        await planning
    written = len(await world.rows())
    assert 0 < written < 12
    assert (await world.checkins.schedules.get(GUILD, schedule.id)).planned_through < MONDAY_19
    [plan] = await world.checkins.planner.plan_due()  # the next tick plans the period again
    assert (plan.members, plan.new_rows) == (12, 12 - written)
    rows = await world.rows()
    assert len(rows) == len({row["pseudonym"] for row in rows}) == 12


async def test_other_work_is_served_between_the_pages_of_a_large_group(services) -> None:
    """100,000 members or 12,000: the planner commits page by page and the loop runs other coroutines in
    between (here a reader counting rows, which sees the period part-written)."""
    pseudonyms = await populate(services, GUILD, 12_000)
    await services.checkins.schedules.create(GUILD, "Bench Circle", "phq9", "weekly", "19:00", actor=MOD)
    services.clock.set(MONDAY_19)
    seen: set[int] = set()
    ticks = 0

    async def watch() -> None:
        nonlocal ticks
        while True:
            seen.add(int(await services.db.fetchval("SELECT count(*) FROM checkins")))
            ticks += 1

    watcher = asyncio.create_task(watch())
    try:
        [plan] = await services.checkins.planner.plan_due()
    finally:
        watcher.cancel()
    assert (plan.members, plan.new_rows) == (12_000, 12_000)
    part_written = {count for count in seen if 0 < count < 12_000}
    assert ticks > 3 and len(part_written) >= 2, sorted(seen)
    states = dict(await services.db.fetchall("SELECT state, count(*) FROM checkins GROUP BY state"))
    assert states == {"pending": 11_760, "skipped": 240}  # 120 said no, 120 paused (one in a hundred each)
    tokyo = await services.db.fetchall("SELECT DISTINCT send_after FROM checkins WHERE pseudonym = ?",
                                       (pseudonyms[10],))
    assert [row[0] for row in tokyo] == ["2026-03-02T22:00:00+00:00"]  # 07:00 in Tokyo

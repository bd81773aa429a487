"""The alert policy on the real SQLite file and a manual clock: backoff, the daily cap, the role mention,
escalation once, acknowledging stops everything, honest status, and the outbox surviving a crash."""

import asyncio
import dataclasses
from datetime import timedelta

import pytest

from bot.clock import to_iso
from bot.core.alerts import AlertPolicy, realert_interval
from bot.services import open_services
from bot.settings import AlertSettings
from tests.helpers import RecordingNotifier

GUILD = 61
MOD = "m" * 64
STEP = timedelta(minutes=5)  # how often the bot's due-work job runs, near enough (it runs every 30 s)


async def crisis_flag(services, notifier, *, group=True):
    group_id = None
    if group:
        created = await services.groups.create(GUILD, "Night feeds", "Late-night company", "postnatal depression",
                                               channel_id=900, role_id=901, actor=MOD)
        group_id = created.id
    flag = await services.flags.raise_flag(GUILD, "crisis", "p" * 64, "Quiet Fern", group_id=group_id,
                                           detail="crisis language (model)", delivery="dm", entry="share")
    await services.alerts.raise_and_deliver(notifier, flag)
    return flag


async def a_day_passes(services, clock, notifier, until=timedelta(days=1)) -> list[int]:
    """Run the due work every STEP; the minute of each alert message posted."""
    minutes = []
    elapsed = timedelta(0)
    while elapsed < until:
        clock.advance(STEP)
        elapsed += STEP
        before = len(notifier.mod_log)
        await services.run_due(notifier)
        minutes += [int(elapsed.total_seconds() // 60)] * (len(notifier.mod_log) - before)
    return minutes


def alert_texts(notifier) -> list[str]:
    return [note.text for _, note in notifier.mod_log if "Crisis language" in note.text]


@pytest.mark.parametrize(("number", "minutes"), [(1, 10), (2, 20), (3, 40), (4, 80), (5, 160), (6, 240), (9, 240)])
def test_realerts_back_off_to_a_ceiling(number, minutes) -> None:
    assert realert_interval(AlertSettings(), number) == timedelta(minutes=minutes)


async def test_a_day_unacknowledged_is_a_handful_of_alerts_not_a_wall(services, clock) -> None:
    notifier = RecordingNotifier()
    await crisis_flag(services, notifier)
    await a_day_passes(services, clock, notifier)
    alerts = alert_texts(notifier)
    realerts = [text for text in alerts if "Re-alert" in text]
    assert 2 <= len(alerts) <= 16 and len(alerts) <= services.settings.alerts.max_per_day
    assert [text.split(":")[0] for text in realerts] == [f"🔁 Re-alert {n}" for n in range(1, len(realerts) + 1)]
    assert all("Group: Night feeds" in text for text in alerts)  # the group on every rendering
    assert all(notifier.mentions)  # the moderator role is mentioned every time


async def test_the_backoff_schedule_over_a_day(services, clock) -> None:
    notifier = RecordingNotifier()
    await crisis_flag(services, notifier)
    start = len(notifier.mod_log)
    times: list[int] = []
    elapsed = timedelta(0)
    while elapsed < timedelta(hours=12):
        clock.advance(timedelta(minutes=1))
        elapsed += timedelta(minutes=1)
        before = len(notifier.mod_log)
        await services.run_due(notifier)
        for _, note in notifier.mod_log[before:]:
            if "Re-alert" in note.text:
                times.append(int(elapsed.total_seconds() // 60))
    assert start == 1
    assert times == [10, 30, 70, 150, 310, 550]  # 10, 20, 40, 80, 160, 240 minutes apart


async def test_the_daily_cap_holds_whatever_the_intervals(settings, clock, env) -> None:
    tight = dataclasses.replace(settings, alerts=AlertSettings(first_realert_minutes=5, max_realert_minutes=5,
                                                               max_per_day=4))
    async with open_services(tight, clock, env=env) as services:
        notifier = RecordingNotifier()
        await crisis_flag(services, notifier)
        minutes = await a_day_passes(services, clock, notifier, until=timedelta(hours=30))
    alerts = [m for m, (_, note) in zip(minutes, notifier.mod_log[1:], strict=False) if "Crisis" in note.text]
    first_day = [m for m in alerts if m < 24 * 60]
    assert len(first_day) == 3  # the first alert plus three re-alerts make four in 24 hours
    assert any(m >= 24 * 60 for m in alerts)  # and they resume when the window moves on


async def test_escalation_happens_once_and_the_log_says_so(services, clock) -> None:
    notifier = RecordingNotifier()
    await crisis_flag(services, notifier)
    clock.advance(timedelta(minutes=29))
    await services.run_due(notifier)
    assert notifier.escalations == []
    await a_day_passes(services, clock, notifier)
    [(_, escalated)] = notifier.escalations
    assert escalated.text.startswith("⏫ Escalated: ") and "Quiet Fern" in escalated.text
    said = [note.text for _, note in notifier.mod_log if "was escalated to" in note.text]
    assert said == ["⏫ Flag #1 (Quiet Fern) was escalated to the server owner by DM, after 30 minutes without "
                    "acknowledgement."]


async def test_acknowledging_stops_all_of_it(services, clock) -> None:
    notifier = RecordingNotifier()
    flag = await crisis_flag(services, notifier)
    clock.advance(timedelta(minutes=10))
    await services.run_due(notifier)
    await services.flags.acknowledge(GUILD, flag.id, MOD)
    sent = len(notifier.mod_log)
    await a_day_passes(services, clock, notifier)
    assert len(notifier.mod_log) == sent and notifier.escalations == []


async def test_an_everyday_report_mentions_nobody_and_never_repeats(services, clock) -> None:
    notifier = RecordingNotifier()
    flag = await services.flags.raise_flag(GUILD, "report", "p" * 64, "Quiet Fern", detail="Spam")
    await services.alerts.raise_and_deliver(notifier, flag)
    await a_day_passes(services, clock, notifier, until=timedelta(hours=3))
    assert len(notifier.mod_log) == 1 and notifier.mentions == [False] and notifier.escalations == []


async def test_the_alert_is_edited_when_her_post_is_shared(services) -> None:
    notifier = RecordingNotifier()
    flag = await crisis_flag(services, notifier)
    assert "Her post" not in notifier.mod_log[0][1].text
    await services.alerts.update_post(notifier, flag.id, "shared", jump_url="https://discord.com/channels/61/900/5")
    [(_, _, edited)] = notifier.edits
    assert "Her post was shared" in edited.text and "/61/900/5" in edited.text
    assert "Group: Night feeds" in edited.text


async def test_a_raised_alert_survives_a_crash_and_arrives_exactly_once(settings, clock, env) -> None:
    async with open_services(settings, clock, env=env) as services:
        await services.flags.raise_flag(GUILD, "safety", "p" * 64, "Quiet Fern", detail="her answer")
        # the process dies here: the flag and its alert are committed, nothing was sent
    notifier = RecordingNotifier()
    async with open_services(settings, clock, env=env) as restarted:
        await restarted.run_due(notifier)
        await restarted.run_due(notifier)
    assert len(notifier.mod_log) == 1 and "Check-in safety answer" in notifier.mod_log[0][1].text


async def test_two_workers_deliver_each_alert_once(services) -> None:
    for n in range(5):
        await services.flags.raise_flag(GUILD, "crisis", f"{n}" * 64, f"Alias {n}")
    notifier = RecordingNotifier()
    other = AlertPolicy(services.db, services.clock, services.flags, services.settings.alerts)
    await asyncio.gather(services.alerts.deliver(notifier), other.deliver(notifier), services.alerts.deliver(notifier))
    assert sorted(note.text.split("(flag #")[1].split(")")[0] for _, note in notifier.mod_log) == \
        ["1", "2", "3", "4", "5"]


async def test_a_send_that_died_mid_way_is_retried_after_its_lease(services, clock) -> None:
    await services.flags.raise_flag(GUILD, "crisis", "p" * 64, "Quiet Fern")
    await services.db.execute("UPDATE flag_alerts SET claimed_until = ?",
                              (to_iso(clock.now() + timedelta(minutes=2)),))  # a worker claimed it, then died
    notifier = RecordingNotifier()
    await services.alerts.deliver(notifier)
    assert notifier.mod_log == []
    clock.advance(timedelta(minutes=3))
    await services.alerts.deliver(notifier)
    assert len(notifier.mod_log) == 1

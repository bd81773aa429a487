from datetime import timedelta

import pytest

from bot.core.errors import UserError
from bot.core.reports import ReportedMessage
from tests.helpers import RecordingNotifier

GUILD = 51
MOD = "m" * 64


@pytest.fixture
async def post(services):
    group = await services.groups.create(GUILD, "Night feeds", "Late-night company", "postnatal depression",
                                         channel_id=900, role_id=901, actor=MOD)
    fern = (await services.membership.join(GUILD, 1001, group.id)).alias
    plan = await services.relay.prepare(await services.groups.get(GUILD, group.id), fern, "words")
    await services.relay.confirm(plan, [7001, 7002])
    return fern


def message(message_id, author_id=None, *, bot=False, channel_id=900):
    return ReportedMessage(GUILD, message_id, channel_id, f"https://discord.com/channels/{GUILD}/900/{message_id}",
                           author_id, bot)


async def test_report_of_a_relayed_part_flags_the_author_alias(services, post) -> None:
    notifier = RecordingNotifier()
    flag = await services.reports.report(message(7002), "unkind", notifier)
    assert (flag.kind, flag.alias, flag.pseudonym, flag.detail) == (
        "report", post.alias, post.pseudonym, "Unkind or judgemental · post #1")
    [(_, note)] = notifier.mod_log
    assert post.alias in note.text and "Night feeds" in note.text and "/900/7002" in note.text
    assert [c.id for c in note.choices] == [f"flag:ack:{flag.id}", f"flag:resolve:{flag.id}"]
    assert notifier.mentions == [False] and not flag.urgent  # an everyday report pings nobody


async def test_a_safety_report_follows_the_crisis_alert_policy(services, post, clock) -> None:
    notifier = RecordingNotifier()
    flag = await services.reports.report(message(7002), "safety", notifier)
    assert flag.urgent and notifier.mentions == [True]
    clock.advance(timedelta(minutes=services.settings.alerts.first_realert_minutes))
    await services.run_due(notifier)
    assert "Re-alert 1" in notifier.mod_log[-1][1].text and notifier.mentions[-1] is True


async def test_report_of_a_direct_message_maps_the_author_to_an_alias(services, post) -> None:
    flag = await services.reports.report(message(8000, author_id=2002, channel_id=555), "spam", RecordingNotifier())
    assert flag.alias == (await services.aliases.for_user(GUILD, 2002)).alias and flag.group_id is None


@pytest.mark.parametrize(("msg", "category", "expected"), [
    (message(9000), "unkind", "can't tell who wrote"),
    (message(9001, author_id=1, bot=True), "unkind", "can't tell who wrote"),
    (message(7001), "rude", "choose one of the reasons"),
])
async def test_unreportable_messages(services, post, msg, category, expected) -> None:
    with pytest.raises(UserError, match=expected):
        await services.reports.report(msg, category, RecordingNotifier())
    assert await services.db.fetchval("SELECT count(*) FROM flags") == 0

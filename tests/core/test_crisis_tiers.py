"""Two tiers of crisis response: urgent (full care) and worried (gentle, no ping), on the real SQLite file."""

from datetime import timedelta

import pytest

from bot.core.framing.classifier import FramingResult
from bot.core.framing.labels import LABELS
from bot.core.framing.safety_net import SafetyNetHit
from bot.core.framing.tiers import crisis_tier
from bot.core.sharing import Words
from tests.helpers import RecordingNotifier, RecordingOutlet

GUILD = 71
MOD = "m" * 64
USER = 7101
HEAVY = "honestly today has been so heavy, I don't really know how I'm doing"
EMERGENCY = "If you or your baby are in immediate danger"


def result(crisis: float, *, net: bool = False, label: str = "crisis") -> FramingResult:
    scores = dict.fromkeys(LABELS, (1 - crisis) / 5)
    scores["crisis"] = crisis
    hits = (SafetyNetHit("suicide", "suicide.x"),) if net else ()
    return FramingResult(label, scores, label, hits)


@pytest.mark.parametrize(("outcome", "tier"), [
    (result(0.9), "urgent"),
    (result(0.5), "urgent"),
    (result(0.2), "worried"),
    (result(0.06, net=True), "urgent"),  # the safety net is always urgent
    (result(0.01, label="neutral"), None),
])
def test_the_tier_of_a_classification(outcome, tier) -> None:
    assert crisis_tier(outcome, urgent_threshold=0.5) == tier


async def member_posting(services, probability: float):
    """She is in an open group; the model (a stand-in) reads her post with this crisis probability."""
    async def model(text):
        return result(probability)

    services.screener._classify = model
    await services.guilds.update(GUILD, region="UK", mod_log_channel_id=5)
    group = await services.groups.create(GUILD, "Open room", "Open", "postnatal depression", mode="open",
                                         channel_id=910, role_id=911, actor=MOD)
    await services.membership.join(GUILD, USER, group.id)
    notifier = RecordingNotifier()
    return notifier, RecordingOutlet(notifier, can_answer=False)


async def post(services, outlet):
    return await services.sharing.submit(Words(USER, HEAVY, "channel", guild_id=GUILD, channel_id=910), outlet)


async def test_a_worried_post_gets_a_gentle_message_and_a_quiet_note(services, clock) -> None:
    notifier, outlet = await member_posting(services, 0.2)
    outcome = await post(services, outlet)
    assert outcome.screened.crisis and outcome.screened.tier == "worried"
    [(_, _, message)] = notifier.dms
    assert "Samaritans" in message.text and EMERGENCY not in message.text and "999" not in message.text
    [(_, note)] = notifier.mod_log
    assert "may need a gentle look" in note.text and "Please acknowledge" not in note.text
    assert notifier.mentions == [False]
    clock.advance(timedelta(hours=24))
    await services.run_due(notifier)
    assert len(notifier.mod_log) == 1 and notifier.escalations == []  # no re-alerts, no escalation
    [flag] = await services.flags.list(GUILD)
    assert flag.kind == "crisis" and not flag.urgent
    assert "crisis (worried)" in (await services.moderation.flags_note(GUILD)).text  # visible in /mod flags


async def test_an_urgent_post_gets_full_care(services) -> None:
    notifier, outlet = await member_posting(services, 0.9)
    outcome = await post(services, outlet)
    assert outcome.screened.tier == "urgent"
    assert EMERGENCY in notifier.dms[0][2].text and notifier.mentions == [True]
    assert any("moderators know" in note.text for _, _, note in notifier.dms)


async def test_urgent_words_after_a_worried_note_still_raise_an_urgent_alert(services) -> None:
    notifier, outlet = await member_posting(services, 0.2)
    await post(services, outlet)
    await services.sharing.submit(Words(USER, "I want to end my life tonight", "channel", guild_id=GUILD,
                                        channel_id=910), outlet)
    flags = await services.flags.list(GUILD)
    assert sorted(flag.urgent for flag in flags) == [False, True]
    assert notifier.mentions == [False, True]


async def test_a_second_worried_post_adds_no_second_note(services) -> None:
    notifier, outlet = await member_posting(services, 0.2)
    await post(services, outlet)
    await post(services, outlet)
    assert len(await services.flags.list(GUILD)) == 1 and len(notifier.mod_log) == 1


FRIEND = "my friend from baby group sent 'thank you for everything, look after my boys' and now she isnt answering"
OVERDOSE = "took the whole box of my sertraline about 20 mins ago. feel weirdly calm"

# Read by the net alone (the model reads nothing): her message leads with what this crisis needs first, the crisis
# lines stay, and the alert says what was read, never her words.
LEADS_WITH = [
    (FRIEND, "someone_else", "If you think someone is in danger right now, call 999 now", "there for you too",
     "someone she knows may be in danger"),
    (OVERDOSE, "overdose", "If you've taken more of any medicine than you should, call 999 now, even if you "
     "feel fine", "treatment works best early", "she says she has taken an overdose"),
]


@pytest.mark.parametrize(("text", "lead", "first", "also", "detail"), LEADS_WITH)
async def test_care_leads_with_what_this_crisis_needs_and_the_alert_says_so(
        services, text: str, lead: str, first: str, also: str, detail: str) -> None:
    notifier, outlet = await member_posting(services, 0.01)
    outcome = await services.sharing.submit(Words(USER, text, "channel", guild_id=GUILD, channel_id=910), outlet)
    assert outcome.screened.tier == "urgent" and outcome.screened.lead == lead
    message = notifier.dms[0][2].text
    assert first in message and also in message
    assert EMERGENCY not in message and "Samaritans" in message
    [flag] = await services.flags.list(GUILD)
    assert flag.urgent and flag.detail.startswith(detail)
    assert notifier.mentions == [True]
    assert text not in flag.detail and all(text not in note.text for _, note in notifier.mod_log)


async def test_a_plan_to_overdose_is_not_told_as_taken(services) -> None:
    notifier, outlet = await member_posting(services, 0.01)
    plan = "been saving my tablets for weeks and i want to overdose tonight"
    outcome = await services.sharing.submit(Words(USER, plan, "channel", guild_id=GUILD, channel_id=910), outlet)
    assert outcome.screened.crisis and outcome.screened.lead == "her"
    assert EMERGENCY in notifier.dms[0][2].text and "even if you feel fine" not in notifier.dms[0][2].text


async def test_her_own_crisis_beside_someone_elses_gets_her_care(services) -> None:
    notifier, outlet = await member_posting(services, 0.01)
    both = FRIEND + ". honestly i want to end my life too"
    outcome = await services.sharing.submit(Words(USER, both, "channel", guild_id=GUILD, channel_id=910), outlet)
    assert outcome.screened.crisis and outcome.screened.lead == "her"
    assert EMERGENCY in notifier.dms[0][2].text
    [flag] = await services.flags.list(GUILD)
    assert flag.detail.startswith("crisis language")

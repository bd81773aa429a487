"""/mytrends core: her own sentences and chart, and kind answers to bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.errors import UserError
from bot.core.outcomes.charts import TREND_PANEL_HEIGHT, TREND_WIDTH
from bot.core.outcomes.trends import NO_SCORES
from tests.outcomes_data import T0, add_score, make_people, png_size

GUILD = 41


@pytest.fixture
def instruments(services):
    return services.outcomes.instruments


async def test_no_scores_yet_is_a_kind_message(services) -> None:
    with pytest.raises(UserError) as caught:
        await services.outcomes.my_trends(GUILD, "nobody")
    assert caught.value.message == NO_SCORES
    assert "haven't completed any check-ins yet" in NO_SCORES


async def test_one_score_gives_sentences_but_no_chart(services, instruments) -> None:
    await add_score(services, GUILD, "her", instruments["phq9"], total=14, at=T0)
    trends = await services.outcomes.my_trends(GUILD, "her")
    assert trends.png is None
    assert trends.sentences == ("Your PHQ-9 so far: 14 on 3 March.",
                                "After your next check-in you'll be able to see here how it changes.")


async def test_two_phq9_scores_without_verified_sd_make_no_reliability_claim(services, instruments) -> None:
    await add_score(services, GUILD, "her", instruments["phq9"], total=14, at=T0)
    await add_score(services, GUILD, "her", instruments["phq9"], total=8, at=T0 + timedelta(weeks=4))
    trends = await services.outcomes.my_trends(GUILD, "her")
    assert trends.sentences == (
        "Your PHQ-9 went from 14 to 8 since 3 March.",
        "On the PHQ-9, lower scores mean fewer difficulties. That's over 2 check-ins: a trend, not a diagnosis.",
    )
    assert "reliable" not in " ".join(trends.sentences)
    assert png_size(trends.png) == (TREND_WIDTH, TREND_PANEL_HEIGHT)


async def test_epds_reliable_improvement_across_the_cutoff(services, instruments) -> None:
    # 15 → 9: −6 points, at least the 4 of Matthey 2004 → reliable; 15 ≥ 10 and 9 < 10 → past the cut-off.
    for week, total in enumerate((15, 12, 9)):
        await add_score(services, GUILD, "her", instruments["epds"], total=total, at=T0 + timedelta(weeks=week))
    trends = await services.outcomes.my_trends(GUILD, "her")
    assert trends.sentences == (
        "Your EPDS went from 15 to 9 since 3 March: down 6 points, a reliable improvement (a change of 4 points "
        "or more is more than the usual ups and downs).",
        "That's over 3 check-ins, and 9 is below 10, the score at which a health professional would usually "
        "suggest a talk: whatever has been helping, it's worth noticing. 💛",
    )
    assert "past the usual cut-off" not in " ".join(trends.sentences)


async def test_epds_reliable_deterioration_is_gentle(services, instruments) -> None:
    await add_score(services, GUILD, "her", instruments["epds"], total=6, at=T0)
    await add_score(services, GUILD, "her", instruments["epds"], total=11, at=T0 + timedelta(weeks=2))
    first, second = (await services.outcomes.my_trends(GUILD, "her")).sentences
    assert first == ("Your EPDS went from 6 to 11 since 3 March: up 5 points, a reliable change towards feeling "
                     "worse (a change of 4 points or more is more than the usual ups and downs).")
    assert second.startswith("Your latest score, 11, is at or above 10, the score at which a health professional "
                             "would usually suggest a talk. ")
    assert "be gentle with yourself" in second and "GP, midwife or health visitor" in second


async def test_reliable_deterioration_below_the_cutoff_names_no_cutoff(services, instruments) -> None:
    await add_score(services, GUILD, "her", instruments["epds"], total=2, at=T0)
    await add_score(services, GUILD, "her", instruments["epds"], total=7, at=T0 + timedelta(weeks=2))
    _, second = (await services.outcomes.my_trends(GUILD, "her")).sentences
    assert second.startswith("Things seem harder lately.")


async def test_small_change_is_within_usual_ups_and_downs(services, instruments) -> None:
    await add_score(services, GUILD, "her", instruments["epds"], total=12, at=T0)
    await add_score(services, GUILD, "her", instruments["epds"], total=10, at=T0 + timedelta(weeks=1))
    first, _ = (await services.outcomes.my_trends(GUILD, "her")).sentences
    assert first.endswith(": down 2 points, about the same (a change smaller than 4 points is within the usual "
                          "ups and downs).")


async def test_two_instruments_two_panels_and_only_her_scores(services, instruments) -> None:
    people = await make_people(services, GUILD, 2)
    her, other = people[0].pseudonym, people[1].pseudonym
    for week, (phq, scs) in enumerate(((12, [0] * 12), (9, [2] * 12), (7, [4] * 12))):
        at = T0 + timedelta(weeks=week)
        await add_score(services, GUILD, her, instruments["phq9"], total=phq, at=at)
        await add_score(services, GUILD, her, instruments["scs_sf"], positions=scs, at=at)
    await add_score(services, GUILD, other, instruments["phq9"], total=27, at=T0)
    await add_score(services, GUILD, other, instruments["phq9"], total=0, at=T0 + timedelta(weeks=1))
    trends = await services.outcomes.my_trends(GUILD, her)
    assert len(trends.sentences) == 4
    assert trends.sentences[0] == "Your PHQ-9 went from 12 to 7 since 3 March."
    # SCS-SF total is the mean after reversing six items: all "1" answers → (6·1 + 6·5)/12 = 3; all "5" → 3.
    assert trends.sentences[2] == "Your SCS-SF is 3, the same as on 3 March."
    assert "27" not in trends.note.text and "Only you can see this" in trends.note.text
    assert png_size(trends.png) == (TREND_WIDTH, 2 * TREND_PANEL_HEIGHT)


async def test_one_instrument_only(services, instruments) -> None:
    await add_score(services, GUILD, "her", instruments["phq9"], total=12, at=T0)
    await add_score(services, GUILD, "her", instruments["phq9"], total=11, at=T0 + timedelta(days=7))
    await add_score(services, GUILD, "her", instruments["gad7"], total=5, at=T0)
    await add_score(services, GUILD, "her", instruments["gad7"], total=4, at=T0 + timedelta(days=7))
    trends = await services.outcomes.my_trends(GUILD, "her", "GAD-7")
    assert [s for s in trends.sentences if "PHQ" in s] == []
    assert trends.sentences[0] == "Your GAD-7 went from 5 to 4 since 3 March."
    assert png_size(trends.png) == (TREND_WIDTH, TREND_PANEL_HEIGHT)


async def test_an_instrument_she_never_took(services, instruments) -> None:
    await add_score(services, GUILD, "her", instruments["phq9"], total=12, at=T0)
    with pytest.raises(UserError) as caught:
        await services.outcomes.my_trends(GUILD, "her", "epds")
    assert caught.value.message == (
        "You haven't filled in the EPDS yet, so there's no trend to show for it. You have scores for: PHQ-9.")


async def test_an_unknown_instrument_lists_the_known_ones(services, instruments) -> None:
    await add_score(services, GUILD, "her", instruments["phq9"], total=12, at=T0)
    with pytest.raises(UserError) as caught:
        await services.outcomes.my_trends(GUILD, "her", "mood-diary")
    assert caught.value.message.startswith("I don't know a check-in called “mood-diary”. You can choose from: ")
    assert "PHQ-9" in caught.value.message

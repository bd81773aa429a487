"""/outcomes core: per-group change, completion and connection index, with cells under k hidden."""

from __future__ import annotations

from datetime import timedelta

from bot.core.outcomes.charts import CHART_WIDTH, outcomes_size
from bot.core.outcomes.summaries import connection_index
from tests.outcomes_data import (
    T0,
    add_checkins,
    add_framing,
    add_score,
    create_framing_counts,
    make_group,
    make_people,
    png_size,
)

GUILD = 51
HIDDEN = "fewer than 5 members: hidden to protect privacy"


async def group_with_epds(services, name: str, pairs: list[tuple[int, int]], first_user: int) -> int:
    people = await make_people(services, GUILD, len(pairs), first_user)
    group_id = await make_group(services, GUILD, name, people)
    epds = services.outcomes.instruments["epds"]
    for person, (first, last) in zip(people, pairs, strict=True):
        await add_score(services, GUILD, person.pseudonym, epds, total=first, at=T0, group_id=group_id)
        await add_score(services, GUILD, person.pseudonym, epds, total=last, at=T0 + timedelta(weeks=6),
                        group_id=group_id)
    return group_id


async def test_k_minus_one_members_hidden_k_members_shown(services) -> None:
    assert services.outcomes.k == 5
    await group_with_epds(services, "Four", [(15, 9)] * 4, 6000)  # k − 1 = 4 members
    # Five members (k): changes −6, −4, −3, +4, 0.
    #   −6 and −4: |change| ≥ 4 → reliably improved (2 of 5 = 40%)
    #   −3 and 0: < 4 → unchanged (2 of 5 = 40%); +4 → reliably deteriorated (1 of 5 = 20%)
    #   mean change = (−6 − 4 − 3 + 4 + 0) / 5 = −9 / 5 = −1.8
    await group_with_epds(services, "Five", [(15, 9), (14, 10), (12, 9), (8, 12), (11, 11)], 6100)
    result = await services.outcomes.group_outcomes(GUILD)
    four = result.text.split("**Four**")[1].split("**Five**")[0]
    five = result.text.split("**Five**")[1]
    assert f"EPDS: {HIDDEN}." in four
    assert "mean change" not in four
    assert ("EPDS: 5 members with 2+ scores, mean change -1.8 (lower is better); reliably improved 40%, "
            "unchanged 40%, deteriorated 20%.") in five


async def test_without_verified_sd_the_categories_say_so(services) -> None:
    people = await make_people(services, GUILD, 5, 6200)
    group_id = await make_group(services, GUILD, "Evening", people)
    phq9 = services.outcomes.instruments["phq9"]
    for person in people:
        await add_score(services, GUILD, person.pseudonym, phq9, total=14, at=T0, group_id=group_id)
        await add_score(services, GUILD, person.pseudonym, phq9, total=10, at=T0 + timedelta(weeks=3),
                        group_id=group_id)
    result = await services.outcomes.group_outcomes(GUILD)
    # every member 14 → 10: mean change −4
    assert ("PHQ-9: 5 members with 2+ scores, mean change -4 (lower is better); reliable change not computed: "
            "no verified SD.") in result.text
    # The chart's PHQ-9 panel runs over the PHQ-9's own range of change (0 to 27 either way), and says so.
    assert ("PHQ-9 (lower is better, axis from −27 to +27 points): Evening -4; reliable change not computed "
            "(no verified SD).") in result.alt_text


async def test_completion_rate_and_its_suppression(services) -> None:
    people = await make_people(services, GUILD, 9, 6300)
    big = await make_group(services, GUILD, "Big", people[:5])
    small = await make_group(services, GUILD, "Small", people[5:])
    # Big: per member 2 completed, 1 missed, 1 skipped, 1 pending → completed / (sent + completed + missed)
    # = (5·2) / (5·2 + 5·1) = 10 / 15 = 67% (skipped and pending do not count as sent)
    for person in people[:5]:
        await add_checkins(services, GUILD, big, person, ["completed", "completed", "missed", "skipped", "pending"])
    for person in people[5:]:
        await add_checkins(services, GUILD, small, person, ["completed", "sent"])
    text = (await services.outcomes.group_outcomes(GUILD)).text
    assert "Check-ins completed: 67% of 15 sent." in text.split("**Big**")[1]
    assert f"Check-ins completed: {HIDDEN}." in text.split("**Small**")[1]


async def test_connection_index_by_week_needs_the_framing_table(services) -> None:
    people = await make_people(services, GUILD, 5, 6400)
    group_id = await make_group(services, GUILD, "Mornings", people)
    text = (await services.outcomes.group_outcomes(GUILD)).text
    assert "Connection index: no comparison, isolation or common-humanity posts yet." in text
    await services.db.execute("DROP TABLE framing_counts")  # a database from before the framing feature
    text = (await services.outcomes.group_outcomes(GUILD)).text
    assert "Connection index: framing counts are not available yet." in text

    await create_framing_counts(services)
    # ISO week 2026-W10 (2–8 March): common humanity 4 + 2 = 6; upward 2; downward 1; isolation 3
    #   → 6 / (6 + 2 + 1 + 3) = 6 / 12 = 0.50
    await add_framing(services, GUILD, group_id, "2026-03-03", {"common_humanity": 4, "upward_comparison": 2,
                                                                "isolation": 3, "neutral": 40})
    await add_framing(services, GUILD, group_id, "2026-03-05", {"common_humanity": 2, "downward_comparison": 1})
    # 2026-W11: 3 / (3 + 1) = 0.75 (neutral and crisis do not count)
    await add_framing(services, GUILD, group_id, "2026-03-10", {"common_humanity": 3, "isolation": 1, "crisis": 2})
    result = await services.outcomes.group_outcomes(GUILD)
    assert "Connection index by week: 2026-W10 0.50, 2026-W11 0.75." in result.text
    connection = {"Mornings": [("2026-W10", 0.5), ("2026-W11", 0.75)]}
    assert png_size(result.png) == outcomes_size([], connection)
    assert png_size(result.png)[0] == CHART_WIDTH
    assert result.alt_text == ("Line chart of the connection index by week (0 to 1) for 1 group: Mornings latest "
                               "0.75.")


async def test_connection_index_hidden_for_a_small_group(services) -> None:
    people = await make_people(services, GUILD, 4, 6500)
    group_id = await make_group(services, GUILD, "Tiny", people)
    await create_framing_counts(services)
    await add_framing(services, GUILD, group_id, "2026-03-03", {"common_humanity": 4})
    text = (await services.outcomes.group_outcomes(GUILD)).text
    assert f"Connection index: {HIDDEN}." in text


def test_connection_index_formula() -> None:
    assert connection_index({"common_humanity": 1, "upward_comparison": 1, "downward_comparison": 1,
                             "isolation": 1}) == 0.25
    assert connection_index({"neutral": 9}) is None


async def test_no_groups_yet(services) -> None:
    result = await services.outcomes.group_outcomes(GUILD)
    assert result.text == "There are no groups in this server yet, so there are no outcomes to show."
    assert result.png is None

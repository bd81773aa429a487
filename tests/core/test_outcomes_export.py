"""Research export: consented members only, fresh ids per export, weeks not dates, small cells left out."""

from __future__ import annotations

import csv
from datetime import date, timedelta

import pytest

from bot.core.outcomes.export import dictionary_path_for
from bot.store.baby_weeks_repo import BabyWeeksRepository
from tests.outcomes_data import (
    T0,
    add_post,
    add_score,
    make_group,
    make_people,
    set_research_consent,
)

GUILD = 987654321098765432
# Real-sized snowflakes: a four-digit id could turn up by chance inside a random export id.
ALPHA_FIRST_USER = 412345678901234000
BETA_FIRST_USER = 412345678901235000


@pytest.fixture
async def scenario(services):
    """Group Alpha: 6 consented members and 1 who declined; group Beta: 4 consented (a small cell)."""
    instruments = services.outcomes.instruments
    alpha_people = await make_people(services, GUILD, 7, ALPHA_FIRST_USER)
    beta_people = await make_people(services, GUILD, 4, BETA_FIRST_USER)
    alpha = await make_group(services, GUILD, "Alpha", alpha_people)
    beta = await make_group(services, GUILD, "Beta", beta_people)
    for index, person in enumerate(alpha_people):
        await set_research_consent(services, GUILD, person.pseudonym, index < 6)
        await add_score(services, GUILD, person.pseudonym, instruments["phq9"], total=12 + index, at=T0,
                        group_id=alpha)
        await add_score(services, GUILD, person.pseudonym, instruments["phq9"], total=8, at=T0 + timedelta(weeks=3),
                        group_id=alpha)
        await add_post(services, GUILD, alpha, person, T0 - timedelta(weeks=1))
        await add_post(services, GUILD, alpha, person, T0 + timedelta(weeks=1))
        await add_post(services, GUILD, alpha, person, T0 + timedelta(weeks=1, days=1))
    for person in alpha_people[:3]:  # EPDS: only 3 members, a small cell
        await add_score(services, GUILD, person.pseudonym, instruments["epds"], total=11, at=T0, group_id=alpha)
    for person in beta_people:
        await set_research_consent(services, GUILD, person.pseudonym, True)
        await add_score(services, GUILD, person.pseudonym, instruments["phq9"], total=15, at=T0, group_id=beta)
        await add_score(services, GUILD, person.pseudonym, instruments["phq9"], total=5, at=T0 + timedelta(weeks=2),
                        group_id=beta)
    return {"alpha": alpha_people, "beta": beta_people, "alpha_id": alpha, "beta_id": beta}


def read(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


async def test_export_rows_weeks_items_and_posts(services, scenario, tmp_path) -> None:
    result = await services.outcomes.export(tmp_path / "export.csv")
    rows = read(result.path)
    scores = [r for r in rows if r["record"] == "score"]
    posts = [r for r in rows if r["record"] == "posts"]
    # Only Alpha's six consented members; Beta (4 < k) and Alpha's EPDS (3 < k) are left out.
    assert result.participants == 6 and len({r["participant"] for r in rows}) == 6
    assert {r["instrument"] for r in scores} == {"phq9"}
    assert len(scores) == 12 and len({r["group"] for r in rows}) == 1
    # Cells left out: (Beta, phq9), (Alpha, epds); Beta has no posts, so no posts cell there.
    assert result.suppressed_cells == 2
    assert sorted({(r["week"], r["occasion"]) for r in scores}) == [("0", "1"), ("3", "2")]
    for row in scores:  # item values add up to the total (PHQ-9 is a sum of its nine items)
        assert sum(int(row[f"item_{n}"]) for n in range(1, 10)) == int(row["total"])
        assert "item_10" not in row  # EPDS (10 items) rows were all left out, so its columns are too
    # Posts per week from week −1 (a post before her first score) to week 3 (her latest score): 1, 0, 2, 0, 0.
    by_participant = {}
    for row in posts:
        by_participant.setdefault(row["participant"], []).append((int(row["week"]), int(row["posts"])))
    assert all(sorted(weeks) == [(-1, 1), (0, 0), (1, 2), (2, 0), (3, 0)] for weeks in by_participant.values())
    assert len(by_participant) == 6


async def test_export_holds_no_discord_id_pseudonym_alias_or_name(services, scenario, tmp_path) -> None:
    result = await services.outcomes.export(tmp_path / "export.csv")
    text = result.path.read_text(encoding="utf-8") + result.dictionary_path.read_text(encoding="utf-8")
    for person in scenario["alpha"] + scenario["beta"]:
        assert str(person.user_id) not in text
        assert person.pseudonym not in text
        assert person.alias not in text
    assert str(GUILD) not in text
    assert "Alpha" not in text and "Beta" not in text
    assert "2026-03-03" not in result.path.read_text(encoding="utf-8")  # weeks, never calendar dates


async def test_two_exports_share_no_participant_or_group_id(services, scenario, tmp_path) -> None:
    first = read((await services.outcomes.export(tmp_path / "one.csv")).path)
    second = read((await services.outcomes.export(tmp_path / "two.csv")).path)
    assert len({r["participant"] for r in first}) == len({r["participant"] for r in second}) == 6
    assert {r["participant"] for r in first}.isdisjoint({r["participant"] for r in second})
    assert {r["group"] for r in first}.isdisjoint({r["group"] for r in second})


async def test_k_suppression_at_k_minus_one_and_k(services, scenario, tmp_path) -> None:
    alpha = scenario["alpha"]
    # Withdraw consent from one of six: 5 = k remain, the cell is kept.
    await set_research_consent(services, GUILD, alpha[0].pseudonym, False)
    at_k = await services.outcomes.export(tmp_path / "k.csv")
    assert at_k.participants == 5
    assert len([r for r in read(at_k.path) if r["record"] == "score"]) == 10
    # One more withdraws: 4 = k − 1, the whole Alpha cell goes.
    await set_research_consent(services, GUILD, alpha[1].pseudonym, False)
    below = await services.outcomes.export(tmp_path / "k-1.csv")
    assert below.participants == 0 and read(below.path) == []


async def test_withdrawing_research_consent_removes_her_from_later_exports(services, scenario, tmp_path) -> None:
    before = await services.outcomes.export(tmp_path / "before.csv")
    totals_before = sorted(r["total"] for r in read(before.path) if r["occasion"] == "1")
    # Her first PHQ-9 total (17) is unique to her in this scenario.
    her = scenario["alpha"][5]
    assert "17" in totals_before
    await set_research_consent(services, GUILD, her.pseudonym, False)
    after = await services.outcomes.export(tmp_path / "after.csv")
    totals_after = sorted(r["total"] for r in read(after.path) if r["occasion"] == "1")
    assert "17" not in totals_after and after.participants == 5


async def test_data_dictionary_beside_the_file(services, scenario, tmp_path) -> None:
    result = await services.outcomes.export(tmp_path / "export.csv")
    assert result.dictionary_path == dictionary_path_for(result.path) == tmp_path / "export.csv.dictionary.md"
    dictionary = result.dictionary_path.read_text(encoding="utf-8")
    header = result.path.read_text(encoding="utf-8").splitlines()[0].split(",")
    for column in header:
        assert f"`{column}`" in dictionary
    assert "k = 5" in dictionary and "2 cell(s) were left out" in dictionary
    assert "Kroenke" in dictionary  # the PHQ-9 citation
    assert "Edinburgh" not in dictionary  # EPDS rows were all left out (3 < k), so it is not described


async def test_export_with_nobody_consented_writes_only_a_header(services, tmp_path) -> None:
    result = await services.outcomes.export(tmp_path / "empty.csv")
    assert result.participants == 0
    assert result.path.read_text(encoding="utf-8").strip().startswith("record,participant,group,week")


async def test_baby_weeks_are_exported_as_weeks_postpartum_or_pregnant_never_dates(services, scenario,
                                                                                    tmp_path) -> None:
    alpha = scenario["alpha"]
    babies = BabyWeeksRepository(services.db)
    await babies.set(GUILD, alpha[0].pseudonym, date(2026, 2, 16), "born")  # 2 weeks before her first score
    await babies.set(GUILD, alpha[1].pseudonym, date(2026, 3, 16), "due")  # 2 weeks after it
    await babies.set(GUILD, alpha[6].pseudonym, date(2026, 2, 16), "born")  # declined research: never read
    result = await services.outcomes.export(tmp_path / "export.csv")
    rows = read(result.path)
    by_total = {(r["occasion"], r["total"]): r for r in rows if r["record"] == "score" and r["occasion"] == "1"}
    first, second = by_total[("1", "12")]["participant"], by_total[("1", "13")]["participant"]
    weeks = {(r["participant"], r["week"]): (r["weeks_postpartum"], r["weeks_pregnant"], r["baby_week_from"])
             for r in rows if r["record"] == "score"}
    assert weeks[(first, "0")] == ("2", "", "birth") and weeks[(first, "3")] == ("5", "", "birth")
    assert weeks[(second, "0")] == ("", "38", "due") and weeks[(second, "3")] == ("1", "", "due")
    third = by_total[("1", "14")]["participant"]
    assert weeks[(third, "0")] == ("", "", "")  # she gave no week
    text = result.path.read_text(encoding="utf-8")
    assert "2026-02-16" not in text and "2026-03-16" not in text and "2026-02" not in text
    dictionary = result.dictionary_path.read_text(encoding="utf-8")
    assert "`weeks_postpartum`" in dictionary and "`weeks_pregnant`" in dictionary

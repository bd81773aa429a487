"""Research report: summary and charts, hand-checked numbers, progress per stage, small cells hidden."""

from __future__ import annotations

from datetime import timedelta

from bot.core.outcomes.charts import CHART_HEIGHT, CHART_WIDTH, CONNECTION_PANEL_IN, DPI
from bot.core.outcomes.report import tertiles
from tests.outcomes_data import (
    T0,
    add_framing,
    add_post,
    add_score,
    create_framing_counts,
    make_group,
    make_people,
    png_size,
    set_research_consent,
)

GUILD = 61


async def build(services, *, framing: bool) -> None:
    """15 consented members. Member i posts i times between her first and latest EPDS (weeks 0–3).

    EPDS 15 → 19 for i = 0–4 (+4), 15 → 13 for i = 5–9 (−2), 15 → 9 for i = 10–14 (−6).
    PHQ-9 14 → 10 for everyone; SCS-SF for only 4 members (a hidden cell).
    """
    instruments = services.outcomes.instruments
    people = await make_people(services, GUILD, 15, 8000)
    group_id = await make_group(services, GUILD, "Weekday mums", people)
    for i, person in enumerate(people):
        await set_research_consent(services, GUILD, person.pseudonym, True)
        last_epds = 19 if i < 5 else 13 if i < 10 else 9
        for total, weeks in ((15, 0), (last_epds, 3)):
            await add_score(services, GUILD, person.pseudonym, instruments["epds"], total=total,
                            at=T0 + timedelta(weeks=weeks), group_id=group_id)
        for total, weeks in ((14, 0), (10, 3)):
            await add_score(services, GUILD, person.pseudonym, instruments["phq9"], total=total,
                            at=T0 + timedelta(weeks=weeks), group_id=group_id)
        for post in range(i):
            await add_post(services, GUILD, group_id, person, T0 + timedelta(hours=post * 12))
    for person in people[:4]:
        for answers, weeks in (([1] * 12, 0), ([2] * 12, 3)):
            await add_score(services, GUILD, person.pseudonym, instruments["scs_sf"], positions=answers,
                            at=T0 + timedelta(weeks=weeks), group_id=group_id)
    if framing:
        await create_framing_counts(services)
        # common humanity 3, isolation 1 → 3 / (3 + 1) = 0.75
        await add_framing(services, GUILD, group_id, "2026-03-04", {"common_humanity": 3, "isolation": 1})


async def test_report_sections_numbers_and_charts(services, tmp_path) -> None:
    await build(services, framing=True)
    progress: list[str] = []
    result = await services.outcomes.report(tmp_path / "report", progress.append)
    assert [line[:5] for line in progress] == ["[1/6]", "[2/6]", "[3/6]", "[4/6]", "[5/6]", "[6/6]"]
    summary = result.summary_path.read_text(encoding="utf-8")

    # EPDS changes: +4 ×5, −2 ×5, −6 ×5 → mean −4/3 = −1.33; mean latest (19·5 + 13·5 + 9·5) / 15 = 13.67
    # SD of change: deviations 5.333, −0.667, −4.667; squares 28.444, 0.444, 21.778; ×5 = 253.33;
    # / 14 = 18.095; √ = 4.25; d_z = −1.333 / 4.254 = −0.31
    assert "| EPDS | 15 | 15.00 | 13.67 | -1.33 | 4.25 | -0.31 | lower is better |" in summary
    # Reliable change (4 points): 5 improved (−6), 5 unchanged (−2), 5 deteriorated (+4);
    # clinically significant improvements: 15 → 9 crosses the cut-off 10 → 5.
    assert "| EPDS | 15 | 5 (33%) | 5 (33%) | 5 (33%) | 5 |" in summary
    assert "| PHQ-9 | 15 | not computed: no verified SD | | | |" in summary
    assert "| SCS-SF | fewer than 5 members: hidden to protect privacy |" in summary
    # Dose-response: member i posts i times over 4 weeks (weeks 0–3) → i / 4 posts per week.
    assert "| EPDS | low | 5 | 0.00–1.00 | 4.00 |" in summary
    assert "| EPDS | middle | 5 | 1.25–2.25 | -2.00 |" in summary
    assert "| EPDS | high | 5 | 2.50–3.50 | -6.00 |" in summary
    assert "| 15 | 0.75 | -1.33 |" in summary  # connection index 0.75 against EPDS mean change

    names = sorted(path.name for path in result.charts)
    assert names == ["connection_vs_change.png", "dose_response.png", "pre_post.png", "reliable_change.png"]
    for path in result.charts:
        assert png_size(path.read_bytes())[0] == CHART_WIDTH  # phone-wide; as tall as its panels need
        assert f"]({path.name})" in summary
    # One panel per questionnaire shown (EPDS and PHQ-9; SCS-SF is hidden), never two scales on one axis:
    # pre/post 2 bars each, dose-response 3 tertiles each, the connection chart one panel each.
    sizes = {path.name: png_size(path.read_bytes()) for path in result.charts}
    assert sizes["pre_post.png"][1] == round(2 * (2.4 + 0.5 * 2) * DPI)
    assert sizes["dose_response.png"][1] == round(2 * (2.4 + 0.5 * 3) * DPI)
    assert sizes["connection_vs_change.png"][1] == round(2 * CONNECTION_PANEL_IN * DPI)
    assert sizes["reliable_change.png"] == (CHART_WIDTH, CHART_HEIGHT)  # shares: one 0–100 % scale for all

    # Every image's alt text says what it shows, questionnaire by questionnaire, with its own axis.
    assert ("![Bar charts of the mean first and latest score, one per questionnaire, each on its own axis. "
            "EPDS (lower is better; axis from 0 to 30): mean first 15.00, mean latest 13.67; a hatched band "
            "around the first at the reliable change of ±4 points. PHQ-9 (lower is better; axis from 0 to 27): "
            "mean first 14.00, mean latest 10.00; reliable change not computed (no verified SD).](pre_post.png)"
            ) in summary
    assert ("EPDS (lower is better; axis from −30 to 30): low engagement 4.00, middle engagement −2.00, "
            "high engagement −6.00; dashed lines at the reliable change of ±4 points.") in summary
    assert ": index 0.75, change −1.33; dashed lines at the reliable change of ±4 points." in summary
    assert "improved 33%, unchanged 33%, deteriorated 33%" in summary


async def test_report_without_framing_counts_says_so(services, tmp_path) -> None:
    await build(services, framing=False)
    await services.db.execute("DROP TABLE framing_counts")  # a database from before the framing feature
    result = await services.outcomes.report(tmp_path / "report")
    assert "Framing counts are not available in this database" in result.summary_path.read_text(encoding="utf-8")


async def test_report_hides_tertiles_under_k(services, tmp_path) -> None:
    instruments = services.outcomes.instruments
    people = await make_people(services, GUILD, 6, 8100)
    group_id = await make_group(services, GUILD, "Six", people)
    for person in people:
        await set_research_consent(services, GUILD, person.pseudonym, True)
        await add_score(services, GUILD, person.pseudonym, instruments["epds"], total=12, at=T0, group_id=group_id)
        await add_score(services, GUILD, person.pseudonym, instruments["epds"], total=8,
                        at=T0 + timedelta(weeks=2), group_id=group_id)
    result = await services.outcomes.report(tmp_path / "r")
    summary = result.summary_path.read_text(encoding="utf-8")
    assert "| EPDS | 6 |" in summary  # the questionnaire cell (6 ≥ 5) is shown …
    # … but 6 members make tertiles of 2: each is hidden.
    for tertile in ("low", "middle", "high"):
        assert f"| EPDS | {tertile} | fewer than 5 members: hidden to protect privacy |" in summary


def test_tertiles_split_evenly_by_value() -> None:
    members = [((1, f"p{i}"), float(v)) for i, v in enumerate([5, 1, 3, 2, 4, 6])]
    low, middle, high = tertiles(members)
    assert [m[1] for m in low] == ["p1", "p3"]  # values 1, 2
    assert [m[1] for m in middle] == ["p2", "p4"]  # 3, 4
    assert [m[1] for m in high] == ["p0", "p5"]  # 5, 6

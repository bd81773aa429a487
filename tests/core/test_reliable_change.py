"""Reliable and clinically significant change, checked against arithmetic done by hand."""

from __future__ import annotations

import dataclasses
import math
import tomllib
from pathlib import Path

import pytest

from bot.core.instruments import load_instruments
from bot.core.outcomes.reliable_change import NO_VERIFIED_SD, classify, rci, rule_for

QUESTIONNAIRES = Path(__file__).resolve().parents[2] / "config" / "questionnaires"
INSTRUMENTS = load_instruments(QUESTIONNAIRES)


def with_params(instrument_id: str, **params: object):
    """The shipped instrument with a [reliable_change] table of our own (for arithmetic tests only)."""
    return dataclasses.replace(INSTRUMENTS[instrument_id], reliable_change=params)


def test_s_diff_and_rci_match_hand_arithmetic() -> None:
    rule = rule_for(with_params("phq9", sd=5.0, reliability=0.84, verified=True))
    # S_diff = √2 · SD · √(1 − r) = 1.41421 · 5 · √0.16 = 1.41421 · 5 · 0.4 = 2.82843
    assert rule.s_diff == pytest.approx(2.82843, abs=1e-5)
    # RCI = (8 − 14) / 2.82843 = −6 / 2.82843 = −2.12132
    assert rci(14, 8, rule) == pytest.approx(-2.12132, abs=1e-5)
    # Reliable threshold in points: 1.96 · 2.82843 = 5.54372
    assert rule.threshold_points == pytest.approx(5.54372, abs=1e-5)


@pytest.mark.parametrize(
    ("first", "last", "category", "expected_rci", "significant"),
    [
        # (8 − 14) / 2.82843 = −2.121: |RCI| > 1.96, lower is better → improved; 14 ≥ 10 then 8 < 10: crosses
        (14, 8, "improved", -2.12132, True),
        # (13 − 20) / 2.82843 = −2.475: improved, but 13 is still ≥ 10: not clinically significant
        (20, 13, "improved", -2.47487, False),
        # (10 − 14) / 2.82843 = −1.414: |RCI| ≤ 1.96 → no reliable change
        (14, 10, "unchanged", -1.41421, False),
        # (14 − 8) / 2.82843 = +2.121: worse on a lower-is-better scale; 8 < 10 then 14 ≥ 10: crosses
        (8, 14, "deteriorated", 2.12132, True),
        # (12 − 6) / 2.82843 = +2.121: worse, but crosses the cut-off (10): significant deterioration
        (6, 12, "deteriorated", 2.12132, True),
        # (9 − 3) / 2.82843 = +2.121: worse, both below 10: not clinically significant
        (3, 9, "deteriorated", 2.12132, False),
    ],
)
def test_sd_rule_categories(first, last, category, expected_rci, significant) -> None:
    rule = rule_for(with_params("phq9", sd=5.0, reliability=0.84, verified=True))
    change = classify(first, last, rule)
    assert change.category == category
    assert change.rci == pytest.approx(expected_rci, abs=1e-5)
    assert change.clinically_significant is significant


def test_higher_is_better_turns_the_direction_round() -> None:
    # SCS-SF with a made-up SD of 0.5 and r = 0.84: S_diff = 1.41421 · 0.5 · 0.4 = 0.282843
    rule = rule_for(with_params("scs_sf", sd=0.5, reliability=0.84, verified=True))
    # (3.2 − 2.5) / 0.282843 = 0.7 / 0.282843 = 2.47487 → higher is better → improved
    up = classify(2.5, 3.2, rule)
    assert (up.category, round(up.rci, 5)) == ("improved", 2.47487)
    # (2.5 − 3.2) / 0.282843 = −2.47487 → deteriorated; SCS-SF has no cut-off, so never "clinically significant"
    down = classify(3.2, 2.5, rule)
    assert (down.category, down.clinically_significant) == ("deteriorated", False)


@pytest.mark.parametrize(
    ("first", "last", "category", "significant"),
    [
        (15, 11, "improved", False),  # −4 points: |−4| ≥ 4 → reliable; 11 is still ≥ 10 (lowest EPDS cut-off)
        (12, 8, "improved", True),  # −4: reliable, and 12 ≥ 10 → 8 < 10 crosses the cut-off
        (15, 12, "unchanged", False),  # −3: |−3| < 4
        (9, 13, "deteriorated", True),  # +4: reliable, worse, and 9 < 10 → 13 ≥ 10
        (10, 10, "unchanged", False),
    ],
)
def test_epds_uses_the_published_four_points(first, last, category, significant) -> None:
    rule = rule_for(INSTRUMENTS["epds"])
    assert (rule.points, rule.cutoff, rule.computable) == (4.0, 10.0, True)
    change = classify(first, last, rule)
    assert (change.category, change.clinically_significant) == (category, significant)
    assert change.rci is None  # a points rule has no SD, so no RCI is reported


@pytest.mark.parametrize("instrument_id", ["phq9", "gad7", "scs_sf", "connection", "phq2", "gad2"])
def test_no_verified_sd_means_not_computed(instrument_id: str) -> None:
    rule = rule_for(INSTRUMENTS[instrument_id])
    assert not rule.computable and rule.reason == NO_VERIFIED_SD == "not computed: no verified SD"
    change = classify(20, 2, rule)
    assert (change.category, change.rci, change.reason) == ("not_computed", None, NO_VERIFIED_SD)


def test_an_unverified_sd_is_never_used() -> None:
    rule = rule_for(with_params("phq9", sd=5.0, reliability=0.84, verified=False))
    assert classify(20, 2, rule).category == "not_computed"
    assert rci(20, 2, rule) is None


def test_a_named_cutoff_is_used_for_clinical_significance() -> None:
    rule = rule_for(with_params("epds", points=4, verified=True, cutoff="probable"))
    assert rule.cutoff == 13
    assert classify(14, 10, rule).clinically_significant is True  # 14 ≥ 13 → 10 < 13
    assert classify(11, 7, rule).clinically_significant is False  # below 13 throughout


@pytest.mark.parametrize(("instrument_id", "higher"), [("phq9", False), ("phq2", False), ("gad7", False),
                                                       ("gad2", False), ("epds", False), ("scs_sf", True),
                                                       ("connection", True)])
def test_every_questionnaire_file_states_its_direction(instrument_id: str, higher: bool) -> None:
    raw = tomllib.loads((QUESTIONNAIRES / f"{instrument_id}.toml").read_text(encoding="utf-8"))
    assert raw["higher_is_better"] is higher
    assert INSTRUMENTS[instrument_id].higher_is_better is higher


def test_shipped_parameters_all_have_sources() -> None:
    for instrument in INSTRUMENTS.values():
        table = instrument.reliable_change
        if "sd" in table:
            assert table.get("sd_source"), instrument.id
        if "points" in table:
            assert table.get("source"), instrument.id
            assert not math.isnan(float(table["points"]))
        if "reliability" in table:
            assert table.get("reliability_source"), instrument.id

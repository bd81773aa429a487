"""Scoring core: every expected value below was worked out by hand (see the comment on each case).

Answers are 0-based option POSITIONS. Reminders used in the hand sums:
- PHQ-9 / GAD-7 / PHQ-2 / GAD-2: position p scores p (0–3).
- EPDS: items 1, 2, 4 score p; items 3, 5–10 are reversed and score 3 − p.
- SCS-SF: position p is answered as p + 1 (1–5); items 1, 4, 8, 9, 11, 12 are reversed and score
  6 − (p + 1) = 5 − p. Total = mean of the 12 scored values; subscales = mean of the ANSWERED values.
- connection: position p scores p (0–4); item 4 is reversed and scores 4 − p in the total; subscales
  use the answered value.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.core.instruments import (
    SAFETY_ACTION,
    Instrument,
    InstrumentError,
    get_instrument,
    load_instruments,
    parse_answers,
)

CONFIG = Path(__file__).resolve().parents[2] / "config" / "questionnaires"
ALL_IDS = ["connection", "epds", "gad2", "gad7", "phq2", "phq9", "scs_sf"]


@pytest.fixture(scope="module")
def instruments() -> dict[str, Instrument]:
    return load_instruments(CONFIG)


# ---------------------------------------------------------------------------------------------------
# Loading the shipped definitions
# ---------------------------------------------------------------------------------------------------


def test_all_shipped_instruments_load(instruments: dict[str, Instrument]) -> None:
    assert sorted(instruments) == ALL_IDS


@pytest.mark.parametrize(
    ("instrument_id", "item_count", "option_count", "scoring"),
    [
        ("phq9", 9, 4, "sum"),
        ("gad7", 7, 4, "sum"),
        ("phq2", 2, 4, "sum"),
        ("gad2", 2, 4, "sum"),
        ("epds", 10, 4, "sum"),
        ("scs_sf", 12, 5, "mean"),
        ("connection", 5, 5, "mean"),
    ],
)
def test_shape(
    instruments: dict[str, Instrument], instrument_id: str, item_count: int, option_count: int, scoring: str
) -> None:
    instrument = instruments[instrument_id]
    assert len(instrument.items) == item_count
    assert [item.number for item in instrument.items] == list(range(1, item_count + 1))
    assert all(len(item.options) == option_count for item in instrument.items)
    assert instrument.scoring == scoring


def test_phq2_and_gad2_are_the_first_two_items(instruments: dict[str, Instrument]) -> None:
    assert [i.text for i in instruments["phq2"].items] == [i.text for i in instruments["phq9"].items[:2]]
    assert [i.text for i in instruments["gad2"].items] == [i.text for i in instruments["gad7"].items[:2]]


def test_published_text_is_shipped(instruments: dict[str, Instrument]) -> None:
    assert instruments["phq9"].items[8].text == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert instruments["gad7"].items[0].text == "Feeling nervous, anxious, or on edge"
    assert instruments["scs_sf"].items[9].text.startswith("When I feel inadequate in some way")
    assert [o.label for o in instruments["phq9"].items[0].options] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    assert instruments["scs_sf"].items[0].options[0].label == "1 – Almost never"
    assert instruments["scs_sf"].items[0].options[4].label == "5 – Almost always"


def test_epds_ships_no_text(instruments: dict[str, Instrument]) -> None:
    epds = instruments["epds"]
    assert all(item.text is None for item in epds.items)
    assert all(option.label is None for item in epds.items for option in item.options)


@pytest.mark.parametrize(
    ("instrument_id", "reversed_items"),
    [
        ("epds", [3, 5, 6, 7, 8, 9, 10]),
        ("scs_sf", [1, 4, 8, 9, 11, 12]),
        ("connection", [4]),
        ("phq9", []),
        ("gad7", []),
    ],
)
def test_reversed_items(instruments: dict[str, Instrument], instrument_id: str, reversed_items: list[int]) -> None:
    assert [i.number for i in instruments[instrument_id].items if i.reverse] == reversed_items


def test_connection_is_marked_not_validated(instruments: dict[str, Instrument]) -> None:
    connection = instruments["connection"]
    assert connection.validated is False
    assert connection.citation == "Written for this project; not a validated scale"
    assert connection.safety_rules == ()
    assert all(instruments[i].validated for i in ALL_IDS if i != "connection")


def test_cutoffs(instruments: dict[str, Instrument]) -> None:
    assert instruments["epds"].cutoffs["possible"] == 10
    assert instruments["epds"].cutoffs["probable"] == 13
    assert instruments["phq9"].cutoffs["moderate"] == 10
    assert instruments["gad7"].cutoffs["moderate"] == 10
    assert instruments["phq2"].cutoffs["positive"] == 3
    assert instruments["gad2"].cutoffs["positive"] == 3


def test_reliable_change_parameters(instruments: dict[str, Instrument]) -> None:
    epds = instruments["epds"].reliable_change
    assert epds["points"] == 4
    assert "Matthey" in epds["source"]
    assert epds["reliability"] == 0.87
    assert epds["verified"] is True
    # No SD is shipped for these three, so they wait for an operator to confirm.
    for instrument_id, alpha in [("phq9", 0.89), ("gad7", 0.92), ("scs_sf", 0.86)]:
        table = instruments[instrument_id].reliable_change
        assert table["reliability"] == alpha
        assert table["verified"] is False
        assert "sd" not in table


def test_instrument_is_frozen(instruments: dict[str, Instrument]) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        instruments["phq9"].id = "other"  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------------
# Scoring: hand-computed answer sets
# ---------------------------------------------------------------------------------------------------

# fmt: off
SCORE_CASES = [
    # --- PHQ-9: sum of positions; bands 0 minimal, 5 mild, 10 moderate, 15 moderately severe, 20 severe
    ("phq9", [0, 0, 0, 0, 0, 0, 0, 0, 0], 0, {}, "minimal", []),
    ("phq9", [3, 1, 0, 0, 0, 0, 0, 0, 0], 4, {}, "minimal", []),  # 3+1 = 4
    ("phq9", [3, 2, 0, 0, 0, 0, 0, 0, 0], 5, {}, "mild", []),  # 3+2 = 5
    ("phq9", [3, 3, 3, 0, 0, 0, 0, 0, 0], 9, {}, "mild", []),  # 3+3+3 = 9
    ("phq9", [3, 3, 3, 1, 0, 0, 0, 0, 0], 10, {}, "moderate", []),  # 9+1 = 10
    ("phq9", [3, 3, 3, 3, 2, 0, 0, 0, 0], 14, {}, "moderate", []),  # 12+2 = 14
    ("phq9", [3, 3, 3, 3, 3, 0, 0, 0, 0], 15, {}, "moderately severe", []),  # 5×3 = 15
    ("phq9", [3, 3, 3, 3, 3, 3, 1, 0, 0], 19, {}, "moderately severe", []),  # 18+1 = 19
    ("phq9", [3, 3, 3, 3, 3, 3, 2, 0, 0], 20, {}, "severe", []),  # 18+2 = 20
    # 0+1+2+3+0+1+2+3+1 = 13; item 9 answered "Several days" (1) fires the safety rule
    ("phq9", [0, 1, 2, 3, 0, 1, 2, 3, 1], 13, {}, "moderate", ["phq9_item9_self_harm"]),
    ("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 3], 27, {}, "severe", ["phq9_item9_self_harm"]),  # 9×3 = 27
    # --- GAD-7: bands 0 minimal, 5 mild, 10 moderate, 15 severe
    ("gad7", [0, 0, 0, 0, 0, 0, 0], 0, {}, "minimal", []),
    ("gad7", [1, 1, 1, 1, 0, 0, 0], 4, {}, "minimal", []),  # 4×1 = 4
    ("gad7", [1, 1, 1, 1, 1, 0, 0], 5, {}, "mild", []),  # 5×1 = 5
    ("gad7", [3, 3, 3, 0, 0, 0, 0], 9, {}, "mild", []),  # 3×3 = 9
    ("gad7", [3, 3, 3, 1, 0, 0, 0], 10, {}, "moderate", []),  # 9+1 = 10
    ("gad7", [3, 3, 3, 3, 2, 0, 0], 14, {}, "moderate", []),  # 12+2 = 14
    ("gad7", [3, 3, 3, 3, 3, 0, 0], 15, {}, "severe", []),  # 5×3 = 15
    ("gad7", [3, 3, 3, 3, 3, 3, 3], 21, {}, "severe", []),  # 7×3 = 21, and GAD-7 has no safety rule
    # --- PHQ-2 / GAD-2: 3 or more screens positive
    ("phq2", [1, 1], 2, {}, "screen negative", []),
    ("phq2", [1, 2], 3, {}, "screen positive", []),
    ("phq2", [3, 3], 6, {}, "screen positive", []),
    ("gad2", [0, 2], 2, {}, "screen negative", []),
    ("gad2", [2, 1], 3, {}, "screen positive", []),
    # --- EPDS: items 1, 2, 4 score p; items 3, 5–10 score 3 − p. EPDS-3A = items 3 + 4 + 5.
    # lowest possible: 0+0+0(3−3)+0+0+… = 0; 3A = 0+0+0
    ("epds", [0, 0, 3, 0, 3, 3, 3, 3, 3, 3], 0, {"anxiety_epds3a": 0}, "below cut-off", []),
    # items 1, 2, 4 = 3 each (9); reversed items at position 3 score 0 → 9; 3A = 0+3+0 = 3
    ("epds", [3, 3, 3, 3, 3, 3, 3, 3, 3, 3], 9, {"anxiety_epds3a": 3}, "below cut-off", []),
    # as above, item 3 at position 2 scores 1 → 10; 3A = 1+3+0 = 4
    ("epds", [3, 3, 2, 3, 3, 3, 3, 3, 3, 3], 10, {"anxiety_epds3a": 4}, "possible depression", []),
    # 9 + item3 1 + item5 1 + item6 1 = 12; 3A = 1+3+1 = 5
    ("epds", [3, 3, 2, 3, 2, 2, 3, 3, 3, 3], 12, {"anxiety_epds3a": 5}, "possible depression", []),
    # 12 + item7 1 = 13; 3A = 5
    ("epds", [3, 3, 2, 3, 2, 2, 2, 3, 3, 3], 13, {"anxiety_epds3a": 5}, "probable depression", []),
    # every first option: items 1, 2, 4 → 0; seven reversed items → 3 each = 21; 3A = 3+0+3 = 6;
    # item 10 first option scores 3 → safety rule
    ("epds", [0] * 10, 21, {"anxiety_epds3a": 6}, "probable depression", ["epds_item10_self_harm"]),
    # highest possible: items 1, 2, 4 at 3 (9) + seven reversed at position 0 (21) = 30; 3A = 3+3+3 = 9
    ("epds", [3, 3, 0, 3, 0, 0, 0, 0, 0, 0], 30, {"anxiety_epds3a": 9}, "probable depression",
     ["epds_item10_self_harm"]),
    # --- SCS-SF (see module docstring). Subscale values are answered (p + 1).
    # all "Almost always" (4): six plain items score 5, six reversed score 1 → 36/12 = 3.0; every subscale 5.0
    ("scs_sf", [4] * 12, 3.0,
     {"self_kindness": 5.0, "self_judgment": 5.0, "common_humanity": 5.0, "isolation": 5.0,
      "mindfulness": 5.0, "over_identification": 5.0}, "moderate", []),
    # all "Almost never" (0): plain 1 ×6, reversed 5 ×6 → 36/12 = 3.0; every subscale 1.0
    ("scs_sf", [0] * 12, 3.0,
     {"self_kindness": 1.0, "self_judgment": 1.0, "common_humanity": 1.0, "isolation": 1.0,
      "mindfulness": 1.0, "over_identification": 1.0}, "moderate", []),
    # most self-compassionate: plain items at 4 (5), reversed at 0 (6 − 1 = 5) → 60/12 = 5.0
    ("scs_sf", [0, 4, 4, 0, 4, 4, 4, 0, 0, 4, 0, 0], 5.0,
     {"self_kindness": 5.0, "self_judgment": 1.0, "common_humanity": 5.0, "isolation": 1.0,
      "mindfulness": 5.0, "over_identification": 1.0}, "higher", []),
    # item:      1  2  3  4  5  6  7  8  9 10 11 12
    # answered:  1  2  3  4  5  1  2  3  4  5  1  2
    # scored:    5  2  3  2  5  1  2  3  2  5  5  4   sum 39 → 39/12 = 3.25
    # subscales: kindness (2,6) (2+1)/2 = 1.5; judgment (11,12) (1+2)/2 = 1.5; humanity (5,10) 5.0;
    #            isolation (4,8) (4+3)/2 = 3.5; mindfulness (3,7) (3+2)/2 = 2.5; over-id (1,9) (1+4)/2 = 2.5
    ("scs_sf", [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1], 3.25,
     {"self_kindness": 1.5, "self_judgment": 1.5, "common_humanity": 5.0, "isolation": 3.5,
      "mindfulness": 2.5, "over_identification": 2.5}, "moderate", []),
    # rounding: all 0 (36) with item 2 at 1 (+1) → 37/12 = 3.0833… → 3.08; kindness (2+1)/2 = 1.5
    ("scs_sf", [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 3.08,
     {"self_kindness": 1.5, "self_judgment": 1.0, "common_humanity": 1.0, "isolation": 1.0,
      "mindfulness": 1.0, "over_identification": 1.0}, "moderate", []),
    # band edges: 36 − 3 (item 1 at 3 scores 2) − 3 (item 4 at 3 scores 2) = 30 → 2.5 (moderate)
    ("scs_sf", [3, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0], 2.5,
     {"self_kindness": 1.0, "self_judgment": 1.0, "common_humanity": 1.0, "isolation": 2.5,
      "mindfulness": 1.0, "over_identification": 2.5}, "moderate", []),
    # … and item 8 at 1 (scores 4, −1) → 29/12 = 2.4166… → 2.42 (lower); isolation (4+2)/2 = 3.0
    ("scs_sf", [3, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0], 2.42,
     {"self_kindness": 1.0, "self_judgment": 1.0, "common_humanity": 1.0, "isolation": 3.0,
      "mindfulness": 1.0, "over_identification": 2.5}, "lower", []),
    # 36 + 3 (item 2 at 3 scores 4) + 3 (item 3 at 3) = 42 → 3.5 (higher); kindness, mindfulness (4+1)/2
    ("scs_sf", [0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0], 3.5,
     {"self_kindness": 2.5, "self_judgment": 1.0, "common_humanity": 1.0, "isolation": 1.0,
      "mindfulness": 2.5, "over_identification": 1.0}, "higher", []),
    # 36 + 3 + 2 = 41 → 3.4166… → 3.42 (moderate); mindfulness (3+1)/2 = 2.0
    ("scs_sf", [0, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0], 3.42,
     {"self_kindness": 2.5, "self_judgment": 1.0, "common_humanity": 1.0, "isolation": 1.0,
      "mindfulness": 2.0, "over_identification": 1.0}, "moderate", []),
    # --- connection: mean of 5; item 4 reversed in the total; bands 0 hard, 2 mixed, 3 connected
    # 4, 4, 4, (4 − 0 = 4), 4 → 4.0; isolation answered 0
    ("connection", [4, 4, 4, 0, 4], 4.0,
     {"mood": 4.0, "connected": 4.0, "common_humanity": 4.0, "isolation": 0.0, "helped": 4.0},
     "a connected week", []),
    # 0, 0, 0, (4 − 4 = 0), 0 → 0.0; isolation answered 4
    ("connection", [0, 0, 0, 4, 0], 0.0,
     {"mood": 0.0, "connected": 0.0, "common_humanity": 0.0, "isolation": 4.0, "helped": 0.0},
     "a hard week", []),
    # 1, 2, 3, (4 − 1 = 3), 2 → 11/5 = 2.2
    ("connection", [1, 2, 3, 1, 2], 2.2,
     {"mood": 1.0, "connected": 2.0, "common_humanity": 3.0, "isolation": 1.0, "helped": 2.0},
     "a mixed week", []),
    # 3, 3, 3, (4 − 1 = 3), 3 → 3.0 exactly at the "connected" edge
    ("connection", [3, 3, 3, 1, 3], 3.0,
     {"mood": 3.0, "connected": 3.0, "common_humanity": 3.0, "isolation": 1.0, "helped": 3.0},
     "a connected week", []),
    # 3, 3, 3, (4 − 2 = 2), 3 → 14/5 = 2.8
    ("connection", [3, 3, 3, 2, 3], 2.8,
     {"mood": 3.0, "connected": 3.0, "common_humanity": 3.0, "isolation": 2.0, "helped": 3.0},
     "a mixed week", []),
    # 2, 2, 1, (4 − 2 = 2), 2 → 9/5 = 1.8
    ("connection", [2, 2, 1, 2, 2], 1.8,
     {"mood": 2.0, "connected": 2.0, "common_humanity": 1.0, "isolation": 2.0, "helped": 2.0},
     "a hard week", []),
]
# fmt: on


@pytest.mark.parametrize(("instrument_id", "answers", "total", "subscales", "band", "flags"), SCORE_CASES)
def test_score(
    instruments: dict[str, Instrument],
    instrument_id: str,
    answers: list[int],
    total: float,
    subscales: dict[str, float],
    band: str,
    flags: list[str],
) -> None:
    instrument = instruments[instrument_id]
    result = instrument.score(answers)
    assert result.to_json_dict() == {
        "instrument": instrument_id,
        "total": total,
        "subscales": subscales,
        "band": band,
        "flags": flags,
    }
    assert result.band_description == instrument.band_for(total).description


@pytest.mark.parametrize("instrument_id", ["phq9", "gad7", "phq2", "gad2", "epds"])
def test_clinical_bands_say_they_are_not_a_diagnosis(instruments: dict[str, Instrument], instrument_id: str) -> None:
    for band in instruments[instrument_id].bands[1:]:
        assert "not a diagnosis" in band.description, band.label


@pytest.mark.parametrize(
    ("instrument_id", "answers"),
    [("phq9", [1] * 9), ("epds", [1] * 10), ("gad7", [2] * 7), ("phq2", [0, 3])],
)
def test_sum_totals_are_ints(instruments: dict[str, Instrument], instrument_id: str, answers: list[int]) -> None:
    result = instruments[instrument_id].score(answers)
    assert type(result.total) is int
    assert all(type(value) is int for value in result.subscales.values())


def test_to_json_dict_has_exactly_the_contract_keys(instruments: dict[str, Instrument]) -> None:
    assert set(instruments["epds"].score([0] * 10).to_json_dict()) == {
        "instrument",
        "total",
        "subscales",
        "band",
        "flags",
    }


@pytest.mark.parametrize(
    ("instrument_id", "total", "band"),
    [
        ("epds", 9, "below cut-off"),
        ("epds", 10, "possible depression"),
        ("epds", 12, "possible depression"),
        ("epds", 13, "probable depression"),
        ("phq9", 4, "minimal"),
        ("phq9", 5, "mild"),
        ("phq9", 9, "mild"),
        ("phq9", 10, "moderate"),
        ("phq9", 14, "moderate"),
        ("phq9", 15, "moderately severe"),
        ("phq9", 19, "moderately severe"),
        ("phq9", 20, "severe"),
        ("gad7", 4, "minimal"),
        ("gad7", 5, "mild"),
        ("gad7", 10, "moderate"),
        ("gad7", 15, "severe"),
        ("scs_sf", 2.49, "lower"),
        ("scs_sf", 2.5, "moderate"),
        ("scs_sf", 3.49, "moderate"),
        ("scs_sf", 3.5, "higher"),
    ],
)
def test_band_boundaries(instruments: dict[str, Instrument], instrument_id: str, total: float, band: str) -> None:
    assert instruments[instrument_id].band_for(total).label == band


@pytest.mark.parametrize(
    ("instrument_id", "item", "position", "value"),
    [
        ("epds", 1, 0, 0),  # item 1 not reversed: first option scores 0
        ("epds", 2, 3, 3),
        ("epds", 4, 0, 0),
        ("epds", 3, 0, 3),  # item 3 reversed: first option scores 3
        ("epds", 3, 3, 0),
        ("epds", 10, 1, 2),
        ("scs_sf", 2, 4, 5),  # "Almost always" on a plain item scores 5
        ("scs_sf", 1, 4, 1),  # … on a reversed item scores 6 − 5 = 1
        ("scs_sf", 12, 0, 5),  # "Almost never" on reversed item 12 scores 6 − 1 = 5
        ("connection", 4, 0, 4),  # not alone at all: 4 − 0 = 4
        ("phq9", 9, 2, 2),
    ],
)
def test_option_score(
    instruments: dict[str, Instrument], instrument_id: str, item: int, position: int, value: int
) -> None:
    assert instruments[instrument_id].option_score(item, position) == value


# ---------------------------------------------------------------------------------------------------
# Safety rules fire on a single answer
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument_id", "item", "position", "fired"),
    [
        # PHQ-9 item 9: position p scores p; anything above 0 fires
        ("phq9", 9, 0, []),
        ("phq9", 9, 1, ["phq9_item9_self_harm"]),
        ("phq9", 9, 2, ["phq9_item9_self_harm"]),
        ("phq9", 9, 3, ["phq9_item9_self_harm"]),
        ("phq9", 1, 3, []),  # other items never fire
        ("phq9", 8, 3, []),
        # EPDS item 10 is reversed: positions 0, 1, 2 score 3, 2, 1 and fire; position 3 scores 0
        ("epds", 10, 0, ["epds_item10_self_harm"]),
        ("epds", 10, 1, ["epds_item10_self_harm"]),
        ("epds", 10, 2, ["epds_item10_self_harm"]),
        ("epds", 10, 3, []),
        ("epds", 9, 0, []),
        # no safety rules on these
        ("phq2", 2, 3, []),
        ("gad7", 7, 3, []),
        ("scs_sf", 4, 4, []),
        ("connection", 1, 0, []),
    ],
)
def test_safety_rules_fire_on_one_answer(
    instruments: dict[str, Instrument], instrument_id: str, item: int, position: int, fired: list[str]
) -> None:
    rules = instruments[instrument_id].safety_rules_fired_by(item, position)
    assert [rule.id for rule in rules] == fired
    assert all(rule.action == SAFETY_ACTION for rule in rules)


def test_safety_rule_definitions(instruments: dict[str, Instrument]) -> None:
    (phq9_rule,) = instruments["phq9"].safety_rules
    assert (phq9_rule.item, phq9_rule.threshold) == (9, 1)
    (epds_rule,) = instruments["epds"].safety_rules
    assert (epds_rule.item, epds_rule.threshold) == (10, 1)
    for instrument_id in ["phq2", "gad2", "gad7", "scs_sf", "connection"]:
        assert instruments[instrument_id].safety_rules == ()


def test_safety_flag_in_full_score_only_from_item_9(instruments: dict[str, Instrument]) -> None:
    # Every other item at its maximum but item 9 at 0: 8×3 = 24, severe, and no flag.
    result = instruments["phq9"].score([3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert (result.total, result.band, result.flags) == (24, "severe", [])


# ---------------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instrument_id", "answers", "message_parts"),
    [
        ("phq9", [0] * 8, ["PHQ-9 has 9 items", "needs 9 answers", "got 8"]),
        ("phq9", [0] * 10, ["needs 9 answers", "got 10"]),
        ("epds", [], ["EPDS has 10 items", "got 0"]),
        ("phq9", [0, 0, 0, 4, 0, 0, 0, 0, 0], ["item 4", "from 0 to 3", "got 4"]),
        ("phq9", [0, 0, 0, 0, 0, 0, 0, 0, -1], ["item 9", "from 0 to 3", "got -1"]),
        ("scs_sf", [0] * 11 + [5], ["item 12", "from 0 to 4", "got 5"]),
        ("connection", [0, 0, 0.5, 0, 0], ["item 3", "from 0 to 4"]),
        ("gad2", [True, 0], ["item 1", "from 0 to 3"]),
        ("phq2", "01", ["needs 2 answers"]),
    ],
)
def test_bad_answers(
    instruments: dict[str, Instrument], instrument_id: str, answers: list[int], message_parts: list[str]
) -> None:
    with pytest.raises(InstrumentError) as caught:
        instruments[instrument_id].score(answers)
    message = str(caught.value)
    for part in message_parts:
        assert part in message
    assert "\n" not in message
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("item", "position", "message_part"),
    [(0, 0, "no item 0"), (10, 0, "no item 10"), (9, 4, "from 0 to 3"), (9, -1, "got -1")],
)
def test_bad_single_answer(instruments: dict[str, Instrument], item: int, position: int, message_part: str) -> None:
    with pytest.raises(InstrumentError, match=message_part):
        instruments["phq9"].safety_rules_fired_by(item, position)


def test_unknown_instrument_lists_known_ones(instruments: dict[str, Instrument]) -> None:
    with pytest.raises(InstrumentError) as caught:
        get_instrument(instruments, "bdi")
    assert str(caught.value) == (
        "There is no questionnaire called 'bdi'; the known ones are: connection, epds, gad2, gad7, phq2, phq9, scs_sf."
    )


@pytest.mark.parametrize(
    ("text", "answers"),
    [("0,1,3", [0, 1, 3]), (" 0, 1 ,3 ", [0, 1, 3]), ("2", [2]), ("-1,2", [-1, 2])],
)
def test_parse_answers(text: str, answers: list[int]) -> None:
    assert parse_answers(text) == answers


@pytest.mark.parametrize("text", ["1,2,x", "", " ", "1,,2", "1,2,", "1.5,2", "one"])
def test_parse_answers_rejects_malformed(text: str) -> None:
    with pytest.raises(InstrumentError, match="whole numbers separated by commas"):
        parse_answers(text)


# ---------------------------------------------------------------------------------------------------
# Licensed text: EPDS is scored without text, sent only with an operator's overlay
# ---------------------------------------------------------------------------------------------------

EPDS_OVERLAY = "\n".join(
    f'[[items]]\nnumber = {n}\ntext = "Licensed item {n}"\noptions = ["A{n}", "B{n}", "C{n}", "D{n}"]\n'
    for n in range(1, 11)
)


def test_epds_not_sendable_without_text(instruments: dict[str, Instrument]) -> None:
    epds = instruments["epds"]
    assert epds.can_be_sent is False
    reason = epds.why_not_sendable
    assert reason is not None
    assert reason.startswith("EPDS item text is not bundled: the Royal College of Psychiatrists requires written")
    assert "questionnaires.licensed_text_dir" in reason
    assert "epds.toml" in reason
    assert "\n" not in reason
    # Scoring still works: see SCORE_CASES.


def test_other_instruments_are_sendable(instruments: dict[str, Instrument]) -> None:
    for instrument_id in ALL_IDS:
        if instrument_id != "epds":
            assert instruments[instrument_id].can_be_sent, instrument_id
            assert instruments[instrument_id].why_not_sendable is None


def test_missing_overlay_names_the_expected_path(tmp_path: Path) -> None:
    epds = load_instruments(CONFIG, tmp_path)["epds"]
    assert epds.can_be_sent is False
    assert f"put the licensed text in {tmp_path / 'epds.toml'}" in (epds.why_not_sendable or "")


def test_nonexistent_overlay_dir_means_no_overlays(tmp_path: Path) -> None:
    epds = load_instruments(CONFIG, tmp_path / "absent")["epds"]
    assert epds.can_be_sent is False


def test_epds_sendable_with_overlay(tmp_path: Path, instruments: dict[str, Instrument]) -> None:
    (tmp_path / "epds.toml").write_text('recall = "Licensed recall"\n\n' + EPDS_OVERLAY, encoding="utf-8")
    epds = load_instruments(CONFIG, tmp_path)["epds"]
    assert epds.can_be_sent is True
    assert epds.why_not_sendable is None
    assert epds.recall == "Licensed recall"
    assert epds.items[2].text == "Licensed item 3"
    assert [o.label for o in epds.items[2].options] == ["A3", "B3", "C3", "D3"]
    # the overlay changes words only: item 3's first option still scores 3
    assert [o.score for o in epds.items[2].options] == [0, 1, 2, 3]
    assert epds.option_score(3, 0) == 3
    answers = [3, 3, 2, 3, 2, 2, 2, 3, 3, 3]  # 13, as in SCORE_CASES
    assert epds.score(answers) == instruments["epds"].score(answers)
    # the other instruments are untouched
    assert load_instruments(CONFIG, tmp_path)["phq9"].items == instruments["phq9"].items


def test_partial_overlay_is_not_sendable(tmp_path: Path) -> None:
    # text for every item but option labels only for items 1–9
    partial = EPDS_OVERLAY.replace('options = ["A10", "B10", "C10", "D10"]\n', "")
    (tmp_path / "epds.toml").write_text(partial, encoding="utf-8")
    epds = load_instruments(CONFIG, tmp_path)["epds"]
    assert epds.can_be_sent is False
    assert "missing for item 10:" in (epds.why_not_sendable or "")


@pytest.mark.parametrize(
    ("file_name", "content", "message_part"),
    [
        ("epds.toml", '[[items]]\nnumber = 1\noptions = ["a", "b"]\n', "options must be 4 labels"),
        ("epds.toml", '[[items]]\nnumber = 11\ntext = "x"\n', "there is no item 11"),
        ("epds.toml", '[[items]]\nnumber = 1\ntext = "x"\nreverse = false\n', "remove reverse"),
        ("epds.toml", 'scoring = "mean"\n', "remove scoring"),
        ("EPDS-licensed.toml", '[[items]]\nnumber = 1\ntext = "x"\n', "does not match any questionnaire"),
        ("epds.toml", "[[items]\n", "is not valid TOML"),
    ],
)
def test_bad_overlay_is_rejected(tmp_path: Path, file_name: str, content: str, message_part: str) -> None:
    (tmp_path / file_name).write_text(content, encoding="utf-8")
    with pytest.raises(InstrumentError, match=message_part):
        load_instruments(CONFIG, tmp_path)


# ---------------------------------------------------------------------------------------------------
# Definition checks (a broken file is refused with a message naming it)
# ---------------------------------------------------------------------------------------------------

MINIMAL = """
id = "tiny"
name = "Tiny"
short_name = "Tiny"
citation = "none"
licence = "none"
validated = false
text_available = true
recall = "Lately:"
scoring = "sum"
[[options]]
label = "No"
score = 0
[[options]]
label = "Yes"
score = 1
[[items]]
number = 1
text = "Question one"
[[bands]]
min = 0
label = "all"
description = "Thanks."
"""


@pytest.mark.parametrize(
    ("old", "new", "message_part"),
    [
        ('id = "tiny"', 'id = "other"', "must match the file name"),
        ('scoring = "sum"', 'scoring = "median"', "must be one of sum, mean"),
        ('text = "Question one"', "", "text is required"),
        ("text_available = true", "text_available = false", "text must be left out"),
        ("number = 1", "number = 2", "numbered 1, 2, 3"),
        ("min = 0", "min = 1", "first band must start at or below"),
        ('description = "Thanks."', 'description = "Thanks."\n[subscales]\nx = [2]', "subscale 'x'"),
        (
            'description = "Thanks."',
            'description = "Thanks."\n[[safety]]\nid = "s"\nitem = 1\nthreshold = 0\n'
            'action = "crisis_resources_and_moderator_alert"\ndescription = "d"',
            "fire on every answer",
        ),
        (
            'description = "Thanks."',
            'description = "Thanks."\n[[safety]]\nid = "s"\nitem = 1\nthreshold = 1\naction = "ignore"\n'
            'description = "d"',
            "action must be",
        ),
        ("validated = false", 'validated = "no"', "'validated' must be true or false"),
    ],
)
def test_broken_definitions_are_refused(tmp_path: Path, old: str, new: str, message_part: str) -> None:
    (tmp_path / "tiny.toml").write_text(MINIMAL.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InstrumentError, match=message_part) as caught:
        load_instruments(tmp_path)
    assert "tiny.toml" in str(caught.value)


def test_minimal_definition_loads(tmp_path: Path) -> None:
    (tmp_path / "tiny.toml").write_text(MINIMAL, encoding="utf-8")
    tiny = load_instruments(tmp_path)["tiny"]
    result = tiny.score([1])  # one "Yes" scores 1
    assert (result.total, result.band, result.subscales, result.flags) == (1, "all", {}, [])


def test_empty_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InstrumentError, match="No questionnaire definitions"):
        load_instruments(tmp_path)

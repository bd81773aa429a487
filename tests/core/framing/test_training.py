import numpy as np

from bot.core.framing.examples import Example
from bot.core.framing.head import LinearHead
from bot.core.framing.labels import LABELS
from bot.core.framing.training import (
    MIN_CV_CRISIS_RECALL,
    URGENT_MIN_PRECISION,
    choose_threshold,
    choose_urgent,
    fit_temperature,
    prepare,
    softmax,
    threshold_table,
    urgent_table,
)


def probabilities(crisis: float, other: str = "neutral") -> np.ndarray:
    row = np.full(len(LABELS), (1 - crisis) / (2 * (len(LABELS) - 1)))
    row[LABELS.index("crisis")] = crisis
    row[LABELS.index(other)] += (1 - crisis) / 2
    return row


def test_threshold_is_chosen_on_the_models_own_recall_not_the_safety_nets() -> None:
    # 25 crisis lines: the model gives 22 of them 0.9, two 0.3 and one 0.12; the net catches those three.
    truth = ["crisis"] * 25 + ["neutral"] * 20
    rows = [probabilities(0.9)] * 22 + [probabilities(0.3)] * 2 + [probabilities(0.12)]
    # Non-crisis lines: two at 0.2 (false alarms for any threshold ≤ 0.2), the rest low.
    rows += [probabilities(0.2)] * 2 + [probabilities(0.01)] * 18
    net_hits = [False] * 22 + [True] * 3 + [False] * 20
    table = threshold_table(truth, np.array(rows), net_hits)
    # Counting the net, every threshold has recall 1.0 and the largest (0.5) would look best. The model
    # alone finds 24/25 = 0.96 only up to 0.3, so the rule stops there (above the false alarms at 0.2).
    assert MIN_CV_CRISIS_RECALL == 0.96
    assert all(row.crisis_recall == 1.0 for row in table)
    chosen = choose_threshold(table)
    assert chosen.threshold == 0.3
    assert chosen.model_crisis_recall == 0.96 and chosen.crisis_precision == 1.0
    by_threshold = {row.threshold: row for row in table}
    assert by_threshold[0.325].model_crisis_recall == 0.88
    assert by_threshold[0.1].model_crisis_recall == 1.0 and by_threshold[0.1].crisis_precision < 1.0


def test_a_recall_just_under_the_bar_does_not_count() -> None:
    # 20 crisis lines, 19 found at 0.3 (0.95): under the 0.96 bar, so the threshold drops to where all 20 are.
    truth = ["crisis"] * 20 + ["neutral"] * 20
    rows = [probabilities(0.9)] * 19 + [probabilities(0.12)] + [probabilities(0.01)] * 20
    chosen = choose_threshold(threshold_table(truth, np.array(rows), [False] * 40))
    assert chosen.model_crisis_recall == 1.0 and chosen.threshold <= 0.1


def test_when_no_threshold_reaches_the_recall_the_highest_recall_wins() -> None:
    truth = ["crisis"] * 4 + ["neutral"] * 4
    rows = [probabilities(0.9), probabilities(0.3), probabilities(0.01), probabilities(0.01)]
    rows += [probabilities(0.01)] * 4
    chosen = choose_threshold(threshold_table(truth, np.array(rows), [False] * 8))
    assert chosen.model_crisis_recall == 0.5 and chosen.threshold <= 0.3


def test_temperature_scaling_softens_an_overconfident_model_and_keeps_its_ranking() -> None:
    rng = np.random.default_rng(0)
    truth = rng.integers(0, len(LABELS), 600)
    # Logits that point at the truth 70 % of the time but always with a large margin: overconfident.
    picks = np.where(rng.random(600) < 0.7, truth, rng.integers(0, len(LABELS), 600))
    logits = rng.normal(0, 0.3, (600, len(LABELS)))
    logits[np.arange(600), picks] += 8.0
    calibration = fit_temperature(logits, truth)
    assert calibration.temperature > 2
    assert calibration.nll_after < calibration.nll_before
    assert calibration.ece_after < calibration.ece_before / 2
    assert (softmax(logits / calibration.temperature).argmax(axis=1) == logits.argmax(axis=1)).all()


def test_a_calibrated_head_gives_the_tempered_probabilities_and_keeps_its_thresholds(tmp_path) -> None:
    rng = np.random.default_rng(1)
    head = LinearHead(LABELS, rng.normal(size=(8, len(LABELS))), rng.normal(size=len(LABELS)), "hash")
    features = rng.normal(size=(5, 8))
    calibrated = head.calibrated(2.5, 0.1, 0.6)
    assert np.allclose(calibrated.probabilities(features), softmax(head.logits(features) / 2.5))
    calibrated.save(tmp_path / "head.safetensors")
    loaded = LinearHead.load(tmp_path / "head.safetensors")
    assert (loaded.temperature, loaded.crisis_threshold, loaded.urgent_threshold) == (2.5, 0.1, 0.6)
    assert np.allclose(loaded.probabilities(features), calibrated.probabilities(features), atol=1e-6)


def test_urgent_is_the_lowest_threshold_where_nine_in_ten_are_crisis_lines() -> None:
    truth = ["crisis"] * 10 + ["neutral"] * 10
    rows = [probabilities(0.95)] * 6 + [probabilities(0.55)] * 2 + [probabilities(0.35)] * 2
    # Two hopeful lines at 0.42 and 0.38: an urgent threshold at or below 0.40 would send them "call 999".
    rows += [probabilities(0.42), probabilities(0.38)] + [probabilities(0.01)] * 8
    table = urgent_table(truth, np.array(rows))
    chosen = choose_urgent(table, crisis_threshold=0.1)
    assert URGENT_MIN_PRECISION == 0.9
    assert chosen.threshold == 0.45
    assert chosen.precision == 1.0 and chosen.share_of_crisis == 0.8
    # Never below the crisis threshold.
    assert choose_urgent(table, crisis_threshold=0.6).threshold == 0.6


def test_training_reads_chat_spellings_written_out() -> None:
    prepared = prepare([Example("ngl i have the pills out rn", "crisis")])
    assert prepared == [Example("not gonna lie i have the pills out right now", "crisis")]

import numpy as np

from bot.core.framing.labels import LABELS
from bot.core.framing.training import MIN_CV_CRISIS_RECALL, choose_threshold, threshold_table


def probabilities(crisis: float, other: str = "neutral") -> np.ndarray:
    row = np.full(len(LABELS), (1 - crisis) / (2 * (len(LABELS) - 1)))
    row[LABELS.index("crisis")] = crisis
    row[LABELS.index(other)] += (1 - crisis) / 2
    return row


def test_threshold_is_chosen_on_the_models_own_recall_not_the_safety_nets() -> None:
    # Twenty crisis lines: the model gives 17 of them 0.9, two 0.3 and one 0.12; the net catches those three.
    truth = ["crisis"] * 20 + ["neutral"] * 20
    rows = [probabilities(0.9)] * 17 + [probabilities(0.3)] * 2 + [probabilities(0.12)]
    # Non-crisis lines: two at 0.2 (false alarms for any threshold ≤ 0.2), the rest low.
    rows += [probabilities(0.2)] * 2 + [probabilities(0.01)] * 18
    net_hits = [False] * 17 + [True] * 3 + [False] * 20
    table = threshold_table(truth, np.array(rows), net_hits)
    # Counting the net, every threshold has recall 1.0 and the largest (0.5) would look best. The model
    # alone finds 19/20 = 0.95 only up to 0.3, so the rule stops there (above the false alarms at 0.2).
    assert MIN_CV_CRISIS_RECALL == 0.95
    assert all(row.crisis_recall == 1.0 for row in table)
    chosen = choose_threshold(table)
    assert chosen.threshold == 0.3
    assert chosen.model_crisis_recall == 0.95 and chosen.crisis_precision == 1.0
    by_threshold = {row.threshold: row for row in table}
    assert by_threshold[0.325].model_crisis_recall == 0.85
    assert by_threshold[0.1].model_crisis_recall == 1.0 and by_threshold[0.1].crisis_precision < 1.0


def test_when_no_threshold_reaches_the_recall_the_highest_recall_wins() -> None:
    truth = ["crisis"] * 4 + ["neutral"] * 4
    rows = [probabilities(0.9), probabilities(0.3), probabilities(0.01), probabilities(0.01)]
    rows += [probabilities(0.01)] * 4
    chosen = choose_threshold(threshold_table(truth, np.array(rows), [False] * 8))
    assert chosen.model_crisis_recall == 0.5 and chosen.threshold <= 0.3

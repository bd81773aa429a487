"""Training the framing model and tuning the crisis threshold, on the train split only.

Steps (all deterministic; the held-out split is never read):
1. Five folds by position (example i is in fold i mod 5). For each fold, fine-tune the encoder's
   adapter and the head on the other four (fine_tune.py) and take the crisis probabilities of the
   fold's examples: out-of-fold probabilities for every training example.
2. For each crisis threshold in THRESHOLD_GRID, apply the deployed combination rule (safety net OR
   crisis probability ≥ threshold, else argmax) to the out-of-fold probabilities. Keep the
   thresholds whose out-of-fold crisis recall is ≥ MIN_CV_CRISIS_RECALL and choose the one with the
   best out-of-fold macro-F1 (ties: the larger threshold). If none reaches the recall, the highest recall.
3. Fine-tune once more on the whole train split: the adapter and head that are committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bot.core.framing.adapter import Adapter
from bot.core.framing.classifier import combine
from bot.core.framing.examples import Example
from bot.core.framing.fine_tune import EPOCHS, fine_tune
from bot.core.framing.head import LinearHead
from bot.core.framing.labels import LABELS
from bot.core.framing.metrics import label_scores, macro_f1

THRESHOLD_GRID: tuple[float, ...] = tuple(round(0.05 + 0.025 * i, 3) for i in range(19))  # 0.05 … 0.50
MIN_CV_CRISIS_RECALL = 0.97
FOLDS = 5

Report = Callable[[str], None]


@dataclass(frozen=True)
class TrainingResult:
    adapter: Adapter
    head: LinearHead
    crisis_threshold: float
    cv_macro_f1: float
    cv_crisis_precision: float
    cv_crisis_recall: float


def out_of_fold(examples: list[Example], max_chars: int, epochs: int = EPOCHS,
                report: Report | None = None) -> np.ndarray:
    folds = np.arange(len(examples)) % FOLDS
    probabilities = np.zeros((len(examples), len(LABELS)))
    for fold in range(FOLDS):
        inside = [e for e, f in zip(examples, folds, strict=True) if f != fold]
        outside = np.flatnonzero(folds == fold)
        _, head, encoder = fine_tune(inside, epochs=epochs, progress=_progress(report, f"fold {fold + 1}/{FOLDS}"))
        features = encoder.encode([examples[i].text[:max_chars] for i in outside])
        probabilities[outside] = head.probabilities(features)
    return probabilities


def choose_threshold(truth: list[str], probabilities: np.ndarray, net_hits: list[bool]) -> tuple[float, ...]:
    """(threshold, macro-F1, crisis precision, crisis recall) chosen by the rule in the module docstring."""
    best: tuple[tuple[float, ...], tuple[float, ...]] | None = None
    for threshold in THRESHOLD_GRID:
        predicted = [combine(row, hit, threshold) for row, hit in zip(probabilities, net_hits, strict=True)]
        scores = label_scores(truth, predicted, LABELS)
        crisis = scores[LABELS.index("crisis")]
        macro = macro_f1(scores)
        reaches = crisis.recall >= MIN_CV_CRISIS_RECALL
        key = (float(reaches), macro if reaches else crisis.recall, threshold)
        if best is None or key > best[0]:
            best = (key, (threshold, macro, crisis.precision, crisis.recall))
    assert best is not None
    return best[1]


def train(examples: list[Example], net_hits: list[bool], max_chars: int, epochs: int = EPOCHS,
          report: Report | None = None) -> TrainingResult:
    probabilities = out_of_fold(examples, max_chars, epochs, report)
    threshold, macro, precision, recall = choose_threshold([e.label for e in examples], probabilities, net_hits)
    adapter, head, _ = fine_tune(examples, epochs=epochs, progress=_progress(report, "final"))
    return TrainingResult(adapter, head, threshold, macro, precision, recall)


def _progress(report: Report | None, stage: str) -> Callable[[int, float], None] | None:
    if report is None:
        return None
    return lambda epoch, loss: report(f"{stage}: epoch {epoch} done, training loss {loss:.3f}")

"""Training the framing model and tuning the crisis threshold, on the train split only.

Steps (all deterministic; the held-out split is never read):
1. Five folds by position (example i is in fold i mod 5). For each fold, fine-tune the encoder's
   adapter and the head on the other four (fine_tune.py) and take the crisis probabilities of the
   fold's examples: out-of-fold probabilities for every training example.
2. For each crisis threshold in THRESHOLD_GRID: the out-of-fold crisis recall of the MODEL ALONE
   (crisis probability ≥ threshold), and the macro-F1 of the deployed combination rule (safety net OR
   crisis probability ≥ threshold, else argmax). Keep the thresholds at which the model alone finds
   ≥ MIN_CV_CRISIS_RECALL of the crisis lines and choose the one with the best deployed macro-F1
   (ties: the larger threshold); if none reaches the recall, the one with the highest recall.
   The recall is the model's own because the safety net's patterns were written while reading the
   train lines: counted in, its near-perfect train recall would hide the model's misses and push the
   threshold up (it chose 0.2 this way, and held-out crisis recall stayed under 0.95). The net is
   the margin on top, not part of the budget.
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
MIN_CV_CRISIS_RECALL = 0.95
FOLDS = 5

Report = Callable[[str], None]


@dataclass(frozen=True)
class ThresholdFigures:
    threshold: float
    model_crisis_recall: float  # the model alone, out-of-fold
    model_crisis_precision: float
    crisis_recall: float  # model + safety net, as deployed
    crisis_precision: float
    macro_f1: float  # as deployed


@dataclass(frozen=True)
class TrainingResult:
    adapter: Adapter
    head: LinearHead
    chosen: ThresholdFigures
    table: tuple[ThresholdFigures, ...]  # every threshold of the grid, for the report

    @property
    def crisis_threshold(self) -> float:
        return self.chosen.threshold


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


def threshold_table(truth: list[str], probabilities: np.ndarray, net_hits: list[bool]) -> list[ThresholdFigures]:
    crisis = LABELS.index("crisis")
    is_crisis = np.array([label == "crisis" for label in truth])
    table = []
    for threshold in THRESHOLD_GRID:
        flagged = probabilities[:, crisis] >= threshold
        caught = int((flagged & is_crisis).sum())
        predicted = [combine(row, hit, threshold) for row, hit in zip(probabilities, net_hits, strict=True)]
        scores = label_scores(truth, predicted, LABELS)
        table.append(ThresholdFigures(
            threshold, caught / max(int(is_crisis.sum()), 1), caught / max(int(flagged.sum()), 1),
            scores[crisis].recall, scores[crisis].precision, macro_f1(scores)))
    return table


def choose_threshold(table: list[ThresholdFigures]) -> ThresholdFigures:
    """The row chosen by the rule in the module docstring."""
    def key(row: ThresholdFigures) -> tuple[float, float, float]:
        reaches = row.model_crisis_recall >= MIN_CV_CRISIS_RECALL
        return (float(reaches), row.macro_f1 if reaches else row.model_crisis_recall, row.threshold)

    return max(table, key=key)


def train(examples: list[Example], net_hits: list[bool], max_chars: int, epochs: int = EPOCHS,
          report: Report | None = None) -> TrainingResult:
    probabilities = out_of_fold(examples, max_chars, epochs, report)
    table = threshold_table([e.label for e in examples], probabilities, net_hits)
    adapter, head, _ = fine_tune(examples, epochs=epochs, progress=_progress(report, "final"))
    return TrainingResult(adapter, head, choose_threshold(table), tuple(table))


def _progress(report: Report | None, stage: str) -> Callable[[int, float], None] | None:
    if report is None:
        return None
    return lambda epoch, loss: report(f"{stage}: epoch {epoch} done, training loss {loss:.3f}")

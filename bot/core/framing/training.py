"""Training the framing head and tuning the crisis threshold, on the train split only.

Steps (all deterministic):
1. Features of every training text (MiniLM, see encoder.py); the held-out split is never read.
2. Five folds by position (example i is in fold i mod 5). For each C in C_GRID, out-of-fold
   probabilities for every training example.
3. For each C and each crisis threshold in THRESHOLD_GRID, apply the deployed combination rule
   (safety net OR crisis probability ≥ threshold, else argmax) to the out-of-fold probabilities.
   Keep the pairs whose out-of-fold crisis recall is ≥ MIN_CV_CRISIS_RECALL and choose the one with
   the best out-of-fold macro-F1 (ties: larger threshold, then smaller C). If no pair reaches the
   recall, choose the highest recall.
4. Fit the head on the whole train split with the chosen C.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.core.framing.classifier import combine
from bot.core.framing.examples import Example, data_hash
from bot.core.framing.head import LinearHead, train_head
from bot.core.framing.labels import LABELS
from bot.core.framing.metrics import label_scores, macro_f1

C_GRID: tuple[float, ...] = (1.0, 3.0, 10.0, 30.0)
THRESHOLD_GRID: tuple[float, ...] = tuple(round(0.05 + 0.025 * i, 3) for i in range(15))  # 0.05 … 0.40
MIN_CV_CRISIS_RECALL = 0.97
FOLDS = 5


@dataclass(frozen=True)
class TrainingResult:
    head: LinearHead
    c: float
    crisis_threshold: float
    cv_macro_f1: float
    cv_crisis_precision: float
    cv_crisis_recall: float


def _targets(examples: list[Example]) -> np.ndarray:
    return np.array([LABELS.index(e.label) for e in examples], dtype=np.int64)


def out_of_fold(features: np.ndarray, targets: np.ndarray, c: float) -> np.ndarray:
    folds = np.arange(len(targets)) % FOLDS
    probabilities = np.zeros((len(targets), len(LABELS)))
    for fold in range(FOLDS):
        inside = folds != fold
        head = train_head(features[inside], targets[inside], c)
        probabilities[~inside] = head.probabilities(features[~inside])
    return probabilities


def train(examples: list[Example], features: np.ndarray, net_hits: list[bool]) -> TrainingResult:
    targets = _targets(examples)
    truth = [e.label for e in examples]
    best: tuple[tuple[float, ...], float, float, float, float, float] | None = None
    for c in C_GRID:
        oof = out_of_fold(features, targets, c)
        for threshold in THRESHOLD_GRID:
            predicted = [combine(row, hit, threshold) for row, hit in zip(oof, net_hits, strict=True)]
            scores = label_scores(truth, predicted, LABELS)
            crisis = scores[LABELS.index("crisis")]
            macro = macro_f1(scores)
            reaches = crisis.recall >= MIN_CV_CRISIS_RECALL
            key = (float(reaches), macro if reaches else crisis.recall, threshold, -c)
            if best is None or key > best[0]:
                best = (key, c, threshold, macro, crisis.precision, crisis.recall)
    assert best is not None
    _, c, threshold, macro, precision, recall = best
    head = train_head(features, targets, c, data_hash(examples))
    return TrainingResult(head, c, threshold, macro, precision, recall)

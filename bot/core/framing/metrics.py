"""Per-label precision, recall and F1, and macro-F1, for the framing evaluations."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


def label_scores(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> list[LabelScore]:
    scores = []
    for label in labels:
        tp = sum(1 for t, p in zip(truth, predicted, strict=True) if t == label and p == label)
        fp = sum(1 for t, p in zip(truth, predicted, strict=True) if t != label and p == label)
        fn = sum(1 for t, p in zip(truth, predicted, strict=True) if t == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores.append(LabelScore(label, precision, recall, f1, tp + fn))
    return scores


def macro_f1(scores: Sequence[LabelScore]) -> float:
    return sum(s.f1 for s in scores) / len(scores) if scores else 0.0


def format_table(title: str, scores: Sequence[LabelScore]) -> str:
    lines = [title, f"  {'label':<20} {'precision':>9} {'recall':>7} {'F1':>6} {'n':>5}"]
    for s in scores:
        lines.append(f"  {s.label:<20} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.support:>5}")
    lines.append(f"  {'macro-F1':<20} {'':>9} {'':>7} {macro_f1(scores):>6.3f}")
    return "\n".join(lines)

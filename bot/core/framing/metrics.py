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


@dataclass(frozen=True)
class KindScore:
    """How one group of posts (a hard-case kind, or a writing style) was handled.

    Crisis posts are measured by recall (caught = labelled crisis); the others by the false-alarm
    rate (labelled crisis although they are not). `right` counts posts given exactly their label.
    """
    kind: str
    n: int
    right: int
    crisis: int
    caught: int
    safe: int
    false_alarms: int

    @property
    def recall(self) -> float | None:
        return self.caught / self.crisis if self.crisis else None

    @property
    def false_alarm_rate(self) -> float | None:
        return self.false_alarms / self.safe if self.safe else None

    @property
    def accuracy(self) -> float:
        return self.right / self.n if self.n else 0.0


def kind_scores(truth: Sequence[str], predicted: Sequence[str], kinds: Sequence[str],
                order: Sequence[str] = ()) -> list[KindScore]:
    """Per kind (in `order` first, then any other kind alphabetically), the KindScore of its posts."""
    present = set(kinds)
    names = [k for k in order if k in present] + sorted(present - set(order))
    scores = []
    for name in names:
        rows = [(t, p) for t, p, k in zip(truth, predicted, kinds, strict=True) if k == name]
        scores.append(KindScore(
            kind=name, n=len(rows), right=sum(t == p for t, p in rows),
            crisis=sum(t == "crisis" for t, _ in rows),
            caught=sum(t == "crisis" and p == "crisis" for t, p in rows),
            safe=sum(t != "crisis" for t, _ in rows),
            false_alarms=sum(t != "crisis" and p == "crisis" for t, p in rows),
        ))
    return scores


def format_kind_table(title: str, scores: Sequence[KindScore], heading: str = "kind") -> str:
    def share(k: int, n: int) -> str:
        return f"{k}/{n} {k / n:.3f}" if n else "-"

    lines = [title, f"  {heading:<28} {'n':>4} {'label right':>14} {'crisis caught':>14} {'false alarms':>14}"]
    for s in scores:
        lines.append(f"  {s.kind:<28} {s.n:>4} {share(s.right, s.n):>14} {share(s.caught, s.crisis):>14} "
                     f"{share(s.false_alarms, s.safe):>14}")
    return "\n".join(lines)

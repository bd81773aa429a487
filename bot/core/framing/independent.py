"""The independent evaluation set: posts written apart from the training data, frozen, never trained on.

`config/framing/eval/independent.jsonl` holds one post a line: {"text", "label", "kind", "style"}.
`kind` names the hard case the post stands for ("plain" when it is none); `style` how it is written
("text-speak", "uk", "us", "au", "ie", "in", "typos", "long", "plain"). The file lives in its own
folder so nothing that loads training data (examples.py reads config/framing/<label>.jsonl and
extra_train.jsonl by name) can pick it up; training, threshold choice and calibration must never
read it. It is measured by `python -m bot eval-classifier`, beside the held-out split.

An outside FILE of {"text", "label"} loads the same way; without "kind"/"style" a post is "plain".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.core.framing.examples import ExampleError, read_lines
from bot.core.framing.labels import LABELS
from bot.core.framing.metrics import KindScore, LabelScore, kind_scores, label_scores, macro_f1

INDEPENDENT_FILE = Path(__file__).resolve().parents[3] / "config" / "framing" / "eval" / "independent.jsonl"

PLAIN = "plain"
# Hard cases whose posts are (almost all) crisis: reported as recall.
CRISIS_KINDS = ("textspeak_crisis", "buried_crisis", "harm_to_baby", "psychosis_risk")
# Hard cases whose posts are (almost all) not crisis but sound alarming or hopeful: reported as false alarms.
SAFE_KINDS = ("hope", "negated_risk", "screening_question", "past_crisis_recovery", "hyperbole", "tv_news",
              "intrusive_thought_education")
HARD_KINDS = SAFE_KINDS + CRISIS_KINDS
TEXT_SPEAK = "text-speak"


class EvalFileError(ValueError):
    """The evaluation file is missing or has a bad line; the message names the file and line."""


@dataclass(frozen=True)
class EvalPost:
    text: str
    label: str
    kind: str = PLAIN
    style: str = PLAIN

    @property
    def is_text_speak_crisis(self) -> bool:
        """A crisis written in chat spelling: the kind says so, or the style does."""
        return self.label == "crisis" and (self.kind == "textspeak_crisis" or self.style == TEXT_SPEAK)


def load_posts(path: Path = INDEPENDENT_FILE) -> list[EvalPost]:
    """Every post of a JSON-lines file of {"text", "label", optional "kind", optional "style"}."""
    try:
        rows = read_lines(path)
    except ExampleError as exc:
        raise EvalFileError(str(exc)) from None
    posts = []
    for number, row in rows:
        if row.get("label") not in LABELS:
            raise EvalFileError(f"{path}:{number}: \"label\" must be one of {', '.join(LABELS)}")
        kind, style = row.get("kind", PLAIN), row.get("style", PLAIN)
        if not isinstance(kind, str) or not kind or not isinstance(style, str) or not style:
            raise EvalFileError(f"{path}:{number}: \"kind\" and \"style\" must be non-empty strings when given")
        posts.append(EvalPost(row["text"], row["label"], kind, style))
    return posts


@dataclass(frozen=True)
class Count:
    """k of n, printed as "k of n (rate)"."""
    k: int
    n: int

    @property
    def rate(self) -> float:
        return self.k / self.n if self.n else 0.0

    def __str__(self) -> str:
        return f"{self.k} of {self.n} ({self.rate:.3f})" if self.n else "0 of 0"


@dataclass(frozen=True)
class Report:
    """Everything eval-classifier prints about one set, from the truth and one list of predicted labels."""
    scores: list[LabelScore]
    kinds: list[KindScore]
    styles: list[KindScore]
    hope_false_alarms: Count  # hopeful posts (kind "hope") labelled crisis, whatever their true label
    text_speak_missed: Count  # text-speak crises not labelled crisis
    safe_false_alarms: Count  # posts of the alarming-but-safe kinds, not crisis, labelled crisis

    @property
    def macro_f1(self) -> float:
        return macro_f1(self.scores)

    @property
    def crisis(self) -> LabelScore:
        return self.scores[LABELS.index("crisis")]


def report(posts: Sequence[EvalPost], predicted: Sequence[str]) -> Report:
    """The figures for one set of posts and the labels predicted for them (same order)."""
    if len(posts) != len(predicted):
        raise ValueError(f"{len(posts)} posts but {len(predicted)} predictions")
    truth = [p.label for p in posts]
    hope = [q for p, q in zip(posts, predicted, strict=True) if p.kind == "hope"]
    text_speak = [q for p, q in zip(posts, predicted, strict=True) if p.is_text_speak_crisis]
    safe = [q for p, q in zip(posts, predicted, strict=True) if p.kind in SAFE_KINDS and p.label != "crisis"]
    return Report(
        scores=label_scores(truth, predicted, LABELS),
        kinds=kind_scores(truth, predicted, [p.kind for p in posts], order=(*HARD_KINDS, PLAIN)),
        styles=kind_scores(truth, predicted, [p.style for p in posts]),
        hope_false_alarms=Count(sum(q == "crisis" for q in hope), len(hope)),
        text_speak_missed=Count(sum(q != "crisis" for q in text_speak), len(text_speak)),
        safe_false_alarms=Count(sum(q == "crisis" for q in safe), len(safe)),
    )


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    op: str  # "≥" or "="
    goal: float
    shown: str = ""  # how the value is printed, when not as a 3-decimal figure

    @property
    def met(self) -> bool:
        # Compared at the printed precision (3 decimals), so a figure printed as 0.909 meets "≥ 0.909".
        value = round(self.value, 3)
        return value >= self.goal if self.op == "≥" else value == self.goal

    def line(self) -> str:
        shown = self.shown or f"{self.value:.3f}"
        goal = f"{self.goal:g}" if self.op == "=" else f"{self.goal:.3f}"
        return f"    {self.name:<32} {shown:>18}  ({self.op} {goal}: {'met' if self.met else 'NOT met'})"


# The held-out split must not fall below the figures of the model issue 14 started from.
HELDOUT_FLOOR_MACRO_F1 = 0.909
HELDOUT_FLOOR_CRISIS_RECALL = 0.951
HELDOUT_FLOOR_CRISIS_PRECISION = 0.773
# Targets on the independent set (issue 14).
TARGET_CRISIS_RECALL = 0.97
TARGET_CRISIS_PRECISION = 0.80
TARGET_MACRO_F1 = 0.88


def heldout_targets(scores: Sequence[LabelScore]) -> list[Target]:
    crisis = scores[LABELS.index("crisis")]
    return [Target("macro-F1", macro_f1(scores), "≥", HELDOUT_FLOOR_MACRO_F1),
            Target("crisis recall", crisis.recall, "≥", HELDOUT_FLOOR_CRISIS_RECALL),
            Target("crisis precision", crisis.precision, "≥", HELDOUT_FLOOR_CRISIS_PRECISION)]


def independent_targets(result: Report) -> list[Target]:
    return [Target("crisis recall", result.crisis.recall, "≥", TARGET_CRISIS_RECALL),
            Target("crisis precision", result.crisis.precision, "≥", TARGET_CRISIS_PRECISION),
            Target("macro-F1", result.macro_f1, "≥", TARGET_MACRO_F1),
            Target("hopeful posts labelled crisis", result.hope_false_alarms.k, "=", 0,
                   shown=str(result.hope_false_alarms)),
            Target("text-speak crises missed", result.text_speak_missed.k, "=", 0,
                   shown=str(result.text_speak_missed))]


def format_targets(title: str, targets: Sequence[Target]) -> str:
    met = sum(t.met for t in targets)
    return "\n".join([f"{title} {met} of {len(targets)} met", *(t.line() for t in targets)])

"""The six framing labels, in the order the trained head stores them."""

from __future__ import annotations

from typing import Literal

Label = Literal["crisis", "upward_comparison", "downward_comparison", "isolation", "common_humanity", "neutral"]

LABELS: tuple[Label, ...] = (
    "crisis",
    "upward_comparison",
    "downward_comparison",
    "isolation",
    "common_humanity",
    "neutral",
)
# Labels that can earn a member a gentle private nudge toward common humanity.
NUDGE_LABELS: tuple[Label, ...] = ("upward_comparison", "downward_comparison", "isolation")
# The labels in the denominator of the connection index.
CONNECTION_LABELS: tuple[Label, ...] = ("common_humanity", *NUDGE_LABELS)

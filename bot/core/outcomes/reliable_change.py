"""Reliable and clinically significant change (Jacobson & Truax 1991), from each instrument's data file.

RCI = (x2 − x1) / S_diff with S_diff = √2 · SD · √(1 − r); |RCI| > 1.96 is a reliable change. An
instrument may instead publish the reliable change directly as a number of points (EPDS: 4 points,
Matthey 2004); a change of at least that many points is reliable. Change is classified only when the
instrument's ``[reliable_change]`` table is ``verified = true``: numbers that are missing or not yet
confirmed by an operator are reported as "not computed", never guessed.

Clinically significant change = a reliable change that also crosses the instrument's cut-off (the one
named by ``reliable_change.cutoff``, else the lowest in ``[cutoffs]``) in the same direction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from bot.core.instruments import Instrument

Category = Literal["improved", "unchanged", "deteriorated", "not_computed"]
CATEGORIES: tuple[Category, ...] = ("improved", "unchanged", "deteriorated")
RCI_THRESHOLD = 1.96
NO_VERIFIED_SD = "not computed: no verified SD"


@dataclass(frozen=True)
class ChangeRule:
    """How to judge change on one instrument. ``reason`` is set when change cannot be classified."""

    instrument: str
    higher_is_better: bool
    sd: float | None = None
    reliability: float | None = None
    points: float | None = None
    cutoff: float | None = None
    source: str = ""
    reason: str | None = None

    @property
    def computable(self) -> bool:
        return self.reason is None

    @property
    def s_diff(self) -> float | None:
        """Standard error of the difference, √2 · SD · √(1 − r); None without a verified SD."""
        if self.sd is None or self.reliability is None:
            return None
        return math.sqrt(2) * self.sd * math.sqrt(1 - self.reliability)

    @property
    def threshold_points(self) -> float | None:
        """The smallest change in raw points that counts as reliable."""
        if self.points is not None:
            return self.points
        s_diff = self.s_diff
        return None if s_diff is None else RCI_THRESHOLD * s_diff


@dataclass(frozen=True)
class Change:
    first: float
    last: float
    category: Category
    rci: float | None
    clinically_significant: bool
    reason: str | None = None

    @property
    def difference(self) -> float:
        return self.last - self.first


def rule_for(instrument: Instrument) -> ChangeRule:
    """Read the instrument's ``[reliable_change]`` table into a rule, refusing unverified numbers."""
    table = instrument.reliable_change
    cutoff = _cutoff(instrument)
    base = {"instrument": instrument.id, "higher_is_better": instrument.higher_is_better, "cutoff": cutoff}
    if not table:
        return ChangeRule(**base, reason=NO_VERIFIED_SD)
    if table.get("points") is not None and table.get("verified") is True:
        return ChangeRule(**base, points=float(table["points"]), source=str(table.get("source", "")))
    if table.get("sd") is not None and table.get("reliability") is not None and table.get("verified") is True:
        return ChangeRule(**base, sd=float(table["sd"]), reliability=float(table["reliability"]),
                          source=str(table.get("sd_source", "")))
    return ChangeRule(**base, reason=NO_VERIFIED_SD)


def _cutoff(instrument: Instrument) -> float | None:
    named = instrument.reliable_change.get("cutoff")
    if isinstance(named, str) and named in instrument.cutoffs:
        return float(instrument.cutoffs[named])
    return float(min(instrument.cutoffs.values())) if instrument.cutoffs else None


def rci(first: float, last: float, rule: ChangeRule) -> float | None:
    """(x2 − x1) / S_diff, or None when the rule has no verified SD (a points rule has no RCI)."""
    s_diff = rule.s_diff
    return None if s_diff is None or not rule.computable else (last - first) / s_diff


def classify(first: float, last: float, rule: ChangeRule) -> Change:
    """Reliable improvement, no reliable change, or reliable deterioration, in the instrument's direction."""
    if not rule.computable:
        return Change(first, last, "not_computed", None, False, rule.reason)
    index = rci(first, last, rule)
    if rule.points is not None:
        reliable = abs(last - first) >= rule.points
    else:
        reliable = index is not None and abs(index) > RCI_THRESHOLD
    better = (last > first) == rule.higher_is_better
    if not reliable:
        return Change(first, last, "unchanged", index, False)
    category: Category = "improved" if better else "deteriorated"
    return Change(first, last, category, index, reliable and _crossed(first, last, rule, better))


def _crossed(first: float, last: float, rule: ChangeRule, better: bool) -> bool:
    """True when the change crosses the cut-off in the direction it went."""
    if rule.cutoff is None:
        return False
    c = rule.cutoff
    # "At or above the cut-off" is the worse side for symptom scales, the better side for the others.
    worse_side_before = first < c if rule.higher_is_better else first >= c
    worse_side_after = last < c if rule.higher_is_better else last >= c
    return worse_side_before and not worse_side_after if better else not worse_side_before and worse_side_after

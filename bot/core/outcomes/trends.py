"""A member's own trends: two plain sentences per questionnaire and the panels of her chart.

Only her own scores are used: no rankings and no comparison with anyone else. Wording is short and
kind; a change is called "reliable" only where the questionnaire's data file allows it
(see ``reliable_change.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.errors import UserError
from bot.core.instruments import Instrument
from bot.core.notify import Note
from bot.core.outcomes.charts import BandSpan, TrendPanel
from bot.core.outcomes.reliable_change import classify, rule_for
from bot.store.outcomes_repo import ScoreRow

NO_SCORES = (
    "You haven't completed any check-ins yet, so there's nothing to show here. Once you have, "
    "you'll see how your scores change over time. 💛"
)
INTRO = "Here's how your check-ins have gone. Only you can see this."


@dataclass(frozen=True)
class MyTrends:
    """What /mytrends shows: the sentences (two per questionnaire) and the chart, if there is one."""

    sentences: tuple[str, ...]
    png: bytes | None
    alt_text: str = ""

    @property
    def note(self) -> Note:
        return Note("\n".join((INTRO, *self.sentences)))


def friendly_date(moment: datetime) -> str:
    return f"{moment.day} {moment:%B}"


def number(value: float) -> str:
    return f"{value:g}"


def resolve_instrument(instruments: Mapping[str, Instrument], name: str) -> Instrument:
    """Find a questionnaire by id or by the name members see ("phq9", "PHQ-9", "phq 9")."""
    wanted = _squash(name)
    for instrument in instruments.values():
        if wanted in (_squash(instrument.id), _squash(instrument.short_name)):
            return instrument
    names = ", ".join(sorted(i.short_name for i in instruments.values()))
    raise UserError(f"I don't know a check-in called “{name.strip()}”. You can choose from: {names}.")


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def scale_range(instrument: Instrument) -> tuple[float, float]:
    """Lowest and highest possible total."""
    lows = [min(item.scored_value(p) for p in range(len(item.options))) for item in instrument.items]
    highs = [max(item.scored_value(p) for p in range(len(item.options))) for item in instrument.items]
    if instrument.scoring == "mean":
        return sum(lows) / len(lows), sum(highs) / len(highs)
    return float(sum(lows)), float(sum(highs))


def panel_for(instrument: Instrument, scores: list[ScoreRow]) -> TrendPanel:
    low, high = scale_range(instrument)
    bounds = [band.min for band in instrument.bands[1:]] + [high]
    bands = tuple(BandSpan(max(band.min, low), top, band.label) for band, top in zip(instrument.bands, bounds,
                                                                                       strict=True))
    # Only the cut-off used for clinically significant change: several close lines would be hard to read.
    cutoff = rule_for(instrument).cutoff
    cutoffs = tuple((float(value), name.replace("_", " ")) for name, value in instrument.cutoffs.items()
                    if float(value) == cutoff)[:1]
    rule = rule_for(instrument)
    return TrendPanel(
        title=instrument.short_name,
        points=tuple((score.completed_at, score.total) for score in scores),
        bands=bands,
        cutoffs=cutoffs,
        y_low=low,
        y_high=high,
        direction="higher is better" if instrument.higher_is_better else "lower is better",
        higher_is_better=instrument.higher_is_better,
        reliable_change=rule.threshold_points if rule.computable else None,
    )


ALT_LIMIT = 1000  # Discord allows 1,024 characters of alt text on an attachment


def alt_text(panels: Sequence[TrendPanel]) -> str:
    """What a screen reader says for her chart: the same facts as the picture, in words."""
    parts = ["Line chart of your own check-in scores over time."]
    for panel in panels:
        (first_at, first), (last_at, last) = panel.points[0], panel.points[-1]
        part = (f"{panel.title} ({panel.direction}): {len(panel.points)} scores, from {number(first)} on "
                f"{friendly_date(first_at)} to {number(last)} on {friendly_date(last_at)}")
        if panel.bands:
            part += f"; coloured bands from {panel.bands[0].label} to {panel.bands[-1].label}"
        for value, name in panel.cutoffs:
            part += f"; a dashed line at the {name} cut-off ({number(value)})"
        if panel.reliable_change is not None:
            part += (f"; a hatched area shows the usual ups and downs, {number(panel.reliable_change)} points either "
                     "side of your first score")
        parts.append(part + ".")
    text = " ".join(parts)
    return text if len(text) <= ALT_LIMIT else text[:ALT_LIMIT - 1] + "…"


TALK_SCORE = "the score at which a health professional would usually suggest a talk"


def _movement(first: float, last: float) -> str:
    """Which way and by how much, in points: "down 6 points", "up 1 point"."""
    points = abs(last - first)
    return f"{'up' if last > first else 'down'} {number(round(points, 1))} point{'' if points == 1 else 's'}"


def _cutoff_side(instrument: Instrument, score: float, cutoff: float) -> str:
    """Where a score sits against the cut-off, said plainly: which side and what the line means."""
    if instrument.higher_is_better:
        side = f"{number(cutoff)} or more" if score >= cutoff else f"below {number(cutoff)}"
        return f"{side}, the {instrument.short_name}'s cut-off (higher is better)"
    side = f"at or above {number(cutoff)}" if score >= cutoff else f"below {number(cutoff)}"
    return f"{side}, {TALK_SCORE}"


def sentences_for(instrument: Instrument, scores: list[ScoreRow]) -> tuple[str, str]:
    """Two plain sentences about one questionnaire, from her first and latest scores.

    Each says which way her score moved and against what: the points that count as more than the
    usual ups and downs, and, when she crossed it, the cut-off and what it means."""
    name = instrument.short_name
    first, last = scores[0], scores[-1]
    if len(scores) == 1:
        return (f"Your {name} so far: {number(first.total)} on {friendly_date(first.completed_at)}.",
                "After your next check-in you'll be able to see here how it changes.")
    since = friendly_date(first.completed_at)
    rule = rule_for(instrument)
    change = classify(first.total, last.total, rule)
    count = f"That's over {len(scores)} check-ins"
    if first.total == last.total:
        opening = f"Your {name} is {number(last.total)}, the same as on {since}."
    else:
        opening = f"Your {name} went from {number(first.total)} to {number(last.total)} since {since}"
        moved = _movement(first.total, last.total)
        threshold = number(round(rule.threshold_points, 1)) if rule.threshold_points is not None else ""
        opening += {
            "improved": f": {moved}, a reliable improvement (a change of {threshold} points or more is more than "
                        "the usual ups and downs).",
            "unchanged": f": {moved}, about the same (a change smaller than {threshold} points is within the usual "
                         "ups and downs).",
            "deteriorated": f": {moved}, a reliable change towards feeling worse (a change of {threshold} points "
                            "or more is more than the usual ups and downs).",
            "not_computed": ".",
        }[change.category]
    if change.category == "improved":
        extra = (f", and {number(last.total)} is {_cutoff_side(instrument, last.total, rule.cutoff)}"
                 if change.clinically_significant and rule.cutoff is not None else "")
        return opening, f"{count}{extra}: whatever has been helping, it's worth noticing. 💛"
    if change.category == "deteriorated":
        crossed = (f"Your latest score, {number(last.total)}, is {_cutoff_side(instrument, last.total, rule.cutoff)}. "
                   if change.clinically_significant and rule.cutoff is not None else "")
        return opening, (f"{crossed}Things seem harder lately. Please be gentle with yourself, and think about "
                         "talking to your GP, midwife or health visitor, or someone you trust.")
    direction = "higher scores are better" if instrument.higher_is_better else "lower scores mean fewer difficulties"
    return opening, f"On the {name}, {direction}. {count}: a trend, not a diagnosis."


def build_trends(
    instruments: Mapping[str, Instrument], scores: Iterable[ScoreRow], wanted: str | None = None
) -> tuple[tuple[str, ...], list[TrendPanel]]:
    """Sentences and chart panels for /mytrends; bad input raises a kind UserError."""
    by_instrument: dict[str, list[ScoreRow]] = {}
    for score in sorted(scores, key=lambda s: (s.completed_at, s.id)):
        if score.instrument in instruments:
            by_instrument.setdefault(score.instrument, []).append(score)
    chosen: Instrument | None = resolve_instrument(instruments, wanted) if wanted and wanted.strip() else None
    if not by_instrument:
        raise UserError(NO_SCORES)
    if chosen is not None:
        if chosen.id not in by_instrument:
            taken = ", ".join(instruments[i].short_name for i in by_instrument)
            raise UserError(f"You haven't filled in the {chosen.short_name} yet, so there's no trend to show for "
                            f"it. You have scores for: {taken}.")
        by_instrument = {chosen.id: by_instrument[chosen.id]}
    sentences: list[str] = []
    panels: list[TrendPanel] = []
    for instrument_id, rows in by_instrument.items():
        instrument = instruments[instrument_id]
        sentences.extend(sentences_for(instrument, rows))
        panels.append(panel_for(instrument, rows))
    if all(len(rows) < 2 for rows in by_instrument.values()):
        panels = []
    return tuple(sentences), panels

"""Per-group outcome summaries for moderators (/outcomes), with small cells hidden.

For each group and questionnaire: members with at least two scores, their mean change (latest minus
first), and the share reliably improved / unchanged / deteriorated where the questionnaire allows it.
Per group: the check-in completion rate (completed / (sent + completed + missed)) and the connection
index by ISO week from the framing counts. Any cell with fewer than k members is hidden.

k-anonymity per cell: a questionnaire cell counts members with two or more scores; the completion cell
counts members who had a check-in fall due; the connection index (a group-level count of labelled
posts, with no member in it) is shown only for groups with at least k members.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from bot.core.instruments import Instrument
from bot.core.outcomes.charts import ChangePanel
from bot.core.outcomes.reliable_change import CATEGORIES, NO_VERIFIED_SD, Category, classify, rule_for
from bot.core.outcomes.trends import scale_range
from bot.store.outcomes_repo import CheckinCounts, FramingRow, ScoreRow


def hidden(k: int) -> str:
    return f"fewer than {k} members: hidden to protect privacy"


@dataclass(frozen=True)
class InstrumentCell:
    instrument: str
    short_name: str
    members: int
    suppressed: bool
    mean_change: float | None = None
    shares: dict[Category, float] | None = None
    note: str | None = None
    higher_is_better: bool = False
    reliable_change: float | None = None  # points, where the questionnaire's file verifies them
    span: float | None = None  # highest minus lowest possible score: the chart's axis runs ± this


@dataclass(frozen=True)
class GroupSummary:
    group_id: int
    name: str
    cells: list[InstrumentCell] = field(default_factory=list)
    completion: float | None = None
    completion_due: int = 0
    completion_suppressed: bool = False
    connection: list[tuple[str, float]] = field(default_factory=list)
    connection_note: str | None = None


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def connection_index(counts: Mapping[str, int]) -> float | None:
    """common_humanity / (common_humanity + upward + downward comparison + isolation)."""
    total = sum(counts.get(label, 0) for label in
                ("common_humanity", "upward_comparison", "downward_comparison", "isolation"))
    return None if total == 0 else counts.get("common_humanity", 0) / total


def weekly_connection(rows: Sequence[FramingRow]) -> list[tuple[str, float]]:
    weeks: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        weeks[iso_week(date.fromisoformat(row.day[:10]))][row.label] += row.count
    result = []
    for week in sorted(weeks):
        index = connection_index(weeks[week])
        if index is not None:
            result.append((week, index))
    return result


def first_and_last(scores: Sequence[ScoreRow]) -> dict[str, tuple[float, float]]:
    """Per member (pseudonym) with two or more scores: (first total, latest total)."""
    by_member: dict[str, list[ScoreRow]] = defaultdict(list)
    for score in sorted(scores, key=lambda s: (s.completed_at, s.id)):
        by_member[score.pseudonym].append(score)
    return {who: (rows[0].total, rows[-1].total) for who, rows in by_member.items() if len(rows) >= 2}


def change_cell(instrument: Instrument, scores: Sequence[ScoreRow], k: int) -> InstrumentCell:
    pairs = first_and_last(scores)
    rule = rule_for(instrument)
    low, high = scale_range(instrument)
    base = {"instrument": instrument.id, "short_name": instrument.short_name, "members": len(pairs),
            "higher_is_better": instrument.higher_is_better,
            "reliable_change": rule.threshold_points if rule.computable else None, "span": high - low}
    if len(pairs) < k:
        return InstrumentCell(**base, suppressed=True, note=hidden(k))
    mean_change = sum(last - first for first, last in pairs.values()) / len(pairs)
    if not rule.computable:
        return InstrumentCell(**base, suppressed=False, mean_change=mean_change, note=NO_VERIFIED_SD)
    counts: dict[str, int] = dict.fromkeys(CATEGORIES, 0)
    for first, last in pairs.values():
        counts[classify(first, last, rule).category] += 1
    shares: dict[Category, float] = {category: counts[category] / len(pairs) for category in CATEGORIES}
    return InstrumentCell(**base, suppressed=False, mean_change=mean_change, shares=shares)


def summarise_groups(
    instruments: Mapping[str, Instrument],
    groups: Sequence[tuple[int, str, int]],
    scores: Sequence[ScoreRow],
    checkins: Mapping[int, CheckinCounts],
    framing: Sequence[FramingRow] | None,
    k: int,
) -> list[GroupSummary]:
    """``framing`` is None when the framing counts table does not exist."""
    scores_by_cell: dict[tuple[int, str], list[ScoreRow]] = defaultdict(list)
    for score in scores:
        if score.group_id is not None and score.instrument in instruments:
            scores_by_cell[(score.group_id, score.instrument)].append(score)
    framing_by_group: dict[int, list[FramingRow]] = defaultdict(list)
    for row in framing or ():
        framing_by_group[row.group_id].append(row)

    summaries = []
    for group_id, name, member_count in groups:
        cells = [change_cell(instruments[instrument_id], cell_scores, k)
                 for (gid, instrument_id), cell_scores in sorted(scores_by_cell.items()) if gid == group_id]
        counts = checkins.get(group_id)
        completion, due, suppressed = None, 0, False
        if counts is not None and counts.due:
            due = counts.due
            if counts.members < k:
                suppressed = True
            else:
                completion = counts.completed / counts.due
        if framing is None:
            connection, connection_note = [], "framing counts are not available yet"
        elif member_count < k:
            connection, connection_note = [], hidden(k)
        else:
            connection = weekly_connection(framing_by_group.get(group_id, []))
            connection_note = None if connection else "no comparison, isolation or common-humanity posts yet"
        summaries.append(GroupSummary(group_id, name, cells, completion, due, suppressed, connection,
                                      connection_note))
    return summaries


def _signed(value: float) -> str:
    return f"{value:+.2f}".rstrip("0").rstrip(".") if abs(value) >= 0.005 else "0"


def render_summaries(summaries: Sequence[GroupSummary], k: int) -> str:
    """Plain text for moderators: one block per group."""
    if not summaries:
        return "There are no groups in this server yet, so there are no outcomes to show."
    lines = [f"**Group outcomes** (cells with fewer than {k} members are hidden to protect privacy)"]
    for summary in summaries:
        lines.append(f"\n**{summary.name}**")
        if not summary.cells:
            lines.append("• No check-in scores yet.")
        for cell in summary.cells:
            lines.append(f"• {_cell_line(cell)}")
        if summary.completion_suppressed:
            lines.append(f"• Check-ins completed: {hidden(k)}.")
        elif summary.completion is not None:
            lines.append(f"• Check-ins completed: {summary.completion:.0%} of {summary.completion_due} sent.")
        else:
            lines.append("• Check-ins completed: none sent yet.")
        if summary.connection:
            weeks = ", ".join(f"{week} {index:.2f}" for week, index in summary.connection[-6:])
            lines.append(f"• Connection index by week: {weeks}.")
        else:
            lines.append(f"• Connection index: {summary.connection_note}.")
    return "\n".join(lines)


def _cell_line(cell: InstrumentCell) -> str:
    if cell.suppressed:
        return f"{cell.short_name}: {cell.note}."
    direction = "higher is better" if cell.higher_is_better else "lower is better"
    line = (f"{cell.short_name}: {cell.members} members with 2+ scores, mean change "
            f"{_signed(cell.mean_change or 0.0)} ({direction})")
    if cell.shares is None:
        return f"{line}; reliable change {cell.note}."
    shares = cell.shares
    return (f"{line}; reliably improved {shares['improved']:.0%}, unchanged {shares['unchanged']:.0%}, "
            f"deteriorated {shares['deteriorated']:.0%}.")


def chart_data(summaries: Sequence[GroupSummary]) -> tuple[list[ChangePanel], dict[str, list[tuple[str, float]]]]:
    """One chart panel per questionnaire (each on its own axis, running over the questionnaire's whole range
    of change) with the groups' mean changes, and the connection index by week per group."""
    by_instrument: dict[str, list[tuple[str, float]]] = defaultdict(list)
    cells: dict[str, InstrumentCell] = {}
    for summary in summaries:
        for cell in summary.cells:
            if not cell.suppressed and cell.mean_change is not None:
                by_instrument[cell.instrument].append((summary.name, float(cell.mean_change)))
                cells[cell.instrument] = cell
    panels = [ChangePanel(title=cells[i].short_name,
                          direction="higher is better" if cells[i].higher_is_better else "lower is better",
                          bars=tuple(bars), reliable_change=cells[i].reliable_change, span=cells[i].span)
              for i, bars in sorted(by_instrument.items(), key=lambda item: cells[item[0]].short_name)]
    lines = {s.name: s.connection for s in summaries if s.connection}
    return panels, lines


ALT_LIMIT = 1000


def chart_alt_text(panels: Sequence[ChangePanel], lines: Mapping[str, list[tuple[str, float]]]) -> str:
    """The moderators' chart in words, for screen readers (group names and numbers only)."""
    parts = []
    if panels:
        parts.append("Bar charts of each group's mean change from first to latest score, one per questionnaire.")
    for panel in panels:
        bars = ", ".join(f"{name} {_signed(value)}" for name, value in panel.bars)
        limit = f"; dashed lines at the reliable change of ±{panel.reliable_change:g}" if panel.reliable_change else \
            "; reliable change not computed (no verified SD)"
        scale = f", axis from −{panel.span:g} to +{panel.span:g} points" if panel.span is not None else ""
        parts.append(f"{panel.title} ({panel.direction}{scale}): {bars}{limit}.")
    if lines:
        parts.append(f"Line chart of the connection index by week (0 to 1) for {len(lines)} "
                     f"group{'s' if len(lines) != 1 else ''}: "
                     + "; ".join(f"{name} latest {points[-1][1]:.2f}" for name, points in lines.items()) + ".")
    text = " ".join(parts)
    return text if len(text) <= ALT_LIMIT else text[:ALT_LIMIT - 1] + "…"

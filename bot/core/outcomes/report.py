"""The research report: PNG charts and a Markdown summary, over consented participants only.

Sections: pre/post change per questionnaire (first against latest score), reliable-change categories,
dose-response (tertiles of posts per week between first and latest score, against change) and the
connection index against change (per group). Every cell with fewer than k participants is hidden.
Synchronous and CPU-bound (charts): the service runs it in an executor and reports progress per stage.

Charts never put two questionnaires' scales on one axis: every chart of scores or changes has one panel
per questionnaire, running over that questionnaire's own range (its scores, or its change: ± the whole
scale), with its reliable change marked (or "not computed" where its file has no verified numbers).
Every image in summary.md carries alt text with the same facts in words.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.core.outcomes.charts import (
    ScalePanel,
    ScatterPanel,
    connection_chart,
    scale_chart,
    share_chart,
)
from bot.core.outcomes.reliable_change import CATEGORIES, NO_VERIFIED_SD, classify, rule_for
from bot.core.outcomes.research_data import Member, Rekeyer, ResearchData
from bot.core.outcomes.summaries import connection_index, hidden
from bot.core.outcomes.trends import scale_range
from bot.store.outcomes_repo import FramingRow, ScoreRow

STAGES = 6
TERTILES = ("low", "middle", "high")
PRE_POST = "mean first and latest score"
DOSE = "mean change by engagement tertile"


@dataclass(frozen=True)
class ReportResult:
    summary_path: Path
    charts: list[Path] = field(default_factory=list)


def pairs_for(data: ResearchData, instrument_id: str) -> dict[Member, tuple[ScoreRow, ScoreRow]]:
    """First and latest score of every participant with at least two on this questionnaire."""
    found = {}
    for member in data.scores:
        rows = data.scores_of(member, instrument_id)
        if len(rows) >= 2:
            found[member] = (rows[0], rows[-1])
    return found


def tertiles(values: Sequence[tuple[Member, float]]) -> list[list[Member]]:
    """Split members into three near-equal parts by ascending value (ties keep their given order)."""
    ordered = sorted(values, key=lambda pair: pair[1])
    parts: list[list[Member]] = [[], [], []]
    for index, (member, _) in enumerate(ordered):
        parts[index * 3 // len(ordered)].append(member)
    return parts


def _fmt(value: float) -> str:
    return f"{value:.2f}"


@dataclass
class _Context:
    data: ResearchData
    k: int
    out_dir: Path
    pairs: dict[str, dict[Member, tuple[ScoreRow, ScoreRow]]]
    names: dict[str, str]
    charts: list[Path] = field(default_factory=list)

    def save(self, name: str, png: bytes, alt: str) -> str:
        """Write the chart and return its Markdown image, with alt text saying what it shows."""
        path = self.out_dir / name
        path.write_bytes(png)
        self.charts.append(path)
        return f"![{alt.replace('[', '(').replace(']', ')')}]({name})"


def write_report(data: ResearchData, framing: Sequence[FramingRow] | None, k: int, out_dir: Path,
                 now: datetime, progress: Callable[[str], None]) -> ReportResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    used = data.instruments_used()
    ctx = _Context(data, k, out_dir, {i: pairs_for(data, i) for i in used},
                   {i: data.instruments[i].short_name for i in used})
    lines = [
        "# Outcomes report",
        "",
        f"Generated on {now.date().isoformat()} from {len(data.scores)} participants with research consent. "
        f"Any cell with fewer than k = {k} participants is hidden. Change = latest minus first score; see "
        "the direction of each questionnaire. Reliable change follows Jacobson & Truax (1991) and is computed "
        "only where the questionnaire file holds verified parameters.",
        "",
    ]
    progress(f"[2/{STAGES}] pre/post change per questionnaire")
    lines += _pre_post(ctx)
    progress(f"[3/{STAGES}] reliable-change categories")
    lines += _categories(ctx)
    progress(f"[4/{STAGES}] dose-response (engagement tertiles)")
    lines += _dose_response(ctx)
    progress(f"[5/{STAGES}] connection index against change")
    lines += ["## Connection index against change", ""]
    points: dict[str, list[tuple[float, float, str]]] = defaultdict(list)
    if framing is None:
        lines.append("Framing counts are not available in this database, so the connection index is not reported.")
    else:
        lines += _connection_section(data, ctx.pairs, ctx.names, framing, k, points)
    scatter = [ScatterPanel(ctx.names[i], _direction(ctx, i), *_scale(ctx, i), tuple(found), _reliable(ctx, i))
               for i, found in points.items()]
    lines += ["", ctx.save("connection_vs_change.png", connection_chart(scatter), connection_alt_text(scatter)), ""]
    progress(f"[6/{STAGES}] writing the summary")
    summary = out_dir / "summary.md"
    summary.write_text("\n".join(lines), encoding="utf-8")
    return ReportResult(summary, ctx.charts)


def _scale(ctx: _Context, instrument_id: str) -> tuple[float, float]:
    return scale_range(ctx.data.instruments[instrument_id])


def _reliable(ctx: _Context, instrument_id: str) -> float | None:
    rule = rule_for(ctx.data.instruments[instrument_id])
    return rule.threshold_points if rule.computable else None


def _g(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _spoken(value: float) -> str:
    """A number for a screen reader: a real minus sign (read "minus", where a hyphen may be skipped)."""
    return _fmt(value).replace("-", "−")


def _limits_text(low: float, high: float) -> str:
    return f"from {_g(low)} to {_g(high)}".replace("-", "−")


def _marking(reliable_change: float | None, where: str) -> str:
    if reliable_change is None:
        return "reliable change not computed (no verified SD)"
    return f"{where} at the reliable change of ±{_g(reliable_change)} points"


def scale_alt_text(panels: Sequence[ScalePanel], what: str) -> str:
    """A scale chart in words: one sentence per questionnaire (its axis, its bars, its reliable change)."""
    if not panels:
        return f"Chart of the {what}: nothing to show (no cell reaches the privacy threshold)"
    parts = [f"Bar charts of the {what}, one per questionnaire, each on its own axis."]
    for panel in panels:
        low, high = panel.limits
        bars = ", ".join(f"{label} {'hidden' if value is None else _spoken(value)}" for label, value in panel.bars)
        where = "a hatched band around the first" if panel.kind == "score" else "dashed lines"
        parts.append(f"{panel.title} ({panel.direction}; axis {_limits_text(low, high)}): {bars}; "
                     f"{_marking(panel.reliable_change, where)}.")
    return " ".join(parts)


def connection_alt_text(panels: Sequence[ScatterPanel]) -> str:
    if not panels:
        return "Chart of the connection index against mean change: nothing to show (no cell reaches the privacy " \
               "threshold)"
    parts = ["Scatter charts of each group's connection index (0 to 1) against its mean change, one per "
             "questionnaire, each on its own axis."]
    for panel in panels:
        low, high = panel.limits
        points = ", ".join(f"{label}: index {_spoken(x)}, change {_spoken(y)}" for x, y, label in panel.points)
        parts.append(f"{panel.title} ({panel.direction}; change axis {_limits_text(low, high)}): {points}; "
                     f"{_marking(panel.reliable_change, 'dashed lines')}.")
    return " ".join(parts)


def _direction(ctx: _Context, instrument_id: str) -> str:
    return "higher is better" if ctx.data.instruments[instrument_id].higher_is_better else "lower is better"


def _pre_post(ctx: _Context) -> list[str]:
    lines = ["## Pre/post change", "", "| questionnaire | n | mean first | mean latest | mean change | SD of change "
             "| d_z | direction |", "|---|---|---|---|---|---|---|---|"]
    shown = []
    for instrument_id, cell in ctx.pairs.items():
        name, direction = ctx.names[instrument_id], _direction(ctx, instrument_id)
        if len(cell) < ctx.k:
            lines.append(f"| {name} | {hidden(ctx.k)} | | | | | | {direction} |")
            continue
        firsts = [a.total for a, _ in cell.values()]
        lasts = [b.total for _, b in cell.values()]
        changes = [b - a for a, b in zip(firsts, lasts, strict=True)]
        sd = statistics.stdev(changes)
        d_z = _fmt(statistics.mean(changes) / sd) if sd > 0 else "–"
        lines.append(f"| {name} | {len(cell)} | {_fmt(statistics.mean(firsts))} | {_fmt(statistics.mean(lasts))} | "
                     f"{_fmt(statistics.mean(changes))} | {_fmt(sd)} | {d_z} | {direction} |")
        first, latest = statistics.mean(firsts), statistics.mean(lasts)
        shown.append(ScalePanel(name, direction, *_scale(ctx, instrument_id),
                                (("mean first", first), ("mean latest", latest)), "score",
                                _reliable(ctx, instrument_id), around=first))
    return [*lines, "", ctx.save("pre_post.png", scale_chart(shown, PRE_POST), scale_alt_text(shown, PRE_POST)), ""]


def _categories(ctx: _Context) -> list[str]:
    lines = ["## Reliable change", "", "| questionnaire | n | reliably improved | unchanged | reliably deteriorated "
             "| clinically significant improvement |", "|---|---|---|---|---|---|"]
    shares: dict[str, list[float]] = {c: [] for c in CATEGORIES}
    shown = []
    for instrument_id, cell in ctx.pairs.items():
        name, rule = ctx.names[instrument_id], rule_for(ctx.data.instruments[instrument_id])
        if len(cell) < ctx.k:
            lines.append(f"| {name} | {hidden(ctx.k)} | | | | |")
            continue
        if not rule.computable:
            lines.append(f"| {name} | {len(cell)} | {NO_VERIFIED_SD} | | | |")
            continue
        changes = [classify(a.total, b.total, rule) for a, b in cell.values()]
        counts = {c: sum(1 for ch in changes if ch.category == c) for c in CATEGORIES}
        significant = sum(1 for ch in changes if ch.category == "improved" and ch.clinically_significant)
        lines.append(f"| {name} | {len(cell)} | " + " | ".join(
            f"{counts[c]} ({counts[c] / len(cell):.0%})" for c in CATEGORIES) + f" | {significant} |")
        shown.append(name)
        for c in CATEGORIES:
            shares[c].append(counts[c] / len(cell))
    chart = share_chart("Share of participants by reliable-change category", shown, shares if shown else {})
    if shown:
        alt = ("Bar chart of the share of participants (0 to 100%) reliably improved, unchanged and reliably "
               "deteriorated, per questionnaire with a verified reliable change: " + "; ".join(
                   f"{name} " + ", ".join(f"{c} {shares[c][i]:.0%}" for c in CATEGORIES)
                   for i, name in enumerate(shown)) + ".")
    else:
        alt = ("Chart of the share of participants by reliable-change category: nothing to show (no questionnaire "
               "with a verified reliable change reaches the privacy threshold)")
    return [*lines, "", ctx.save("reliable_change.png", chart, alt), ""]


def _dose_response(ctx: _Context) -> list[str]:
    lines = ["## Dose-response", "", "Engagement = anonymous posts per week between a participant's first and latest "
             "score. Participants are split into tertiles of engagement per questionnaire.", "",
             "| questionnaire | tertile | n | posts per week (range) | mean change |", "|---|---|---|---|---|"]
    shown: list[ScalePanel] = []
    for instrument_id, cell in ctx.pairs.items():
        name = ctx.names[instrument_id]
        if len(cell) < ctx.k:
            lines.append(f"| {name} | all | {hidden(ctx.k)} | | |")
            continue
        rate = {m: ctx.data.posts_per_week(m, a.completed_at, b.completed_at) for m, (a, b) in cell.items()}
        bars: list[tuple[str, float | None]] = []
        for tertile, members in zip(TERTILES, tertiles(list(rate.items())), strict=True):
            if len(members) < ctx.k:
                lines.append(f"| {name} | {tertile} | {hidden(ctx.k)} | | |")
                bars.append((f"{tertile} engagement", None))
                continue
            mean_change = statistics.mean(cell[m][1].total - cell[m][0].total for m in members)
            low, high = min(rate[m] for m in members), max(rate[m] for m in members)
            lines.append(f"| {name} | {tertile} | {len(members)} | {_fmt(low)}–{_fmt(high)} | {_fmt(mean_change)} |")
            bars.append((f"{tertile} engagement", mean_change))
        shown.append(ScalePanel(name, _direction(ctx, instrument_id), *_scale(ctx, instrument_id), tuple(bars),
                                "change", _reliable(ctx, instrument_id)))
    return [*lines, "", ctx.save("dose_response.png", scale_chart(shown, DOSE), scale_alt_text(shown, DOSE)), ""]


def _connection_section(data: ResearchData, pairs: dict[str, dict[Member, tuple[ScoreRow, ScoreRow]]],
                        names: dict[str, str], framing: Sequence[FramingRow], k: int,
                        points: dict[str, list[tuple[float, float, str]]]) -> list[str]:
    """Per group (by the group of each participant's latest score): connection index and mean change."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in framing:
        counts[row.group_id][row.label] += row.count
    rekey = Rekeyer()
    lines = ["Connection index = common humanity / (common humanity + upward comparison + downward comparison + "
             "isolation), over all weeks. Each participant counts in the group of her latest score.", "",
             "| questionnaire | group | n | connection index | mean change |", "|---|---|---|---|---|"]
    for instrument_id, cell in pairs.items():
        by_group: dict[int, list[float]] = defaultdict(list)
        for first, last in cell.values():
            if last.group_id is not None:
                by_group[last.group_id].append(last.total - first.total)
        for group_id, changes in sorted(by_group.items(), key=lambda item: rekey.group(item[0])):
            label = rekey.group(group_id)
            index = connection_index(counts.get(group_id, {}))
            if len(changes) < k:
                lines.append(f"| {names[instrument_id]} | {label} | {hidden(k)} | | |")
            elif index is None:
                lines.append(f"| {names[instrument_id]} | {label} | {len(changes)} | no labelled posts | |")
            else:
                mean_change = statistics.mean(changes)
                lines.append(f"| {names[instrument_id]} | {label} | {len(changes)} | {_fmt(index)} | "
                             f"{_fmt(mean_change)} |")
                points[instrument_id].append((index, mean_change, label))
    return lines

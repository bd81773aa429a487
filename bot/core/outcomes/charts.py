"""Charts as PNG bytes, drawn with matplotlib's Agg backend on private Figures (no pyplot state).

Every function here is synchronous and CPU-bound: callers in the event loop run them with
``loop.run_in_executor``. Sizes are fixed in pixels (``savefig`` without a tight bounding box), so a
chart is always the size the constants say. Charts carry no names, aliases or ids of members.
matplotlib (about 40 MB) is imported by the first chart drawn, not with this module, so the bot and
``classify`` start without it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

DPI = 100
TREND_WIDTH = 800
TREND_PANEL_HEIGHT = 260
CHART_WIDTH = 800
CHART_HEIGHT = 500
OUTCOMES_HEIGHT = 700
BAND_COLOURS = ("#e8f4ea", "#f3f6e4", "#fbf3df", "#fbe8dc", "#f7e0e0")
LINE_COLOUR = "#5b6fa8"
CUTOFF_COLOUR = "#a0522d"


@dataclass(frozen=True)
class BandSpan:
    low: float
    high: float
    label: str


@dataclass(frozen=True)
class TrendPanel:
    title: str
    points: tuple[tuple[datetime, float], ...]
    bands: tuple[BandSpan, ...]
    cutoffs: tuple[tuple[float, str], ...]
    y_low: float
    y_high: float
    direction: str  # "lower is better" / "higher is better"
    higher_is_better: bool = False


def _figure(width: int, height: int) -> Figure:
    # Imported here so that only drawing a chart loads matplotlib; the Agg canvas is attached directly,
    # so no backend or pyplot state is involved.
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    figure = Figure(figsize=(width / DPI, height / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def trend_chart(panels: Sequence[TrendPanel]) -> bytes:
    """One panel per instrument: her scores over time on band shading, with cut-off lines."""
    from matplotlib.dates import AutoDateLocator, DateFormatter  # noqa: PLC0415

    figure = _figure(TREND_WIDTH, TREND_PANEL_HEIGHT * len(panels))
    axes = figure.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, panel in zip(axes, panels, strict=True):
        for band, colour in zip(panel.bands, _band_colours(len(panel.bands), panel.higher_is_better), strict=True):
            ax.axhspan(band.low, band.high, color=colour, zorder=0)
            ax.text(1.01, (band.low + band.high) / 2, band.label, transform=ax.get_yaxis_transform(),
                    fontsize=7, va="center", color="#555555")
        for value, name in panel.cutoffs:
            ax.axhline(value, color=CUTOFF_COLOUR, linestyle="--", linewidth=1, zorder=1)
            ax.text(0.005, value, f" cut-off {name} ({value:g})", transform=ax.get_yaxis_transform(),
                    fontsize=7, va="bottom", color=CUTOFF_COLOUR)
        times = [moment for moment, _ in panel.points]
        values = [value for _, value in panel.points]
        ax.plot(times, values, marker="o", color=LINE_COLOUR, linewidth=2, zorder=2)
        ax.set_ylim(panel.y_low, panel.y_high)
        ax.set_title(f"{panel.title} ({panel.direction})", fontsize=10, loc="left")
        ax.xaxis.set_major_locator(AutoDateLocator(maxticks=6))
        ax.xaxis.set_major_formatter(DateFormatter("%d %b"))
        ax.grid(axis="y", alpha=0.3)
    return _png(figure)


def _band_colours(count: int, higher_is_better: bool) -> list[str]:
    """Soft colours from calm (better) to warm (harder), spread over the palette."""
    last = len(BAND_COLOURS) - 1
    colours = [BAND_COLOURS[round(i * last / max(count - 1, 1))] for i in range(count)]
    return colours[::-1] if higher_is_better else colours


def outcomes_chart(mean_changes: Sequence[tuple[str, float]],
                   connection: dict[str, list[tuple[str, float]]]) -> bytes:
    """Moderators' view: mean change per group and instrument, and the connection index by week."""
    figure = _figure(CHART_WIDTH, OUTCOMES_HEIGHT)
    top, bottom = figure.subplots(2, 1)
    _bars(top, mean_changes, "Mean change, first to latest score (shown cells only)", "change in points")
    _lines(bottom, connection, "Connection index by week", "common humanity share")
    return _png(figure)


def bar_chart(title: str, bars: Sequence[tuple[str, float]], ylabel: str) -> bytes:
    figure = _figure(CHART_WIDTH, CHART_HEIGHT)
    _bars(figure.subplots(), bars, title, ylabel)
    return _png(figure)


def grouped_bar_chart(title: str, categories: Sequence[str], series: dict[str, Sequence[float]],
                      ylabel: str) -> bytes:
    """Bars for each category, one colour per series (e.g. pre and post, or improved/unchanged/worse)."""
    figure = _figure(CHART_WIDTH, CHART_HEIGHT)
    ax = figure.subplots()
    if not categories or not series:
        _empty(ax, title)
        return _png(figure)
    width = 0.8 / len(series)
    for offset, (name, values) in enumerate(series.items()):
        positions = [index + offset * width - 0.4 + width / 2 for index in range(len(categories))]
        ax.bar(positions, values, width=width, label=name)
    ax.set_xticks(range(len(categories)), list(categories), fontsize=8)
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    return _png(figure)


def scatter_chart(title: str, points: Sequence[tuple[float, float, str]], xlabel: str, ylabel: str) -> bytes:
    figure = _figure(CHART_WIDTH, CHART_HEIGHT)
    ax = figure.subplots()
    if not points:
        _empty(ax, title)
        return _png(figure)
    ax.scatter([x for x, _, _ in points], [y for _, y, _ in points], color=LINE_COLOUR)
    for x, y, label in points:
        ax.annotate(label, (x, y), fontsize=7, xytext=(4, 4), textcoords="offset points")
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    return _png(figure)


def _bars(ax: Axes, bars: Sequence[tuple[str, float]], title: str, ylabel: str) -> None:
    if not bars:
        _empty(ax, title)
        return
    ax.bar(range(len(bars)), [value for _, value in bars], color=LINE_COLOUR)
    ax.set_xticks(range(len(bars)), [label for label, _ in bars], fontsize=8)
    ax.axhline(0, color="#333333", linewidth=0.8)
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_ylabel(ylabel)
    ax.grid(axis="y", alpha=0.3)


def _lines(ax: Axes, series: dict[str, list[tuple[str, float]]], title: str, ylabel: str) -> None:
    if not any(series.values()):
        _empty(ax, title)
        return
    for name, points in series.items():
        ax.plot([week for week, _ in points], [value for _, value in points], marker="o", label=name)
    ax.set_ylim(0, 1)
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8)
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(alpha=0.3)


def _empty(ax: Axes, title: str) -> None:
    ax.set_title(title, fontsize=11, loc="left")
    ax.text(0.5, 0.5, "nothing to show (no cell reaches the privacy threshold)",
            ha="center", va="center", transform=ax.transAxes, color="#777777")
    ax.set_axis_off()

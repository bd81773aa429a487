"""Charts as PNG bytes, drawn with matplotlib's Agg backend on private Figures (no pyplot state).

Every function here is synchronous and CPU-bound: callers in the event loop run them with
``loop.run_in_executor``. Charts carry no names, aliases or ids of members. matplotlib (about 40 MB) is
imported by the first chart drawn, not with this module, so the bot and ``classify`` start without it.

Made for a phone: a figure is ``PHONE_WIDTH_IN`` inches wide, about the width a phone shows an image at,
and every piece of text is at least ``MIN_FONT_PT`` points at that size (saved at ``DPI`` so it stays sharp
on dense screens). Sizes are fixed in pixels (``savefig`` without a tight bounding box). Colours come from
the Okabe–Ito palette; the score bands run from pale blue (calm) to orange (harder) and get darker at every
step, so they read in order with any colour vision and in greyscale. No red/green pairs.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PHONE_WIDTH_IN = 4.0  # about 384 CSS pixels: how wide a phone shows an image
DPI = 200
MIN_FONT_PT = 12
TITLE_PT = 13
TREND_WIDTH = CHART_WIDTH = round(PHONE_WIDTH_IN * DPI)  # 800 px
TREND_PANEL_HEIGHT = 1000  # px per questionnaire (a title, the plot, and the legend under it)
CHART_HEIGHT = 1000
CONNECTION_PANEL_IN = 4.0
WRAP = 30  # characters per line of a title at TITLE_PT on a phone-wide figure

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = ("#0072B2", "#E69F00", "#CC79A7", "#56B4E9", "#D55E00", "#009E73", "#F0E442", "#000000")
# Calm → harder: pale sky blue to orange tints, each darker than the one before (relative luminance
# 0.89, 0.85, 0.71, 0.55, 0.42).
BAND_COLOURS = ("#EAF4FB", "#FCEBD0", "#F9D6A8", "#F2B98A", "#E89A72")
LINE_COLOUR = OKABE_ITO[0]
CUTOFF_COLOUR = "#444444"
RELIABLE_EDGE = "#555555"


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
    reliable_change: float | None = None  # points a change must reach to be reliable; None: not computed


@dataclass(frozen=True)
class ChangePanel:
    """One questionnaire in the moderators' chart: mean change per group, on that questionnaire's own scale."""

    title: str
    direction: str
    bars: tuple[tuple[str, float], ...]
    reliable_change: float | None = None
    span: float | None = None  # highest minus lowest score: the axis runs from −span to +span


def change_limits(low: float, high: float) -> tuple[float, float]:
    """A questionnaire's range of change: a change can be at most its whole scale either way."""
    return low - high, high - low


NOT_COMPUTED = "reliable change: not computed (no verified SD)"


@dataclass(frozen=True)
class ScalePanel:
    """One questionnaire in a research-report chart, on an axis of its own (never two scales on one axis):
    bars on the questionnaire's score range (``kind="score"``) or on its range of change, ±(highest −
    lowest) (``kind="change"``). A bar whose value is None is hidden (its label says so)."""

    title: str
    direction: str
    low: float
    high: float
    bars: tuple[tuple[str, float | None], ...]
    kind: str = "score"  # "score" or "change"
    reliable_change: float | None = None
    around: float | None = None  # score panels: the reliable-change band is drawn around this score

    @property
    def limits(self) -> tuple[float, float]:
        return (self.low, self.high) if self.kind == "score" else change_limits(self.low, self.high)


@dataclass(frozen=True)
class ScatterPanel:
    """One questionnaire in the report's connection chart: each group's connection index (0 to 1) against
    its mean change, on the questionnaire's own range of change."""

    title: str
    direction: str
    low: float
    high: float
    points: tuple[tuple[float, float, str], ...]
    reliable_change: float | None = None

    @property
    def limits(self) -> tuple[float, float]:
        return change_limits(self.low, self.high)


def _figure(width_px: int, height_px: int) -> Figure:
    # Imported here so that only drawing a chart loads matplotlib; the Agg canvas is attached directly,
    # so no backend or pyplot state is involved.
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    figure = Figure(figsize=(width_px / DPI, height_px / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _wrap(text: str, width: int = WRAP) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _style(ax: Axes, title: str) -> None:
    ax.set_title(_wrap(title), fontsize=TITLE_PT, loc="left")
    ax.tick_params(labelsize=MIN_FONT_PT)
    ax.xaxis.label.set_fontsize(MIN_FONT_PT)
    ax.yaxis.label.set_fontsize(MIN_FONT_PT)


# -- her own trends (/mytrends) -----------------------------------------------------------------------


def trend_figure(panels: Sequence[TrendPanel]) -> Figure:
    """One panel per questionnaire: her scores over time on colour bands, the cut-off, and the band of
    usual ups and downs around her first score (a change beyond it is a reliable change)."""
    from matplotlib.dates import AutoDateLocator, DateFormatter  # noqa: PLC0415
    from matplotlib.lines import Line2D  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    figure = _figure(TREND_WIDTH, TREND_PANEL_HEIGHT * len(panels))
    axes = figure.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, panel in zip(axes, panels, strict=True):
        handles = []
        colours = _band_colours(len(panel.bands), panel.higher_is_better)
        for band, colour in zip(panel.bands, colours, strict=True):
            ax.axhspan(band.low, band.high, color=colour, zorder=0)
        # Listed from the top of the chart down, as they are drawn.
        for band, colour in reversed(list(zip(panel.bands, colours, strict=True))):
            handles.append(Patch(facecolor=colour, edgecolor="#999999", label=band.label))
        times = [moment for moment, _ in panel.points]
        values = [value for _, value in panel.points]
        if panel.reliable_change is not None and values:
            first = values[0]
            low, high = first - panel.reliable_change, first + panel.reliable_change
            ax.axhspan(max(low, panel.y_low), min(high, panel.y_high), facecolor="none", edgecolor=RELIABLE_EDGE,
                       hatch="///", linewidth=0, zorder=1)
            handles.append(Patch(facecolor="none", edgecolor=RELIABLE_EDGE, hatch="///",
                                 label=f"usual ups and downs (±{panel.reliable_change:g} from your first)"))
        for value, name in panel.cutoffs:
            ax.axhline(value, color=CUTOFF_COLOUR, linestyle="--", linewidth=1.5, zorder=2)
            handles.append(Line2D([], [], color=CUTOFF_COLOUR, linestyle="--", label=f"cut-off {name} ({value:g})"))
        ax.plot(times, values, marker="o", markersize=7, color=LINE_COLOUR, linewidth=2.5, zorder=3)
        ax.set_ylim(panel.y_low, panel.y_high)
        if times and max(times) - min(times) < timedelta(days=1):  # one day only: give the axis some width
            ax.set_xlim(min(times) - timedelta(days=3), max(times) + timedelta(days=3))
        ax.xaxis.set_major_locator(AutoDateLocator(minticks=2, maxticks=4))
        ax.xaxis.set_major_formatter(DateFormatter("%-d %b"))
        ax.grid(axis="y", alpha=0.3)
        _style(ax, f"{panel.title} ({panel.direction})")
        ax.legend(handles=[_wrapped(h) for h in handles], loc="upper left", bbox_to_anchor=(0, -0.12),
                  fontsize=MIN_FONT_PT, frameon=False, borderaxespad=0)
    return figure


def _wrapped(handle: object) -> object:
    handle.set_label(_wrap(handle.get_label(), 34))  # type: ignore[attr-defined]
    return handle


def trend_chart(panels: Sequence[TrendPanel]) -> bytes:
    return _png(trend_figure(panels))


def _band_colours(count: int, higher_is_better: bool) -> list[str]:
    """Colours from calm (better) to warm (harder), spread over the palette."""
    last = len(BAND_COLOURS) - 1
    colours = [BAND_COLOURS[round(i * last / max(count - 1, 1))] for i in range(count)]
    return colours[::-1] if higher_is_better else colours


# -- the moderators' group chart (/outcomes) -----------------------------------------------------------


def _change_panel_in(panel: ChangePanel) -> float:
    return 2.2 + 0.45 * max(len(panel.bars), 1)


def outcomes_size(panels: Sequence[ChangePanel], connection: dict[str, list[tuple[str, float]]]) -> tuple[int, int]:
    """Width and height in pixels of the moderators' chart."""
    inches = sum(_change_panel_in(panel) for panel in panels)
    if connection:
        inches += CONNECTION_PANEL_IN + 0.3 * len(connection)
    return CHART_WIDTH, round(max(inches, 2.0) * DPI)


def outcomes_figure(panels: Sequence[ChangePanel], connection: dict[str, list[tuple[str, float]]]) -> Figure:
    """Moderators' view: one panel per questionnaire (never two scales on one axis), each showing the mean
    change per group against the questionnaire's reliable change; then the connection index by week."""
    width, height = outcomes_size(panels, connection)
    figure = _figure(width, height)
    ratios = [_change_panel_in(panel) for panel in panels]
    if connection:
        ratios.append(CONNECTION_PANEL_IN + 0.3 * len(connection))
    if not ratios:
        _empty(figure.subplots(), "Group outcomes")
        return figure
    axes = figure.subplots(len(ratios), 1, squeeze=False, gridspec_kw={"height_ratios": ratios})[:, 0]
    for ax, panel in zip(axes, panels, strict=False):
        _change_bars(ax, panel)
    if connection:
        _connection_lines(axes[-1], connection)
    return figure


def outcomes_chart(panels: Sequence[ChangePanel], connection: dict[str, list[tuple[str, float]]]) -> bytes:
    return _png(outcomes_figure(panels, connection))


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"


def _change_bars(ax: Axes, panel: ChangePanel) -> None:
    values = [value for _, value in panel.bars]
    ax.barh(range(len(values)), values, color=LINE_COLOUR, height=0.45, zorder=2)
    # Each group's name sits above its bar, so the bars get the whole width of a phone.
    for index, (label, value) in enumerate(panel.bars):
        ax.text(0.01, index - 0.3, f"{_short(label)}: {value:+.1f}".replace("-", "−"), fontsize=MIN_FONT_PT,
                va="bottom", ha="left", transform=ax.get_yaxis_transform())
    ax.set_yticks([])
    ax.set_ylim(len(values) - 0.5, -1.0)  # top to bottom, with room for the first name
    ax.axvline(0, color="#333333", linewidth=1)
    if panel.span is not None:  # the questionnaire's whole range of change, so no small change looks big
        ax.set_xlim(-panel.span, panel.span)
    else:
        reach = max([abs(v) for v in values] + [panel.reliable_change or 0.0, 1.0]) * 1.15
        ax.set_xlim(-reach, reach)
    _legend_below(ax, _change_marks(ax, panel.reliable_change, vertical=True))
    ax.set_xlabel("mean change in points")
    ax.grid(axis="x", alpha=0.3)
    _style(ax, f"{panel.title}: mean change ({panel.direction})")


def _connection_lines(ax: Axes, series: dict[str, list[tuple[str, float]]]) -> None:
    weeks = sorted({week for points in series.values() for week, _ in points})
    position = {week: index for index, week in enumerate(weeks)}
    for index, (name, points) in enumerate(series.items()):
        ax.plot([position[week] for week, _ in points], [value for _, value in points], marker="o",
                color=OKABE_ITO[index % len(OKABE_ITO)], linewidth=2, label=_wrap(name, 28))
    step = max(1, math.ceil(len(weeks) / 4))
    shown = list(range(0, len(weeks), step))
    ax.set_xticks(shown, [weeks[i].split("-")[-1] for i in shown])
    if len(weeks) == 1:
        ax.set_xlim(-1, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("week of the year")
    ax.set_ylabel("common-humanity share")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.3), fontsize=MIN_FONT_PT, frameon=False, borderaxespad=0)
    ax.grid(alpha=0.3)
    _style(ax, "Connection index by week (0 to 1)")


# -- research report charts (files on disk) ------------------------------------------------------------


def _change_marks(ax: Axes, reliable_change: float | None, *, vertical: bool) -> list[object]:
    """Dashed lines at ± the reliable change; returns the legend handle (when the questionnaire has no
    verified reliable change, a handle that only says so)."""
    from matplotlib.lines import Line2D  # noqa: PLC0415

    if reliable_change is None:
        return [Line2D([], [], linestyle="none", label=_wrap(NOT_COMPUTED, 34))]
    draw = ax.axvline if vertical else ax.axhline
    lines = [draw(sign * reliable_change, color=CUTOFF_COLOUR, linestyle="--", linewidth=1.5) for sign in (-1, 1)]
    lines[1].set_label(f"reliable change (±{reliable_change:g})")
    return [lines[1]]


LEGEND_DROP_IN = 0.62  # the legend's top sits this far under the plot: below the tick labels and the axis label


def _legend_below(ax: Axes, handles: Sequence[object]) -> None:
    """The legend under the plot, at the figure's left edge (so a long line keeps the phone's whole width),
    a fixed distance below the axis label whatever the panel's height."""
    from matplotlib.transforms import blended_transform_factory, offset_copy  # noqa: PLC0415

    below = offset_copy(ax.transAxes, fig=ax.figure, y=-LEGEND_DROP_IN, units="inches")
    anchor = blended_transform_factory(ax.figure.transFigure, below)  # type: ignore[union-attr]
    ax.legend(handles=list(handles), loc="upper left", bbox_to_anchor=(0.02, 0), bbox_transform=anchor,
              fontsize=MIN_FONT_PT, frameon=False, borderaxespad=0)


def _scale_panel_in(panel: ScalePanel) -> float:
    return 2.4 + 0.5 * max(len(panel.bars), 1)


def _number(value: float) -> str:
    return f"{value:.2f}".replace("-", "−")


def scale_figure(panels: Sequence[ScalePanel], what: str) -> Figure:
    """One panel per questionnaire, each on its own range: ``what`` names the bars ("mean first and latest
    score", "mean change by engagement tertile") and titles the empty chart."""
    inches = sum(_scale_panel_in(panel) for panel in panels)
    figure = _figure(CHART_WIDTH, round(max(inches, 2.0) * DPI) if panels else CHART_HEIGHT)
    if not panels:
        _empty(figure.subplots(), what[0].upper() + what[1:])
        return figure
    ratios = [_scale_panel_in(panel) for panel in panels]
    axes = figure.subplots(len(panels), 1, squeeze=False, gridspec_kw={"height_ratios": ratios})[:, 0]
    for ax, panel in zip(axes, panels, strict=True):
        _scale_bars(ax, panel, what)
    return figure


def scale_chart(panels: Sequence[ScalePanel], what: str) -> bytes:
    return _png(scale_figure(panels, what))


def _scale_bars(ax: Axes, panel: ScalePanel, what: str) -> None:
    low, high = panel.limits
    base = low if panel.kind == "score" else 0.0  # score bars grow from the scale's lowest score
    for index, (label, value) in enumerate(panel.bars):
        if value is not None:
            ax.barh(index, value - base, left=base, color=OKABE_ITO[index % len(OKABE_ITO)], height=0.45, zorder=2)
        shown = "hidden (too few people)" if value is None else _number(value)
        # Each bar's name sits above it, so the bars get the whole width of a phone.
        ax.text(0.01, index - 0.3, f"{_short(label, 26)}: {shown}", fontsize=MIN_FONT_PT, va="bottom", ha="left",
                transform=ax.get_yaxis_transform(), zorder=4,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1})
    ax.set_yticks([])
    ax.set_ylim(len(panel.bars) - 0.5, -1.0)  # top to bottom, with room for the first name
    ax.set_xlim(low, high)
    if panel.kind == "change":
        ax.axvline(0, color="#333333", linewidth=1)
        handles = _change_marks(ax, panel.reliable_change, vertical=True)
        ax.set_xlabel(f"change in points (the scale runs {panel.low:g} to {panel.high:g})")
    elif panel.reliable_change is None or panel.around is None:
        handles = _change_marks(ax, None, vertical=True)
        ax.set_xlabel(f"score ({panel.low:g} to {panel.high:g})")
    else:
        band = ax.axvspan(max(panel.around - panel.reliable_change, low),
                          min(panel.around + panel.reliable_change, high), facecolor="none",
                          edgecolor=RELIABLE_EDGE, hatch="///", linewidth=0, zorder=1)
        band.set_label(_wrap(f"reliable change: ±{panel.reliable_change:g} around the mean first score", 34))
        handles = [band]
        ax.set_xlabel(f"score ({panel.low:g} to {panel.high:g})")
    _legend_below(ax, handles)
    ax.grid(axis="x", alpha=0.3)
    _style(ax, f"{panel.title}: {what} ({panel.direction})")


def connection_figure(panels: Sequence[ScatterPanel]) -> Figure:
    """One panel per questionnaire: each group's connection index against its mean change, on the
    questionnaire's own range of change, with the reliable change marked."""
    title = "Connection index against mean change"
    figure = _figure(CHART_WIDTH, round(CONNECTION_PANEL_IN * DPI * len(panels)) if panels else CHART_HEIGHT)
    if not panels:
        _empty(figure.subplots(), title)
        return figure
    axes = figure.subplots(len(panels), 1, squeeze=False)[:, 0]
    for ax, panel in zip(axes, panels, strict=True):
        xs = [x for x, _, _ in panel.points]
        ys = [y for _, y, _ in panel.points]
        ax.scatter(xs, ys, color=LINE_COLOUR, s=40, zorder=3)
        for x, y, label in panel.points:  # names point inwards, so they stay in the picture
            ax.annotate(label, (x, y), fontsize=MIN_FONT_PT, xytext=(-6 if x > 0.5 else 6, 6),
                        textcoords="offset points", ha="right" if x > 0.5 else "left", annotation_clip=True)
        ax.set_xlim(0, 1)
        ax.set_ylim(*panel.limits)
        ax.axhline(0, color="#333333", linewidth=1)
        _legend_below(ax, _change_marks(ax, panel.reliable_change, vertical=False))
        ax.set_xlabel("connection index (0 to 1)")
        ax.set_ylabel("mean change")
        ax.grid(alpha=0.3)
        _style(ax, f"{panel.title}: {title.lower()} ({panel.direction})")
    return figure


def connection_chart(panels: Sequence[ScatterPanel]) -> bytes:
    return _png(connection_figure(panels))


def share_chart(title: str, categories: Sequence[str], series: dict[str, Sequence[float]]) -> bytes:
    return _png(share_figure(title, categories, series))


def share_figure(title: str, categories: Sequence[str], series: dict[str, Sequence[float]]) -> Figure:
    """Shares of participants (0 to 1, the same scale for every questionnaire): horizontal bars for each
    category, one Okabe–Ito colour per series (e.g. improved, unchanged, deteriorated)."""
    figure = _figure(CHART_WIDTH, CHART_HEIGHT)
    ax = figure.subplots()
    if not categories or not series:
        _empty(ax, title)
        return figure
    height = 0.8 / len(series)
    for offset, (name, values) in enumerate(series.items()):
        positions = [index + offset * height - 0.4 + height / 2 for index in range(len(categories))]
        ax.barh(positions, values, height=height, label=name, color=OKABE_ITO[offset % len(OKABE_ITO)])
    ax.set_yticks(range(len(categories)), [_wrap(c, 16) for c in categories])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1], ["0%", "25%", "50%", "75%", "100%"])
    ax.set_xlabel("share of participants")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.15), fontsize=MIN_FONT_PT, frameon=False, borderaxespad=0)
    ax.grid(axis="x", alpha=0.3)
    _style(ax, title)
    return figure


def _empty(ax: Axes, title: str) -> None:
    _style(ax, title)
    ax.text(0.5, 0.5, _wrap("nothing to show (no cell reaches the privacy threshold)", 26),
            ha="center", va="center", transform=ax.transAxes, color="#555555", fontsize=MIN_FONT_PT)
    ax.set_axis_off()

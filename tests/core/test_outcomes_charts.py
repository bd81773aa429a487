"""Charts read on a phone: text ≥ 12 pt at phone width and inside the picture, reliable change drawn,
colour-blind-safe bands, one scale per axis on the group chart, and not a single matplotlib warning."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text

from bot.core.instruments import load_instruments
from bot.core.outcomes import charts
from bot.core.outcomes.charts import BAND_COLOURS, MIN_FONT_PT, PHONE_WIDTH_IN, ChangePanel, ScalePanel, ScatterPanel
from bot.core.outcomes.reliable_change import rule_for
from bot.core.outcomes.trends import build_trends, scale_range
from bot.store.outcomes_repo import ScoreRow
from tests.outcomes_data import T0

INSTRUMENTS = load_instruments(Path(__file__).resolve().parents[2] / "config" / "questionnaires")
CONNECTION = {"Night feeds and early mornings": [("2026-W10", 0.5), ("2026-W11", 0.75), ("2026-W12", 0.6),
                                                 ("2026-W13", 0.7), ("2026-W14", 0.8), ("2026-W15", 0.9)],
              "Evenings": [("2026-W11", 0.4), ("2026-W12", 0.55)]}


def scores(*rows: tuple[str, float, int]) -> list[ScoreRow]:
    return [ScoreRow(index, 1, "p" * 64, None, instrument, T0 + timedelta(days=days), total, "")
            for index, (instrument, total, days) in enumerate(rows)]


def her_panels(*rows: tuple[str, float, int]) -> list[charts.TrendPanel]:
    return build_trends(INSTRUMENTS, scores(*rows))[1]


EPDS_PANELS = her_panels(("epds", 16, 0), ("epds", 13, 14), ("epds", 9, 28), ("epds", 8, 42))
EVERY_PANEL = her_panels(("epds", 16, 0), ("epds", 9, 28), ("phq9", 14, 0), ("phq9", 8, 21),
                         ("connection", 12, 0), ("connection", 18, 35), ("gad7", 9, 3))  # GAD-7: one score
GROUP_PANELS = [
    ChangePanel("EPDS", "lower is better", (("Night feeds and early mornings", -5.2), ("Evenings", -1.0)), 4.0, 30.0),
    ChangePanel("Connection check-in", "higher is better", (("Evenings", 3.5),), None, 4.0),
]


def scale_panel(instrument: str, bars, kind: str = "score", around: float | None = None) -> ScalePanel:
    """A report panel for a real questionnaire: its own range and its file's reliable change."""
    chosen = INSTRUMENTS[instrument]
    rule = rule_for(chosen)
    return ScalePanel(chosen.short_name, "higher is better" if chosen.higher_is_better else "lower is better",
                      *scale_range(chosen), tuple(bars), kind, rule.threshold_points if rule.computable else None,
                      around)


PRE_POST = [scale_panel("epds", (("mean first", 15.0), ("mean latest", 13.67)), around=15.0),
            scale_panel("gad7", (("mean first", 12.0), ("mean latest", 8.0)), around=12.0),
            scale_panel("connection", (("mean first", 1.5), ("mean latest", 2.75)), around=1.5)]
DOSE = [scale_panel("epds", (("low engagement", 4.0), ("middle engagement", -2.0), ("high engagement", None)),
                    "change"),
        scale_panel("scs_sf", (("low engagement", 0.2), ("middle engagement", 0.5), ("high engagement", 0.9)),
                    "change")]
SCATTER = [ScatterPanel("EPDS", "lower is better", 0.0, 30.0, ((0.75, -1.33, "G1a2b3c4d5e"), (0.2, 3.0, "G0f9e8d7c6b")),
                        4.0),
           ScatterPanel("GAD-7", "lower is better", 0.0, 21.0, ((0.9, -4.0, "G1a2b3c4d5e"),), None)]

FIGURES: dict[str, Callable[[], Figure]] = {
    "her trends, one questionnaire": lambda: charts.trend_figure(EPDS_PANELS),
    "her trends, four questionnaires, one with a single score": lambda: charts.trend_figure(EVERY_PANEL),
    "group chart": lambda: charts.outcomes_figure(GROUP_PANELS, CONNECTION),
    "group chart, connection for one week only": lambda: charts.outcomes_figure([], {"Evenings": [("2026-W11", .4)]}),
    "group chart, nothing shown": lambda: charts.outcomes_figure([], {}),
    "report pre/post": lambda: charts.scale_figure(PRE_POST, "mean first and latest score"),
    "report dose-response, one tertile hidden": lambda: charts.scale_figure(DOSE, "mean change by engagement tertile"),
    "report pre/post, empty": lambda: charts.scale_figure([], "mean change by engagement tertile"),
    "report connection against change": lambda: charts.connection_figure(SCATTER),
    "report connection against change, empty": lambda: charts.connection_figure([]),
    "report shares": lambda: charts.share_figure("Share of participants by reliable-change category", ["EPDS"],
                                                 {"improved": [0.4], "unchanged": [0.4], "deteriorated": [0.2]}),
}


def drawn(build: Callable[[], Figure]) -> Figure:
    """Build, draw and save the figure with every warning turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = build()
        charts._png(figure)
    return figure


def visible_texts(figure: Figure) -> list[Text]:
    """Every piece of text that ends up in the picture (tick labels outside an axis's range are not drawn)."""
    drawn_ticks: set[int] = set()
    all_ticks: set[int] = set()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                all_ticks |= {id(tick.label1), id(tick.label2)}
            if ax.axison:  # an axis switched off draws no tick labels
                for tick in axis._update_ticks():
                    drawn_ticks |= {id(tick.label1), id(tick.label2)}
    found = []
    for text in figure.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        if id(text) in all_ticks and id(text) not in drawn_ticks:
            continue
        found.append(text)
    return found


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_text_is_at_least_12_pt_at_phone_width_and_inside_the_picture(name: str) -> None:
    figure = drawn(FIGURES[name])
    assert figure.get_figwidth() == PHONE_WIDTH_IN
    renderer = figure.canvas.get_renderer()
    box = figure.bbox
    texts = list(visible_texts(figure))
    assert texts
    for text in texts:
        assert text.get_fontsize() >= MIN_FONT_PT, f"{text.get_text()!r} is {text.get_fontsize()} pt"
        extent = text.get_window_extent(renderer)
        assert extent.x0 >= box.x0 - 1 and extent.x1 <= box.x1 + 1, f"{text.get_text()!r} runs off the side"
        assert extent.y0 >= box.y0 - 1 and extent.y1 <= box.y1 + 1, f"{text.get_text()!r} runs off the end"


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_tick_labels_do_not_overlap(name: str) -> None:
    figure = drawn(FIGURES[name])
    renderer = figure.canvas.get_renderer()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            labels = [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
            extents = [t.get_window_extent(renderer) for t in labels]
            for i, a in enumerate(extents):
                for b in extents[i + 1:]:
                    assert not a.overlaps(b), f"{name}: tick labels overlap"


def relative_luminance(colour: str) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def test_bands_get_darker_from_calm_to_harder_so_they_read_with_any_colour_vision() -> None:
    # Lightness survives every colour-vision deficiency (and greyscale); hue differences may not.
    luminance = [relative_luminance(colour) for colour in BAND_COLOURS]
    assert all(a - b >= 0.04 for a, b in itertools.pairwise(luminance)), luminance
    for colour in BAND_COLOURS:  # no greenish band to be confused with the reds: blue to orange only
        r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
        assert not (g > r and g > b), colour


def test_her_bands_use_the_palette_with_calm_first() -> None:
    figure = drawn(FIGURES["her trends, one questionnaire"])
    ax = figure.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:3] == ["probable depression", "possible depression", "below cut-off"]  # as drawn, top down
    fills = {to_hex(p.get_facecolor()).upper() for p in ax.patches if p.get_fill() and not p.get_hatch()}
    assert fills <= {c.upper() for c in BAND_COLOURS}


def test_reliable_change_is_drawn_around_her_first_score() -> None:
    # EPDS: a change of 4 points is reliable (Matthey 2004). Her first score is 16: the band is 12 to 20.
    figure = drawn(FIGURES["her trends, one questionnaire"])
    ax = figure.axes[0]
    hatched = [p for p in ax.patches if isinstance(p, Patch) and p.get_hatch() == "///"]
    assert len(hatched) == 1
    bounds = hatched[0].get_extents().transformed(ax.transData.inverted())
    assert (round(bounds.y0), round(bounds.y1)) == (12, 20)
    legend = [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]
    assert "usual ups and downs (±4 from your first)" in legend


def test_without_verified_reliable_change_nothing_is_drawn_for_it() -> None:
    panels = her_panels(("phq9", 14, 0), ("phq9", 8, 21))  # PHQ-9's SD is not verified in its file
    figure = drawn(lambda: charts.trend_figure(panels))
    assert not [p for p in figure.axes[0].patches if p.get_hatch()]


def test_the_group_chart_gives_each_questionnaire_its_own_axis() -> None:
    figure = drawn(FIGURES["group chart"])
    titles = [ax.get_title(loc="left").replace("\n", " ") for ax in figure.axes]
    assert titles == ["EPDS: mean change (lower is better)", "Connection check-in: mean change (higher is better)",
                      "Connection index by week (0 to 1)"]
    epds = figure.axes[0]
    assert [t.get_text().replace("\n", " ") for t in epds.get_legend().get_texts()] == ["reliable change (±4)"]
    dashed = sorted(line.get_xdata()[0] for line in epds.get_lines() if line.get_linestyle() == "--")
    assert dashed == [-4.0, 4.0]

    assert epds.get_xlim() == (-30.0, 30.0)  # the EPDS's whole range of change, not the bars' reach
    assert figure.axes[1].get_xlim() == (-4.0, 4.0)  # the connection check-in: 0 to 4


# -- the research report: never two questionnaires' scales on one axis ----------------------------------


def titles(figure: Figure) -> list[str]:
    return [ax.get_title(loc="left").replace("\n", " ") for ax in figure.axes]


def legend(ax) -> list[str]:
    return [t.get_text().replace("\n", " ") for t in ax.get_legend().get_texts()]


def dashed(ax, vertical: bool = True) -> list[float]:
    data = (lambda line: line.get_xdata()[0]) if vertical else (lambda line: line.get_ydata()[0])
    return sorted(data(line) for line in ax.get_lines() if line.get_linestyle() == "--")


def test_pre_post_gives_each_questionnaire_its_own_axis_over_its_own_range() -> None:
    figure = drawn(FIGURES["report pre/post"])
    assert titles(figure) == ["EPDS: mean first and latest score (lower is better)",
                              "GAD-7: mean first and latest score (lower is better)",
                              "Connection check-in: mean first and latest score (higher is better)"]
    assert [ax.get_xlim() for ax in figure.axes] == [(0.0, 30.0), (0.0, 21.0), (0.0, 4.0)]
    epds, gad7, connection = figure.axes
    # EPDS: a change of 4 points is reliable (Matthey 2004): hatched from 11 to 19 around the mean first score 15.
    [band] = [p for p in epds.patches if p.get_hatch() == "///"]
    bounds = band.get_extents().transformed(epds.transData.inverted())
    assert (round(bounds.x0), round(bounds.x1)) == (11, 19)
    assert legend(epds) == ["reliable change: ±4 around the mean first score"]
    for ax in (gad7, connection):  # no verified SD in their files: said, not drawn
        assert not [p for p in ax.patches if p.get_hatch()]
        assert legend(ax) == ["reliable change: not computed (no verified SD)"]
    bars = [p for p in gad7.patches if p.get_hatch() is None and p.get_width() > 0]
    assert sorted(round(bar.get_x() + bar.get_width(), 2) for bar in bars) == [8.0, 12.0]
    assert len({to_hex(bar.get_facecolor()) for bar in bars}) == 2  # first and latest in two Okabe–Ito colours
    assert {to_hex(bar.get_facecolor()).upper() for bar in bars} <= set(charts.OKABE_ITO)


def test_dose_response_gives_each_questionnaire_its_own_range_of_change() -> None:
    figure = drawn(FIGURES["report dose-response, one tertile hidden"])
    assert titles(figure) == ["EPDS: mean change by engagement tertile (lower is better)",
                              "SCS-SF: mean change by engagement tertile (higher is better)"]
    epds, scs = figure.axes
    assert epds.get_xlim() == (-30.0, 30.0) and scs.get_xlim() == (-4.0, 4.0)  # SCS-SF runs 1 to 5
    assert dashed(epds) == [-4.0, 4.0] and legend(epds) == ["reliable change (±4)"]
    assert dashed(scs) == [] and legend(scs) == ["reliable change: not computed (no verified SD)"]
    words = [t.get_text() for t in epds.texts]
    assert "high engagement: hidden (too few people)" in words and "low engagement: 4.00" in words


def test_connection_against_change_gives_each_questionnaire_its_own_panel() -> None:
    figure = drawn(FIGURES["report connection against change"])
    assert titles(figure) == ["EPDS: connection index against mean change (lower is better)",
                              "GAD-7: connection index against mean change (lower is better)"]
    epds, gad7 = figure.axes
    assert (epds.get_xlim(), epds.get_ylim()) == ((0.0, 1.0), (-30.0, 30.0))
    assert (gad7.get_xlim(), gad7.get_ylim()) == ((0.0, 1.0), (-21.0, 21.0))
    assert dashed(epds, vertical=False) == [-4.0, 4.0]
    assert legend(gad7) == ["reliable change: not computed (no verified SD)"]
    [points] = gad7.collections
    assert points.get_offsets().tolist() == [[0.9, -4.0]]


def test_report_charts_grow_a_panel_per_questionnaire_and_stay_phone_wide() -> None:
    one = drawn(lambda: charts.scale_figure(PRE_POST[:1], "mean first and latest score"))
    three = drawn(FIGURES["report pre/post"])
    assert len(one.axes) == 1 and len(three.axes) == 3
    assert one.get_figwidth() == three.get_figwidth() == PHONE_WIDTH_IN
    assert three.get_figheight() == pytest.approx(3 * one.get_figheight(), rel=0.01)

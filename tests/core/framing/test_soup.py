"""The weight soup: its merged update is the mean of its parts', and its thresholds keep the anchor's
operating point on the development files."""

import subprocess
import sys

import numpy as np
import pytest

from bot.core.framing.adapter import Adapter
from bot.core.framing.examples import load_dev
from bot.core.framing.head import LinearHead
from bot.core.framing.labels import LABELS
from bot.core.framing.soup import average, matched_threshold, soup_hash, soup_thresholds

NAMES = ("encoder.layer.0.attention.self.query", "encoder.layer.0.output.dense")


def part(seed: int, rank: int = 4, alpha: float = 8.0) -> tuple[Adapter, LinearHead]:
    rng = np.random.default_rng(seed)
    updates = {name: (rng.normal(size=(12, rank)).astype(np.float32), rng.normal(size=(rank, 10)).astype(np.float32))
               for name in NAMES}
    head = LinearHead(LABELS, rng.normal(size=(20, len(LABELS))), rng.normal(size=len(LABELS)), f"data{seed}",
                      temperature=1.5 + seed / 10, crisis_threshold=0.2, urgent_threshold=0.5)
    return Adapter(rank, alpha, updates, f"data{seed}"), head


def delta(adapter: Adapter, name: str) -> np.ndarray:
    a, b = adapter.updates[name]
    return (a.astype(np.float64) @ b.astype(np.float64)).T * adapter.scale


def test_the_merged_update_and_the_head_are_the_means_of_the_parts() -> None:
    parts = [part(1), part(2, rank=8, alpha=32.0), part(3)]
    adapter, head = average(parts)
    assert adapter.rank == 16
    for name in NAMES:
        expected = np.mean([delta(p, name) for p, _ in parts], axis=0)
        assert np.allclose(delta(adapter, name), expected, atol=1e-5)
    assert np.allclose(head.weights, np.mean([h.weights for _, h in parts], axis=0))
    assert np.allclose(head.bias, np.mean([h.bias for _, h in parts], axis=0))
    assert head.data_hash == adapter.data_hash == soup_hash(["data1", "data2", "data3"]) != soup_hash(["data1"])
    assert head.crisis_threshold is None and head.urgent_threshold is None  # set later, on the dev files


def test_a_soup_of_one_part_is_that_part() -> None:
    (adapter, head), = [part(4)]
    soup_adapter, soup_head = average([(adapter, head)])
    for name in NAMES:
        assert np.allclose(delta(soup_adapter, name), delta(adapter, name), atol=1e-5)
    assert np.array_equal(soup_head.weights, head.weights) and np.array_equal(soup_head.bias, head.bias)


def test_parts_that_adapt_different_weights_do_not_mix() -> None:
    adapter, head = part(5)
    other = Adapter(adapter.rank, adapter.alpha, {NAMES[0]: adapter.updates[NAMES[0]]}, "x")
    with pytest.raises(ValueError, match="same weights"):
        average([(adapter, head), (other, head)])
    with pytest.raises(ValueError, match="at least one"):
        average([])


def test_a_head_fitted_on_the_development_posts_is_no_part_of_a_soup() -> None:
    from dataclasses import replace

    adapter, head = part(6)
    with pytest.raises(ValueError, match="development posts"):
        average([part(7), (adapter, replace(head, dev_hash="d"))])


def test_the_threshold_keeps_as_many_crises_as_the_anchor_finds() -> None:
    anchor = np.array([0.9, 0.8, 0.3, 0.24, 0.1])  # finds 4 at 0.225
    soup = np.array([0.95, 0.9, 0.5, 0.33, 0.05])
    grid = (0.1, 0.2, 0.3, 0.325, 0.35, 0.4)
    assert matched_threshold(anchor, 0.225, soup, grid) == 0.325  # 4 at 0.325, only 3 at 0.35
    assert matched_threshold(anchor, 0.225, soup * 0.1, grid) == 0.1  # none reaches: the lowest allowed
    assert matched_threshold(anchor, 0.225, soup, grid, floor=0.35) == 0.35


def test_soup_thresholds_keep_the_urgent_tier_at_or_above_the_crisis_threshold() -> None:
    _, anchor_head = part(6)  # 0.2 / 0.5
    anchor = np.array([0.9, 0.6, 0.55, 0.3, 0.25])
    soup = np.array([0.7, 0.45, 0.45, 0.4, 0.35])
    found = soup_thresholds(anchor, soup, anchor_head)
    assert found.crisis == 0.35 and found.found == 5 == found.anchor_found
    assert found.urgent >= found.crisis and found.urgent_found >= found.anchor_urgent == 3
    with pytest.raises(ValueError, match="records no thresholds"):
        soup_thresholds(anchor, soup, LinearHead(LABELS, anchor_head.weights, anchor_head.bias, "h"))


def test_the_development_files_hold_crises_and_safe_posts() -> None:
    posts = load_dev()
    crises = sum(is_crisis for _, is_crisis in posts)
    assert crises >= 1000 and len(posts) - crises >= 2000


def test_the_command_says_kindly_what_is_missing(tmp_path) -> None:
    # In its own process, as the other command tests: the command sets up logging for the process.
    done = subprocess.run([sys.executable, "-m", "bot", "soup-classifier", str(tmp_path / "nowhere"),
                           "--out", str(tmp_path / "out")], check=False, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    assert "train-classifier" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()

"""Adapting the shipped model to the development posts: which rows it trains on, and that it continues
from the shipped weights, deterministically (the real MiniLM, a tiny set of lines)."""

from pathlib import Path

import numpy as np
import pytest

from bot.core.framing.adapt import THRESHOLD_FOLD, adapt, adaptation_rows, held_back
from bot.core.framing.adapter import ADAPTER_FILE, Adapter
from bot.core.framing.head import HEAD_FILE, LinearHead
from bot.core.framing.labels import LABELS
from bot.core.framing.refit import DevFeatures
from tests.core.framing.test_head import TINY

# sorted file names are dealt round five folds: "a" and "f" are fold 0, the one never trained on
FILES = ("a", "b", "c", "d", "e", "f")


def _dev() -> tuple[list[list[str]], DevFeatures, LinearHead]:
    rng = np.random.default_rng(5)
    windows, owner, labels, files = [], [], [], []
    for post, name in enumerate(FILES * 2):
        label = "crisis" if post % 2 == 0 else "safe"
        count = 1 + post % 3
        windows.append([f"{name} post {post} window {w}" for w in range(count)])
        owner += [post] * count
        labels.append(label)
        files.append(name)
    features = rng.normal(size=(len(owner), 8))
    guide = LinearHead(LABELS, rng.normal(size=(8, len(LABELS))), np.zeros(len(LABELS)), "h")
    return windows, DevFeatures(features, np.array(owner), tuple(labels), tuple(files)), guide


def test_the_rows_leave_out_the_threshold_fold_and_take_one_window_of_a_crisis() -> None:
    windows, dev, guide = _dev()
    rows = adaptation_rows(windows, dev, guide)
    back = held_back(dev.files)
    assert THRESHOLD_FOLD == 0 and [f for f, b in zip(dev.files, back, strict=True) if b] == ["a", "f", "a", "f"]
    texts = {row.text for row in rows}
    assert not any(text.startswith(("a ", "f ")) for text in texts)
    for post, post_windows in enumerate(windows):
        if back[post]:
            continue
        inside = [w for w in post_windows if w in texts]
        assert len(inside) == (1 if dev.labels[post] == "crisis" else len(post_windows))
    assert {row.label for row in rows if row.text.split()[2] in {"0", "2", "4"}} <= {"crisis"}
    assert "crisis" not in {row.label for row in rows if int(row.text.split()[2]) % 2}


def test_windows_that_do_not_match_the_features_are_refused() -> None:
    windows, dev, guide = _dev()
    with pytest.raises(ValueError, match="one list of windows"):
        adaptation_rows(windows[:-1], dev, guide)


def _saved(adapter: Adapter, head: LinearHead, folder: Path) -> tuple[bytes, bytes]:
    folder.mkdir()
    adapter.save(folder / "adapter.safetensors")
    head.save(folder / "head.safetensors")
    return (folder / "adapter.safetensors").read_bytes(), (folder / "head.safetensors").read_bytes()


def test_adapting_continues_from_the_shipped_model_and_gives_the_same_bytes_twice(tmp_path) -> None:
    start = (Adapter.load(ADAPTER_FILE), LinearHead.load(HEAD_FILE))
    rows, train = TINY[:6], TINY[6:]
    first = adapt(train, rows, start, epochs=1)
    second = adapt(train, rows, start, epochs=1)
    assert _saved(*first[:2], tmp_path / "one") == _saved(*second[:2], tmp_path / "two")
    head = first[1]
    assert head.temperature == start[1].temperature and head.dev_hash is not None
    assert head.crisis_threshold is None and head.urgent_threshold is None
    # a step too small to move anything leaves the shipped weights: it starts from them, not from scratch
    still, _, _ = adapt(train, rows, start, epochs=1, rate=1e-12)
    for name, (a, b) in start[0].updates.items():
        assert np.allclose(still.updates[name][0], a, atol=1e-6) and np.allclose(still.updates[name][1], b, atol=1e-6)
    moved = first[0].updates
    assert any(not np.allclose(moved[name][1], b, atol=1e-6) for name, (_, b) in start[0].updates.items())


def test_nothing_to_adapt_to_is_refused() -> None:
    with pytest.raises(ValueError, match="no development rows"):
        adapt(TINY, [], (Adapter.load(ADAPTER_FILE), LinearHead.load(HEAD_FILE)), epochs=1)

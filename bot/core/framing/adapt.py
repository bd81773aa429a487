"""Continue the shipped model's fine-tune towards the development posts' hands (session 19, candidates H-H3).

Why: every retrain from the plain MiniLM (sessions 12-16) was a new draw of a noisy fine-tune, and every
head refitted on the development posts (sessions 17-18) had only the old features to work with. This
starts from the shipped adapter and head and trains on for a short while on the training lines (replayed,
so the model does not forget their hands) and the development posts of every fold but THRESHOLD_FOLD
(refit.dev_folds: whole files, one hand each). That fold is never trained on: the thresholds are set there
(refit.deployed_thresholds), and it says what the adaptation bought on hands it never read. Each
development post gives the rows refit.dev_rows gives it, with the shipped head as guide (a crisis post:
the window that head scores highest; a safe post: every window).

Deterministic like fine_tune.py: the same inputs give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.core.framing.adapter import Adapter
from bot.core.framing.encoder import MiniLMEncoder
from bot.core.framing.examples import Example, data_hash
from bot.core.framing.fine_tune import Progress, fine_tune
from bot.core.framing.head import LinearHead
from bot.core.framing.refit import DevFeatures, dev_folds, dev_rows

ADAPT_EPOCHS = 2  # session 19, candidate H: fixed before it was built, not tuned
ADAPT_RATE = 3e-4  # a third of fine_tune.LEARNING_RATE: a short step from the shipped model
THRESHOLD_FOLD = 0  # holds model_dev_s15a (hope, greetings) and net_dev_s19a (fresh screening answers)


def adaptation_rows(windows: Sequence[Sequence[str]], dev: DevFeatures, guide: LinearHead) -> list[Example]:
    """The development rows trained on: every fold but THRESHOLD_FOLD, as `guide` reads them.
    `windows[i]` are post i's windows (normalised text), in the order `dev` encoded them."""
    if len(windows) != len(dev.labels) or sum(len(w) for w in windows) != len(dev.features):
        raise ValueError("one list of windows per development post, as they were encoded")
    flat = [window for post in windows for window in post]
    rows, labels = dev_rows(guide, dev)
    trained = dev_folds(dev.files)[dev.owner[rows]] != THRESHOLD_FOLD
    return [Example(flat[row], label) for row, label, keep in zip(rows, labels, trained, strict=True) if keep]


def adapt(train: list[Example], rows: list[Example], start: tuple[Adapter, LinearHead],
          epochs: int = ADAPT_EPOCHS, rate: float = ADAPT_RATE,
          progress: Progress | None = None) -> tuple[Adapter, LinearHead, MiniLMEncoder]:
    """The shipped model trained on for `epochs` at `rate` on the training lines and the development rows;
    its head keeps the shipped head's temperature and records the development rows' hash."""
    if not rows:
        raise ValueError("no development rows to adapt to")
    adapter, head, encoder = fine_tune([*train, *rows], epochs=epochs, learning_rate=rate, start=start,
                                       progress=progress)
    calibrated = head.calibrated(start[1].temperature, None, None)
    return adapter, LinearHead(calibrated.labels, calibrated.weights, calibrated.bias, calibrated.data_hash,
                               calibrated.temperature, dev_hash=data_hash(rows)), encoder


def held_back(files: Sequence[str]) -> np.ndarray:
    """Which development posts were not trained on (the thresholds' fold)."""
    return dev_folds(files) == THRESHOLD_FOLD

"""The framing model as a weight average ("model soup") of models trained by the same recipe on
different data, and the thresholds of that average.

Why: each retrain on more data (sessions 12–14) ranked crises above safe posts better than the model
it would replace on text none of them was trained on (the development files), yet none could be
kept: each missed held-out crises the shipped model finds. Averaging the weights of models
fine-tuned from the same starting point ("model soups", Wortsman et al., ICML 2022) keeps one
encoder pass, so it costs nothing at run time, unlike an ensemble of outputs.

- Adapter: the parts' low-rank updates side by side (rank k·r), each B divided by k, so the merged
  update is exactly the mean of the parts' updates: ΔW = mean_i s·(A_i·B_i)ᵀ.
- Head: the mean of the parts' calibrated heads (weights and bias, temperature already divided in).
- Thresholds: a soup has no out-of-fold predictions (its parts were trained on different data with
  different folds), so its thresholds are set on the development files (config/framing/dev/), which
  no part was trained on and which are not evaluation sets, by keeping the anchor part's operating
  point: the crisis threshold is the largest grid value at which the soup, model alone, finds at
  least as many of the development crises as the anchor at its out-of-fold crisis threshold; the
  urgent threshold likewise (at least as many development crises at or above it as the anchor's at
  its out-of-fold urgent threshold), never below the crisis threshold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from bot.core.framing.adapter import Adapter
from bot.core.framing.head import LinearHead
from bot.core.framing.training import THRESHOLD_GRID, URGENT_GRID


def soup_hash(hashes: Sequence[str]) -> str:
    """The data fingerprint of a soup: its parts' data hashes, in order."""
    return hashlib.sha256("\n".join(["soup", *hashes]).encode()).hexdigest()


def average(parts: Sequence[tuple[Adapter, LinearHead]]) -> tuple[Adapter, LinearHead]:
    """The soup of the parts (see the module docstring); one part comes back unchanged in effect."""
    if not parts:
        raise ValueError("a soup needs at least one part")
    adapters = [adapter for adapter, _ in parts]
    heads = [head for _, head in parts]
    names = set(adapters[0].updates)
    if any(set(a.updates) != names for a in adapters) or any(h.labels != heads[0].labels for h in heads):
        raise ValueError("the parts of a soup must adapt the same weights and share the labels")
    if any(h.dev_hash is not None for h in heads):
        raise ValueError("a part's head was fitted on the development posts (refit-head), whose scores set a "
                         "soup's thresholds: make a soup only of models train-classifier made")
    k = len(parts)
    updates = {}
    for name in sorted(names):
        # Each part's scale goes into its own B, so parts of different rank or alpha mix correctly.
        a = np.concatenate([ad.updates[name][0].astype(np.float64) for ad in adapters], axis=1)
        b = np.concatenate([ad.updates[name][1].astype(np.float64) * ad.scale / k for ad in adapters], axis=0)
        updates[name] = (a.astype(np.float32), b.astype(np.float32))
    rank = sum(ad.rank for ad in adapters)
    fingerprint = soup_hash([h.data_hash for h in heads])
    adapter = Adapter(rank, float(rank), updates, fingerprint)  # alpha = rank: scale 1, already in B
    head = replace(heads[0], weights=np.mean([h.weights for h in heads], axis=0),
                   bias=np.mean([h.bias for h in heads], axis=0), data_hash=fingerprint,
                   temperature=float(np.mean([h.temperature for h in heads])),
                   crisis_threshold=None, urgent_threshold=None)
    return adapter, head


@dataclass(frozen=True)
class SoupThresholds:
    crisis: float
    urgent: float
    crises: int  # development crisis posts
    anchor_found: int  # found by the anchor, model alone, at its crisis threshold
    found: int  # found by the soup at its crisis threshold
    anchor_urgent: int  # at or above the anchor's urgent threshold
    urgent_found: int


def matched_threshold(anchor: np.ndarray, anchor_threshold: float, soup: np.ndarray,
                      grid: Sequence[float], floor: float = 0.0) -> float:
    """The largest grid value (≥ floor) at which at least as many of soup's scores are at or above it
    as of anchor's at anchor_threshold; the smallest allowed grid value if none is."""
    need = int((anchor >= anchor_threshold).sum())
    allowed = [t for t in grid if t >= floor] or [max(grid)]
    reaching = [t for t in allowed if int((soup >= t).sum()) >= need]
    return max(reaching) if reaching else min(allowed)


def soup_thresholds(anchor_crisis: np.ndarray, soup_crisis: np.ndarray, anchor_head: LinearHead) -> SoupThresholds:
    """Both thresholds of the soup from the crisis probabilities of the development crisis posts,
    by the anchor part and by the soup (module docstring)."""
    if anchor_head.crisis_threshold is None or anchor_head.urgent_threshold is None:
        raise ValueError("the anchor part's head records no thresholds: train it with train-classifier")
    crisis = matched_threshold(anchor_crisis, anchor_head.crisis_threshold, soup_crisis, THRESHOLD_GRID)
    urgent = matched_threshold(anchor_crisis, anchor_head.urgent_threshold, soup_crisis, URGENT_GRID, floor=crisis)
    return SoupThresholds(
        crisis, urgent, len(soup_crisis),
        int((anchor_crisis >= anchor_head.crisis_threshold).sum()), int((soup_crisis >= crisis).sum()),
        int((anchor_crisis >= anchor_head.urgent_threshold).sum()), int((soup_crisis >= urgent).sum()))

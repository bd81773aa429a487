"""A new head for the shipped encoder and adapter: multinomial logistic regression on the features
they give the training lines and the development posts.

Why: six retrains of the encoder (sessions 12–16) each ranked development crises about as well as the
session-11 model and each lost held-out crises it finds. The head alone can be refitted in minutes
without moving the encoder. Fitted on the training lines alone (session 17, candidate C) it changed
little; fitted on the development posts too (session 18, candidate D) it calls about a quarter fewer
development posts crisis at the same recall, out of fold (config/framing/pending/README.md).

The fit is deterministic: full-batch L-BFGS in float64 from zeros on one thread, minimising the
weighted sum of cross-entropies plus |W|² / (2·C), over the sum of the weights (the bias is not
penalised): scikit-learn's objective for the same C and sample weights. The adapter was trained on the
training lines, so their features say nothing out of sample; the development posts, which it never
read, give the out-of-fold scores (dev_folds: whole files, one hand each, left out in turn) the
thresholds are chosen on (deployed_thresholds). The head keeps temperature 1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import torch

from bot.core.framing.head import LinearHead
from bot.core.framing.labels import LABELS
from bot.core.framing.soup import SoupThresholds, soup_thresholds

REFIT_C = 10.0  # chosen on the development files among 0.3, 1, 3, 10 and 30 (pending/README, session 17)
BATCH = 64
_TOLERANCE = 1e-7  # the fit stops when no partial derivative of the objective is larger
_MAX_ROUNDS = 20  # L-BFGS calls of up to _MAX_ITER iterations each, until the gradient is within _TOLERANCE
_MAX_ITER = 500
DEV_WEIGHT = 1.0  # a development post counts as one training line; chosen with C (pending/README, session 18)
DEV_FOLDS = 5


def first_windows(texts: Sequence[str], windows: Callable[[str], list[str]],
                  encode: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """The features of each text's first window (what the fine-tune reads of a training line)."""
    firsts = [windows(text)[0] for text in texts]
    rows = [encode(firsts[i:i + BATCH]) for i in range(0, len(firsts), BATCH)]
    return np.concatenate(rows) if rows else np.zeros((0, 0))


def fit_head(features: np.ndarray, labels: Sequence[str], data_hash: str, c: float = REFIT_C,
             weights: np.ndarray | None = None) -> LinearHead:
    """The logistic-regression head for `features` (n, d) and their labels (each row counted `weights`
    times, default once); same inputs, same bytes."""
    if c <= 0:
        raise ValueError("the regularisation C must be positive")
    if len(features) != len(labels) or not len(labels):
        raise ValueError("one label per feature row, and at least one row")
    if weights is not None and (len(weights) != len(labels) or not np.all(np.asarray(weights) > 0)):
        raise ValueError("one positive weight per feature row")
    unknown = sorted(set(labels) - set(LABELS))
    if unknown:
        raise ValueError(f"unknown labels: {', '.join(unknown)}")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a matrix product summed in another order would change the last bits
    try:
        x = torch.from_numpy(np.ascontiguousarray(features, dtype=np.float64))
        y = torch.tensor([LABELS.index(label) for label in labels])
        counts = torch.ones(len(labels), dtype=torch.float64) if weights is None else torch.from_numpy(
            np.ascontiguousarray(weights, dtype=np.float64))
        dim = x.shape[1]
        total = float(counts.sum())
        matrix = torch.zeros((dim, len(LABELS)), dtype=torch.float64, requires_grad=True)
        bias = torch.zeros(len(LABELS), dtype=torch.float64, requires_grad=True)
        optimiser = torch.optim.LBFGS([matrix, bias], lr=1.0, max_iter=_MAX_ITER, history_size=20,
                                      tolerance_grad=_TOLERANCE, tolerance_change=1e-14,
                                      line_search_fn="strong_wolfe")

        def objective() -> torch.Tensor:
            optimiser.zero_grad()
            losses = torch.nn.functional.cross_entropy(x @ matrix + bias, y, reduction="none")
            loss = ((counts * losses).sum() + (matrix * matrix).sum() / (2.0 * c)) / total
            loss.backward()
            return loss

        for _ in range(_MAX_ROUNDS):
            optimiser.step(objective)
            objective()
            assert matrix.grad is not None and bias.grad is not None
            if max(float(matrix.grad.abs().max()), float(bias.grad.abs().max())) <= _TOLERANCE:
                break
        return LinearHead(LABELS, matrix.detach().numpy().copy(), bias.detach().numpy().copy(), data_hash)
    finally:
        torch.set_num_threads(threads)


@dataclass(frozen=True)
class DevFeatures:
    """The development posts as the model reads them: every window's features and whose window it is."""
    features: np.ndarray  # (windows, d)
    owner: np.ndarray  # (windows,) the index of the post each window belongs to
    labels: tuple[str, ...]  # per post: "crisis", "safe" or one of the six labels
    files: tuple[str, ...]  # per post: the file it came from (one hand)

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.files) or len(self.features) != len(self.owner):
            raise ValueError("one label and one file per post, one owner per window")
        if not len(self.labels) or set(range(len(self.labels))) - set(self.owner.tolist()):
            raise ValueError("every development post needs at least one window")


def dev_features(texts: Sequence[str], labels: Sequence[str], files: Sequence[str],
                 windows: Callable[[str], list[str]], encode: Callable[[list[str]], np.ndarray]) -> DevFeatures:
    """Read the development posts through the model's windows and encoder."""
    per_post = [windows(text) for text in texts]
    flat = [window for post in per_post for window in post]
    rows = [encode(flat[i:i + BATCH]) for i in range(0, len(flat), BATCH)]
    owner = np.repeat(np.arange(len(per_post)), [len(post) for post in per_post])
    return DevFeatures(np.concatenate(rows) if rows else np.zeros((0, 0)), owner, tuple(labels), tuple(files))


def dev_folds(files: Sequence[str]) -> np.ndarray:
    """The fold of each post: whole files in name order dealt round DEV_FOLDS folds, so no fold is
    scored by a head that read the same hand."""
    names = sorted(set(files))
    return np.array([names.index(name) % DEV_FOLDS for name in files])


def pooled_crisis(probabilities: np.ndarray, owner: np.ndarray, posts: int) -> np.ndarray:
    """Each post's crisis probability: the maximum over its windows, as the classifier pools it."""
    crisis = np.full(posts, -np.inf)
    np.maximum.at(crisis, owner, probabilities[:, LABELS.index("crisis")])
    return crisis


def dev_rows(guide: LinearHead, dev: DevFeatures) -> tuple[np.ndarray, list[str]]:
    """The development windows a head is fitted on, and their labels. A crisis post gives one window,
    the one `guide` scores highest for crisis (a crisis told in one sentence of a long update must not
    teach that the rest of the update is a crisis); a safe post gives every window, since the classifier
    calls a post crisis when any window is. A safe window takes its post's label when that is one of
    the six, else (a post only marked "safe") the label `guide` finds likeliest after crisis."""
    crisis = LABELS.index("crisis")
    probabilities = guide.probabilities(dev.features)
    rows: list[int] = []
    labels: list[str] = []
    for post, label in enumerate(dev.labels):
        windows = np.flatnonzero(dev.owner == post)
        if label == "crisis":
            rows.append(int(windows[np.argmax(probabilities[windows, crisis])]))
            labels.append(label)
            continue
        for window in windows:
            rows.append(int(window))
            if label in LABELS:
                labels.append(label)
            else:
                others = probabilities[window].copy()
                others[crisis] = -1.0
                labels.append(LABELS[int(np.argmax(others))])
    return np.array(rows, dtype=int), labels


def fit_with_dev(features: np.ndarray, labels: Sequence[str], dev: DevFeatures, data_hash: str, dev_hash: str,
                 c: float = REFIT_C, dev_weight: float = DEV_WEIGHT) -> tuple[LinearHead, np.ndarray]:
    """The head fitted on the training lines and the development posts, and each development post's
    out-of-fold crisis probability (from a head fitted without its fold: what thresholds are chosen on)."""
    if any(label != "safe" and label not in LABELS for label in dev.labels):
        raise ValueError("a development label must be \"safe\" or one of the six labels")
    guide = fit_head(features, labels, data_hash, c)
    rows, row_labels = dev_rows(guide, dev)
    window_folds = dev_folds(dev.files)[dev.owner]
    row_folds = window_folds[rows]

    def fit(inside: np.ndarray) -> LinearHead:
        return fit_head(np.concatenate([features, dev.features[rows[inside]]]),
                        [*labels, *(row_labels[i] for i in np.flatnonzero(inside))], data_hash, c,
                        np.concatenate([np.ones(len(labels)), np.full(int(inside.sum()), dev_weight)]))

    out_of_fold = np.zeros((len(dev.features), len(LABELS)))
    for fold in range(DEV_FOLDS):
        outside = window_folds == fold
        if outside.any():
            out_of_fold[outside] = fit(row_folds != fold).probabilities(dev.features[outside])
    head = replace(fit(np.ones(len(rows), dtype=bool)), dev_hash=dev_hash)
    return head, pooled_crisis(out_of_fold, dev.owner, len(dev.labels))


def deployed_thresholds(anchor_crisis: np.ndarray, candidate_crisis: np.ndarray, net_hits: np.ndarray,
                        is_crisis: np.ndarray, anchor_head: LinearHead) -> SoupThresholds:
    """Both thresholds at which the safety net with the candidate finds at least as many development
    crises, in each tier, as the net with the anchor at its own thresholds (the largest such grid value).
    A post the net reads is found at any threshold, and urgent, as the classifier treats it."""
    def deployed(scores: np.ndarray) -> np.ndarray:
        return np.where(net_hits, 1.0, scores)[is_crisis]

    return soup_thresholds(deployed(anchor_crisis), deployed(candidate_crisis), anchor_head)

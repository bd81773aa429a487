import numpy as np
import pytest

from bot.core.framing.head import LinearHead
from bot.core.framing.labels import LABELS
from bot.core.framing.refit import (
    BATCH,
    DEV_FOLDS,
    DevFeatures,
    deployed_thresholds,
    dev_features,
    dev_folds,
    dev_rows,
    first_windows,
    fit_head,
    fit_with_dev,
    pooled_crisis,
)
from bot.core.framing.training import THRESHOLD_GRID, URGENT_GRID


def _data(n_per_label: int = 30, dim: int = 12, seed: int = 3) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(LABELS), dim)) * 2.0
    rows, labels = [], []
    for k, label in enumerate(LABELS):
        rows.append(centres[k] + rng.normal(size=(n_per_label, dim)))
        labels += [label] * n_per_label
    return np.vstack(rows), labels


def _gradient(features: np.ndarray, labels: list[str], weights: np.ndarray, bias: np.ndarray,
              c: float) -> tuple[np.ndarray, np.ndarray]:
    n = len(labels)
    logits = features @ weights + bias
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    truth = np.zeros_like(p)
    truth[np.arange(n), [LABELS.index(label) for label in labels]] = 1.0
    return features.T @ (p - truth) / n + weights / (c * n), (p - truth).mean(axis=0)


def test_the_fit_is_the_optimum_of_the_regularised_objective() -> None:
    features, labels = _data()
    head = fit_head(features, labels, "hash", c=10.0)
    grad_w, grad_b = _gradient(features, labels, head.weights, head.bias, 10.0)
    assert np.abs(grad_w).max() < 1e-6 and np.abs(grad_b).max() < 1e-6
    assert head.labels == LABELS and head.data_hash == "hash"
    assert head.temperature == 1.0 and head.crisis_threshold is None and head.urgent_threshold is None
    predicted = np.argmax(head.probabilities(features), axis=1)
    assert (predicted == [LABELS.index(label) for label in labels]).mean() > 0.9


def test_the_same_inputs_give_the_same_bytes_and_a_smaller_c_smaller_weights() -> None:
    features, labels = _data()
    first, second = fit_head(features, labels, "h"), fit_head(features, labels, "h")
    assert first.weights.tobytes() == second.weights.tobytes() and first.bias.tobytes() == second.bias.tobytes()
    assert np.linalg.norm(fit_head(features, labels, "h", c=0.1).weights) < np.linalg.norm(first.weights)


@pytest.mark.parametrize(("c", "labels", "message"), [
    (0.0, None, "must be positive"),
    (1.0, ["crisis"], "one label per feature row"),
    (1.0, ["crisis"] * 179 + ["sunny"], "unknown labels: sunny"),
])
def test_bad_inputs_are_refused(c: float, labels: list[str] | None, message: str) -> None:
    features, good = _data()
    with pytest.raises(ValueError, match=message):
        fit_head(features, good if labels is None else labels, "h", c=c)


def test_first_windows_reads_each_texts_first_window_in_batches() -> None:
    texts = [f"post {i}" for i in range(BATCH * 2 + 5)]
    batches: list[list[str]] = []

    def encode(windows: list[str]) -> np.ndarray:
        batches.append(windows)
        return np.array([[float(w.split()[1].split("#")[0]), float(w.endswith("#0"))] for w in windows])

    features = first_windows(texts, lambda text: [f"{text}#0", f"{text}#1"], encode)
    assert [len(b) for b in batches] == [BATCH, BATCH, 5]
    assert features.shape == (len(texts), 2)
    assert features[:, 0].tolist() == list(range(len(texts))) and features[:, 1].all()


def test_a_weight_counts_a_row_that_many_times() -> None:
    features, labels = _data(n_per_label=12)
    twice = np.array([2.0 if i % 3 == 0 else 1.0 for i in range(len(labels))])
    weighted = fit_head(features, labels, "h", c=1.0, weights=twice)
    repeated = [i for i in range(len(labels)) for _ in range(int(twice[i]))]
    copied = fit_head(features[repeated], [labels[i] for i in repeated], "h", c=1.0)
    assert np.abs(weighted.probabilities(features) - copied.probabilities(features)).max() < 1e-6
    unweighted = fit_head(features, labels, "h", c=1.0)
    assert np.abs(weighted.probabilities(features) - unweighted.probabilities(features)).max() > 1e-3
    with pytest.raises(ValueError, match="one positive weight per feature row"):
        fit_head(features, labels, "h", weights=np.zeros(len(labels)))


def test_dev_folds_keep_each_file_whole_and_deal_files_round_in_name_order() -> None:
    files = ["b.jsonl", "a.jsonl", "c.jsonl", "a.jsonl", "g.jsonl", "f.jsonl", "e.jsonl", "d.jsonl", "b.jsonl"]
    folds = dev_folds(files)
    assert folds.tolist() == [1, 0, 2, 0, 1, 0, 4, 3, 1]  # a..g in name order: 0 1 2 3 4 0 1
    assert DEV_FOLDS == 5


def test_a_post_is_as_much_a_crisis_as_its_most_alarming_window() -> None:
    probabilities = np.full((4, len(LABELS)), 0.1)
    probabilities[:, LABELS.index("crisis")] = [0.2, 0.9, 0.05, 0.3]
    assert pooled_crisis(probabilities, np.array([0, 0, 1, 1]), 2).tolist() == [0.9, 0.3]


def _guide() -> LinearHead:
    """A head reading a 2-number feature: the first is crisis, the second neutral, else isolation."""
    weights = np.zeros((2, len(LABELS)))
    weights[0, LABELS.index("crisis")] = 5.0
    weights[1, LABELS.index("neutral")] = 5.0
    bias = np.zeros(len(LABELS))
    bias[LABELS.index("isolation")] = 1.0
    return LinearHead(LABELS, weights, bias, "h")


def test_dev_rows_take_a_crisis_posts_worst_window_and_every_window_of_a_safe_post() -> None:
    features = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0], [0.9, 0.0], [0.2, 0.0]])
    dev = DevFeatures(features, np.array([0, 0, 1, 1, 2, 2]), ("crisis", "safe", "upward_comparison"),
                      ("a", "a", "b"))
    rows, labels = dev_rows(_guide(), dev)
    assert rows.tolist() == [1, 2, 3, 4, 5]  # the update's calm window is not taught as crisis
    # "safe": the guide's likeliest label after crisis; a named label is kept even where the guide reads crisis
    assert labels == ["crisis", "neutral", "isolation", "upward_comparison", "upward_comparison"]


@pytest.mark.parametrize(("owner", "labels", "files"), [
    ([0, 1], ("crisis",), ("a", "b")),
    ([0, 0], ("crisis", "safe"), ("a", "b")),
])
def test_dev_features_refuse_posts_without_windows_or_files(owner: list[int], labels: tuple[str, ...],
                                                            files: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        DevFeatures(np.zeros((2, 2)), np.array(owner), labels, files)


def test_dev_features_read_every_window_of_every_post() -> None:
    def windows(text: str) -> list[str]:
        return [f"{text}#{i}" for i in range(len(text.split()))]

    dev = dev_features(["one", "two words", "three more words"], ["safe", "crisis", "safe"], ["a", "a", "b"],
                       windows, lambda batch: np.array([[float(w[-1])] for w in batch]))
    assert dev.owner.tolist() == [0, 1, 1, 2, 2, 2]
    assert dev.features[:, 0].tolist() == [0, 0, 1, 0, 1, 2]


def _dev_data() -> tuple[np.ndarray, list[str], DevFeatures]:
    """Training lines as _data; development posts in ten files: crises at the crisis centre, and safe
    posts half way between the crisis and the neutral centres, which the training lines never show."""
    features, labels = _data(n_per_label=20)
    crisis = features[[i for i, label in enumerate(labels) if label == "crisis"]].mean(axis=0)
    neutral = features[[i for i, label in enumerate(labels) if label == "neutral"]].mean(axis=0)
    rng = np.random.default_rng(9)
    rows, post_labels, files = [], [], []
    for k in range(60):
        is_crisis = k % 3 == 0
        centre = crisis if is_crisis else 0.55 * crisis + 0.45 * neutral
        rows.append(centre + 0.3 * rng.normal(size=features.shape[1]))
        post_labels.append("crisis" if is_crisis else "safe")
        files.append(f"file{k % 10}.jsonl")
    return features, labels, DevFeatures(np.array(rows), np.arange(60), tuple(post_labels), tuple(files))


def test_fit_with_dev_learns_the_development_posts_and_scores_each_fold_without_it() -> None:
    features, labels, dev = _dev_data()
    head, out_of_fold = fit_with_dev(features, labels, dev, "h", "dev-h", c=1.0)
    assert head.dev_hash == "dev-h" and head.data_hash == "h"
    safe = np.array([label == "safe" for label in dev.labels])
    guide = fit_head(features, labels, "h", c=1.0)
    crisis = LABELS.index("crisis")
    # the guide reads the in-between safe posts as crisis; the head that read them does not
    assert guide.probabilities(dev.features[safe])[:, crisis].mean() > 0.5
    assert head.probabilities(dev.features[safe])[:, crisis].mean() < 0.5
    assert head.probabilities(dev.features[~safe])[:, crisis].min() > 0.5
    # a fold's out-of-fold scores come from a head fitted without that fold's files
    folds = dev_folds(dev.files)
    rows, row_labels = dev_rows(guide, dev)
    inside = folds[dev.owner[rows]] != 2
    without = fit_head(np.concatenate([features, dev.features[rows[inside]]]),
                       [*labels, *(row_labels[i] for i in np.flatnonzero(inside))], "h", c=1.0)
    assert np.allclose(out_of_fold[folds == 2], without.probabilities(dev.features[folds == 2])[:, crisis],
                       atol=1e-9)
    again, again_oof = fit_with_dev(features, labels, dev, "h", "dev-h", c=1.0)
    assert again.weights.tobytes() == head.weights.tobytes() and again_oof.tobytes() == out_of_fold.tobytes()


def test_fit_with_dev_refuses_a_label_it_does_not_know() -> None:
    features, labels, dev = _dev_data()
    odd = DevFeatures(dev.features, dev.owner, ("sunny", *dev.labels[1:]), dev.files)
    with pytest.raises(ValueError, match="safe"):
        fit_with_dev(features, labels, odd, "h", "dev-h")


def test_deployed_thresholds_count_what_the_net_reads_as_found_at_any_threshold() -> None:
    anchor = LinearHead(LABELS, np.zeros((2, len(LABELS))), np.zeros(len(LABELS)), "h",
                        crisis_threshold=0.2, urgent_threshold=0.5)
    is_crisis = np.array([True] * 4 + [False])
    anchor_scores = np.array([0.9, 0.6, 0.3, 0.01, 0.4])  # 3 crises, 2 urgent; the net reads the 4th
    net = np.array([False, False, False, True, False])
    candidate = np.array([0.8, 0.35, 0.11, 0.0, 0.1])  # its third crisis is lower than the anchor's
    thresholds = deployed_thresholds(anchor_scores, candidate, net, is_crisis, anchor)
    assert thresholds.anchor_found == 4 and thresholds.found >= 4
    assert thresholds.crisis == max(t for t in THRESHOLD_GRID if t <= 0.11)  # low enough for the third crisis
    assert thresholds.urgent == max(t for t in URGENT_GRID if t <= 0.35)  # and the second, urgent
    with_net = deployed_thresholds(anchor_scores, np.array([0.8, 0.35, 0.3, 0.0, 0.1]), net, is_crisis, anchor)
    assert with_net.crisis == max(t for t in THRESHOLD_GRID if t <= 0.3)  # the net's crisis needs no threshold

import numpy as np
import pytest

from bot.core.framing.labels import LABELS
from bot.core.framing.refit import BATCH, first_windows, fit_head


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

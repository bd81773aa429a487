"""The linear softmax head on top of the encoder: multinomial logistic regression with L2.

Training is deterministic: full-batch L-BFGS in float64 from zero weights, so the same
embeddings and C always give the same head. Loss = Σ wᵢ·CE(xᵢ) + ½‖W‖²/C, with balanced class
weights wᵢ = n / (k · nₗₐᵦₑₗ). The head is stored as safetensors (weights, bias) with its label order,
C and a hash of the training data in the metadata.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file

from bot.core.framing.labels import LABELS

HEAD_FILE = Path(__file__).resolve().parents[3] / "config" / "framing" / "head.safetensors"


class HeadError(RuntimeError):
    """The head file is missing or does not fit the labels; the message says what to run."""


@dataclass(frozen=True)
class LinearHead:
    labels: tuple[str, ...]
    weights: np.ndarray  # (dimension, labels)
    bias: np.ndarray  # (labels,)
    c: float
    data_hash: str

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        logits = embeddings.astype(np.float64) @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def save(self, path: Path = HEAD_FILE) -> None:
        save_file(
            {"weights": np.ascontiguousarray(self.weights, dtype=np.float32),
             "bias": np.ascontiguousarray(self.bias, dtype=np.float32)},
            str(path),
            # One metadata key: safetensors writes several keys in an unstable order, and the file must
            # be byte-identical when training is repeated.
            metadata={"head": json.dumps({"labels": list(self.labels), "c": self.c, "data_hash": self.data_hash},
                                         sort_keys=True)},
        )

    @classmethod
    def load(cls, path: Path = HEAD_FILE) -> LinearHead:
        if not path.is_file():
            raise HeadError(f"The trained framing head {path} is missing: run `python -m bot train-classifier`.")
        with safe_open(str(path), framework="numpy") as handle:
            try:
                metadata = json.loads((handle.metadata() or {}).get("head", "{}"))
            except json.JSONDecodeError:
                metadata = {}
            weights = handle.get_tensor("weights").astype(np.float64)
            bias = handle.get_tensor("bias").astype(np.float64)
        labels = tuple(metadata.get("labels", ()))
        if labels != LABELS or weights.shape[1] != len(LABELS) or bias.shape != (len(LABELS),):
            raise HeadError(f"The framing head {path} does not match the six labels: "
                            "run `python -m bot train-classifier`.")
        return cls(labels, weights, bias, float(metadata.get("c", "nan")), str(metadata.get("data_hash", "")))


def train_head(embeddings: np.ndarray, targets: np.ndarray, c: float, data_hash: str = "") -> LinearHead:
    """Fit the head on (n, d) embeddings and integer targets (indices into LABELS)."""
    import torch  # noqa: PLC0415 - only training needs torch here; loading the head must stay light

    torch.manual_seed(0)
    x = torch.from_numpy(np.asarray(embeddings, dtype=np.float64))
    y = torch.from_numpy(np.asarray(targets, dtype=np.int64))
    n, k = x.shape[0], len(LABELS)
    counts = torch.bincount(y, minlength=k).to(torch.float64)
    class_weight = n / (k * counts.clamp(min=1))
    sample_weight = class_weight[y]
    w = torch.zeros((x.shape[1], k), dtype=torch.float64, requires_grad=True)
    b = torch.zeros(k, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.LBFGS([w, b], lr=1.0, max_iter=500, tolerance_grad=1e-9, tolerance_change=1e-12,
                                  history_size=20, line_search_fn="strong_wolfe")

    def closure() -> torch.Tensor:
        optimiser.zero_grad()
        losses = torch.nn.functional.cross_entropy(x @ w + b, y, reduction="none")
        loss = (sample_weight * losses).sum() + 0.5 * (w * w).sum() / c
        loss.backward()
        return loss

    optimiser.step(closure)
    return LinearHead(LABELS, w.detach().numpy().copy(), b.detach().numpy().copy(), c, data_hash)

"""The linear softmax head on top of the encoder's features: probabilities = softmax(x·W + b).

It is trained together with the encoder's adapter (fine_tune.py) and stored as safetensors
(weights, bias) with its label order and a hash of the training data in the metadata; a head made
by train-classifier also records its calibration temperature (already divided into the weights)
and the crisis and urgent thresholds chosen out of fold (training.py), which config/settings.toml
must carry. A head refit-head made also on the development posts records their hash (dev_hash).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from safetensors import SafetensorError, safe_open
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
    data_hash: str
    temperature: float = 1.0  # already applied: the weights and bias were divided by it
    crisis_threshold: float | None = None  # chosen out of fold with this head (training.py)
    urgent_threshold: float | None = None
    dev_hash: str | None = None  # refit-head: the development posts it was also fitted on (refit.py)

    def logits(self, embeddings: np.ndarray) -> np.ndarray:
        return embeddings.astype(np.float64) @ self.weights + self.bias

    def calibrated(self, temperature: float, crisis_threshold: float | None,
                   urgent_threshold: float | None) -> LinearHead:
        """This head with temperature scaling folded into its weights, and the thresholds recorded."""
        return replace(self, weights=self.weights / temperature, bias=self.bias / temperature,
                       temperature=temperature, crisis_threshold=crisis_threshold,
                       urgent_threshold=urgent_threshold)

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        logits = self.logits(embeddings)
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
            metadata={"head": json.dumps(self._metadata(), sort_keys=True)},
        )

    def _metadata(self) -> dict[str, object]:
        metadata: dict[str, object] = {"labels": list(self.labels), "data_hash": self.data_hash,
                                       "temperature": self.temperature, "crisis_threshold": self.crisis_threshold,
                                       "urgent_threshold": self.urgent_threshold}
        if self.dev_hash is not None:  # absent from the heads train-classifier makes, so their bytes stay as they were
            metadata["dev_hash"] = self.dev_hash
        return metadata

    @classmethod
    def load(cls, path: Path = HEAD_FILE) -> LinearHead:
        if not path.is_file():
            raise HeadError(f"The trained framing head {path} is missing: run `python -m bot train-classifier`.")
        try:
            with safe_open(str(path), framework="numpy") as handle:
                try:
                    metadata = json.loads((handle.metadata() or {}).get("head", "{}"))
                except json.JSONDecodeError:
                    metadata = {}
                weights = handle.get_tensor("weights").astype(np.float64)
                bias = handle.get_tensor("bias").astype(np.float64)
        except SafetensorError:
            raise HeadError(f"The framing head {path} is unreadable: run `python -m bot train-classifier`.") from None
        labels = tuple(metadata.get("labels", ()))
        if labels != LABELS or weights.shape[1] != len(LABELS) or bias.shape != (len(LABELS),):
            raise HeadError(f"The framing head {path} does not match the six labels: "
                            "run `python -m bot train-classifier`.")
        return cls(labels, weights, bias, str(metadata.get("data_hash", "")),
                   float(metadata.get("temperature") or 1.0), _optional(metadata.get("crisis_threshold")),
                   _optional(metadata.get("urgent_threshold")),
                   metadata["dev_hash"] if isinstance(metadata.get("dev_hash"), str) else None)


def _optional(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None

"""The encoder's fine-tuning, stored as a LoRA adapter: low-rank updates of some MiniLM weights.

Fine-tuning all 22 M weights would mean committing a 90 MB model; a rank-16 update ΔW = s·(A·B)ᵀ
of the attention query/value and feed-forward matrices of the six layers is 0.52 M numbers (2 MB),
and at load it is added into the weights once, so inference costs exactly what it did before.
`fine_tune.py` trains it; config/framing/adapter.safetensors holds it with the rank, the scale and a
hash of the training data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from safetensors import SafetensorError, safe_open
from safetensors.numpy import save_file

from bot.core.framing.head import HeadError

ADAPTER_FILE = Path(__file__).resolve().parents[3] / "config" / "framing" / "adapter.safetensors"
# The Linear modules of each BertLayer that get an update, relative to `encoder.layer.N`.
TARGETS = ("attention.self.query", "attention.self.value", "intermediate.dense", "output.dense")
# Rank 16 beat rank 8 on train cross-validation: out-of-fold crisis precision 0.705 vs 0.674 at
# threshold 0.05 (recall 0.957 vs 0.952), 0.739 vs 0.702 at 0.075.
RANK = 16
ALPHA = 32.0


class AdapterError(HeadError):
    """The adapter file is missing or does not fit the model; the message says what to run.

    A HeadError: the adapter and the head are the two trained parts, made and shipped together."""


def target_names(layers: int) -> list[str]:
    return [f"encoder.layer.{n}.{target}" for n in range(layers) for target in TARGETS]


@dataclass(frozen=True)
class Adapter:
    rank: int
    alpha: float
    # module name → (A of shape (in, rank), B of shape (rank, out))
    updates: dict[str, tuple[np.ndarray, np.ndarray]]
    data_hash: str

    @property
    def scale(self) -> float:
        return self.alpha / self.rank

    def merge_into(self, model: Any) -> None:
        """Add every update into its Linear weight (W has shape (out, in), so ΔW = s·(A·B)ᵀ)."""
        import torch  # noqa: PLC0415

        with torch.no_grad():
            for name, (a, b) in self.updates.items():
                try:
                    linear = model.get_submodule(name)
                except AttributeError:
                    linear = None
                delta = torch.from_numpy((a.astype(np.float64) @ b.astype(np.float64)).T * self.scale)
                if linear is None or tuple(delta.shape) != tuple(linear.weight.shape):
                    raise AdapterError(f"The framing adapter does not fit the model ({name}): "
                                       "run `python -m bot train-classifier`.")
                linear.weight += delta.to(linear.weight.dtype)

    def save(self, path: Path = ADAPTER_FILE) -> None:
        tensors = {}
        for name, (a, b) in sorted(self.updates.items()):
            tensors[f"{name}.a"] = np.ascontiguousarray(a, dtype=np.float32)
            tensors[f"{name}.b"] = np.ascontiguousarray(b, dtype=np.float32)
        # One metadata key, as in head.py: the file must be byte-identical when training is repeated.
        save_file(tensors, str(path), metadata={"adapter": json.dumps(
            {"rank": self.rank, "alpha": self.alpha, "data_hash": self.data_hash}, sort_keys=True)})

    @classmethod
    def load(cls, path: Path = ADAPTER_FILE) -> Adapter:
        if not path.is_file():
            raise AdapterError(f"The framing adapter {path} is missing: run `python -m bot train-classifier`.")
        try:
            with safe_open(str(path), framework="numpy") as handle:
                try:
                    metadata = json.loads((handle.metadata() or {}).get("adapter", "{}"))
                except json.JSONDecodeError:
                    metadata = {}
                keys = set(handle.keys())
                names = sorted({key.rsplit(".", 1)[0] for key in keys})
                complete = names and not any({f"{name}.a", f"{name}.b"} - keys for name in names)
                if not complete or "rank" not in metadata:
                    raise AdapterError(f"The framing adapter {path} is incomplete: "
                                       "run `python -m bot train-classifier`.")
                updates = {name: (handle.get_tensor(f"{name}.a"), handle.get_tensor(f"{name}.b")) for name in names}
        except SafetensorError:
            raise AdapterError(f"The framing adapter {path} is unreadable: "
                               "run `python -m bot train-classifier`.") from None
        return cls(int(metadata["rank"]), float(metadata.get("alpha", ALPHA)), updates,
                   str(metadata.get("data_hash", "")))

"""The finished steps of a training run, kept on disk so a stopped run resumes where it stopped.

A run of `train-classifier` is five cross-validation fine-tunes and a final one; on a 2-core machine
it takes longer than a working session. With `--work DIR`, each finished step is written here: a
fold's out-of-fold logits (`fold-N.npy`) and the final adapter and head before calibration
(`final-adapter.safetensors`, `final-head.npz`). The steps of one run live in a subfolder named for
everything that decides them: the training data as the model reads it and the recipe (epochs,
folds, max_chars and the constants of fine_tune.py and adapter.py), so a changed line or setting
starts a fresh subfolder and a stale step is never reused.
Files are written to a temporary name and renamed, so a run killed mid-write leaves no half file.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from bot.core.framing import fine_tune
from bot.core.framing.adapter import ALPHA, RANK, TARGETS, Adapter, AdapterError
from bot.core.framing.encoder import MAX_TOKENS
from bot.core.framing.examples import Example, data_hash
from bot.core.framing.head import LinearHead
from bot.core.framing.labels import LABELS


def recipe(max_chars: int, epochs: int, folds: int, seed: int = fine_tune.SEED) -> dict[str, object]:
    """Everything besides the data that decides a step's result."""
    return {
        "epochs": epochs, "folds": folds, "max_chars": max_chars, "max_tokens": MAX_TOKENS,
        "batch_size": fine_tune.BATCH_SIZE, "bucket_batches": fine_tune.BUCKET_BATCHES,
        "learning_rate": fine_tune.LEARNING_RATE, "weight_decay": fine_tune.WEIGHT_DECAY,
        "warmup_steps": fine_tune.WARMUP_STEPS, "logit_scale": fine_tune.LOGIT_SCALE, "seed": seed,
        "rank": RANK, "alpha": ALPHA, "targets": list(TARGETS), "labels": list(LABELS),
    }


class WorkFolder:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def open(cls, root: Path, examples: list[Example], max_chars: int, epochs: int, folds: int,
             seed: int = fine_tune.SEED) -> WorkFolder:
        """The subfolder of root for this data (as prepared for the model) and recipe, created if new."""
        key = hashlib.sha256(json.dumps({"data": data_hash(examples), "recipe": recipe(max_chars, epochs, folds, seed)},
                                        sort_keys=True).encode()).hexdigest()[:16]
        path = root / key
        path.mkdir(parents=True, exist_ok=True)
        return cls(path)

    def fold(self, fold: int) -> np.ndarray | None:
        """The out-of-fold logits of a finished fold, or None."""
        file = self.path / f"fold-{fold + 1}.npy"
        if not file.is_file():
            return None
        try:
            return np.load(file, allow_pickle=False)
        except (OSError, ValueError):
            return None  # unreadable: the fold is trained again and the file replaced

    def save_fold(self, fold: int, logits: np.ndarray) -> None:
        temporary = self.path / f".fold-{fold + 1}.npy"
        with temporary.open("wb") as handle:
            np.save(handle, np.asarray(logits, dtype=np.float64), allow_pickle=False)
        os.replace(temporary, self.path / f"fold-{fold + 1}.npy")

    def final(self) -> tuple[Adapter, LinearHead] | None:
        """The final fine-tune's adapter and (uncalibrated) head, if that step finished."""
        adapter_file, head_file = self.path / "final-adapter.safetensors", self.path / "final-head.npz"
        if not adapter_file.is_file() or not head_file.is_file():
            return None
        try:
            adapter = Adapter.load(adapter_file)
            with np.load(head_file, allow_pickle=False) as stored:
                head = LinearHead(tuple(str(label) for label in stored["labels"]), stored["weights"], stored["bias"],
                                  str(stored["data_hash"]))
        except (AdapterError, OSError, ValueError, KeyError):
            return None
        return adapter, head

    def save_final(self, adapter: Adapter, head: LinearHead) -> None:
        # The head is kept in float64 (a .safetensors head is float32), so the calibration that follows
        # divides exactly the numbers an uninterrupted run divides. It is renamed into place last:
        # final() needs both files, so a kill in between leaves no finished step.
        temporary = self.path / ".final-adapter.safetensors"
        adapter.save(temporary)
        os.replace(temporary, self.path / "final-adapter.safetensors")
        temporary = self.path / ".final-head.npz"
        with temporary.open("wb") as handle:
            np.savez(handle, labels=np.array(head.labels), weights=np.asarray(head.weights, dtype=np.float64),
                     bias=np.asarray(head.bias, dtype=np.float64), data_hash=np.array(head.data_hash))
        os.replace(temporary, self.path / "final-head.npz")

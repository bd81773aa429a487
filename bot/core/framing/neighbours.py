"""Known posts beside the model: a crisis call from the model alone stands only when enough of the post's
nearest known posts are crises.

Why: the model learned crisis from the training lines, where plans, decisions and goodbyes are four times
likelier in a crisis than elsewhere, so it calls ordinary plans and hopeful posts crisis ("I've decided to
stop breastfeeding" 0.99). Every retrain or adaptation that unlearned this also lost held-out crises it
found just above its threshold (config/framing/pending/README.md, sessions 12-20). This moves nothing in
the model: it looks at where the post sits among posts whose labels are known, the training lines and the
development posts written by many other hands, and sets the model's call aside only when at most
`MIN_CRISIS_NEIGHBOURS - 1` of its `K` nearest are crises. The safety net is never set aside.

A post's place: the encoder's features of the window that decided its crisis score, standardised with the
training lines' means and deviations, projected on their first `AXES` principal axes and scaled to length
one; nearness is the cosine. Known posts: the training lines' first windows and the development posts' rows
as `refit.dev_rows` gives them (a crisis post: its window the head scores highest; a safe post: every
window). `build` is deterministic for the same features; the bank is shipped in NEIGHBOURS_FILE and
tied to the adapter and head it was built with (`model_hash`), so a retrained model cannot use a stale one.
The places are stored in half precision (5 MB for about 10,000 known posts), the axes in single. The
classifier uses the file as loaded, and so do the figures in the README.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors import SafetensorError, safe_open
from safetensors.numpy import save_file

from bot.core.framing.encoder import ModelMissingError
from bot.core.framing.head import HEAD_FILE

NEIGHBOURS_FILE = HEAD_FILE.parent / "neighbours.safetensors"
K = 20
MIN_CRISIS_NEIGHBOURS = 3  # chosen on the development posts, one hand never its own neighbour (pending/README)
AXES = 256


class NeighboursError(ModelMissingError):
    """The known-posts file is unreadable or was built for another model; the message says what to run."""


def model_hash(adapter_path: Path, head_path: Path) -> str:
    """What ties a bank to one model: the SHA-256 of its adapter's and head's bytes."""
    digest = hashlib.sha256()
    for path in (adapter_path, head_path):
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Neighbours:
    mean: np.ndarray  # (d,) the training lines' feature means
    scale: np.ndarray  # (d,) and deviations
    axes: np.ndarray  # (d, AXES) their first principal axes
    bank: np.ndarray  # (n, AXES) the known posts' places, each of length one
    crisis: np.ndarray  # (n,) whether each known post is a crisis
    model: str  # model_hash of the adapter and head the features came from
    data: str  # examples.data_hash of the training lines and development posts they are
    k: int = K
    min_crisis: int = MIN_CRISIS_NEIGHBOURS

    def place(self, features: np.ndarray) -> np.ndarray:
        """Where features (n, d) sit: standardised, projected, of length one."""
        standard = (np.asarray(features, dtype=np.float64) - self.mean) / self.scale
        projected = standard.astype(self.axes.dtype) @ self.axes
        return projected / np.maximum(np.linalg.norm(projected, axis=1, keepdims=True), 1e-12)

    def crisis_neighbours(self, features: np.ndarray) -> np.ndarray:
        """How many of each row's k nearest known posts are crises (ties broken by bank order)."""
        if not len(features):
            return np.zeros(0, dtype=int)
        similarity = self.place(features) @ self.bank.T
        nearest = np.argsort(-similarity, axis=1, kind="stable")[:, :self.k]
        return self.crisis[nearest].sum(axis=1).astype(int)

    def save(self, path: Path = NEIGHBOURS_FILE) -> None:
        tensors = {"mean": self.mean.astype(np.float32), "scale": self.scale.astype(np.float32),
                   "axes": self.axes.astype(np.float32), "bank": self.bank.astype(np.float16),
                   "crisis": self.crisis.astype(np.uint8)}
        # safetensors writes an array's buffer as it lies in memory: a transposed view must be laid out first
        save_file({name: np.ascontiguousarray(t) for name, t in tensors.items()}, str(path),
                  # one key: safetensors writes several in an unstable order, and a rebuild must give the same bytes
                  metadata={"neighbours": json.dumps({"model": self.model, "data": self.data, "k": self.k,
                                                      "min_crisis": self.min_crisis}, sort_keys=True)})

    @classmethod
    def load(cls, path: Path = NEIGHBOURS_FILE) -> Neighbours:
        try:
            with safe_open(str(path), framework="numpy") as f:
                meta = json.loads((f.metadata() or {})["neighbours"])
                tensors = {name: f.get_tensor(name) for name in ("mean", "scale", "axes", "bank", "crisis")}
            # single precision in memory (about 13 MB for 10,000 known posts); the file's places are half
            return cls(tensors["mean"].astype(np.float64), tensors["scale"].astype(np.float64),
                       tensors["axes"], tensors["bank"].astype(np.float32),
                       tensors["crisis"].astype(bool), str(meta["model"]), str(meta["data"]), int(meta["k"]),
                       int(meta["min_crisis"]))
        except FileNotFoundError as exc:
            raise NeighboursError(f"{path} is missing: run `python -m bot build-neighbours`") from exc
        except (OSError, KeyError, ValueError, TypeError, SafetensorError) as exc:
            raise NeighboursError(f"{path} cannot be read ({exc}): run `python -m bot build-neighbours`") from exc


def build(train_features: np.ndarray, train_crisis: np.ndarray, known_features: np.ndarray,
          known_crisis: np.ndarray, model: str, data: str, axes: int = AXES) -> Neighbours:
    """The bank of known posts: the training lines' features fix the standardisation and the axes; the
    training lines and the other known posts (development rows) are the bank."""
    train = np.asarray(train_features, dtype=np.float64)
    if len(train) < axes or len(train) != len(train_crisis) or len(known_features) != len(known_crisis):
        raise ValueError("one crisis flag per row, and at least as many training lines as axes")
    mean = train.mean(axis=0)
    spread = train.std(axis=0)
    scale = np.where(spread < 1e-6, np.inf, spread + 1e-6)  # a feature constant in training says nothing
    _, _, rows = np.linalg.svd((train - mean) / scale, full_matrices=False)
    axes_matrix = rows[:axes].T
    signs = np.sign(axes_matrix[np.argmax(np.abs(axes_matrix), axis=0), np.arange(axes)])
    axes_matrix = axes_matrix * signs  # an axis's sign is arbitrary in the SVD: fix it, for the same bytes
    unplaced = Neighbours(mean, scale, axes_matrix, np.zeros((0, axes)), np.zeros(0, dtype=bool), model, data)
    bank = unplaced.place(np.concatenate([train, np.asarray(known_features, dtype=np.float64)]))
    crisis = np.concatenate([np.asarray(train_crisis, dtype=bool), np.asarray(known_crisis, dtype=bool)])
    return Neighbours(mean, scale, axes_matrix, bank, crisis, model, data)

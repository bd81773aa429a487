"""Known posts beside the model: a crisis call from the model alone stands only when enough of the post's
nearest known posts are crises, read in two places.

Why: the model learned crisis from the training lines, where plans, decisions and goodbyes are four times
likelier in a crisis than elsewhere, so it calls ordinary plans and hopeful posts crisis ("I've decided to
stop breastfeeding", 0.99). Every retrain or adaptation that unlearned this also lost held-out crises it
found just above its threshold (config/framing/pending/README.md, sessions 12-20). This moves nothing in
the model: it looks at where the post sits among posts whose labels are known, the training lines and the
development posts written by many other hands, and sets the model's call aside when too few of its `K`
nearest are crises in either place. The safety net is never set aside.

The two places (`Place`), both read from the encoder's features of the window that decided the post's crisis
score, standardised with the training lines' means and deviations, projected on their first `AXES` principal
axes and scaled to length one; nearness is the cosine:
- by the model: all 2,688 features, as the fine-tuned model reads the window. Set aside at fewer than
  `MIN_CRISIS_NEIGHBOURS` crises (session 21, candidate L).
- by its words: the first `WORD_COLUMNS` features, hidden state 0 (the masked mean of MiniLM's token embeddings
  with positions, after its layer norm), which come before every adapted layer, so fine-tuning has not tied a
  plan's words to crisis there. Set aside at fewer than `MIN_WORD_CRISIS_NEIGHBOURS` (session 23, candidate N2).
  It costs no second encoder: the served features already hold it.
Both thresholds are the largest at which no development crisis was set aside, one hand never its own neighbour.

Known posts: the training lines' first windows and the development posts' rows as `refit.dev_rows` gives them
(a crisis post: its window the head scores highest; a safe post: every window). `build` is deterministic for the
same features; the bank is shipped in NEIGHBOURS_FILE and tied to the adapter and head it was built with
(`model_hash`), so a retrained model cannot use a stale one. The places are stored in half precision (5 MB each
for about 10,000 known posts), the axes in single. The classifier uses the file as loaded, and so do the figures
in the README.
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
MIN_CRISIS_NEIGHBOURS = 3  # by the model; chosen on the development posts (pending/README, candidate L)
MIN_WORD_CRISIS_NEIGHBOURS = 1  # by its words (pending/README, candidate N2; 2 until session 25)
WORD_COLUMNS = 384  # hidden state 0 of the served features: before every adapted layer
AXES = 256
PLACES = ("model", "words")
_TENSORS = ("mean", "scale", "axes", "bank")


class NeighboursError(ModelMissingError):
    """The known-posts file is unreadable or was built for another model; the message says what to run."""


def model_hash(adapter_path: Path, head_path: Path) -> str:
    """What ties a bank to one model: the SHA-256 of its adapter's and head's bytes."""
    digest = hashlib.sha256()
    for path in (adapter_path, head_path):
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Place:
    """The known posts placed by some of the features: the first `columns` of them (0: all)."""

    mean: np.ndarray  # (d,) the training lines' feature means
    scale: np.ndarray  # (d,) and deviations
    axes: np.ndarray  # (d, AXES) their first principal axes
    bank: np.ndarray  # (n, AXES) the known posts' places, each of length one
    crisis: np.ndarray  # (n,) whether each known post is a crisis
    min_crisis: int  # a model-only crisis call stands here when at least this many of its k nearest are crises
    columns: int = 0
    k: int = K

    def place(self, features: np.ndarray) -> np.ndarray:
        """Where features (n, d) sit: standardised, projected, of length one."""
        features = np.asarray(features, dtype=np.float64)
        if self.columns:
            features = features[:, :self.columns]
        projected = ((features - self.mean) / self.scale).astype(self.axes.dtype) @ self.axes
        return projected / np.maximum(np.linalg.norm(projected, axis=1, keepdims=True), 1e-12)

    def crisis_neighbours(self, features: np.ndarray) -> np.ndarray:
        """How many of each row's k nearest known posts are crises (ties broken by bank order)."""
        if not len(features):
            return np.zeros(0, dtype=int)
        similarity = self.place(features) @ self.bank.T
        nearest = np.argsort(-similarity, axis=1, kind="stable")[:, :self.k]
        return self.crisis[nearest].sum(axis=1).astype(int)


@dataclass(frozen=True)
class Neighbours:
    """The known posts in both places, tied to one model and one set of data."""

    by_model: Place
    by_words: Place
    model: str  # model_hash of the adapter and head the features came from
    data: str  # examples.data_hash of the training lines and development posts they are

    @property
    def k(self) -> int:
        return self.by_model.k

    def crisis_neighbours(self, features: np.ndarray) -> np.ndarray:
        """(n, 2): of each row's nearest known posts, how many are crises by the model and by its words."""
        return np.stack([self.by_model.crisis_neighbours(features), self.by_words.crisis_neighbours(features)],
                        axis=1).reshape(len(features), 2)

    def sets_aside(self, counts: np.ndarray) -> np.ndarray:
        """Which model-only crisis calls, given their counts from `crisis_neighbours`, are set aside."""
        counts = np.asarray(counts).reshape(-1, 2)
        return (counts[:, 0] < self.by_model.min_crisis) | (counts[:, 1] < self.by_words.min_crisis)

    def save(self, path: Path = NEIGHBOURS_FILE) -> None:
        tensors = {"crisis": self.by_model.crisis.astype(np.uint8)}
        meta: dict[str, object] = {"model": self.model, "data": self.data, "k": self.k}
        for name, place in zip(PLACES, (self.by_model, self.by_words), strict=True):
            tensors |= {f"{name}.mean": place.mean.astype(np.float32), f"{name}.scale": place.scale.astype(np.float32),
                        f"{name}.axes": place.axes.astype(np.float32), f"{name}.bank": place.bank.astype(np.float16)}
            meta |= {f"{name}.min_crisis": place.min_crisis, f"{name}.columns": place.columns}
        # safetensors writes an array's buffer as it lies in memory: a transposed view must be laid out first
        save_file({name: np.ascontiguousarray(t) for name, t in tensors.items()}, str(path),
                  # one key: safetensors writes several in an unstable order, and a rebuild must give the same bytes
                  metadata={"neighbours": json.dumps(meta, sort_keys=True)})

    @classmethod
    def load(cls, path: Path = NEIGHBOURS_FILE) -> Neighbours:
        try:
            with safe_open(str(path), framework="numpy") as f:
                meta = json.loads((f.metadata() or {})["neighbours"])
                crisis = f.get_tensor("crisis").astype(bool)
                places = []
                for name in PLACES:
                    t = {part: f.get_tensor(f"{name}.{part}") for part in _TENSORS}
                    # single precision in memory (about 10 MB a place for 10,000 known posts); the file's are half
                    places.append(Place(t["mean"].astype(np.float64), t["scale"].astype(np.float64), t["axes"],
                                        t["bank"].astype(np.float32), crisis, int(meta[f"{name}.min_crisis"]),
                                        int(meta[f"{name}.columns"]), int(meta["k"])))
            return cls(places[0], places[1], str(meta["model"]), str(meta["data"]))
        except FileNotFoundError as exc:
            raise NeighboursError(f"{path} is missing: run `python -m bot build-neighbours`") from exc
        except (OSError, KeyError, ValueError, TypeError, SafetensorError) as exc:
            raise NeighboursError(f"{path} cannot be read ({exc}): run `python -m bot build-neighbours`") from exc


def build_place(train_features: np.ndarray, train_crisis: np.ndarray, known_features: np.ndarray,
                known_crisis: np.ndarray, min_crisis: int, columns: int = 0, axes: int = AXES) -> Place:
    """One place: the training lines' features (their first `columns`) fix the standardisation and the axes;
    the training lines and the other known posts (development rows) are the bank."""
    train = np.asarray(train_features, dtype=np.float64)
    known = np.asarray(known_features, dtype=np.float64)
    if len(train) < axes or len(train) != len(train_crisis) or len(known) != len(known_crisis):
        raise ValueError("one crisis flag per row, and at least as many training lines as axes")
    if columns:
        train, known = train[:, :columns], known[:, :columns]
    mean = train.mean(axis=0)
    spread = train.std(axis=0)
    scale = np.where(spread < 1e-6, np.inf, spread + 1e-6)  # a feature constant in training says nothing
    _, _, rows = np.linalg.svd((train - mean) / scale, full_matrices=False)
    axes_matrix = rows[:axes].T
    signs = np.sign(axes_matrix[np.argmax(np.abs(axes_matrix), axis=0), np.arange(axes)])
    axes_matrix = axes_matrix * signs  # an axis's sign is arbitrary in the SVD: fix it, for the same bytes
    unplaced = Place(mean, scale, axes_matrix, np.zeros((0, axes)), np.zeros(0, dtype=bool), min_crisis)
    bank = unplaced.place(np.concatenate([train, known]))
    crisis = np.concatenate([np.asarray(train_crisis, dtype=bool), np.asarray(known_crisis, dtype=bool)])
    return Place(mean, scale, axes_matrix, bank, crisis, min_crisis, columns)


def build(train_features: np.ndarray, train_crisis: np.ndarray, known_features: np.ndarray,
          known_crisis: np.ndarray, model: str, data: str, axes: int = AXES,
          word_columns: int = WORD_COLUMNS) -> Neighbours:
    """The bank of known posts in both places (see the module docstring)."""
    args = (train_features, train_crisis, known_features, known_crisis)
    return Neighbours(build_place(*args, MIN_CRISIS_NEIGHBOURS, axes=axes),
                      build_place(*args, MIN_WORD_CRISIS_NEIGHBOURS, columns=word_columns, axes=axes), model, data)

"""The framing classifier: fine-tuned MiniLM features → linear softmax head, combined with the crisis safety net.

Combination rule (the deployed behaviour, also used by eval-classifier):
    final label = "crisis"  if the safety net hits the whole text
                            OR the model's crisis probability >= framing.crisis_threshold;
                  otherwise the model's argmax over the six labels.
The net can only add "crisis"; it never lowers a crisis label from the model. A crisis call from the
model alone (the net silent) is set aside when the model folder ships known posts (neighbours.py) and
too few of the post's nearest known posts are crises, by the model's reading or by its words; the label is
then the model's likeliest other label. The net's calls are never set aside, and if reading the known posts fails the
model's calls stand (logged, without the text).

The model reads the whole text too. A text of at most 254 tokens (every training and held-out
line) is one window, scored exactly as it always was. A longer one is cut into overlapping windows
of at most 254 tokens (windows.py); the windows of all texts in a call go through the encoder
together, and a text's `scores` are the MEAN of its windows' probabilities for every label EXCEPT
crisis, which is the MAXIMUM over its windows (so a crisis line anywhere counts in full, and the
scores of a long text need not sum to exactly 1). `max_chars` (framing.max_chars) no longer hides
anything from the model: it is kept for training, which still reads the first max_chars
characters of each training line.

Each text is cleaned first (windows.sanitise: lone surrogates become U+FFFD), so one member's odd
input cannot fail another's. The model then reads the text with its chat spellings written out
(normalise.py: "rn" → "right now", "ngl" → "not gonna lie"), as it was trained; the windows are cut
from that normalised text. The safety net reads her own words, never the normalised ones.
`FramingResult.window` says which window decided a long text's crisis score (the one with the
maximum), for `/framing try`. `classify_each` returns, per text, its result or the exception that
text alone raised; `classify` raises if any text fails (FramingBatcher then retries each alone).

`classify` is synchronous and CPU-bound: the bot calls it through `FramingBatcher`, on one
dedicated worker thread, never on the event loop. Nothing here logs or keeps the text.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.core.framing.adapter import ADAPTER_FILE, Adapter
from bot.core.framing.head import HEAD_FILE, LinearHead
from bot.core.framing.labels import LABELS
from bot.core.framing.neighbours import Neighbours, NeighboursError, model_hash
from bot.core.framing.normalise import normalise
from bot.core.framing.safety_net import DEFAULT_PATH as SAFETY_NET_FILE
from bot.core.framing.safety_net import SafetyNet, SafetyNetHit
from bot.core.framing.serving import OnnxEncoder
from bot.core.framing.windows import Tokens, cut, sanitise

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FramingResult:
    label: str
    scores: dict[str, float]  # the model's probability per label (long text: window mean; crisis: window max)
    model_label: str  # the model's argmax, before the combination rule
    net_hits: tuple[SafetyNetHit, ...] = field(default=())
    window: int = 0  # the window with the highest crisis probability (0 when the text is one window)
    windows: int = 1  # how many windows the model read the (normalised) text in
    known_crises: int | None = None  # of the nearest known posts by the model, how many are crises (model-only calls)
    known_word_crises: int | None = None  # and of the nearest by its words
    set_aside: bool = False  # the model's crisis call was set aside by its nearest known posts

    @property
    def net_fired(self) -> bool:
        return bool(self.net_hits)

    @property
    def crisis_reason(self) -> str | None:
        """Why the result is crisis, for the moderator alert (never the member's words)."""
        if self.label != "crisis":
            return None
        if self.net_hits:
            return f"crisis language (safety net: {self.net_hits[0].category})"
        return "crisis language (model)"


def combine(probabilities: np.ndarray, net_hit: bool, crisis_threshold: float, set_aside: bool = False) -> str:
    """The combination rule for one message (see the module docstring)."""
    crisis = LABELS.index("crisis")
    if net_hit or (probabilities[crisis] >= crisis_threshold and not set_aside):
        return "crisis"
    if set_aside:
        others = np.array(probabilities, dtype=float)
        others[crisis] = -1.0
        return LABELS[int(np.argmax(others))]
    return LABELS[int(np.argmax(probabilities))]


class FramingClassifier:
    def __init__(self, encoder: object, head: LinearHead, net: SafetyNet, crisis_threshold: float,
                 max_chars: int, neighbours: Neighbours | None = None) -> None:
        self.encoder = encoder
        self.head = head
        self.net = net
        self.crisis_threshold = crisis_threshold
        self.max_chars = max_chars
        self.neighbours = neighbours

    @classmethod
    def load(cls, crisis_threshold: float, max_chars: int, head_path: Path = HEAD_FILE,
             adapter_path: Path = ADAPTER_FILE, net_path: Path = SAFETY_NET_FILE,
             threads: int = 1, known_posts: bool = True) -> FramingClassifier:
        """The bundled MiniLM with the trained adapter, served by ONNX Runtime (serving.py: no torch),
        the head, the known posts beside the head when its folder has them (neighbours.safetensors,
        which must have been built for this adapter and head) and the safety net. `threads`: ONNX
        Runtime's intra-op threads (framing.threads). `known_posts=False` leaves the known posts out
        (the model alone: for building them).

        Raises ModelMissingError (ServingModelError and NeighboursError among them), HeadError or
        AdapterError with a message that says what to run.
        """
        head = LinearHead.load(head_path)
        encoder = OnnxEncoder.load(adapter=Adapter.load(adapter_path), threads=threads)
        neighbours = None
        neighbours_path = head_path.parent / "neighbours.safetensors"
        if known_posts and neighbours_path.exists():
            neighbours = Neighbours.load(neighbours_path)
            if neighbours.model != model_hash(adapter_path, head_path):
                raise NeighboursError(f"{neighbours_path} was built for another adapter or head: run "
                                      "`python -m bot build-neighbours` after changing the model")
        return cls(encoder, head, SafetyNet.from_file(net_path), crisis_threshold, max_chars, neighbours)

    def windows(self, text: str) -> list[str]:
        """The windows the model reads for text: its normalised form when the model can read that in
        one go, else that form's overlapping windows."""
        text = normalise(text)
        spans, word_starts = self.encoder.token_spans(text)  # type: ignore[attr-defined]
        return [text[a:b] for a, b in cut(text, Tokens(spans, word_starts))]

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """The model's six probabilities for each text, pooled over its windows (see the docstring)."""
        outcomes = self._probabilities_each([sanitise(text) for text in texts])
        rows = []
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                raise outcome
            rows.append(outcome.row)
        return np.stack(rows) if rows else np.zeros((0, len(LABELS)))

    def classify(self, texts: Sequence[str]) -> list[FramingResult]:
        """Classify texts in one forward pass; raises the first failure if any text cannot be scored."""
        outcomes = self.classify_each(texts)
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                raise outcome
        return outcomes  # type: ignore[return-value]

    def classify_each(self, texts: Sequence[str]) -> list[FramingResult | Exception]:
        """Per text, its result or the exception that text raised on its own; one bad text never
        costs another its result."""
        if not texts:
            return []
        cleaned: list[str | Exception] = []
        for text in texts:
            try:
                cleaned.append(sanitise(text))
            except Exception as exc:  # not a str at all
                cleaned.append(exc)
        probabilities = self._probabilities_each(cleaned)
        hits: list[tuple[SafetyNetHit, ...] | Exception] = []
        for text, pooled in zip(cleaned, probabilities, strict=True):
            if isinstance(text, Exception) or isinstance(pooled, Exception):
                hits.append(())
                continue
            try:
                hits.append(tuple(self.net.check(text)))
            except Exception as exc:
                hits.append(exc)
        known = self._known_crises(probabilities, hits)
        results: list[FramingResult | Exception] = []
        for i, (text, pooled, hit) in enumerate(zip(cleaned, probabilities, hits, strict=True)):
            if isinstance(text, Exception):
                results.append(text)
            elif isinstance(pooled, Exception):
                results.append(pooled)
            elif isinstance(hit, Exception):
                results.append(hit)
            else:
                row = pooled.row
                counts, set_aside = known.get(i, (None, False))
                results.append(FramingResult(
                    label=combine(row, bool(hit), self.crisis_threshold, set_aside),
                    scores={label: float(p) for label, p in zip(LABELS, row, strict=True)},
                    model_label=LABELS[int(np.argmax(row))],
                    net_hits=hit,
                    window=pooled.window,
                    windows=pooled.windows,
                    known_crises=None if counts is None else int(counts[0]),
                    known_word_crises=None if counts is None else int(counts[1]),
                    set_aside=set_aside,
                ))
        return results

    def _known_crises(self, pooled: Sequence[Pooled | Exception],
                      hits: Sequence[tuple[SafetyNetHit, ...] | Exception]) -> dict[int, tuple[np.ndarray, bool]]:
        """For each text the model alone calls crisis (the net silent), how many of its nearest known posts
        are crises by the model and by its words, and whether that sets the call aside; empty without known
        posts. Only these calls can be set aside."""
        if self.neighbours is None:
            return {}
        crisis = LABELS.index("crisis")
        asked = [i for i, (p, hit) in enumerate(zip(pooled, hits, strict=True))
                 if isinstance(p, Pooled) and hit == () and p.row[crisis] >= self.crisis_threshold]
        if not asked:
            return {}
        try:
            counts = self.neighbours.crisis_neighbours(np.stack([pooled[i].features for i in asked]))  # type: ignore[union-attr]
            aside = self.neighbours.sets_aside(counts)
        except Exception:  # a failure here must never cost a crisis call: the model's calls stand
            log.exception("the known posts could not be read; %d crisis calls from the model stand", len(asked))
            return {}
        return {i: (row, bool(flag)) for i, row, flag in zip(asked, counts, aside, strict=True)}

    def _probabilities_each(self, texts: Sequence[str | Exception]) -> list[Pooled | Exception]:
        """Pooled probabilities per text: all windows of all texts are encoded together; when that
        fails, each text is encoded alone so only the one that really fails gets an exception."""
        outcomes: list[Pooled | Exception] = []
        windows: list[list[str]] = []
        for text in texts:
            if isinstance(text, Exception):  # already failed (classify_each passes it through)
                windows.append([])
                outcomes.append(text)
                continue
            try:
                windows.append(self.windows(text))
                outcomes.append(_PENDING)
            except Exception as exc:
                windows.append([])
                outcomes.append(exc)
        scored = [i for i, outcome in enumerate(outcomes) if not isinstance(outcome, Exception)]
        try:
            features, rows = self._window_rows([w for i in scored for w in windows[i]])
        except Exception as exc:
            if len(scored) == 1:
                outcomes[scored[0]] = exc
                return outcomes
            for i in scored:
                try:
                    outcomes[i] = pool(*self._window_rows(windows[i]))
                except Exception as alone:
                    outcomes[i] = alone
            return outcomes
        at = 0
        for i in scored:
            outcomes[i] = pool(features[at:at + len(windows[i])], rows[at:at + len(windows[i])])
            at += len(windows[i])
        return outcomes

    def _window_rows(self, windows: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The encoder's features and the head's probabilities for each window."""
        if not windows:
            return np.zeros((0, 0)), np.zeros((0, len(LABELS)))
        features = self.encoder.encode(windows)  # type: ignore[attr-defined]
        return features, self.head.probabilities(features)


@dataclass(frozen=True)
class Pooled:
    row: np.ndarray  # the six probabilities
    window: int  # the window whose crisis probability is the text's
    windows: int
    features: np.ndarray  # that window's encoder features (where the post sits among known posts)


_PENDING = Pooled(np.empty(0), 0, 0, np.empty(0))  # a placeholder until the forward pass


def pool(features: np.ndarray, rows: np.ndarray) -> Pooled:
    """One text's probabilities from its windows': the mean, except crisis, which is the maximum.
    One window is returned as it is."""
    if len(rows) == 1:
        return Pooled(rows[0], 0, 1, features[0])
    pooled = rows.mean(axis=0)
    crisis = LABELS.index("crisis")
    deciding = int(np.argmax(rows[:, crisis]))
    pooled[crisis] = rows[deciding, crisis]
    return Pooled(pooled, deciding, len(rows), features[deciding])

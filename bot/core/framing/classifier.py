"""The framing classifier: fine-tuned MiniLM features → linear softmax head, combined with the crisis safety net.

Combination rule (the deployed behaviour, also used by eval-classifier):
    final label = "crisis"  if the safety net hits the whole text
                            OR the model's crisis probability >= framing.crisis_threshold;
                  otherwise the model's argmax over the six labels.
The net can only add "crisis"; it never lowers a crisis label from the model. The model reads at
most framing.max_chars characters (and 256 tokens); the net always reads the whole text.

`classify` is synchronous and CPU-bound: the bot calls it through `FramingBatcher`, on one
dedicated worker thread, never on the event loop. Nothing here logs or keeps the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.core.framing.adapter import ADAPTER_FILE, Adapter
from bot.core.framing.encoder import MiniLMEncoder
from bot.core.framing.head import HEAD_FILE, LinearHead
from bot.core.framing.labels import LABELS
from bot.core.framing.safety_net import DEFAULT_PATH as SAFETY_NET_FILE
from bot.core.framing.safety_net import SafetyNet, SafetyNetHit


@dataclass(frozen=True)
class FramingResult:
    label: str
    scores: dict[str, float]  # the model's probability for each of the six labels
    model_label: str  # the model's argmax, before the combination rule
    net_hits: tuple[SafetyNetHit, ...] = field(default=())

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


def combine(probabilities: np.ndarray, net_hit: bool, crisis_threshold: float) -> str:
    """The combination rule for one message (see the module docstring)."""
    if net_hit or probabilities[LABELS.index("crisis")] >= crisis_threshold:
        return "crisis"
    return LABELS[int(np.argmax(probabilities))]


class FramingClassifier:
    def __init__(self, encoder: object, head: LinearHead, net: SafetyNet, crisis_threshold: float,
                 max_chars: int) -> None:
        self.encoder = encoder
        self.head = head
        self.net = net
        self.crisis_threshold = crisis_threshold
        self.max_chars = max_chars

    @classmethod
    def load(cls, crisis_threshold: float, max_chars: int, head_path: Path = HEAD_FILE,
             adapter_path: Path = ADAPTER_FILE, net_path: Path = SAFETY_NET_FILE) -> FramingClassifier:
        """The bundled MiniLM with the trained adapter, the head and the safety net.

        Raises ModelMissingError, HeadError or AdapterError with a message that says what to run.
        """
        head = LinearHead.load(head_path)
        encoder = MiniLMEncoder.load(adapter=Adapter.load(adapter_path))
        return cls(encoder, head, SafetyNet.from_file(net_path), crisis_threshold, max_chars)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        features = self.encoder.encode([text[: self.max_chars] for text in texts])  # type: ignore[attr-defined]
        return self.head.probabilities(features)

    def classify(self, texts: Sequence[str]) -> list[FramingResult]:
        """Classify texts in one forward pass."""
        if not texts:
            return []
        probabilities = self.probabilities(texts)
        results = []
        for text, row in zip(texts, probabilities, strict=True):
            hits = tuple(self.net.check(text))
            results.append(FramingResult(
                label=combine(row, bool(hits), self.crisis_threshold),
                scores={label: float(p) for label, p in zip(LABELS, row, strict=True)},
                model_label=LABELS[int(np.argmax(row))],
                net_hits=hits,
            ))
        return results

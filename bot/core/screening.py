"""Screening a member's words for crisis: the first step for every word she sends.

The safety net (curated patterns) always reads the whole text and needs no model, so it runs
first and can never be skipped. The model then reads the text (over windows, see
framing/classifier.py) through the batcher, within `framing.model_timeout_seconds`. If the model
raises or is too slow, the text is still screened by the net: the failure is counted and logged
without the words, and the words go on through the pipeline. Screening never fails open.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.core.framing.classifier import FramingResult
from bot.core.framing.safety_net import SafetyNet, SafetyNetHit, lead
from bot.core.framing.tiers import Tier, crisis_tier

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Screened:
    """What screening found. Holds no text: it may be kept while she decides what to do next."""

    crisis: bool
    result: FramingResult | None  # None when the model was off, failed or timed out
    net_hits: tuple[SafetyNetHit, ...] = ()
    model_failed: bool = False
    tier: Tier | None = None  # urgent | worried when crisis (framing/tiers.py)

    @property
    def lead(self) -> str:
        """What her urgent message leads with (safety_net.LEADS): her, someone else in danger, or an overdose taken."""
        return lead(self.net_hits)

    @property
    def reason(self) -> str:
        """Why this is crisis, for the moderator alert (never her words)."""
        if self.lead == "someone_else":
            return f"someone she knows may be in danger (safety net: {self.net_hits[0].category})"
        if self.lead == "overdose":
            taken = next(hit for hit in self.net_hits if hit.taken)
            return f"she says she has taken an overdose (safety net: {taken.category})"
        if self.net_hits:
            return f"crisis language (safety net: {self.net_hits[0].category})"
        return "crisis language (model)"


@dataclass
class ScreeningStats:
    """Counts since start (for the log and tests); never any text."""

    screened: int = 0
    model_failures: int = 0
    model_timeouts: int = 0
    crisis: int = 0
    by_net_only: int = 0


# The model call the screener uses: `FramingService.classify` in the bot.
Classify = Callable[[str], Awaitable[FramingResult]]


def clean(text: str) -> str:
    """Text that every later step can encode: lone surrogates and other unencodable points replaced."""
    return text.encode("utf-8", "replace").decode("utf-8")


class Screener:
    def __init__(self, net: SafetyNet, classify: Classify | None, timeout_seconds: float,
                 urgent_threshold: float = 0.5) -> None:
        self._net = net
        self._classify = classify
        self._timeout = timeout_seconds
        self._urgent = urgent_threshold
        self.stats = ScreeningStats()

    async def screen(self, text: str) -> Screened:
        text = clean(text)
        self.stats.screened += 1
        hits = tuple(self._net.check(text))
        result: FramingResult | None = None
        failed = False
        if self._classify is not None:
            try:
                result = await asyncio.wait_for(self._classify(text), self._timeout)
            except TimeoutError:
                failed = True
                self.stats.model_timeouts += 1
                log.warning("The framing model took longer than %.1f s; screened by the safety net alone",
                            self._timeout)
            except Exception as exc:
                failed = True
                self.stats.model_failures += 1
                # The exception's type only: its message could quote the text.
                log.error("The framing model failed (%s); screened by the safety net alone", type(exc).__name__)
        crisis = bool(hits) or (result is not None and result.label == "crisis")
        if crisis:
            self.stats.crisis += 1
            if result is None:
                self.stats.by_net_only += 1
        if result is not None and hits and not result.net_hits:
            result = replace(result, label="crisis", net_hits=hits)
        tier: Tier | None = None
        if crisis:
            # Without the model's reading (failure, or no model), the net's hit is urgent.
            tier = "urgent" if result is None else crisis_tier(result, self._urgent)
        return Screened(crisis, result, hits or (result.net_hits if result else ()), failed, tier)

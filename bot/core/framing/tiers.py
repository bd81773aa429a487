"""Two tiers of crisis response, from one classification.

- **urgent**: the safety net fired, or the model's crisis probability is at least
  `framing.urgent_threshold`. Full care: the resources led by the emergency number, an alert that
  mentions the moderator role, re-alerts and escalation (bot/core/alerts.py).
- **worried**: the model's crisis probability is in the uncertain band from
  `framing.crisis_threshold` up to `framing.urgent_threshold`, and the net is silent. A gentler
  private message that still lists the crisis lines (without "call 999 now"), and a moderator note
  in the flag queue with no role ping, re-alert or escalation.

Both tiers count as crisis (for recall, counts and the pipeline); only the response differs.
"""

from __future__ import annotations

from typing import Literal

from bot.core.framing.classifier import FramingResult

Tier = Literal["urgent", "worried"]


def crisis_tier(result: FramingResult, urgent_threshold: float) -> Tier | None:
    """The tier of a classification, or None when it is not crisis."""
    if result.label != "crisis":
        return None
    if result.net_fired or result.scores["crisis"] >= urgent_threshold:
        return "urgent"
    return "worried"

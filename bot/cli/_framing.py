"""Shared start-up for the framing commands: load the classifier or print one clear line."""

from __future__ import annotations

from bot.cli._common import fail
from bot.settings import Settings


def load_classifier(settings: Settings) -> object | None:
    """The FramingClassifier, or None after printing one `error:` line (model or head missing)."""
    from bot.core.framing.classifier import FramingClassifier
    from bot.core.framing.encoder import ModelMissingError
    from bot.core.framing.head import HeadError

    try:
        return FramingClassifier.load(settings.framing.crisis_threshold, settings.framing.max_chars,
                                      threads=settings.framing.threads)
    except (ModelMissingError, HeadError) as exc:
        fail(str(exc))
        return None

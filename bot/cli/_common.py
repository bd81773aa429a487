"""Shared start-up for CLI commands: settings and logging, with one-line errors (exit 2)."""

from __future__ import annotations

import sys

from bot.logging_setup import setup_logging
from bot.settings import Settings, SettingsError, load_settings


def fail(message: str, code: int = 2) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


def settings_or_exit(*, log_to_file: bool = True) -> Settings | None:
    """Load and validate settings, set up logging; print one line and return None if invalid."""
    try:
        settings = load_settings()
    except SettingsError as exc:
        fail(f"invalid setting {exc}")
        return None
    setup_logging(
        settings.bot.log_level,
        settings.bot.log_path if log_to_file else None,
        settings.bot.log_max_bytes,
        settings.bot.log_backups,
    )
    return settings

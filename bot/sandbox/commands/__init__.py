"""Sandbox commands, one module per feature; each `register(sandbox)` adds its commands."""

from __future__ import annotations

from bot.sandbox.commands import checkins, data, framing, groups, help, moderation, outcomes, server_setup
from bot.sandbox.runner import Sandbox


def register_all(sandbox: Sandbox) -> None:
    for module in (groups, moderation, data, checkins, outcomes, framing, server_setup, help):
        module.register(sandbox)

"""Connect to Discord and serve the groups until stopped (SIGINT/SIGTERM shut down cleanly)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from datetime import UTC

from bot.cli._common import fail, settings_or_exit

NAME = "run"
HELP = "connect to Discord and run the bot (needs DISCORD_TOKEN)"
NO_CREDENTIALS_HELP = (
    "DISCORD_TOKEN is not set: create a bot at https://discord.com/developers/applications "
    "(New Application → Bot → Reset Token), then run `export DISCORD_TOKEN=<your token>` "
    "(or try it offline with `python -m bot sandbox`)."
)

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults()


async def serve(token: str, classifier: object) -> None:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.client import PeerBot
    from bot.services import open_services

    settings = settings_or_exit()
    assert settings is not None
    async with open_services(settings, classifier=classifier) as services:  # type: ignore[arg-type]
        scheduler = AsyncIOScheduler(timezone=UTC)
        bot = PeerBot(services, scheduler, classifier=classifier)
        loop = asyncio.get_running_loop()
        stopping: list[asyncio.Task[None]] = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, lambda: stopping.append(loop.create_task(bot.close())))
        scheduler.start()
        try:
            async with bot:
                await bot.start(token)
        finally:
            scheduler.shutdown(wait=False)
            for task in stopping:
                await task
            log.info("Stopped: scheduler shut down, closing the database")


def run(args: argparse.Namespace) -> int:
    token = os.environ.get("DISCORD_TOKEN", "").strip()
    if not token:
        return fail(NO_CREDENTIALS_HELP)
    settings = settings_or_exit()
    if settings is None:
        return 2
    import discord

    from bot.cli._framing import load_classifier
    from bot.core.privacy import SecretKeyError
    from bot.store import MigrationError

    # The framing model is opened once here, before the bot starts, and handed to the services.
    classifier = load_classifier(settings)
    if classifier is None:
        return 2
    try:
        asyncio.run(serve(token, classifier))
    except discord.LoginFailure:
        return fail("Discord refused the token in DISCORD_TOKEN: reset it in the developer portal and set it again.")
    except discord.PrivilegedIntentsRequired:
        return fail("Enable the Server Members and Message Content intents for the bot in the developer portal "
                    "(Bot → Privileged Gateway Intents), then start again.")
    except (SecretKeyError, MigrationError) as exc:
        return fail(str(exc))
    return 0

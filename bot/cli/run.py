"""Connect to Discord and serve the groups until stopped (SIGINT/SIGTERM shut down cleanly).

By default one plain gateway connection. `--shards auto` uses Discord's sharding with the count Discord
recommends; `--shard-count N` runs all N shards here; `--shard-count N --shard-ids 0,1` runs only those
shards, and this process then arms check-ins, re-alerts and purges only for their servers (the other
processes, on the same PostgreSQL database, run the rest). The same as bot.shards, bot.shard_count and
bot.shard_ids in the settings; the options win.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import os
import signal
from datetime import UTC
from typing import TYPE_CHECKING

from bot.cli._common import fail, settings_or_exit
from bot.settings import SettingsError

if TYPE_CHECKING:
    from bot.client import PeerBot
    from bot.settings import Settings

NAME = "run"
HELP = "connect to Discord and run the bot (needs DISCORD_TOKEN)"
NO_CREDENTIALS_HELP = (
    "DISCORD_TOKEN is not set: create a bot at https://discord.com/developers/applications "
    "(New Application → Bot → Reset Token), then run `export DISCORD_TOKEN=<your token>` "
    "(or try it offline with `python -m bot sandbox`)."
)
LOGIN_REFUSED_HELP = "Discord refused the token in DISCORD_TOKEN: reset it in the developer portal and set it again."
EX_OK = 0
EX_CONFIG = 2  # fix something first: a restart would fail the same way
EX_TEMPFAIL = 75  # Discord could not be reached: worth trying again later (sysexits.h EX_TEMPFAIL)
EPILOG = f"""\
exit status:
  {EX_OK}    stopped cleanly (SIGINT or SIGTERM); running commands and jobs had up to 10 s to finish
  1    an unexpected error (a bug: Python prints the traceback)
  {EX_CONFIG}    fix something first, do not restart: DISCORD_TOKEN missing or refused, privileged
       intents not enabled, an invalid or unknown setting, the secret key or a migration refused,
       a data file open to other accounts that could not be made private
  {EX_TEMPFAIL}   Discord could not be reached at start (network, DNS), even after bot.connect_retries
       retries with back-off, or the PostgreSQL server in bot.database_url could not be
       reached: try again later (a service manager may restart it)
  130  interrupted before the bot was running

With systemd: Restart=on-failure and RestartPreventExitStatus={EX_CONFIG}.
"""
# Waits between tries when Discord cannot be reached at start: 5, 10, 20, 40, 60, 60 … seconds.
FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 60.0

log = logging.getLogger(__name__)


class DiscordUnreachable(Exception):
    """Discord could not be reached at start, however many times we tried."""


def shard_ids(text: str) -> tuple[int, ...]:
    """`0,1` → (0, 1), for --shard-ids."""
    parts = [part.strip() for part in text.split(",")]
    bad = next((part for part in parts if not part.isdigit()), None)
    if bad is not None:
        raise argparse.ArgumentTypeError(f"shard ids are whole numbers from 0 separated by commas, like 0,1 "
                                         f"(got {bad!r})")
    return tuple(int(part) for part in parts)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--shards", choices=("off", "auto"),
                        help="'auto': Discord's sharding with the count Discord recommends, all shards in this "
                             "process; 'off': one plain connection (the default, unless --shard-count is given)")
    parser.add_argument("--shard-count", type=int, metavar="N",
                        help="how many shards the bot has in all (this process runs all of them unless "
                             "--shard-ids says which)")
    parser.add_argument("--shard-ids", type=shard_ids, metavar="IDS",
                        help="the shards this process runs, like 0,1 (of --shard-count); it then arms "
                             "check-ins, re-alerts and purges only for their servers")


def with_shard_options(settings: Settings, args: argparse.Namespace) -> Settings:
    """The settings with --shards, --shard-count and --shard-ids applied (SettingsError when they conflict)."""
    changes: dict[str, object] = {}
    if getattr(args, "shards", None) is not None:
        changes["shards"] = args.shards
    if getattr(args, "shard_count", None) is not None:
        changes["shard_count"] = args.shard_count
    if getattr(args, "shard_ids", None) is not None:
        changes["shard_ids"] = args.shard_ids
    if not changes:
        return settings
    bot = dataclasses.replace(settings.bot, **changes)
    bot.validate()
    return dataclasses.replace(settings, bot=bot)


def retry_delays(retries: int, first: float | None = None, cap: float | None = None) -> list[float]:
    """Exponential back-off between tries: `retries` waits, doubling from `first`, never above `cap`."""
    first = FIRST_RETRY_SECONDS if first is None else first
    cap = MAX_RETRY_SECONDS if cap is None else cap
    return [min(first * 2**attempt, cap) for attempt in range(retries)]


def unreachable_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean Discord could not be reached (network, DNS, time-outs, Discord's own 5xx)."""
    import aiohttp
    import discord

    # OSError covers aiohttp.ClientConnectorError, DNS failures (socket.gaierror) and TimeoutError.
    return OSError, aiohttp.ClientConnectionError, discord.GatewayNotFound, discord.DiscordServerError


def describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:160]}" if text else type(exc).__name__


async def serve(token: str, classifier: object, settings: Settings) -> None:
    """Log in (retrying while Discord cannot be reached), run until a signal, then stop cleanly.

    Stopping: the bot refuses new commands, waits (bounded) for those running and for scheduled
    jobs, closes its connection; then the scheduler is shut down and the database closed."""
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.client import ShardOptions, new_bot
    from bot.services import open_services

    delays = retry_delays(settings.bot.connect_retries)
    unreachable = unreachable_errors()
    async with open_services(settings, classifier=classifier) as services:  # type: ignore[arg-type]
        scheduler = AsyncIOScheduler(timezone=UTC)
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()
        current: list[PeerBot] = []
        closing: list[asyncio.Task[None]] = []

        def on_signal() -> None:
            stop.set()
            if current:
                closing.append(loop.create_task(current[-1].close()))

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal)
        shards = ShardOptions.from_settings(settings.bot)
        if shards is not None:
            log.info("Sharded: running %s; due work (check-ins, re-alerts, purges) for %s", shards.describe(),
                     services.shards.describe())
        try:
            for attempt in range(len(delays) + 1):
                # A fresh bot per try: a failed login leaves nothing loaded and its HTTP session closed.
                bot = new_bot(services, scheduler, classifier=classifier)
                current[:] = [bot]
                async with bot:
                    try:
                        await bot.login(token)
                    except unreachable as exc:
                        if stop.is_set():
                            return
                        if attempt == len(delays):
                            raise DiscordUnreachable(
                                f"Discord could not be reached after {attempt + 1} tries ({describe(exc)}). "
                                "Check the network and DNS; a service manager can start it again later."
                            ) from None
                        log.warning("Discord cannot be reached (%s): trying again in %.0f s (try %d of %d)",
                                    describe(exc), delays[attempt], attempt + 2, len(delays) + 1)
                    except Exception:
                        if stop.is_set():  # stopped while logging in: the session was closed under it
                            return
                        raise
                    else:
                        if stop.is_set():
                            return
                        await bot.warn_if_commands_changed()
                        scheduler.start()
                        await bot.connect()
                        return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delays[attempt])
                if stop.is_set():
                    return
        finally:
            for task in closing:
                await task
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)
            if scheduler.running:
                scheduler.shutdown(wait=False)
            log.info("Stopped: scheduler shut down, closing the database")


def run(args: argparse.Namespace) -> int:
    token = os.environ.get("DISCORD_TOKEN", "").strip()
    if not token:
        return fail(NO_CREDENTIALS_HELP)
    settings = settings_or_exit()
    if settings is None:
        return EX_CONFIG
    try:
        settings = with_shard_options(settings, args)
    except SettingsError as exc:
        return fail(f"invalid setting {exc}")
    import discord

    from bot.cli._framing import load_classifier
    from bot.core.privacy import SecretKeyError
    from bot.store import MigrationError
    from bot.store.open import DatabaseUnavailable

    # The framing model is opened once here, before the bot starts, and handed to the services.
    classifier = load_classifier(settings)
    if classifier is None:
        return EX_CONFIG
    try:
        asyncio.run(serve(token, classifier, settings))
    except (DiscordUnreachable, DatabaseUnavailable) as exc:
        return fail(str(exc), EX_TEMPFAIL)
    except discord.LoginFailure:
        return fail(LOGIN_REFUSED_HELP)
    except discord.PrivilegedIntentsRequired:
        return fail("Enable the Server Members and Message Content intents for the bot in the developer portal "
                    "(Bot → Privileged Gateway Intents), then start again.")
    except (SecretKeyError, MigrationError) as exc:
        return fail(str(exc))
    return EX_OK

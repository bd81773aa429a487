"""Publish the slash commands to Discord (deliberately, not on every start).

It records a signature of what it published; `run` warns when the commands differ from it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from datetime import UTC

from bot.cli._common import fail, settings_or_exit
from bot.cli.run import EX_CONFIG, EX_TEMPFAIL, LOGIN_REFUSED_HELP, NO_CREDENTIALS_HELP, describe, unreachable_errors

NAME = "sync"
HELP = "publish the slash commands to Discord (run after changing commands)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--guild", type=int, help="sync to one server only (instant; good for testing)")


async def _sync(token: str, guild_id: int | None) -> int:
    import discord
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.client import PeerBot
    from bot.services import open_services

    settings = settings_or_exit()
    assert settings is not None
    async with open_services(settings) as services:
        bot = PeerBot(services, AsyncIOScheduler(timezone=UTC))
        async with bot:
            await bot.login(token)
            guild = discord.Object(id=guild_id) if guild_id else None
            if guild is not None:
                bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            await bot.record_sync()
    return len(synced)


def run(args: argparse.Namespace) -> int:
    token = os.environ.get("DISCORD_TOKEN", "").strip()
    if not token:
        return fail(NO_CREDENTIALS_HELP)
    if settings_or_exit() is None:
        return EX_CONFIG
    import discord

    try:
        count = asyncio.run(_sync(token, args.guild))
    except discord.LoginFailure:
        return fail(LOGIN_REFUSED_HELP)
    except unreachable_errors() as exc:
        return fail(f"Discord could not be reached ({describe(exc)}); nothing was published. Try again later.",
                    EX_TEMPFAIL)
    where = f"server {args.guild}" if args.guild else "all servers (may take up to an hour to appear)"
    print(f"Synced {count} commands to {where}.")
    return 0

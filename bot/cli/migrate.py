"""Apply the database migrations and report the schema version."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli._common import fail, settings_or_exit
from bot.store import Database, MigrationError

NAME = "migrate"
HELP = "create or upgrade the database to the latest schema"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults()


async def _migrate(path: object) -> tuple[list[int], int]:
    async with await Database.open(path) as db:  # type: ignore[arg-type]
        applied = await db.migrate()
        return applied, await db.version()


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit()
    if settings is None:
        return 2
    path = settings.bot.database_path
    try:
        applied, version = asyncio.run(_migrate(path))
    except MigrationError as exc:
        return fail(str(exc), 1)
    if applied:
        print(f"{path}: applied migrations {', '.join(map(str, applied))}; now at version {version}")
    else:
        print(f"{path}: already at the latest version ({version})")
    return 0

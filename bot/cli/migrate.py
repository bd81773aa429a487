"""Apply the database migrations and report the schema version."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli._common import fail, settings_or_exit
from bot.settings import Settings
from bot.store import MigrationError

NAME = "migrate"
HELP = "create or upgrade the database to the latest schema"
DESCRIPTION = (
    "Create or upgrade the database to the latest schema: the SQLite file in bot.data_dir, or the PostgreSQL\n"
    "database in bot.database_url (PEERBOT_BOT__DATABASE_URL) or --database-url. `run` also does this at start."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--database-url", metavar="URL",
                        help="a PostgreSQL database (postgresql://USER@HOST:PORT/DBNAME) instead of the configured one")


async def _migrate(settings: Settings, url: str | None) -> tuple[list[int], int]:
    from bot.store.open import open_database

    async with open_database(settings, url) as db:
        applied = await db.migrate()
        return applied, await db.version()


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit()
    if settings is None:
        return 2
    from bot.store.open import DatabaseUnavailable, database_label

    try:
        where = database_label(settings, args.database_url)
        applied, version = asyncio.run(_migrate(settings, args.database_url))
    except (MigrationError, DatabaseUnavailable, ValueError) as exc:
        return fail(str(exc), 1 if isinstance(exc, MigrationError) else 2)
    if applied:
        print(f"{where}: applied migrations {', '.join(map(str, applied))}; now at version {version}")
    else:
        print(f"{where}: already at the latest version ({version})")
    return 0

"""``python -m bot migrate-to URL``: copy the SQLite database into an empty PostgreSQL database."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli._common import fail, settings_or_exit

NAME = "migrate-to"
HELP = "copy the SQLite database into an empty PostgreSQL database (then set bot.database_url to it)"
DESCRIPTION = """\
Copy every table of the SQLite database (bot.data_dir/bot.database, or --from FILE) into an empty
PostgreSQL database, in migration order and in one transaction, and check that every table has the
same number of rows on both sides. Stop the bot first. Nothing is kept in PostgreSQL if anything
fails, and the SQLite file is left in place (it is migrated to the latest version first, as `run`
would). The secret key's fingerprint is copied too: keep using the same PEERBOT_SECRET_KEY or key file.
Then start the bot with PEERBOT_BOT__DATABASE_URL=URL. See docs/DEPLOYMENT.md."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("url", metavar="URL", help="the empty PostgreSQL database: postgresql://USER@HOST:PORT/DBNAME")
    parser.add_argument("--from", dest="source", type=Path, metavar="FILE",
                        help="the SQLite file to copy (default: the configured one)")


def _progress(line: str) -> None:
    print(f"  {line}", file=sys.stderr, flush=True)


async def _copy(source: Path, url: str, pool_size: int) -> list[object]:
    from bot.store.database import Database
    from bot.store.postgres import PostgresDatabase
    from bot.store.transfer import copy_sqlite_to_postgres

    async with await Database.open(source) as sqlite, await PostgresDatabase.open(url, pool_size=pool_size) as pg:
        return list(await copy_sqlite_to_postgres(sqlite, pg, _progress))


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    import asyncpg

    from bot.store import MigrationError
    from bot.store.postgres import is_postgres_url, redact_url
    from bot.store.transfer import TransferError

    if not is_postgres_url(args.url):
        return fail(f"URL must be a postgresql://… URL; got {redact_url(args.url)!r}")
    source: Path = args.source or settings.bot.database_path
    if not source.is_file():
        return fail(f"there is no SQLite database at {source} (check bot.data_dir or give --from FILE)")
    print(f"Copying {source} into {redact_url(args.url)}", file=sys.stderr)
    try:
        copied = asyncio.run(_copy(source, args.url, settings.bot.database_pool_size))
    except (TransferError, MigrationError) as exc:
        return fail(str(exc), 1)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        return fail(f"cannot use the PostgreSQL database {redact_url(args.url)}: {exc}")
    rows = sum(table.rows for table in copied)  # type: ignore[attr-defined]
    print(f"Copied {rows} rows in {len(copied)} tables; the row counts match. "
          f"Now start the bot with PEERBOT_BOT__DATABASE_URL={redact_url(args.url)}")
    return 0

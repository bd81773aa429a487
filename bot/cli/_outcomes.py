"""Opening the outcomes service for the research commands, without the Discord side or the secret key.

The export and the report only read pseudonymised tables, so they need neither the key nor a token.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.clock import SystemClock
from bot.core.outcomes.service import OutcomesService
from bot.services import configured_instruments
from bot.settings import Settings
from bot.store import Database


class NoDatabase(Exception):
    """There is no database file where the settings point."""


@asynccontextmanager
async def open_outcomes(settings: Settings) -> AsyncIterator[OutcomesService]:
    path = settings.bot.database_path
    if not path.exists():
        raise NoDatabase(f"there is no database at {path} (check bot.data_dir), so there is nothing to read")
    async with await Database.open(path) as db:
        await db.migrate()
        yield OutcomesService(db, SystemClock(), configured_instruments(settings), settings.research.k_anonymity)

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
from bot.store.open import DatabaseUnavailable, connect, database_url


class NoDatabase(Exception):
    """There is no database file where the settings point, or the PostgreSQL server cannot be reached."""


@asynccontextmanager
async def open_outcomes(settings: Settings) -> AsyncIterator[OutcomesService]:
    if not database_url(settings):
        path = settings.bot.database_path
        if not path.exists():
            raise NoDatabase(f"there is no database at {path} (check bot.data_dir), so there is nothing to read")
    try:
        db = await connect(settings)
    except DatabaseUnavailable as exc:
        raise NoDatabase(str(exc)) from None
    try:
        await db.migrate()
        yield OutcomesService(db, SystemClock(), configured_instruments(settings), settings.research.k_anonymity)
    finally:
        await db.close()

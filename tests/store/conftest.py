"""Store fixtures: an open database of the test's backend ([sqlite] and [postgres] variants)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store.database import Database
from bot.store.open import AnyDatabase
from bot.store.postgres import PostgresDatabase


async def _open(db_backend: str, tmp_path: Path, url: str) -> AnyDatabase:
    if db_backend == "postgres":
        return await PostgresDatabase.open(url, pool_size=4)
    return await Database.open(tmp_path / "store.sqlite3")


@pytest.fixture
async def database(db_backend: str, tmp_path: Path, postgres_url: str) -> AsyncIterator[AnyDatabase]:
    """A database migrated to the latest version."""
    db = await _open(db_backend, tmp_path, postgres_url)
    await db.migrate()
    yield db
    await db.close()


@pytest.fixture
async def empty_database(db_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[AnyDatabase]:
    """A database with no tables at all."""
    url = request.getfixturevalue("empty_postgres_url") if db_backend == "postgres" else ""
    db = await _open(db_backend, tmp_path, url)
    yield db
    await db.close()

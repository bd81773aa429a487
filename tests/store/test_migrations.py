import sqlite3
from pathlib import Path

import pytest

from bot.store import Database, MigrationError
from bot.store.database import discover_migrations


async def test_empty_database_migrates_to_latest(tmp_path: Path) -> None:
    numbers = [number for number, _ in discover_migrations()]
    latest = numbers[-1]
    async with await Database.open(tmp_path / "db.sqlite3") as db:
        applied = await db.migrate()
        assert applied == numbers
        assert await db.version() == latest
        assert {"meta", "guild_settings", "aliases", "flags", "audit_log"} <= set(await db.tables())
        assert await db.fetchval("PRAGMA journal_mode") == "wal"


async def test_rerunning_migrations_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    async with await Database.open(path) as db:
        await db.migrate()
        schema = await db.fetchall("SELECT sql FROM sqlite_master ORDER BY name")
    async with await Database.open(path) as db:
        assert await db.migrate() == []
        assert await db.fetchall("SELECT sql FROM sqlite_master ORDER BY name") == schema


async def test_failed_migration_leaves_previous_version_intact(tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_first.sql").write_text("CREATE TABLE one (id INTEGER PRIMARY KEY);\n")
    (migrations / "0002_broken.sql").write_text(
        "CREATE TABLE two (id INTEGER PRIMARY KEY);\nINSERT INTO one VALUES (1);\nTHIS IS NOT SQL;\n"
    )
    async with await Database.open(tmp_path / "db.sqlite3") as db:
        with pytest.raises(MigrationError, match=r"0002_broken\.sql failed.*stays at version 1"):
            await db.migrate(discover_migrations(migrations))
        assert await db.version() == 1
        assert "two" not in await db.tables()
        assert await db.fetchval("SELECT count(*) FROM one") == 0


def test_migration_numbers_must_be_unique(tmp_path: Path) -> None:
    (tmp_path / "0001_a.sql").write_text("")
    (tmp_path / "0001_b.sql").write_text("")
    with pytest.raises(MigrationError, match="must be unique"):
        discover_migrations(tmp_path)


def test_migration_names_are_checked(tmp_path: Path) -> None:
    (tmp_path / "first.sql").write_text("")
    with pytest.raises(MigrationError, match=r"NNNN_name\.sql"):
        discover_migrations(tmp_path)


async def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "db.sqlite3") as db:
        await db.migrate()
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
                await conn.execute("INSERT INTO meta (key, value) VALUES ('a', '2')")
        assert await db.fetchval("SELECT count(*) FROM meta WHERE key = 'a'") == 0


async def test_audit_log_is_append_only(services) -> None:
    db = services.db
    async with db.transaction() as conn:
        await services.audit.record(conn, 1, "p" * 64, "warn", "reason")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        await db.execute("UPDATE audit_log SET reason = 'changed'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        await db.execute("DELETE FROM audit_log")
    async with db.transaction() as conn:
        assert await services.audit.erase(conn, "guild_id = ?", (1,)) == 1
    assert await db.fetchval("SELECT count(*) FROM meta WHERE key = 'audit_erasure'") == 0

import sqlite3
from pathlib import Path

import pytest

from bot.store import Database, MigrationError
from bot.store.database import discover_migrations
from bot.store.open import INTEGRITY_ERRORS
from bot.store.postgres import postgres_migrations


def migrations_for(db) -> list[tuple[int, Path]]:
    return postgres_migrations() if db.dialect == "postgres" else discover_migrations()


async def test_empty_database_migrates_to_latest(empty_database) -> None:
    numbers = [number for number, _ in discover_migrations()]
    latest = numbers[-1]
    db = empty_database
    assert await db.version() == 0
    applied = await db.migrate()
    assert applied == numbers
    assert await db.version() == latest
    assert {"meta", "guild_settings", "aliases", "flags", "audit_log"} <= set(await db.tables())


async def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    async with await Database.open(tmp_path / "db.sqlite3") as db:
        await db.migrate()
        assert await db.fetchval("PRAGMA journal_mode") == "wal"


async def test_rerunning_migrations_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    async with await Database.open(path) as db:
        await db.migrate()
        schema = await db.fetchall("SELECT sql FROM sqlite_master ORDER BY name")
    async with await Database.open(path) as db:
        assert await db.migrate() == []
        assert await db.fetchall("SELECT sql FROM sqlite_master ORDER BY name") == schema


async def test_rerunning_migrations_is_a_no_op_on_both(database) -> None:
    version, tables = await database.version(), await database.tables()
    assert await database.migrate() == []
    assert (await database.version(), await database.tables()) == (version, tables)


async def test_failed_migration_leaves_previous_version_intact(empty_database, tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_first.sql").write_text("CREATE TABLE one (id INTEGER PRIMARY KEY);\n")
    (migrations / "0002_broken.sql").write_text(
        "CREATE TABLE two (id INTEGER PRIMARY KEY);\nINSERT INTO one VALUES (1);\nTHIS IS NOT SQL;\n"
    )
    db = empty_database
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


async def test_transaction_rolls_back_on_error(database) -> None:
    with pytest.raises(INTEGRITY_ERRORS):
        async with database.transaction() as tx:
            await tx.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
            await tx.execute("INSERT INTO meta (key, value) VALUES ('a', '2')")
    assert await database.fetchval("SELECT count(*) FROM meta WHERE key = 'a'") == 0


async def test_a_transaction_commits_every_statement_and_counts_rows(database) -> None:
    async with database.transaction() as tx:
        await tx.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", [("a", "1"), ("b", "2"), ("c", "3")])
        assert await tx.execute("UPDATE meta SET value = 'x' WHERE key IN (?, ?)", ("a", "b")) == 2
        assert await tx.fetchval("SELECT value FROM meta WHERE key = ?", ("a",)) == "x"
    assert [tuple(row) for row in await database.fetchall("SELECT key, value FROM meta ORDER BY key")] == [
        ("a", "x"), ("b", "x"), ("c", "3")]
    assert await database.execute("DELETE FROM meta WHERE key = ?", ("c",)) == 1
    assert await database.execute("DELETE FROM meta WHERE key = ?", ("c",)) == 0
    row = await database.fetchone("SELECT key, value FROM meta WHERE key = ?", ("a",))
    assert (row[0], row["value"]) == ("a", "x")
    assert await database.fetchone("SELECT key FROM meta WHERE key = ?", ("none",)) is None


async def test_ids_come_back_from_returning(database) -> None:
    insert = ("INSERT INTO audit_log (guild_id, at, actor_pseudonym, action, reason) VALUES (?, ?, ?, ?, ?) "
              "RETURNING id")
    async with database.transaction() as tx:
        first = await tx.fetchval(insert, (1, "2026-03-02T09:00:00+00:00", "p" * 64, "warn", "r"))
        second = await tx.fetchval(insert, (1, "2026-03-02T09:00:00+00:00", "p" * 64, "warn", "r"))
    assert isinstance(first, int) and second == first + 1


async def test_discord_ids_fit(database) -> None:
    snowflake = 1_234_567_890_123_456_789  # > 2**60, as Discord's are
    await database.execute("INSERT INTO guild_settings (guild_id, moderator_role_id, updated_at) VALUES (?, ?, ?)",
                           (snowflake, snowflake + 1, "2026-03-02T09:00:00+00:00"))
    assert await database.fetchval("SELECT moderator_role_id FROM guild_settings WHERE guild_id = ?",
                                   (snowflake,)) == snowflake + 1


async def test_group_names_are_unique_whatever_their_case(database) -> None:
    insert = ("INSERT INTO groups (guild_id, name, description, focus, size_limit, created_at) "
              "VALUES (1, ?, 'd', 'f', 12, '2026-03-02T09:00:00+00:00')")
    await database.execute(insert, ("Night Owls",))
    with pytest.raises(INTEGRITY_ERRORS):
        await database.execute(insert, ("night owls",))
    assert await database.fetchval("SELECT name FROM groups WHERE name = ?", ("NIGHT OWLS",)) == "Night Owls"


async def test_audit_log_is_append_only(services) -> None:
    db = services.db
    async with db.transaction() as tx:
        await services.audit.record(tx, 1, "p" * 64, "warn", "reason")
    with pytest.raises(INTEGRITY_ERRORS, match="append-only"):
        await db.execute("UPDATE audit_log SET reason = 'changed'")
    with pytest.raises(INTEGRITY_ERRORS, match="append-only"):
        await db.execute("DELETE FROM audit_log")
    assert await db.fetchval("SELECT count(*) FROM audit_log") == 1
    async with db.transaction() as tx:
        assert await services.audit.erase(tx, "guild_id = ?", (1,)) == 1
    assert await db.fetchval("SELECT count(*) FROM meta WHERE key = 'audit_erasure'") == 0


@pytest.mark.postgres_only
async def test_audit_log_cannot_be_truncated_on_postgres(database) -> None:
    with pytest.raises(INTEGRITY_ERRORS, match="append-only"):
        await database.execute("TRUNCATE audit_log")


def test_sqlite_integrity_error_is_in_the_shared_tuple() -> None:
    assert sqlite3.IntegrityError in INTEGRITY_ERRORS

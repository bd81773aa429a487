"""The SQLite and PostgreSQL migrations describe one schema: same numbers and names, same tables and
columns once applied, and PostgreSQL types wide enough for what SQLite holds."""

import re

import pytest

from bot.store.database import MIGRATIONS_DIR, Database, discover_migrations
from bot.store.postgres import POSTGRES_MIGRATIONS_DIR, PostgresDatabase, postgres_migrations
from bot.store.schema import column_types, table_columns
from bot.store.transfer import tables_in_migration_order

# Columns that hold a Discord snowflake (64-bit).
DISCORD_ID = re.compile(r"^(guild_id|user_id|message_id|(.+_)?channel_id|(.+_)?role_id)$")


def test_postgres_files_carry_the_numbers_and_names_of_shared_ones() -> None:
    shared = {number: path.name for number, path in discover_migrations(MIGRATIONS_DIR)}
    own = discover_migrations(POSTGRES_MIGRATIONS_DIR)
    assert own, "PostgreSQL migrations are missing"
    for number, path in own:
        assert shared.get(number) == path.name, f"{path.name} has no shared migration of the same number and name"
    assert [number for number, _ in postgres_migrations()] == sorted(shared)


def test_every_table_is_created_by_a_numbered_migration_in_dependency_order() -> None:
    order = tables_in_migration_order()
    assert order.index("groups") < order.index("group_members") < order.index("restrictions")
    assert order.index("checkins") < order.index("scores") < order.index("answers")
    assert order.index("flags") < order.index("flag_alerts")


@pytest.mark.postgres_only
async def test_both_backends_have_the_same_tables_and_columns(database, tmp_path) -> None:
    assert isinstance(database, PostgresDatabase)
    async with await Database.open(tmp_path / "same.sqlite3") as sqlite:
        await sqlite.migrate()
        assert await sqlite.version() == await database.version()
        tables = await sqlite.tables()
        assert tables == await database.tables()
        assert set(tables) == set(tables_in_migration_order())
        for table in tables:
            assert await table_columns(sqlite, table) == await table_columns(database, table), table


@pytest.mark.postgres_only
async def test_postgres_column_types_hold_what_sqlite_would(database) -> None:
    """Snowflakes need BIGINT (SQLite's INTEGER is 64-bit, PostgreSQL's 32); SQLite's REAL is a double."""
    for table in await database.tables():
        for column, kind in (await column_types(database, table)).items():
            if DISCORD_ID.match(column) or column == "id" or column.endswith(("group_id", "post_id", "flag_id",
                                                                              "score_id", "schedule_id", "checkin_id")):
                assert kind == "bigint", f"{table}.{column} is {kind}: make it BIGINT in migrations/postgres/"
            assert kind != "real", f"{table}.{column} is a 4-byte REAL: use DOUBLE PRECISION"

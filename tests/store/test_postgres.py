"""The PostgreSQL backend's own pieces: placeholders, row counts, numbers, migrations run by two processes."""

import asyncio

import pytest

from bot.store.postgres import (
    PostgresDatabase,
    _decode_numeric,
    _rows_affected,
    postgres_migrations,
    redact_url,
    to_dollar_params,
)


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2"),
    ("SELECT '?' , ?", "SELECT '?' , $1"),
    ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"),
    ('SELECT "odd?name" FROM t WHERE x = ?', 'SELECT "odd?name" FROM t WHERE x = $1'),
    ("SELECT ? -- what?\n, ?", "SELECT $1 -- what?\n, $2"),
    ("SELECT /* ? */ ?", "SELECT /* ? */ $1"),
    ("DO $$ BEGIN PERFORM '?'; END $$; SELECT ?", "DO $$ BEGIN PERFORM '?'; END $$; SELECT $1"),
    ("SELECT $tag$ ? $tag$, ?", "SELECT $tag$ ? $tag$, $1"),
    ("INSERT INTO t VALUES (?, ?, ?) ON CONFLICT (a) DO UPDATE SET b = excluded.b",
     "INSERT INTO t VALUES ($1, $2, $3) ON CONFLICT (a) DO UPDATE SET b = excluded.b"),
    ("SELECT 1", "SELECT 1"),
])
def test_question_marks_become_numbered_parameters_outside_literals(sql: str, expected: str) -> None:
    assert to_dollar_params(sql) == expected


@pytest.mark.parametrize(("status", "rows"), [
    ("INSERT 0 3", 3), ("UPDATE 2", 2), ("DELETE 0", 0), ("SELECT 7", 7), ("CREATE TABLE", 0), ("BEGIN", 0),
])
def test_rows_affected_are_read_from_the_status(status: str, rows: int) -> None:
    assert _rows_affected(status) == rows


def test_numeric_results_read_as_sqlite_would() -> None:
    assert _decode_numeric("42") == 42 and isinstance(_decode_numeric("42"), int)
    assert _decode_numeric("2.5000000000000000") == 2.5


def test_passwords_never_reach_messages() -> None:
    assert redact_url("postgresql://bot:s3cret@db.example:5432/peerbot") == "postgresql://bot:***@db.example:5432/peerbot"
    assert redact_url("postgresql://bot@127.0.0.1/peerbot") == "postgresql://bot@127.0.0.1/peerbot"


@pytest.mark.postgres_only
async def test_aggregates_and_comparisons_come_back_as_python_numbers(database) -> None:
    await database.executemany(
        "INSERT INTO framing_counts (guild_id, group_id, day, label, count) VALUES (?, ?, ?, ?, ?)",
        [(1, 1, "2026-03-02", "neutral", 2), (1, 1, "2026-03-03", "neutral", 3)])
    row = await database.fetchone("SELECT sum(count) AS total, avg(count) AS mean, sum(guild_id) AS guilds, "
                                  "count(*) AS n FROM framing_counts")
    assert (row["total"], row["mean"], row["guilds"], row["n"]) == (5, 2.5, 2, 2)
    assert all(isinstance(row[key], int) for key in ("total", "guilds", "n"))


@pytest.mark.postgres_only
async def test_two_processes_starting_at_once_apply_each_migration_once(empty_database) -> None:
    other = await PostgresDatabase.open(empty_database.url, pool_size=2)
    try:
        first, second = await asyncio.gather(empty_database.migrate(), other.migrate())
    finally:
        await other.close()
    numbers = [number for number, _ in postgres_migrations()]
    assert sorted(first + second) == numbers
    assert await empty_database.fetchval("SELECT count(*) FROM schema_version") == len(numbers)
    assert "schema_version" not in await empty_database.tables()


@pytest.mark.postgres_only
async def test_a_transaction_holds_one_connection_until_commit(database) -> None:
    async with database.transaction() as tx:
        await tx.execute("INSERT INTO meta (key, value) VALUES ('pending', '1')")
        # Another connection does not see it before COMMIT (READ COMMITTED).
        assert await database.fetchval("SELECT count(*) FROM meta WHERE key = 'pending'") == 0
        assert await tx.fetchval("SELECT count(*) FROM meta WHERE key = 'pending'") == 1
    assert await database.fetchval("SELECT count(*) FROM meta WHERE key = 'pending'") == 1

"""`python -m bot migrate-to URL`: an existing SQLite database moved into an empty PostgreSQL one."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.services import open_services
from bot.settings import load_settings
from bot.store.database import Database
from bot.store.postgres import PostgresDatabase
from bot.store.transfer import TransferError, copy_sqlite_to_postgres, tables_in_migration_order

ROOT = Path(__file__).resolve().parents[2]
KEY = "m" * 40
SNOWFLAKE = 1_234_567_890_123_456_789
NOW = "2026-03-02T09:00:00+00:00"
P = "a" * 64
# One row or more in every table, as the bot would have written them (ids chosen by SQLite).
ROWS = [
    ("INSERT INTO guild_settings (guild_id, moderator_role_id, mod_log_channel_id, region, updated_at, "
     "escalation_role_id) VALUES (?, ?, ?, 'UK', ?, ?)", (SNOWFLAKE, SNOWFLAKE + 1, SNOWFLAKE + 2, NOW, SNOWFLAKE + 3)),
    ("INSERT INTO aliases VALUES (?, ?, ?, 'Quiet Fern', 3, ?, ?)", (SNOWFLAKE, P, SNOWFLAKE + 9, NOW, NOW)),
    ("INSERT INTO flags (guild_id, kind, pseudonym, alias, state, created_at, realert, delivery, entry, escalate) "
     "VALUES (?, 'crisis', ?, 'Quiet Fern', 'open', ?, 1, 'dm', 'share', 1)", (SNOWFLAKE, P, NOW)),
    ("INSERT INTO flags (guild_id, kind, pseudonym, alias, created_at) VALUES (?, 'report', ?, 'Quiet Fern', ?)",
     (SNOWFLAKE, P, NOW)),
    ("INSERT INTO audit_log (guild_id, at, actor_pseudonym, action, target_alias, reason) "
     "VALUES (?, ?, ?, 'warn', 'Quiet Fern', 'be kind')", (SNOWFLAKE, NOW, "b" * 64)),
    ("INSERT INTO groups (guild_id, name, description, focus, size_limit, channel_id, role_id, created_at) "
     "VALUES (?, 'Night Owls', 'd', 'f', 12, ?, ?, ?)", (SNOWFLAKE, SNOWFLAKE + 4, SNOWFLAKE + 5, NOW)),
    ("INSERT INTO group_members VALUES (1, ?, ?)", (P, NOW)),
    ("INSERT INTO relayed_posts (guild_id, group_id, number, pseudonym, alias, state, created_at) "
     "VALUES (?, 1, 1, ?, 'Quiet Fern', 'posted', ?)", (SNOWFLAKE, P, NOW)),
    ("INSERT INTO relayed_messages VALUES (?, 1, 0)", (SNOWFLAKE + 6,)),
    ("INSERT INTO reveal_requests (guild_id, target_pseudonym, target_alias, requester_pseudonym, reason, "
     "created_at, expires_at) VALUES (?, ?, 'Quiet Fern', ?, 'safety', ?, ?)", (SNOWFLAKE, P, "b" * 64, NOW, NOW)),
    ("INSERT INTO framing_groups VALUES (1, ?, 'private', 0.35, 0, ?)", (SNOWFLAKE, NOW)),
    ("INSERT INTO framing_members VALUES (?, ?, 0, ?, 'isolation', 2)", (SNOWFLAKE, P, NOW)),
    ("INSERT INTO framing_counts VALUES (?, 1, '2026-03-02', 'isolation', 4)", (SNOWFLAKE,)),
    ("INSERT INTO framing_digest_groups VALUES (1, ?, 1, ?)", (SNOWFLAKE, NOW)),
    ("INSERT INTO framing_week_members VALUES (?, 1, '2026-03-02', 'isolation', ?)", (SNOWFLAKE, P)),
    ("INSERT INTO framing_digests VALUES (?, 1, '2026-02-23', 1, ?)", (SNOWFLAKE, NOW)),
    ("INSERT INTO consents (guild_id, pseudonym, checkins, checkins_changed_at, research, research_changed_at, "
     "checkins_asked_at) VALUES (?, ?, 1, ?, 1, ?, ?)", (SNOWFLAKE, P, NOW, NOW, NOW)),
    ("INSERT INTO consent_events (guild_id, pseudonym, kind, given, at) VALUES (?, ?, 'research', 1, ?)",
     (SNOWFLAKE, P, NOW)),
    ("INSERT INTO checkin_schedules (guild_id, group_id, instrument, cadence, local_time, timezone, anchor_date, "
     "created_at, planned_through) VALUES (?, 1, 'phq9', 'weekly', '19:00', 'Europe/London', '2026-03-02', ?, ?)",
     (SNOWFLAKE, NOW, NOW)),
    ("INSERT INTO checkin_prefs (guild_id, pseudonym, timezone, paused, updated_at) VALUES (?, ?, 'Asia/Tokyo', 0, ?)",
     (SNOWFLAKE, P, NOW)),
    ("INSERT INTO checkins (guild_id, schedule_id, group_id, pseudonym, instrument, period_key, created_at, due_at, "
     "send_after, state, dm_notice_at) VALUES (?, 1, 1, ?, 'phq9', '2026-W10', ?, ?, ?, 'completed', ?)",
     (SNOWFLAKE, P, NOW, NOW, NOW, NOW)),
    ("INSERT INTO scores (guild_id, pseudonym, group_id, instrument, checkin_id, completed_at, total, band, subscales) "
     "VALUES (?, ?, 1, 'phq9', 1, ?, 12.5, 'moderate', '{\"mood\": 1.5}')", (SNOWFLAKE, P, NOW)),
    ("INSERT INTO answers VALUES (1, 0, 2, 1.5)", ()),
    ("INSERT INTO answers VALUES (1, 1, 3, 3)", ()),  # an integer in a REAL column, as SQLite may keep it
    ("INSERT INTO restrictions (guild_id, pseudonym, kind, group_id, created_at) VALUES (?, ?, 'removed', 1, ?)",
     (SNOWFLAKE, P, NOW)),
    ("INSERT INTO flag_alerts (flag_id, guild_id, kind, due_at, message_id, delivered) VALUES (1, ?, 'alert', ?, ?, 1)",
     (SNOWFLAKE, NOW, SNOWFLAKE + 7)),
    ("INSERT INTO meta (key, value) VALUES ('retention_purged_on', '2026-03-02')", ()),
    ("INSERT INTO member_regions (guild_id, pseudonym, region, updated_at) VALUES (?, ?, 'IE', ?)",
     (SNOWFLAKE, P, NOW)),
    ("INSERT INTO baby_weeks (guild_id, pseudonym, week, kind) VALUES (?, ?, '2026-02-23', 'born')", (SNOWFLAKE, P)),
]


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PEERBOT_") and k != "DISCORD_TOKEN"}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=120,
                          env={**base, "PYTHONPATH": str(ROOT), **env}, cwd=ROOT, check=False)


async def filled_sqlite(data_dir: Path) -> dict[str, int]:
    """The bot's SQLite database with its key fingerprint and a row in every table; rows per table."""
    env = {"PEERBOT_BOT__DATA_DIR": str(data_dir), "PEERBOT_SECRET_KEY": KEY}
    async with open_services(load_settings(env=env), env=env) as services:
        async with services.db.transaction() as tx:
            for sql, params in ROWS:
                await tx.execute(sql, params)
        db = services.db
        return {table: await db.fetchval(f"SELECT count(*) FROM {table}") for table in await db.tables()}


@pytest.mark.postgres_only
async def test_migrate_to_copies_every_table_and_the_bot_carries_on(tmp_path: Path, empty_database) -> None:
    counts = await filled_sqlite(tmp_path / "data")
    assert all(counts.values()), f"the example leaves a table empty: {counts}"
    assert set(counts) == set(tables_in_migration_order())
    env = {"PEERBOT_BOT__DATA_DIR": str(tmp_path / "data")}
    result = run_cli("migrate-to", empty_database.url, env=env)
    assert result.returncode == 0, result.stderr
    assert f"Copied {sum(counts.values())} rows in {len(counts)} tables; the row counts match" in result.stdout
    pg = empty_database
    assert {t: await pg.fetchval(f"SELECT count(*) FROM {t}") for t in await pg.tables()} == counts
    assert await pg.fetchval("SELECT user_id FROM aliases") == SNOWFLAKE + 9
    answers = await pg.fetchall("SELECT item, value FROM answers ORDER BY item")
    assert [tuple(r) for r in answers] == [(0, 1.5), (1, 3.0)]
    assert await pg.fetchval("SELECT subscales FROM scores") == '{"mood": 1.5}'
    # New rows get new ids after the copied ones; the audit log is still append-only.
    new_flag = await pg.fetchval("INSERT INTO flags (guild_id, kind, pseudonym, alias, created_at) "
                                 "VALUES (1, 'report', ?, 'x', ?) RETURNING id", (P, NOW))
    assert new_flag == 3
    # The same key opens it: the fingerprint came along; a different key is refused.
    pg_env = {**env, "PEERBOT_BOT__DATABASE_URL": pg.url, "PEERBOT_SECRET_KEY": KEY}
    async with open_services(load_settings(env=pg_env), env=pg_env) as services:
        assert services.db.dialect == "postgres"
        assert await services.db.fetchval("SELECT alias FROM aliases WHERE pseudonym = ?", (P,)) == "Quiet Fern"
    # A second copy into a database that now holds rows is refused, and changes nothing.
    again = run_cli("migrate-to", pg.url, env=env)
    assert again.returncode == 1 and "not empty" in again.stderr
    assert await pg.fetchval("SELECT count(*) FROM flags") == 3


@pytest.mark.postgres_only
async def test_a_failed_copy_leaves_postgres_empty(tmp_path: Path, empty_database) -> None:
    await filled_sqlite(tmp_path / "data")
    async with await Database.open(tmp_path / "data" / "peerbot.sqlite3") as sqlite:
        # A value PostgreSQL's column cannot take (SQLite keeps whatever it is given).
        await sqlite.execute("UPDATE framing_counts SET count = 'many'")
        with pytest.raises((TransferError, ValueError)):
            await copy_sqlite_to_postgres(sqlite, empty_database)
    db = empty_database
    assert [t for t in await db.tables() if await db.fetchval(f"SELECT count(*) FROM {t}")] == []


@pytest.fixture
def in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., int]]:
    """`python -m bot ARGS` in this process, over a data folder of its own; logging put back after."""
    from bot.__main__ import main

    for name in [n for n in os.environ if n.startswith("PEERBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PEERBOT_BOT__DATA_DIR", str(tmp_path / "data"))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield lambda *args: main(list(args))
    for handler in [h for h in root.handlers if h not in handlers]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)


def test_migrate_to_needs_a_postgres_url_and_an_existing_file(in_process, capsys) -> None:
    assert in_process("migrate-to", "mysql://x/y") == 2
    assert "postgresql://" in capsys.readouterr().err
    assert in_process("migrate-to", "postgresql://bot@127.0.0.1:1/none") == 2
    assert "there is no SQLite database" in capsys.readouterr().err


def test_an_unreachable_server_is_one_line_without_the_password(in_process, capsys) -> None:
    assert in_process("migrate") == 0
    capsys.readouterr()
    assert in_process("migrate-to", "postgresql://bot:pw@127.0.0.1:1/none") == 2
    err = capsys.readouterr().err
    assert "error: cannot use the PostgreSQL database postgresql://bot:***@127.0.0.1:1/none" in err
    assert "Traceback" not in err and "pw@" not in err
    assert in_process("migrate", "--database-url", "postgresql://bot:pw@127.0.0.1:1/none") == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot open the PostgreSQL database postgresql://bot:***@") and "pw@" not in err


async def test_postgres_database_type_is_what_open_returns(tmp_path: Path) -> None:
    assert PostgresDatabase.dialect == "postgres" and Database.dialect == "sqlite"

"""A member's data rights: see everything kept about her, erase it, and the retention purge.

Tables are enumerated from the live schema, so a table added by a later migration is covered
without being listed here, as long as it follows the naming rule: a column that identifies a
member is called `pseudonym` or ends in `_pseudonym`; a column holding an alias is `alias` or ends
in `_alias`. Rows with her pseudonym or alias are deleted; moderator columns ending in `_by` that
hold her pseudonym are cleared (the row is about someone else). A table without such a column is
covered when it hangs off a personal table by a foreign key with ON DELETE CASCADE (item answers
under a score): its rows go with their parent, and /mydata lists them under the parent's table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from bot.clock import Clock, to_iso
from bot.core.notify import Choice, Note
from bot.store import Database

# Columns that date a row, in order of preference, for the retention purge.
TIME_COLUMNS = ("created_at", "completed_at", "at", "sent_at", "relayed_at", "joined_at", "requested_at", "day")
# Tables kept while the thing they describe exists (not dated personal records).
RETENTION_EXEMPT = frozenset({"meta", "guild_settings", "groups", "aliases", "group_members", "checkin_schedules",
                              "consents", "checkin_prefs"})
# Tables that hold nothing about a single member. Every other table must have a member or alias
# column (tests enforce this, so a new table is either erasable or declared here on purpose).
NON_PERSONAL_TABLES = frozenset({"meta", "guild_settings", "groups", "checkin_schedules", "framing_groups",
                                 "framing_counts"})


@dataclass(frozen=True)
class TableColumns:
    name: str
    member_columns: tuple[str, ...]
    alias_columns: tuple[str, ...]
    by_columns: tuple[str, ...]
    time_column: str | None
    has_guild: bool
    # (parent table, this table's column, parent column) for ON DELETE CASCADE foreign keys.
    cascades_from: tuple[tuple[str, str, str], ...] = ()

    @property
    def is_personal(self) -> bool:
        return bool(self.member_columns or self.alias_columns)


def _is_member_column(column: str) -> bool:
    return column == "pseudonym" or column.endswith("_pseudonym")


def _is_alias_column(column: str) -> bool:
    return column == "alias" or column.endswith("_alias")


async def describe_tables(db: Database) -> list[TableColumns]:
    described = []
    for table in await db.tables():
        columns = [row["name"] for row in await db.fetchall(f"PRAGMA table_info({table})")]
        cascades = tuple(
            (row["table"], row["from"], row["to"])
            for row in await db.fetchall(f"PRAGMA foreign_key_list({table})")
            if row["on_delete"] == "CASCADE"
        )
        described.append(TableColumns(
            table,
            tuple(c for c in columns if _is_member_column(c)),
            tuple(c for c in columns if _is_alias_column(c)),
            tuple(c for c in columns if c.endswith("_by")),
            next((c for c in TIME_COLUMNS if c in columns), None),
            "guild_id" in columns,
            cascades,
        ))
    return described


def _where(table: TableColumns, pseudonym: str, aliases: list[str], guild_id: int) -> tuple[str, list[object]]:
    clauses: list[str] = [f"{column} = ?" for column in table.member_columns]
    params: list[object] = [pseudonym] * len(table.member_columns)
    for column in table.alias_columns:
        if aliases:
            guild = " AND guild_id = ?" if table.has_guild else ""
            clauses.append(f"({column} IN ({', '.join('?' for _ in aliases)}){guild})")
            params.extend(aliases)
            if table.has_guild:
                params.append(guild_id)
    return " OR ".join(clauses), params


FORGET_WARNING = (
    "This erases everything the bot keeps about you in this server: your alias, your groups, your "
    "check-in answers and scores, and the record of your posts. It can't be undone, and you'll leave "
    "your groups. Your posts already in the channels stay unless you /unshare them first."
)
MYDATA_TEXT = "Here is everything the bot keeps about you in this server. Your posts' text is never stored."


def forget_prompt() -> Note:
    return Note(FORGET_WARNING, (Choice("forget:confirm", "Erase my data", "danger"),
                                 Choice("forget:cancel", "Keep it")))


def forget_cancelled() -> Note:
    return Note("Nothing was erased. 💛")


@dataclass(frozen=True)
class ErasureReport:
    rows_deleted: dict[str, int]
    rows_cleared: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows_deleted.values()) + sum(self.rows_cleared.values())

    def note(self) -> Note:
        if self.total:
            return Note("Done: everything the bot kept about you here has been erased. Take care of yourself. 💛")
        return Note("There was nothing stored about you here, so there was nothing to erase. Take care of "
                    "yourself. 💛")


class DataRights:
    def __init__(self, db: Database, clock: Clock, retention_days: int) -> None:
        self._db = db
        self._clock = clock
        self._retention = timedelta(days=retention_days)

    async def _aliases_of(self, guild_id: int, pseudonym: str) -> list[str]:
        rows = await self._db.fetchall(
            "SELECT alias FROM aliases WHERE guild_id = ? AND pseudonym = ?", (guild_id, pseudonym)
        )
        return [row[0] for row in rows]

    async def collect(self, guild_id: int, pseudonym: str) -> dict[str, list[dict[str, object]]]:
        """Every row kept about her, table by table (for /mydata)."""
        aliases = await self._aliases_of(guild_id, pseudonym)
        tables = await describe_tables(self._db)
        found: dict[str, list[dict[str, object]]] = {}
        for table in tables:
            where, params = _where(table, pseudonym, aliases, guild_id)
            if not where:
                continue
            rows = await self._db.fetchall(f"SELECT * FROM {table.name} WHERE {where}", params)  # noqa: S608
            if rows:
                found[table.name] = [dict(row) for row in rows]
        for child in tables:
            for parent, column, parent_column in child.cascades_from:
                for row in found.get(parent, []):
                    rows = await self._db.fetchall(
                        f"SELECT * FROM {child.name} WHERE {column} = ?", (row[parent_column],)  # noqa: S608
                    )
                    if rows:
                        row[child.name] = [dict(r) for r in rows]
        return found

    async def export_json(self, guild_id: int, pseudonym: str) -> bytes:
        data = await self.collect(guild_id, pseudonym)
        document = {
            "about": "Everything this bot keeps about you in this server. Your posts' text is never stored.",
            "generated_at": to_iso(self._clock.now()),
            "tables": data,
        }
        return json.dumps(document, indent=2, ensure_ascii=False, default=str).encode()

    async def forget(self, guild_id: int, pseudonym: str) -> ErasureReport:
        """Erase everything keyed by her pseudonym or alias, in one transaction."""
        aliases = await self._aliases_of(guild_id, pseudonym)
        tables = await describe_tables(self._db)
        deleted: dict[str, int] = {}
        cleared: dict[str, int] = {}
        async with self._db.transaction() as conn:
            await conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_erasure', '1')")
            # Tables that others reference are emptied last so foreign keys never block the erasure.
            for table in sorted(tables, key=lambda t: t.name in ("aliases", "groups")):
                for column in table.by_columns:
                    count = await conn.execute(
                        f"UPDATE {table.name} SET {column} = NULL WHERE {column} = ?",  # noqa: S608
                        (pseudonym,),
                    )
                    if count:
                        cleared[table.name] = cleared.get(table.name, 0) + count
                where, params = _where(table, pseudonym, aliases, guild_id)
                if not where:
                    continue
                count = await conn.execute(f"DELETE FROM {table.name} WHERE {where}", params)  # noqa: S608
                if count:
                    deleted[table.name] = count
            await conn.execute("DELETE FROM meta WHERE key = 'audit_erasure'")
        return ErasureReport(deleted, cleared)

    async def purge_if_due(self) -> dict[str, int]:
        """Run the retention purge at most once per UTC day."""
        today = self._clock.now().date().isoformat()
        last = await self._db.fetchval("SELECT value FROM meta WHERE key = 'retention_purged_on'")
        if last == today:
            return {}
        purged = await self.purge_expired()
        await self._db.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('retention_purged_on', ?)", (today,)
        )
        return purged

    async def purge_expired(self, now: datetime | None = None) -> dict[str, int]:
        """Delete dated rows older than the retention period (run daily)."""
        cutoff = to_iso((now or self._clock.now()) - self._retention)
        purged: dict[str, int] = {}
        tables = [t for t in await describe_tables(self._db) if t.name not in RETENTION_EXEMPT and t.time_column]
        async with self._db.transaction() as conn:
            await conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_erasure', '1')")
            for table in tables:
                # ISO text sorts as time; a `day` column ("YYYY-MM-DD") compares correctly against it too.
                count = await conn.execute(
                    f"DELETE FROM {table.name} WHERE {table.time_column} < ?", (cutoff,)  # noqa: S608
                )
                if count:
                    purged[table.name] = count
            await conn.execute("DELETE FROM meta WHERE key = 'audit_erasure'")
        return purged


async def rows_mentioning(conn: aiosqlite.Connection | Database, value: object) -> list[tuple[str, str]]:
    """(table, column) pairs where any row holds `value` — used by privacy tests."""
    db_conn = conn.conn if isinstance(conn, Database) else conn
    hits = []
    cursor = await db_conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    for (table,) in await cursor.fetchall():
        columns = [row[1] for row in await (await db_conn.execute(f"PRAGMA table_info({table})")).fetchall()]
        for column in columns:
            found = await (await db_conn.execute(
                f"SELECT 1 FROM {table} WHERE {column} = ? OR CAST({column} AS TEXT) LIKE ? LIMIT 1",  # noqa: S608
                (value, f"%{value}%"),
            )).fetchone()
            if found:
                hits.append((table, column))
    return hits

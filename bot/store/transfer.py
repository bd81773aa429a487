"""Moving an existing SQLite database into an empty PostgreSQL one (`python -m bot migrate-to URL`).

Both are first migrated to the same, latest schema version. Then every table is copied in migration
order (a table after the tables it refers to) inside ONE PostgreSQL transaction, with COPY; each
value is converted to the target column's type (SQLite keeps what it was given). Identity sequences
are moved past the copied ids, so new rows get new ids. The row counts of source and target are
compared table by table before the transaction commits: on any difference or error nothing is kept
and the target stays empty. The source file is only read (after being migrated like `run` would).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.store.database import Database, discover_migrations
from bot.store.postgres import PostgresDatabase
from bot.store.schema import column_types, table_columns

_CREATE_TABLE = re.compile(r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)", re.I | re.M)
_INTEGER_TYPES = frozenset({"integer", "bigint", "smallint"})
_FLOAT_TYPES = frozenset({"double precision", "real", "numeric"})
BATCH_ROWS = 5_000


class TransferError(RuntimeError):
    """The copy was refused or failed; the PostgreSQL database is left as it was."""


@dataclass(frozen=True)
class TableCopy:
    table: str
    rows: int


def tables_in_migration_order() -> list[str]:
    """Every table, in the order the numbered migrations create them (parents before children)."""
    order: list[str] = []
    for _, path in discover_migrations():
        for name in _CREATE_TABLE.findall(path.read_text(encoding="utf-8")):
            if name.lower() not in order:
                order.append(name.lower())
    return order


def _converter(pg_type: str) -> Callable[[object], object]:
    if pg_type in _INTEGER_TYPES:
        return lambda value: None if value is None else int(value)  # type: ignore[call-overload]
    if pg_type in _FLOAT_TYPES:
        return lambda value: None if value is None else float(value)  # type: ignore[arg-type]
    if pg_type == "text":
        return lambda value: value if value is None or isinstance(value, str) else str(value)
    return lambda value: value


async def _rows_in(db: PostgresDatabase | Database, table: str) -> int:
    return int(await db.fetchval(f"SELECT count(*) FROM {table}"))  # noqa: S608 - names from the schema


async def copy_sqlite_to_postgres(
    source: Database, target: PostgresDatabase, progress: Callable[[str], None] = lambda _line: None
) -> list[TableCopy]:
    """Copy every table of `source` into the empty `target`; returns the rows copied per table."""
    await source.migrate()
    busy = [table for table in await target.tables() if await _rows_in(target, table)]
    if busy:
        raise TransferError(
            f"the PostgreSQL database is not empty ({', '.join(busy[:5])}{' …' if len(busy) > 5 else ''} hold rows): "
            "give an empty database"
        )
    await target.migrate()
    if await source.version() != await target.version():
        raise TransferError(f"schema versions differ after migrating: SQLite {await source.version()}, "
                            f"PostgreSQL {await target.version()}")
    order = tables_in_migration_order()
    source_tables, target_tables = set(await source.tables()), set(await target.tables())
    if source_tables != target_tables or source_tables - set(order):
        raise TransferError(f"the two schemas hold different tables: only in SQLite "
                            f"{sorted(source_tables - target_tables)}, only in PostgreSQL "
                            f"{sorted(target_tables - source_tables)}")
    copied: list[TableCopy] = []
    async with target.pool.acquire() as conn, conn.transaction():
        for table in (t for t in order if t in source_tables):
            columns = await table_columns(source, table)
            types = await column_types(target, table)
            if set(columns) != set(types):
                raise TransferError(f"table {table} has different columns in SQLite and PostgreSQL")
            convert = [_converter(types[column]) for column in columns]
            select = f"SELECT {', '.join(columns)} FROM {table}"  # noqa: S608 - names from the schema
            count = 0
            async with source.conn.execute(select) as cursor:
                while batch := await cursor.fetchmany(BATCH_ROWS):
                    records = [tuple(f(v) for f, v in zip(convert, row, strict=True)) for row in batch]
                    await conn.copy_records_to_table(table, records=records, columns=columns)
                    count += len(records)
            if "id" in columns and count:
                # Identity columns: the next generated id follows the copied ones.
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT max(id) FROM {table}))",  # noqa: S608
                    table,
                )
            in_target = int(await conn.fetchval(f"SELECT count(*) FROM {table}"))  # noqa: S608
            in_source = await _rows_in(source, table)
            if not (count == in_target == in_source):
                raise TransferError(
                    f"table {table}: {in_source} rows in SQLite but {in_target} copied; nothing was kept")
            progress(f"{table}: {count} rows")
            copied.append(TableCopy(table, count))
    return copied


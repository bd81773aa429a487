"""Small process-wide facts: the `meta` table (key → text).

Keys in use: `key_fingerprint` (the secret key the pseudonyms were made with), `commands_signature`
(the slash commands last synced), `retention_purged_on` (the day of the last retention purge) and
`audit_erasure`, which is present only inside an erasure or retention transaction: the audit log's
delete trigger lets rows go only while it is there (see `audit_erasure`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.store.database import Database, Tx

_UPSERT = "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"


class MetaRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str) -> str | None:
        value = await self._db.fetchval("SELECT value FROM meta WHERE key = ?", (key,))
        return value if isinstance(value, str) else None

    async def set(self, key: str, value: str) -> None:
        await self._db.execute(_UPSERT, (key, value))

    async def add(self, key: str, value: str) -> None:
        """Store a value that must not exist yet (a second writer fails instead of overwriting it)."""
        await self._db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))

    @staticmethod
    @asynccontextmanager
    async def audit_erasure(tx: Tx) -> AsyncIterator[None]:
        """Inside the caller's transaction: audit rows may be deleted (erasure and retention only).

        The switch is removed again when the block ends; if the block fails the transaction is rolled
        back, and the switch with it."""
        await tx.execute(_UPSERT, ("audit_erasure", "1"))
        yield
        await tx.execute("DELETE FROM meta WHERE key = 'audit_erasure'")

"""Members' own crisis-resource regions: the `member_regions` table (no row: the server's region)."""

from __future__ import annotations

from datetime import datetime

from bot.clock import to_iso
from bot.store.database import Database
from bot.store.member_data import MemberRows


class MemberRegionsRepository(MemberRows):
    TABLES = ("member_regions",)

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int, pseudonym: str) -> str | None:
        return await self._db.fetchval(
            "SELECT region FROM member_regions WHERE guild_id = ? AND pseudonym = ?", (guild_id, pseudonym))

    async def set(self, guild_id: int, pseudonym: str, region: str, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO member_regions (guild_id, pseudonym, region, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id, pseudonym) DO UPDATE SET region = excluded.region, "
            "updated_at = excluded.updated_at",
            (guild_id, pseudonym, region, to_iso(now)))

    async def clear(self, guild_id: int, pseudonym: str) -> bool:
        return bool(await self._db.execute(
            "DELETE FROM member_regions WHERE guild_id = ? AND pseudonym = ?", (guild_id, pseudonym)))

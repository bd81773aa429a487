"""Per-server set-up: the `guild_settings` table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.clock import to_iso
from bot.store.database import Database


@dataclass(frozen=True)
class GuildConfig:
    guild_id: int
    moderator_role_id: int | None = None
    mod_log_channel_id: int | None = None
    region: str = "other"
    timezone: str = "Europe/London"
    # Where unacknowledged urgent alerts escalate (bot/core/alerts.py); neither: the server owner by DM.
    escalation_role_id: int | None = None
    escalation_channel_id: int | None = None

    @property
    def is_complete(self) -> bool:
        return self.moderator_role_id is not None and self.mod_log_channel_id is not None


class GuildsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int) -> GuildConfig | None:
        """The stored set-up, or None for a server never set up."""
        row = await self._db.fetchone(
            "SELECT moderator_role_id, mod_log_channel_id, region, timezone, escalation_role_id, "
            "escalation_channel_id FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        if row is None:
            return None
        return GuildConfig(guild_id, row[0], row[1], row[2], row[3], row[4], row[5])

    async def timezones(self, guild_ids: Iterable[int]) -> dict[int, str]:
        """The stored time zone of each of these servers that has been set up (others are left out)."""
        wanted = sorted(set(guild_ids))
        found: dict[int, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            rows = await self._db.fetchall(
                f"SELECT guild_id, timezone FROM guild_settings WHERE guild_id IN ({marks})",  # noqa: S608
                chunk)
            found.update({int(row[0]): str(row[1]) for row in rows if row[1]})
        return found

    async def save(self, config: GuildConfig, now: datetime) -> None:
        await self._db.execute(
            "INSERT INTO guild_settings (guild_id, moderator_role_id, mod_log_channel_id, region, timezone, "
            "escalation_role_id, escalation_channel_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET "
            "moderator_role_id = excluded.moderator_role_id, mod_log_channel_id = excluded.mod_log_channel_id, "
            "region = excluded.region, timezone = excluded.timezone, escalation_role_id = excluded.escalation_role_id, "
            "escalation_channel_id = excluded.escalation_channel_id, updated_at = excluded.updated_at",
            (config.guild_id, config.moderator_role_id, config.mod_log_channel_id, config.region, config.timezone,
             config.escalation_role_id, config.escalation_channel_id, to_iso(now)),
        )

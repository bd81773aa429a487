"""Per-server set-up: the `guild_settings` table."""

from __future__ import annotations

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

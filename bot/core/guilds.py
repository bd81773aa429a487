"""Per-server set-up: moderator role, moderator log channel, crisis-resource region, time zone."""

from __future__ import annotations

from collections.abc import Iterable

from bot.clock import Clock
from bot.core.checkins.prefs_input import resolve_timezone
from bot.core.errors import UserError
from bot.store import Database
from bot.store.guilds_repo import GuildConfig, GuildsRepository

__all__ = ["REGIONS", "REGION_NAMES", "GuildConfig", "GuildSettingsService", "saved_text", "validate_timezone"]

REGIONS: tuple[str, ...] = ("UK", "IE", "US", "CA", "AU", "other")
REGION_NAMES = {
    "UK": "United Kingdom",
    "IE": "Ireland",
    "US": "United States",
    "CA": "Canada",
    "AU": "Australia",
    "other": "another country (international resources)",
}


def validate_timezone(name: str) -> str:
    """What an admin typed as the server's time zone → its IANA name. The same reading as a member's own
    time zone in /checkin settings (`resolve_timezone`): an IANA name in any case ("europe/london") or a
    city ("london", "new york", "mumbai"); anything else is a kind UserError naming examples."""
    return resolve_timezone(name)


def saved_text(config: GuildConfig, *, timezone: str | None = None) -> str:
    """The first line of the reply to a saved set-up, naming what was understood from what was typed."""
    if timezone is None:
        return "Saved."
    typed = " ".join(timezone.split())
    read_as = "" if typed == config.timezone else f" (from “{typed[:40]}”)"
    return (f"Saved. Time zone set to {config.timezone}{read_as}. New check-in schedules, members who haven't "
            "chosen their own time zone, and the weekly digest (Mondays at 09:00) use it.")


class GuildSettingsService:
    def __init__(self, db: Database, clock: Clock, default_timezone: str) -> None:
        self._repo = GuildsRepository(db)
        self._clock = clock
        self._default_timezone = default_timezone

    async def get(self, guild_id: int) -> GuildConfig:
        stored = await self._repo.get(guild_id)
        return stored if stored is not None else GuildConfig(guild_id=guild_id, timezone=self._default_timezone)

    async def timezone(self, guild_id: int) -> str:
        return (await self.get(guild_id)).timezone

    async def timezones(self, guild_ids: Iterable[int]) -> dict[int, str]:
        """Each server's time zone (the default for a server never set up), in one query per 500 servers."""
        wanted = set(guild_ids)
        stored = await self._repo.timezones(wanted)
        return {guild_id: stored.get(guild_id, self._default_timezone) for guild_id in wanted}

    async def update(
        self,
        guild_id: int,
        *,
        moderator_role_id: int | None = None,
        mod_log_channel_id: int | None = None,
        region: str | None = None,
        timezone: str | None = None,
        escalation_role_id: int | None = None,
        escalation_channel_id: int | None = None,
    ) -> GuildConfig:
        """Change the given fields (others stay as they are) and return the stored result."""
        if region is not None and region not in REGIONS:
            raise UserError(f"The region must be one of {', '.join(REGIONS)}.")
        if timezone is not None:
            timezone = validate_timezone(timezone)
        current = await self.get(guild_id)
        merged = GuildConfig(
            guild_id,
            moderator_role_id if moderator_role_id is not None else current.moderator_role_id,
            mod_log_channel_id if mod_log_channel_id is not None else current.mod_log_channel_id,
            region if region is not None else current.region,
            timezone if timezone is not None else current.timezone,
            escalation_role_id if escalation_role_id is not None else current.escalation_role_id,
            escalation_channel_id if escalation_channel_id is not None else current.escalation_channel_id,
        )
        await self._repo.save(merged, self._clock.now())
        return merged

"""A member's own check-in preferences: time zone, quiet hours, pause and snooze."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock, to_iso
from bot.core.checkins.prefs_input import TIME_EXAMPLES, parse_clock_time, resolve_timezone
from bot.core.errors import UserError
from bot.store import Database
from bot.store.checkin_prefs_repo import CheckinPrefsRepository, PrefsRow

MAX_SNOOZE_HOURS = 72
OFF_WORDS = ("off", "none", "no")


@dataclass(frozen=True)
class MemberPrefs:
    timezone: str
    quiet_start: str | None = None
    quiet_end: str | None = None
    paused: bool = False
    snoozed_until: datetime | None = None

    def in_quiet_hours(self, moment: datetime) -> bool:
        if not self.quiet_start or not self.quiet_end or self.quiet_start == self.quiet_end:
            return False
        local = moment.astimezone(ZoneInfo(self.timezone)).time()
        start, end = time.fromisoformat(self.quiet_start), time.fromisoformat(self.quiet_end)
        if start < end:
            return start <= local < end
        return local >= start or local < end  # quiet hours over midnight, e.g. 22:00–07:00

    def next_allowed(self, moment: datetime) -> datetime:
        """The first moment at or after `moment` outside snooze and quiet hours."""
        if self.snoozed_until is not None and moment < self.snoozed_until:
            moment = self.snoozed_until
        if not self.in_quiet_hours(moment):
            return moment
        zone = ZoneInfo(self.timezone)
        local = moment.astimezone(zone)
        end = time.fromisoformat(self.quiet_end or "00:00")
        candidate = datetime.combine(local.date(), end).replace(tzinfo=zone)
        if candidate <= local:
            candidate = datetime.combine(local.date() + timedelta(days=1), end).replace(tzinfo=zone)
        return candidate.astimezone(UTC)

    def describe(self) -> str:
        quiet = f"{self.quiet_start}–{self.quiet_end}" if self.quiet_start and self.quiet_end else "none"
        lines = [f"Time zone: {self.timezone}", f"Quiet hours: {quiet}"]
        if self.paused:
            lines.append("Check-ins: paused (/checkin resume turns them back on)")
        if self.snoozed_until is not None:
            local = self.snoozed_until.astimezone(ZoneInfo(self.timezone))
            lines.append(f"Snoozed until: {local:%a %d %b, %H:%M}")
        elif not self.paused:
            lines.append("Check-ins: on")
        return "\n".join(lines)


class PrefsService:
    def __init__(self, db: Database, clock: Clock, default_timezone: str) -> None:
        self._repo = CheckinPrefsRepository(db)
        self._clock = clock
        self._default_timezone = default_timezone

    def _prefs(self, row: PrefsRow | None, fallback_timezone: str) -> MemberPrefs:
        if row is None:
            return MemberPrefs(fallback_timezone)
        snoozed = row.snoozed_until
        if snoozed is not None and snoozed <= self._clock.now():
            snoozed = None
        return MemberPrefs(row.timezone or fallback_timezone, row.quiet_start, row.quiet_end, row.paused, snoozed)

    async def get(self, guild_id: int, pseudonym: str, fallback_timezone: str | None = None) -> MemberPrefs:
        row = await self._repo.get(guild_id, pseudonym)
        return self._prefs(row, fallback_timezone or self._default_timezone)

    async def by_preferences(self, guild_id: int, fallback_timezone: str) -> list[tuple[MemberPrefs, list[str]]]:
        """Everyone in the server with preferences, grouped by identical preferences, in one query: the
        planner works each group out once, however many thousand members share it."""
        return [(self._prefs(row, fallback_timezone), members)
                for row, members in await self._repo.by_preferences(guild_id)]

    async def _upsert(self, guild_id: int, pseudonym: str, **values: object) -> None:
        await self._repo.upsert(guild_id, pseudonym, self._clock.now(), **values)

    async def configure(
        self, guild_id: int, pseudonym: str, *, timezone: str | None = None, quiet_start: str | None = None,
        quiet_end: str | None = None, fallback_timezone: str | None = None,
    ) -> MemberPrefs:
        """Change her time zone ("london" or "Europe/London") and/or quiet hours ("10pm", "22:00"; "off"
        clears them). Everything is read before anything is saved: one bad value changes nothing."""
        values: dict[str, object] = {}
        if timezone is not None:
            values["timezone"] = resolve_timezone(timezone)
        if quiet_start is not None or quiet_end is not None:
            if (quiet_start or "").strip().lower() in OFF_WORDS or (quiet_end or "").strip().lower() in OFF_WORDS:
                values["quiet_start"] = values["quiet_end"] = None
            elif quiet_start is None or quiet_end is None:
                raise UserError("Please give both the start and the end of your quiet hours, like 10pm and 7am. "
                                "Nothing was changed. 💛")
            else:
                start, end = parse_clock_time(quiet_start), parse_clock_time(quiet_end)
                if start == end:
                    raise UserError("Quiet hours need different start and end times (or “off” for none).")
                values["quiet_start"], values["quiet_end"] = start, end
        if not values:
            raise UserError(f"Tell me what to change: your time zone, or your quiet hours (start and end, like "
                            f"{TIME_EXAMPLES}).")
        await self._upsert(guild_id, pseudonym, **values)
        return await self.get(guild_id, pseudonym, fallback_timezone)

    async def set_paused(self, guild_id: int, pseudonym: str, paused: bool) -> MemberPrefs:
        current = await self.get(guild_id, pseudonym)
        if current.paused == paused:
            raise UserError("Your check-ins are already paused. 💛 /checkin resume turns them back on." if paused
                            else "Your check-ins are already on. 💛")
        await self._upsert(guild_id, pseudonym, paused=int(paused))
        return await self.get(guild_id, pseudonym)

    async def snooze(self, guild_id: int, pseudonym: str, hours: int) -> MemberPrefs:
        if isinstance(hours, bool) or not 1 <= hours <= MAX_SNOOZE_HOURS:
            raise UserError(f"You can snooze check-ins for 1 to {MAX_SNOOZE_HOURS} hours.")
        until = self._clock.now() + timedelta(hours=hours)
        await self._upsert(guild_id, pseudonym, snoozed_until=to_iso(until))
        return await self.get(guild_id, pseudonym)

"""What a moderator's action still forbids, so enforcement holds on every path.

A Discord timeout does not stop a DM to the bot, and a member removed from a group could /join it
again at once. So the bot keeps its own record (table `restrictions`, by pseudonym, never a Discord
id, never text):

- `timeout`: her posting is paused in the whole server until a time (`/mod timeout`);
- `removed`: she is kept out of one group (no rejoining, no posting there) until a moderator lifts
  it with `/mod allow`.

Rows are written inside the moderator action's transaction, together with its audit entry
(`ModerationService.complete`). They are read by the relay policy (`RelayService.check_can_post`),
which runs after screening and crisis care: a restricted member's words are still read for crisis
and she still gets care; only the relay is refused, and the pipeline gives her text back. They are
also read by `MembershipService.check_can_join`. A timeout ends by the clock; an expired row is
deleted when it is next read or when the next timeout is written in that server.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import Clock
from bot.core.errors import UserError
from bot.core.groups import Group
from bot.core.notify import Note
from bot.store import Database, Tx
from bot.store.restrictions_repo import Restriction, RestrictionsRepository


def clock_time(until: datetime, now: datetime) -> str:
    """"21:40 UTC" (today), else "Tue 3 Mar, 21:40 UTC"; rounded up, so it never says a minute too early."""
    if until.second or until.microsecond:
        until = until.replace(second=0, microsecond=0) + timedelta(minutes=1)
    if until.date() == now.date():
        return f"{until:%H:%M} UTC"
    return f"{until:%a} {until.day} {until:%b}, {until:%H:%M} UTC"


def paused_text(until: datetime, now: datetime) -> str:
    return (f"The moderators have paused your posting for now (until {clock_time(until, now)}). You're still "
            "welcome to read, and if things feel too much, please reach out to a crisis line or your local "
            "emergency number. 💛")


def kept_out_text(group: Group, *, joining: bool) -> str:
    what = "rejoin" if joining else "post in"
    return (f"You can't {what} “{group.name}” right now. If you'd like to talk about it, you can message a "
            "moderator; other groups are open to you with /join. 💛")


def allowed_note(group: Group) -> Note:
    """What she is told when a moderator lifts her removal."""
    return Note(f"Hello from the moderators. 💛 You're welcome to join **{group.name}** again whenever you'd like: "
                "use /join in the server.")


class PostingPaused(UserError):
    """She is timed out: her words are not relayed until `until`."""

    def __init__(self, until: datetime, now: datetime) -> None:
        super().__init__(paused_text(until, now))
        self.until = until


class KeptOut(UserError):
    """She was removed from the group and no moderator has lifted it."""

    def __init__(self, group: Group, *, joining: bool) -> None:
        super().__init__(kept_out_text(group, joining=joining))
        self.group = group


class Restrictions:
    """The rules over the `restrictions` table (`bot/store/restrictions_repo.py` owns the table)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._repo = RestrictionsRepository(db)
        self._clock = clock

    # -- reading ----------------------------------------------------------------------------------

    async def paused_until(self, guild_id: int, pseudonym: str) -> datetime | None:
        """When her timeout in this server ends, or None when she has none (an expired one is forgotten)."""
        return await self._repo.timeout_until(guild_id, pseudonym, self._clock.now())

    async def is_kept_out(self, group_id: int, pseudonym: str) -> bool:
        return await self._repo.is_kept_out(group_id, pseudonym)

    async def active(self, guild_id: int, pseudonym: str) -> list[Restriction]:
        """Her restrictions in force in this server (for the moderators' case history)."""
        return await self._repo.active(guild_id, pseudonym, self._clock.now())

    # -- the checks -------------------------------------------------------------------------------

    async def check_can_post(self, group: Group, pseudonym: str) -> None:
        """Raise KeptOut or PostingPaused (kind sentences for her) when a moderator's action forbids the post."""
        if await self.is_kept_out(group.id, pseudonym):
            raise KeptOut(group, joining=False)
        until = await self.paused_until(group.guild_id, pseudonym)
        if until is not None:
            raise PostingPaused(until, self._clock.now())

    async def check_can_join(self, group: Group, pseudonym: str) -> None:
        if await self.is_kept_out(group.id, pseudonym):
            raise KeptOut(group, joining=True)

    # -- writing, inside the moderator action's transaction ---------------------------------------

    async def pause(self, conn: Tx, guild_id: int, pseudonym: str, minutes: int,
                    restricted_by: str) -> datetime:
        """Pause her posting in the server for `minutes` from now (a new timeout replaces the old one,
        as Discord's does). Expired timeouts in the server are forgotten on the way."""
        now = self._clock.now()
        until = now + timedelta(minutes=minutes)
        await self._repo.pause(conn, guild_id, pseudonym, until, restricted_by, now)
        return until

    async def keep_out(self, conn: Tx, guild_id: int, group_id: int, pseudonym: str,
                       restricted_by: str) -> None:
        await self._repo.keep_out(conn, guild_id, group_id, pseudonym, restricted_by, self._clock.now())

    @staticmethod
    async def lift_removal(conn: Tx, group_id: int, pseudonym: str) -> bool:
        """Let her join the group again; False when she was not kept out of it."""
        return await RestrictionsRepository.lift_removal(conn, group_id, pseudonym)

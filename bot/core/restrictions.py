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

from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from bot.clock import Clock, from_iso, to_iso
from bot.core.errors import UserError
from bot.core.groups import Group
from bot.core.notify import Note
from bot.store import Database


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


@dataclass(frozen=True)
class Restriction:
    id: int
    guild_id: int
    pseudonym: str
    kind: str  # timeout | removed
    group_id: int | None
    until: datetime | None
    created_at: str


class Restrictions:
    """Owner of the `restrictions` table."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    # -- reading ----------------------------------------------------------------------------------

    async def paused_until(self, guild_id: int, pseudonym: str) -> datetime | None:
        """When her timeout in this server ends, or None when she has none (an expired one is forgotten)."""
        row = await self._db.fetchone(
            "SELECT id, until FROM restrictions WHERE guild_id = ? AND pseudonym = ? AND kind = 'timeout'",
            (guild_id, pseudonym),
        )
        if row is None:
            return None
        until = from_iso(row["until"])
        if until > self._clock.now():
            return until
        # Only this row, and only if no newer timeout replaced it meanwhile.
        await self._db.execute("DELETE FROM restrictions WHERE id = ? AND until = ?", (row["id"], row["until"]))
        return None

    async def is_kept_out(self, group_id: int, pseudonym: str) -> bool:
        return bool(await self._db.fetchval(
            "SELECT 1 FROM restrictions WHERE group_id = ? AND pseudonym = ? AND kind = 'removed'",
            (group_id, pseudonym),
        ))

    async def active(self, guild_id: int, pseudonym: str) -> list[Restriction]:
        """Her restrictions in force in this server (for the moderators' case history)."""
        now = to_iso(self._clock.now())
        rows = await self._db.fetchall(
            "SELECT * FROM restrictions WHERE guild_id = ? AND pseudonym = ? "
            "AND (kind = 'removed' OR until > ?) ORDER BY id",
            (guild_id, pseudonym, now),
        )
        return [Restriction(row["id"], row["guild_id"], row["pseudonym"], row["kind"], row["group_id"],
                            from_iso(row["until"]) if row["until"] else None, row["created_at"]) for row in rows]

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

    async def pause(self, conn: aiosqlite.Connection, guild_id: int, pseudonym: str, minutes: int,
                    restricted_by: str) -> datetime:
        """Pause her posting in the server for `minutes` from now (a new timeout replaces the old one,
        as Discord's does). Expired timeouts in the server are forgotten on the way."""
        now = self._clock.now()
        until = now + timedelta(minutes=minutes)
        await conn.execute("DELETE FROM restrictions WHERE guild_id = ? AND kind = 'timeout' "
                           "AND (pseudonym = ? OR until <= ?)", (guild_id, pseudonym, to_iso(now)))
        await conn.execute(
            "INSERT INTO restrictions (guild_id, pseudonym, kind, until, restricted_by, created_at) "
            "VALUES (?, ?, 'timeout', ?, ?, ?)",
            (guild_id, pseudonym, to_iso(until), restricted_by, to_iso(now)),
        )
        return until

    async def keep_out(self, conn: aiosqlite.Connection, guild_id: int, group_id: int, pseudonym: str,
                       restricted_by: str) -> None:
        await conn.execute(
            "INSERT INTO restrictions (guild_id, pseudonym, kind, group_id, restricted_by, created_at) "
            "VALUES (?, ?, 'removed', ?, ?, ?) ON CONFLICT DO NOTHING",
            (guild_id, pseudonym, group_id, restricted_by, to_iso(self._clock.now())),
        )

    @staticmethod
    async def lift_removal(conn: aiosqlite.Connection, group_id: int, pseudonym: str) -> bool:
        """Let her join the group again; False when she was not kept out of it."""
        return await conn.execute(
            "DELETE FROM restrictions WHERE group_id = ? AND pseudonym = ? AND kind = 'removed'",
            (group_id, pseudonym),
        ) > 0

"""The anonymous relay: what to post for a member, under which alias and number, and the mapping.

The core decides *what* goes out (alias, colour, numbered parts, reply marker) and records which
Discord messages carry which post; the adapter does the webhook calls. Only the mapping
message id → post number, group and pseudonym is stored, never the text.

Long posts: Discord allows 2,000 characters a message, so a longer post is split at a space or
line break into parts marked "(1/2)", "(2/2)"; all parts share one post number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import aiosqlite

from bot.clock import Clock, from_iso, to_iso
from bot.core import member_notes
from bot.core.aliases import PALETTE, AliasRecord
from bot.core.errors import NotFound, UserError
from bot.core.groups import Group, GroupService
from bot.core.restrictions import Restrictions
from bot.store import Database

MESSAGE_LIMIT = 2000
MAX_POST_CHARS = 4000
STALE_PENDING = timedelta(minutes=10)
_LINK = re.compile(r"discord(?:app)?\.com/channels/(\d+|@me)/(\d+)/(\d+)")


class Cooldown(UserError):
    def __init__(self, seconds: int) -> None:
        super().__init__(member_notes.cooldown(seconds))
        self.seconds = seconds


@dataclass(frozen=True)
class RelayPlan:
    """Everything the adapter needs to post one share."""

    post_id: int
    guild_id: int
    group_id: int
    channel_id: int
    number: int
    pseudonym: str
    alias: str
    colour: int
    reply_marker: str | None
    parts: tuple[str, ...]

    @property
    def avatar_index(self) -> int:
        """Which of Discord's six default avatars (one per colour family) this alias posts with."""
        return avatar_index(self.colour)


@dataclass(frozen=True)
class RelayedPost:
    id: int
    guild_id: int
    group_id: int
    channel_id: int | None
    number: int
    pseudonym: str
    alias: str
    reply_to: int | None
    state: str
    created_at: str


def message_link(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def avatar_index(colour: int) -> int:
    return PALETTE.index(colour) % 6 if colour in PALETTE else colour % 6


def parse_ref(ref: str) -> tuple[str, int]:
    """A post reference: "#14", "14" or a message link → ("number", 14) or ("message", message id)."""
    ref = ref.strip()
    link = _LINK.search(ref)
    if link:
        return "message", int(link.group(3))
    digits = ref.lstrip("#").strip()
    if digits.isdigit() and 0 < int(digits) < 10**9:
        return "number", int(digits)
    raise UserError("Please give a post number like #14, or the post's message link.")


def clean_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise UserError("There's nothing to share yet: please write a few words first.")
    if len(text) > MAX_POST_CHARS:
        raise UserError(f"That's a little long for one post ({len(text)} characters). Please keep it under "
                        f"{MAX_POST_CHARS}, or share it in two parts.")
    return text


def _cut(text: str, budget: int) -> tuple[str, str]:
    if len(text) <= budget:
        return text, ""
    window = text[:budget]
    cut = max(window.rfind("\n"), window.rfind(" "))
    if cut < budget // 2:
        cut = budget
    return text[:cut].rstrip(), text[cut:].lstrip()


def split_parts(number: int, text: str, reply_marker: str | None, limit: int = MESSAGE_LIMIT) -> tuple[str, ...]:
    """The messages of one post: a header line ("**#14**", reply marker, "(1/2)") and the text."""
    first_header = f"**#{number}**" + (f" · {reply_marker}" if reply_marker else "")
    single = f"{first_header}\n{text}"
    if len(single) <= limit:
        return (single,)
    reserve = len(first_header) + len(" (99/99)\n")
    pieces: list[str] = []
    rest = text
    while rest:
        piece, rest = _cut(rest, limit - reserve)
        pieces.append(piece)
    total = len(pieces)
    return tuple(
        f"{first_header if i == 0 else f'**#{number}**'} ({i + 1}/{total})\n{piece}" for i, piece in enumerate(pieces)
    )


class RelayService:
    def __init__(self, db: Database, clock: Clock, groups: GroupService, cooldown_seconds: int,
                 restrictions: Restrictions) -> None:
        self._db = db
        self._clock = clock
        self._groups = groups
        self._cooldown = timedelta(seconds=cooldown_seconds)
        self._restrictions = restrictions

    @staticmethod
    def _post(row: aiosqlite.Row) -> RelayedPost:
        return RelayedPost(row["id"], row["guild_id"], row["group_id"], row["channel_id"], row["number"],
                           row["pseudonym"], row["alias"], row["reply_to"], row["state"], row["created_at"])

    _SELECT = "SELECT p.*, g.channel_id FROM relayed_posts p JOIN groups g ON g.id = p.group_id"

    async def cooldown_left(self, guild_id: int, pseudonym: str) -> int:
        last = await self._db.fetchval(
            "SELECT max(created_at) FROM relayed_posts WHERE guild_id = ? AND pseudonym = ?", (guild_id, pseudonym)
        )
        if not isinstance(last, str):
            return 0
        left = from_iso(last) + self._cooldown - self._clock.now()
        return max(0, int(left.total_seconds() + 0.999))

    async def check(self, group: Group, author: AliasRecord, text: str, reply_to: int | None = None) -> str:
        """Validate a share without changing anything; returns the cleaned text."""
        text = clean_text(text)
        await self.check_can_post(group, author, reply_to)
        return text

    async def check_can_post(self, group: Group, author: AliasRecord, reply_to: int | None = None) -> None:
        """Everything but the text: open anonymous group, no moderator's removal or timeout in force
        (`Restrictions`), her membership, the cooldown, the reply target. The pipeline runs this after
        screening and crisis care, so a refusal here never keeps care from her."""
        if group.archived or group.channel_id is None:
            raise UserError(f"“{group.name}” isn't open for posts any more.")
        if group.mode != "anonymous":
            raise UserError(f"“{group.name}” is an open group: you can write in its channel directly.")
        await self._restrictions.check_can_post(group, author.pseudonym)
        if not await self._groups.is_member(group.id, author.pseudonym):
            raise UserError(f"You're not in “{group.name}”. Use /join to join a group first.")
        seconds = await self.cooldown_left(group.guild_id, author.pseudonym)
        if seconds:
            raise Cooldown(seconds)
        if reply_to is not None:
            await self._reply_target(group, reply_to)

    async def _reply_target(self, group: Group, number: int) -> RelayedPost:
        row = await self._db.fetchone(
            f"{self._SELECT} WHERE p.group_id = ? AND p.number = ? AND p.state = 'posted'", (group.id, number)
        )
        if row is None:
            raise UserError(f"There's no post #{number} in “{group.name}” to reply to.")
        return self._post(row)

    async def prepare(self, group: Group, author: AliasRecord, text: str, reply_to: int | None = None) -> RelayPlan:
        """Check again, reserve the next post number and return what to post."""
        text = await self.check(group, author, text, reply_to)
        marker = None
        if reply_to is not None:
            target = await self._reply_target(group, reply_to)
            marker = f"↪ replying to #{target.number} ({target.alias})"
        async with self._db.transaction() as conn:
            number = await conn.fetchval(
                "SELECT coalesce(max(number), 0) + 1 FROM relayed_posts WHERE group_id = ?", (group.id,)
            )
            post_id = int(await conn.fetchval(
                "INSERT INTO relayed_posts (guild_id, group_id, number, pseudonym, alias, reply_to, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (group.guild_id, group.id, number, author.pseudonym, author.alias, reply_to,
                 to_iso(self._clock.now())),
            ))
        assert group.channel_id is not None
        return RelayPlan(post_id, group.guild_id, group.id, group.channel_id, number, author.pseudonym, author.alias,
                         author.colour, marker, split_parts(number, text, marker))

    async def confirm(self, plan: RelayPlan, message_ids: list[int]) -> None:
        async with self._db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO relayed_messages (message_id, post_id, part) VALUES (?, ?, ?)",
                [(message_id, plan.post_id, part) for part, message_id in enumerate(message_ids, 1)],
            )
            await conn.execute("UPDATE relayed_posts SET state = 'posted' WHERE id = ?", (plan.post_id,))

    async def abandon(self, plan: RelayPlan) -> None:
        """The post could not be sent: forget the reserved number (and so the cooldown)."""
        async with self._db.transaction() as conn:
            await conn.execute("DELETE FROM relayed_messages WHERE post_id = ?", (plan.post_id,))
            await conn.execute("DELETE FROM relayed_posts WHERE id = ? AND state = 'pending'", (plan.post_id,))

    async def purge_stale(self) -> int:
        """Numbers reserved by a send that never finished (the process stopped mid-way)."""
        cutoff = to_iso(self._clock.now() - STALE_PENDING)
        async with self._db.transaction() as conn:
            purged = await conn.execute(
                "DELETE FROM relayed_posts WHERE state = 'pending' AND created_at < ? "
                "AND id NOT IN (SELECT post_id FROM relayed_messages)", (cutoff,)
            )
        return purged

    async def by_message(self, guild_id: int, message_id: int) -> RelayedPost | None:
        row = await self._db.fetchone(
            f"{self._SELECT} JOIN relayed_messages m ON m.post_id = p.id WHERE p.guild_id = ? AND m.message_id = ?",
            (guild_id, message_id),
        )
        return None if row is None else self._post(row)

    async def find(
        self, guild_id: int, ref: str, *, group_id: int | None = None, pseudonym: str | None = None
    ) -> RelayedPost:
        """A live post by number (in `group_id`, or unambiguous across groups) or by message link."""
        kind, value = parse_ref(ref)
        if kind == "message":
            post = await self.by_message(guild_id, value)
            candidates = [post] if post is not None and post.state == "posted" else []
        else:
            rows = await self._db.fetchall(
                f"{self._SELECT} WHERE p.guild_id = ? AND p.number = ? AND p.state = 'posted'", (guild_id, value)
            )
            candidates = [self._post(row) for row in rows]
        if group_id is not None:
            candidates = [c for c in candidates if c.group_id == group_id]
        if pseudonym is not None:
            candidates = [c for c in candidates if c.pseudonym == pseudonym]
        if not candidates:
            raise NotFound(f"I can't find post {ref.strip()[:40]}. It may already have been removed.")
        if len(candidates) > 1:
            raise UserError(f"More than one group has a post #{value}. Please use the post's message link, or run "
                            "this in the group's channel.")
        return candidates[0]

    async def message_ids(self, post_id: int) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT message_id FROM relayed_messages WHERE post_id = ? ORDER BY part", (post_id,)
        )
        return [row[0] for row in rows]

    async def mark_deleted(self, conn: aiosqlite.Connection, post: RelayedPost) -> None:
        """Inside the caller's transaction: the post is gone, and so is its message mapping."""
        await conn.execute("DELETE FROM relayed_messages WHERE post_id = ?", (post.id,))
        await conn.execute("UPDATE relayed_posts SET state = 'deleted', deleted_at = ? WHERE id = ?",
                           (to_iso(self._clock.now()), post.id))

    async def unshare(self, post: RelayedPost) -> None:
        async with self._db.transaction() as conn:
            await self.mark_deleted(conn, post)

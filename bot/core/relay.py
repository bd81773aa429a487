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

from bot.clock import Clock
from bot.core import member_notes
from bot.core.aliases import PALETTE, AliasRecord
from bot.core.errors import NotFound, UserError
from bot.core.groups import Group, GroupService
from bot.core.restrictions import Restrictions
from bot.store import Database, Tx
from bot.store.relay_repo import RelayedPost, RelayRepository

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
        self._repo = RelayRepository(db)
        self._clock = clock
        self._groups = groups
        self._cooldown = timedelta(seconds=cooldown_seconds)
        self._restrictions = restrictions

    async def cooldown_left(self, guild_id: int, pseudonym: str) -> int:
        last = await self._repo.last_post_at(guild_id, pseudonym)
        if last is None:
            return 0
        left = last + self._cooldown - self._clock.now()
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
        post = await self._repo.live_post(group.id, number)
        if post is None:
            raise UserError(f"There's no post #{number} in “{group.name}” to reply to.")
        return post

    async def prepare(self, group: Group, author: AliasRecord, text: str, reply_to: int | None = None) -> RelayPlan:
        """Check again, reserve the next post number and return what to post."""
        text = await self.check(group, author, text, reply_to)
        marker = None
        if reply_to is not None:
            target = await self._reply_target(group, reply_to)
            marker = f"↪ replying to #{target.number} ({target.alias})"
        post_id, number = await self._repo.reserve(group.guild_id, group.id, author.pseudonym, author.alias, reply_to,
                                                   self._clock.now())
        assert group.channel_id is not None
        return RelayPlan(post_id, group.guild_id, group.id, group.channel_id, number, author.pseudonym, author.alias,
                         author.colour, marker, split_parts(number, text, marker))

    async def confirm(self, plan: RelayPlan, message_ids: list[int]) -> None:
        await self._repo.confirm(plan.post_id, message_ids)

    async def abandon(self, plan: RelayPlan) -> None:
        """The post could not be sent: forget the reserved number (and so the cooldown)."""
        await self._repo.abandon(plan.post_id)

    async def purge_stale(self) -> int:
        """Numbers reserved by a send that never finished (the process stopped mid-way)."""
        return await self._repo.purge_pending(self._clock.now() - STALE_PENDING)

    async def by_message(self, guild_id: int, message_id: int) -> RelayedPost | None:
        return await self._repo.by_message(guild_id, message_id)

    async def find(
        self, guild_id: int, ref: str, *, group_id: int | None = None, pseudonym: str | None = None
    ) -> RelayedPost:
        """A live post by number (in `group_id`, or unambiguous across groups) or by message link."""
        kind, value = parse_ref(ref)
        if kind == "message":
            post = await self.by_message(guild_id, value)
            candidates = [post] if post is not None and post.state == "posted" else []
        else:
            candidates = await self._repo.live_posts_numbered(guild_id, value)
        if group_id is not None:
            candidates = [c for c in candidates if c.group_id == group_id]
        if pseudonym is not None:
            mine = [c for c in candidates if c.pseudonym == pseudonym]
            if candidates and not mine:
                raise UserError(member_notes.not_yours(ref))
            candidates = mine
        if not candidates:
            raise NotFound(f"I can't find post {ref.strip()[:40]}. It may already have been removed.")
        if len(candidates) > 1:
            raise UserError(f"More than one group has a post #{value}. Please use the post's message link, or run "
                            "this in the group's channel.")
        return candidates[0]

    async def message_ids(self, post_id: int) -> list[int]:
        return await self._repo.message_ids(post_id)

    async def mark_deleted(self, tx: Tx, post: RelayedPost) -> None:
        """Inside the caller's transaction: the post is gone, and so is its message mapping."""
        await self._repo.mark_deleted(tx, post.id, self._clock.now())

    async def unshare(self, post: RelayedPost) -> None:
        async with self._db.transaction() as tx:
            await self.mark_deleted(tx, post)

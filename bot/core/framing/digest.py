"""The weekly "you're not alone" digest: how many of a group wrote about the same struggles this week.

Common humanity made visible: knowing that others live the same thing reduces isolation and shame.
Each published post with a digest label (`DIGEST_LABELS`: the comparisons, isolation and common
humanity; never crisis, never neutral) records her pseudonym once per group, week (the Monday of the
ISO week in the server's time zone, `/setup configure timezone`) and label (`FramingService.after_post`
→ `framing_week_members`). The digest counts distinct members per label, shows a label only when at
least `research.k_anonymity` members are in it, and says nothing at all for a group with fewer than k
members. No alias, no words of any post.

Moderators turn it on per group (off by default: a group hears about it before it starts) and can
preview it privately. `run_due` posts last week's digest to each enabled group of this process's
shards from Monday `POST_HOUR`:00 in the server's time zone (09:00 in London is 08:00 UTC in summer;
09:00 in Sydney is Sunday evening UTC), exactly once per group and week (a claim row inserted with
ON CONFLICT DO NOTHING before posting: of two processes or runs, only one inserts it). A post that
fails after the claim is not retried (at most once, never twice). Week rows older than last week are
pruned on each run, so who-wrote-what is kept about two weeks; retention and /forget-me cover them too.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.clock import Clock
from bot.core.audit import AuditLog
from bot.core.errors import UserError
from bot.core.groups import Group, GroupService
from bot.core.guilds import GuildSettingsService
from bot.core.notify import Note, Notifier
from bot.core.shards import ALL_GUILDS, GuildShards
from bot.store import Database
from bot.store.framing_repo import FramingRepository

log = logging.getLogger(__name__)

# What a post of each label is about, as the group reads it ("6 of you wrote about …"), in the
# order they are named when counts tie.
STRUGGLES: dict[str, str] = {
    "upward_comparison": "feeling behind other mums",
    "isolation": "feeling alone with it",
    "downward_comparison": "measuring yourselves against how others are doing",
}
REACHED_OUT = "common_humanity"
DIGEST_LABELS: tuple[str, ...] = (*STRUGGLES, REACHED_OUT)
# Last week's digest goes out from Monday at this hour, in the server's time zone.
POST_HOUR = 9


def week_of(day: date) -> date:
    """The Monday of the ISO week holding `day`."""
    return day - timedelta(days=day.weekday())


def digest_text(counts: dict[str, int], members: int, k: int, period: str = "Last week") -> str | None:
    """The note for a group with these distinct-member counts per label, or None when there is nothing
    to say without risking that someone is recognised (a group below k, or no label with k members).
    `period` opens it: "Last week" when posted on Monday, "This week" in a preview."""
    if members < k:
        return None
    shown = sorted(((counts.get(label, 0), -i, label) for i, label in enumerate(STRUGGLES)
                    if counts.get(label, 0) >= k), reverse=True)
    reached = counts.get(REACHED_OUT, 0)
    sentences: list[str] = []
    if shown:
        parts = [f"{n} of you wrote about {STRUGGLES[label]}" if i == 0 else f"{n} about {STRUGGLES[label]}"
                 for i, (n, _tie, label) in enumerate(shown)]
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        sentences.append(f"{period} {listed}. You are far from the only one.")
    if reached >= k:
        opening = "And" if shown else period
        sentences.append(f"{opening} {reached} of you wrote to remind someone here that she isn't alone. 💛")
    if not sentences:
        return None
    return "💛 **You're not alone**\n" + " ".join(sentences)


class DigestService:
    """The weekly digest: recording writers, the moderators' switch and preview, and posting."""

    def __init__(self, db: Database, clock: Clock, groups: GroupService, audit: AuditLog, k: int,
                 shards: GuildShards = ALL_GUILDS, *, guilds: GuildSettingsService) -> None:
        self._db = db
        self._guilds = guilds
        self._repo = FramingRepository(db)
        self._clock = clock
        self._groups = groups
        self._audit = audit
        self.k = k
        self._shards = shards

    async def record(self, guild_id: int, group_id: int, pseudonym: str, label: str) -> None:
        """A published post with this label (crisis and neutral are never recorded)."""
        if label in DIGEST_LABELS:
            week = local_week(self._clock.now(), await self.timezone(guild_id))
            await self._repo.note_writer(guild_id, group_id, week, label, pseudonym)

    async def timezone(self, guild_id: int) -> str:
        """The server's time zone, which the digest's weeks and posting time follow."""
        return await self._guilds.timezone(guild_id)

    async def enabled(self, guild_id: int, group_id: int) -> bool:
        return await self._repo.digest_enabled(guild_id, group_id)

    async def set_enabled(self, guild_id: int, group_id: int, on: bool, *, actor: str) -> None:
        async with self._db.transaction() as tx:
            await self._repo.set_digest(tx, guild_id, group_id, on, self._clock.now())
            await self._audit.record(tx, guild_id, actor, "framing_digest", "framing setting",
                                     detail=f"group {group_id}: {'on' if on else 'off'}")

    async def served_groups(self) -> list[tuple[int, int]]:
        """(guild_id, group_id) of the groups with the digest on, of this process's guilds."""
        return await self._repo.digest_groups(self._shards)

    async def note_for(self, group: Group, week: date, period: str = "Last week") -> Note | None:
        counts = await self._repo.writers_by_label(group.guild_id, group.id, week)
        text = digest_text(counts, group.member_count, self.k, period)
        return None if text is None else Note(text)

    async def preview(self, guild_id: int, group_id: int) -> Note:
        """What the group would read for the week so far, for the moderator's eyes only."""
        group = await self._groups.get(guild_id, group_id)
        enabled = await self.enabled(guild_id, group_id)
        zone = await self.timezone(guild_id)
        state = (f"The digest is on: last week's goes to the group each Monday at {POST_HOUR:02d}:00 ({zone}, the "
                 "server's time zone)." if enabled else
                 "The digest is off for this group. `/framing digest` with `on` starts it.")
        note = await self.note_for(group, local_week(self._clock.now(), zone), "This week")
        if note is None:
            body = (f"Nothing to show yet for this week. A digest names a topic only when at least {self.k} "
                    f"members wrote about it, and a group needs at least {self.k} members to get one.")
        else:
            body = "This week so far, as the group would read it:\n>>> " + note.text
        return Note(f"**Weekly digest for “{group.name}”**\n{state}\n{body}")

    async def due_groups(self) -> dict[date, set[tuple[int, int]]]:
        """The enabled groups of this process's guilds whose local Monday POST_HOUR has come, by the week
        their digest is about (last week in the server's time zone)."""
        now = self._clock.now()
        groups = await self._repo.digest_groups(self._shards)
        zones = await self._guilds.timezones({guild_id for guild_id, _ in groups})
        due: dict[date, set[tuple[int, int]]] = defaultdict(set)
        for guild_id, group_id in groups:
            this_week = local_week(now, zones[guild_id])
            if now >= posting_time(this_week, zones[guild_id]):
                due[this_week - timedelta(weeks=1)].add((guild_id, group_id))
        return due

    async def run_due(self, notifier: Notifier) -> int:
        """Post last week's digest (in each server's time zone) to every enabled group of this process's
        guilds whose Monday POST_HOUR has come and that has not had it; the number posted."""
        now = self._clock.now()
        # Weeks before last week (UTC) are done everywhere: a server's week is never more than a day away.
        await self._repo.prune_weeks_before(week_of(now.date()) - timedelta(weeks=1), self._shards)
        posted = 0
        for week, wanted in sorted((await self.due_groups()).items()):
            for guild_id, group_id in await self._repo.undigested(week, self._shards):
                if (guild_id, group_id) in wanted:
                    posted += await self._post(notifier, guild_id, group_id, week, now)
        return posted

    async def _post(self, notifier: Notifier, guild_id: int, group_id: int, week: date, now: datetime) -> int:
        try:
            group = await self._groups.get(guild_id, group_id)
        except UserError:
            group = None
        note = None if group is None or group.archived or group.channel_id is None else \
            await self.note_for(group, week)
        if not await self._repo.claim_digest(guild_id, group_id, week, note is not None, now):
            return 0  # another run or process has it
        if note is None or group is None or group.channel_id is None:
            return 0
        if await notifier.send_group(guild_id, group.channel_id, note):
            return 1
        log.warning("Could not post the weekly digest to group %s in guild %s", group_id, guild_id)
        return 0


def zone_of(name: str) -> ZoneInfo:
    """The zone by its IANA name; UTC for a name this machine does not know (logged, never raised)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("Unknown time zone %r for the weekly digest: using UTC", name)
        return ZoneInfo("UTC")


def local_week(now: datetime, zone: str) -> date:
    """The Monday of the ISO week holding `now` in the time zone `zone`."""
    return week_of(now.astimezone(zone_of(zone)).date())


def posting_time(week: date, zone: str) -> datetime:
    """When the digest of the week before `week` goes out: `week`'s Monday at POST_HOUR in `zone`, in UTC."""
    return datetime.combine(week, time(POST_HOUR), tzinfo=zone_of(zone)).astimezone(UTC)

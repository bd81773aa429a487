"""Moderator actions on aliases and posts, each with a reason and an audit entry.

An action is planned first (validation only, nothing changes), the adapter does the Discord step
(timeout, role, message deletion), then `finish` tells her privately and `complete` writes the
database change and its audit entry in one transaction. A failed Discord step therefore leaves
nothing recorded as done.

A timeout and a removal also leave a restriction (`bot/core/restrictions.py`) that the relay and
/join check, so they hold on every path: a timed-out member's DMs are screened (crisis care always
applies) but not relayed until the timeout ends; a removed member is kept out of that group until
a moderator lifts it with `allow`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core import member_notes
from bot.core.aliases import AliasRecord, AliasService
from bot.core.audit import AuditLog, clean_reason
from bot.core.errors import UserError
from bot.core.flags import FlagQueue, flag_kind
from bot.core.groups import Group, GroupService
from bot.core.notify import Note, Notifier
from bot.core.relay import RelayedPost, RelayService
from bot.core.restrictions import Restrictions, allowed_note
from bot.store import Database

MAX_TIMEOUT_MINUTES = 28 * 24 * 60  # Discord's longest timeout
# What Discord's own audit log (visible to admins next to the account) is told: never the alias.
DISCORD_REASON = "Peer-support moderation (details in the bot's audit log)"
# Notifier.send_dm gives False for closed DMs, a member who has left and a Discord error alike, so all
# three are named: "her DMs are closed" alone would sometimes be untrue.
NOT_TOLD = "she was not told: my DM could not reach her — her DMs are closed, she left, or Discord failed"
ACTION_WORDS = {"warn": "warned", "timeout": "timed out", "remove": "removed from a group", "delete": "post removed",
                "allow": "allowed back into a group"}


@dataclass(frozen=True)
class Action:
    guild_id: int
    kind: str  # warn | timeout | remove | delete | allow
    target: AliasRecord
    reason: str
    group: Group | None = None
    minutes: int | None = None
    post: RelayedPost | None = None


class ModerationService:
    def __init__(self, db: Database, audit: AuditLog, aliases: AliasService, groups: GroupService,
                 relay: RelayService, flags: FlagQueue, restrictions: Restrictions) -> None:
        self._db = db
        self._audit = audit
        self._aliases = aliases
        self._groups = groups
        self._relay = relay
        self._flags = flags
        self._restrictions = restrictions

    async def target(self, guild_id: int, alias: str) -> AliasRecord:
        if not alias.strip():
            raise UserError("Please give the member's alias, e.g. Quiet Fern.")
        return await self._aliases.by_alias(guild_id, alias)

    async def plan_warn(self, guild_id: int, alias: str, reason: str) -> Action:
        reason = clean_reason(reason)
        return Action(guild_id, "warn", await self.target(guild_id, alias), reason)

    async def plan_timeout(self, guild_id: int, alias: str, minutes: int, reason: str) -> Action:
        reason = clean_reason(reason)
        if not 1 <= minutes <= MAX_TIMEOUT_MINUTES:
            raise UserError(f"A timeout can be from 1 to {MAX_TIMEOUT_MINUTES} minutes (28 days).")
        return Action(guild_id, "timeout", await self.target(guild_id, alias), reason, minutes=minutes)

    async def plan_remove(self, guild_id: int, alias: str, group_name: str, reason: str) -> Action:
        reason = clean_reason(reason)
        target = await self.target(guild_id, alias)
        group = await self._groups.by_name(guild_id, group_name)
        if not await self._groups.is_member(group.id, target.pseudonym):
            if await self._restrictions.is_kept_out(group.id, target.pseudonym):
                raise UserError(f"{target.alias} isn't in “{group.name}”: she was removed and is kept out until a "
                                "moderator uses /mod allow.")
            raise UserError(f"{target.alias} isn't in “{group.name}”.")
        return Action(guild_id, "remove", target, reason, group=group)

    async def plan_allow(self, guild_id: int, alias: str, group_name: str, reason: str) -> Action:
        """Lift a removal: she may join the group again."""
        reason = clean_reason(reason)
        target = await self.target(guild_id, alias)
        group = await self._groups.by_name(guild_id, group_name)
        if not await self._restrictions.is_kept_out(group.id, target.pseudonym):
            raise UserError(f"{target.alias} isn't kept out of “{group.name}”, so there's nothing to lift: she can "
                            "join it with /join.")
        return Action(guild_id, "allow", target, reason, group=group)

    async def plan_delete(self, guild_id: int, ref: str, reason: str, channel_group_id: int | None) -> Action:
        reason = clean_reason(reason)
        post = await self._relay.find(guild_id, ref, group_id=channel_group_id)
        target = await self._aliases.get(guild_id, post.pseudonym)
        if target is None:
            raise UserError("The author of that post has erased her data; the post can be deleted by hand.")
        group = await self._groups.get(guild_id, post.group_id)
        return Action(guild_id, "delete", target, reason, group=group, post=post)

    async def finish(self, action: Action, actor: str, notifier: Notifier, *, server_name: str) -> Note:
        """After the adapter's Discord step: tell her privately (`member_note`; nothing for a deleted post),
        then record the action. Returns the moderator's note, which says when she could not be told."""
        note = self.member_note(action, server_name)
        told = note is None or await notifier.send_dm(action.guild_id, action.target.user_id, note)
        return await self.complete(action, actor, detail="" if told else NOT_TOLD)

    async def complete(self, action: Action, actor: str, *, detail: str = "") -> Note:
        """The Discord side is done: write the change and its audit entry together."""
        parts = [detail] if detail else []
        if action.group is not None:
            parts.insert(0, f"group {action.group.name}")
        if action.minutes is not None:
            parts.insert(0, f"{action.minutes} min")
        if action.post is not None:
            parts.insert(0, f"post #{action.post.number}")
        pseudonym = action.target.pseudonym
        async with self._db.transaction() as conn:
            if action.kind == "timeout" and action.minutes is not None:
                await self._restrictions.pause(conn, action.guild_id, pseudonym, action.minutes, actor)
            if action.kind == "remove" and action.group is not None:
                await self._groups.remove_member(conn, action.group.id, pseudonym)
                await self._restrictions.keep_out(conn, action.guild_id, action.group.id, pseudonym, actor)
            if (action.kind == "allow" and action.group is not None
                    and not await self._restrictions.lift_removal(conn, action.group.id, pseudonym)):
                raise UserError(f"{action.target.alias} was already allowed back into “{action.group.name}”.")
            if action.kind == "delete" and action.post is not None:
                await self._relay.mark_deleted(conn, action.post)
            await self._audit.record(conn, action.guild_id, actor, action.kind, action.reason,
                                     target_alias=action.target.alias, target_pseudonym=action.target.pseudonym,
                                     detail="; ".join(parts))
        what = ACTION_WORDS[action.kind]
        return Note(f"Done: **{action.target.alias}** {what}" + (f" ({'; '.join(parts)})" if parts else "")
                    + ". Recorded in the audit log.")

    @staticmethod
    def member_note(action: Action, server_name: str) -> Note | None:
        """What she is told privately, if anything."""
        if action.kind == "warn":
            return member_notes.warning(server_name, action.reason)
        if action.kind == "timeout" and action.minutes is not None:
            return member_notes.timed_out(action.minutes, action.reason)
        if action.kind == "remove" and action.group is not None:
            return member_notes.removed(action.group, action.reason)
        if action.kind == "allow" and action.group is not None:
            return allowed_note(action.group)
        return None

    async def history(self, guild_id: int, alias: str) -> Note:
        target = await self.target(guild_id, alias)
        entries = await self._audit.for_target(guild_id, target.pseudonym, limit=15)
        flags = await self._flags.for_pseudonym(guild_id, target.pseudonym, limit=10)
        groups = await self._groups.groups_of(guild_id, target.pseudonym)
        lines = [f"**Case history: {target.alias}**",
                 "Groups: " + (", ".join(g.name for g in groups) if groups else "none"),
                 "Restrictions: " + await self._restrictions_line(guild_id, target.pseudonym)]
        lines.append("**Flags**" if flags else "No flags.")
        lines += [f"#{f.id} {flag_kind(f)} · {f.state} · {f.created_at[:16].replace('T', ' ')}"
                  + (f" · {f.detail}" if f.detail else "") for f in flags]
        lines.append("**Moderator actions**" if entries else "No moderator actions.")
        lines += [f"{e.at[:16].replace('T', ' ')} · {e.action} · {e.reason}" + (f" · {e.detail}" if e.detail else "")
                  for e in entries]
        return Note("\n".join(lines))

    async def _restrictions_line(self, guild_id: int, pseudonym: str) -> str:
        names = {g.id: g.name for g in await self._groups.list(guild_id, include_archived=True)}
        parts = [f"posting paused until {r.until:%Y-%m-%d %H:%M} UTC" if r.until is not None
                 else f"kept out of {names.get(r.group_id or 0, 'a deleted group')} (until /mod allow)"
                 for r in await self._restrictions.active(guild_id, pseudonym)]
        return "; ".join(parts) if parts else "none"

    async def audit_note(self, guild_id: int, limit: int = 15) -> Note:
        entries = await self._audit.recent(guild_id, limit)
        if not entries:
            return Note("No moderator actions recorded yet.")
        lines = ["**Recent moderator actions** (moderators are shown by a short code)"]
        lines += [f"{e.at[:16].replace('T', ' ')} · {e.actor_pseudonym[:6]} · {e.action}"
                  + (f" · {e.target_alias}" if e.target_alias else "") + f" · {e.reason}"
                  + (f" · {e.detail}" if e.detail else "") for e in entries]
        return Note("\n".join(lines))

    async def flags_note(self, guild_id: int) -> Note:
        flags = await self._flags.list(guild_id)
        if not flags:
            return Note("No open flags. 🌿")
        lines = ["**Open flags** (/mod ack or /mod resolve with the number)"]
        lines += [f"#{f.id} {flag_kind(f)} · {f.state} · {f.alias}" + (f" · {f.detail}" if f.detail else "")
                  + (f" · {f.jump_url}" if f.jump_url else "") for f in flags]
        return Note("\n".join(lines))

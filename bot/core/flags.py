"""The shared flag queue: reports, crisis alerts and questionnaire safety alerts.

States move open → acknowledged → resolved (or open → resolved). Changes are conditional
updates, so when two moderators act on one flag at once exactly one of them wins and the other
is told kindly. Raising a flag also writes its first alert to the outbox (`flag_alerts`) in the
same transaction, so a crash can delay an alert but never lose it; bot/core/alerts.py delivers
the outbox, re-alerts urgent flags with backoff and escalates them.

Urgent flags: crisis, check-in safety answers, and reports in the "worried about someone's
safety" category. Their alerts mention the moderator role, re-alert and escalate.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from bot.clock import Clock, to_iso
from bot.core.audit import AuditLog, clean_reason
from bot.core.errors import NotFound, UserError
from bot.core.notify import Choice, Note
from bot.store import Database, Tx
from bot.store.flags_repo import Flag, FlagsRepository, NewFlag

FlagKind = Literal["report", "crisis", "safety"]
FlagState = Literal["open", "acknowledged", "resolved"]

WORRIED_TITLE = "A post that may need a gentle look"  # a crisis flag of the worried tier (not urgent)
KIND_TITLES = {
    "report": "Report from a member",
    "crisis": "Crisis language — please check in",
    "safety": "Check-in safety answer — please check in",
}


# What the alert says about the resources she was sent: only what really happened.
DELIVERY_LINES = {
    "dm": "She has been sent crisis resources by DM.",
    "here": "Her DMs are closed: she was shown crisis resources privately where she wrote.",
    "none": "⚠️ Crisis resources could **not** be delivered to her (DMs closed, nowhere else to reach her). "
            "Please find a way to reach out to her.",
}
ENTRY_WORDS = {
    "share": "a /share post",
    "dm": "a direct message to the bot",
    "channel": "a message in the group channel",
    "thread": "a message in a thread of the group channel",
    "edit": "an edited message",
}


POST_LINES = {
    "shared": "Her post was shared in the group.",
    "in_channel": "She wrote it in the channel itself.",
}


def flag_kind(flag: Flag) -> str:
    """The kind as moderators read it in lists: a worried-tier crisis note says so."""
    if flag.kind == "crisis" and not flag.urgent:
        return "crisis (worried)"
    if flag.kind == "report" and flag.urgent:
        return "report (safety)"
    return flag.kind


def state_note(flag: Flag) -> Note:
    """What the moderator who changed a flag is told."""
    return Note(f"Flag #{flag.id} is now {flag.state}.")


def ack_choice(flag_id: int) -> Choice:
    return Choice(f"flag:ack:{flag_id}", "Acknowledge", "primary")


def resolve_choice(flag_id: int) -> Choice:
    return Choice(f"flag:resolve:{flag_id}", "Resolve", "success")


class FlagQueue:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, first_realert_minutes: int) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit
        self._realert = timedelta(minutes=first_realert_minutes)
        self._repo = FlagsRepository(db)

    async def raise_flag(
        self,
        guild_id: int,
        kind: FlagKind,
        pseudonym: str,
        alias: str,
        *,
        group_id: int | None = None,
        detail: str = "",
        jump_url: str | None = None,
        delivery: str | None = None,
        entry: str | None = None,
        urgent: bool | None = None,
        post_state: str | None = None,
        post_note: str | None = None,
        tx: Tx | None = None,
    ) -> Flag:
        """Open a flag and put its first alert in the outbox, in one transaction (the caller's `tx`
        when given, so the flag commits together with what raised it). Crisis and safety flags are
        urgent unless told otherwise: re-alerted and escalated until a moderator acknowledges."""
        now = self._clock.now()
        new = NewFlag(guild_id, kind, pseudonym, alias, group_id, detail, jump_url, delivery, entry,
                      kind in ("crisis", "safety") if urgent is None else urgent, post_state, post_note)
        next_alert_at = now + self._realert if new.urgent else None
        if tx is None:
            async with self._db.transaction() as own:
                flag_id = await self._repo.insert(own, new, now, next_alert_at)
            return await self.get(guild_id, flag_id)
        flag_id = await self._repo.insert(tx, new, now, next_alert_at)
        return Flag(flag_id, guild_id, kind, pseudonym, alias, group_id, detail, jump_url, "open", to_iso(now), 1,
                    delivery, entry, new.urgent)

    async def open_crisis_flag(self, guild_id: int, pseudonym: str, group_id: int | None) -> Flag | None:
        """Her open crisis flag for this group (or for no group), if one is still re-alerting."""
        return await self._repo.open_crisis(guild_id, pseudonym, group_id)

    async def set_post(self, flag_id: int, state: str, note: str | None = None, jump_url: str | None = None) -> Flag:
        """What became of the post that raised the flag (the alerts are then edited to say so)."""
        await self._repo.set_post(flag_id, state, note, jump_url)
        flag = await self._repo.get(flag_id)
        if flag is None:
            raise NotFound(f"There is no flag #{flag_id}.")
        return flag

    async def get(self, guild_id: int, flag_id: int) -> Flag:
        flag = await self._repo.get(flag_id, guild_id)
        if flag is None:
            raise NotFound(f"There is no flag #{flag_id} in this server.")
        return flag

    async def list(
        self, guild_id: int, states: tuple[str, ...] = ("open", "acknowledged"), limit: int = 25
    ) -> list[Flag]:
        return await self._repo.list(guild_id, states, limit)

    async def for_pseudonym(self, guild_id: int, pseudonym: str, limit: int = 25) -> list[Flag]:
        return await self._repo.for_pseudonym(guild_id, pseudonym, limit)

    async def _transition(
        self, guild_id: int, flag_id: int, moderator: str, reason: str, *, to: FlagState, allowed: tuple[str, ...]
    ) -> Flag:
        reason = clean_reason(reason)
        column = "acknowledged" if to == "acknowledged" else "resolved"
        async with self._db.transaction() as tx:
            target = await self._repo.transition(tx, guild_id, flag_id, column, moderator, self._clock.now(), allowed)
            if target is not None:
                await self._audit.record(tx, guild_id, moderator, f"flag_{column}", reason,
                                         target_alias=target[0], target_pseudonym=target[1],
                                         detail=f"flag #{flag_id}")
        flag = await self.get(guild_id, flag_id)
        if target is None:
            raise UserError(f"Flag #{flag_id} is already {flag.state} — another moderator may have just acted on it.")
        return flag

    async def acknowledge(self, guild_id: int, flag_id: int, moderator: str, reason: str = "acknowledged") -> Flag:
        return await self._transition(guild_id, flag_id, moderator, reason, to="acknowledged", allowed=("open",))

    async def resolve(self, guild_id: int, flag_id: int, moderator: str, reason: str = "resolved") -> Flag:
        return await self._transition(
            guild_id, flag_id, moderator, reason, to="resolved", allowed=("open", "acknowledged")
        )

    def render(self, flag: Flag, *, realert: int | None = None, escalation: bool = False) -> Note:
        """The alert for a flag, as things really are now. It never contains anything the member wrote."""
        if escalation:
            prefix = "⏫ Escalated: "
        elif realert:
            prefix = f"🔁 Re-alert {realert}: "
        else:
            prefix = ""
        lines = [
            f"{prefix}**{WORRIED_TITLE if flag.kind == 'crisis' and not flag.urgent else KIND_TITLES[flag.kind]}**"
            f" (flag #{flag.id})",
            f"Alias: **{flag.alias}**" + (f" · Group: {flag.group_name}" if flag.group_name else ""),
        ]
        if flag.detail:
            lines.append(f"About: {flag.detail}")
        if flag.entry in ENTRY_WORDS:
            lines.append(f"From: {ENTRY_WORDS[flag.entry]}")
        if flag.post_state in POST_LINES:
            lines.append(POST_LINES[flag.post_state])
        elif flag.post_state == "not_shared":
            lines.append(f"Her post was not shared ({flag.post_note or 'refused'}); her words were given back to her.")
        if flag.jump_url:
            lines.append(f"Message: {flag.jump_url}")
        if flag.delivery in DELIVERY_LINES:
            lines.append(DELIVERY_LINES[flag.delivery])
        elif flag.kind == "safety":
            lines.append("She was shown crisis resources with her check-in.")
        if flag.escalated_to:
            lines.append(f"⏫ Escalated to {flag.escalated_to}, {flag.escalation_reason}.")
        if flag.urgent and flag.state == "open":
            lines.append("Please acknowledge when someone is on it.")
        choices: tuple[Choice, ...] = ()
        if flag.state == "open":
            choices = (ack_choice(flag.id), resolve_choice(flag.id))
        elif flag.state == "acknowledged":
            choices = (resolve_choice(flag.id),)
        return Note("\n".join(lines), choices)


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

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import aiosqlite

from bot.clock import Clock, to_iso
from bot.core.audit import AuditLog, clean_reason
from bot.core.errors import NotFound, UserError
from bot.core.notify import Choice, Note
from bot.store import Database, Tx

FlagKind = Literal["report", "crisis", "safety"]
FlagState = Literal["open", "acknowledged", "resolved"]

WORRIED_TITLE = "A post that may need a gentle look"  # a crisis flag of the worried tier (not urgent)
KIND_TITLES = {
    "report": "Report from a member",
    "crisis": "Crisis language — please check in",
    "safety": "Check-in safety answer — please check in",
}


@dataclass(frozen=True)
class Flag:
    id: int
    guild_id: int
    kind: str
    pseudonym: str
    alias: str
    group_id: int | None
    detail: str
    jump_url: str | None
    state: str
    created_at: str
    alert_count: int
    delivery: str | None = None  # crisis flags: dm | here | none (see DELIVERY_LINES)
    entry: str | None = None  # crisis flags: where her words came from (see ENTRY_WORDS)
    urgent: bool = False  # re-alerted, escalated, mentions the moderator role
    escalated_at: str | None = None
    escalated_to: str | None = None
    escalation_reason: str | None = None
    post_state: str | None = None  # shared | not_shared | in_channel, or None (not a post, or not yet known)
    post_note: str | None = None
    group_name: str | None = None


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

    @staticmethod
    def _flag(row: aiosqlite.Row) -> Flag:
        return Flag(row["id"], row["guild_id"], row["kind"], row["pseudonym"], row["alias"], row["group_id"],
                    row["detail"], row["jump_url"], row["state"], row["created_at"], row["alert_count"],
                    row["delivery"], row["entry"], bool(row["realert"]), row["escalated_at"], row["escalated_to"],
                    row["escalation_reason"], row["post_state"], row["post_note"], row["group_name"])

    _SELECT = "SELECT f.*, g.name AS group_name FROM flags f LEFT JOIN groups g ON g.id = f.group_id"

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
        conn: Tx | None = None,
    ) -> Flag:
        """Open a flag and put its first alert in the outbox, in one transaction (the caller's `conn`
        when given, so the flag commits together with what raised it). Crisis and safety flags are
        urgent unless told otherwise: re-alerted and escalated until a moderator acknowledges."""
        if conn is None:
            async with self._db.transaction() as own:
                flag_id = await self._insert(own, guild_id, kind, pseudonym, alias, group_id, detail, jump_url,
                                             delivery, entry, urgent, post_state, post_note)
            return await self.get(guild_id, flag_id)
        flag_id = await self._insert(conn, guild_id, kind, pseudonym, alias, group_id, detail, jump_url, delivery,
                                     entry, urgent, post_state, post_note)
        return Flag(flag_id, guild_id, kind, pseudonym, alias, group_id, detail, jump_url, "open",
                    to_iso(self._clock.now()), 1, delivery, entry, self._is_urgent(kind, urgent))

    @staticmethod
    def _is_urgent(kind: str, urgent: bool | None) -> bool:
        return kind in ("crisis", "safety") if urgent is None else urgent

    async def _insert(self, conn: Tx, guild_id: int, kind: str, pseudonym: str, alias: str,
                      group_id: int | None, detail: str, jump_url: str | None, delivery: str | None,
                      entry: str | None, urgent: bool | None, post_state: str | None, post_note: str | None) -> int:
        now = self._clock.now()
        realert = self._is_urgent(kind, urgent)
        flag_id = int(await conn.fetchval(
            "INSERT INTO flags (guild_id, kind, pseudonym, alias, group_id, detail, jump_url, created_at, realert, "
            "next_alert_at, alert_count, delivery, entry, escalate, post_state, post_note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?) RETURNING id",
            (guild_id, kind, pseudonym, alias, group_id, detail, jump_url, to_iso(now), int(realert),
             to_iso(now + self._realert) if realert else None, delivery, entry, int(realert), post_state, post_note),
        ))
        await conn.execute(
            "INSERT INTO flag_alerts (flag_id, guild_id, kind, due_at) VALUES (?, ?, 'alert', ?)",
            (flag_id, guild_id, to_iso(now)))
        return flag_id

    async def open_crisis_flag(self, guild_id: int, pseudonym: str, group_id: int | None) -> Flag | None:
        """Her open crisis flag for this group (or for no group), if one is still re-alerting."""
        row = await self._db.fetchone(
            f"{self._SELECT} WHERE f.guild_id = ? AND f.kind = 'crisis' AND f.pseudonym = ? AND f.group_id IS ? "
            "AND f.state = 'open' ORDER BY f.id DESC LIMIT 1", (guild_id, pseudonym, group_id))
        return None if row is None else self._flag(row)

    async def set_post(self, flag_id: int, state: str, note: str | None = None, jump_url: str | None = None) -> Flag:
        """What became of the post that raised the flag (the alerts are then edited to say so)."""
        await self._db.execute(
            "UPDATE flags SET post_state = ?, post_note = ?, jump_url = coalesce(?, jump_url) WHERE id = ?",
            (state, note, jump_url, flag_id))
        row = await self._db.fetchone(f"{self._SELECT} WHERE f.id = ?", (flag_id,))
        if row is None:
            raise NotFound(f"There is no flag #{flag_id}.")
        return self._flag(row)

    async def get(self, guild_id: int, flag_id: int) -> Flag:
        row = await self._db.fetchone(f"{self._SELECT} WHERE f.id = ? AND f.guild_id = ?", (flag_id, guild_id))
        if row is None:
            raise NotFound(f"There is no flag #{flag_id} in this server.")
        return self._flag(row)

    async def list(
        self, guild_id: int, states: tuple[str, ...] = ("open", "acknowledged"), limit: int = 25
    ) -> list[Flag]:
        marks = ", ".join("?" for _ in states)
        rows = await self._db.fetchall(
            f"{self._SELECT} WHERE f.guild_id = ? AND f.state IN ({marks}) ORDER BY f.id DESC LIMIT ?",
            (guild_id, *states, limit),
        )
        return [self._flag(row) for row in rows]

    async def for_pseudonym(self, guild_id: int, pseudonym: str, limit: int = 25) -> list[Flag]:
        rows = await self._db.fetchall(
            f"{self._SELECT} WHERE f.guild_id = ? AND f.pseudonym = ? ORDER BY f.id DESC LIMIT ?",
            (guild_id, pseudonym, limit),
        )
        return [self._flag(row) for row in rows]

    async def _transition(
        self, guild_id: int, flag_id: int, moderator: str, reason: str, *, to: FlagState, allowed: tuple[str, ...]
    ) -> Flag:
        reason = clean_reason(reason)
        now = to_iso(self._clock.now())
        column = "acknowledged" if to == "acknowledged" else "resolved"
        marks = ", ".join("?" for _ in allowed)
        async with self._db.transaction() as conn:
            changed = await conn.execute(
                f"UPDATE flags SET state = ?, {column}_at = ?, {column}_by = ?, next_alert_at = NULL "  # noqa: S608
                f"WHERE id = ? AND guild_id = ? AND state IN ({marks})",
                (to, now, moderator, flag_id, guild_id, *allowed),
            ) == 1
            if changed:
                row = await conn.fetchone("SELECT alias, pseudonym FROM flags WHERE id = ?", (flag_id,))
                assert row is not None
                await self._audit.record(conn, guild_id, moderator, f"flag_{column}", reason,
                                         target_alias=row["alias"], target_pseudonym=row["pseudonym"],
                                         detail=f"flag #{flag_id}")
        flag = await self.get(guild_id, flag_id)
        if not changed:
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


"""The shared flag queue: reports, crisis alerts and questionnaire safety alerts.

States move open → acknowledged → resolved (or open → resolved). Changes are conditional
updates, so when two moderators act on one flag at once exactly one of them wins and the other
is told kindly. Crisis and safety flags are re-alerted in the moderator log until acknowledged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import aiosqlite

from bot.clock import Clock, from_iso, to_iso
from bot.core.audit import AuditLog, clean_reason
from bot.core.errors import NotFound, UserError
from bot.core.notify import Choice, Note, Notifier
from bot.store import Database

FlagKind = Literal["report", "crisis", "safety"]
FlagState = Literal["open", "acknowledged", "resolved"]

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


def state_note(flag: Flag) -> Note:
    """What the moderator who changed a flag is told."""
    return Note(f"Flag #{flag.id} is now {flag.state}.")


def ack_choice(flag_id: int) -> Choice:
    return Choice(f"flag:ack:{flag_id}", "Acknowledge", "primary")


def resolve_choice(flag_id: int) -> Choice:
    return Choice(f"flag:resolve:{flag_id}", "Resolve", "success")


class FlagQueue:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, realert_minutes: int) -> None:
        self._db = db
        self._clock = clock
        self._audit = audit
        self._realert = timedelta(minutes=realert_minutes)

    @staticmethod
    def _flag(row: aiosqlite.Row) -> Flag:
        return Flag(row["id"], row["guild_id"], row["kind"], row["pseudonym"], row["alias"], row["group_id"],
                    row["detail"], row["jump_url"], row["state"], row["created_at"], row["alert_count"],
                    row["delivery"], row["entry"])

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
    ) -> Flag:
        """Open a flag. Crisis and safety flags are re-alerted until a moderator acknowledges."""
        now = self._clock.now()
        realert = kind in ("crisis", "safety")
        flag_id = await self._db.execute(
            "INSERT INTO flags (guild_id, kind, pseudonym, alias, group_id, detail, jump_url, created_at, realert, "
            "next_alert_at, alert_count, delivery, entry) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            (guild_id, kind, pseudonym, alias, group_id, detail, jump_url, to_iso(now), int(realert),
             to_iso(now + self._realert) if realert else None, delivery, entry),
        )
        return await self.get(guild_id, flag_id)

    async def open_crisis_flag(self, guild_id: int, pseudonym: str, group_id: int | None) -> Flag | None:
        """Her open crisis flag for this group (or for no group), if one is still re-alerting."""
        row = await self._db.fetchone(
            "SELECT * FROM flags WHERE guild_id = ? AND kind = 'crisis' AND pseudonym = ? AND group_id IS ? "
            "AND state = 'open' ORDER BY id DESC LIMIT 1", (guild_id, pseudonym, group_id))
        return None if row is None else self._flag(row)

    async def set_jump_url(self, guild_id: int, flag_id: int, jump_url: str) -> None:
        """Her post was relayed after the alert went out: later renderings link to it."""
        await self._db.execute("UPDATE flags SET jump_url = ? WHERE id = ? AND guild_id = ? AND jump_url IS NULL",
                               (jump_url, flag_id, guild_id))

    async def get(self, guild_id: int, flag_id: int) -> Flag:
        row = await self._db.fetchone("SELECT * FROM flags WHERE id = ? AND guild_id = ?", (flag_id, guild_id))
        if row is None:
            raise NotFound(f"There is no flag #{flag_id} in this server.")
        return self._flag(row)

    async def list(
        self, guild_id: int, states: tuple[str, ...] = ("open", "acknowledged"), limit: int = 25
    ) -> list[Flag]:
        marks = ", ".join("?" for _ in states)
        rows = await self._db.fetchall(
            f"SELECT * FROM flags WHERE guild_id = ? AND state IN ({marks}) ORDER BY id DESC LIMIT ?",  # noqa: S608
            (guild_id, *states, limit),
        )
        return [self._flag(row) for row in rows]

    async def for_pseudonym(self, guild_id: int, pseudonym: str, limit: int = 25) -> list[Flag]:
        rows = await self._db.fetchall(
            "SELECT * FROM flags WHERE guild_id = ? AND pseudonym = ? ORDER BY id DESC LIMIT ?",
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
            cursor = await conn.execute(
                f"UPDATE flags SET state = ?, {column}_at = ?, {column}_by = ?, next_alert_at = NULL "  # noqa: S608
                f"WHERE id = ? AND guild_id = ? AND state IN ({marks})",
                (to, now, moderator, flag_id, guild_id, *allowed),
            )
            changed = cursor.rowcount == 1
            if changed:
                cursor = await conn.execute("SELECT alias, pseudonym FROM flags WHERE id = ?", (flag_id,))
                row = await cursor.fetchone()
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

    def render(self, flag: Flag, group_name: str | None = None, *, realert: bool = False) -> Note:
        """The moderator-log alert for a flag. It never contains anything the member wrote."""
        prefix = f"🔁 Re-alert {flag.alert_count}: " if realert else ""
        lines = [
            f"{prefix}**{KIND_TITLES[flag.kind]}** (flag #{flag.id})",
            f"Alias: **{flag.alias}**" + (f" · Group: {group_name}" if group_name else ""),
        ]
        if flag.detail:
            lines.append(f"About: {flag.detail}")
        if flag.jump_url:
            lines.append(f"Message: {flag.jump_url}")
        if flag.entry in ENTRY_WORDS:
            lines.append(f"From: {ENTRY_WORDS[flag.entry]}")
        if flag.delivery in DELIVERY_LINES:
            lines.append(f"{DELIVERY_LINES[flag.delivery]} Please acknowledge when someone is on it.")
        elif flag.kind in ("crisis", "safety"):
            lines.append("She has been sent crisis resources privately and told a moderator will check in. "
                         "Please acknowledge when someone is on it.")
        choices: tuple[Choice, ...] = ()
        if flag.state == "open":
            choices = (ack_choice(flag.id), resolve_choice(flag.id))
        elif flag.state == "acknowledged":
            choices = (resolve_choice(flag.id),)
        return Note("\n".join(lines), choices)

    async def due_realerts(self) -> list[Flag]:
        rows = await self._db.fetchall(
            "SELECT * FROM flags WHERE state = 'open' AND realert = 1 AND next_alert_at <= ? ORDER BY id",
            (to_iso(self._clock.now()),),
        )
        return [self._flag(row) for row in rows]

    async def run_realerts(self, notifier: Notifier) -> int:
        """Re-post every open crisis/safety flag whose re-alert time has come. Returns how many."""
        sent = 0
        for flag in await self.due_realerts():
            next_at = from_iso(to_iso(self._clock.now())) + self._realert
            async with self._db.transaction() as conn:
                cursor = await conn.execute(
                    "UPDATE flags SET alert_count = alert_count + 1, next_alert_at = ? WHERE id = ? AND state = 'open'",
                    (to_iso(next_at), flag.id),
                )
            if cursor.rowcount != 1:
                continue
            fresh = await self.get(flag.guild_id, flag.id)
            await notifier.send_mod_log(flag.guild_id, self.render(fresh, realert=True))
            sent += 1
        return sent

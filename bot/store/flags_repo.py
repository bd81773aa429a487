"""The flag queue and its alert outbox: the `flags` and `flag_alerts` tables.

Every change a moderator or a worker makes is a conditional UPDATE, so when two moderators (or two
processes) act on one flag at once exactly one of them wins. Alert rows are claimed with a short
lease by a conditional UPDATE … RETURNING, so each alert is sent once however many workers run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.clock import from_iso, to_iso
from bot.store.database import Database, Row, Tx
from bot.store.member_data import MemberRows
from bot.store.shards import ShardScope, guild_clause

AlertKind = Literal["alert", "realert", "escalate"]


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
    delivery: str | None = None  # crisis flags: dm | here | none (see bot/core/flags.py DELIVERY_LINES)
    entry: str | None = None  # crisis flags: where her words came from (see ENTRY_WORDS)
    urgent: bool = False  # re-alerted, escalated, mentions the moderator role
    escalated_at: str | None = None
    escalated_to: str | None = None
    escalation_reason: str | None = None
    post_state: str | None = None  # shared | not_shared | in_channel, or None (not a post, or not yet known)
    post_note: str | None = None
    group_name: str | None = None


@dataclass(frozen=True)
class NewFlag:
    guild_id: int
    kind: str
    pseudonym: str
    alias: str
    group_id: int | None
    detail: str
    jump_url: str | None
    delivery: str | None
    entry: str | None
    urgent: bool
    post_state: str | None
    post_note: str | None


@dataclass(frozen=True)
class DueRealert:
    flag_id: int
    guild_id: int
    alert_count: int


@dataclass(frozen=True)
class OutboxAlert:
    """One claimed row of the outbox: which flag, which kind of message, and (re-alerts) its number."""

    id: int
    flag_id: int
    guild_id: int
    kind: AlertKind
    number: int


def _flag(r: Row) -> Flag:
    return Flag(r["id"], r["guild_id"], r["kind"], r["pseudonym"], r["alias"], r["group_id"], r["detail"],
                r["jump_url"], r["state"], r["created_at"], r["alert_count"], r["delivery"], r["entry"],
                bool(r["realert"]), r["escalated_at"], r["escalated_to"], r["escalation_reason"], r["post_state"],
                r["post_note"], r["group_name"])


_SELECT = "SELECT f.*, g.name AS group_name FROM flags f LEFT JOIN groups g ON g.id = f.group_id"
# The two moderator transitions, by target state: (timestamp column, moderator column).
_TRANSITION_COLUMNS = {
    "acknowledged": ("acknowledged_at", "acknowledged_by"),
    "resolved": ("resolved_at", "resolved_by"),
}
_DUE = "sent_at IS NULL AND due_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)"


class FlagsRepository(MemberRows):
    """Reads and writes `flags` and `flag_alerts`; times are aware datetimes, stored as ISO-8601 text."""

    TABLES = ("flags", "flag_alerts")

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- flags ------------------------------------------------------------------------------------

    async def insert(self, tx: Tx, flag: NewFlag, now: datetime, next_alert_at: datetime | None) -> int:
        """Open a flag and put its first alert in the outbox, inside the caller's transaction. Urgent flags
        re-alert (from `next_alert_at`) and escalate."""
        flag_id = await tx.fetchval(
            "INSERT INTO flags (guild_id, kind, pseudonym, alias, group_id, detail, jump_url, created_at, realert, "
            "next_alert_at, alert_count, delivery, entry, escalate, post_state, post_note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?) RETURNING id",
            (flag.guild_id, flag.kind, flag.pseudonym, flag.alias, flag.group_id, flag.detail, flag.jump_url,
             to_iso(now), int(flag.urgent), None if next_alert_at is None else to_iso(next_alert_at),
             flag.delivery, flag.entry, int(flag.urgent), flag.post_state, flag.post_note),
        )
        assert isinstance(flag_id, int)
        await tx.execute("INSERT INTO flag_alerts (flag_id, guild_id, kind, due_at) VALUES (?, ?, 'alert', ?)",
                         (flag_id, flag.guild_id, to_iso(now)))
        return flag_id

    async def get(self, flag_id: int, guild_id: int | None = None) -> Flag | None:
        if guild_id is None:
            row = await self._db.fetchone(f"{_SELECT} WHERE f.id = ?", (flag_id,))
        else:
            row = await self._db.fetchone(f"{_SELECT} WHERE f.id = ? AND f.guild_id = ?", (flag_id, guild_id))
        return None if row is None else _flag(row)

    async def open_crisis(self, guild_id: int, pseudonym: str, group_id: int | None) -> Flag | None:
        """Her newest open crisis flag for this group (or for no group)."""
        group = "f.group_id IS NULL" if group_id is None else "f.group_id = ?"
        params: tuple[object, ...] = (guild_id, pseudonym) if group_id is None else (guild_id, pseudonym, group_id)
        row = await self._db.fetchone(
            f"{_SELECT} WHERE f.guild_id = ? AND f.kind = 'crisis' AND f.pseudonym = ? AND {group} "
            "AND f.state = 'open' ORDER BY f.id DESC LIMIT 1", params)
        return None if row is None else _flag(row)

    async def list(self, guild_id: int, states: Sequence[str], limit: int) -> list[Flag]:
        marks = ", ".join("?" for _ in states)
        rows = await self._db.fetchall(
            f"{_SELECT} WHERE f.guild_id = ? AND f.state IN ({marks}) ORDER BY f.id DESC LIMIT ?",
            (guild_id, *states, limit),
        )
        return [_flag(row) for row in rows]

    async def for_pseudonym(self, guild_id: int, pseudonym: str, limit: int) -> list[Flag]:
        rows = await self._db.fetchall(
            f"{_SELECT} WHERE f.guild_id = ? AND f.pseudonym = ? ORDER BY f.id DESC LIMIT ?",
            (guild_id, pseudonym, limit),
        )
        return [_flag(row) for row in rows]

    async def set_post(self, flag_id: int, state: str, note: str | None, jump_url: str | None) -> None:
        await self._db.execute(
            "UPDATE flags SET post_state = ?, post_note = ?, jump_url = coalesce(?, jump_url) WHERE id = ?",
            (state, note, jump_url, flag_id))

    async def transition(self, tx: Tx, guild_id: int, flag_id: int, to: Literal["acknowledged", "resolved"],
                         moderator: str, now: datetime, allowed: Sequence[str]) -> tuple[str, str] | None:
        """Move the flag to `to` if it is in one of `allowed`; (alias, pseudonym) of the flag when this call
        won, None when it was not in an allowed state (someone else acted first)."""
        at_column, by_column = _TRANSITION_COLUMNS[to]
        marks = ", ".join("?" for _ in allowed)
        row = await tx.fetchone(
            f"UPDATE flags SET state = ?, {at_column} = ?, {by_column} = ?, next_alert_at = NULL "  # noqa: S608
            f"WHERE id = ? AND guild_id = ? AND state IN ({marks}) RETURNING alias, pseudonym",
            (to, to_iso(now), moderator, flag_id, guild_id, *allowed),
        )
        return None if row is None else (row["alias"], row["pseudonym"])

    async def set_escalated_to(self, flag_id: int, reached: str) -> None:
        await self._db.execute("UPDATE flags SET escalated_to = ? WHERE id = ?", (reached, flag_id))

    # -- re-alerts and escalations ----------------------------------------------------------------

    async def due_realerts(self, now: datetime, shards: ShardScope | None = None) -> list[DueRealert]:
        owned, owned_params = guild_clause("guild_id", shards)
        rows = await self._db.fetchall(
            "SELECT id, guild_id, alert_count FROM flags "  # noqa: S608
            f"WHERE state = 'open' AND realert = 1 AND next_alert_at <= ?{owned}", (to_iso(now), *owned_params))
        return [DueRealert(row["id"], row["guild_id"], row["alert_count"]) for row in rows]

    async def alert_times_since(self, flag_id: int, since: datetime) -> list[datetime]:
        """When this flag's alert and re-alerts fell due after `since`, oldest first."""
        rows = await self._db.fetchall(
            "SELECT due_at FROM flag_alerts WHERE flag_id = ? AND kind IN ('alert', 'realert') AND due_at > ? "
            "ORDER BY due_at", (flag_id, to_iso(since)))
        return [from_iso(row["due_at"]) for row in rows]

    async def defer_realert(self, flag_id: int, until: datetime) -> None:
        await self._db.execute("UPDATE flags SET next_alert_at = ? WHERE id = ? AND state = 'open'",
                               (to_iso(until), flag_id))

    async def queue_realert(self, flag_id: int, guild_id: int, number: int, now: datetime,
                            next_alert_at: datetime) -> bool:
        """Count re-alert `number` and put it in the outbox, exactly once: only the worker that moves
        alert_count from `number` on writes the row. True when this call did."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE flags SET alert_count = alert_count + 1, next_alert_at = ? "
                "WHERE id = ? AND state = 'open' AND alert_count = ?",
                (to_iso(next_alert_at), flag_id, number))
            if changed == 1:
                await tx.execute(
                    "INSERT INTO flag_alerts (flag_id, guild_id, kind, number, due_at) VALUES (?, ?, 'realert', ?, ?)",
                    (flag_id, guild_id, number, to_iso(now)))
        return changed == 1

    async def due_escalations(self, created_before: datetime,
                              shards: ShardScope | None = None) -> list[tuple[int, int]]:
        """(flag id, guild id) of open escalating flags raised at or before the cut-off, not yet escalated."""
        owned, owned_params = guild_clause("guild_id", shards)
        rows = await self._db.fetchall(
            "SELECT id, guild_id FROM flags WHERE state = 'open' AND escalate = 1 AND escalated_at IS NULL "  # noqa: S608
            f"AND created_at <= ?{owned}", (to_iso(created_before), *owned_params))
        return [(row["id"], row["guild_id"]) for row in rows]

    async def queue_escalation(self, flag_id: int, guild_id: int, why: str, now: datetime) -> bool:
        """Mark the flag escalated and put the escalation in the outbox, exactly once."""
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE flags SET escalated_at = ?, escalation_reason = ? WHERE id = ? AND escalated_at IS NULL",
                (to_iso(now), why, flag_id))
            if changed == 1:
                await tx.execute(
                    "INSERT INTO flag_alerts (flag_id, guild_id, kind, due_at) VALUES (?, ?, 'escalate', ?)",
                    (flag_id, guild_id, to_iso(now)))
        return changed == 1

    # -- the outbox -------------------------------------------------------------------------------

    async def claim_next_alert(self, now: datetime, lease_until: datetime, flag_id: int | None = None,
                               shards: ShardScope | None = None) -> OutboxAlert | None:
        """Claim the oldest due, unsent, unleased alert (only this flag's when given; only of the guilds on
        `shards` when given) until `lease_until`. A conditional UPDATE … RETURNING: of several workers (or
        processes) reaching one row, one gets it. None when nothing is due."""
        owned, owned_params = guild_clause("guild_id", shards)
        where = _DUE + ("" if flag_id is None else " AND flag_id = ?") + owned
        args: tuple[object, ...] = ((to_iso(now), to_iso(now)) + (() if flag_id is None else (flag_id,))
                                    + owned_params)
        while True:
            candidate = await self._db.fetchval(
                f"SELECT id FROM flag_alerts WHERE {where} ORDER BY id LIMIT 1", args)  # noqa: S608
            if candidate is None:
                return None
            async with self._db.transaction() as tx:
                row = await tx.fetchone(
                    f"UPDATE flag_alerts SET claimed_until = ? WHERE id = ? AND {_DUE} "  # noqa: S608
                    "RETURNING id, flag_id, guild_id, kind, number",
                    (to_iso(lease_until), candidate, to_iso(now), to_iso(now)))
            if row is not None:
                return OutboxAlert(row["id"], row["flag_id"], row["guild_id"], row["kind"], row["number"])
            # another worker took it: look again

    async def mark_alert_sent(self, alert_id: int, sent_at: datetime, message_id: int | None,
                              delivered: bool) -> None:
        await self._db.execute(
            "UPDATE flag_alerts SET sent_at = ?, message_id = ?, delivered = ? WHERE id = ?",
            (to_iso(sent_at), message_id, int(delivered), alert_id))

    async def delivered_to_someone(self, flag_id: int) -> bool:
        """Did a person get this flag's alert (the moderator log, or the escalation target)?"""
        return bool(await self._db.fetchval(
            "SELECT 1 FROM flag_alerts WHERE flag_id = ? AND kind IN ('alert', 'escalate') AND delivered = 1",
            (flag_id,)))

    async def first_alert_message(self, flag_id: int) -> int | None:
        """The Discord message of the flag's first alert, once it was posted."""
        message_id = await self._db.fetchval(
            "SELECT message_id FROM flag_alerts WHERE flag_id = ? AND kind = 'alert' AND message_id IS NOT NULL",
            (flag_id,))
        return message_id if isinstance(message_id, int) else None

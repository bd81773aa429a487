"""The alert policy: every flag's alerts reach a human, at a pace people can live with.

- Every flag's first alert is written to the outbox (`flag_alerts`) in the transaction that raised
  the flag (flags.py), and delivered here: at once by whoever raised it, or by `run` (the bot's
  due-work job) after a crash or restart. A sender claims a row with a short lease before
  sending, so several workers (or a restart mid-send) deliver each alert once.
- Urgent flags (crisis, check-in safety answers, safety reports) mention the server's moderator
  role (and only that role). Until someone acknowledges, they re-alert with backoff
  (alerts.first_realert_minutes, doubling up to alerts.max_realert_minutes), mentioning the role
  again, and never more than alerts.max_per_day messages in any 24 hours.
- After alerts.escalate_after_minutes unacknowledged, an urgent flag escalates once to the
  safeguarding lead set in /setup (a role or a channel; by default the server owner by DM), and
  the moderator log says so. When the moderator log cannot take the first alert at all (none set,
  deleted, no permission), the flag escalates at once.
- Acknowledging or resolving stops all of it: nothing is scheduled or sent for a flag that is no
  longer open.
- `update_post` records what became of the post behind a crisis flag and edits the first alert, so
  it always says what really happened.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import aiosqlite

from bot.clock import Clock, from_iso, to_iso
from bot.core.flags import Flag, FlagQueue
from bot.core.notify import Note, Notifier
from bot.settings import AlertSettings
from bot.store import Database

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
DAY = timedelta(days=1)


def realert_interval(settings: AlertSettings, number: int) -> timedelta:
    """The wait before re-alert `number` (1, 2, …): first_realert_minutes, doubling, capped."""
    minutes = settings.first_realert_minutes * 2 ** max(0, number - 1)
    return timedelta(minutes=min(minutes, settings.max_realert_minutes))


class AlertPolicy:
    def __init__(self, db: Database, clock: Clock, flags: FlagQueue, settings: AlertSettings) -> None:
        self._db = db
        self._clock = clock
        self._flags = flags
        self.settings = settings

    # -- time-driven work -------------------------------------------------------------------------

    async def run(self, notifier: Notifier) -> int:
        """Schedule the re-alerts and escalations that are due, then deliver the outbox. Returns how
        many messages were sent."""
        await self._schedule_realerts()
        await self._schedule_escalations()
        return await self.deliver(notifier)

    async def _schedule_realerts(self) -> None:
        now = self._clock.now()
        rows = await self._db.fetchall(
            "SELECT id, guild_id, alert_count FROM flags WHERE state = 'open' AND realert = 1 AND next_alert_at <= ?",
            (to_iso(now),))
        for row in rows:
            recent = await self._db.fetchall(
                "SELECT due_at FROM flag_alerts WHERE flag_id = ? AND kind IN ('alert', 'realert') AND due_at > ? "
                "ORDER BY due_at", (row["id"], to_iso(now - DAY)))
            async with self._db.transaction() as conn:
                if len(recent) >= self.settings.max_per_day:
                    # The day's cap is reached: wait until the oldest of those falls out of the window.
                    await conn.execute("UPDATE flags SET next_alert_at = ? WHERE id = ? AND state = 'open'",
                                       (to_iso(from_iso(recent[0]["due_at"]) + DAY), row["id"]))
                    continue
                number = row["alert_count"]  # the first alert counts 1, so this is the re-alert's number
                claimed = await conn.execute(
                    "UPDATE flags SET alert_count = alert_count + 1, next_alert_at = ? "
                    "WHERE id = ? AND state = 'open' AND alert_count = ?",
                    (to_iso(now + realert_interval(self.settings, number + 1)), row["id"], number))
                if claimed == 1:
                    await conn.execute(
                        "INSERT INTO flag_alerts (flag_id, guild_id, kind, number, due_at) "
                        "VALUES (?, ?, 'realert', ?, ?)",
                        (row["id"], row["guild_id"], number, to_iso(now)))

    async def _schedule_escalations(self) -> None:
        cutoff = self._clock.now() - timedelta(minutes=self.settings.escalate_after_minutes)
        rows = await self._db.fetchall(
            "SELECT id, guild_id FROM flags WHERE state = 'open' AND escalate = 1 AND escalated_at IS NULL "
            "AND created_at <= ?", (to_iso(cutoff),))
        for row in rows:
            await self._escalate(row["id"], row["guild_id"],
                                 f"after {self.settings.escalate_after_minutes} minutes without acknowledgement")

    async def _escalate(self, flag_id: int, guild_id: int, why: str) -> None:
        now = to_iso(self._clock.now())
        async with self._db.transaction() as conn:
            claimed = await conn.execute(
                "UPDATE flags SET escalated_at = ?, escalation_reason = ? WHERE id = ? AND escalated_at IS NULL",
                (now, why, flag_id))
            if claimed == 1:
                await conn.execute(
                    "INSERT INTO flag_alerts (flag_id, guild_id, kind, due_at) VALUES (?, ?, 'escalate', ?)",
                    (flag_id, guild_id, now))

    # -- delivery ---------------------------------------------------------------------------------

    async def deliver(self, notifier: Notifier, flag_id: int | None = None) -> int:
        """Send every due, unsent alert (only this flag's when given), each once."""
        sent = 0
        while True:
            now = self._clock.now()
            where = "sent_at IS NULL AND due_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)"
            args: tuple[object, ...] = (to_iso(now), to_iso(now))
            if flag_id is not None:
                where += " AND flag_id = ?"
                args = (*args, flag_id)
            row = await self._db.fetchone(f"SELECT * FROM flag_alerts WHERE {where} ORDER BY id LIMIT 1", args)  # noqa: S608
            if row is None:
                return sent
            async with self._db.transaction() as conn:
                claimed = await conn.execute(
                    "UPDATE flag_alerts SET claimed_until = ? WHERE id = ? AND sent_at IS NULL "
                    "AND (claimed_until IS NULL OR claimed_until < ?)", (to_iso(now + LEASE), row["id"], to_iso(now)))
            if claimed != 1:
                continue  # another worker took it
            if await self._send(row, notifier):
                sent += 1

    async def _send(self, row: aiosqlite.Row, notifier: Notifier) -> bool:
        flag = await self._flags.get(row["guild_id"], row["flag_id"])
        kind = row["kind"]
        message_id: int | None = None
        delivered = False
        if flag.state != "open" and kind != "alert":
            pass  # acknowledged or resolved meanwhile: nothing more to say
        elif kind == "escalate":
            delivered = await self._send_escalation(flag, notifier)
        else:
            note = self._flags.render(flag, realert=row["number"] if kind == "realert" else None)
            message_id = await notifier.send_alert(flag.guild_id, note, mention=flag.urgent and flag.state == "open")
            delivered = message_id is not None
            if not delivered and kind == "alert":
                log.warning("The moderator log of guild %s could not take the alert for flag %s", flag.guild_id,
                            flag.id)
                if flag.urgent:
                    await self._escalate(flag.id, flag.guild_id, "because the moderator log could not take the alert")
        await self._db.execute(
            "UPDATE flag_alerts SET sent_at = ?, message_id = ?, delivered = ? WHERE id = ?",
            (to_iso(self._clock.now()), message_id, int(delivered), row["id"]))
        return delivered

    async def _send_escalation(self, flag: Flag, notifier: Notifier) -> bool:
        where = await notifier.escalate(flag.guild_id, self._flags.render(flag, escalation=True))
        reached = where or "nobody: no safeguarding lead could be reached"
        await self._db.execute("UPDATE flags SET escalated_to = ? WHERE id = ?", (reached, flag.id))
        await notifier.send_mod_log(flag.guild_id, Note(
            f"⏫ Flag #{flag.id} ({flag.alias}) was escalated to {reached}, {flag.escalation_reason}."))
        return where is not None

    async def delivered_to_someone(self, flag_id: int) -> bool:
        """Did a person get this flag's alert (the moderator log, or the escalation target)?"""
        return bool(await self._db.fetchval(
            "SELECT 1 FROM flag_alerts WHERE flag_id = ? AND kind IN ('alert', 'escalate') AND delivered = 1",
            (flag_id,)))

    async def raise_and_deliver(self, notifier: Notifier, flag: Flag) -> bool:
        """Deliver a just-raised flag's alert now; True when a person got it."""
        await self.deliver(notifier, flag.id)
        return await self.delivered_to_someone(flag.id)

    # -- honest status ----------------------------------------------------------------------------

    async def update_post(self, notifier: Notifier, flag_id: int, state: str, note: str | None = None,
                          jump_url: str | None = None) -> None:
        """Record what became of her post, and edit the first alert so it says so."""
        flag = await self._flags.set_post(flag_id, state, note, jump_url)
        guild_id = flag.guild_id
        message_id = await self._db.fetchval(
            "SELECT message_id FROM flag_alerts WHERE flag_id = ? AND kind = 'alert' AND message_id IS NOT NULL",
            (flag_id,))
        if isinstance(message_id, int):
            await notifier.edit_alert(guild_id, message_id, self._flags.render(flag))

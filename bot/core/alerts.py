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

from bot.clock import Clock
from bot.core.flags import Flag, FlagQueue
from bot.core.notify import Note, Notifier
from bot.core.shards import ALL_GUILDS, GuildShards
from bot.settings import AlertSettings
from bot.store import Database
from bot.store.flags_repo import FlagsRepository, OutboxAlert

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
DAY = timedelta(days=1)


def realert_interval(settings: AlertSettings, number: int) -> timedelta:
    """The wait before re-alert `number` (1, 2, …): first_realert_minutes, doubling, capped."""
    minutes = settings.first_realert_minutes * 2 ** max(0, number - 1)
    return timedelta(minutes=min(minutes, settings.max_realert_minutes))


class AlertPolicy:
    def __init__(self, db: Database, clock: Clock, flags: FlagQueue, settings: AlertSettings, *,
                 shards: GuildShards = ALL_GUILDS) -> None:
        self._repo = FlagsRepository(db)
        self._clock = clock
        self._flags = flags
        self.settings = settings
        self.shards = shards  # `run` re-alerts, escalates and delivers the outbox for these guilds only

    # -- time-driven work -------------------------------------------------------------------------

    async def run(self, notifier: Notifier) -> int:
        """Schedule the re-alerts and escalations that are due, then deliver the outbox. Returns how
        many messages were sent."""
        await self._schedule_realerts()
        await self._schedule_escalations()
        return await self.deliver(notifier)

    async def _schedule_realerts(self) -> None:
        now = self._clock.now()
        for due in await self._repo.due_realerts(now, self.shards):
            recent = await self._repo.alert_times_since(due.flag_id, now - DAY)
            if len(recent) >= self.settings.max_per_day:
                # The day's cap is reached: wait until the oldest of those falls out of the window.
                await self._repo.defer_realert(due.flag_id, recent[0] + DAY)
                continue
            number = due.alert_count  # the first alert counts 1, so this is the re-alert's number
            await self._repo.queue_realert(due.flag_id, due.guild_id, number, now,
                                           now + realert_interval(self.settings, number + 1))

    async def _schedule_escalations(self) -> None:
        cutoff = self._clock.now() - timedelta(minutes=self.settings.escalate_after_minutes)
        for flag_id, guild_id in await self._repo.due_escalations(cutoff, self.shards):
            await self._escalate(flag_id, guild_id,
                                 f"after {self.settings.escalate_after_minutes} minutes without acknowledgement")

    async def _escalate(self, flag_id: int, guild_id: int, why: str) -> None:
        await self._repo.queue_escalation(flag_id, guild_id, why, self._clock.now())

    # -- delivery ---------------------------------------------------------------------------------

    async def deliver(self, notifier: Notifier, flag_id: int | None = None) -> int:
        """Send every due, unsent alert of this process's guilds, each once; or only this flag's, whatever
        its guild (the process that raised it delivers it at once: a DM reaches shard 0's process)."""
        sent = 0
        shards = self.shards if flag_id is None else None
        while True:
            now = self._clock.now()
            alert = await self._repo.claim_next_alert(now, now + LEASE, flag_id, shards)
            if alert is None:
                return sent
            if await self._send(alert, notifier):
                sent += 1

    async def _send(self, alert: OutboxAlert, notifier: Notifier) -> bool:
        flag = await self._flags.get(alert.guild_id, alert.flag_id)
        message_id: int | None = None
        delivered = False
        if flag.state != "open" and alert.kind != "alert":
            pass  # acknowledged or resolved meanwhile: nothing more to say
        elif alert.kind == "escalate":
            delivered = await self._send_escalation(flag, notifier)
        else:
            note = self._flags.render(flag, realert=alert.number if alert.kind == "realert" else None)
            message_id = await notifier.send_alert(flag.guild_id, note, mention=flag.urgent and flag.state == "open")
            delivered = message_id is not None
            if not delivered and alert.kind == "alert":
                log.warning("The moderator log of guild %s could not take the alert for flag %s", flag.guild_id,
                            flag.id)
                if flag.urgent:
                    await self._escalate(flag.id, flag.guild_id, "because the moderator log could not take the alert")
        await self._repo.mark_alert_sent(alert.id, self._clock.now(), message_id, delivered)
        return delivered

    async def _send_escalation(self, flag: Flag, notifier: Notifier) -> bool:
        where = await notifier.escalate(flag.guild_id, self._flags.render(flag, escalation=True))
        reached = where or "nobody: no safeguarding lead could be reached"
        await self._repo.set_escalated_to(flag.id, reached)
        await notifier.send_mod_log(flag.guild_id, Note(
            f"⏫ Flag #{flag.id} ({flag.alias}) was escalated to {reached}, {flag.escalation_reason}."))
        return where is not None

    async def delivered_to_someone(self, flag_id: int) -> bool:
        """Did a person get this flag's alert (the moderator log, or the escalation target)?"""
        return await self._repo.delivered_to_someone(flag_id)

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
        message_id = await self._repo.first_alert_message(flag_id)
        if message_id is not None:
            await notifier.edit_alert(guild_id, message_id, self._flags.render(flag))

"""Member reports of a message: a flag for the moderators that never names the reporter.

Only the reason *category* is stored (in the flag's detail); the reporter is stored nowhere.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.core.alerts import AlertPolicy
from bot.core.aliases import AliasService
from bot.core.errors import UserError
from bot.core.flags import Flag, FlagQueue
from bot.core.groups import GroupService
from bot.core.notify import Notifier
from bot.core.relay import RelayService

log = logging.getLogger(__name__)

REPORT_REASONS: dict[str, str] = {
    "unkind": "Unkind or judgemental",
    "safety": "Worried about someone's safety",
    "identifying": "Shares identifying details",
    "advice": "Unsafe medical advice",
    "spam": "Spam or advertising",
    "other": "Something else",
}


@dataclass(frozen=True)
class ReportedMessage:
    guild_id: int
    message_id: int
    channel_id: int
    jump_url: str
    author_id: int | None  # None for a webhook message (a relayed post)
    author_is_bot: bool


class ReportService:
    def __init__(self, relay: RelayService, aliases: AliasService, groups: GroupService, flags: FlagQueue,
                 alerts: AlertPolicy) -> None:
        self._relay = relay
        self._aliases = aliases
        self._groups = groups
        self._flags = flags
        self._alerts = alerts

    async def report(self, message: ReportedMessage, category: str, notifier: Notifier) -> Flag:
        """Raise a report flag and deliver its alert. A "worried about someone's safety" report is
        urgent: it follows the crisis alert policy (role mention, re-alerts, escalation)."""
        if category not in REPORT_REASONS:
            raise UserError("Please choose one of the reasons in the list.")
        post = await self._relay.by_message(message.guild_id, message.message_id)
        detail = REPORT_REASONS[category]
        if post is not None:
            pseudonym, alias, group_id = post.pseudonym, post.alias, post.group_id
            detail += f" · post #{post.number}"
        elif message.author_id is None or message.author_is_bot:
            raise UserError("I can't tell who wrote that message, so I can't pass it on. Please tell a moderator "
                            "directly.")
        else:
            record = await self._aliases.ensure(message.guild_id, message.author_id)
            pseudonym, alias = record.pseudonym, record.alias
            group = await self._groups.by_channel(message.guild_id, message.channel_id)
            group_id = group.id if group is not None else None
        flag = await self._flags.raise_flag(message.guild_id, "report", pseudonym, alias, group_id=group_id,
                                            detail=detail, jump_url=message.jump_url, urgent=category == "safety")
        if not await self._alerts.raise_and_deliver(notifier, flag):
            log.warning("Nobody could be alerted about report flag %s in guild %s", flag.id, message.guild_id)
        return flag

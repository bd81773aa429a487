"""Member reports of a message: a flag for the moderators that never names the reporter.

Only the reason *category* is stored (in the flag's detail); the reporter is stored nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.aliases import AliasService
from bot.core.errors import UserError
from bot.core.flags import Flag, FlagQueue
from bot.core.groups import GroupService
from bot.core.notify import Note
from bot.core.relay import RelayService

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
    def __init__(self, relay: RelayService, aliases: AliasService, groups: GroupService, flags: FlagQueue) -> None:
        self._relay = relay
        self._aliases = aliases
        self._groups = groups
        self._flags = flags

    async def report(self, message: ReportedMessage, category: str) -> tuple[Flag, Note]:
        """Raise a report flag; returns it and the moderator-log alert."""
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
                                            detail=detail, jump_url=message.jump_url)
        group_name = None
        if flag.group_id is not None:
            group_name = (await self._groups.get(message.guild_id, flag.group_id)).name
        return flag, self._flags.render(flag, group_name)

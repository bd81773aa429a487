"""The core `Notifier` for Discord: DMs to members, the moderator log, alerts and escalation.

With shards in several processes, a process may have to alert a server whose shard runs elsewhere
(a crisis in a DM arrives on shard 0 wherever her server is): that server's channels are then not in
this process's cache and are fetched over Discord's HTTP API, which serves every shard.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.core.notify import Note
from bot.discord_ui import clip, note_view, send_to

if TYPE_CHECKING:
    from bot.client import PeerBot

log = logging.getLogger(__name__)


class DiscordNotifier:
    def __init__(self, bot: PeerBot) -> None:
        self._bot = bot

    async def send_dm(self, guild_id: int, user_id: int, note: Note) -> bool:
        try:
            user = self._bot.get_user(user_id) or await self._bot.fetch_user(user_id)
            await send_to(user, note)
        except (discord.Forbidden, discord.NotFound):
            return False
        except discord.HTTPException:
            log.warning("Could not send a DM in guild %s", guild_id)
            return False
        return True

    def _channel(self, channel_id: int | None) -> discord.abc.Messageable | None:
        channel = self._bot.get_channel(channel_id) if channel_id is not None else None
        return channel if isinstance(channel, discord.abc.Messageable) else None

    async def _guild_channel(self, guild_id: int, channel_id: int | None) -> discord.abc.Messageable | None:
        """The channel from the cache; fetched over HTTP when its server is on another process's shard."""
        channel = self._channel(channel_id)
        if channel is not None or channel_id is None or self._bot.get_guild(guild_id) is not None:
            return channel
        try:
            fetched = await self._bot.fetch_channel(channel_id)
        except discord.HTTPException:
            return None
        return fetched if isinstance(fetched, discord.abc.Messageable) else None

    async def _post(self, channel: discord.abc.Messageable | None, note: Note, role_id: int | None = None
                    ) -> discord.Message | None:
        """Post a Note, mentioning `role_id` (and nobody else) when given; None when it can't be posted."""
        if channel is None:
            return None
        text = note.text if role_id is None else f"<@&{role_id}> {note.text}"
        mentions = discord.AllowedMentions(everyone=False, users=False, replied_user=False,
                                           roles=[discord.Object(role_id)] if role_id else False)
        view = note_view(note)
        try:
            if view is None:
                return await channel.send(clip(text), allowed_mentions=mentions)
            return await channel.send(clip(text), view=view, allowed_mentions=mentions)
        except discord.HTTPException:
            return None

    async def send_group(self, guild_id: int, channel_id: int, note: Note) -> bool:
        return await self._post(await self._guild_channel(guild_id, channel_id), note) is not None

    async def send_mod_log(self, guild_id: int, note: Note) -> bool:
        config = await self._bot.services.guilds.get(guild_id)
        if await self._post(await self._guild_channel(guild_id, config.mod_log_channel_id), note) is None:
            log.warning("Could not post in the moderator log of guild %s (none set, or unreachable)", guild_id)
            return False
        return True

    async def send_alert(self, guild_id: int, note: Note, *, mention: bool) -> int | None:
        config = await self._bot.services.guilds.get(guild_id)
        role = config.moderator_role_id if mention else None
        message = await self._post(await self._guild_channel(guild_id, config.mod_log_channel_id), note, role)
        return None if message is None else message.id

    async def edit_alert(self, guild_id: int, message_id: int, note: Note) -> bool:
        config = await self._bot.services.guilds.get(guild_id)
        channel = await self._guild_channel(guild_id, config.mod_log_channel_id)
        if not isinstance(channel, discord.TextChannel):
            return False
        try:
            await channel.get_partial_message(message_id).edit(content=clip(note.text), view=note_view(note))
        except discord.HTTPException:
            log.info("Could not edit alert message %s in guild %s", message_id, guild_id)
            return False
        return True

    async def escalate(self, guild_id: int, note: Note) -> str | None:
        config = await self._bot.services.guilds.get(guild_id)
        if config.escalation_channel_id is not None or config.escalation_role_id is not None:
            channel_id = config.escalation_channel_id or config.mod_log_channel_id
            channel = await self._guild_channel(guild_id, channel_id)
            if await self._post(channel, note, config.escalation_role_id) is not None:
                where = "the safeguarding lead" if config.escalation_role_id else "the safeguarding channel"
                return f"{where} (<#{channel_id}>)"
            log.warning("Could not post an escalated alert in guild %s; trying the server owner", guild_id)
        guild = self._bot.get_guild(guild_id)
        if guild is None:  # on another process's shard
            try:
                guild = await self._bot.fetch_guild(guild_id)
            except discord.HTTPException:
                return None
        if guild.owner_id is None:
            return None
        if await self.send_dm(guild_id, guild.owner_id, note):
            return "the server owner by DM"
        return None

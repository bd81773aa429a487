"""The Discord side of the relay: posting a RelayPlan through the group channel's webhook."""

from __future__ import annotations

import logging

import discord

from bot.core.relay import RelayPlan
from bot.core.sharing import PublishFailed

log = logging.getLogger(__name__)

WEBHOOK_NAME = "PeerBot relay"
# Discord's six default avatars: one consistent avatar per alias colour, with nothing to host.
AVATAR_URL = "https://cdn.discordapp.com/embed/avatars/{index}.png"


class WebhookRelay:
    def __init__(self, bot: discord.Client) -> None:
        self._bot = bot
        self._hooks: dict[int, discord.Webhook] = {}

    async def channel(self, channel_id: int) -> discord.TextChannel | None:
        channel = self._bot.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self._bot.fetch_channel(channel_id)
            except discord.HTTPException:
                return None
        return channel if isinstance(channel, discord.TextChannel) else None

    async def _webhook(self, channel: discord.TextChannel, *, fresh: bool = False) -> discord.Webhook:
        if not fresh:
            if channel.id in self._hooks:
                return self._hooks[channel.id]
            for hook in await channel.webhooks():
                if hook.name == WEBHOOK_NAME and hook.token:
                    self._hooks[channel.id] = hook
                    return hook
        hook = await channel.create_webhook(name=WEBHOOK_NAME, reason="Relay for anonymous posts")
        self._hooks[channel.id] = hook
        return hook

    async def _send_part(self, channel: discord.TextChannel, plan: RelayPlan, part: str) -> discord.WebhookMessage:
        kwargs = {"username": plan.alias, "avatar_url": AVATAR_URL.format(index=plan.avatar_index), "wait": True,
                  "allowed_mentions": discord.AllowedMentions.none()}
        hook = await self._webhook(channel)
        try:
            return await hook.send(part, **kwargs)
        except discord.NotFound:
            # Someone deleted the webhook by hand: make a new one and try once more.
            log.info("Relay webhook in channel %s was gone; recreating it", channel.id)
            hook = await self._webhook(channel, fresh=True)
            return await hook.send(part, **kwargs)

    async def send(self, plan: RelayPlan) -> list[int]:
        """Post every part; on failure remove the parts already posted and raise PublishFailed."""
        channel = await self.channel(plan.channel_id)
        if channel is None:
            raise PublishFailed("the group's channel is missing",
                              f"The channel of a group (id {plan.channel_id}) is missing: please check /group list.")
        sent: list[discord.WebhookMessage] = []
        try:
            for part in plan.parts:
                sent.append(await self._send_part(channel, plan, part))
        except discord.Forbidden:
            await self._remove(sent)
            missing = "Manage Webhooks"
            raise PublishFailed("I don't have permission to post in the group right now",
                              f"I couldn't relay an anonymous post in {channel.mention}: I'm missing the **{missing}** "
                              "permission there. Please ask a server admin to give my role that permission.") from None
        except discord.HTTPException as exc:
            await self._remove(sent)
            log.warning("Relay to channel %s failed with HTTP status %s", channel.id, exc.status)
            raise PublishFailed("Discord didn't accept the post; please try again in a moment") from None
        return [message.id for message in sent]

    @staticmethod
    async def _remove(messages: list[discord.WebhookMessage]) -> None:
        for message in messages:
            try:
                await message.delete()
            except discord.HTTPException:
                log.warning("Could not remove part of a failed relay (message %s)", message.id)

    async def delete(self, channel_id: int, message_ids: list[int]) -> None:
        """Delete the messages of a post; ones already gone are fine. Raises discord.Forbidden."""
        channel = await self.channel(channel_id)
        if channel is None:
            return
        for message_id in message_ids:
            try:
                await channel.get_partial_message(message_id).delete()
            except discord.NotFound:
                continue

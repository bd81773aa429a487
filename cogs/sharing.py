"""A member's words from Discord into the one sharing pipeline (bot/core/sharing.py).

Entries: /share (a modal), DMs to the bot, messages in a group channel or its threads, and edits
of any of those. This cog only turns each event into `Words` and gives the pipeline an outlet
(cogs/_discord_outlet.py); screening, crisis care, the checks, the relay and nudges happen there,
in that order, for every entry. Also /unshare. Her text lives only in memory.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import PeerBot
from bot.core import member_notes
from bot.core.sharing import Words
from bot.discord_ui import send_note
from cogs._discord_outlet import HOLD_SECONDS, DiscordOutlet
from cogs._discord_relay import WebhookRelay

log = logging.getLogger(__name__)


class ShareModal(discord.ui.Modal, title="Share with your group"):
    def __init__(self, cog: Sharing, group_id: int, reply_to: int | None, text: str = "") -> None:
        super().__init__(timeout=HOLD_SECONDS)
        self.cog = cog
        self.group_id = group_id
        self.reply_to = reply_to
        self.text: discord.ui.TextInput[ShareModal] = discord.ui.TextInput(
            label="What would you like to share?", style=discord.TextStyle.paragraph, default=text or None,
            max_length=4000, placeholder="Posted under your alias, never your name.",
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert interaction.guild is not None
        # Answer Discord within its 3 seconds: screening and the relay may take longer.
        await interaction.response.defer(ephemeral=True, thinking=True)
        words = Words(interaction.user.id, self.text.value, "share", guild_id=interaction.guild.id,
                      group_id=self.group_id, reply_to=self.reply_to)
        await self.cog.services.sharing.submit(words, DiscordOutlet(self.cog, interaction=interaction))

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        log.error("A /share submission failed (%s)", type(error).__name__, exc_info=error)
        for note in member_notes.text_back("Sorry, something went wrong on my side", self.text.value):
            await send_note(interaction, note)


class Sharing(commands.Cog):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.webhooks = WebhookRelay(bot)

    def edit_modal(self, words: Words) -> ShareModal:
        """The /share form again, with her words in it (the reflect note's "Edit")."""
        return ShareModal(self, words.group_id or 0, words.reply_to, words.text)

    # -- /share ----------------------------------------------------------------------------------

    @app_commands.command(name="share", description="Share something with your group under your alias")
    @app_commands.describe(reply_to="The number of the post you're replying to, e.g. 12",
                           group="Which of your groups (if you're in more than one)")
    @app_commands.guild_only()
    async def share(self, interaction: discord.Interaction, reply_to: int | None = None,
                    group: str | None = None) -> None:
        assert interaction.guild is not None
        # Before she writes anything: tell her now if she can't post, rather than after she has written.
        chosen = await self.services.membership.pick(interaction.guild.id, interaction.user.id, group,
                                                     interaction.channel_id)
        author = await self.services.aliases.ensure(interaction.guild.id, interaction.user.id)
        await self.services.relay.check_can_post(chosen, author, reply_to)
        await interaction.response.send_modal(ShareModal(self, chosen.id, reply_to))

    @share.autocomplete("group")
    async def my_group_names(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild is None:
            return []
        mine = await self.services.membership.my_groups(interaction.guild.id, interaction.user.id)
        return [app_commands.Choice(name=g.name, value=g.name) for g in mine if current.casefold() in
                g.name.casefold()][:25]

    # -- /unshare ----------------------------------------------------------------------------------

    @app_commands.command(name="unshare", description="Remove one of your own posts")
    @app_commands.describe(post="The post's number (e.g. 14) or its message link")
    @app_commands.guild_only()
    async def unshare(self, interaction: discord.Interaction, post: str) -> None:
        assert interaction.guild is not None
        pseudonym = self.services.aliases.pseudonym(interaction.guild.id, interaction.user.id)
        here = await self.services.groups.by_channel(interaction.guild.id, interaction.channel_id or 0)
        found = await self.services.relay.find(interaction.guild.id, post, pseudonym=pseudonym,
                                               group_id=here.id if here else None)
        if found.channel_id is not None:
            await self.webhooks.delete(found.channel_id, await self.services.relay.message_ids(found.id))
        await self.services.relay.unshare(found)
        await send_note(interaction, member_notes.unshared(found.number), ephemeral=True)

    # -- DMs, group channels, threads and edits ---------------------------------------------------

    def words_of(self, message: discord.Message, *, edit: bool = False) -> Words | None:
        """Her message as Words for the pipeline; None for the bot's own and relayed messages."""
        if message.author.bot or message.webhook_id is not None:
            return None
        if message.guild is None:
            mutual = tuple(guild.id for guild in message.author.mutual_guilds)
            return Words(message.author.id, message.content, "edit" if edit else "dm", mutual_guild_ids=mutual)
        channel = message.channel
        in_thread = isinstance(channel, discord.Thread)
        channel_id = channel.parent_id if isinstance(channel, discord.Thread) else channel.id
        entry = "edit" if edit else "thread" if in_thread else "channel"
        return Words(message.author.id, message.content, entry, guild_id=message.guild.id, channel_id=channel_id,
                     jump_url=message.jump_url)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        words = self.words_of(message)
        if words is None:
            return
        private = message.channel if message.guild is None else None
        await self.services.sharing.submit(words, DiscordOutlet(self, channel=private, message=message))

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        message = payload.message
        before = payload.cached_message
        if message.edited_at is None or (before is not None and before.content == message.content):
            return  # Discord adding a link preview, not her words changing
        words = self.words_of(message, edit=True)
        if words is None:
            return
        private = message.channel if message.guild is None else None
        await self.services.sharing.submit(words, DiscordOutlet(self, channel=private, message=message))


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(Sharing(bot))

"""Anonymous posting: /share (a modal), DMs to the bot, /unshare, and the open-group listener.

The relay core decides what to post and records the mapping; WebhookRelay does the Discord calls.
Her text lives only in memory: in the modal, in a short-lived view while she decides, and in the
message handed back to her if a relay fails.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import PeerBot
from bot.core import member_notes
from bot.core.aliases import AliasRecord
from bot.core.errors import UserError
from bot.core.groups import Group
from bot.core.notify import Note
from bot.core.posts import REFLECT_EDIT, REFLECT_SHARE, Post, PostSource, observe_post
from bot.core.relay import RelayPlan
from bot.discord_ui import clip, send_note
from cogs._discord_relay import RelayFailed, WebhookRelay, message_link

log = logging.getLogger(__name__)

Answer = Callable[[Note], Awaitable[None]]
React = Callable[[str], Awaitable[None]]
VIEW_TIMEOUT = 600


class ShareModal(discord.ui.Modal, title="Share with your group"):
    def __init__(self, cog: Sharing, group_id: int, reply_to: int | None, text: str = "") -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.cog = cog
        self.group_id = group_id
        self.reply_to = reply_to
        self.text: discord.ui.TextInput[ShareModal] = discord.ui.TextInput(
            label="What would you like to share?", style=discord.TextStyle.paragraph, default=text or None,
            max_length=4000, placeholder="Posted under your alias, never your name.",
        )
        self.add_item(self.text)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.guarded(interaction, self.cog.submit_share(interaction, self.group_id, self.reply_to,
                                                                  self.text.value))


class ReflectView(discord.ui.View):
    """The framing note's two choices. Non-persistent on purpose: the text is kept only here, in memory."""

    def __init__(self, cog: Sharing, note: Note, group_id: int, reply_to: int | None, text: str) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.cog, self.group_id, self.reply_to, self.text = cog, group_id, reply_to, text
        labels = {choice.id: choice.label for choice in note.choices}
        self.share.label = labels.get(REFLECT_SHARE, "Share as it is")
        self.edit.label = labels.get(REFLECT_EDIT, "Edit")

    async def on_timeout(self) -> None:
        self.text = ""

    @discord.ui.button(label="Share as it is", style=discord.ButtonStyle.primary, custom_id="reflect-share")
    async def share(self, interaction: discord.Interaction, _: discord.ui.Button[ReflectView]) -> None:
        text, self.text = self.text, ""
        self.stop()
        await self.cog.guarded(interaction, self.cog.relay_share(interaction, self.group_id, self.reply_to, text))

    @discord.ui.button(label="Edit", style=discord.ButtonStyle.secondary, custom_id="reflect-edit")
    async def edit(self, interaction: discord.Interaction, _: discord.ui.Button[ReflectView]) -> None:
        text, self.text = self.text, ""
        self.stop()
        await interaction.response.send_modal(ShareModal(self.cog, self.group_id, self.reply_to, text))


class DMPickView(discord.ui.View):
    """Which group a DM goes to (she is in several). Holds the text in memory only."""

    def __init__(self, cog: Sharing, targets: list[tuple[AliasRecord, Group]], text: str) -> None:
        super().__init__(timeout=VIEW_TIMEOUT)
        self.cog, self.text = cog, text
        for alias, group in targets[:5]:
            button: discord.ui.Button[DMPickView] = discord.ui.Button(
                label=group.name[:80], style=discord.ButtonStyle.primary, custom_id=f"dmpick-{group.id}")
            button.callback = self._make_callback(alias, group)  # type: ignore[method-assign]
            self.add_item(button)

    def _make_callback(self, alias: AliasRecord, group: Group) -> Callable[[discord.Interaction], Awaitable[None]]:
        async def callback(interaction: discord.Interaction) -> None:
            text, self.text = self.text, ""
            self.stop()
            if not text:
                await send_note(interaction, Note("That choice has timed out; please send your message again."))
                return

            async def answer(note: Note) -> None:
                await send_note(interaction, note, ephemeral=True)

            await self.cog.guarded(interaction, self.cog.relay_and_observe(
                group, alias, text, None, "dm", answer, interactive=True))
        return callback

    async def on_timeout(self) -> None:
        self.text = ""


class Sharing(commands.Cog):
    def __init__(self, bot: PeerBot) -> None:
        self.bot = bot
        self.services = bot.services
        self.webhooks = WebhookRelay(bot)

    @staticmethod
    async def guarded(interaction: discord.Interaction, work: Awaitable[None]) -> None:
        """Views and modals are outside the tree's error handler: show UserErrors kindly here."""
        try:
            await work
        except UserError as exc:
            await send_note(interaction, Note(exc.message), ephemeral=True)

    async def _author(self, guild_id: int, user_id: int) -> AliasRecord:
        return await self.services.aliases.ensure(guild_id, user_id)

    # -- /share ----------------------------------------------------------------------------------

    @app_commands.command(name="share", description="Share something with your group under your alias")
    @app_commands.describe(reply_to="The number of the post you're replying to, e.g. 12",
                           group="Which of your groups (if you're in more than one)")
    @app_commands.guild_only()
    async def share(self, interaction: discord.Interaction, reply_to: int | None = None,
                    group: str | None = None) -> None:
        assert interaction.guild is not None
        chosen = await self.services.membership.pick(interaction.guild.id, interaction.user.id, group,
                                                     interaction.channel_id)
        author = await self._author(interaction.guild.id, interaction.user.id)
        await self.services.relay.check_can_post(chosen, author, reply_to)
        await interaction.response.send_modal(ShareModal(self, chosen.id, reply_to))

    @share.autocomplete("group")
    async def my_group_names(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild is None:
            return []
        mine = await self.services.membership.my_groups(interaction.guild.id, interaction.user.id)
        return [app_commands.Choice(name=g.name, value=g.name) for g in mine if current.casefold() in
                g.name.casefold()][:25]

    async def submit_share(self, interaction: discord.Interaction, group_id: int, reply_to: int | None,
                           text: str) -> None:
        assert interaction.guild is not None
        group = await self.services.groups.get(interaction.guild.id, group_id)
        author = await self._author(interaction.guild.id, interaction.user.id)
        text = await self.services.relay.check(group, author, text, reply_to)
        post = Post(interaction.guild.id, group, author, text, None, "share")
        for observer in self.services.post_observers:
            try:
                note = await observer.before_share(post)
            except Exception:
                log.exception("A post observer failed before a share in group %s", group.id)
                continue
            if note is not None:
                await interaction.response.send_message(
                    clip(note.text), view=ReflectView(self, note, group.id, reply_to, text), ephemeral=True)
                return
        await self.relay_share(interaction, group_id, reply_to, text)

    async def relay_share(self, interaction: discord.Interaction, group_id: int, reply_to: int | None,
                          text: str) -> None:
        assert interaction.guild is not None
        if not text:
            raise UserError("That choice has timed out; please use /share again.")
        group = await self.services.groups.get(interaction.guild.id, group_id)
        author = await self._author(interaction.guild.id, interaction.user.id)
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)

        async def answer(note: Note) -> None:
            await send_note(interaction, note, ephemeral=True)

        await self.relay_and_observe(group, author, text, reply_to, "share", answer, interactive=True)

    # -- the relay itself (shared by /share and DMs) ----------------------------------------------

    async def relay_and_observe(self, group: Group, author: AliasRecord, text: str, reply_to: int | None,
                                source: PostSource, answer: Answer, *, interactive: bool) -> None:
        try:
            plan = await self.services.relay.prepare(group, author, text, reply_to)
        except UserError as exc:
            await answer(Note(exc.message))
            return
        try:
            message_ids = await self.webhooks.send(plan)
        except RelayFailed as failure:
            await self._give_back(plan, failure, text, answer)
            return
        except Exception:
            log.exception("Relay to group %s failed unexpectedly", group.id)
            await self._give_back(plan, RelayFailed("something went wrong on my side"), text, answer)
            return
        await self.services.relay.confirm(plan, message_ids)
        await answer(member_notes.shared(group, plan.number))
        post = Post(group.guild_id, group, author, text, message_link(group.guild_id, plan.channel_id, message_ids[0]),
                    source)
        channel_id, first_message = plan.channel_id, message_ids[0]

        async def react(emoji: str) -> None:
            channel = self.bot.get_channel(channel_id)
            if isinstance(channel, discord.TextChannel):
                await channel.get_partial_message(first_message).add_reaction(emoji)

        await self.observe(post, answer if interactive else None, react)

    async def _give_back(self, plan: RelayPlan, failure: RelayFailed, text: str, answer: Answer) -> None:
        """Nothing she wrote is lost: the reserved number is freed and her words go back to her privately."""
        await self.services.relay.abandon(plan)
        for note in member_notes.relay_failed(failure.reason, text):
            await answer(note)
        if failure.moderator_text:
            await self.bot.notifier.send_mod_log(plan.guild_id, Note(failure.moderator_text))

    async def observe(self, post: Post, answer: Answer | None, react: React | None = None) -> None:
        for observer in self.services.post_observers:
            try:
                observed = await observe_post(observer, post, self.bot.notifier)
            except Exception:
                log.exception("A post observer failed for a post in group %s", post.group.id)
                continue
            if observed.reaction and react is not None:
                try:
                    await react(observed.reaction)
                except discord.HTTPException:
                    log.info("Could not add a reaction in group %s", post.group.id)
            for note in observed.notes:
                if answer is None:
                    log.info("Dropped a private note for a %s post in group %s: no interaction to answer",
                             post.source, post.group.id)
                else:
                    await answer(note)

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

    # -- DMs and open groups ----------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id is not None:
            return
        if message.guild is None:
            await self.on_direct_message(message)
        else:
            await self.on_group_message(message)

    async def on_direct_message(self, message: discord.Message) -> None:
        targets = await self.services.membership.dm_targets(message.author.id)
        channel = message.channel

        async def answer(note: Note) -> None:
            await channel.send(clip(note.text))

        if not targets:
            await answer(member_notes.no_group())
            return
        if not message.content.strip():
            await answer(Note("There's nothing to share yet: please write a few words first."))
            return
        if len(targets) == 1:
            alias, group = targets[0]
            await self.relay_and_observe(group, alias, message.content, None, "dm", answer, interactive=False)
            return
        note = member_notes.pick_group([group for _, group in targets], "dmpick-")
        await channel.send(note.text, view=DMPickView(self, targets, message.content))

    async def on_group_message(self, message: discord.Message) -> None:
        assert message.guild is not None
        group = await self.services.groups.by_channel(message.guild.id, message.channel.id)
        if group is None or group.mode != "open" or not message.content:
            return
        author = await self.services.aliases.for_user(message.guild.id, message.author.id)
        if author is None:
            return
        await self.observe(Post(message.guild.id, group, author, message.content, message.jump_url, "channel"), None,
                           message.add_reaction)


async def setup(bot: PeerBot) -> None:
    await bot.add_cog(Sharing(bot))

"""The Discord side of the sharing pipeline: where a Note reaches her, the webhook relay, reactions,
and the short-lived view that holds her words while she chooses."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord

from bot.core.notify import Note, Notifier
from bot.core.posts import REFLECT_EDIT
from bot.core.relay import RelayPlan
from bot.core.sharing import Held
from bot.discord_ui import clip, send_note

if TYPE_CHECKING:
    from cogs.sharing import Sharing

log = logging.getLogger(__name__)

# Ten minutes to choose; an interaction's token lasts fifteen, so her words can still be given back.
HOLD_SECONDS = 600


class DiscordOutlet:
    """One conversation with her: an interaction (private replies), the DM channel she wrote in,
    or a message she wrote in a group channel (no private reply possible there)."""

    def __init__(self, cog: Sharing, *, interaction: discord.Interaction | None = None,
                 channel: discord.abc.Messageable | None = None, message: discord.Message | None = None) -> None:
        self.cog = cog
        self.notifier: Notifier = cog.bot.notifier
        self.interaction = interaction
        self.channel = channel
        self.message = message
        self._relay_channel_id: int | None = None

    async def answer(self, note: Note) -> bool:
        try:
            if self.interaction is not None:
                await send_note(self.interaction, note, ephemeral=True)
                return True
            if self.channel is not None:
                await self.channel.send(clip(note.text))
                return True
        except discord.HTTPException:
            log.info("Could not answer a member where she wrote")
        return False

    async def publish(self, plan: RelayPlan) -> list[int]:
        self._relay_channel_id = plan.channel_id
        return await self.cog.webhooks.send(plan)

    async def react(self, emoji: str, message_id: int | None) -> None:
        if message_id is None:
            if self.message is not None:
                await self.message.add_reaction(emoji)
            return
        channel = self.cog.bot.get_channel(self._relay_channel_id or 0)
        if isinstance(channel, discord.TextChannel):
            await channel.get_partial_message(message_id).add_reaction(emoji)

    async def hold(self, note: Note, held: Held) -> None:
        view = HeldView(self.cog, note, held, self)
        if self.interaction is not None:
            if self.interaction.response.is_done():
                await self.interaction.followup.send(clip(note.text), view=view, ephemeral=True)
            else:
                await self.interaction.response.send_message(clip(note.text), view=view, ephemeral=True)
        elif self.channel is not None:
            await self.channel.send(clip(note.text), view=view)


class HeldView(discord.ui.View):
    """The choices of a held Note. Non-persistent on purpose: her words are kept only here, in memory.

    Custom ids are "held-N", never "prefix:rest": those belong to the persistent ChoiceButton router."""

    def __init__(self, cog: Sharing, note: Note, held: Held, origin: DiscordOutlet) -> None:
        super().__init__(timeout=HOLD_SECONDS)
        self.cog, self.held, self.origin = cog, held, origin
        for index, choice in enumerate(note.choices[:5]):
            button: discord.ui.Button[HeldView] = discord.ui.Button(
                label=choice.label[:80], style=getattr(discord.ButtonStyle, choice.style),
                custom_id=f"held-{index}")
            button.callback = self._clicked(choice.id)  # type: ignore[method-assign]
            self.add_item(button)

    def _clicked(self, choice_id: str) -> Callable[[discord.Interaction], Awaitable[None]]:
        async def callback(interaction: discord.Interaction) -> None:
            self.stop()
            if choice_id == REFLECT_EDIT:
                words = self.held.take()
                if words is None:
                    await send_note(interaction, Note("That choice has timed out; please use /share again."))
                    return
                await interaction.response.send_modal(self.cog.edit_modal(words))
                return
            await interaction.response.defer(ephemeral=True, thinking=True)
            await self.cog.services.sharing.resume(self.held, choice_id, DiscordOutlet(self.cog,
                                                                                          interaction=interaction))
        return callback

    async def on_timeout(self) -> None:
        await self.cog.services.sharing.expire(self.held, self.origin)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        log.error("A held choice failed (%s)", type(error).__name__, exc_info=error)
        await send_note(interaction, Note("Sorry, something went wrong on my side. Please try again."))

"""Turning core Notes into Discord messages, and routing their buttons back after restarts.

Every button the bot sends carries its Choice id as custom id ("flag:ack:12"). One DynamicItem,
registered in setup_hook, matches every such id, so buttons keep working after a restart without
keeping views in memory. A cog claims a prefix ("flag", "consent", …) with `bot.route_choice`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord

from bot.core.errors import UserError
from bot.core.notify import Note

if TYPE_CHECKING:
    from bot.client import PeerBot

log = logging.getLogger(__name__)

ChoiceHandler = Callable[[discord.Interaction, str], Awaitable[None]]
_STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
}
DISCORD_LIMIT = 2000


class ChoiceButton(discord.ui.DynamicItem[discord.ui.Button], template=r"(?P<prefix>[a-z_]+):(?P<rest>.+)"):
    def __init__(self, custom_id: str, label: str = "…", style: str = "secondary") -> None:
        super().__init__(discord.ui.Button(label=label, style=_STYLES[style], custom_id=custom_id))
        self.choice_id = custom_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str], /
    ) -> ChoiceButton:
        return cls(item.custom_id or match.string, item.label or "…")

    async def callback(self, interaction: discord.Interaction) -> None:
        bot: PeerBot = interaction.client  # type: ignore[assignment]
        prefix, _, rest = self.choice_id.partition(":")
        handler = bot.choice_handlers.get(prefix)
        try:
            if handler is None:
                raise UserError("This button no longer does anything. Please use the matching slash command.")
            await handler(interaction, rest)
        except UserError as exc:
            await send_note(interaction, Note(exc.message), ephemeral=True)
        except Exception:
            log.exception("Button %s failed", prefix)
            await send_note(interaction, Note("Sorry, something went wrong on my side. Please try again."),
                            ephemeral=True)
        await bot.after_interaction(interaction)


def note_view(note: Note) -> discord.ui.View | None:
    if not note.choices:
        return None
    view = discord.ui.View(timeout=None)
    for choice in note.choices[:25]:
        view.add_item(ChoiceButton(choice.id, choice.label, choice.style))
    return view


def clip(text: str, limit: int = DISCORD_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


async def send_note(interaction: discord.Interaction, note: Note, *, ephemeral: bool = True) -> None:
    """Reply to an interaction with a Note, whether or not it was already answered or deferred."""
    view = note_view(note)
    kwargs: dict[str, object] = {"content": clip(note.text), "ephemeral": ephemeral}
    if view is not None:
        kwargs["view"] = view
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)  # type: ignore[arg-type]
    else:
        await interaction.response.send_message(**kwargs)  # type: ignore[arg-type]


async def send_to(target: discord.abc.Messageable, note: Note) -> discord.Message:
    view = note_view(note)
    if view is None:
        return await target.send(clip(note.text))
    return await target.send(clip(note.text), view=view)

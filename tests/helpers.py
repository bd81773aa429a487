"""Test doubles for Discord, built with spec_set from real discord.py classes.

Only Discord is mocked: the database, services, model and scheduler in tests are real. Async
methods come out as AsyncMock because the spec marks them as coroutines. `invoke()` runs an app
command the way the command tree does (checks, callback, the error cog on failure), so tests see
exactly what a member would see.
"""

from __future__ import annotations

import itertools
from typing import Any
from unittest.mock import AsyncMock, MagicMock

import discord
from discord import app_commands

_ids = itertools.count(100_000_000_000_000_001)


def next_id() -> int:
    return next(_ids)


def make_role(role_id: int | None = None, name: str = "Moderators", *, default: bool = False) -> MagicMock:
    role = MagicMock(spec_set=discord.Role)
    role.id = role_id or next_id()
    role.name = name
    role.mention = f"<@&{role.id}>"
    role.is_default.return_value = default
    return role


def make_guild(guild_id: int | None = None, name: str = "Mums Together") -> MagicMock:
    guild = MagicMock(spec_set=discord.Guild)
    guild.id = guild_id or next_id()
    guild.name = name
    me = make_member(guild=guild, name="PeerBot", bot=True)
    guild.me = me
    guild.default_role = make_role(guild.id, "@everyone", default=True)
    return guild


def make_member(
    member_id: int | None = None,
    guild: Any = None,
    *,
    name: str = "member",
    roles: tuple[Any, ...] = (),
    permissions: discord.Permissions | None = None,
    bot: bool = False,
) -> MagicMock:
    member = MagicMock(spec_set=discord.Member)
    member.id = member_id or next_id()
    member.name = name
    member.display_name = name
    member.mention = f"<@{member.id}>"
    member.bot = bot
    member.guild = guild
    member.roles = list(roles)
    member.guild_permissions = permissions or discord.Permissions.none()
    return member


def make_text_channel(channel_id: int | None = None, guild: Any = None, *, name: str = "general",
                      can_send: bool = True) -> MagicMock:
    channel = MagicMock(spec_set=discord.TextChannel)
    channel.id = channel_id or next_id()
    channel.name = name
    channel.guild = guild
    channel.mention = f"<#{channel.id}>"
    perms = discord.Permissions(send_messages=can_send, view_channel=True)
    channel.permissions_for.return_value = perms
    channel.send.return_value = make_message(channel=channel, guild=guild)  # what Discord returns: the sent message
    return channel


def make_message(message_id: int | None = None, *, author: Any = None, channel: Any = None, content: str = "",
                 guild: Any = None) -> MagicMock:
    message = MagicMock(spec_set=discord.Message)
    message.id = message_id or next_id()
    message.author = author
    message.channel = channel
    message.guild = guild
    message.content = content
    message.webhook_id = None
    where = f"{getattr(guild, 'id', '@me')}/{getattr(channel, 'id', 0)}"
    message.jump_url = f"https://discord.com/channels/{where}/{message.id}"
    return message


def make_interaction(
    client: Any,
    user: Any,
    *,
    guild: Any = None,
    channel: Any = None,
    command: Any = None,
) -> MagicMock:
    """An interaction whose response and followup record what was sent."""
    interaction = MagicMock(spec_set=discord.Interaction)
    interaction.client = client
    interaction.user = user
    interaction.guild = guild
    interaction.guild_id = getattr(guild, "id", None)
    interaction.channel = channel
    interaction.channel_id = getattr(channel, "id", None)
    interaction.command = command
    interaction.permissions = getattr(user, "guild_permissions", discord.Permissions.none())
    interaction.id = next_id()

    state = {"done": False}
    response = MagicMock(spec_set=discord.InteractionResponse)
    response.is_done.side_effect = lambda: state["done"]

    def _answered(*args: Any, **kwargs: Any) -> None:
        state["done"] = True

    for method in ("send_message", "defer", "send_modal", "edit_message"):
        getattr(response, method).side_effect = _answered
    interaction.response = response
    followup = MagicMock(spec_set=discord.Webhook)
    interaction.followup = followup
    interaction.edit_original_response = AsyncMock()
    return interaction


def replies(interaction: MagicMock) -> list[dict[str, Any]]:
    """Everything sent in answer to an interaction, as dicts of content, ephemeral, view."""
    found = []
    for call in (*interaction.response.send_message.call_args_list, *interaction.followup.send.call_args_list):
        args, kwargs = call
        content = kwargs.get("content", args[0] if args else None)
        found.append({"content": content, "ephemeral": kwargs.get("ephemeral", False), "view": kwargs.get("view"),
                      "embed": kwargs.get("embed"), "file": kwargs.get("file")})
    return found


def last_reply(interaction: MagicMock) -> dict[str, Any]:
    sent = replies(interaction)
    assert sent, "the interaction was never answered"
    return sent[-1]


async def invoke(command: app_commands.Command, cog: Any, interaction: MagicMock, /, **kwargs: Any) -> None:
    """Run an app command as the tree would: checks, then the callback; errors go to the error cog."""
    interaction.command = command
    bot = interaction.client
    try:
        for check in command.checks:
            result = check(interaction)
            if hasattr(result, "__await__"):
                result = await result
            if not result:
                raise app_commands.CheckFailure(f"check failed for {command.qualified_name}")
        await command.callback(cog, interaction, **kwargs)
    except app_commands.AppCommandError as error:
        await bot.tree.on_error(interaction, error)
    except Exception as error:
        await bot.tree.on_error(interaction, app_commands.CommandInvokeError(command, error))


def make_webhook(name: str = "PeerBot relay") -> MagicMock:
    """A channel webhook whose send() returns a fresh WebhookMessage (with an id) like wait=True does."""
    hook = MagicMock(spec_set=discord.Webhook)
    hook.id = next_id()
    hook.name = name
    hook.token = "webhook-token"

    async def send(content: str = "", **kwargs: Any) -> MagicMock:
        message = MagicMock(spec_set=discord.WebhookMessage)
        message.id = next_id()
        message.content = content
        return message

    hook.send.side_effect = send
    return hook


def make_dm_channel(user: Any) -> MagicMock:
    channel = MagicMock(spec_set=discord.DMChannel)
    channel.id = next_id()
    channel.recipient = user
    channel.guild = None
    return channel


def sent_texts(mock_send: Any) -> list[str]:
    """The content of every call to a send() mock (positional or content=)."""
    return [call.kwargs.get("content", call.args[0] if call.args else "") for call in mock_send.call_args_list]


async def click(bot: Any, interaction: MagicMock, choice_id: str) -> None:
    """Click a persistent Note button the way Discord would (through the ChoiceButton router)."""
    from bot.discord_ui import ChoiceButton

    await ChoiceButton(choice_id).callback(interaction)


class RecordingNotifier:
    """Stands in for DiscordNotifier: records DMs and moderator-log posts (the core Notifier protocol)."""

    def __init__(self, *, dms_open: bool = True, log_open: bool = True, lead: str | None = "the server owner by DM"
                 ) -> None:
        self.dms: list[tuple[int, int, Any]] = []
        self.mod_log: list[tuple[int, Any]] = []
        self.mentions: list[bool] = []  # for each alert in mod_log: did it mention the moderator role?
        self.edits: list[tuple[int, int, Any]] = []
        self.escalations: list[tuple[int, Any]] = []
        self.dms_open = dms_open
        self.log_open = log_open
        self.lead = lead

    async def send_dm(self, guild_id: int, user_id: int, note: Any) -> bool:
        if self.dms_open:
            self.dms.append((guild_id, user_id, note))
        return self.dms_open

    async def send_mod_log(self, guild_id: int, note: Any) -> bool:
        if self.log_open:
            self.mod_log.append((guild_id, note))
        return self.log_open

    async def send_alert(self, guild_id: int, note: Any, *, mention: bool) -> int | None:
        if not await self.send_mod_log(guild_id, note):
            return None
        self.mentions.append(mention)
        return next_id()

    async def edit_alert(self, guild_id: int, message_id: int, note: Any) -> bool:
        self.edits.append((guild_id, message_id, note))
        return self.log_open

    async def escalate(self, guild_id: int, note: Any) -> str | None:
        if self.lead is not None:
            self.escalations.append((guild_id, note))
        return self.lead


class RecordingOutlet:
    """Stands in for an adapter's outlet of the sharing pipeline (bot/core/sharing.py Outlet).

    `can_answer=False` is a place with no private reply (a message she wrote in a channel, or an
    interaction that expired); `publish_error` makes the relay fail with that exception."""

    def __init__(self, notifier: RecordingNotifier, *, can_answer: bool = True,
                 publish_error: Exception | None = None) -> None:
        self.notifier = notifier
        self.can_answer = can_answer
        self.publish_error = publish_error
        self.answers: list[Any] = []
        self.published: list[Any] = []
        self.reactions: list[tuple[str, int | None]] = []
        self.held: list[tuple[Any, Any]] = []

    async def answer(self, note: Any) -> bool:
        if self.can_answer:
            self.answers.append(note)
        return self.can_answer

    async def publish(self, plan: Any) -> list[int]:
        if self.publish_error is not None:
            raise self.publish_error
        self.published.append(plan)
        return [next_id() for _ in plan.parts]

    async def react(self, emoji: str, message_id: int | None) -> None:
        self.reactions.append((emoji, message_id))

    async def hold(self, note: Any, held: Any) -> None:
        self.held.append((note, held))
        await self.answer(note)

    def texts(self) -> list[str]:
        return [note.text for note in self.answers]

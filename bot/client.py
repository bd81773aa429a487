"""The Bot subclass: receives its resources, loads every extension, routes persistent buttons."""

from __future__ import annotations

import hashlib
import json
import logging
import pkgutil
from pathlib import Path

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord.ext import commands

import cogs
from bot.core.notify import Note
from bot.discord_ui import ChoiceButton, ChoiceHandler, send_to
from bot.services import Services

log = logging.getLogger(__name__)

DUE_WORK_JOB = "peerbot:due-work"


def discover_extensions() -> list[str]:
    """Every module in cogs/ whose name does not start with an underscore."""
    return sorted(
        f"cogs.{module.name}"
        for module in pkgutil.iter_modules([str(Path(cogs.__file__).parent)])
        if not module.name.startswith("_")
    )


def required_intents() -> discord.Intents:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.members = True  # roles and timeouts on the member behind an alias
    intents.guild_messages = True  # reading messages in open groups for the framing model
    intents.dm_messages = True  # members post to their group by DMing the bot
    intents.message_content = True  # the model reads the text (never stored)
    intents.guild_reactions = True
    return intents


class DiscordNotifier:
    """Delivers core Notes: DMs to members and posts in the moderator log."""

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

    async def send_mod_log(self, guild_id: int, note: Note) -> bool:
        config = await self._bot.services.guilds.get(guild_id)
        if config.mod_log_channel_id is None:
            log.warning("Guild %s has no moderator log channel; an alert could not be posted", guild_id)
            return False
        channel = self._bot.get_channel(config.mod_log_channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            log.warning("Moderator log channel of guild %s is unreachable", guild_id)
            return False
        try:
            await send_to(channel, note)
        except discord.HTTPException:
            log.warning("Could not post in the moderator log of guild %s", guild_id)
            return False
        return True


class PeerBot(commands.Bot):
    def __init__(self, services: Services, scheduler: AsyncIOScheduler, **resources: object) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned_or(services.settings.bot.command_prefix),
            intents=required_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
        )
        self.services = services
        self.scheduler = scheduler
        self.resources = resources
        self.notifier = DiscordNotifier(self)
        self.choice_handlers: dict[str, ChoiceHandler] = {}

    def route_choice(self, prefix: str, handler: ChoiceHandler) -> None:
        """Send clicks on buttons whose id starts with `prefix:` to `handler(interaction, rest)`."""
        self.choice_handlers[prefix] = handler

    async def setup_hook(self) -> None:
        for extension in discover_extensions():
            await self.load_extension(extension)
        self.add_dynamic_items(ChoiceButton)
        self.scheduler.add_job(
            self._run_due_work, "interval", seconds=30, id=DUE_WORK_JOB, replace_existing=True,
            max_instances=1, coalesce=True,
        )
        await self._warn_if_commands_changed()

    async def _run_due_work(self) -> None:
        try:
            await self.services.run_due(self.notifier)
        except Exception:
            log.exception("Scheduled due work failed")

    def command_signature(self) -> str:
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands()]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    async def _warn_if_commands_changed(self) -> None:
        stored = await self.services.db.fetchval("SELECT value FROM meta WHERE key = 'commands_signature'")
        if stored != self.command_signature():
            log.warning("Slash commands changed since the last sync: run `python -m bot sync` to publish them")

    async def record_sync(self) -> None:
        await self.services.db.execute(
            "INSERT INTO meta (key, value) VALUES ('commands_signature', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (self.command_signature(),),
        )

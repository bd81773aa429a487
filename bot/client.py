"""The Bot subclass: receives its resources, loads every extension, routes persistent buttons.

It also knows what it is doing right now (interactions, events, scheduled jobs), so that shutdown
can stop taking new work and let the work in hand finish before the scheduler and database close.

`new_bot()` picks the connection from the settings: one plain gateway connection (`PeerBot`, the
default), or Discord's sharding (`ShardedPeerBot`: the same class over AutoShardedBot, given the
shard ids and count this process runs, or letting Discord choose the count).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import json
import logging
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
    JobSubmissionEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord import app_commands
from discord.ext import commands

import cogs
from bot.core.errors import UserError
from bot.core.notify import Note
from bot.discord_notifier import DiscordNotifier
from bot.discord_ui import ChoiceButton, ChoiceHandler, send_note
from bot.services import Services
from bot.settings import BotSettings
from bot.store.meta_repo import MetaRepository

log = logging.getLogger(__name__)
# The bot has no voice features: no "… is not installed, voice will NOT be supported" warnings at start.
discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False

DUE_WORK_JOB = "peerbot:due-work"
# How long shutdown waits for commands, events and jobs already running before it closes anyway.
SHUTDOWN_GRACE_SECONDS = 10.0
RESTARTING_TEXT = "The bot is restarting; please try again in a minute."


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


class WorkInProgress:
    """A count of the work running now, and a way to wait until there is none."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def count(self) -> int:
        return self._count

    def begin(self) -> None:
        self._count += 1
        self._idle.clear()

    def end(self) -> None:
        self._count = max(0, self._count - 1)
        if self._count == 0:
            self._idle.set()

    @contextlib.contextmanager
    def track(self) -> Iterator[None]:
        self.begin()
        try:
            yield
        finally:
            self.end()

    def watch(self, task: asyncio.Future[Any]) -> None:
        """Count `task` until it is done."""
        self.begin()
        task.add_done_callback(lambda _: self.end())

    async def wait_idle(self, seconds: float) -> bool:
        """Wait (at most `seconds`) until nothing is running; True if that happened."""
        try:
            await asyncio.wait_for(self._idle.wait(), seconds)
        except TimeoutError:
            return False
        return True


class PeerTree(app_commands.CommandTree["PeerBot"]):
    async def interaction_check(self, interaction: discord.Interaction[PeerBot], /) -> bool:
        """While the bot shuts down, new commands get a kind word instead of starting."""
        if not self.client.stopping:
            return True
        try:
            if interaction.type is discord.InteractionType.autocomplete:
                await interaction.response.autocomplete([])
            else:
                await send_note(interaction, Note(RESTARTING_TEXT), ephemeral=True)
        except discord.HTTPException:
            log.info("Could not tell a member that the bot is restarting")
        return False

    async def _call(self, interaction: discord.Interaction[PeerBot]) -> None:
        """discord.py's own dispatch of an app command (the check above, the command, the error handler), then
        the after-step every command shares with the buttons (PeerBot.after_interaction)."""
        await super()._call(interaction)
        if interaction.type is discord.InteractionType.application_command:
            await self.client.after_interaction(interaction)


@dataclass(frozen=True)
class ShardOptions:
    """Which of Discord's shards this process runs: `ids` of `count`; all of `count` when `ids` is None;
    as many as Discord recommends when both are None (`--shards auto`)."""

    count: int | None = None
    ids: tuple[int, ...] | None = None

    @classmethod
    def from_settings(cls, bot: BotSettings) -> ShardOptions | None:
        """None for one plain connection (the default), else the shards bot.shards/shard_count/shard_ids ask for."""
        if not bot.sharded:
            return None
        return cls(bot.shard_count or None, tuple(bot.shard_ids) or None)

    def as_kwargs(self) -> dict[str, object]:
        """discord.AutoShardedClient's own options."""
        return {"shard_count": self.count, "shard_ids": None if self.ids is None else list(self.ids)}

    def describe(self) -> str:
        if self.count is None:
            return "as many shards as Discord recommends"
        if self.ids is None:
            return f"all {self.count} shards"
        return f"shard(s) {', '.join(map(str, self.ids))} of {self.count}"


class PeerBot(commands.Bot):
    tree: PeerTree  # type: ignore[assignment]

    def __init__(self, services: Services, scheduler: AsyncIOScheduler, *, shards: ShardOptions | None = None,
                 **resources: object) -> None:
        if shards is not None and not isinstance(self, commands.AutoShardedBot):
            raise TypeError("shard options need ShardedPeerBot (see new_bot)")
        super().__init__(
            command_prefix=commands.when_mentioned_or(services.settings.bot.command_prefix),
            intents=required_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=PeerTree,
            **(shards.as_kwargs() if shards is not None else {}),
        )
        self.shard_options = shards
        self.services = services
        self.scheduler = scheduler
        self.resources = resources
        self.notifier = DiscordNotifier(self)
        self.choice_handlers: dict[str, ChoiceHandler] = {}
        self.shutdown_grace = SHUTDOWN_GRACE_SECONDS
        self.stopping = False
        self.work = WorkInProgress()
        self._drained: asyncio.Future[bool] | None = None
        self._watch_interactions()
        self.scheduler.add_listener(
            self._count_job, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
        )

    # -- work in progress -------------------------------------------------------------------------

    def _watch_interactions(self) -> None:
        """Count every interaction until the task discord.py starts for it is done.

        discord.py turns each INTERACTION_CREATE into tasks (the command tree's invoker, a view's or a
        modal's dispatch, a dynamic button's call) from this one parser, synchronously; adopting the
        tasks it starts covers commands, buttons, menus and modals alike. A modal carrying her words is
        finished even while stopping; commands and persistent buttons are refused kindly instead.
        """
        parsers = self._connection.parsers
        parse = parsers["INTERACTION_CREATE"]

        def parse_interaction_create(data: Any) -> None:
            before = asyncio.all_tasks()
            parse(data)
            for task in asyncio.all_tasks() - before:
                self.work.watch(task)

        parsers["INTERACTION_CREATE"] = parse_interaction_create

    async def _run_event(self, coro: Any, event_name: str, *args: Any, **kwargs: Any) -> None:
        # Listeners (a DM to share, a message in an open group) run to the end even while stopping:
        # nothing may drop her words before the screen. They are counted so shutdown waits for them.
        with self.work.track():
            await super()._run_event(coro, event_name, *args, **kwargs)

    def _count_job(self, event: JobEvent) -> None:
        # One SUBMITTED event per submission (for its run times); one EXECUTED, ERROR or MISSED per run time.
        if isinstance(event, JobSubmissionEvent):
            for _ in event.scheduled_run_times:
                self.work.begin()
        else:
            self.work.end()

    async def drain(self, grace: float | None = None) -> bool:
        """Stop taking new work and wait, at most `grace` seconds, for the work in hand to finish.

        New commands and persistent buttons are answered with a kind "restarting" note; scheduled
        jobs stop being started. Returns True if everything finished in time. Called by close().
        """
        if self._drained is None:
            self._drained = asyncio.ensure_future(self._drain(self.shutdown_grace if grace is None else grace))
        return await asyncio.shield(self._drained)

    async def _drain(self, grace: float) -> bool:
        self.stopping = True
        if self.scheduler.running:
            self.scheduler.pause()
        running = self.work.count
        finished = await self.work.wait_idle(grace)
        if not finished:
            log.warning("Stopping with %d command(s), event(s) or job(s) still running after %.0f s",
                        self.work.count, grace)
        elif running:
            log.info("Stopping: %d command(s), event(s) or job(s) finished first", running)
        self.scheduler.remove_listener(self._count_job)
        return finished

    async def close(self) -> None:
        await self.drain()
        await super().close()

    # -- start-up ---------------------------------------------------------------------------------

    # -- after a member's command or button -------------------------------------------------------

    async def after_interaction(self, interaction: discord.Interaction) -> None:
        """Where every slash command and button in a server ends (PeerTree._call after the command and its
        error handler; ChoiceButton.callback after the button's handler). If a check-in's DM could not reach
        her, she is told once, privately, that it is waiting (CheckinService.waiting_notice)."""
        if interaction.guild_id is None or self.stopping:
            return
        if interaction.response.type is discord.InteractionResponseType.modal:
            return  # a form was the answer, and nothing can follow it: she is told at her next interaction
        try:
            note = await self.services.checkins.waiting_notice(interaction.guild_id, interaction.user.id)
            if note is not None:
                await send_note(interaction, note, ephemeral=True)
        except discord.HTTPException:
            log.info("Could not tell a member in guild %s that a check-in is waiting", interaction.guild_id)
        except Exception:
            log.exception("Looking for a waiting check-in failed in guild %s", interaction.guild_id)

    def route_choice(self, prefix: str, handler: ChoiceHandler) -> None:
        """Send clicks on buttons whose id starts with `prefix:` to `handler(interaction, rest)`."""

        @functools.wraps(handler)
        async def unless_stopping(interaction: discord.Interaction, rest: str) -> None:
            if self.stopping:
                raise UserError(RESTARTING_TEXT)
            await handler(interaction, rest)

        self.choice_handlers[prefix] = unless_stopping

    async def setup_hook(self) -> None:
        for extension in discover_extensions():
            await self.load_extension(extension)
        self.add_dynamic_items(ChoiceButton)
        self.scheduler.add_job(
            self._run_due_work, "interval", seconds=30, id=DUE_WORK_JOB, replace_existing=True,
            max_instances=1, coalesce=True,
        )

    async def _run_due_work(self) -> None:
        try:
            await self.services.run_due(self.notifier)
        except Exception:
            log.exception("Scheduled due work failed")

    def command_signature(self) -> str:
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands()]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    async def warn_if_commands_changed(self) -> bool:
        """Log a warning if the commands differ from the last `sync` (called by `run`, never by `sync`)."""
        stored = await MetaRepository(self.services.db).get("commands_signature")
        if stored == self.command_signature():
            return False
        log.warning("Slash commands changed since the last sync: run `python -m bot sync` to publish them")
        return True

    async def record_sync(self) -> None:
        await MetaRepository(self.services.db).set("commands_signature", self.command_signature())


class ShardedPeerBot(PeerBot, commands.AutoShardedBot):
    """PeerBot over Discord's sharding: discord.py's AutoShardedBot runs the given shards (or as many as
    Discord recommends) in this process. Start-up, draining, the due-work job and the retries are PeerBot's
    own; which guilds' due work this process does comes from the services (bot.shard_ids)."""


def new_bot(services: Services, scheduler: AsyncIOScheduler, **resources: object) -> PeerBot:
    """The bot the settings ask for: one plain connection, or Discord's sharding (bot.shards, bot.shard_count,
    bot.shard_ids; `run --shards/--shard-count/--shard-ids`)."""
    shards = ShardOptions.from_settings(services.settings.bot)
    if shards is None:
        return PeerBot(services, scheduler, **resources)
    return ShardedPeerBot(services, scheduler, shards=shards, **resources)


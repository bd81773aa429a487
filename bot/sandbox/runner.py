"""Runs sandbox lines against the world: the same core services, the same Notes as the cogs."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from bot.core.errors import UserError
from bot.core.notify import Note
from bot.sandbox.script import Action, SandboxError, parse_line
from bot.sandbox.world import MOD, SandboxNotifier, World

log = logging.getLogger(__name__)

Handler = Callable[["Sandbox", str, tuple[str, ...]], Awaitable[None]]
ChoiceHandler = Callable[["Sandbox", str, str], Awaitable[None]]
# `as NAME dm: TEXT` and `as NAME edit: TEXT`: (sandbox, person, text).
WordsHandler = Callable[["Sandbox", str, str], Awaitable[None]]
# `@NAME` as a whole argument of a moderator command: her current alias.
_MENTION = re.compile(r"@(?P<name>[A-Za-z][\w-]{0,31})")
# How far the clock moves between two runs of the due work while waiting.
WAIT_STEP = timedelta(minutes=5)


class PostHandler(Protocol):
    """`as NAME: TEXT` (channel None: her group) or `as NAME #CHANNEL: TEXT` (the channel's name, no "#").
    Called without the channel argument when the line names none, so it keeps its default."""

    def __call__(self, sandbox: Sandbox, person: str, text: str, channel: str | None = None) -> Awaitable[None]: ...


class Sandbox:
    def __init__(self, world: World, output_dir: Path) -> None:
        self.world = world
        self.output_dir = output_dir
        self.notifier = SandboxNotifier([world])
        self.commands: dict[str, Handler] = {}
        self.moderator_commands: dict[str, Handler] = {}
        # What /help says of each command, by name (as the cogs' descriptions say it in Discord).
        self.descriptions: dict[str, str] = {}
        self.choice_handlers: dict[str, ChoiceHandler] = {}
        self.post_handler: PostHandler | None = None
        self.dm_handler: WordsHandler | None = None
        # Sandbox-side work that falls due as the clock moves (e.g. held choices timing out).
        self.due_hooks: list[Callable[[Sandbox], Awaitable[None]]] = []
        self.edit_handler: WordsHandler | None = None
        self.answer_handler: Callable[[Sandbox, str, int], Awaitable[None]] | None = None
        # Run after each command or button of a member in the server (as PeerBot.after_interaction is).
        self.interaction_hooks: list[Callable[[Sandbox, str], Awaitable[None]]] = []

    # -- registration (bot/sandbox/commands.py fills these) ---------------------------------------

    def command(self, name: str, *, moderator: bool = False, description: str = "") -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            (self.moderator_commands if moderator else self.commands)[name] = handler
            if description:
                self.descriptions[name] = description
            return handler

        return register

    def on_choice(self, prefix: str, handler: ChoiceHandler) -> None:
        self.choice_handlers[prefix] = handler

    # -- running ----------------------------------------------------------------------------------

    async def run_line(self, line: str) -> None:
        action = parse_line(line)
        if action is None:
            return
        in_server = self._in_server(action)
        try:
            await self._run(action)
        except UserError as exc:
            # What a member or moderator would be told privately: not a failure of the script.
            self.world.ephemeral(action.person or MOD, Note(exc.message))
        if in_server and action.person:
            for hook in self.interaction_hooks:
                await hook(self, action.person)

    def _in_server(self, action: Action) -> bool:
        """A member's slash command, or a button she pressed on something shown to her in the server."""
        if not action.person or action.person == MOD:
            return False
        if action.kind == "command":
            return True
        return action.kind in ("press", "answer") and \
            self.world.screen.last_place.get(action.person, "").startswith("ephemeral:")

    async def _run(self, action: Action) -> None:
        if action.kind == "wait":
            await self.wait(action.delta)
        elif action.kind in ("post", "dm", "edit"):
            await self._words(action)
        elif action.kind == "press":
            await self.press(action.person or MOD, action.number)
        elif action.kind == "answer":
            if self.answer_handler is None:
                raise SandboxError("questionnaires are not available in this sandbox")
            await self.answer_handler(self, action.person or "", action.number)
        else:
            await self._command(action)

    async def _words(self, action: Action) -> None:
        """What a member writes: a post (her group or #CHANNEL), a DM to the bot, an edit."""
        person = action.person or MOD
        if person == MOD:
            raise SandboxError("the moderator runs commands (`mod: /mod flags`); only members post, DM or edit")
        if action.kind == "post":
            if self.post_handler is None:
                raise SandboxError("posting is not available in this sandbox")
            if action.channel is None:
                await self.post_handler(self, person, action.text)
            else:
                await self.post_handler(self, person, action.text, action.channel)
            return
        handler = self.dm_handler if action.kind == "dm" else self.edit_handler
        if handler is None:
            what = "a DM to the bot" if action.kind == "dm" else "editing a message"
            raise SandboxError(f"{what} is not available in this sandbox")
        await handler(self, person, action.text)

    async def _command(self, action: Action) -> None:
        person = action.person or MOD
        name = action.command
        if name == "mod" and action.args:
            name, args = f"mod {action.args[0].lower()}", action.args[1:]
        else:
            args = action.args
        if person == MOD:
            args = tuple([await self._mention(arg) for arg in args])
        table = self.moderator_commands if person == MOD else self.commands
        handler = table.get(name)
        if handler is None:
            other = self.commands if person == MOD else self.moderator_commands
            if name in other:
                who = "members (as NAME:)" if person == MOD else "the moderator (mod:)"
                raise SandboxError(f"/{name} is run by {who}")
            known = ", ".join(f"/{n}" for n in sorted(table))
            raise SandboxError(f"unknown command /{name} (try: {known})")
        await handler(self, person, args)

    async def _mention(self, arg: str) -> str:
        """A moderator's `@Anna` is Anna's current alias (moderators only ever see aliases)."""
        mention = _MENTION.fullmatch(arg)
        if mention is None:
            return arg
        name = mention["name"]
        member = self.world.members.get(name.casefold())
        record = None
        if member is not None:
            record = await self.world.services.aliases.for_user(self.world.guild_id, member.user_id)
        if record is None:
            raise SandboxError(f"{name} has no alias yet: she joins on her first post")
        return record.alias

    async def press(self, person: str, number: int) -> None:
        choices = self.world.screen.last_choices.get(person)
        if not choices:
            raise SandboxError(f"{person} has no buttons to press")
        if not 1 <= number <= len(choices):
            raise SandboxError(f"{person} can press 1 to {len(choices)}")
        choice_id, _ = choices[number - 1]
        prefix, _, rest = choice_id.partition(":")
        handler = self.choice_handlers.get(prefix)
        if handler is None:
            raise SandboxError(f"the button “{choices[number - 1][1]}” does nothing in the sandbox")
        await handler(self, person, rest)

    async def run_due(self) -> None:
        await self.world.services.run_due(self.notifier)
        for hook in self.due_hooks:
            await hook(self)

    async def wait(self, delta: timedelta) -> None:
        self.world.screen.info(f"time passes: {delta}")
        remaining = delta
        while remaining > timedelta(0):
            step = min(WAIT_STEP, remaining)
            self.world.clock.advance(step)
            remaining -= step
            await self.run_due()

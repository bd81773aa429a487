"""One bot process for the shard tests: its own services and connection pool on the shared database.

`work()` runs in a child process (multiprocessing, spawn): each round it waits for the other
process at a barrier, sets its clock to the round's moment and runs the due work the bot's 30-second
job runs (`Services.run_due`), recording every delivery to a JSON-lines file: the test then counts
what each process delivered. Only Discord is replaced (by the recording notifier); the database,
the services and the claims are the real ones.
"""

from __future__ import annotations

import asyncio
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.clock import ManualClock
from bot.core.notify import Note
from bot.services import open_services
from bot.settings import load_settings

BARRIER_SECONDS = 120


class FileNotifier:
    """The core Notifier, writing one JSON line per message to `path` (appends are whole lines)."""

    def __init__(self, path: Path, process: str) -> None:
        self._path = path
        self._process = process
        self.round = 0

    def _record(self, kind: str, guild_id: int, text: str, user_id: int | None = None) -> None:
        line = json.dumps({"process": self._process, "round": self.round, "kind": kind, "guild": guild_id,
                           "user": user_id, "text": text})
        with self._path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")

    async def send_dm(self, guild_id: int, user_id: int, note: Note) -> bool:
        self._record("dm", guild_id, note.text, user_id)
        return True

    async def send_mod_log(self, guild_id: int, note: Note) -> bool:
        self._record("mod_log", guild_id, note.text)
        return True

    async def send_alert(self, guild_id: int, note: Note, *, mention: bool) -> int | None:
        self._record("alert", guild_id, note.text)
        return 1

    async def edit_alert(self, guild_id: int, message_id: int, note: Note) -> bool:
        return True

    async def escalate(self, guild_id: int, note: Note) -> str | None:
        self._record("escalate", guild_id, note.text)
        return "the server owner by DM"


@dataclass(frozen=True)
class Plan:
    """What one process does: `rounds` rounds a `step` apart from `start`; the raiser also opens
    `flags_per_round` urgent flags for each (guild, pseudonym, alias) in `raise_for` before each round."""

    name: str
    env: dict[str, str]
    start: datetime
    step: timedelta
    rounds: int
    out: Path
    raise_for: list[tuple[int, str, str]] = field(default_factory=list)
    flags_per_round: int = 0


async def _run(plan: Plan, barrier: Any) -> None:
    settings = load_settings(env=plan.env)
    clock = ManualClock(plan.start)
    notifier = FileNotifier(plan.out, plan.name)
    async with open_services(settings, clock, env=plan.env) as services:
        services.checkins.sleep = _no_pause  # pacing is Discord's limit, not the test's
        for number in range(1, plan.rounds + 1):
            clock.set(plan.start + plan.step * (number - 1))
            notifier.round = number
            for guild_id, pseudonym, alias in plan.raise_for:
                for _ in range(plan.flags_per_round):
                    await services.flags.raise_flag(guild_id, "crisis", pseudonym, alias, detail="crisis language",
                                                    delivery="dm", entry="share", urgent=True)
            await asyncio.to_thread(barrier.wait, BARRIER_SECONDS)  # both processes start the round together
            await services.run_due(notifier)
            await asyncio.to_thread(barrier.wait, BARRIER_SECONDS)  # and finish it before the clock moves


async def _no_pause(_: float) -> None:
    return None


def work(plan: Plan, barrier: Any) -> None:
    """The child process's entry point."""
    os.environ.pop("PEERBOT_SECRET_KEY", None)
    asyncio.run(_run(plan, barrier))

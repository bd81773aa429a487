"""Check-in planning benchmark: one period for many members, and the DM pace it leads to.

It builds a throw-away database with one group of N members (a tenth with their own time zone and
quiet hours), schedules a weekly questionnaire, moves a ManualClock to the moment it falls due and
times the planner: the due list is computed and every row written with executemany in one
transaction. A ticker task runs alongside and records the event loop's largest lag, to show that
planning never blocks the loop. Sending is then paced to checkins.send_rate_per_second.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

HELP = "plan one check-in period for many members and print the time and the sending pace"
TARGET_SECONDS = 2.0
TICK_SECONDS = 0.005


@dataclass(frozen=True)
class BenchResult:
    members: int
    rows: int
    seconds: float
    max_loop_lag: float
    send_rate: float

    @property
    def send_duration(self) -> timedelta:
        return timedelta(seconds=round(self.members / self.send_rate))


class LagTicker:
    """Wakes every few milliseconds and records how late it woke: the loop's largest stall."""

    def __init__(self, interval: float = TICK_SECONDS) -> None:
        self.interval = interval
        self.max_lag = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        while True:
            expected = time.perf_counter() + self.interval
            await asyncio.sleep(self.interval)
            self.max_lag = max(self.max_lag, time.perf_counter() - expected)

    async def __aenter__(self) -> LagTicker:
        self._task = asyncio.create_task(self._tick())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def _populate(services, guild_id: int, members: int) -> None:
    now = services.clock.now().isoformat()
    group = await services.groups.create(guild_id, "Bench Circle", "Benchmark group",
                                         services.groups.focus_options[0], actor="bench")
    pseudonyms = [f"{n:064x}" for n in range(1, members + 1)]
    async with services.db.transaction() as conn:
        await conn.executemany("INSERT INTO group_members (group_id, pseudonym, joined_at) VALUES (?, ?, ?)",
                               [(group.id, p, now) for p in pseudonyms])
        await conn.executemany(
            "INSERT INTO consents (guild_id, pseudonym, checkins, checkins_changed_at) VALUES (?, ?, 1, ?)",
            [(guild_id, p, now) for p in pseudonyms])
        await conn.executemany(
            "INSERT INTO checkin_prefs (guild_id, pseudonym, timezone, quiet_start, quiet_end, updated_at) "
            "VALUES (?, ?, 'America/New_York', '22:00', '07:00', ?)",
            [(guild_id, p, now) for p in pseudonyms[::10]])


async def run_benchmark(members: int) -> BenchResult:
    from bot.clock import ManualClock
    from bot.services import open_services
    from bot.settings import load_settings

    guild_id = 1
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PEERBOT_BOT__DATA_DIR": str(Path(tmp) / "data"),
               "PEERBOT_SECRET_KEY": secrets.token_hex(32)}
        settings = load_settings(env=env)
        clock = ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
        async with open_services(settings, clock, env=env) as services:
            await _populate(services, guild_id, members)
            await services.checkins.schedules.create(guild_id, "Bench Circle", "phq9", "weekly", "19:00",
                                                     actor="bench")
            clock.set(datetime(2026, 3, 2, 19, tzinfo=UTC))
            async with LagTicker() as ticker:
                started = time.perf_counter()
                plans = await services.checkins.planner.plan_due()
                seconds = time.perf_counter() - started
            rows = int(await services.db.fetchval("SELECT count(*) FROM checkins"))  # type: ignore[arg-type]
            assert sum(p.new_rows for p in plans) == rows
            return BenchResult(members, rows, seconds, ticker.max_lag, settings.checkins.send_rate_per_second)


def report(result: BenchResult) -> str:
    verdict = "within" if result.seconds <= TARGET_SECONDS else "OVER"
    hours, rest = divmod(int(result.send_duration.total_seconds()), 3600)
    return "\n".join([
        f"checkins: planned one period for {result.members:,} members",
        f"  planning time:          {result.seconds:.3f} s ({verdict} the {TARGET_SECONDS:g} s target)",
        f"  rows written:           {result.rows:,} (executemany, one transaction)",
        f"  largest event-loop lag: {result.max_loop_lag * 1000:.1f} ms (ticker every {TICK_SECONDS * 1000:g} ms)",
        f"  sending pace:           {result.send_rate:g} DM/s (checkins.send_rate_per_second; Discord allows about "
        "5 DMs per 5 s safely)",
        f"  time to send them all:  {hours} h {rest // 60} min",
    ])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--members", type=int, default=10_000, help="members in the group (default 10000)")


def run(args: argparse.Namespace) -> int:
    if args.members < 1:
        print("error: --members must be at least 1")
        return 2
    result = asyncio.run(run_benchmark(args.members))
    print(report(result))
    return 0 if result.seconds <= TARGET_SECONDS else 1

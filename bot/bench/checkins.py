"""Check-in planning benchmark: one period for many members, and the DM pace it leads to.

For each size (10,000 and 100,000 members by default, in one run) it builds a throw-away database
with one group of N members (a tenth with their own time zone and quiet hours, which the period
falls inside, one in a hundred paused and one in a hundred who said no to check-ins), schedules a
weekly questionnaire, moves a ManualClock to the moment it falls due and times the planner writing
every member's row. A ticker task runs alongside and records the event loop's largest lag, to show
that planning never blocks the loop. Sending is then paced to checkins.send_rate_per_second.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

HELP = ("plan one check-in period for 10,000 and for 100,000 members; print the time, the event loop's largest "
        "lag and the sending pace")
TARGET_SECONDS = 2.0  # for 100,000 members on SQLite (issue 15); the same bound is printed for every size
TARGET_SECONDS_POSTGRES = 5.0  # the same on PostgreSQL, over loopback (issue 16)
TARGET_LAG_SECONDS = 0.050
TICK_SECONDS = 0.005
SIZES = (10_000, 100_000)


@dataclass(frozen=True)
class BenchResult:
    members: int
    rows: int
    seconds: float
    max_loop_lag: float
    send_rate: float
    backend: str = "sqlite"

    @property
    def target_seconds(self) -> float:
        return TARGET_SECONDS_POSTGRES if self.backend == "postgres" else TARGET_SECONDS

    @property
    def met(self) -> bool:
        return self.seconds <= self.target_seconds and self.max_loop_lag <= TARGET_LAG_SECONDS

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


async def populate(services, guild_id: int, members: int) -> list[str]:
    """A group "Bench Circle" of `members` members, written straight to the tables; their pseudonyms.
    A tenth have quiet hours in Tokyo, one in a hundred has paused, one in a hundred said no."""
    from bot.store.checkin_prefs_repo import CheckinPrefsRepository, NewPrefs
    from bot.store.consent_repo import ConsentRepository
    from bot.store.groups_repo import GroupsRepository

    now = services.clock.now()
    group = await services.groups.create(guild_id, "Bench Circle", "Benchmark group",
                                         services.groups.focus_options[0], actor="bench")
    # Real pseudonyms are HMAC digests: in no particular order, like these.
    pseudonyms = [hashlib.sha256(n.to_bytes(8, "big")).hexdigest() for n in range(members)]
    async with services.db.transaction() as tx:
        await GroupsRepository.add_members_many(tx, group.id, pseudonyms, now)
        await ConsentRepository.insert_checkins_many(
            tx, guild_id, [(p, n % 100 != 7) for n, p in enumerate(pseudonyms)], now)
        # 19:00 UTC is 04:00 in Tokyo: inside her quiet hours, so her check-in waits until 07:00 there.
        await CheckinPrefsRepository.insert_many(
            tx, [NewPrefs(guild_id, p, "Asia/Tokyo", "22:00", "07:00", n % 100 == 0)
                 for n, p in enumerate(pseudonyms) if n % 10 == 0], now)
    return pseudonyms


async def run_benchmark(members: int, database_url: str = "") -> BenchResult:
    """Plan one period in a throw-away SQLite file, or (with `database_url`) in a scratch schema of that
    PostgreSQL database, dropped afterwards."""
    if database_url:
        from bot.store.open import scratch_schema

        async with scratch_schema(database_url, "bench") as url:
            return await _run_benchmark(members, url)
    return await _run_benchmark(members, "")


async def _run_benchmark(members: int, database_url: str) -> BenchResult:
    from bot.clock import ManualClock
    from bot.services import open_services
    from bot.settings import load_settings
    from bot.store.checkins_repo import CheckinsRepository

    guild_id = 1
    with tempfile.TemporaryDirectory() as tmp:
        # Never the configured database: a file in `tmp`, or the scratch schema.
        env = {**os.environ, "PEERBOT_BOT__DATA_DIR": str(Path(tmp) / "data"),
               "PEERBOT_SECRET_KEY": secrets.token_hex(32), "PEERBOT_BOT__DATABASE_URL": database_url}
        settings = load_settings(env=env)
        clock = ManualClock(datetime(2026, 3, 2, 9, tzinfo=UTC))
        async with open_services(settings, clock, env=env) as services:
            await populate(services, guild_id, members)
            await services.checkins.schedules.create(guild_id, "Bench Circle", "phq9", "weekly", "19:00",
                                                     actor="bench")
            clock.set(datetime(2026, 3, 2, 19, tzinfo=UTC))
            async with LagTicker() as ticker:
                started = time.perf_counter()
                plans = await services.checkins.planner.plan_due()
                seconds = time.perf_counter() - started
            rows = await CheckinsRepository(services.db).count()
            assert sum(p.new_rows for p in plans) == rows == members
            return BenchResult(members, rows, seconds, ticker.max_lag, settings.checkins.send_rate_per_second,
                               services.db.dialect)


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(result: BenchResult) -> str:
    hours, rest = divmod(int(result.send_duration.total_seconds()), 3600)
    lag_ms = result.max_loop_lag * 1000
    return "\n".join([
        f"checkins: planned one period for {result.members:,} members ({result.backend})",
        f"  planning time:          {result.seconds:.3f} s (≤ {result.target_seconds:g} s: "
        f"{_verdict(result.seconds <= result.target_seconds)})",
        f"  largest event-loop lag: {lag_ms:.1f} ms (≤ {TARGET_LAG_SECONDS * 1000:g} ms: "
        f"{_verdict(result.max_loop_lag <= TARGET_LAG_SECONDS)}; ticker every {TICK_SECONDS * 1000:g} ms)",
        f"  rows written:           {result.rows:,}",
        f"  sending pace:           {result.send_rate:g} DM/s (checkins.send_rate_per_second; Discord allows about "
        "5 DMs per 5 s safely)",
        f"  time to send them all:  {hours} h {rest // 60} min",
    ])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sizes = " and ".join(f"{n:,}" for n in SIZES)
    parser.add_argument("--members", type=int, nargs="+", default=list(SIZES), metavar="N",
                        help=f"group sizes to plan, one after another (default {sizes})")
    parser.add_argument("--database-url", metavar="URL", default="",
                        help="plan in this PostgreSQL database (postgresql://USER@HOST:PORT/DBNAME), in a scratch "
                             "schema dropped afterwards, instead of a temporary SQLite file")


def run(args: argparse.Namespace) -> int:
    if min(args.members) < 1:
        print("error: --members must be at least 1")
        return 2
    if args.database_url and not args.database_url.startswith(("postgresql://", "postgres://")):
        print("error: --database-url must be a postgresql://… URL")
        return 2
    results = []
    for members in args.members:
        results.append(asyncio.run(run_benchmark(members, args.database_url)))
        print(report(results[-1]), flush=True)
    return 0 if all(result.met for result in results) else 1

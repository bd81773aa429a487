"""A small world for check-in tests: one server, one group, members with aliases, a recording notifier."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.core.checkins.schedule import Schedule
from bot.core.checkins.service import DueReport
from bot.core.checkins.sessions import Step
from bot.core.notify import Note
from bot.services import Services

GUILD = 4242
MOD = "m" * 64


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return backend_env(tmp_path, "")


def backend_env(tmp_path: Path, postgres_url: str) -> dict[str, str]:
    """The world's settings on SQLite, or on PostgreSQL when given its URL (a module that runs on both
    backends overrides `env` with the `postgres_url` fixture)."""
    # Sends are paced to Discord's limits; tests pace fast so they stay quick.
    values = {
        "PEERBOT_BOT__DATA_DIR": str(tmp_path / "data"),
        "PEERBOT_BOT__SECRET_KEY_FILE": str(tmp_path / "secret" / "peerbot.key"),
        "PEERBOT_CHECKINS__SEND_RATE_PER_SECOND": "50",
    }
    if postgres_url:
        values["PEERBOT_BOT__DATABASE_URL"] = postgres_url
    return values


class RecordingNotifier:
    def __init__(self, closed: set[int] | None = None) -> None:
        self.dms: list[tuple[int, Note]] = []
        self.mod_log: list[Note] = []
        self.closed = closed or set()

    async def send_dm(self, guild_id: int, user_id: int, note: Note) -> bool:
        if user_id in self.closed:
            return False
        self.dms.append((user_id, note))
        return True

    async def send_mod_log(self, guild_id: int, note: Note) -> bool:
        self.mod_log.append(note)
        return True

    async def send_alert(self, guild_id: int, note: Note, *, mention: bool) -> int | None:
        self.mod_log.append(note)
        return len(self.mod_log)

    async def edit_alert(self, guild_id: int, message_id: int, note: Note) -> bool:
        return True

    async def escalate(self, guild_id: int, note: Note) -> str | None:
        return "the server owner by DM"

    def dms_to(self, user_id: int) -> list[Note]:
        return [note for uid, note in self.dms if uid == user_id]


@dataclass
class Member:
    user_id: int
    pseudonym: str
    alias: str


@dataclass
class World:
    services: Services
    clock: ManualClock
    notifier: RecordingNotifier
    group_id: int = 0
    members: list[Member] = field(default_factory=list)

    @property
    def checkins(self):
        return self.services.checkins

    async def add_member(self, user_id: int, *, consent: bool | None = True) -> Member:
        record = await self.services.aliases.ensure(GUILD, user_id)
        await self.services.groups.join(GUILD, self.group_id, record.pseudonym)
        member = Member(user_id, record.pseudonym, record.alias)
        self.members.append(member)
        if consent is not None:
            await self.checkins.set_consent(GUILD, user_id, "checkins", consent)
        return member

    async def schedule(self, instrument: str = "phq9", cadence: str = "weekly", time: str | None = "19:00") -> Schedule:
        return await self.checkins.schedules.create(GUILD, "Evening Circle", instrument, cadence, time, actor=MOD)

    async def run(self) -> DueReport:
        return await self.checkins.run_due(self.notifier)

    async def move_to(self, moment: datetime) -> DueReport:
        self.clock.set(moment)
        return await self.run()

    async def rows(self) -> list[dict]:
        rows = await self.services.db.fetchall("SELECT * FROM checkins ORDER BY id")
        return [dict(row) for row in rows]

    async def open_id(self, member: Member) -> int:
        row = await self.checkins.open_checkin(GUILD, member.pseudonym)
        assert row is not None
        return row.id

    async def answer_all(self, member: Member, positions: list[int]) -> Step:
        checkin_id = await self.open_id(member)
        step = None
        for number, position in enumerate(positions, start=1):
            step = await self.checkins.sessions.answer(checkin_id, member.user_id, number, position, self.notifier)
        assert step is not None
        return step


async def build_world(services: Services, clock: ManualClock, members: int = 2) -> World:
    world = World(services, clock, RecordingNotifier())
    await services.guilds.update(GUILD, moderator_role_id=1, mod_log_channel_id=2, region="UK",
                                 timezone="Europe/London")
    group = await services.groups.create(GUILD, "Evening Circle", "A gentle evening group", "postnatal depression",
                                         actor=MOD)
    world.group_id = group.id
    for n in range(members):
        await world.add_member(9000 + n)
    return world


@pytest.fixture
async def world(services: Services, clock: ManualClock) -> World:
    return await build_world(services, clock)

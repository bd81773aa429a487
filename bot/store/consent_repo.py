"""A member's consents: the current state (`consents`) and every change (`consent_events`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.clock import from_iso, to_iso
from bot.store.database import Database, Tx
from bot.store.member_data import MemberRows

ConsentColumn = Literal["checkins", "research"]
_KINDS: tuple[ConsentColumn, ...] = ("checkins", "research")


@dataclass(frozen=True)
class ConsentRow:
    checkins: bool | None  # None: not asked yet
    checkins_changed_at: datetime | None
    research: bool | None
    research_changed_at: datetime | None
    checkins_asked_at: datetime | None = None  # when the check-in consent request first reached her


def _flag(value: object) -> bool | None:
    return None if value is None else bool(value)


def _moment(value: object) -> datetime | None:
    return from_iso(value) if isinstance(value, str) else None


class ConsentRepository(MemberRows):
    TABLES = ("consents", "consent_events")

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, guild_id: int, pseudonym: str) -> ConsentRow | None:
        row = await self._db.fetchone(
            "SELECT checkins, checkins_changed_at, research, research_changed_at, checkins_asked_at FROM consents "
            "WHERE guild_id = ? AND pseudonym = ?",
            (guild_id, pseudonym),
        )
        if row is None:
            return None
        return ConsentRow(_flag(row[0]), _moment(row[1]), _flag(row[2]), _moment(row[3]), _moment(row[4]))

    async def declined_checkins(self, guild_id: int) -> set[str]:
        """Everyone in the server who said no to check-ins, in one query (a partial index holds just them)."""
        rows = await self._db.fetchall(
            "SELECT pseudonym FROM consents WHERE guild_id = ? AND checkins = 0", (guild_id,)
        )
        return {row[0] for row in rows}

    async def unanswered_checkins(self, guild_id: int) -> set[str]:
        """Everyone in the server who was asked for check-in consent and has not answered (a partial index
        holds just them)."""
        rows = await self._db.fetchall(
            "SELECT pseudonym FROM consents WHERE guild_id = ? AND checkins IS NULL AND checkins_asked_at IS NOT NULL",
            (guild_id,),
        )
        return {row[0] for row in rows}

    async def mark_checkins_asked(self, guild_id: int, pseudonym: str, at: datetime) -> None:
        """Remember the first time the check-in consent request reached her (later calls change nothing)."""
        await self._db.execute(
            "INSERT INTO consents (guild_id, pseudonym, checkins_asked_at) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, pseudonym) DO UPDATE SET checkins_asked_at = excluded.checkins_asked_at "
            "WHERE consents.checkins_asked_at IS NULL",
            (guild_id, pseudonym, to_iso(at)),
        )

    async def record(self, guild_id: int, pseudonym: str, kind: ConsentColumn, given: bool, at: datetime) -> None:
        """Set one consent and keep the change in `consent_events`, in one transaction."""
        if kind not in _KINDS:
            raise ValueError(kind)
        async with self._db.transaction() as tx:
            # `kind` is one of two fixed column names, checked above.
            await tx.execute(
                f"INSERT INTO consents (guild_id, pseudonym, {kind}, {kind}_changed_at) VALUES (?, ?, ?, ?) "  # noqa: S608
                f"ON CONFLICT (guild_id, pseudonym) DO UPDATE SET {kind} = excluded.{kind}, "
                f"{kind}_changed_at = excluded.{kind}_changed_at",
                (guild_id, pseudonym, int(given), to_iso(at)),
            )
            await tx.execute(
                "INSERT INTO consent_events (guild_id, pseudonym, kind, given, at) VALUES (?, ?, ?, ?, ?)",
                (guild_id, pseudonym, kind, int(given), to_iso(at)),
            )

    @staticmethod
    async def insert_checkins_many(tx: Tx, guild_id: int, choices: Iterable[tuple[str, bool]], at: datetime) -> None:
        """Many members' check-in consent at once, inside the caller's transaction (the benchmark's server;
        no history is written)."""
        await tx.executemany(
            "INSERT INTO consents (guild_id, pseudonym, checkins, checkins_changed_at) VALUES (?, ?, ?, ?)",
            [(guild_id, pseudonym, int(given), to_iso(at)) for pseudonym, given in choices])

"""Check-ins and their results: `checkins` (one row per member, schedule and period), `scores` and their
item `answers`.

Exactly once per (schedule, member, period) is the database's job: a UNIQUE constraint and
`ON CONFLICT DO NOTHING`. Every state change is a conditional UPDATE (a claim), so two workers or two
processes reaching the same row change it once; a stale or double click changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.clock import from_iso, to_iso
from bot.store.database import Database, Row, Tx
from bot.store.member_data import MemberRows
from bot.store.shards import ShardScope, guild_clause

_COLUMNS = ("guild_id, schedule_id, group_id, pseudonym, instrument, period_key, created_at, due_at, send_after, "
            "state, reason")
# One statement per page of members whose rows are alike: the pseudonyms travel as one JSON array that
# the database expands (SQLite's json_each, PostgreSQL's json_array_elements_text). `WHERE true` keeps
# SQLite from reading ON CONFLICT as part of the SELECT.
_PLAN_SQLITE = (
    f"INSERT INTO checkins ({_COLUMNS}) SELECT ?, ?, ?, value, ?, ?, ?, ?, ?, ?, ? FROM json_each(?) "  # noqa: S608
    "WHERE true ON CONFLICT (schedule_id, pseudonym, period_key) DO NOTHING"
)
_PLAN_POSTGRES = (
    f"INSERT INTO checkins ({_COLUMNS}) SELECT ?, ?, ?, value, ?, ?, ?, ?, ?, ?, ? "  # noqa: S608
    "FROM json_array_elements_text(?::json) AS members(value) "
    "ON CONFLICT (schedule_id, pseudonym, period_key) DO NOTHING"
)


@dataclass(frozen=True)
class CheckinRow:
    id: int
    guild_id: int
    schedule_id: int
    group_id: int
    pseudonym: str
    instrument: str
    period_key: str
    due_at: datetime
    state: str
    reason: str
    sent_at: datetime | None
    expires_at: datetime | None
    dm_closed: bool
    answers: tuple[int, ...]
    safety_fired: tuple[str, ...]
    send_after: datetime | None = None

    @property
    def next_item(self) -> int:
        return len(self.answers) + 1


@dataclass(frozen=True)
class PeriodRows:
    """What one period's rows have in common."""

    guild_id: int
    schedule_id: int
    group_id: int
    instrument: str
    period_key: str
    created_at: datetime
    due_at: datetime


@dataclass(frozen=True)
class StatusCounts:
    group_name: str
    instrument: str
    sent: int
    completed: int
    missed: int
    open: int


def checkin_row(row: Row) -> CheckinRow:
    def moment(value: str | None) -> datetime | None:
        return from_iso(value) if value else None

    return CheckinRow(row["id"], row["guild_id"], row["schedule_id"], row["group_id"], row["pseudonym"],
                      row["instrument"], row["period_key"], from_iso(row["due_at"]), row["state"], row["reason"],
                      moment(row["sent_at"]), moment(row["expires_at"]), bool(row["dm_closed"]),
                      tuple(json.loads(row["answers"])), tuple(json.loads(row["safety_fired"])),
                      moment(row["send_after"]))


class CheckinsRepository(MemberRows):
    TABLES = ("checkins", "scores", "answers")

    def __init__(self, db: Database) -> None:
        self._db = db

    # -- planning ---------------------------------------------------------------------------------

    async def plan(self, tx: Tx, period: PeriodRows, send_after: str, state: str, reason: str,
                   pseudonyms: Sequence[str]) -> int:
        """Write the period's row for each of these members unless she has it already; how many were new."""
        sql = _PLAN_POSTGRES if self._db.dialect == "postgres" else _PLAN_SQLITE
        return await tx.execute(sql, (
            period.guild_id, period.schedule_id, period.group_id, period.instrument, period.period_key,
            to_iso(period.created_at), to_iso(period.due_at), send_after, state, reason, json.dumps(list(pseudonyms))))

    async def supersede(self, tx: Tx, schedule_id: int, period_key: str) -> None:
        """A questionnaire from an earlier period closes when the next period begins."""
        await tx.execute(
            "UPDATE checkins SET state = 'missed', reason = 'superseded' "
            "WHERE schedule_id = ? AND state IN ('pending', 'sent') AND period_key < ?",
            (schedule_id, period_key),
        )

    async def supersede_members(self, tx: Tx, schedule_id: int, due_at: datetime, pseudonyms: Sequence[str]) -> None:
        """These members' unfinished check-ins of the schedule that fell due before `due_at` close (a
        birth-anchored schedule's periods are each member's own)."""
        members = ("SELECT json_array_elements_text(?::json)" if self._db.dialect == "postgres"
                   else "SELECT value FROM json_each(?)")
        await tx.execute(
            "UPDATE checkins SET state = 'missed', reason = 'superseded' "  # noqa: S608 - fixed text per dialect
            f"WHERE schedule_id = ? AND state IN ('pending', 'sent') AND due_at < ? AND pseudonym IN ({members})",
            (schedule_id, to_iso(due_at), json.dumps(list(pseudonyms))),
        )

    async def skip_pending_of_schedule(self, tx: Tx, schedule_id: int) -> None:
        """Questionnaires not yet sent are dropped; ones already in her hands can still be finished."""
        await tx.execute(
            "UPDATE checkins SET state = 'skipped', reason = 'schedule cancelled' "
            "WHERE schedule_id = ? AND state = 'pending'",
            (schedule_id,),
        )

    # -- sending ----------------------------------------------------------------------------------

    async def due_pending(self, now: datetime, limit: int, shards: ShardScope | None = None) -> list[CheckinRow]:
        """Pending rows due by `now` (of the guilds on `shards` only, when given), oldest first."""
        owned, owned_params = guild_clause("guild_id", shards)
        rows = await self._db.fetchall(
            f"SELECT * FROM checkins WHERE state = 'pending' AND send_after <= ?{owned} "  # noqa: S608
            "ORDER BY send_after, id LIMIT ?",
            (to_iso(now), *owned_params, limit),
        )
        return [checkin_row(row) for row in rows]

    async def close(self, checkin_id: int, state: str, reason: str, *, from_state: str = "pending") -> None:
        await self._db.execute("UPDATE checkins SET state = ?, reason = ? WHERE id = ? AND state = ?",
                               (state, reason, checkin_id, from_state))

    async def defer(self, checkin_id: int, send_after: datetime) -> None:
        await self._db.execute("UPDATE checkins SET send_after = ? WHERE id = ? AND state = 'pending'",
                               (to_iso(send_after), checkin_id))

    async def claim(self, checkin_id: int, now: datetime, expires_at: datetime) -> bool:
        """pending → sent, exactly once even if two runs (or two processes) reach the same row."""
        async with self._db.transaction() as tx:
            claimed = await tx.fetchval(
                "UPDATE checkins SET state = 'sent', sent_at = ?, expires_at = ? WHERE id = ? AND state = 'pending' "
                "RETURNING id",
                (to_iso(now), to_iso(expires_at), checkin_id),
            )
        return claimed is not None

    async def mark_dm_closed(self, checkin_id: int) -> None:
        await self._db.execute("UPDATE checkins SET dm_closed = 1 WHERE id = ?", (checkin_id,))

    async def due_reminders(self, sent_before: datetime, now: datetime, limit: int,
                            shards: ShardScope | None = None) -> list[CheckinRow]:
        owned, owned_params = guild_clause("guild_id", shards)
        rows = await self._db.fetchall(
            "SELECT * FROM checkins WHERE state = 'sent' AND reminded_at IS NULL "  # noqa: S608
            f"AND sent_at <= ? AND expires_at > ?{owned} ORDER BY sent_at, id LIMIT ?",
            (to_iso(sent_before), to_iso(now), *owned_params, limit),
        )
        return [checkin_row(row) for row in rows]

    async def claim_reminder(self, checkin_id: int, now: datetime) -> bool:
        """Take the reminder of one check-in, exactly once."""
        async with self._db.transaction() as tx:
            claimed = await tx.fetchval(
                "UPDATE checkins SET reminded_at = ? WHERE id = ? AND state = 'sent' AND reminded_at IS NULL "
                "RETURNING id",
                (to_iso(now), checkin_id),
            )
        return claimed is not None

    async def expire(self, now: datetime, shards: ShardScope | None = None) -> int:
        owned, owned_params = guild_clause("guild_id", shards)
        return await self._db.execute(
            "UPDATE checkins SET state = 'missed', reason = 'expired' "  # noqa: S608
            f"WHERE state = 'sent' AND expires_at <= ?{owned}",
            (to_iso(now), *owned_params),
        )

    # -- a member's check-ins ---------------------------------------------------------------------

    async def get(self, checkin_id: int) -> CheckinRow | None:
        row = await self._db.fetchone("SELECT * FROM checkins WHERE id = ?", (checkin_id,))
        return None if row is None else checkin_row(row)

    async def open_for_member(self, guild_id: int, pseudonym: str) -> CheckinRow | None:
        """Her newest check-in that is under way (first), or due and not sent yet."""
        row = await self._db.fetchone(
            "SELECT * FROM checkins WHERE guild_id = ? AND pseudonym = ? AND state IN ('sent', 'pending') "
            "ORDER BY CASE WHEN state = 'sent' THEN 1 ELSE 0 END DESC, due_at DESC, id DESC LIMIT 1",
            (guild_id, pseudonym),
        )
        return None if row is None else checkin_row(row)

    async def skip_open_for_member(self, guild_id: int, pseudonym: str, reason: str) -> None:
        await self._db.execute(
            "UPDATE checkins SET state = 'skipped', reason = ? "
            "WHERE guild_id = ? AND pseudonym = ? AND state IN ('pending', 'sent')",
            (reason, guild_id, pseudonym),
        )

    async def keep_open_until(self, guild_id: int, pseudonym: str, until: datetime) -> None:
        """Her check-ins under way stay open at least until `until`."""
        await self._db.execute(
            "UPDATE checkins SET expires_at = ? WHERE guild_id = ? AND pseudonym = ? AND state = 'sent' "
            "AND expires_at < ?",
            (to_iso(until), guild_id, pseudonym, to_iso(until)),
        )

    async def record_answers(self, tx: Tx, checkin_id: int, seen: Sequence[int], answers: Sequence[int],
                             safety_fired: Sequence[str], completed_at: datetime | None) -> bool:
        """Replace the answers she last saw (`seen`) with `answers`, completing the check-in when
        `completed_at` is given. False when they had changed meanwhile (a stale or double click)."""
        changed = await tx.execute(
            "UPDATE checkins SET answers = ?, safety_fired = ?, state = ?, completed_at = ? "
            "WHERE id = ? AND state = 'sent' AND answers = ?",
            (json.dumps(list(answers)), json.dumps(list(safety_fired)),
             "sent" if completed_at is None else "completed", None if completed_at is None else to_iso(completed_at),
             checkin_id, json.dumps(list(seen))),
        )
        return changed == 1

    async def step_back(self, checkin_id: int, seen: Sequence[int]) -> bool:
        """Drop her last answer, if the answers are still the ones she saw."""
        changed = await self._db.execute(
            "UPDATE checkins SET answers = ? WHERE id = ? AND state = 'sent' AND answers = ?",
            (json.dumps(list(seen[:-1])), checkin_id, json.dumps(list(seen))),
        )
        return changed == 1

    async def insert_score(self, tx: Tx, row: CheckinRow, instrument: str, completed_at: datetime, total: float,
                           band: str, subscales: Mapping[str, float],
                           answers: Sequence[tuple[int, int, float]]) -> int:
        """Her score and its item answers ((item, option position, value)), inside the caller's transaction."""
        score_id = await tx.fetchval(
            "INSERT INTO scores (guild_id, pseudonym, group_id, instrument, checkin_id, completed_at, total, band, "
            "subscales) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (row.guild_id, row.pseudonym, row.group_id, instrument, row.id, to_iso(completed_at), total, band,
             json.dumps(dict(subscales), sort_keys=True)),
        )
        assert isinstance(score_id, int)
        await tx.executemany(
            "INSERT INTO answers (score_id, item, position, value) VALUES (?, ?, ?, ?)",
            [(score_id, item, position, value) for item, position, value in answers],
        )
        return score_id

    # -- counts -----------------------------------------------------------------------------------

    async def status(self, guild_id: int) -> list[StatusCounts]:
        """Per group and instrument: sent, completed, missed and open counts (never anyone's answers)."""
        rows = await self._db.fetchall(
            "SELECT g.name, c.instrument, "
            "sum(CASE WHEN c.state IN ('sent', 'completed', 'missed') AND c.sent_at IS NOT NULL THEN 1 ELSE 0 END), "
            "sum(CASE WHEN c.state = 'completed' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN c.state = 'missed' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN c.state = 'sent' THEN 1 ELSE 0 END) "
            "FROM checkins c JOIN groups g ON g.id = c.group_id WHERE c.guild_id = ? "
            "GROUP BY g.name, c.instrument ORDER BY g.name, c.instrument",
            (guild_id,),
        )
        return [StatusCounts(row[0], row[1], int(row[2] or 0), int(row[3] or 0), int(row[4] or 0), int(row[5] or 0))
                for row in rows]

    async def count(self) -> int:
        """Every check-in row (the benchmark checks what it planned)."""
        return int(await self._db.fetchval("SELECT count(*) FROM checkins"))

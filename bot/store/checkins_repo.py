"""Check-ins and their results: `checkins` (one row per member, schedule and period), `scores` and their
item `answers`.

Exactly once per (schedule, member, period) is the database's job: a UNIQUE constraint and
`ON CONFLICT DO NOTHING`. Every state change is a conditional UPDATE (a claim), so two workers or two
processes reaching the same row change it once; a stale or double click changes nothing.

One at a time: a member has at most one check-in in her hands (`sent`, not expired, not paused) per
server. `claim_next` sends a row only when she has none (the condition is in the UPDATE itself; on
PostgreSQL her open rows are locked first, so two processes can't each hand her one), and
`hold_behind_open` moves the send time of her other due rows to when the one in her hands expires
(reason `waiting`); `release_waiting` brings them back as soon as she finishes or pauses it.

`reason` on an open (`sent`) row: '' (a questionnaire in her hands), `consent asked` (its first
message was the consent request; at expiry it becomes skipped, "consent not answered", never
missed), `paused` (she pressed Pause: the next waiting one may go). On a `pending` row: '' or
`waiting` (held behind the one in her hands).
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

# Her check-in in hands: blocks sending her another one in the same server.
_IN_HANDS = ("o.guild_id = checkins.guild_id AND o.pseudonym = checkins.pseudonym AND o.state = 'sent' "
             "AND o.reason <> 'paused' AND o.expires_at > ? AND o.id <> checkins.id")
# Open consent requests that run out become skipped ("consent not answered"), never missed.
_UNANSWERED_STATE = "CASE WHEN reason = 'consent asked' THEN 'skipped' ELSE 'missed' END"
_UNANSWERED_REASON = "CASE WHEN reason = 'consent asked' THEN 'consent not answered' ELSE ? END"

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
    # Not sent because she hasn't answered the consent question: her consent request still open, or
    # skipped ("consent not answered"). Never counted as sent, open or missed.
    awaiting_consent: int = 0


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
            f"UPDATE checkins SET state = {_UNANSWERED_STATE}, reason = {_UNANSWERED_REASON} "  # noqa: S608
            "WHERE schedule_id = ? AND state IN ('pending', 'sent') AND period_key < ?",
            ("superseded", schedule_id, period_key),
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
                "UPDATE checkins SET state = 'sent', sent_at = ?, expires_at = ?, reason = '' WHERE id = ? "
                "AND state = 'pending' RETURNING id",
                (to_iso(now), to_iso(expires_at), checkin_id),
            )
        return claimed is not None

    async def claim_next(self, checkin_id: int, now: datetime, expires_at: datetime, reason: str = "") -> bool:
        """pending → sent, exactly once, and only while she has no other check-in in her hands in this
        server (one at a time). `reason` is '' or 'consent asked' (its first message is the consent request)."""
        async with self._db.transaction() as tx:
            if self._db.dialect == "postgres":
                # Lock her open rows first: a second process claiming another of her rows waits, then sees
                # this one sent (READ COMMITTED re-reads per statement) instead of both handing her one.
                await tx.fetchall(
                    "SELECT o.id FROM checkins o JOIN checkins c ON c.guild_id = o.guild_id "
                    "AND c.pseudonym = o.pseudonym WHERE c.id = ? AND o.state IN ('pending', 'sent') "
                    "ORDER BY o.id FOR UPDATE OF o",
                    (checkin_id,),
                )
            claimed = await tx.fetchval(
                "UPDATE checkins SET state = 'sent', sent_at = ?, expires_at = ?, reason = ? "  # noqa: S608
                f"WHERE id = ? AND state = 'pending' AND NOT EXISTS (SELECT 1 FROM checkins o WHERE {_IN_HANDS}) "
                "RETURNING id",
                (to_iso(now), to_iso(expires_at), reason, checkin_id, to_iso(now)),
            )
        return claimed is not None

    async def hold_behind_open(self, now: datetime, limit: int, shards: ShardScope | None = None) -> int:
        """Of the next `limit` due rows (as `due_pending` would take them), those whose member has another check-in
        in her hands wait (reason 'waiting') until it expires, unless she finishes or pauses it first
        (`release_waiting`). They leave the front of the queue, so they never hold up anyone else's."""
        owned, owned_params = guild_clause("guild_id", shards)
        return await self._db.execute(
            "UPDATE checkins SET reason = 'waiting', send_after = "  # noqa: S608
            f"(SELECT min(o.expires_at) FROM checkins o WHERE {_IN_HANDS}) "
            "WHERE id IN (SELECT id FROM checkins WHERE state = 'pending' "
            f"AND send_after <= ?{owned} ORDER BY send_after, id LIMIT ?) "
            f"AND EXISTS (SELECT 1 FROM checkins o WHERE {_IN_HANDS})",
            (to_iso(now), to_iso(now), *owned_params, limit, to_iso(now)),
        )

    async def release_waiting(self, guild_id: int, pseudonym: str, now: datetime) -> int:
        """Her rows held behind the one she just finished or paused are due now."""
        return await self._db.execute(
            "UPDATE checkins SET send_after = ? WHERE guild_id = ? AND pseudonym = ? AND state = 'pending' "
            "AND reason = 'waiting' AND send_after > ?",
            (to_iso(now), guild_id, pseudonym, to_iso(now)),
        )

    async def due_for_member(self, guild_id: int, pseudonym: str, now: datetime) -> list[CheckinRow]:
        """Her pending rows due by `now`, oldest first."""
        rows = await self._db.fetchall(
            "SELECT * FROM checkins WHERE guild_id = ? AND pseudonym = ? AND state = 'pending' AND send_after <= ? "
            "ORDER BY send_after, id",
            (guild_id, pseudonym, to_iso(now)),
        )
        return [checkin_row(row) for row in rows]

    async def set_paused(self, checkin_id: int, paused: bool) -> None:
        """She pressed Pause (the next waiting check-in may go) or took it up again."""
        before, after = ("", "paused") if paused else ("paused", "")
        await self._db.execute("UPDATE checkins SET reason = ? WHERE id = ? AND state = 'sent' AND reason = ?",
                               (after, checkin_id, before))

    async def consent_given(self, guild_id: int, pseudonym: str) -> None:
        """She said yes: her open consent requests become questionnaires in her hands."""
        await self._db.execute(
            "UPDATE checkins SET reason = '' WHERE guild_id = ? AND pseudonym = ? AND state = 'sent' "
            "AND reason = 'consent asked'",
            (guild_id, pseudonym),
        )

    async def mark_dm_closed(self, checkin_id: int) -> None:
        await self._db.execute("UPDATE checkins SET dm_closed = 1 WHERE id = ?", (checkin_id,))

    async def dm_notice_due(self, guild_id: int, pseudonym: str, now: datetime) -> bool:
        """Whether a check-in whose DM failed waits for her, untouched and open, and she hasn't been told."""
        return await self._db.fetchval(
            "SELECT id FROM checkins WHERE guild_id = ? AND pseudonym = ? AND state = 'sent' AND dm_closed = 1 "
            "AND dm_notice_at IS NULL AND answers = '[]' AND expires_at > ? LIMIT 1",
            (guild_id, pseudonym, to_iso(now)),
        ) is not None

    async def take_dm_notice(self, guild_id: int, pseudonym: str, now: datetime) -> bool:
        """Claim telling her (once per check-in) that such a check-in is waiting; False if there is none to tell."""
        async with self._db.transaction() as tx:
            told = await tx.fetchall(
                "UPDATE checkins SET dm_notice_at = ? WHERE guild_id = ? AND pseudonym = ? AND state = 'sent' "
                "AND dm_closed = 1 AND dm_notice_at IS NULL AND answers = '[]' AND expires_at > ? RETURNING id",
                (to_iso(now), guild_id, pseudonym, to_iso(now)),
            )
        return bool(told)

    async def shown_to_her(self, checkin_id: int, now: datetime) -> None:
        """She has it in front of her (taken in the server): no "a check-in is waiting" line for it later."""
        await self._db.execute("UPDATE checkins SET dm_notice_at = ? WHERE id = ? AND dm_notice_at IS NULL",
                               (to_iso(now), checkin_id))

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
            f"UPDATE checkins SET state = {_UNANSWERED_STATE}, reason = {_UNANSWERED_REASON} "  # noqa: S608
            f"WHERE state = 'sent' AND expires_at <= ?{owned}",
            ("expired", to_iso(now), *owned_params),
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
            "UPDATE checkins SET answers = ?, safety_fired = ?, state = ?, completed_at = ?, reason = '' "
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
        """Per group and instrument: sent, completed, missed and open counts (never anyone's answers), and
        how many were not sent because the member hasn't answered the consent question."""
        rows = await self._db.fetchall(
            "SELECT g.name, c.instrument, "
            "sum(CASE WHEN c.state IN ('sent', 'completed', 'missed') AND c.sent_at IS NOT NULL "
            "AND c.reason <> 'consent asked' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN c.state = 'completed' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN c.state = 'missed' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN c.state = 'sent' AND c.reason <> 'consent asked' THEN 1 ELSE 0 END), "
            "sum(CASE WHEN (c.state = 'sent' AND c.reason = 'consent asked') "
            "OR (c.state = 'skipped' AND c.reason = 'consent not answered') THEN 1 ELSE 0 END) "
            "FROM checkins c JOIN groups g ON g.id = c.group_id WHERE c.guild_id = ? "
            "GROUP BY g.name, c.instrument ORDER BY g.name, c.instrument",
            (guild_id,),
        )
        return [StatusCounts(row[0], row[1], int(row[2] or 0), int(row[3] or 0), int(row[4] or 0), int(row[5] or 0),
                             int(row[6] or 0))
                for row in rows]

    async def count(self) -> int:
        """Every check-in row (the benchmark checks what it planned)."""
        return int(await self._db.fetchval("SELECT count(*) FROM checkins"))

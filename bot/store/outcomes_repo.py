"""Read-only queries behind outcome analysis: scores, answers, check-ins, posts and framing counts.

Outcome code reads tables that other features own (``scores``, ``answers``, ``consents``, ``checkins``
from check-ins; ``relayed_posts`` from the relay; ``framing_counts`` from framing). It never writes.
Tables that a deployment may not have yet (``framing_counts``, ``relayed_posts``, ``checkins``) are looked
up in the live schema (``db.tables()``) first and read as empty when missing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.clock import from_iso
from bot.store.database import Database

FRAMING_LABELS = ("common_humanity", "upward_comparison", "downward_comparison", "isolation")


@dataclass(frozen=True)
class ScoreRow:
    id: int
    guild_id: int
    pseudonym: str
    group_id: int | None
    instrument: str
    completed_at: datetime
    total: float
    band: str
    subscales: dict[str, float] = field(default_factory=dict, hash=False)
    answers: dict[int, float] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class PostRow:
    guild_id: int
    pseudonym: str
    group_id: int
    created_at: datetime


@dataclass(frozen=True)
class BabyWeek:
    guild_id: int
    pseudonym: str
    week: date  # the Monday of the birth week (kind "born") or of the due week ("due")
    kind: str


@dataclass(frozen=True)
class CheckinCounts:
    completed: int
    due: int  # sent + completed + missed
    members: int


@dataclass(frozen=True)
class FramingRow:
    guild_id: int
    group_id: int
    day: str
    label: str
    count: int


def _score(row: object) -> ScoreRow:
    return ScoreRow(
        id=row["id"], guild_id=row["guild_id"], pseudonym=row["pseudonym"], group_id=row["group_id"],  # type: ignore[index]
        instrument=row["instrument"], completed_at=from_iso(row["completed_at"]),  # type: ignore[index]
        total=float(row["total"]), band=row["band"],  # type: ignore[index]
        subscales=json.loads(row["subscales"] or "{}"),  # type: ignore[index]
    )


class OutcomesRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def has_table(self, name: str) -> bool:
        return name in await self._db.tables()  # the live schema, on either backend

    async def member_scores(self, guild_id: int, pseudonym: str) -> list[ScoreRow]:
        rows = await self._db.fetchall(
            "SELECT * FROM scores WHERE guild_id = ? AND pseudonym = ? ORDER BY completed_at, id",
            (guild_id, pseudonym),
        )
        return [_score(row) for row in rows]

    async def guild_scores(self, guild_id: int) -> list[ScoreRow]:
        rows = await self._db.fetchall(
            "SELECT * FROM scores WHERE guild_id = ? AND group_id IS NOT NULL ORDER BY completed_at, id",
            (guild_id,),
        )
        return [_score(row) for row in rows]

    async def groups(self, guild_id: int) -> list[tuple[int, str, int]]:
        """(id, name, member count) of every group of the server, archived ones included."""
        rows = await self._db.fetchall(
            "SELECT g.id, g.name, (SELECT count(*) FROM group_members m WHERE m.group_id = g.id) AS members "
            "FROM groups g WHERE g.guild_id = ? ORDER BY g.name",
            (guild_id,),
        )
        return [(row["id"], row["name"], row["members"]) for row in rows]

    async def checkin_counts(self, guild_id: int) -> dict[int, CheckinCounts]:
        """Per group: completed check-ins, check-ins that fell due (sent, completed or missed), members. An open
        consent request (reason 'consent asked') is not a check-in sent: it is left out until she says yes."""
        if not await self.has_table("checkins"):
            return {}
        rows = await self._db.fetchall(
            "SELECT group_id, sum(CASE WHEN state = 'completed' THEN 1 ELSE 0 END) AS completed, count(*) AS due, "
            "count(DISTINCT pseudonym) AS members FROM checkins "
            "WHERE guild_id = ? AND state IN ('sent', 'completed', 'missed') AND reason <> 'consent asked' "
            "GROUP BY group_id",
            (guild_id,),
        )
        return {row["group_id"]: CheckinCounts(row["completed"], row["due"], row["members"]) for row in rows}

    async def framing_counts(self, guild_id: int | None = None) -> list[FramingRow]:
        """Per-group per-day counts of the four connection labels; empty when framing is not installed."""
        if not await self.has_table("framing_counts"):
            return []
        marks = ", ".join("?" for _ in FRAMING_LABELS)
        sql = f"SELECT guild_id, group_id, day, label, count FROM framing_counts WHERE label IN ({marks})"  # noqa: S608
        params: list[object] = list(FRAMING_LABELS)
        if guild_id is not None:
            sql += " AND guild_id = ?"
            params.append(guild_id)
        rows = await self._db.fetchall(sql + " ORDER BY day", params)
        return [FramingRow(r["guild_id"], r["group_id"], r["day"], r["label"], int(r["count"])) for r in rows]

    async def research_scores(self) -> list[ScoreRow]:
        """Scores (with item answers) of members whose research consent is given right now."""
        rows = await self._db.fetchall(
            "SELECT s.* FROM scores s JOIN consents c ON c.guild_id = s.guild_id AND c.pseudonym = s.pseudonym "
            "WHERE c.research = 1 ORDER BY s.completed_at, s.id"
        )
        answers: dict[int, dict[int, float]] = defaultdict(dict)
        for row in await self._db.fetchall(
            "SELECT a.score_id, a.item, a.value FROM answers a JOIN scores s ON s.id = a.score_id "
            "JOIN consents c ON c.guild_id = s.guild_id AND c.pseudonym = s.pseudonym WHERE c.research = 1"
        ):
            answers[row["score_id"]][row["item"]] = float(row["value"])
        scores = []
        for row in rows:
            score = _score(row)
            score.answers.update(answers.get(score.id, {}))
            scores.append(score)
        return scores

    async def research_baby_weeks(self) -> list[BabyWeek]:
        """Baby weeks (a Monday and born/due; never a day) of members with research consent, so a score
        can be exported as weeks postpartum or weeks of pregnancy."""
        if not await self.has_table("baby_weeks"):
            return []
        rows = await self._db.fetchall(
            "SELECT b.guild_id, b.pseudonym, b.week, b.kind FROM baby_weeks b "
            "JOIN consents c ON c.guild_id = b.guild_id AND c.pseudonym = b.pseudonym WHERE c.research = 1"
        )
        return [BabyWeek(r["guild_id"], r["pseudonym"], date.fromisoformat(r["week"]), r["kind"]) for r in rows]

    async def research_posts(self) -> list[PostRow]:
        """Relayed posts (who, which group, when; never text) of members with research consent."""
        if not await self.has_table("relayed_posts"):
            return []
        rows = await self._db.fetchall(
            "SELECT p.guild_id, p.pseudonym, p.group_id, p.created_at FROM relayed_posts p "
            "JOIN consents c ON c.guild_id = p.guild_id AND c.pseudonym = p.pseudonym "
            "WHERE c.research = 1 AND p.state != 'pending' ORDER BY p.created_at"
        )
        return [PostRow(r["guild_id"], r["pseudonym"], r["group_id"], from_iso(r["created_at"])) for r in rows]

"""Test data for outcomes: scores, answers, consents, check-ins, posts and framing counts, inserted with SQL.

Scores are produced by the real scoring code (``Instrument.score``), so totals, bands, subscales and
item values are exactly what the check-ins feature stores. Nothing here depends on the check-in services.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.clock import to_iso
from bot.core.instruments import Instrument
from bot.services import Services

T0 = datetime(2026, 3, 3, 20, 0, tzinfo=UTC)  # a Tuesday


@dataclass(frozen=True)
class Person:
    user_id: int
    pseudonym: str
    alias: str


def positions_for_total(instrument: Instrument, total: int) -> list[int]:
    """Option positions giving a whole-number total on a sum-scored instrument (reverse scoring handled)."""
    remaining = total
    positions = []
    for item in instrument.items:
        values = {item.scored_value(p): p for p in range(len(item.options))}
        want = min(remaining, max(values))
        positions.append(values[want])
        remaining -= want
    assert remaining == 0, f"{instrument.id} cannot total {total}"
    return positions


async def add_score(services: Services, guild_id: int, pseudonym: str, instrument: Instrument, *,
                    total: int | None = None, positions: list[int] | None = None, at: datetime = T0,
                    group_id: int | None = None) -> int:
    chosen = positions if positions is not None else positions_for_total(instrument, total or 0)
    result = instrument.score(chosen)
    async with services.db.transaction() as conn:
        score_id = await conn.fetchval(
            "INSERT INTO scores (guild_id, pseudonym, group_id, instrument, completed_at, total, band, subscales) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (guild_id, pseudonym, group_id, instrument.id, to_iso(at), result.total, result.band,
             json.dumps(result.subscales)),
        )
        for item, position in zip(instrument.items, chosen, strict=True):
            await conn.execute("INSERT INTO answers (score_id, item, position, value) VALUES (?, ?, ?, ?)",
                               (score_id, item.number, position, item.scored_value(position)))
    return int(score_id or 0)


async def set_research_consent(services: Services, guild_id: int, pseudonym: str, given: bool) -> None:
    await services.db.execute(
        "INSERT INTO consents (guild_id, pseudonym, checkins, checkins_changed_at, research, research_changed_at) "
        "VALUES (?, ?, 1, ?, ?, ?) ON CONFLICT (guild_id, pseudonym) DO UPDATE SET research = excluded.research, "
        "research_changed_at = excluded.research_changed_at",
        (guild_id, pseudonym, to_iso(T0), int(given), to_iso(T0)),
    )


async def make_people(services: Services, guild_id: int, count: int, first_user: int = 5000) -> list[Person]:
    people = []
    for offset in range(count):
        record = await services.aliases.ensure(guild_id, first_user + offset)
        people.append(Person(first_user + offset, record.pseudonym, record.alias))
    return people


async def make_group(services: Services, guild_id: int, name: str, people: list[Person]) -> int:
    group = await services.groups.create(guild_id, name, "A small group", services.groups.focus_options[0],
                                         size_limit=30, actor="moderator-pseudonym")
    for person in people:
        await services.groups.join(guild_id, group.id, person.pseudonym)
    return group.id


async def add_post(services: Services, guild_id: int, group_id: int, person: Person, at: datetime) -> None:
    number = int(await services.db.fetchval(
        "SELECT coalesce(max(number), 0) + 1 FROM relayed_posts WHERE group_id = ?", (group_id,)))  # type: ignore[arg-type]
    await services.db.execute(
        "INSERT INTO relayed_posts (guild_id, group_id, number, pseudonym, alias, state, created_at) "
        "VALUES (?, ?, ?, ?, ?, 'posted', ?)",
        (guild_id, group_id, number, person.pseudonym, person.alias, to_iso(at)),
    )


async def add_checkins(services: Services, guild_id: int, group_id: int, person: Person, states: list[str]) -> None:
    """Check-in rows in the given states (one per period) for one member."""
    schedule_id = await services.db.fetchval(
        "SELECT id FROM checkin_schedules WHERE group_id = ? AND cancelled_at IS NULL", (group_id,))
    if schedule_id is None:
        async with services.db.transaction() as tx:
            schedule_id = await tx.fetchval(
                "INSERT INTO checkin_schedules (guild_id, group_id, instrument, cadence, local_time, timezone, "
                "anchor_date, created_at, planned_through) VALUES (?, ?, 'phq9', 'weekly', '19:00', "
                "'Europe/London', '2026-03-03', ?, '2026-06-01') RETURNING id",
                (guild_id, group_id, to_iso(T0)),
            )
    for index, state in enumerate(states):
        due = T0 + timedelta(weeks=index)
        await services.db.execute(
            "INSERT INTO checkins (guild_id, schedule_id, group_id, pseudonym, instrument, period_key, due_at, "
            "send_after, state, created_at) VALUES (?, ?, ?, ?, 'phq9', ?, ?, ?, ?, ?)",
            (guild_id, schedule_id, group_id, person.pseudonym, f"p{index}", to_iso(due), to_iso(due), state,
             to_iso(due)),
        )


async def create_framing_counts(services: Services) -> None:
    """The framing feature's table (issue 4), as its contract describes it."""
    await services.db.execute(
        "CREATE TABLE IF NOT EXISTS framing_counts (guild_id INTEGER NOT NULL, group_id INTEGER NOT NULL, "
        "day TEXT NOT NULL, label TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (guild_id, group_id, day, label))"
    )


async def add_framing(services: Services, guild_id: int, group_id: int, day: str, counts: dict[str, int]) -> None:
    for label, count in counts.items():
        await services.db.execute(
            "INSERT INTO framing_counts (guild_id, group_id, day, label, count) VALUES (?, ?, ?, ?, ?)",
            (guild_id, group_id, day, label, count),
        )


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, after checking the signature."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert data[12:16] == b"IHDR", "the first chunk of a PNG must be IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")

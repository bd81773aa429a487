"""Research data shared by the export and the report: consented participants, re-keyed per run.

Only members whose research consent is given at the time of the run (``consents.research = 1``) are
included. Every run draws a fresh random key (``secrets.token_bytes``) and names participants and groups
by an HMAC under that key, so two runs over the same data share no identifier and nothing links back to
a pseudonym, alias or Discord id. Times are coarsened to weeks counted from the Monday of the ISO week
of the participant's first score (week 0). A participant who gave her baby's week (only a Monday is
stored) also has, per score, weeks postpartum or weeks of pregnancy: counts, never a date.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.core.instruments import Instrument
from bot.store.outcomes_repo import OutcomesRepository, PostRow, ScoreRow

Member = tuple[int, str]  # (guild id, pseudonym): never written out


class Rekeyer:
    """Fresh random identifiers for one export or report."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key or secrets.token_bytes(32)

    def _digest(self, text: str, length: int) -> str:
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()[:length]

    def participant(self, member: Member) -> str:
        return f"P{self._digest(f'participant:{member[0]}:{member[1]}', 16)}"

    def group(self, group_id: int | None) -> str:
        return "" if group_id is None else f"G{self._digest(f'group:{group_id}', 10)}"


def monday(moment: datetime | date) -> date:
    day = moment.date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def week_number(moment: datetime, start: date) -> int:
    """Whole weeks between the Monday of ``start``'s week and the Monday of ``moment``'s week."""
    return (monday(moment) - start).days // 7


@dataclass
class ResearchData:
    instruments: Mapping[str, Instrument]
    scores: dict[Member, list[ScoreRow]] = field(default_factory=dict)
    posts: dict[Member, list[PostRow]] = field(default_factory=dict)
    start: dict[Member, date] = field(default_factory=dict)
    # Her baby's week (a Monday) and whether it is the birth week ("born") or the due week ("due").
    baby: dict[Member, tuple[date, str]] = field(default_factory=dict)

    def scores_of(self, member: Member, instrument_id: str) -> list[ScoreRow]:
        return [s for s in self.scores.get(member, []) if s.instrument == instrument_id]

    def instruments_used(self) -> list[str]:
        used = {s.instrument for rows in self.scores.values() for s in rows}
        return [i for i in self.instruments if i in used]

    def posts_per_week(self, member: Member, first: datetime, last: datetime) -> float:
        """Posts between two times (inclusive of their weeks), per week."""
        weeks = (monday(last) - monday(first)).days // 7 + 1
        count = sum(1 for p in self.posts.get(member, []) if monday(first) <= monday(p.created_at) <= monday(last))
        return count / weeks


async def load_research_data(repo: OutcomesRepository, instruments: Mapping[str, Instrument]) -> ResearchData:
    data = ResearchData(instruments)
    scores: dict[Member, list[ScoreRow]] = defaultdict(list)
    for score in await repo.research_scores():
        if score.instrument in instruments:
            scores[(score.guild_id, score.pseudonym)].append(score)
    data.scores = dict(scores)
    data.start = {member: monday(rows[0].completed_at) for member, rows in data.scores.items()}
    posts: dict[Member, list[PostRow]] = defaultdict(list)
    for post in await repo.research_posts():
        member = (post.guild_id, post.pseudonym)
        if member in data.scores:  # participants are consented members with at least one score
            posts[member].append(post)
    data.posts = dict(posts)
    data.baby = {(b.guild_id, b.pseudonym): (b.week, b.kind) for b in await repo.research_baby_weeks()
                 if (b.guild_id, b.pseudonym) in data.scores}
    return data


FULL_TERM_WEEKS = 40  # a due date is 40 weeks of pregnancy by definition


def weeks_from_baby(moment: datetime, baby_week: date) -> tuple[int | None, int | None]:
    """(weeks postpartum, weeks of pregnancy) at `moment`'s week, counted from the baby's week (Monday):
    postpartum from that week on; before it, the week of pregnancy as 40 minus the weeks still to go
    (None for both when that would be before the pregnancy). Whole weeks only, never a date."""
    weeks = (monday(moment) - baby_week).days // 7
    if weeks >= 0:
        return weeks, None
    pregnant = FULL_TERM_WEEKS + weeks
    return None, (pregnant if pregnant >= 0 else None)

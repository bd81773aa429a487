"""A member's data rights: see everything kept about her, erase it, and the retention purge.

Every table has one owning repository under bot/store; each owner finds, erases and purges a
member's rows in its own tables (`bot.store.member_data.MemberRows`: the columns come from the live
schema and follow its naming rule). This flow asks every owner in turn, in one transaction. A table
that no owner here claims yet is still covered, through `TablesRows` over the live schema, so a
table added by a later migration is never left out of /forget-me.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock, to_iso
from bot.core.notify import Choice, Note
from bot.core.shards import ALL_GUILDS, GuildShards
from bot.store import Database
from bot.store.aliases_repo import AliasesRepository
from bot.store.baby_weeks_repo import BabyWeeksRepository
from bot.store.checkin_prefs_repo import CheckinPrefsRepository
from bot.store.checkins_repo import CheckinsRepository
from bot.store.consent_repo import ConsentRepository
from bot.store.flags_repo import FlagsRepository
from bot.store.framing_repo import FramingRepository
from bot.store.member_data import (
    Erased,
    Member,
    MemberRows,
    TableColumns,
    TablesRows,
    describe_tables,
    rows_mentioning,
)
from bot.store.member_regions_repo import MemberRegionsRepository
from bot.store.meta_repo import MetaRepository
from bot.store.schedules_repo import SchedulesRepository

__all__ = ["NON_PERSONAL_TABLES", "RETENTION_EXEMPT", "DataRights", "ErasureReport", "TableColumns",
           "describe_tables", "rows_mentioning"]

# Tables kept while the thing they describe exists (not dated personal records).
RETENTION_EXEMPT = frozenset({"meta", "guild_settings", "groups", "aliases", "group_members", "checkin_schedules",
                              "consents", "checkin_prefs", "member_regions", "baby_weeks"})
# Tables that hold nothing about a single member. Every other table must have a member or alias
# column (tests enforce this, so a new table is either erasable or declared here on purpose).
NON_PERSONAL_TABLES = frozenset({"meta", "guild_settings", "groups", "checkin_schedules", "framing_groups",
                                 "framing_counts", "framing_digest_groups", "framing_digests"})
# Tables that others reference are emptied last so foreign keys never block the erasure.
_REFERENCED = ("aliases", "groups")
_RETENTION_DAY_KEY = "retention_purged_on"


def owners(db: Database) -> list[MemberRows]:
    """The repositories that find, erase and purge a member's rows in their own tables."""
    return [FlagsRepository(db), FramingRepository(db), ConsentRepository(db), CheckinsRepository(db),
            SchedulesRepository(db), CheckinPrefsRepository(db), MemberRegionsRepository(db), BabyWeeksRepository(db)]


FORGET_WARNING = (
    "This erases everything the bot keeps about you in this server: your alias, your groups, your "
    "check-in answers and scores, and the record of your posts. It can't be undone, and you'll leave "
    "your groups. Your posts already in the channels stay unless you /unshare them first."
)


def forget_prompt() -> Note:
    return Note(FORGET_WARNING, (Choice("forget:confirm", "Erase my data", "danger"),
                                 Choice("forget:cancel", "Keep it")))


def forget_cancelled() -> Note:
    return Note("Nothing was erased. 💛")


@dataclass(frozen=True)
class ErasureReport:
    rows_deleted: dict[str, int]
    rows_cleared: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.rows_deleted.values()) + sum(self.rows_cleared.values())

    def note(self) -> Note:
        if self.total:
            return Note("Done: everything the bot kept about you here has been erased. Take care of yourself. 💛")
        return Note("There was nothing stored about you here, so there was nothing to erase. Take care of "
                    "yourself. 💛")


class DataRights:
    def __init__(self, db: Database, clock: Clock, retention_days: int, *, shards: GuildShards = ALL_GUILDS) -> None:
        self._db = db
        self._shards = shards  # the retention purge deletes these guilds' rows only
        self._clock = clock
        self._retention = timedelta(days=retention_days)
        self._owners = owners(db)
        self._aliases = AliasesRepository(db)
        self._meta = MetaRepository(db)

    async def _all_owners(self) -> list[MemberRows]:
        """The owners, then one for the tables none of them claims (referenced tables last)."""
        claimed = {table for owner in self._owners for table in owner.TABLES}
        rest = sorted((t for t in await self._db.tables() if t not in claimed), key=lambda t: t in _REFERENCED)
        return [*self._owners, TablesRows(self._db, rest)]

    async def _member(self, guild_id: int, pseudonym: str) -> Member:
        record = await self._aliases.get(guild_id, pseudonym)
        return Member(guild_id, pseudonym, () if record is None else (record.alias,))

    async def collect(self, guild_id: int, pseudonym: str) -> dict[str, list[dict[str, Any]]]:
        """Every row kept about her, table by table (for /mydata)."""
        member = await self._member(guild_id, pseudonym)
        found: dict[str, list[dict[str, Any]]] = {}
        for owner in await self._all_owners():
            found.update(await owner.collect_member(member))
        return dict(sorted(found.items()))

    async def export_json(self, guild_id: int, pseudonym: str) -> bytes:
        data = await self.collect(guild_id, pseudonym)
        document = {
            "about": "Everything this bot keeps about you in this server. Your posts' text is never stored.",
            "generated_at": to_iso(self._clock.now()),
            "tables": data,
        }
        return json.dumps(document, indent=2, ensure_ascii=False, default=str).encode()

    async def forget(self, guild_id: int, pseudonym: str) -> ErasureReport:
        """Erase everything keyed by her pseudonym or alias, in one transaction."""
        member = await self._member(guild_id, pseudonym)
        everyone = await self._all_owners()
        erased = Erased()
        async with self._db.transaction() as tx, MetaRepository.audit_erasure(tx):
            for owner in everyone:
                erased.add(await owner.erase_member(tx, member))
        return ErasureReport(erased.deleted, erased.cleared)

    async def purge_if_due(self) -> dict[str, int]:
        """Run the retention purge at most once per UTC day (per set of shards, when the bot runs as several)."""
        today = self._clock.now().date().isoformat()
        key = _RETENTION_DAY_KEY
        if not self._shards.everything:
            key += f":shards:{','.join(map(str, sorted(self._shards.ids or ())))}/{self._shards.count}"
        if await self._meta.get(key) == today:
            return {}
        purged = await self.purge_expired()
        await self._meta.set(key, today)
        return purged

    async def purge_expired(self, now: datetime | None = None) -> dict[str, int]:
        """Delete dated rows older than the retention period (run daily)."""
        cutoff = (now or self._clock.now()) - self._retention
        purged: dict[str, int] = {}
        everyone = await self._all_owners()
        async with self._db.transaction() as tx, MetaRepository.audit_erasure(tx):
            for owner in everyone:
                purged.update(await owner.purge_before(tx, cutoff, keep=tuple(RETENTION_EXEMPT), shards=self._shards))
        return purged

"""Which guilds this process serves when the bot runs as several processes (Discord's gateway sharding).

Discord puts a guild on shard `(guild_id >> 22) % shard_count`. A process started with some shard
ids of a count receives the events of those shards' guilds only, so it arms check-in schedules,
re-alerts, escalations, reveal expiries and the retention purge for those guilds only; the others
belong to the processes that run the other shards. One process running every shard (the default, or
`--shards auto`) serves every guild. Exactly-once is still the database's job (conditional claims):
ownership divides the work, it does not make it safe.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

# A Discord id (snowflake) holds its creation time above bit 22; Discord shards guilds on that time.
SNOWFLAKE_SHIFT = 22


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that carries this guild's events."""
    return (guild_id >> SNOWFLAKE_SHIFT) % shard_count


def owns_guild(guild_id: int, shard_ids: Collection[int] | None, shard_count: int) -> bool:
    """Is this guild on one of `shard_ids` (of `shard_count`)? Every guild when `shard_ids` is None."""
    return shard_ids is None or shard_of(guild_id, shard_count) in shard_ids


@dataclass(frozen=True)
class GuildShards:
    """The shards (of `count`) whose guilds this process serves; `ids` None: all of them."""

    count: int = 1
    ids: frozenset[int] | None = None

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("a bot has at least one shard")
        if self.ids is not None and (not self.ids or any(not 0 <= i < self.count for i in self.ids)):
            raise ValueError(f"shard ids must be some of 0–{self.count - 1}")

    @classmethod
    def of(cls, shard_ids: Collection[int] | None, shard_count: int | None) -> GuildShards:
        """A process running `shard_ids` of `shard_count`; every guild when either is not given."""
        if not shard_ids or not shard_count:
            return ALL_GUILDS
        return cls(shard_count, frozenset(shard_ids))

    @property
    def everything(self) -> bool:
        """Does this process serve every guild (one process, however many shards it runs)?"""
        return self.ids is None or len(self.ids) == self.count

    def owns(self, guild_id: int) -> bool:
        return self.everything or owns_guild(guild_id, self.ids, self.count)

    @property
    def takes_unsharded_work(self) -> bool:
        """Work that belongs to no guild (rows without a guild id) goes to whoever runs shard 0."""
        return self.everything or 0 in (self.ids or ())

    def describe(self) -> str:
        if self.everything:
            return "every guild"
        return f"the guilds of shard(s) {', '.join(map(str, sorted(self.ids or ())))} of {self.count}"


ALL_GUILDS = GuildShards()

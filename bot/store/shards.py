"""SQL that keeps due-work queries to the guilds this process serves (see bot/core/shards.py).

`guild_clause("guild_id", shards)` is ` AND (guild_id >> 22) % ? IN (?, …)` with its parameters,
or nothing when the process serves every guild, so a single process runs exactly the SQL it ran
before sharding existed. `>>` and `%` on integers mean the same in SQLite and PostgreSQL (BIGINT),
and guild ids are positive, so one string serves both backends.
"""

from __future__ import annotations

from typing import Protocol


class ShardScope(Protocol):
    """What the store needs of bot.core.shards.GuildShards (the store imports nothing from the core)."""

    @property
    def count(self) -> int: ...

    @property
    def ids(self) -> frozenset[int] | None: ...

    @property
    def everything(self) -> bool: ...


def guild_clause(column: str, shards: ShardScope | None) -> tuple[str, tuple[int, ...]]:
    """An `AND …` condition on `column` (a guild id) and its parameters; ('', ()) for every guild."""
    if shards is None or shards.everything or shards.ids is None:
        return "", ()
    ids = sorted(shards.ids)
    marks = ", ".join("?" for _ in ids)
    return f" AND ({column} >> 22) % ? IN ({marks})", (shards.count, *ids)

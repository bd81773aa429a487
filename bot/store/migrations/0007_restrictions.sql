-- What a moderator's action still forbids, so it holds on every path (a DM to the bot bypasses a
-- Discord timeout): a 'timeout' pauses her posting in the whole server until `until`; a 'removed'
-- keeps her out of one group (no rejoining, no posting there) until a moderator lifts it with
-- /mod allow. A row is an active restriction only: a lifted removal is deleted, an expired timeout is
-- deleted when next seen; the history stays in audit_log. Keyed by pseudonym, never a Discord id;
-- no text. `restricted_by` is the moderator's pseudonym (cleared if she erases her own data).

CREATE TABLE restrictions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id      INTEGER NOT NULL,
    pseudonym     TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('timeout', 'removed')),
    group_id      INTEGER REFERENCES groups (id) ON DELETE CASCADE,
    until         TEXT,
    restricted_by TEXT,
    created_at    TEXT    NOT NULL,
    CHECK ((kind = 'timeout' AND until IS NOT NULL AND group_id IS NULL)
        OR (kind = 'removed' AND until IS NULL AND group_id IS NOT NULL))
);
CREATE UNIQUE INDEX restrictions_one_timeout ON restrictions (guild_id, pseudonym) WHERE kind = 'timeout';
CREATE UNIQUE INDEX restrictions_one_removal ON restrictions (group_id, pseudonym) WHERE kind = 'removed';

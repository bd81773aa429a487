-- Framing (PostgreSQL): per-group nudge settings, per-member nudge state, and daily label counts.
-- Nothing here holds message text: only modes, thresholds, times, text indexes and counts.

CREATE TABLE framing_groups (
    group_id        BIGINT  PRIMARY KEY,
    guild_id        BIGINT  NOT NULL,
    mode            TEXT    NOT NULL CHECK (mode IN ('off', 'private', 'reflect')),
    nudge_threshold DOUBLE PRECISION CHECK (nudge_threshold IS NULL OR (nudge_threshold > 0 AND nudge_threshold < 1)),
    react           INTEGER NOT NULL DEFAULT 0,
    updated_at      TEXT    NOT NULL
);

-- Per member (by pseudonym): opted out of nudges, and the last nudge (section + text index + time)
-- so nudges are rate-limited and never repeat the same text twice in a row.
CREATE TABLE framing_members (
    guild_id         BIGINT  NOT NULL,
    pseudonym        TEXT    NOT NULL,
    nudges_off       INTEGER NOT NULL DEFAULT 0,
    last_nudge_at    TEXT,
    last_nudge_kind  TEXT,
    last_nudge_index INTEGER,
    PRIMARY KEY (guild_id, pseudonym)
);

CREATE TABLE framing_counts (
    guild_id BIGINT  NOT NULL,
    group_id BIGINT  NOT NULL,
    day      TEXT    NOT NULL,
    label    TEXT    NOT NULL CHECK (label IN ('crisis', 'upward_comparison', 'downward_comparison', 'isolation',
                                                'common_humanity', 'neutral')),
    count    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, group_id, day, label)
);

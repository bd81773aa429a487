-- The weekly "you're not alone" digest (bot/core/framing/digest.py). Nothing here holds message text.
--
-- framing_digest_groups: whether a group gets the digest (off until a moderator turns it on).
-- framing_week_members: who wrote in which framing in which week, by pseudonym only, so the digest
--   can count distinct members; `day` is the week's Monday. Crisis and neutral posts are never
--   recorded. Erased by /forget-me (pseudonym), purged by retention (day), and pruned once a week is
--   more than a week past.
-- framing_digests: one row per group and week: the claim that makes the post exactly once.
CREATE TABLE framing_digest_groups (
    group_id   INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    enabled    INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT    NOT NULL
);

CREATE TABLE framing_week_members (
    guild_id  INTEGER NOT NULL,
    group_id  INTEGER NOT NULL,
    day       TEXT    NOT NULL,
    label     TEXT    NOT NULL CHECK (label IN ('upward_comparison', 'downward_comparison', 'isolation',
                                                'common_humanity')),
    pseudonym TEXT    NOT NULL,
    PRIMARY KEY (guild_id, group_id, day, label, pseudonym)
);

CREATE TABLE framing_digests (
    guild_id  INTEGER NOT NULL,
    group_id  INTEGER NOT NULL,
    day       TEXT    NOT NULL,
    posted    INTEGER NOT NULL DEFAULT 0,
    claimed_at TEXT   NOT NULL,
    PRIMARY KEY (group_id, day)
);

-- Peer groups and who belongs to them (by pseudonym).

CREATE TABLE groups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    name        TEXT    NOT NULL COLLATE NOCASE,
    description TEXT    NOT NULL,
    focus       TEXT    NOT NULL,
    size_limit  INTEGER NOT NULL CHECK (size_limit >= 2),
    mode        TEXT    NOT NULL DEFAULT 'anonymous' CHECK (mode IN ('anonymous', 'open')),
    channel_id  INTEGER,
    role_id     INTEGER,
    archived_at TEXT,
    created_at  TEXT    NOT NULL,
    UNIQUE (guild_id, name)
);
CREATE INDEX groups_by_channel ON groups (channel_id);

CREATE TABLE group_members (
    group_id  INTEGER NOT NULL REFERENCES groups (id),
    pseudonym TEXT    NOT NULL,
    joined_at TEXT    NOT NULL,
    PRIMARY KEY (group_id, pseudonym)
);
CREATE INDEX group_members_by_pseudonym ON group_members (pseudonym);

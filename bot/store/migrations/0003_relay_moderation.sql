-- Anonymous relay and safeguarding reveals. No post text is ever stored: only which Discord messages
-- carry which numbered post, by whose pseudonym, in which group.

CREATE TABLE relayed_posts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    group_id    INTEGER NOT NULL REFERENCES groups (id),
    number      INTEGER NOT NULL,
    pseudonym   TEXT    NOT NULL,
    alias       TEXT    NOT NULL,          -- the alias she posted under (it may be rerolled later)
    reply_to    INTEGER,                   -- number of the post replied to, in the same group
    state       TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'posted', 'deleted')),
    created_at  TEXT    NOT NULL,
    deleted_at  TEXT,
    UNIQUE (group_id, number)
);
CREATE INDEX relayed_posts_by_author ON relayed_posts (guild_id, pseudonym, created_at);

-- Discord message id(s) of each relayed post (a long post is split into several messages).
CREATE TABLE relayed_messages (
    message_id INTEGER PRIMARY KEY,
    post_id    INTEGER NOT NULL REFERENCES relayed_posts (id) ON DELETE CASCADE,
    part       INTEGER NOT NULL
);
CREATE INDEX relayed_messages_by_post ON relayed_messages (post_id);

-- Two-moderator safeguarding reveals of the account behind an alias.
CREATE TABLE reveal_requests (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id            INTEGER NOT NULL,
    target_pseudonym    TEXT    NOT NULL,
    target_alias        TEXT    NOT NULL,
    requester_pseudonym TEXT    NOT NULL,
    reason              TEXT    NOT NULL,
    state               TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'expired')),
    created_at          TEXT    NOT NULL,
    expires_at          TEXT    NOT NULL,  -- approval deadline; after approval, the requester's viewing deadline
    approver_pseudonym  TEXT,
    approved_at         TEXT
);
CREATE INDEX reveal_requests_pending ON reveal_requests (expires_at) WHERE state = 'pending';

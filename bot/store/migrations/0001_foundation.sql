-- Foundation: key fingerprint, per-server set-up, the alias table, the shared flag queue, the audit log.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE guild_settings (
    guild_id           INTEGER PRIMARY KEY,
    moderator_role_id  INTEGER,
    mod_log_channel_id INTEGER,
    region             TEXT NOT NULL DEFAULT 'other' CHECK (region IN ('UK', 'IE', 'US', 'CA', 'AU', 'other')),
    timezone           TEXT NOT NULL DEFAULT 'Europe/London',
    updated_at         TEXT NOT NULL
);

-- The only table that links a member's pseudonym and alias to her Discord account.
CREATE TABLE aliases (
    guild_id         INTEGER NOT NULL,
    pseudonym        TEXT    NOT NULL,
    user_id          INTEGER NOT NULL,
    alias            TEXT    NOT NULL,
    colour           INTEGER NOT NULL,
    alias_changed_at TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    PRIMARY KEY (guild_id, pseudonym),
    UNIQUE (guild_id, alias),
    UNIQUE (guild_id, user_id)
);

-- One queue for reports, crisis alerts and questionnaire safety alerts.
-- `detail` holds a category or rule id, never anything a member wrote.
CREATE TABLE flags (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id           INTEGER NOT NULL,
    kind               TEXT    NOT NULL CHECK (kind IN ('report', 'crisis', 'safety')),
    pseudonym          TEXT    NOT NULL,
    alias              TEXT    NOT NULL,
    group_id           INTEGER,
    detail             TEXT    NOT NULL DEFAULT '',
    jump_url           TEXT,
    state              TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved')),
    created_at         TEXT    NOT NULL,
    acknowledged_at    TEXT,
    acknowledged_by    TEXT,
    resolved_at        TEXT,
    resolved_by        TEXT,
    realert            INTEGER NOT NULL DEFAULT 0,
    next_alert_at      TEXT,
    alert_count        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX flags_by_state ON flags (guild_id, state);
CREATE INDEX flags_due ON flags (next_alert_at) WHERE state = 'open' AND realert = 1;

-- Append-only record of moderator actions. Rows can be removed only by the erasure and retention
-- jobs, which switch on meta.audit_erasure inside their own transaction.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id        INTEGER NOT NULL,
    at              TEXT    NOT NULL,
    actor_pseudonym TEXT    NOT NULL,
    action          TEXT    NOT NULL,
    target_alias    TEXT,
    target_pseudonym TEXT,
    reason          TEXT    NOT NULL,
    detail          TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_guild ON audit_log (guild_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN (SELECT value FROM meta WHERE key = 'audit_erasure') IS NULL
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

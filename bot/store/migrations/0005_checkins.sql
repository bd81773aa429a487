-- Check-in questionnaires: consent, schedules, members' preferences, one row per check-in sent,
-- and pseudonymised scores. Nothing here holds a Discord id or anything a member wrote.

-- Current consent per member (by pseudonym). NULL = not asked yet; 1 = given; 0 = declined/withdrawn.
CREATE TABLE consents (
    guild_id            INTEGER NOT NULL,
    pseudonym           TEXT    NOT NULL,
    checkins            INTEGER CHECK (checkins IN (0, 1)),
    checkins_changed_at TEXT,
    research            INTEGER CHECK (research IN (0, 1)),
    research_changed_at TEXT,
    PRIMARY KEY (guild_id, pseudonym)
);

-- Every consent change, kept so a research export can show what was agreed and when.
CREATE TABLE consent_events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id  INTEGER NOT NULL,
    pseudonym TEXT    NOT NULL,
    kind      TEXT    NOT NULL CHECK (kind IN ('checkins', 'research')),
    given     INTEGER NOT NULL CHECK (given IN (0, 1)),
    at        TEXT    NOT NULL
);
CREATE INDEX consent_events_by_member ON consent_events (guild_id, pseudonym);

-- A group's schedule (group-level, not about any one member; who set it up is in the audit log). cadence: weekly | fortnightly | monthly | cron:<5-field expression>.
-- local_time (HH:MM) and anchor_date (the first occurrence's local date) are in `timezone`.
CREATE TABLE checkin_schedules (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id        INTEGER NOT NULL,
    group_id        INTEGER NOT NULL REFERENCES groups (id),
    instrument      TEXT    NOT NULL,
    cadence         TEXT    NOT NULL,
    local_time      TEXT    NOT NULL,
    timezone        TEXT    NOT NULL,
    anchor_date     TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    planned_through TEXT    NOT NULL,
    cancelled_at    TEXT
);
CREATE UNIQUE INDEX checkin_schedules_one_active ON checkin_schedules (group_id, instrument)
    WHERE cancelled_at IS NULL;

-- A member's own check-in preferences.
CREATE TABLE checkin_prefs (
    guild_id      INTEGER NOT NULL,
    pseudonym     TEXT    NOT NULL,
    timezone      TEXT,
    quiet_start   TEXT,
    quiet_end     TEXT,
    paused        INTEGER NOT NULL DEFAULT 0,
    snoozed_until TEXT,
    updated_at    TEXT    NOT NULL,
    PRIMARY KEY (guild_id, pseudonym)
);

-- One check-in per member, schedule and period (exactly once, even across restarts and races).
-- state: pending (due, not sent yet) → sent (questionnaire or consent request delivered, maybe half
-- answered) → completed | missed (expired, too late after downtime, or superseded by a newer period)
-- | skipped (paused, declined, left the group). answers: JSON list of option positions so far.
CREATE TABLE checkins (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id     INTEGER NOT NULL,
    schedule_id  INTEGER NOT NULL REFERENCES checkin_schedules (id),
    group_id     INTEGER NOT NULL,
    pseudonym    TEXT    NOT NULL,
    instrument   TEXT    NOT NULL,
    period_key   TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    due_at       TEXT    NOT NULL,
    send_after   TEXT    NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (state IN ('pending', 'sent', 'completed', 'missed', 'skipped')),
    reason       TEXT    NOT NULL DEFAULT '',
    sent_at      TEXT,
    dm_closed    INTEGER NOT NULL DEFAULT 0,
    reminded_at  TEXT,
    expires_at   TEXT,
    completed_at TEXT,
    answers      TEXT    NOT NULL DEFAULT '[]',
    safety_fired TEXT    NOT NULL DEFAULT '[]',
    UNIQUE (schedule_id, pseudonym, period_key)
);
CREATE INDEX checkins_to_send ON checkins (send_after) WHERE state = 'pending';
CREATE INDEX checkins_open ON checkins (state, sent_at) WHERE state = 'sent';
CREATE INDEX checkins_by_member ON checkins (guild_id, pseudonym, state);

-- Completed questionnaires, keyed by pseudonym. subscales: JSON object name -> value.
CREATE TABLE scores (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id     INTEGER NOT NULL,
    pseudonym    TEXT    NOT NULL,
    group_id     INTEGER,
    instrument   TEXT    NOT NULL,
    checkin_id   INTEGER UNIQUE REFERENCES checkins (id) ON DELETE SET NULL,
    completed_at TEXT    NOT NULL,
    total        REAL    NOT NULL,
    band         TEXT    NOT NULL,
    subscales    TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX scores_by_member ON scores (guild_id, pseudonym, instrument, completed_at);
CREATE INDEX scores_by_group ON scores (group_id, instrument, completed_at);

-- Item answers of a score: the option position chosen and the value it scored (after reversal).
CREATE TABLE answers (
    score_id INTEGER NOT NULL REFERENCES scores (id) ON DELETE CASCADE,
    item     INTEGER NOT NULL,
    position INTEGER NOT NULL,
    value    REAL    NOT NULL,
    PRIMARY KEY (score_id, item)
);

-- The alert policy (bot/core/alerts.py): escalation, honest post status, and an outbox of alert
-- messages written in the same transaction as the flag that needs them, delivered once.
ALTER TABLE flags ADD COLUMN escalate INTEGER NOT NULL DEFAULT 0;
ALTER TABLE flags ADD COLUMN escalated_at TEXT;
ALTER TABLE flags ADD COLUMN escalated_to TEXT;      -- who got it, once sent
ALTER TABLE flags ADD COLUMN escalation_reason TEXT; -- why: unacknowledged in time, or the log failed
-- What became of the post that raised a crisis flag: 'shared', 'not_shared' (her words were given
-- back), 'in_channel' (written in the channel itself) or NULL while unknown; post_note says why
-- it was not shared (a policy sentence, never her words).
ALTER TABLE flags ADD COLUMN post_state TEXT;
ALTER TABLE flags ADD COLUMN post_note TEXT;

-- The safeguarding lead alerts escalate to: a role (mentioned in escalation_channel_id, or in the
-- moderator log), or a channel; neither set means the server owner, by DM.
ALTER TABLE guild_settings ADD COLUMN escalation_role_id INTEGER;
ALTER TABLE guild_settings ADD COLUMN escalation_channel_id INTEGER;

CREATE TABLE flag_alerts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    flag_id       INTEGER NOT NULL REFERENCES flags (id) ON DELETE CASCADE,
    guild_id      INTEGER NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('alert', 'realert', 'escalate')),
    number        INTEGER NOT NULL DEFAULT 0,   -- re-alerts are numbered from 1
    due_at        TEXT    NOT NULL,
    claimed_until TEXT,                         -- a sender's lease; a crash mid-send retries after it
    sent_at       TEXT,
    message_id    INTEGER,                      -- the Discord message, so the alert can be edited
    delivered     INTEGER                       -- 1 posted; 0 could not be delivered
);
CREATE INDEX flag_alerts_pending ON flag_alerts (due_at) WHERE sent_at IS NULL;
CREATE INDEX flag_alerts_by_flag ON flag_alerts (flag_id);

-- A member's baby's week (bot/core/checkins/baby.py), given privately and optionally with /checkin baby:
-- only the Monday of the ISO week of the birth, or of the due date while the baby is not yet born
-- (`kind`). Never a day. Birth-anchored check-ins ("postnatal:2,6,12") count from it. Keyed by
-- pseudonym, never the Discord id; erased by /forget-me, shown in /mydata, kept while she is here.
CREATE TABLE baby_weeks (
    guild_id  INTEGER NOT NULL,
    pseudonym TEXT    NOT NULL,
    week      TEXT    NOT NULL,  -- YYYY-MM-DD, always a Monday
    kind      TEXT    NOT NULL CHECK (kind IN ('born', 'due')),
    PRIMARY KEY (guild_id, pseudonym)
);
-- The planner looks up who reaches week N of a schedule now: members by their week.
CREATE INDEX baby_weeks_by_week ON baby_weeks (guild_id, week);

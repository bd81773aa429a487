-- Check-in rough edges (issue 17).
--
-- consents.checkins_asked_at: when she was first really asked for her check-in consent (the consent
-- request that opened a check-in reached her). While she has not answered, she is asked once and
-- reminded once; later periods are recorded as skipped ("consent not answered") instead of asking
-- again, until she says yes with /consent. A partial index holds just the members asked and not
-- answered, so the planner reads them in one query as it reads those who said no.
ALTER TABLE consents ADD COLUMN checkins_asked_at TEXT;
CREATE INDEX consents_checkins_unanswered ON consents (guild_id, pseudonym)
    WHERE checkins IS NULL AND checkins_asked_at IS NOT NULL;

-- checkins.dm_notice_at: when she was told, privately in the server, that a check-in whose DM could
-- not be delivered is waiting (once per check-in; never the text of anything).
ALTER TABLE checkins ADD COLUMN dm_notice_at TEXT;

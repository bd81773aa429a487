-- The check-in planner reads, for each period, who in the server said no to check-ins. A partial
-- index holds just those members, so the read no longer visits every member's consent row
-- (0.24 s for a server of 100,000 members before it, on the benchmark machine).
CREATE INDEX consents_checkins_declined ON consents (guild_id, pseudonym) WHERE checkins = 0;

-- A member's own crisis-resource region (bot/core/regions.py): which region's crisis lines and
-- support services she is shown. No row means the server's region (/setup). Keyed by pseudonym,
-- never the Discord id; erased by /forget-me, shown in /mydata, kept while she is here (not dated).
CREATE TABLE member_regions (
    guild_id   INTEGER NOT NULL,
    pseudonym  TEXT    NOT NULL,
    region     TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, pseudonym)
);

-- policylog schema 2: the projection materialised for fast "as of" queries.
-- Derived, rebuildable from events alone (`policylog rebuild`); maintained on append.
-- Reflects the whole log (the head's knowledge); --known-at earlier than the head replays.

-- Entity names (the latest registration wins), for rendering answers.
ALTER TABLE entities ADD COLUMN name TEXT;
ALTER TABLE entities ADD COLUMN acronym TEXT;
ALTER TABLE entities ADD COLUMN aliases TEXT;  -- JSON list

-- One row per fold key (a membership pair, a role holder, a call, an indicator, ...).
CREATE TABLE fact_keys (
    key_id      INTEGER PRIMARY KEY,
    section     INTEGER NOT NULL,
    key         TEXT NOT NULL,
    grp         TEXT,             -- the group, owner or issuer it belongs to (for --group)
    first_day   INTEGER,          -- first day any of its facts may show (NULL: open start)
    closed_day  INTEGER,          -- from this day on it certainly shows nothing (NULL: never)
    UNIQUE (section, key)
) STRICT;
CREATE INDEX fact_keys_grp ON fact_keys (grp, first_day);

-- Days (since 0000-03-01, see projection/materialize.rs) each key may show at.
CREATE VIRTUAL TABLE fact_key_spans USING rtree_i32 (key_id, from_day, to_day);

-- The facts that count, keyed for the fold.
CREATE TABLE facts (
    seq       INTEGER PRIMARY KEY,  -- the asserting event (a correction's seq for its replacement)
    id        TEXT NOT NULL,        -- the event id cited as evidence
    key_id    INTEGER NOT NULL,
    from_day  INTEGER,              -- first day of `valid` (NULL: open start)
    kind      TEXT NOT NULL,
    valid     TEXT NOT NULL,
    payload   TEXT NOT NULL,
    source    TEXT,
    quote     TEXT
) STRICT;
CREATE INDEX facts_key ON facts (key_id, from_day);
CREATE INDEX facts_id ON facts (id);

-- policylog schema 14: each period's entry deflated with a preset dictionary of the
-- entries' field names (src/store/derived/packed.rs), a blob where schema 8 kept its JSON
-- text, at about two fifths of its size (decision 0007, change 5).
-- STRICT columns keep their type, so the table is made again; the periods are derived
-- again from the events when an older log is opened (every derived table is, in one
-- transaction, as for schema 4).
DROP TABLE key_periods;
CREATE TABLE key_periods (
    period_id INTEGER PRIMARY KEY,   -- (key_id << 32) + to_day + 2147483648
    key_id    INTEGER NOT NULL,
    from_day  INTEGER NOT NULL,
    to_day    INTEGER NOT NULL,      -- last day, inclusive
    entry     BLOB NOT NULL,         -- the key's entry on those days, packed
    cites     TEXT NOT NULL          -- seqs of the events it cites, comma-separated
) STRICT;

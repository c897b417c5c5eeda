-- policylog schema 4: what each fold key shows, period by period, so that "as of D" reads
-- only the entries in force on D and a diff only the keys that change between two days.
-- Derived like schema 2: rebuildable from events alone, maintained at every commit for
-- the keys the batch touched. Days are numbered as in schema 2.

CREATE TABLE key_periods (
    period_id INTEGER PRIMARY KEY,
    key_id    INTEGER NOT NULL,
    from_day  INTEGER NOT NULL,
    to_day    INTEGER NOT NULL,  -- last day, inclusive
    entry     TEXT NOT NULL,     -- the key's entry on those days (JSON)
    cites     TEXT NOT NULL,     -- seqs of the events it cites, comma-separated
    UNIQUE (key_id, from_day)
) STRICT;

-- The same periods as boxes on the day axis: "in force on D" and "starts or ends between
-- A and B" in time proportional to the answer.
CREATE VIRTUAL TABLE key_period_spans USING rtree_i32 (period_id, from_day, to_day);

-- policylog schema 2: the projection materialised for fast "as of" queries.
-- Derived, rebuildable from events alone (`policylog rebuild`); maintained on append.
-- Reflects the whole log (the head's knowledge); --known-at earlier than the head replays.
-- Days are counted from 0001-01-01 (day 1); open ends are -10000000 / 10000000.

-- One row per fold key (a membership pair, a role holder, a call, an indicator, ...);
-- section 9 keys entity registrations by id (the latest one that counts names it).
CREATE TABLE fact_keys (
    key_id      INTEGER PRIMARY KEY,
    section     INTEGER NOT NULL,
    key         TEXT NOT NULL,
    first_day   INTEGER NOT NULL,  -- first day any of its facts may show
    closed_day  INTEGER NOT NULL,  -- from this day on it certainly shows nothing
    UNIQUE (section, key)
) STRICT;

-- The days each key may show at, for "what holds on day D" in time proportional to the answer.
CREATE VIRTUAL TABLE fact_key_spans USING rtree_i32 (key_id, from_day, to_day);

-- The groups (or owners, issuers, organisers, publishers) each key involves, for --group.
CREATE TABLE fact_key_groups (
    grp    TEXT NOT NULL,
    key_id INTEGER NOT NULL,
    PRIMARY KEY (grp, key_id)
) STRICT, WITHOUT ROWID;

-- The facts that count, keyed for the fold. A fact is its event's row (joined by seq),
-- except a correction's replacement, whose kind, valid and payload are kept here.
CREATE TABLE facts (
    key_id      INTEGER NOT NULL,
    from_day    INTEGER NOT NULL,     -- first day of `valid`
    seq         INTEGER NOT NULL,     -- the asserting event (a correction's seq for its replacement)
    to_day      INTEGER NOT NULL,     -- last day of `valid`
    certain_day INTEGER NOT NULL,     -- from this day on it has certainly happened (never if ~ or ?)
    kind        TEXT NOT NULL,
    replacement TEXT,                 -- {"kind","valid","payload"} of a correction, else NULL
    PRIMARY KEY (key_id, from_day, seq)
) STRICT, WITHOUT ROWID;

-- Which fact each correction took out, so that retracting the correction brings it back.
CREATE TABLE displaced (
    correction_seq INTEGER PRIMARY KEY,
    fact_seq       INTEGER NOT NULL
) STRICT;

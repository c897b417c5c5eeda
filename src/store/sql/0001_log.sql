-- policylog schema 1: the append-only log and the tables derived from it.

CREATE TABLE documents (
    sha256         TEXT PRIMARY KEY,
    file           TEXT NOT NULL,  -- path relative to its events file: sources/x.txt
    events_file    TEXT NOT NULL,  -- the JSONL file its events are exported to
    title          TEXT NOT NULL,
    publisher      TEXT NOT NULL,
    published      TEXT NOT NULL,  -- EDTF: the date the document speaks from
    published_from TEXT,
    published_to   TEXT,
    text           TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    record_hash    TEXT NOT NULL   -- sha256 of the canonical metadata (see docs/hash-chain.md)
) STRICT;

CREATE TABLE events (
    seq         INTEGER PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    valid       TEXT NOT NULL,     -- EDTF as written
    valid_from  TEXT,              -- first day (NULL: open start)
    valid_to    TEXT,              -- last day (NULL: open end)
    payload     TEXT NOT NULL,     -- canonical JSON
    source      TEXT,              -- documents.sha256
    quote       TEXT,
    quote_start INTEGER,           -- char offsets of the quote in the document text
    quote_end   INTEGER,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
) STRICT;

-- No secondary indexes beyond `id`: every index costs each append, and `log` filters
-- scan in seq order anyway. Queries by entity use event_refs; "as of" uses the projection.

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'policylog: the event log is append-only; record a correction or retraction event instead'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'policylog: the event log is append-only; record a correction or retraction event instead'); END;
CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents
BEGIN SELECT RAISE(ABORT, 'policylog: documents are append-only; ingest a new document instead'); END;
CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
BEGIN SELECT RAISE(ABORT, 'policylog: documents are append-only; ingest a new document instead'); END;

-- Derived, rebuildable from events alone: which entity each event names.
CREATE TABLE event_refs (
    entity TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    field  TEXT NOT NULL,
    PRIMARY KEY (entity, seq, field)
) STRICT, WITHOUT ROWID;

-- Derived: every known entity id and the event that first registered or declared it.
CREATE TABLE entities (
    id   TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    seq  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

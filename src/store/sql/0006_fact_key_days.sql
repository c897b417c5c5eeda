-- policylog schema 6: fact_keys no longer keeps first_day and closed_day. No query has
-- read them since the periods of schema 4 (state, diff and --group read key_periods; terms
-- served in between, the fact_key_spans R*Tree of schema 2), yet every commit still
-- rewrote both for each key it touched. Derived like schema 2: nothing is lost.
--
-- The table is copied rather than altered with DROP COLUMN, which fails on a table that
-- lacks the columns: so the migration also holds for a log whose fact_keys was already
-- recreated without them (as the upgrade tests make older logs from a current one).

CREATE TABLE fact_keys_6 (
    key_id   INTEGER PRIMARY KEY,
    section  INTEGER NOT NULL,
    key      TEXT NOT NULL,
    UNIQUE (section, key)
) STRICT;
INSERT INTO fact_keys_6 (key_id, section, key) SELECT key_id, section, key FROM fact_keys;
DROP TABLE fact_keys;
ALTER TABLE fact_keys_6 RENAME TO fact_keys;

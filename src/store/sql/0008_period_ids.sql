-- policylog schema 8: a period's id says which key and which days it is. `period_id` is
-- the key's id in the high 32 bits and the period's last day + 2^31 in the low ones, so
-- the table's own b-tree keeps each key's periods together in the order of their days:
-- "key K on day D" is one seek (the first of K's ids at or after D's) instead of a seek
-- in the (key_id, from_day) index and another for the row, and that index, which every
-- commit had to keep up, is gone. Derived like schema 4: the ids are computed from the
-- rows, and the spans and reporters re-keyed to them. Also: key spans only for the
-- sections that read them (below).

CREATE TABLE key_periods_8 (
    period_id INTEGER PRIMARY KEY,   -- (key_id << 32) + to_day + 2147483648
    key_id    INTEGER NOT NULL,
    from_day  INTEGER NOT NULL,
    to_day    INTEGER NOT NULL,      -- last day, inclusive
    entry     TEXT NOT NULL,         -- the key's entry on those days (JSON)
    cites     TEXT NOT NULL          -- seqs of the events it cites, comma-separated
) STRICT;
INSERT INTO key_periods_8 (period_id, key_id, from_day, to_day, entry, cites)
SELECT (key_id << 32) + to_day + 2147483648, key_id, from_day, to_day, entry, cites
  FROM key_periods ORDER BY key_id, to_day;

CREATE TABLE statistic_period_groups_8 (
    period_id INTEGER PRIMARY KEY,   -- a key_periods row of a statistic
    grp       TEXT NOT NULL,         -- its entry's reported_by
    from_day  INTEGER NOT NULL,
    to_day    INTEGER NOT NULL
) STRICT;
INSERT INTO statistic_period_groups_8 (period_id, grp, from_day, to_day)
SELECT (p.key_id << 32) + p.to_day + 2147483648, s.grp, s.from_day, s.to_day
  FROM statistic_period_groups s JOIN key_periods p USING (period_id)
 ORDER BY 1;
DROP TABLE statistic_period_groups;
ALTER TABLE statistic_period_groups_8 RENAME TO statistic_period_groups;
CREATE INDEX statistic_period_groups_by_group ON statistic_period_groups (grp, to_day, from_day);

DELETE FROM key_period_spans;
INSERT INTO key_period_spans (period_id, from_day, to_day)
SELECT period_id, from_day, to_day FROM key_periods_8;

DROP TABLE key_periods;
ALTER TABLE key_periods_8 RENAME TO key_periods;

-- Only memberships and role terms are asked for what lies wholly between two days (a
-- diff's terms served and memberships held in between): the other keys' spans, an R*Tree
-- entry each written at every commit, were never read.
DELETE FROM fact_key_spans
 WHERE key_id IN (SELECT key_id FROM fact_keys WHERE section NOT IN (0, 1));

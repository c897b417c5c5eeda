-- policylog schema 5: which group each statistic period shows as the reporter, for
-- --group. An indicator shows under the group that reported its latest value, which
-- changes from period to period; linking the indicator's key to every group that ever
-- reported it (schema 2's fact_key_groups) made a group read every such indicator.
-- Derived like schemas 2 and 4: rebuildable from events alone, maintained at commit.

CREATE TABLE statistic_period_groups (
    period_id INTEGER PRIMARY KEY,   -- a key_periods row of a statistic
    grp       TEXT NOT NULL,         -- its entry's reported_by
    from_day  INTEGER NOT NULL,
    to_day    INTEGER NOT NULL
) STRICT;
CREATE INDEX statistic_period_groups_by_group ON statistic_period_groups (grp, to_day, from_day);

-- Indicators are found per period from now on.
DELETE FROM fact_key_groups
 WHERE key_id IN (SELECT key_id FROM fact_keys WHERE section = 6);
INSERT INTO statistic_period_groups (period_id, grp, from_day, to_day)
SELECT p.period_id, json_extract(p.entry, '$.Statistic.reported_by'), p.from_day, p.to_day
  FROM key_periods p JOIN fact_keys k ON k.key_id = p.key_id
 WHERE k.section = 6 AND json_extract(p.entry, '$.Statistic.reported_by') IS NOT NULL;

-- policylog schema 9: `--group` finds a group's periods in force on a day by one range
-- scan, not by a seek per key the group was ever linked to. Each period of a key (other
-- than a statistic's, found by its reporter in `statistic_period_groups`) is listed under
-- every group its key's facts name, by its last and first day: the rows with
-- `to_day >= D` lie together, and those with `from_day <= D` among them are in force on D.
-- `fact_key_groups`, the (group, key) pairs it replaces, was read by nothing else.
-- Derived like schema 4: rebuildable from events alone.

CREATE TABLE key_period_groups (
    grp       TEXT NOT NULL,
    to_day    INTEGER NOT NULL,
    from_day  INTEGER NOT NULL,
    period_id INTEGER NOT NULL,
    PRIMARY KEY (grp, to_day, from_day, period_id)
) STRICT, WITHOUT ROWID;
INSERT INTO key_period_groups (grp, to_day, from_day, period_id)
SELECT g.grp, p.to_day, p.from_day, p.period_id
  FROM fact_key_groups g JOIN key_periods p USING (key_id)
 ORDER BY 1, 2, 3, 4;
DROP TABLE fact_key_groups;

-- policylog schema 10: a diff's terms served and memberships held in between are the
-- `role.assigned` and `membership.left` facts lying wholly between its two days. They
-- were found through the `fact_key_spans` R*Tree: every membership and role key whose
-- span crossed those days (34k for one year of a million-event log), a seek into `facts`
-- each, ≈0.1 s for the few thousand facts that answer. This index holds those facts by
-- their days, so the same is one range (≈9 MB at 1M). Partial: no other kind is asked
-- for this way. `kind` is kept in it too, so that the query, which must name the kinds
-- for SQLite to choose a partial index, is answered from the index alone (a seek into
-- `facts` per row otherwise: 10 ms against 2 ms for one year at 1M). The R*Tree had no
-- other reader; every commit rewrote a row of it per membership or role key touched.
-- Derived: nothing is lost.

CREATE INDEX facts_in_between ON facts (from_day, to_day, kind)
 WHERE kind IN ('role.assigned', 'membership.left');
DROP TABLE fact_key_spans;

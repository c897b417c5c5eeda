-- policylog schema 7: each entity's name as its latest registration that counts gives it.
-- Every answer names the entities it mentions; reading their registrations (the fact key,
-- every fact, the event row, its payload decoded) cost three seeks and a decode per
-- entity, a sixth of a `--group` query. Derived like schemas 2 and 4: rebuildable from
-- events alone, maintained at commit for the registrations a batch touches; an upgraded
-- log has it filled from its registrations on first open (store::migrate).

CREATE TABLE entity_names (
    id          TEXT PRIMARY KEY,
    entity_type TEXT NOT NULL,
    name        TEXT NOT NULL,
    acronym     TEXT,
    aliases     TEXT NOT NULL    -- JSON array of strings
) STRICT, WITHOUT ROWID;

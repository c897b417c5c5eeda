-- policylog schema 3: views that answer an analyst's common questions in plain SQL
-- (sqlite3, Datasette, any SQLite library). They read the `events` and `documents`
-- tables alone (payloads are canonical JSON), store nothing and always agree with the
-- log; docs/sql.md describes every column and the "as of a date" idioms.
--
-- Conventions: days are ISO text (YYYY-MM-DD) and compare as text; a NULL bound is an
-- open end; `*_from`/`*_to` are inclusive unless named `superseded_from` (the first day
-- a later record takes over). Every row cites its `event`, `source` (document sha256),
-- `source_title` and `quote`.

-- The facts that count: every world event not retracted and not corrected, plus the
-- replacement each standing correction carries (cited by the correction, with its
-- source and quote). Retracting a correction restores what it corrected. Each `valid` is
-- split into its EDTF endpoints: `A/B` began within [valid_from, start_last] and ended
-- within [end_first, valid_to]; a single date has start = end. `qualified` (~ ? %)
-- means never more than possible.
CREATE VIEW live_facts AS
WITH retracted AS (
    SELECT json_extract(payload, '$.target') AS id FROM events WHERE kind = 'event.retracted'
),
removed AS (
    SELECT id FROM retracted
    UNION
    SELECT json_extract(payload, '$.target') FROM events
    WHERE kind = 'event.corrected' AND id NOT IN (SELECT id FROM retracted)
),
asserted AS (
    SELECT seq, id, kind, valid, payload, source, quote FROM events
    WHERE kind NOT IN ('event.retracted', 'event.corrected')
    UNION ALL
    SELECT seq, id, json_extract(payload, '$.replacement.kind'),
        json_extract(payload, '$.replacement.valid'),
        json_extract(payload, '$.replacement.payload'), source, quote
    FROM events WHERE kind = 'event.corrected'
),
plain AS (
    SELECT *,
        replace(replace(replace(valid, '~', ''), '?', ''), '%', '') AS bare,
        instr(valid, '~') + instr(valid, '?') + instr(valid, '%') > 0 AS qualified
    FROM asserted WHERE id NOT IN (SELECT id FROM removed)
),
sides AS (
    SELECT *,
        CASE WHEN instr(bare, '/') > 0 THEN substr(bare, 1, instr(bare, '/') - 1) ELSE bare END AS a,
        CASE WHEN instr(bare, '/') > 0 THEN substr(bare, instr(bare, '/') + 1) ELSE bare END AS b
    FROM plain
)
SELECT seq, id AS event_id, kind, valid,
    CASE length(a) WHEN 4 THEN a || '-01-01' WHEN 7 THEN a || '-01' WHEN 10 THEN a END AS valid_from,
    CASE length(a) WHEN 4 THEN a || '-12-31' WHEN 7 THEN date(a || '-01', '+1 month', '-1 day')
        WHEN 10 THEN a END AS start_last,
    CASE length(b) WHEN 4 THEN b || '-01-01' WHEN 7 THEN b || '-01' WHEN 10 THEN b END AS end_first,
    CASE length(b) WHEN 4 THEN b || '-12-31' WHEN 7 THEN date(b || '-01', '+1 month', '-1 day')
        WHEN 10 THEN b END AS valid_to,
    instr(bare, '/') > 0 AS is_interval,
    qualified, payload, source, quote
FROM sides;

-- Every entity by id with its name (the latest registration that counts wins); `label`
-- is the acronym, else the name.
CREATE VIEW names AS
SELECT id, type, name, acronym, coalesce(acronym, name) AS label, aliases, event
FROM (
    SELECT json_extract(payload, '$.id') AS id, json_extract(payload, '$.type') AS type,
        json_extract(payload, '$.name') AS name, json_extract(payload, '$.acronym') AS acronym,
        json_extract(payload, '$.aliases') AS aliases, event_id AS event,
        row_number() OVER (PARTITION BY json_extract(payload, '$.id') ORDER BY seq DESC) AS latest
    FROM live_facts WHERE kind = 'entity.registered'
)
WHERE latest = 1;

-- One row per `membership.joined`: a member of the group from `valid_from` (the joined
-- span's first day) until `valid_to` (the last day of the first later `membership.left`,
-- NULL while it has not left); certainly a member from `certainty_from` (the joined
-- span's last day) to `certainty_to` (the day before the departure's span begins).
-- `departed` is that `membership.left`'s date (EDTF).
CREATE VIEW memberships AS
WITH m AS (
    SELECT *, json_extract(payload, '$.group') AS group_id,
        json_extract(payload, '$.member') AS member_id
    FROM live_facts WHERE kind IN ('membership.joined', 'membership.left')
),
paired AS (
    SELECT j.*, (
        SELECT l.seq FROM m l
        WHERE l.kind = 'membership.left' AND l.group_id = j.group_id
            AND l.member_id = j.member_id
            AND coalesce(l.valid_from, '') >= coalesce(j.valid_from, '')
        ORDER BY l.valid_from, l.seq LIMIT 1
    ) AS left_seq
    FROM m j WHERE j.kind = 'membership.joined'
)
SELECT p.group_id, g.label AS group_name, p.member_id, n.label AS member_name,
    p.valid AS joined, p.valid_from, l.valid_to,
    CASE WHEN p.qualified OR p.valid_to IS NULL THEN 'possible' ELSE 'certain' END AS certainty,
    CASE WHEN p.qualified THEN NULL ELSE p.valid_to END AS certainty_from,
    CASE WHEN p.qualified OR p.valid_to IS NULL THEN NULL
        ELSE date(l.valid_from, '-1 day') END AS certainty_to,
    l.valid AS departed, l.event_id AS departed_event,
    p.event_id AS event, p.source, d.title AS source_title, p.quote
FROM paired p
LEFT JOIN m l ON l.seq = p.left_seq
LEFT JOIN names g ON g.id = p.group_id
LEFT JOIN names n ON n.id = p.member_id
LEFT JOIN documents d ON d.sha256 = p.source
ORDER BY p.group_id, p.valid_from, p.member_id, p.seq;

-- One row per `role.assigned`: the term (EDTF) may cover `valid_from`..`valid_to`, cut
-- short by the first later `role.ended`. Per docs/dates.md a single date is certain
-- throughout and `A/B` only from the end of A to the start of B: `certainty` says
-- whether any day of the term is certain, `certainty_from`/`certainty_to` which (NULL
-- there, with `certainty` 'certain', is an open end).
CREATE VIEW roles AS
WITH r AS (
    SELECT *, json_extract(payload, '$.group') AS group_id,
        json_extract(payload, '$.role') AS role,
        json_extract(payload, '$.holder') AS holder_id
    FROM live_facts WHERE kind IN ('role.assigned', 'role.ended')
),
terms AS (
    SELECT t.*,
        CASE WHEN t.is_interval THEN t.start_last ELSE t.valid_from END AS c0,
        CASE WHEN t.is_interval THEN t.end_first ELSE t.valid_to END AS c1,
        (
            SELECT e.seq FROM r e
            WHERE e.kind = 'role.ended' AND e.group_id = t.group_id AND e.role = t.role
                AND e.holder_id = t.holder_id
                AND coalesce(e.valid_from, '') >= coalesce(t.valid_from, '')
            ORDER BY e.valid_from, e.seq LIMIT 1
        ) AS ended_seq
    FROM r t WHERE t.kind = 'role.assigned'
),
bounded AS (
    SELECT t.*, e.valid AS ended, e.event_id AS ended_event,
        CASE WHEN e.seq IS NULL THEN t.valid_to
            WHEN t.valid_to IS NULL OR e.valid_to < t.valid_to THEN e.valid_to
            ELSE t.valid_to END AS term_to,
        CASE WHEN e.seq IS NULL THEN t.c1
            WHEN t.c1 IS NULL OR date(e.valid_from, '-1 day') < t.c1 THEN date(e.valid_from, '-1 day')
            ELSE t.c1 END AS c1_cut
    FROM terms t LEFT JOIN r e ON e.seq = t.ended_seq
),
rated AS (
    SELECT *, NOT qualified AND (c0 IS NULL OR c1_cut IS NULL OR c0 <= c1_cut) AS sure
    FROM bounded
)
SELECT t.group_id, g.label AS group_name, t.role, t.holder_id, h.label AS holder_name,
    json_extract(t.payload, '$.representative') AS representative_id,
    p.name AS representative_name,
    t.valid AS term, t.valid_from, t.term_to AS valid_to,
    CASE WHEN t.sure THEN 'certain' ELSE 'possible' END AS certainty,
    CASE WHEN t.sure THEN t.c0 END AS certainty_from,
    CASE WHEN t.sure THEN t.c1_cut END AS certainty_to,
    t.ended, t.ended_event,
    t.event_id AS event, t.source, d.title AS source_title, t.quote
FROM rated t
LEFT JOIN names g ON g.id = t.group_id
LEFT JOIN names h ON h.id = t.holder_id
LEFT JOIN names p ON p.id = json_extract(t.payload, '$.representative')
LEFT JOIN documents d ON d.sha256 = t.source
ORDER BY t.group_id, t.role, t.valid_from, t.holder_id, t.seq;

-- One row per `call.issued` (a call attested by two documents has two rows). It stands
-- from `issued` on: possibly from `issued_from`, certainly from `certainty_from`.
-- `issuers` and `addressees` are comma-separated; `actions` is the JSON list the text
-- gives (maybe fewer than `action_count`).
CREATE VIEW calls AS
SELECT json_extract(f.payload, '$.call') AS call_id, json_extract(f.payload, '$.title') AS title,
    (SELECT group_concat(value, ', ') FROM json_each(f.payload, '$.issuers')) AS issuers,
    (SELECT group_concat(value, ', ') FROM json_each(f.payload, '$.addressees')) AS addressees,
    json_extract(f.payload, '$.action_count') AS action_count,
    json_extract(f.payload, '$.actions') AS actions,
    json_extract(f.payload, '$.target') AS target,
    f.valid AS issued, f.valid_from AS issued_from, f.valid_to AS issued_to,
    CASE WHEN f.qualified THEN NULL ELSE f.valid_to END AS certainty_from,
    f.event_id AS event, f.source, d.title AS source_title, f.quote
FROM live_facts f LEFT JOIN documents d ON d.sha256 = f.source
WHERE f.kind = 'call.issued'
ORDER BY f.valid_from, call_id, f.seq;

-- One row per item of each `commitment.set` (a version; `revision` 1 is the first, in
-- valid-time order), at `position` 1, 2, ... A version is in force from `in_force_from`
-- (certainly from `certainty_from`) until `superseded_from`, the first day of the next
-- version or of a `commitment.withdrawn` (`superseded_by` names that event).
CREATE VIEW commitment_items AS
WITH c AS (
    SELECT *, json_extract(payload, '$.commitment') AS commitment_id,
        lead(valid_from) OVER w AS next_from, lead(event_id) OVER w AS next_event
    FROM live_facts WHERE kind IN ('commitment.set', 'commitment.withdrawn')
    WINDOW w AS (PARTITION BY json_extract(payload, '$.commitment') ORDER BY valid_from, seq)
),
versions AS (
    SELECT *, row_number() OVER (PARTITION BY commitment_id ORDER BY valid_from, seq) AS revision
    FROM c WHERE kind = 'commitment.set'
)
SELECT v.commitment_id, json_extract(v.payload, '$.owner') AS owner_id, o.label AS owner_name,
    json_extract(v.payload, '$.title') AS title, v.revision,
    i.key + 1 AS position, i.value AS item,
    v.valid, v.valid_from AS in_force_from,
    CASE WHEN v.qualified THEN NULL ELSE v.valid_to END AS certainty_from,
    v.next_from AS superseded_from, v.next_event AS superseded_by,
    v.event_id AS event, v.source, d.title AS source_title, v.quote
FROM versions v
JOIN json_each(v.payload, '$.items') i
LEFT JOIN names o ON o.id = json_extract(v.payload, '$.owner')
LEFT JOIN documents d ON d.sha256 = v.source
ORDER BY v.commitment_id, v.revision, position;

-- One row per `instrument.status`: the status holds from `valid_from` (certainly from
-- `certainty_from`) until `superseded_from`, the first day of the next status reported.
CREATE VIEW instrument_status AS
WITH s AS (
    SELECT *, json_extract(payload, '$.instrument') AS instrument_id,
        lead(valid_from) OVER w AS next_from, lead(event_id) OVER w AS next_event
    FROM live_facts WHERE kind = 'instrument.status'
    WINDOW w AS (PARTITION BY json_extract(payload, '$.instrument') ORDER BY valid_from, seq)
)
SELECT s.instrument_id, n.name AS instrument_name,
    json_extract(s.payload, '$.status') AS status, json_extract(s.payload, '$.note') AS note,
    s.valid AS since, s.valid_from,
    CASE WHEN s.qualified THEN NULL ELSE s.valid_to END AS certainty_from,
    s.next_from AS superseded_from, s.next_event AS superseded_by,
    s.event_id AS event, s.source, d.title AS source_title, s.quote
FROM s
LEFT JOIN names n ON n.id = s.instrument_id
LEFT JOIN documents d ON d.sha256 = s.source
ORDER BY s.instrument_id, s.valid_from, s.seq;

-- One row per `statistic.reported`: a figure about `period`, reported at `reported`
-- (from `reported_from`, certainly by `reported_to`). The latest report per indicator
-- counts until `superseded_from`, the first day of the next report of that indicator.
CREATE VIEW statistics AS
WITH s AS (
    SELECT *, json_extract(payload, '$.indicator') AS indicator_id,
        lead(valid_from) OVER w AS next_from, lead(event_id) OVER w AS next_event
    FROM live_facts WHERE kind = 'statistic.reported'
    WINDOW w AS (PARTITION BY json_extract(payload, '$.indicator') ORDER BY valid_from, seq)
)
SELECT s.indicator_id, json_extract(s.payload, '$.label') AS label,
    json_extract(s.payload, '$.value') AS value,
    json_extract(s.payload, '$.qualifier') AS qualifier,
    json_extract(s.payload, '$.unit') AS unit,
    json_extract(s.payload, '$.period') AS period,
    json_extract(s.payload, '$.scope') AS scope,
    json_extract(s.payload, '$.reported_by') AS reported_by_id, n.label AS reported_by_name,
    s.valid AS reported, s.valid_from AS reported_from, s.valid_to AS reported_to,
    s.next_from AS superseded_from, s.next_event AS superseded_by,
    s.event_id AS event, s.source, d.title AS source_title, s.quote
FROM s
LEFT JOIN names n ON n.id = json_extract(s.payload, '$.reported_by')
LEFT JOIN documents d ON d.sha256 = s.source
ORDER BY s.indicator_id, s.valid_from, s.seq;

-- One row per `meeting.held`; `organisers` and `participants` are comma-separated ids.
CREATE VIEW meetings AS
SELECT json_extract(f.payload, '$.meeting') AS meeting_id,
    json_extract(f.payload, '$.title') AS title,
    (SELECT group_concat(value, ', ') FROM json_each(f.payload, '$.organisers')) AS organisers,
    (SELECT group_concat(value, ', ') FROM json_each(f.payload, '$.participants')) AS participants,
    json_extract(f.payload, '$.place') AS place,
    f.valid AS held, f.valid_from AS held_from, f.valid_to AS held_to,
    f.event_id AS event, f.source, d.title AS source_title, f.quote
FROM live_facts f LEFT JOIN documents d ON d.sha256 = f.source
WHERE f.kind = 'meeting.held'
ORDER BY f.valid_from, meeting_id, f.seq;

-- One row per `publication.released`.
CREATE VIEW publications AS
SELECT json_extract(f.payload, '$.publication') AS publication_id,
    json_extract(f.payload, '$.title') AS title,
    json_extract(f.payload, '$.publisher') AS publisher_id, n.label AS publisher_name,
    f.valid AS released, f.valid_from AS released_from, f.valid_to AS released_to,
    f.event_id AS event, f.source, d.title AS source_title, f.quote
FROM live_facts f
LEFT JOIN names n ON n.id = json_extract(f.payload, '$.publisher')
LEFT JOIN documents d ON d.sha256 = f.source
WHERE f.kind = 'publication.released'
ORDER BY f.valid_from, publication_id, f.seq;

-- One row per `person.represents`: who spoke for whom, with what title, when attested.
CREATE VIEW representatives AS
SELECT json_extract(f.payload, '$.person') AS person_id, p.name AS person_name,
    json_extract(f.payload, '$.org') AS org_id, o.label AS org_name,
    json_extract(f.payload, '$.title') AS title,
    f.valid AS attested, f.valid_from AS attested_from, f.valid_to AS attested_to,
    f.event_id AS event, f.source, d.title AS source_title, f.quote
FROM live_facts f
LEFT JOIN names p ON p.id = json_extract(f.payload, '$.person')
LEFT JOIN names o ON o.id = json_extract(f.payload, '$.org')
LEFT JOIN documents d ON d.sha256 = f.source
WHERE f.kind = 'person.represents'
ORDER BY org_id, f.valid_from, person_id, f.seq;

-- policylog schema 11: each fact's days, as `date::ValidTime` reads its `valid`, kept
-- when the fact is derived (`fact_days`); an entity's names over time
-- (`entity_name_periods`); and the views of schema 3 read again from them. The views
-- computed days from the length of the `valid` text, which read `201X`, a season
-- (`2021-21`), a date-time or an unknown end (`2020/`) as something else; and they had no
-- word for a fact a source attests at a date without dating its start (vocabulary 2,
-- decision 0006). Derived like schemas 2 and 4: rebuildable from the events alone.
-- Days are numbered as in schema 2 (0001-01-01 is day 1; open ends -10000000, 10000000).

-- One row per fact of `facts` (by the seq that asserts it), with what `facts` lacks.
CREATE TABLE fact_days (
    seq         INTEGER PRIMARY KEY,
    start_last  INTEGER,            -- an interval's start lies in [from_day, start_last]
    end_first   INTEGER,            -- its end in [end_first, to_day]; NULL: open or unknown
    term_from   INTEGER,            -- as a term, certainly held from this day ...
    term_to     INTEGER,            -- ... to this one (NULL: on and on); both NULL: never
    is_interval INTEGER NOT NULL,
    qualified   INTEGER NOT NULL,   -- ~ ? %: never more than possible
    attested    INTEGER NOT NULL    -- attested at its date, start not given (decision 0006)
) STRICT;

-- The names of each entity that was renamed (`entity.renamed`), stretch of days by
-- stretch of days, from the first day on; `entity_names` keeps the name of the last.
CREATE TABLE entity_name_periods (
    id       TEXT NOT NULL,
    from_day INTEGER NOT NULL,
    to_day   INTEGER NOT NULL,
    name     TEXT NOT NULL,
    acronym  TEXT,
    PRIMARY KEY (id, from_day)
) STRICT, WITHOUT ROWID;

DROP VIEW representatives;
DROP VIEW publications;
DROP VIEW meetings;
DROP VIEW statistics;
DROP VIEW instrument_status;
DROP VIEW commitment_items;
DROP VIEW calls;
DROP VIEW roles;
DROP VIEW memberships;
DROP VIEW names;
DROP VIEW live_facts;

-- The facts that count (retractions and corrections applied, as `state` folds them): a
-- fact's own event, or the replacement a standing correction carries, cited by the
-- correction. Its days come from `facts` and `fact_days` as ISO text (NULL: open or
-- unknown): `A/B` began within [valid_from, start_last] and ended within [end_first,
-- valid_to]; it has certainly happened from `certain_from` on; as a term it is certainly
-- held from `term_certain_from` to `term_certain_to` when `term_certain` (NULL there is
-- an open side). `qualified`: never more than possible; `attested`: attested at its
-- date, not begun then.
CREATE VIEW live_facts AS
WITH f AS (
    SELECT f.seq, f.kind, f.from_day, f.to_day, f.certain_day, f.replacement,
        d.start_last, d.end_first, d.term_from, d.term_to, d.is_interval, d.qualified,
        d.attested, e.id AS event_id, e.valid AS event_valid, e.payload AS event_payload,
        e.source, e.quote
    FROM facts f JOIN fact_days d ON d.seq = f.seq JOIN events e ON e.seq = f.seq
)
SELECT seq, event_id, kind,
    coalesce(json_extract(replacement, '$.valid'), event_valid) AS valid,
    CASE WHEN from_day > -10000000 THEN date(from_day + 1721424.5) END AS valid_from,
    CASE WHEN start_last > -10000000 AND start_last < 10000000
        THEN date(start_last + 1721424.5) END AS start_last,
    CASE WHEN end_first > -10000000 AND end_first < 10000000
        THEN date(end_first + 1721424.5) END AS end_first,
    CASE WHEN to_day < 10000000 THEN date(to_day + 1721424.5) END AS valid_to,
    is_interval, qualified,
    coalesce(json_extract(replacement, '$.payload'), event_payload) AS payload, source, quote,
    attested,
    CASE WHEN certain_day < 10000000 THEN date(certain_day + 1721424.5) END AS certain_from,
    term_from IS NOT NULL AS term_certain,
    CASE WHEN term_from > -10000000 THEN date(term_from + 1721424.5) END AS term_certain_from,
    CASE WHEN term_to < 10000000 THEN date(term_to + 1721424.5) END AS term_certain_to
FROM f;

-- Every entity by id with its name now (its latest registration that counts, renamed by
-- its last `entity.renamed`); `label` is the acronym, else the name; `event` the
-- registration that names it.
CREATE VIEW names AS
SELECT n.id, n.entity_type AS type, n.name, n.acronym, coalesce(n.acronym, n.name) AS label,
    nullif(n.aliases, '[]') AS aliases, r.event
FROM entity_names n
LEFT JOIN (
    SELECT json_extract(payload, '$.id') AS id, event_id AS event,
        row_number() OVER (PARTITION BY json_extract(payload, '$.id') ORDER BY seq DESC) AS latest
    FROM live_facts WHERE kind = 'entity.registered'
) r ON r.id = n.id AND r.latest = 1;

-- The names of renamed entities, day by day: called `name` from `valid_from` to
-- `valid_to` (NULL: open).
CREATE VIEW name_periods AS
SELECT id, name, acronym, coalesce(acronym, name) AS label,
    CASE WHEN from_day > -10000000 THEN date(from_day + 1721424.5) END AS valid_from,
    CASE WHEN to_day < 10000000 THEN date(to_day + 1721424.5) END AS valid_to
FROM entity_name_periods;

-- One row per `membership.joined`: a member of the group from `valid_from` (the joined
-- span's first day) until `valid_to` (the last day of the first later `membership.left`,
-- NULL while it has not left); certainly a member from `certainty_from` (the joined
-- span's last day) to `certainty_to` (the day before the departure's span begins). An
-- attested membership (`attested` 1, `certainty` 'attested') is certain on its date's
-- last day only and carried on after it until it left. `departed` is that
-- `membership.left`'s date (EDTF).
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
    CASE WHEN p.certain_from IS NULL THEN 'possible' WHEN p.attested THEN 'attested'
        ELSE 'certain' END AS certainty,
    p.certain_from AS certainty_from,
    CASE WHEN p.certain_from IS NULL THEN NULL WHEN p.attested THEN p.certain_from
        ELSE date(l.valid_from, '-1 day') END AS certainty_to,
    l.valid AS departed, l.event_id AS departed_event,
    p.event_id AS event, p.source, d.title AS source_title, p.quote,
    p.attested
FROM paired p
LEFT JOIN m l ON l.seq = p.left_seq
LEFT JOIN names g ON g.id = p.group_id
LEFT JOIN names n ON n.id = p.member_id
LEFT JOIN documents d ON d.sha256 = p.source
ORDER BY p.group_id, p.valid_from, p.member_id, p.seq;

-- One row per `role.assigned`: the term (EDTF) may cover `valid_from`..`valid_to`, cut
-- short by the first later `role.ended`. Per docs/dates.md a single date is certain
-- throughout (unless it is one unspecified year or month, `201X`) and `A/B` only from the
-- end of A to the start of B: `certainty` says whether any day of the term is certain,
-- `certainty_from`/`certainty_to` which (NULL there, with `certainty` 'certain', is an
-- open end). An attested role (`attested` 1, `certainty` 'attested') has no known term:
-- certain on its date's last day, carried on after it (`valid_to` NULL) until a
-- `role.ended`, or the end of a known term of the same holder that ends after it began.
-- `decided`: when the term was endorsed or announced, before it began.
CREATE VIEW roles AS
WITH r AS (
    SELECT *, json_extract(payload, '$.group') AS group_id,
        json_extract(payload, '$.role') AS role,
        json_extract(payload, '$.holder') AS holder_id
    FROM live_facts WHERE kind IN ('role.assigned', 'role.ended')
),
terms AS (
    SELECT t.*,
        (
            SELECT e.seq FROM r e
            WHERE e.kind = 'role.ended' AND e.group_id = t.group_id AND e.role = t.role
                AND e.holder_id = t.holder_id
                AND coalesce(e.valid_from, '') >= coalesce(t.valid_from, '')
            ORDER BY e.valid_from, e.seq LIMIT 1
        ) AS ended_seq,
        CASE WHEN t.attested THEN (
            SELECT min(k.valid_to) FROM r k
            WHERE k.kind = 'role.assigned' AND NOT k.attested AND k.group_id = t.group_id
                AND k.role = t.role AND k.holder_id = t.holder_id
                AND k.valid_to >= t.valid_from
        ) END AS known_end
    FROM r t WHERE t.kind = 'role.assigned'
),
bounded AS (
    SELECT t.*, e.valid AS ended, e.event_id AS ended_event,
        CASE WHEN t.attested THEN
                CASE WHEN e.seq IS NULL THEN t.known_end
                    WHEN t.known_end IS NULL OR e.valid_to < t.known_end THEN e.valid_to
                    ELSE t.known_end END
            WHEN e.seq IS NULL THEN t.valid_to
            WHEN t.valid_to IS NULL OR e.valid_to < t.valid_to THEN e.valid_to
            ELSE t.valid_to END AS term_to,
        CASE WHEN t.attested THEN t.certain_from
            WHEN e.seq IS NULL THEN t.term_certain_to
            WHEN t.term_certain_to IS NULL OR date(e.valid_from, '-1 day') < t.term_certain_to
                THEN date(e.valid_from, '-1 day')
            ELSE t.term_certain_to END AS c1_cut
    FROM terms t LEFT JOIN r e ON e.seq = t.ended_seq
),
rated AS (
    SELECT *,
        CASE WHEN attested THEN certain_from ELSE term_certain_from END AS c0,
        CASE WHEN attested THEN certain_from IS NOT NULL
            ELSE NOT qualified AND term_certain
                AND (term_certain_from IS NULL OR c1_cut IS NULL OR term_certain_from <= c1_cut)
        END AS sure
    FROM bounded
)
SELECT t.group_id, g.label AS group_name, t.role, t.holder_id, h.label AS holder_name,
    json_extract(t.payload, '$.representative') AS representative_id,
    p.name AS representative_name,
    t.valid AS term, t.valid_from, t.term_to AS valid_to,
    CASE WHEN NOT t.sure THEN 'possible' WHEN t.attested THEN 'attested' ELSE 'certain' END
        AS certainty,
    CASE WHEN t.sure THEN t.c0 END AS certainty_from,
    CASE WHEN t.sure THEN t.c1_cut END AS certainty_to,
    t.ended, t.ended_event,
    t.event_id AS event, t.source, d.title AS source_title, t.quote,
    t.attested, json_extract(t.payload, '$.decided') AS decided
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
    f.certain_from AS certainty_from,
    f.event_id AS event, f.source, d.title AS source_title, f.quote
FROM live_facts f LEFT JOIN documents d ON d.sha256 = f.source
WHERE f.kind = 'call.issued'
ORDER BY f.valid_from, call_id, f.seq;

-- One row per item of each `commitment.set`, at `position` 1, 2, ... `revision` numbers
-- the versions in valid-time order (1 is the first); an attested set repeating the items
-- of the version before it attests that version and keeps its number. A row is in force
-- from `in_force_from` (certainly from `certainty_from`; an attested one is carried on
-- after it, `attested` 1) until `superseded_from`, the first day of the next set of that
-- commitment or of a `commitment.withdrawn` (`superseded_by` names that event).
CREATE VIEW commitment_items AS
WITH c AS (
    SELECT *, json_extract(payload, '$.commitment') AS commitment_id,
        lead(valid_from) OVER w AS next_from, lead(event_id) OVER w AS next_event,
        lag(kind) OVER w AS before_kind, lag(payload) OVER w AS before_payload
    FROM live_facts WHERE kind IN ('commitment.set', 'commitment.withdrawn')
    WINDOW w AS (PARTITION BY json_extract(payload, '$.commitment') ORDER BY valid_from, seq)
),
sets AS (
    SELECT *,
        coalesce(attested AND before_kind = 'commitment.set'
            AND json_extract(payload, '$.owner') = json_extract(before_payload, '$.owner')
            AND json_extract(payload, '$.title') = json_extract(before_payload, '$.title')
            AND json_extract(payload, '$.items') = json_extract(before_payload, '$.items'), 0)
            AS attests_before
    FROM c WHERE kind = 'commitment.set'
),
versions AS (
    SELECT *, sum(NOT attests_before) OVER (PARTITION BY commitment_id
        ORDER BY valid_from, seq ROWS UNBOUNDED PRECEDING) AS revision
    FROM sets
)
SELECT v.commitment_id, json_extract(v.payload, '$.owner') AS owner_id, o.label AS owner_name,
    json_extract(v.payload, '$.title') AS title, v.revision,
    i.key + 1 AS position, i.value AS item,
    v.valid, v.valid_from AS in_force_from,
    v.certain_from AS certainty_from,
    v.next_from AS superseded_from, v.next_event AS superseded_by,
    v.event_id AS event, v.source, d.title AS source_title, v.quote,
    v.attested
FROM versions v
JOIN json_each(v.payload, '$.items') i
LEFT JOIN names o ON o.id = json_extract(v.payload, '$.owner')
LEFT JOIN documents d ON d.sha256 = v.source
ORDER BY v.commitment_id, v.revision, v.valid_from, v.seq, position;

-- One row per `instrument.status`: the status holds from `valid_from` (certainly from
-- `certainty_from`; an attested status, `attested` 1, is stated then, not begun) until
-- `superseded_from`, the first day of the next status reported. `published_in`,
-- `amends` (comma-separated ids) and `transposition_deadline` (EDTF) as that report
-- gives them.
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
    s.certain_from AS certainty_from,
    s.next_from AS superseded_from, s.next_event AS superseded_by,
    s.event_id AS event, s.source, d.title AS source_title, s.quote,
    s.attested,
    json_extract(s.payload, '$.published_in') AS published_in,
    (SELECT group_concat(value, ', ') FROM json_each(s.payload, '$.amends')) AS amends,
    json_extract(s.payload, '$.transposition_deadline') AS transposition_deadline
FROM s
LEFT JOIN names n ON n.id = s.instrument_id
LEFT JOIN documents d ON d.sha256 = s.source
ORDER BY s.instrument_id, s.valid_from, s.seq;

-- One row per `statistic.reported`: a figure about `period`, reported at `reported`
-- (from `reported_from`, certainly by `reported_to`). The latest report per indicator
-- counts until `superseded_from`, the first day of the next report of that indicator.
-- `subject_id`: the entity the figure is about.
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
    s.event_id AS event, s.source, d.title AS source_title, s.quote,
    json_extract(s.payload, '$.subject') AS subject_id, j.label AS subject_name
FROM s
LEFT JOIN names n ON n.id = json_extract(s.payload, '$.reported_by')
LEFT JOIN names j ON j.id = json_extract(s.payload, '$.subject')
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

-- One row per `publication.released`; an attested one (`attested` 1) exists by
-- `released_to`, released on some day not given (nothing is said before `released_from`).
CREATE VIEW publications AS
SELECT json_extract(f.payload, '$.publication') AS publication_id,
    json_extract(f.payload, '$.title') AS title,
    json_extract(f.payload, '$.publisher') AS publisher_id, n.label AS publisher_name,
    f.valid AS released, f.valid_from AS released_from, f.valid_to AS released_to,
    f.event_id AS event, f.source, d.title AS source_title, f.quote,
    f.attested
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

-- policylog schema 13: the list columns of the views as JSON arrays (`["org:icat",
-- "org:iom"]`), not comma-joined text, so that a tool reads them as lists: Datasette
-- facets them by array, `json_each` walks them. `[]` when the event gives none. Every
-- other column is as in schema 11. Views only: nothing is stored, nothing to derive.

DROP VIEW meetings;
DROP VIEW instrument_status;
DROP VIEW calls;

-- One row per `call.issued` (a call attested by two documents has two rows). It stands
-- from `issued` on: possibly from `issued_from`, certainly from `certainty_from`.
-- `issuers` and `addressees` are JSON arrays of ids; `actions` is the JSON list the text
-- gives (maybe fewer than `action_count`).
CREATE VIEW calls AS
SELECT json_extract(f.payload, '$.call') AS call_id, json_extract(f.payload, '$.title') AS title,
    (SELECT json_group_array(value) FROM json_each(f.payload, '$.issuers')) AS issuers,
    (SELECT json_group_array(value) FROM json_each(f.payload, '$.addressees')) AS addressees,
    json_extract(f.payload, '$.action_count') AS action_count,
    json_extract(f.payload, '$.actions') AS actions,
    json_extract(f.payload, '$.target') AS target,
    f.valid AS issued, f.valid_from AS issued_from, f.valid_to AS issued_to,
    f.certain_from AS certainty_from,
    f.event_id AS event, f.source, d.title AS source_title, f.quote
FROM live_facts f LEFT JOIN documents d ON d.sha256 = f.source
WHERE f.kind = 'call.issued'
ORDER BY f.valid_from, call_id, f.seq;

-- One row per `instrument.status`: the status holds from `valid_from` (certainly from
-- `certainty_from`; an attested status, `attested` 1, is stated then, not begun) until
-- `superseded_from`, the first day of the next status reported. `published_in`,
-- `amends` (a JSON array of ids) and `transposition_deadline` (EDTF) as that report
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
    (SELECT json_group_array(value) FROM json_each(s.payload, '$.amends')) AS amends,
    json_extract(s.payload, '$.transposition_deadline') AS transposition_deadline
FROM s
LEFT JOIN names n ON n.id = s.instrument_id
LEFT JOIN documents d ON d.sha256 = s.source
ORDER BY s.instrument_id, s.valid_from, s.seq;

-- One row per `meeting.held`; `organisers` and `participants` are JSON arrays of ids.
CREATE VIEW meetings AS
SELECT json_extract(f.payload, '$.meeting') AS meeting_id,
    json_extract(f.payload, '$.title') AS title,
    (SELECT json_group_array(value) FROM json_each(f.payload, '$.organisers')) AS organisers,
    (SELECT json_group_array(value) FROM json_each(f.payload, '$.participants')) AS participants,
    json_extract(f.payload, '$.place') AS place,
    f.valid AS held, f.valid_from AS held_from, f.valid_to AS held_to,
    f.event_id AS event, f.source, d.title AS source_title, f.quote
FROM live_facts f LEFT JOIN documents d ON d.sha256 = f.source
WHERE f.kind = 'meeting.held'
ORDER BY f.valid_from, meeting_id, f.seq;

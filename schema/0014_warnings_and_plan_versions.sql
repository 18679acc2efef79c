-- Early warnings (src/integration/warnings.rs) read, for the arcs in integration, their resolved
-- check-ins, counted scores, signed notes' wellbeing and milestones on every dashboard call; these
-- indexes let each read walk an index alone. And which alerts the scheduler has notified, once each.

CREATE INDEX checkin_history_by_arc ON checkin (arc_id, due_at, status, resolved_at, id) WHERE status <> 'due';

CREATE INDEX measure_response_counted ON measure_response (arc_id, measure, administered_at, id, timepoint, total)
    WHERE withdrawn_at IS NULL AND total IS NOT NULL;

CREATE INDEX document_signed_wellbeing ON document (arc_id, created_at, id, json_extract(answers, '$.wellbeing'))
    WHERE state = 'signed' AND withdrawn_at IS NULL;

CREATE TABLE alert_notice (
    key             TEXT PRIMARY KEY,
    notification_id TEXT NOT NULL REFERENCES notification (id),
    delivered_at    TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Plan versions: every save of a plan (an edit, a step moved by a timeline suggestion) keeps the
-- whole plan as it then stood, numbered from 1, with what changed. Check-ins copied their step when
-- queued, so no version ever moves one. The plans that exist start at version 1.
CREATE TABLE plan_version (
    plan_id           TEXT NOT NULL REFERENCES plan (id),
    version           INTEGER NOT NULL CHECK (version >= 1),
    name              TEXT NOT NULL,
    baseline_measures TEXT NOT NULL CHECK (json_valid(baseline_measures) AND json_type(baseline_measures) = 'array'),
    steps             TEXT NOT NULL CHECK (json_valid(steps) AND json_type(steps) = 'array'),
    saved_at          TEXT NOT NULL,
    note              TEXT,
    PRIMARY KEY (plan_id, version)
) STRICT, WITHOUT ROWID;

INSERT INTO plan_version (plan_id, version, name, baseline_measures, steps, saved_at, note)
SELECT p.id, 1, p.name, p.baseline_measures,
    (SELECT json_group_array(json_object(
            'offset', json_object('amount', s.amount, 'unit', s.unit),
            'purpose', s.purpose,
            'prompts', json(s.prompts),
            'measures', json(s.measures),
            'reassessment', json(CASE WHEN s.reassessment THEN 'true' ELSE 'false' END)))
     FROM (SELECT * FROM plan_step WHERE plan_id = p.id ORDER BY position) s),
    p.updated_at, NULL
FROM plan p;

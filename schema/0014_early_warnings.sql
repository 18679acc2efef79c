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

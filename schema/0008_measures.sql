-- Outcome measures given on an arc (PHQ-9, GAD-7, WHO-5, PCL-5, EBI; defined in src/measures/library).
-- The score is computed by the core when the response is saved, with the measure version kept
-- beside it; a response is never edited, only withdrawn with a reason.
CREATE TABLE measure_response (
    id               TEXT PRIMARY KEY,
    arc_id           TEXT NOT NULL REFERENCES arc (id),
    measure          TEXT NOT NULL,
    measure_version  INTEGER NOT NULL CHECK (measure_version >= 1),
    timepoint        TEXT NOT NULL CHECK (timepoint IN ('baseline', 'after_administration', 'follow_up', 'other')),
    administered_at  TEXT NOT NULL,
    administered_tz  TEXT NOT NULL,
    checkin_id       TEXT REFERENCES checkin (id),
    session_id       TEXT REFERENCES session (id),
    answers          TEXT NOT NULL CHECK (json_valid(answers) AND json_type(answers) = 'object'),
    total            REAL,              -- NULL when more items are missing than the measure allows
    band             TEXT,
    critical         TEXT CHECK (critical IS NULL OR json_valid(critical)),  -- critical findings, NULL when none
    created_at       TEXT NOT NULL,
    withdrawn_at     TEXT,
    withdrawn_reason TEXT,
    CHECK ((withdrawn_at IS NULL) = (withdrawn_reason IS NULL))
) STRICT;
CREATE INDEX measure_response_by_arc ON measure_response (arc_id, measure, administered_at);
-- The alerts read only the critical responses still counted.
CREATE INDEX measure_response_critical ON measure_response (administered_at) WHERE critical IS NOT NULL AND withdrawn_at IS NULL;

-- The measurement schedule: measures a plan asks for at baseline and at each step; a check-in
-- keeps the measures of the step it was queued from (editing the plan later changes no check-in).
ALTER TABLE plan ADD COLUMN baseline_measures TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(baseline_measures) AND json_type(baseline_measures) = 'array');
ALTER TABLE plan_step ADD COLUMN measures TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(measures) AND json_type(measures) = 'array');
ALTER TABLE checkin ADD COLUMN measures TEXT NOT NULL DEFAULT '[]'
    CHECK (json_valid(measures) AND json_type(measures) = 'array');
-- The dashboard lists open check-ins from this index alone; it now carries their measures too.
DROP INDEX checkin_open_by_due;
CREATE INDEX checkin_open_by_due ON checkin (due_at, id, arc_id, series, step, offset_amount, offset_unit, due_tz, purpose, prompts, measures)
    WHERE status = 'due';

-- The shipped standard plan's schedule (its steps matched by offset, so an edited plan keeps what
-- it was given): depression, anxiety and well-being at baseline and at 1 and 3 months; the
-- Emotional Breakthrough Inventory with the 24-hour check-in.
UPDATE plan SET baseline_measures = '["phq9","gad7","who5"]' WHERE id = '00000000-0000-4000-8000-000000000001';
UPDATE plan_step SET measures = '["ebi"]'
    WHERE plan_id = '00000000-0000-4000-8000-000000000001' AND amount = 24 AND unit = 'hours';
UPDATE plan_step SET measures = '["phq9","gad7","who5"]'
    WHERE plan_id = '00000000-0000-4000-8000-000000000001' AND ((amount = 1 AND unit = 'months') OR (amount = 3 AND unit = 'months'));

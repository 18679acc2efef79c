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

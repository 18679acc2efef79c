-- The Outcomes screen reads every check-in's course (src/integration/course.rs). SQLite's cost per
-- row grows with each column it hands over, and the course's text instants were parsed again on
-- every reading: the seven columns of `checkin_course` cost 2.3x its arc id alone. These columns
-- say the same in numbers, three in place of six, computed by SQLite from the row and never
-- written by the app, so they cannot drift from it. VIRTUAL: they live only in the index below,
-- which SQLite reads without touching the table (its plan says "USING INDEX", not COVERING, for
-- indexed generated columns; `insight_reads_walk_indexes_only` checks the bytecode instead).

-- `due_at` in whole Unix seconds.
ALTER TABLE checkin ADD COLUMN course_due INTEGER GENERATED ALWAYS AS (unixepoch(due_at)) VIRTUAL;
-- What became of it: NULL while due; else `resolved_at` in whole Unix seconds times 2, plus 1 when
-- it was skipped (completed when even).
ALTER TABLE checkin ADD COLUMN course_fate INTEGER
    GENERATED ALWAYS AS (unixepoch(resolved_at) * 2 + (status = 'skipped')) VIRTUAL;
-- The plan step's offset it was queued from: NULL for one added by hand; else the amount times 4
-- plus the unit (0 hours, 1 days, 2 weeks, 3 months).
ALTER TABLE checkin ADD COLUMN course_step INTEGER GENERATED ALWAYS AS (
    CASE WHEN step IS NOT NULL THEN offset_amount * 4
        + CASE offset_unit WHEN 'hours' THEN 0 WHEN 'days' THEN 1 WHEN 'weeks' THEN 2 WHEN 'months' THEN 3 END
    END) VIRTUAL;

DROP INDEX checkin_course;
CREATE INDEX checkin_course ON checkin (arc_id, course_due, course_fate, course_step);

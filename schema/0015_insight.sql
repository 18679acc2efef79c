-- The Outcomes screen (src/integration/insight.rs) reads the whole practice at once: every arc, its
-- check-ins, its scores. These let each of its reads walk one index or one narrow table instead of
-- the wide rows (a check-in's prompts, a document's answers) it does not need. Every column a read
-- names is in its index, the partial indexes' conditions included, so no read touches a table row
-- (`EXPLAIN QUERY PLAN` says COVERING INDEX for each; `insight_reads_walk_indexes_only` holds it).

-- Each check-in's course, in arc order: due, what became of it, from which plan step.
CREATE INDEX checkin_course ON checkin (arc_id, due_at, status, resolved_at, offset_amount, offset_unit, step);

-- When each arc was first dosed and first reached completion: small partial indexes, so that reading
-- them for every arc walks a few pages instead of every session and every phase change.
CREATE INDEX session_dosed ON session (arc_id, ended_at, kind, status) WHERE kind = 'administration' AND status = 'completed';
CREATE INDEX arc_event_completion ON arc_event (arc_id, at, to_phase) WHERE to_phase = 'completion';

-- Each arc's plan, without its wider row.
CREATE INDEX arc_plan ON arc (id, plan_id);

-- A measure's counted scores, arc by arc in time order, with what the score means.
ALTER TABLE measure_response ADD COLUMN criterion TEXT;  -- the subscale criterion met ("Complete mystical experience"), else NULL
CREATE INDEX measure_response_by_measure ON measure_response (measure, arc_id, administered_at, id, timepoint, total, band, criterion, withdrawn_at)
    WHERE withdrawn_at IS NULL AND total IS NOT NULL;

-- What each arc's first signed administration record (as amended) says was given: the substances
-- (joined with " + " when mixed) and the total mg. Kept by the core when an administration record is
-- signed or amended (`documents::document::keep_given`); `Integration::verify_derived` compares it
-- with the records.
CREATE TABLE arc_given (
    arc_id      TEXT PRIMARY KEY REFERENCES arc (id),
    document_id TEXT NOT NULL REFERENCES document (id),
    substance   TEXT,
    dose_mg     REAL
) STRICT, WITHOUT ROWID;

-- Derived values the core fills in Rust after a migration (the scores' criteria, `arc_given`): a
-- row here is work still to do; opening a practice does it and deletes the row in one transaction.
CREATE TABLE derived_pending (
    name TEXT PRIMARY KEY CHECK (name IN ('arc_given', 'measure_criterion'))
) STRICT, WITHOUT ROWID;
INSERT INTO derived_pending (name) VALUES ('arc_given'), ('measure_criterion');

-- Re-assessment, referral alerts, the MEQ-30 in the standard plan, and the facilitator's approach
-- tags (issue 8).

-- Re-assessment points: a plan step may ask for the re-assessment form instead of the integration
-- note; a check-in keeps that from the step it was queued from, like its purpose and measures.
ALTER TABLE plan_step ADD COLUMN reassessment INTEGER NOT NULL DEFAULT 0 CHECK (reassessment IN (0, 1));
ALTER TABLE checkin ADD COLUMN reassessment INTEGER NOT NULL DEFAULT 0 CHECK (reassessment IN (0, 1));
DROP INDEX checkin_open_by_due;
CREATE INDEX checkin_open_by_due ON checkin (due_at, id, arc_id, series, step, offset_amount, offset_unit, due_tz, purpose, prompts, measures, reassessment)
    WHERE status = 'due';
-- The shipped standard plan re-assesses at 1 and 3 months (matched by offset, as in 0008).
UPDATE plan_step SET reassessment = 1
    WHERE plan_id = '00000000-0000-4000-8000-000000000001' AND ((amount = 1 AND unit = 'months') OR (amount = 3 AND unit = 'months'));

-- The MEQ-30 joins the EBI the day after the dosing session in the shipped standard plan (if
-- that step still asks for the EBI alone: a plan the facilitator changed is left as it is).
UPDATE plan_step SET measures = '["ebi","meq30"]'
    WHERE plan_id = '00000000-0000-4000-8000-000000000001' AND amount = 24 AND unit = 'hours' AND measures = '["ebi"]';

-- Alerts a signed document raises through a field's alert rule (the re-assessment's "referral
-- needed"): kept in step with the document's current answers at signing and at each amendment.
-- The alert itself is derived (key `document:<document id>:<field>`) and acknowledged like any other.
CREATE TABLE document_alert (
    document_id TEXT NOT NULL REFERENCES document (id),
    arc_id      TEXT NOT NULL REFERENCES arc (id),
    field       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    detail      TEXT,
    raised_at   TEXT NOT NULL,
    PRIMARY KEY (document_id, field)
) STRICT;

-- The facilitator's approach tags on an arc (somatic, IFS, mindfulness, …), for the analytics.
CREATE TABLE arc_approach (
    arc_id TEXT NOT NULL REFERENCES arc (id),
    tag    TEXT NOT NULL,
    PRIMARY KEY (arc_id, tag)
) STRICT;
CREATE INDEX arc_approach_by_tag ON arc_approach (tag);

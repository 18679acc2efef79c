-- 0002: the integration engine: follow-up plans, check-ins, integration notes, milestones, alert state.

-- Days without contact, while a check-in is past due, before an arc counts as stalled.
ALTER TABLE profile ADD COLUMN stall_days INTEGER NOT NULL DEFAULT 14 CHECK (stall_days BETWEEN 1 AND 365);

CREATE TABLE plan (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
-- At most one default plan.
CREATE UNIQUE INDEX plan_single_default ON plan (is_default) WHERE is_default = 1;

CREATE TABLE plan_step (
    plan_id  TEXT NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 1),
    amount   INTEGER NOT NULL CHECK (amount > 0),
    unit     TEXT NOT NULL CHECK (unit IN ('hours', 'days', 'weeks', 'months')),
    purpose  TEXT NOT NULL,
    prompts  TEXT NOT NULL CHECK (json_valid(prompts) AND json_type(prompts) = 'array'),
    PRIMARY KEY (plan_id, position)
) STRICT, WITHOUT ROWID;

-- The plan an arc follows; NULL means the default plan.
ALTER TABLE arc ADD COLUMN plan_id TEXT REFERENCES plan (id);

-- Integration notes. (Templates, signing and amendments come with the documentation work.)
CREATE TABLE note (
    id         TEXT PRIMARY KEY,
    arc_id     TEXT NOT NULL REFERENCES arc (id),
    kind       TEXT NOT NULL CHECK (kind IN ('integration')),
    body       TEXT NOT NULL,
    written_at TEXT NOT NULL,
    written_tz TEXT NOT NULL
) STRICT;
CREATE INDEX note_by_arc ON note (arc_id, written_at);

CREATE TABLE checkin (
    id            TEXT PRIMARY KEY,
    arc_id        TEXT NOT NULL REFERENCES arc (id),
    series        INTEGER NOT NULL CHECK (series >= 1),
    step          INTEGER,              -- position in the plan it was queued from; NULL when added ad hoc
    offset_amount INTEGER,
    offset_unit   TEXT CHECK (offset_unit IN ('hours', 'days', 'weeks', 'months')),
    anchor_at     TEXT,                 -- the administration end it was computed from
    purpose       TEXT NOT NULL,
    prompts       TEXT NOT NULL CHECK (json_valid(prompts) AND json_type(prompts) = 'array'),
    due_at        TEXT NOT NULL,
    due_tz        TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('due', 'completed', 'skipped')),
    resolved_at   TEXT,                 -- when the contact happened, or when it was skipped
    note_id       TEXT REFERENCES note (id),
    skip_reason   TEXT,
    created_at    TEXT NOT NULL,
    CHECK ((status = 'due') = (resolved_at IS NULL)),
    CHECK (status <> 'completed' OR note_id IS NOT NULL),
    CHECK (status <> 'skipped' OR skip_reason IS NOT NULL)
) STRICT;
-- Every column the dashboard lists of an open check-in, so that listing them is one index range scan.
CREATE INDEX checkin_open_by_due ON checkin (due_at, id, arc_id, series, step, offset_amount, offset_unit, due_tz, purpose, prompts)
    WHERE status = 'due';
CREATE INDEX checkin_by_arc ON checkin (arc_id, status, resolved_at);
CREATE INDEX checkin_due_by_arc ON checkin (arc_id, due_at) WHERE status = 'due';

-- Every change of a check-in: queued, added, rescheduled (old and new time), completed, skipped.
CREATE TABLE checkin_event (
    checkin_id TEXT NOT NULL REFERENCES checkin (id),
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('queued', 'added', 'rescheduled', 'completed', 'skipped')),
    at         TEXT NOT NULL,
    old_due_at TEXT,
    new_due_at TEXT,
    reason     TEXT,
    PRIMARY KEY (checkin_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE milestone (
    id          TEXT PRIMARY KEY,
    arc_id      TEXT NOT NULL REFERENCES arc (id),
    title       TEXT NOT NULL CHECK (length(trim(title)) > 0),
    category    TEXT NOT NULL,          -- mind, body, spirit, lifestyle, relationships, nature, or the facilitator's own word
    target_date TEXT,
    status      TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'achieved', 'maintaining', 'lapsed')),
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX milestone_by_arc ON milestone (arc_id, status);

CREATE TABLE milestone_event (
    milestone_id TEXT NOT NULL REFERENCES milestone (id),
    seq          INTEGER NOT NULL,
    from_status  TEXT,
    to_status    TEXT NOT NULL,
    at           TEXT NOT NULL,
    tz           TEXT NOT NULL,
    note         TEXT,
    PRIMARY KEY (milestone_id, seq)
) STRICT, WITHOUT ROWID;

-- What the facilitator did with an alert, by the key of the fact it is about.
CREATE TABLE alert_state (
    key             TEXT PRIMARY KEY,
    acknowledged_at TEXT,
    snoozed_until   TEXT,
    updated_at      TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- For the dashboard: arcs in integration, and the latest held integration session per arc.
CREATE INDEX session_held_by_arc ON session (arc_id, kind, ended_at) WHERE status = 'completed';

-- The shipped default plan. Its id is fixed so that a later migration can find it.
INSERT INTO plan (id, name, is_default, created_at, updated_at)
VALUES ('00000000-0000-4000-8000-000000000001', 'Standard integration', 1, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
INSERT INTO plan_step (plan_id, position, amount, unit, purpose, prompts) VALUES
('00000000-0000-4000-8000-000000000001', 1, 24, 'hours', 'Immediate processing, safety and sleep',
 json_array('How are you feeling in your body and mind today?', 'How did you sleep last night?',
            'Do you feel safe and supported right now? Is anything worrying you?',
            'Is there anything from the session you would like to talk through soon?')),
('00000000-0000-4000-8000-000000000001', 2, 72, 'hours', 'Mood, emerging insights and delayed processing',
 json_array('How has your mood been over the last few days?', 'Which insights or images keep returning?',
            'Has anything surfaced that you did not expect?')),
('00000000-0000-4000-8000-000000000001', 3, 1, 'weeks', 'Integration practices and daily life',
 json_array('Which practices (journaling, movement, time in nature) are you keeping up?',
            'What has changed in how you relate to your intention?', 'What support would help you this week?')),
('00000000-0000-4000-8000-000000000001', 4, 2, 'weeks', 'Relationships and first changes',
 json_array('Have the people close to you noticed any change?', 'Which insight are you turning into action?',
            'Where do you feel stuck?')),
('00000000-0000-4000-8000-000000000001', 5, 1, 'months', 'Consolidation and milestones',
 json_array('Which changes have held, and which have faded?', 'Which milestones would you like to set or revisit?',
            'How are sleep, mood and energy compared with before the session?')),
('00000000-0000-4000-8000-000000000001', 6, 3, 'months', 'Long-term behavioural integration and re-assessment',
 json_array('Looking back over three months, what has changed in your life?', 'What still feels unfinished?',
            'Do you feel ready to close this arc, or would more support help?'));

-- What the dashboard needs of each arc, computed (`arc_facts_now`) and kept (`arc_facts`, current by the
-- triggers below) so that reading it is one row per arc instead of six index seeks. These are caches of
-- facts, not statuses: the integration status is still derived from them and the clock on every read.
-- `Practice::verify_derived` compares the kept rows with the computed ones.
CREATE VIEW arc_facts_now AS
SELECT a.id AS arc_id,
    (SELECT max(ended_at) FROM session WHERE arc_id = a.id AND kind = 'administration' AND status = 'completed') AS anchor_at,
    (SELECT max(ended_at) FROM session WHERE arc_id = a.id AND kind = 'integration' AND status = 'completed') AS last_session_at,
    EXISTS (SELECT 1 FROM checkin WHERE arc_id = a.id) AS has_checkins,
    (SELECT max(resolved_at) FROM checkin WHERE arc_id = a.id AND status = 'completed') AS last_contact_at,
    (SELECT min(due_at) FROM checkin WHERE arc_id = a.id AND status = 'due') AS next_due_at,
    (SELECT count(*) FROM milestone WHERE arc_id = a.id AND status IN ('planned', 'in_progress')) AS open_milestones
FROM arc a;

CREATE TABLE arc_facts (
    arc_id          TEXT PRIMARY KEY REFERENCES arc (id),
    anchor_at       TEXT,              -- end of the latest completed administration session
    last_session_at TEXT,              -- end of the latest held integration session
    has_checkins    INTEGER NOT NULL,
    last_contact_at TEXT,              -- latest contact on a completed check-in
    next_due_at     TEXT,              -- soonest due time of a check-in still due
    open_milestones INTEGER NOT NULL   -- planned or in progress
) STRICT, WITHOUT ROWID;
INSERT INTO arc_facts SELECT * FROM arc_facts_now;

CREATE TRIGGER arc_facts_for_new_arc AFTER INSERT ON arc BEGIN
    INSERT INTO arc_facts SELECT * FROM arc_facts_now WHERE arc_id = NEW.id;
END;
CREATE TRIGGER checkin_facts_insert AFTER INSERT ON checkin BEGIN
    INSERT OR REPLACE INTO arc_facts SELECT * FROM arc_facts_now WHERE arc_id = NEW.arc_id;
END;
CREATE TRIGGER checkin_facts_update AFTER UPDATE ON checkin BEGIN
    INSERT OR REPLACE INTO arc_facts SELECT * FROM arc_facts_now WHERE arc_id = NEW.arc_id;
END;
CREATE TRIGGER session_facts_insert AFTER INSERT ON session BEGIN
    INSERT OR REPLACE INTO arc_facts SELECT * FROM arc_facts_now WHERE arc_id = NEW.arc_id;
END;
CREATE TRIGGER session_facts_update AFTER UPDATE ON session BEGIN
    INSERT OR REPLACE INTO arc_facts SELECT * FROM arc_facts_now WHERE arc_id = NEW.arc_id;
END;
CREATE TRIGGER milestone_facts_insert AFTER INSERT ON milestone BEGIN
    INSERT OR REPLACE INTO arc_facts SELECT * FROM arc_facts_now WHERE arc_id = NEW.arc_id;
END;
CREATE TRIGGER milestone_facts_update AFTER UPDATE ON milestone BEGIN
    INSERT OR REPLACE INTO arc_facts SELECT * FROM arc_facts_now WHERE arc_id = NEW.arc_id;
END;

-- How many arcs are in each phase, kept by triggers (counting 25,000 index entries per call is not).
CREATE TABLE arc_phase_count (
    phase TEXT PRIMARY KEY,
    arcs  INTEGER NOT NULL CHECK (arcs >= 0)
) STRICT, WITHOUT ROWID;
INSERT INTO arc_phase_count (phase, arcs)
SELECT p.phase, (SELECT count(*) FROM arc WHERE arc.phase = p.phase)
FROM (SELECT 'inquiry' AS phase UNION ALL SELECT 'preparation' UNION ALL SELECT 'administration' UNION ALL
      SELECT 'integration' UNION ALL SELECT 'completion' UNION ALL SELECT 'withdrawn' UNION ALL SELECT 'referred_out') p;

CREATE TRIGGER arc_counted AFTER INSERT ON arc BEGIN
    UPDATE arc_phase_count SET arcs = arcs + 1 WHERE phase = NEW.phase;
END;
CREATE TRIGGER arc_recounted AFTER UPDATE OF phase ON arc WHEN OLD.phase <> NEW.phase BEGIN
    UPDATE arc_phase_count SET arcs = arcs - 1 WHERE phase = OLD.phase;
    UPDATE arc_phase_count SET arcs = arcs + 1 WHERE phase = NEW.phase;
END;

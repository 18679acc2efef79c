-- Retreats (ARCHITECTURE.md "Retreats") and schedules that bend ("Schedules that bend").

-- A retreat: a group of arcs dosed together. Days are local dates (YYYY-MM-DD) in the
-- facilitator's zone; `facilitators` is how many are present, for Oregon's group ratio.
CREATE TABLE retreat (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    place        TEXT,
    starts_on    TEXT NOT NULL CHECK (starts_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    ends_on      TEXT NOT NULL CHECK (ends_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    facilitators INTEGER NOT NULL DEFAULT 1 CHECK (facilitators BETWEEN 1 AND 25),
    created_at   TEXT NOT NULL,
    CHECK (ends_on >= starts_on)
) STRICT;

-- Who is at a retreat: one arc per participant.
CREATE TABLE retreat_arc (
    retreat_id TEXT NOT NULL REFERENCES retreat (id),
    arc_id     TEXT NOT NULL REFERENCES arc (id),
    added_at   TEXT NOT NULL,
    PRIMARY KEY (retreat_id, arc_id)
) STRICT;
CREATE INDEX retreat_arc_by_arc ON retreat_arc (arc_id);

-- A session scheduled for a retreat's group dosing.
ALTER TABLE session ADD COLUMN retreat_id TEXT REFERENCES retreat (id);
CREATE INDEX session_by_retreat ON session (retreat_id, scheduled_at) WHERE retreat_id IS NOT NULL;

-- An arc whose follow-ups are paused: at most one pause at a time; resuming deletes it (the
-- history is in `schedule_change`). `until` is the last local day paused, NULL until resumed.
CREATE TABLE arc_pause (
    arc_id    TEXT PRIMARY KEY REFERENCES arc (id),
    since     TEXT NOT NULL,
    until     TEXT CHECK (until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    reason    TEXT
) STRICT;

-- Every change to an arc's schedule as a whole: shift, pause, resume, switch plan, add a series.
-- Each check-in moved also has its own `rescheduled` event with its old and new time.
CREATE TABLE schedule_change (
    arc_id  TEXT NOT NULL REFERENCES arc (id),
    seq     INTEGER NOT NULL,
    kind    TEXT NOT NULL CHECK (kind IN ('shift', 'pause', 'resume', 'switch_plan', 'add_series')),
    at      TEXT NOT NULL,
    tz      TEXT NOT NULL,
    detail  TEXT NOT NULL,
    reason  TEXT,
    moved   INTEGER NOT NULL CHECK (moved >= 0),
    PRIMARY KEY (arc_id, seq)
) STRICT;

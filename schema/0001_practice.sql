-- 0001: the practice. Shipped migrations are never edited; add a new numbered file instead.
-- Times are UTC RFC 3339 text with milliseconds and 'Z' (text order is time order); each sits
-- beside the zone it was entered in (*_tz). Ids are UUID v4 text.

CREATE TABLE profile (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    name         TEXT NOT NULL CHECK (length(trim(name)) > 0),
    timezone     TEXT NOT NULL,
    checkin_time TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE TABLE participant (
    id                TEXT PRIMARY KEY,
    name              TEXT NOT NULL CHECK (length(trim(name)) > 0),
    pronouns          TEXT,
    contact           TEXT,
    emergency_contact TEXT,
    date_of_birth     TEXT,
    notes             TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;

CREATE TABLE participant_tag (
    participant_id TEXT NOT NULL REFERENCES participant (id) ON DELETE CASCADE,
    tag            TEXT NOT NULL,
    PRIMARY KEY (participant_id, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX participant_tag_by_tag ON participant_tag (tag);

CREATE TABLE arc (
    id             TEXT PRIMARY KEY,
    participant_id TEXT NOT NULL REFERENCES participant (id),
    intention      TEXT,
    phase          TEXT NOT NULL CHECK (phase IN ('inquiry', 'preparation', 'administration', 'integration',
                                                  'completion', 'withdrawn', 'referred_out')),
    opened_at      TEXT NOT NULL,
    opened_tz      TEXT NOT NULL,
    closed_at      TEXT,
    closed_tz      TEXT,
    CHECK ((closed_at IS NULL) = (phase NOT IN ('completion', 'withdrawn', 'referred_out')))
) STRICT;
CREATE INDEX arc_by_participant ON arc (participant_id, opened_at);
-- Covering for the dashboard's walk over the arcs of one phase.
CREATE INDEX arc_by_phase ON arc (phase, id, participant_id);

-- Every phase change of an arc, in order; the first row (from_phase NULL) is the opening.
CREATE TABLE arc_event (
    arc_id     TEXT NOT NULL REFERENCES arc (id),
    seq        INTEGER NOT NULL,
    from_phase TEXT,
    to_phase   TEXT NOT NULL,
    at         TEXT NOT NULL,
    tz         TEXT NOT NULL,
    reason     TEXT,
    PRIMARY KEY (arc_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE session (
    id            TEXT PRIMARY KEY,
    arc_id        TEXT NOT NULL REFERENCES arc (id),
    kind          TEXT NOT NULL CHECK (kind IN ('consultation', 'preparation', 'administration', 'integration')),
    status        TEXT NOT NULL CHECK (status IN ('scheduled', 'completed', 'cancelled', 'no_show')),
    scheduled_at  TEXT NOT NULL,
    scheduled_tz  TEXT NOT NULL,
    started_at    TEXT,
    started_tz    TEXT,
    ended_at      TEXT,
    ended_tz      TEXT,
    location      TEXT,
    status_reason TEXT,
    CHECK (ended_at IS NULL OR (started_at IS NOT NULL AND ended_at > started_at)),
    CHECK ((status = 'completed') = (ended_at IS NOT NULL))
) STRICT;
CREATE INDEX session_by_arc ON session (arc_id, scheduled_at);
CREATE INDEX session_by_status_time ON session (status, scheduled_at);

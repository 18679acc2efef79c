-- Phase documents: versioned templates, documents written with a template version, their history
-- (signing, amendments, withdrawal), and the screening flags they raise.

CREATE TABLE template (
    id          TEXT PRIMARY KEY,
    family      TEXT NOT NULL,          -- stable across versions: 'arcwell.screening', 'custom.<uuid>'
    version     INTEGER NOT NULL CHECK (version >= 1),
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    phase       TEXT NOT NULL CHECK (phase IN ('preparation', 'screening', 'consent', 'administration', 'integration')),
    description TEXT NOT NULL DEFAULT '',
    fields      TEXT NOT NULL CHECK (json_valid(fields) AND json_type(fields) = 'array'),
    copied_from TEXT REFERENCES template (id),
    created_at  TEXT NOT NULL,
    UNIQUE (family, version)
) STRICT;

CREATE TABLE document (
    id          TEXT PRIMARY KEY,
    arc_id      TEXT NOT NULL REFERENCES arc (id),
    template_id TEXT NOT NULL REFERENCES template (id),
    session_id  TEXT REFERENCES session (id),
    checkin_id  TEXT REFERENCES checkin (id),
    title       TEXT NOT NULL,
    answers     TEXT NOT NULL CHECK (json_valid(answers) AND json_type(answers) = 'object'),
    state       TEXT NOT NULL CHECK (state IN ('draft', 'signed')),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    signed_at   TEXT,
    written_tz  TEXT NOT NULL,
    withdrawn_at TEXT,
    CHECK ((state = 'signed') = (signed_at IS NOT NULL)),
    CHECK (withdrawn_at IS NULL OR state = 'signed')
) STRICT;
CREATE INDEX document_by_arc ON document (arc_id, created_at);

-- The history of a document after it was drafted: signed, amended (with the changed answers), withdrawn.
CREATE TABLE document_event (
    document_id TEXT NOT NULL REFERENCES document (id),
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('signed', 'amended', 'withdrawn')),
    at          TEXT NOT NULL,
    reason      TEXT,
    changes     TEXT CHECK (changes IS NULL OR (json_valid(changes) AND json_type(changes) = 'object')),
    PRIMARY KEY (document_id, seq),
    CHECK (kind = 'signed' OR reason IS NOT NULL),
    CHECK ((kind = 'amended') = (changes IS NOT NULL))
) STRICT, WITHOUT ROWID;

CREATE TABLE screening_flag (
    id              TEXT PRIMARY KEY,
    document_id     TEXT NOT NULL REFERENCES document (id),
    arc_id          TEXT NOT NULL REFERENCES arc (id),
    field           TEXT NOT NULL,
    reason          TEXT NOT NULL,
    raised_at       TEXT NOT NULL,
    acknowledged_at TEXT,
    ack_reason      TEXT,
    CHECK ((acknowledged_at IS NULL) = (ack_reason IS NULL)),
    UNIQUE (document_id, field)
) STRICT;
CREATE INDEX screening_flag_open_by_arc ON screening_flag (arc_id) WHERE acknowledged_at IS NULL;

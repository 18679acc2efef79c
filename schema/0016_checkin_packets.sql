-- The participant's side of a check-in (ARCHITECTURE.md "The participant's side"): packets written
-- for a participant to fill in offline, and the replies imported from them.

-- The practice's reply key: an age X25519 identity, made with the first packet. Its public half
-- (`recipient`) is what every packet encrypts its reply to.
CREATE TABLE reply_identity (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    secret     TEXT NOT NULL CHECK (secret GLOB 'AGE-SECRET-KEY-1*'),
    recipient  TEXT NOT NULL CHECK (recipient GLOB 'age1*'),
    created_at TEXT NOT NULL
) STRICT;

-- One row per packet file written. What was asked is kept as the page showed it, so a reply is
-- checked against the questions and measures its packet carried, whatever changed since.
CREATE TABLE packet (
    id            TEXT PRIMARY KEY,
    arc_id        TEXT NOT NULL REFERENCES arc (id),
    checkin_id    TEXT REFERENCES checkin (id),
    timepoint     TEXT NOT NULL CHECK (timepoint IN ('baseline', 'follow_up')),
    token_sha256  TEXT NOT NULL CHECK (length(token_sha256) = 64),
    questions     TEXT NOT NULL CHECK (json_valid(questions) AND json_type(questions) = 'array'),
    measures      TEXT NOT NULL CHECK (json_valid(measures) AND json_type(measures) = 'array'),
    first_name    INTEGER NOT NULL CHECK (first_name IN (0, 1)),
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL CHECK (expires_at > created_at),
    answered_at   TEXT,
    reply_sha256  TEXT,
    document_id   TEXT REFERENCES document (id),
    CHECK ((timepoint = 'follow_up') = (checkin_id IS NOT NULL)),
    CHECK ((answered_at IS NULL) = (reply_sha256 IS NULL))
) STRICT;
CREATE INDEX packet_by_arc ON packet (arc_id, created_at);

-- What a participant reported themselves: the packet whose reply brought it.
ALTER TABLE measure_response ADD COLUMN packet_id TEXT REFERENCES packet (id);
ALTER TABLE document ADD COLUMN packet_id TEXT REFERENCES packet (id);

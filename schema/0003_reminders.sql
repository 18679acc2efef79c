-- Reminders: the settings that shape them, the in-app notification centre, and which check-in due
-- times have been delivered (exactly once each).

CREATE TABLE reminder_settings (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    quiet_enabled INTEGER NOT NULL DEFAULT 1 CHECK (quiet_enabled IN (0, 1)),
    quiet_start   TEXT NOT NULL DEFAULT '21:00',   -- local HH:MM in the facilitator's zone
    quiet_end     TEXT NOT NULL DEFAULT '08:00',
    show_names    INTEGER NOT NULL DEFAULT 0 CHECK (show_names IN (0, 1)),
    keep_in_tray  INTEGER NOT NULL DEFAULT 1 CHECK (keep_in_tray IN (0, 1)),
    CHECK (quiet_start <> quiet_end)
) STRICT;
INSERT INTO reminder_settings (id) VALUES (1);

-- One row per notification raised: what the OS was asked to show, and whether it could.
CREATE TABLE notification (
    id         TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    os_outcome TEXT NOT NULL DEFAULT 'pending' CHECK (os_outcome IN ('pending', 'shown', 'unavailable')),
    read_at    TEXT
) STRICT;
CREATE INDEX notification_by_time ON notification (created_at);
CREATE INDEX notification_unread ON notification (created_at) WHERE read_at IS NULL;

-- A check-in at one due time, delivered once. Rescheduling changes due_at, so the new time is due anew.
CREATE TABLE checkin_notice (
    checkin_id      TEXT NOT NULL REFERENCES checkin (id),
    due_at          TEXT NOT NULL,
    notification_id TEXT NOT NULL REFERENCES notification (id),
    delivered_at    TEXT NOT NULL,
    late            TEXT CHECK (late IN ('not_running', 'quiet_hours', 'asleep')),   -- NULL: on time
    PRIMARY KEY (checkin_id, due_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX checkin_notice_by_notification ON checkin_notice (notification_id);

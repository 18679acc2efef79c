-- The audit trail: an append-only, hash-chained log of what was done (ARCHITECTURE.md "The audit
-- trail"). Ids and codes only: no names, note text, answers or paths.
CREATE TABLE audit_entry (
    seq            INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    action         TEXT NOT NULL,
    entity         TEXT NOT NULL,
    entity_id      TEXT,
    participant_id TEXT,
    detail         TEXT,
    hash           BLOB NOT NULL
);

CREATE INDEX audit_by_participant ON audit_entry (participant_id, seq) WHERE participant_id IS NOT NULL;

CREATE TRIGGER audit_entry_is_append_only_update BEFORE UPDATE ON audit_entry
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_entry_is_append_only_delete BEFORE DELETE ON audit_entry
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

-- Locking and retention (ARCHITECTURE.md "Locking", "Retention"): one row.
CREATE TABLE security_settings (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    auto_lock_minutes INTEGER NOT NULL DEFAULT 10 CHECK (auto_lock_minutes BETWEEN 0 AND 480),
    lock_on_sleep     INTEGER NOT NULL DEFAULT 1 CHECK (lock_on_sleep IN (0, 1)),
    retention_years   INTEGER NOT NULL DEFAULT 5 CHECK (retention_years BETWEEN 1 AND 100)
);
INSERT INTO security_settings (id) VALUES (1);

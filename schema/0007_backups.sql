-- Automatic backups: settings, a counter of changes, and every run's outcome.

-- Bumped by every write transaction (Practice::write), so "changed since the last backup" is exact.
CREATE TABLE change_counter (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
) STRICT;
INSERT INTO change_counter (id, n) VALUES (1, 0);

CREATE TABLE backup_settings (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    enabled     INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    folder      TEXT,
    keep        INTEGER NOT NULL CHECK (keep BETWEEN 1 AND 1000),
    every_hours INTEGER NOT NULL CHECK (every_hours BETWEEN 1 AND 720),
    -- Exactly one way to encrypt when enabled: a backup passphrase (this database is encrypted) or
    -- age public keys, one per line.
    passphrase  TEXT,
    recipients  TEXT,
    updated_at  TEXT NOT NULL,
    CHECK (enabled = 0 OR (folder IS NOT NULL AND (passphrase IS NULL) <> (recipients IS NULL)))
) STRICT;
INSERT INTO backup_settings (id, enabled, keep, every_hours, updated_at)
    VALUES (1, 0, 14, 24, '1970-01-01T00:00:00.000Z');

CREATE TABLE backup_run (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    automatic  INTEGER NOT NULL CHECK (automatic IN (0, 1)),
    ok         INTEGER NOT NULL CHECK (ok IN (0, 1)),
    path       TEXT,
    bytes      INTEGER,
    sha256     TEXT,
    -- change_counter.n when the snapshot was taken.
    changes    INTEGER NOT NULL,
    error      TEXT
) STRICT;

-- A random id for the practice, made once. Automatic backups carry its first twelve hex digits in
-- their file names, so that rotating them in a shared folder deletes only this practice's own; a
-- backup's manifest carries it whole. A restore keeps it: the restored practice is the same one.

CREATE TABLE practice_identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    practice_id TEXT NOT NULL CHECK (length(practice_id) = 32 AND practice_id NOT GLOB '*[^0-9a-f]*')
) STRICT;

INSERT INTO practice_identity (id, practice_id) VALUES (1, lower(hex(randomblob(16))));

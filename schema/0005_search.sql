-- Full-text search over participants, integration notes and documents, inside the encrypted file.
-- search_entry holds one row per searchable thing (kept by triggers on its source); search_fts is an
-- FTS5 index over it (external content), kept by the triggers on search_entry.

CREATE TABLE search_entry (
    rowid          INTEGER PRIMARY KEY,
    key            TEXT NOT NULL UNIQUE,      -- 'participant:<id>', 'note:<id>', 'document:<id>'
    kind           TEXT NOT NULL CHECK (kind IN ('participant', 'note', 'document')),
    participant_id TEXT NOT NULL,
    arc_id         TEXT,
    phase          TEXT,                      -- the document's phase; 'integration' for check-in notes
    at             TEXT NOT NULL,             -- when it was written (a participant: when added)
    title          TEXT NOT NULL,
    body           TEXT NOT NULL
) STRICT;
CREATE INDEX search_entry_by_participant ON search_entry (participant_id, at);
CREATE INDEX search_entry_by_time ON search_entry (at);

CREATE VIRTUAL TABLE search_fts USING fts5 (
    title, body, content = 'search_entry', content_rowid = 'rowid', tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN
    INSERT INTO search_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;
CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN
    INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
    INSERT INTO search_fts (rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;

-- What is searchable of each source row.
CREATE VIEW search_participant AS
SELECT 'participant:' || p.id AS key, p.id AS participant_id, p.created_at AS at, p.name AS title,
       concat_ws(' ', p.pronouns, p.contact, p.notes,
                 (SELECT group_concat(t.tag, ' ') FROM participant_tag t WHERE t.participant_id = p.id)) AS body
FROM participant p;

CREATE VIEW search_document AS
SELECT 'document:' || d.id AS key, a.participant_id, d.arc_id, t.phase, d.created_at AS at, d.title,
       concat_ws(' ',
                 (SELECT group_concat(j.value, ' ') FROM json_tree(d.answers) j WHERE j.type = 'text'),
                 (SELECT group_concat(j.value, ' ') FROM document_event e, json_tree(e.changes) j
                   WHERE e.document_id = d.id AND e.changes IS NOT NULL AND j.type = 'text')) AS body,
       d.id AS document_id
FROM document d JOIN arc a ON a.id = d.arc_id JOIN template t ON t.id = d.template_id;

CREATE TRIGGER search_participant_ai AFTER INSERT ON participant BEGIN
    INSERT INTO search_entry (key, kind, participant_id, at, title, body)
    SELECT key, 'participant', participant_id, at, title, coalesce(body, '') FROM search_participant WHERE participant_id = new.id;
END;
CREATE TRIGGER search_participant_au AFTER UPDATE ON participant BEGIN
    UPDATE search_entry SET (title, body) = (SELECT title, coalesce(body, '') FROM search_participant WHERE participant_id = new.id)
    WHERE key = 'participant:' || new.id;
END;
CREATE TRIGGER search_tag_ai AFTER INSERT ON participant_tag BEGIN
    UPDATE search_entry SET body = (SELECT coalesce(body, '') FROM search_participant WHERE participant_id = new.participant_id)
    WHERE key = 'participant:' || new.participant_id;
END;
CREATE TRIGGER search_tag_ad AFTER DELETE ON participant_tag BEGIN
    UPDATE search_entry SET body = (SELECT coalesce(body, '') FROM search_participant WHERE participant_id = old.participant_id)
    WHERE key = 'participant:' || old.participant_id;
END;

CREATE TRIGGER search_note_ai AFTER INSERT ON note BEGIN
    INSERT INTO search_entry (key, kind, participant_id, arc_id, phase, at, title, body)
    SELECT 'note:' || new.id, 'note', a.participant_id, new.arc_id, 'integration', new.written_at, 'Check-in note', new.body
    FROM arc a WHERE a.id = new.arc_id;
END;

CREATE TRIGGER search_document_ai AFTER INSERT ON document BEGIN
    INSERT INTO search_entry (key, kind, participant_id, arc_id, phase, at, title, body)
    SELECT key, 'document', participant_id, arc_id, phase, at, title, coalesce(body, '') FROM search_document WHERE document_id = new.id;
END;
CREATE TRIGGER search_document_au AFTER UPDATE OF answers, title ON document BEGIN
    UPDATE search_entry SET (title, body) = (SELECT title, coalesce(body, '') FROM search_document WHERE document_id = new.id)
    WHERE key = 'document:' || new.id;
END;
CREATE TRIGGER search_document_amended AFTER INSERT ON document_event WHEN new.changes IS NOT NULL BEGIN
    UPDATE search_entry SET body = (SELECT coalesce(body, '') FROM search_document WHERE document_id = new.document_id)
    WHERE key = 'document:' || new.document_id;
END;

-- What the practice already holds.
INSERT INTO search_entry (key, kind, participant_id, at, title, body)
SELECT key, 'participant', participant_id, at, title, coalesce(body, '') FROM search_participant;
INSERT INTO search_entry (key, kind, participant_id, arc_id, phase, at, title, body)
SELECT 'note:' || n.id, 'note', a.participant_id, n.arc_id, 'integration', n.written_at, 'Check-in note', n.body
FROM note n JOIN arc a ON a.id = n.arc_id;
INSERT INTO search_entry (key, kind, participant_id, arc_id, phase, at, title, body)
SELECT key, 'document', participant_id, arc_id, phase, at, title, coalesce(body, '') FROM search_document;

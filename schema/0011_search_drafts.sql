-- A draft's autosave no longer re-indexes it for search at every pause in typing (each FTS5 update
-- tokenises the old text out and the new text in and writes a new index segment: most of a save's
-- cost). It marks the draft stale instead; stale drafts are re-indexed before any search runs and
-- when a draft is signed. Search results are as current as before.

CREATE TABLE search_stale (
    document_id TEXT PRIMARY KEY REFERENCES document (id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

DROP TRIGGER search_document_au;
-- A signed document's answers change only through amendments (search_document_amended); its title
-- can still change here.
CREATE TRIGGER search_document_au AFTER UPDATE OF answers, title ON document WHEN new.state <> 'draft' BEGIN
    UPDATE search_entry SET (title, body) = (SELECT title, coalesce(body, '') FROM search_document WHERE document_id = new.id)
    WHERE key = 'document:' || new.id;
    DELETE FROM search_stale WHERE document_id = new.id;
END;
CREATE TRIGGER search_draft_au AFTER UPDATE OF answers, title ON document WHEN new.state = 'draft' BEGIN
    INSERT OR IGNORE INTO search_stale (document_id) VALUES (new.id);
END;
-- Signing indexes what was signed, in the signing transaction.
CREATE TRIGGER search_document_signed AFTER UPDATE OF state ON document WHEN old.state = 'draft' AND new.state <> 'draft' BEGIN
    UPDATE search_entry SET (title, body) = (SELECT title, coalesce(body, '') FROM search_document WHERE document_id = new.id)
    WHERE key = 'document:' || new.id;
    DELETE FROM search_stale WHERE document_id = new.id;
END;

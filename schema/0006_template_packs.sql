-- Jurisdiction packs: bundles of templates (src/documents/packs) the facilitator turns on or off.
-- A pack that has never been turned on has no row. Turning one off keeps its templates and every
-- document written with them; it only stops offering them for new documents.
CREATE TABLE template_pack (
    pack       TEXT PRIMARY KEY,
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    changed_at TEXT NOT NULL
) STRICT;

//! Numbered SQL migrations from `schema/`, embedded in the binary and applied all-or-nothing.

use rusqlite::Connection;
use std::path::Path;

use crate::audit::{Action, Subject};
use crate::{Error, Result};

/// "ARCW": marks a SQLite file as an Arcwell practice.
pub const APPLICATION_ID: i64 = 0x4152_4357;

/// Every migration in order; the schema version is how many have been applied.
const MIGRATIONS: &[&str] = &[
    include_str!("../../schema/0001_practice.sql"),
    include_str!("../../schema/0002_integration.sql"),
    include_str!("../../schema/0003_reminders.sql"),
    include_str!("../../schema/0004_documents.sql"),
    include_str!("../../schema/0005_search.sql"),
    include_str!("../../schema/0006_template_packs.sql"),
    include_str!("../../schema/0007_backups.sql"),
    include_str!("../../schema/0008_measures.sql"),
    include_str!("../../schema/0009_reassessment.sql"),
    include_str!("../../schema/0010_audit.sql"),
    include_str!("../../schema/0011_search_drafts.sql"),
];

pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// What the file says about itself before any change.
fn identify(conn: &Connection) -> Result<(i64, i64)> {
    let app: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok((app, version))
}

/// Brings an Arcwell database up to date. `fresh` is true only for the empty file `init` created;
/// any other file must already carry Arcwell's application id, so a foreign database is never touched.
pub(crate) fn migrate(conn: &mut Connection, path: &Path, fresh: bool) -> Result<()> {
    let (app, version) = identify(conn)?;
    if !(app == APPLICATION_ID || fresh && app == 0 && version == 0) {
        return Err(Error::NotArcwellDatabase(path.to_owned()));
    }
    let latest = latest_version();
    if version > latest {
        return Err(Error::NewerDatabase { found: version, supported: latest });
    }
    if version == latest {
        return install_shipped(conn);
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
    if version == 0 {
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    for sql in &MIGRATIONS[version as usize..] {
        tx.execute_batch(sql)?;
    }
    // user_version lives in the header page, which this transaction writes: it commits or rolls
    // back together with the schema change.
    tx.pragma_update(None, "user_version", latest)?;
    crate::documents::shipped::install(&tx)?;
    let detail = if version == 0 { format!("schema {latest}") } else { format!("schema {version} to {latest}") };
    let action = if version == 0 { Action::Create } else { Action::Update };
    crate::audit::record(&tx, action, &Subject::Practice, Some(&detail))?;
    tx.commit()?;
    Ok(())
}

/// Adds shipped template versions this practice lacks (a newer Arcwell may ship a new version
/// without a schema change); writes nothing when all are there.
fn install_shipped(conn: &mut Connection) -> Result<()> {
    if crate::documents::shipped::installed(conn)? {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    crate::documents::shipped::install(&tx)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_applies_to_an_empty_database() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, Path::new(":memory:"), true).unwrap();
        assert_eq!(identify(&conn).unwrap(), (APPLICATION_ID, latest_version()));
        migrate(&mut conn, Path::new(":memory:"), false).unwrap();
        assert_eq!(identify(&conn).unwrap().1, latest_version(), "migrating twice is a no-op");
    }

    #[test]
    fn a_failing_migration_leaves_nothing_behind() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE profile (x INTEGER)").unwrap();
        assert!(migrate(&mut conn, Path::new(":memory:"), true).is_err(), "0001 clashes with the table");
        let (app, version) = identify(&conn).unwrap();
        assert_eq!((app, version), (0, 0), "neither the id nor the version was bumped");
        let tables: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master WHERE name = 'participant'", [], |r| r.get(0)).unwrap();
        assert_eq!(tables, 0, "no table of the failed migration survives");
    }

    #[test]
    fn a_practice_from_the_first_release_gains_reminders_documents_and_an_index_of_what_it_holds() {
        // A schema-2 practice (what session 1 shipped) with a participant, an arc and a check-in note.
        let mut conn = Connection::open_in_memory().unwrap();
        for sql in &MIGRATIONS[..2] {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
        conn.pragma_update(None, "user_version", 2).unwrap();
        conn.execute_batch(
            "INSERT INTO profile (id, name, timezone, checkin_time, created_at, updated_at)
               VALUES (1, 'Rowan Hale', 'UTC', '10:00', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO participant (id, name, notes, created_at, updated_at)
               VALUES ('p1', 'Linnea Galloway', 'Found us through a friend', '2026-01-02T00:00:00.000Z', '2026-01-02T00:00:00.000Z');
             INSERT INTO participant_tag (participant_id, tag) VALUES ('p1', 'retreat-2026');
             INSERT INTO arc (id, participant_id, phase, opened_at, opened_tz) VALUES ('a1', 'p1', 'integration', '2026-01-03T00:00:00.000Z', 'UTC');
             INSERT INTO note (id, arc_id, kind, body, written_at, written_tz)
               VALUES ('n1', 'a1', 'integration', 'Slept well after the lighthouse dream', '2026-02-01T00:00:00.000Z', 'UTC');",
        )
        .unwrap();

        migrate(&mut conn, Path::new(":memory:"), false).unwrap();
        assert_eq!(identify(&conn).unwrap().1, latest_version());
        let quiet: String =
            conn.query_row("SELECT quiet_start || '-' || quiet_end FROM reminder_settings", [], |r| r.get(0)).unwrap();
        assert_eq!(quiet, "21:00-08:00", "reminder settings start at their defaults");
        let templates: i64 = conn.query_row("SELECT count(*) FROM template", [], |r| r.get(0)).unwrap();
        assert_eq!(templates, 6, "the shipped templates are installed");
        let found: Vec<String> = conn
            .prepare(
                "SELECT e.key FROM search_fts JOIN search_entry e ON e.rowid = search_fts.rowid
                 WHERE search_fts MATCH ?1 ORDER BY e.key",
            )
            .unwrap()
            .query_map(["lighthouse OR retreat OR friend"], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(found, ["note:n1", "participant:p1"], "what the practice held is searchable");
    }
}

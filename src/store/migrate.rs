//! Numbered SQL migrations from `schema/`, embedded in the binary and applied all-or-nothing.

use rusqlite::Connection;
use std::path::Path;

use crate::store::audit::{Action, Subject};
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
    include_str!("../../schema/0012_practice_identity.sql"),
    include_str!("../../schema/0013_unlock_pin.sql"),
    include_str!("../../schema/0014_warnings_and_plan_versions.sql"),
    include_str!("../../schema/0015_insight.sql"),
    include_str!("../../schema/0016_checkin_packets.sql"),
    include_str!("../../schema/0017_retreats_and_schedules.sql"),
    include_str!("../../schema/0018_checkin_course_numbers.sql"),
];

/// What each schema version's `sqlite_master` holds, as `schema_digest` computes it: entry `v - 1`
/// for version `v`. A file whose tables, indexes and triggers are not the ones its version's
/// migrations make is refused before anything migrates or reads it (a crafted backup, a file
/// changed by hand). Pinned by `every_schema_version_has_its_digest`, which prints the new list
/// when a migration is added.
const SCHEMA_DIGESTS: &[&str] = &[
    "14da9b2fc4fc31df0163bab4ace89a5ce6b07be3d9964ddd30227f1d9311771c",
    "31f5fea1b7448a5c5973ccc14bce22aed6d8ef949c7462ae19b500a7d7f8d234",
    "7e2aaecdbe7dc959261a71d9b094b3ff9525c3875622239796d670cba28ddb1f",
    "4092cfea220bc635bf373844d54cc35533acbc8d2873582e4e671d56373d2481",
    "01d0b7a0f861031d6d963f8fecae8b69adf08278cd51989218a7f67496c6ec76",
    "07ba682735f046892061c89962ec7b12dfa8c5d0b72837978d7f76680278e4e9",
    "5460a9bf8fef2c3dc690575e0a79b8d5314d201df810339ee1a1c9c0ae2dfce5",
    "56394003a99a9ba56c1911064eba5448f952344e562b345b7a5590f8cdb43ed1",
    "97c17879eabd8ae5f191714964e1e9a9fc5561ec6ac59a9868579f26d4d933d9",
    "4720586a5548f377048564ac8afe244b3b816a11d07d7ac98f767b88ee438767",
    "b687110e2a4d9443cfc1c9190341c97314ce402116849c010573b13d7c4001f0",
    "a596a94299485c1e2ea70812d6c547b01c3a8d940a7e49fc0de5c62ca8ecf103",
    "58797e971b2ad3b754c180ad561faf1f639cb417d793c13368113862f5dc371e",
    "9536d2b2d64ddc88bd95a2acae1a3f79b158b361ac519d3e3c29ed9302612954",
    "ecbb2884519f59d6ff8d5f35d7dd10c697b9c51406d61c6385009296e05ca2dd",
    "96bad722af1f91da56fe0f796b18262461617eb9ad4b2183e7dbe92a6db46670",
    "4d0205a6cc4f6c44413d60a90fc6f9784ca467905be719993cd26e0f17bdc538",
    "0b82c1b2d62d5664550691b40f9498438c08d174174aaf707f1ca41d4e3f2301",
];

/// The migrations' SQL, for tests that build a practice's image by hand.
#[doc(hidden)]
pub const MIGRATION_SQL: &[&str] = MIGRATIONS;

pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// What the file says about itself before any change.
fn identify(conn: &Connection) -> Result<(i64, i64)> {
    let app: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok((app, version))
}

/// SHA-256 over the type, name, table and SQL text of every entry of `db`'s `sqlite_master`, in
/// order (statistics tables, which SQLite makes on its own, left out).
pub(crate) fn schema_digest(conn: &Connection, db: &str) -> Result<String> {
    use sha2::Digest;
    let mut stmt = conn.prepare(&format!(
        "SELECT type, name, tbl_name, coalesce(sql, '') FROM \"{}\".sqlite_master
         WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name",
        db.replace('"', "\"\"")
    ))?;
    let mut rows = stmt.query([])?;
    let mut hasher = sha2::Sha256::new();
    while let Some(r) = rows.next()? {
        for i in 0..4 {
            let field: String = r.get(i)?;
            hasher.update((field.len() as u64).to_le_bytes());
            hasher.update(field.as_bytes());
        }
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Why database `db`, which says it is Arcwell schema `version`, is not what that version's
/// migrations make, if it is not: a version below 1, or other tables, indexes or triggers.
/// A version newer than this build's is the caller's to refuse (`Error::NewerDatabase`).
pub(crate) fn schema_problem(conn: &Connection, db: &str, version: i64) -> Result<Option<String>> {
    if version < 1 {
        return Ok(Some(format!("it says it is schema version {version}; Arcwell's schema versions start at 1")));
    }
    let Some(expected) = usize::try_from(version - 1).ok().and_then(|i| SCHEMA_DIGESTS.get(i)) else {
        return Ok(None);
    };
    if schema_digest(conn, db)? != *expected {
        return Ok(Some(format!(
            "its tables, indexes and triggers are not the ones Arcwell's schema version {version} has"
        )));
    }
    Ok(None)
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
    // Migrations run only over the schema their version describes (and never from a version
    // below 1, which used to panic). A current practice whose schema was changed by hand (the
    // audit trail's triggers dropped, say) still opens, so that its data and the evidence stay
    // readable; a backup's image is checked strictly whatever its version (`backup::check_image`).
    if !fresh
        && version < latest
        && let Some(why) = schema_problem(conn, "main", version)?
    {
        return Err(Error::SchemaMismatch { path: path.to_owned(), why });
    }
    if version == latest {
        return Ok(());
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
    let detail = if version == 0 { format!("schema {latest}") } else { format!("schema {version} to {latest}") };
    let action = if version == 0 { Action::Create } else { Action::Update };
    crate::store::audit::record(&tx, action, &Subject::Practice, Some(&detail))?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_schema_version_has_its_digest() {
        let mut found = Vec::new();
        let conn = Connection::open_in_memory().unwrap();
        for sql in MIGRATIONS {
            conn.execute_batch(sql).unwrap();
            found.push(schema_digest(&conn, "main").unwrap());
        }
        let listed: Vec<String> = SCHEMA_DIGESTS.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            listed,
            found,
            "SCHEMA_DIGESTS must list what each version's migrations make; a shipped version's digest never changes. \
             The list for these migrations:\n{}",
            found.iter().map(|d| format!("    \"{d}\",")).collect::<Vec<_>>().join("\n")
        );
    }

    #[test]
    fn a_file_whose_schema_is_not_its_versions_is_refused_before_anything_migrates() {
        for (version, extra) in [(0, ""), (-3, ""), (4, "CREATE TABLE intruder (x);"), (3, "")] {
            let mut conn = Connection::open_in_memory().unwrap();
            for sql in &MIGRATIONS[..4] {
                conn.execute_batch(sql).unwrap();
            }
            conn.execute_batch(extra).unwrap();
            conn.pragma_update(None, "application_id", APPLICATION_ID).unwrap();
            conn.pragma_update(None, "user_version", version).unwrap();
            let before = schema_digest(&conn, "main").unwrap();
            let refused = migrate(&mut conn, Path::new("crafted.db"), false).unwrap_err();
            assert!(
                matches!(&refused, Error::SchemaMismatch { .. }),
                "version {version} over schema 4 with {extra:?} is refused, not migrated or panicking: {refused}"
            );
            assert_eq!(schema_digest(&conn, "main").unwrap(), before, "nothing was changed");
            assert_eq!(identify(&conn).unwrap().1, version);
        }
    }

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
        let templates =
            |conn: &Connection| -> i64 { conn.query_row("SELECT count(*) FROM template", [], |r| r.get(0)).unwrap() };
        assert_eq!(templates(&conn), 0, "the schema alone: templates are the documents area's, installed on open");
        crate::documents::shipped::install(&conn).unwrap();
        assert_eq!(templates(&conn), 6, "what opening the practice adds (practice/open.rs)");
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

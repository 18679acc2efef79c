//! Repairing the practice's file when pages of it fail SQLCipher's authentication: finding which
//! pages are damaged and whether any of them holds records, and, when none does, writing the
//! practice anew without them. See ARCHITECTURE.md "Repairing a damaged file".

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;

use crate::key::{self, DatabaseKey, Passphrase};
use crate::store::audit::{self, Action, Subject};
use crate::store::files::{self, RowOrder, sync_dir};
use crate::store::{self, Practice, connection};
use crate::{Error, Result};

/// The practice written anew beside `practice.db`, until it is renamed over it.
pub const STAGING: &str = "practice.db.repairing";

/// What a repair found and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Repair {
    /// The pages that failed SQLCipher's check, in order; none when the file is sound.
    #[ts(type = "number[]")]
    pub damaged: Vec<u64>,
    /// Whether the file was written anew without them (they were all free pages).
    pub rebuilt: bool,
}

impl Practice {
    /// Checks every page of the practice's file and, when the only damaged pages are free ones
    /// (no table or index uses them), writes the practice anew without them and opens it again.
    /// Damage to pages in use is refused (`Error::DamagedRecords`) with nothing changed. Needs the
    /// recovery passphrase; refused while another Arcwell process has the practice open.
    pub fn repair_file(&mut self, passphrase: &Passphrase) -> Result<Repair> {
        self.exclusively(|p| p.repair_alone(passphrase))
    }

    fn repair_alone(&mut self, passphrase: &Passphrase) -> Result<Repair> {
        let dir = self.dir().to_owned();
        // Proves the passphrase, and gives the key the fresh connections below need.
        let key = key::read_key_file(&store::key_path(&dir), passphrase)?;
        // The WAL goes into the file (the last connection to close checkpoints it), and no
        // connection the practice keeps reads a damaged page from here on.
        self.close_for_replacement()?;
        let repaired = repair_closed(&dir, &key);
        self.reopen_with(&key)?;
        let repair = repaired?;
        if repair.damaged.is_empty() || repair.rebuilt {
            self.forget_damage();
        }
        if repair.rebuilt {
            let pages = list(&repair.damaged);
            let detail = format!("written anew without the damaged free {pages}");
            self.write_untracked(|tx| audit::record(tx, Action::Repair, &Subject::Practice, Some(&detail)))?;
        }
        Ok(repair)
    }
}

/// The repair itself, on the closed practice in `dir`: every connection here is its own, and
/// thrown away.
fn repair_closed(dir: &Path, key: &DatabaseKey) -> Result<Repair> {
    let db = store::db_path(dir);
    let damaged = damaged_pages(&connection::open(&db, key, false)?, &db)?;
    if damaged.is_empty() {
        return Ok(Repair { damaged, rebuilt: false });
    }
    let in_use = pages_in_use(&connection::open(&db, key, false)?);
    let hit: Vec<String> = match &in_use {
        Some(in_use) => damaged
            .iter()
            .filter_map(|page| in_use.get(page).map(|table| format!("page {page}, part of {table}")))
            .collect(),
        None => vec![format!("{}, where SQLite's walk of the tables stopped", list(&damaged))],
    };
    if !hit.is_empty() {
        return Err(Error::DamagedRecords { path: db, pages: hit.join("; ") });
    }

    let staging = dir.join(STAGING);
    files::remove_db_files(&staging, true)?;
    let written = write_anew(&db, &staging, key);
    if let Err(e) = written {
        let _ = files::remove_db_files(&staging, true);
        return Err(e);
    }
    files::remove_db_files(&db, false)?;
    std::fs::rename(&staging, &db)
        .map_err(|e| Error::io(format!("cannot move the repaired practice into {}", db.display()), e))?;
    sync_dir(dir)?;
    Ok(Repair { damaged, rebuilt: true })
}

/// Every page of the file whose HMAC fails, from `PRAGMA cipher_integrity_check`: it reads the
/// file itself, not through the page cache, so a damaged page does not poison `conn`. A finding
/// that names no page (the file's size is not whole pages) is damage no rebuild can judge.
fn damaged_pages(conn: &Connection, db: &Path) -> Result<Vec<u64>> {
    let mut stmt = conn.prepare("PRAGMA cipher_integrity_check")?;
    let findings: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut pages = Vec::with_capacity(findings.len());
    for finding in findings {
        match page_named(&finding) {
            Some(page) => pages.push(page),
            None => return Err(Error::DamagedRecords { path: db.to_owned(), pages: finding }),
        }
    }
    pages.sort_unstable();
    pages.dedup();
    Ok(pages)
}

/// The page number in a finding such as "HMAC verification failed for page 812".
fn page_named(finding: &str) -> Option<u64> {
    let (_, after) = finding.split_once("page ")?;
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Every page a table or an index uses (overflow pages included) with its name, from `dbstat`,
/// which walks every b-tree. `None` when the walk fails: a damaged page read on the way.
fn pages_in_use(conn: &Connection) -> Option<BTreeMap<u64, String>> {
    let mut stmt = conn.prepare("SELECT pageno, name FROM dbstat").ok()?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))).ok()?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (page, name) = row.ok()?;
        out.insert(u64::try_from(page).ok()?, name);
    }
    Some(out)
}

/// Writes the practice at `db` into a new file at `staging` under the same key and checks it:
/// `sqlcipher_export` copies each table's and index's b-tree and never reads the free list, so
/// none of the damaged free pages is read. The copy must open as a practice, pass SQLite's
/// integrity check, and hold, table by table, exactly the rows of the file it was copied from.
fn write_anew(db: &Path, staging: &Path, key: &DatabaseKey) -> Result<()> {
    let mut source = connection::open(db, key, false)?;
    let schema: i64 = source.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    // The source was opened without SQLITE_OPEN_CREATE, and a database it attaches is opened alike.
    std::fs::File::create_new(staging).map_err(|e| Error::io(format!("cannot create {}", staging.display()), e))?;
    files::write_encrypted(&mut source, staging, key, schema)?;
    files::check_written(staging, key)?;
    let copy = connection::open(staging, key, false)?;
    let ok: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(Error::Conflict(format!(
            "the practice written anew failed SQLite's integrity check ({ok}); nothing was replaced"
        )));
    }
    if files::digest(&source, RowOrder::Stored)? != files::digest(&copy, RowOrder::Stored)? {
        return Err(Error::Conflict(
            "the practice written anew does not hold the same rows as the damaged file; nothing was replaced".into(),
        ));
    }
    Ok(())
}

/// "page 12" or "pages 12, 40".
fn list(pages: &[u64]) -> String {
    let numbers: Vec<String> = pages.iter().map(u64::to_string).collect();
    match numbers.len() {
        1 => format!("page {}", numbers[0]),
        _ => format!("pages {}", numbers.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_name_their_page() {
        assert_eq!(page_named("HMAC verification failed for page 812"), Some(812));
        assert_eq!(page_named("error reading 4096 bytes from file page 9 at offset 32768"), Some(9));
        assert_eq!(page_named("page 3 has an invalid size of 100 bytes (expected 4096 bytes)"), Some(3));
        assert_eq!(page_named("unable to derive keys"), None);
        assert_eq!(list(&[7]), "page 7");
        assert_eq!(list(&[7, 9]), "pages 7, 9");
    }
}

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
use crate::store::{self, Practice, connection, migrate};
use crate::{Error, Result};

/// The practice written anew beside `practice.db`, until it is renamed over it.
pub const STAGING: &str = "practice.db.repairing";

/// What a repair found and did: with damaged pages, the file was written anew without them (a
/// repair that would lose records is an error instead).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Repair {
    /// The pages that failed SQLCipher's check, in order; none when the file is sound.
    #[ts(type = "number[]")]
    pub damaged: Vec<u64>,
    /// Whether some of them were the search index's, made anew from the entries it indexes.
    pub search_remade: bool,
}

/// FTS5's own tables behind the search index: what `'rebuild'` makes again from `search_entry`.
/// Damage to them loses nothing either.
const SEARCH_INDEX: &[&str] = &["search_fts_data", "search_fts_idx", "search_fts_docsize", "search_fts_config"];

impl Practice {
    /// Checks every page of the practice's file and, when the only damaged pages are free ones
    /// (no table or index uses them) or the search index's (made anew from what it indexes),
    /// writes the practice anew without them and opens it again. Damage to pages that hold
    /// records is refused (`Error::DamagedRecords`) with nothing changed. Needs the recovery
    /// passphrase; refused while another Arcwell process has the practice open.
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
        // The file is sound now, as found or as written anew.
        self.forget_damage();
        if !repair.damaged.is_empty() {
            let pages = list(&repair.damaged);
            let index = if repair.search_remade { ", the search index made anew" } else { "" };
            let detail = format!("written anew without the damaged {pages}{index}");
            self.write_untracked(|tx| audit::record(tx, Action::Repair, &Subject::Practice, Some(&detail)))?;
        }
        Ok(repair)
    }
}

/// The repair itself, on the closed practice in `dir`: every connection here is its own, and
/// thrown away.
fn repair_closed(dir: &Path, key: &DatabaseKey) -> Result<Repair> {
    let db = store::db_path(dir);
    let checked = connection::open(&db, key, false)?;
    let damaged = damaged_pages(&checked, &db)?;
    if damaged.is_empty() {
        return Ok(Repair { damaged, search_remade: false });
    }
    // Which b-tree each damaged page belongs to, if any: the records' first, then the search
    // index's, each walk on its own connection (a damaged page read poisons the one that read it).
    let trees = btrees(&checked)?;
    drop(checked);
    let (index, mut records): (Vec<String>, Vec<String>) =
        trees.into_iter().partition(|name| SEARCH_INDEX.contains(&name.as_str()));
    records.insert(0, "sqlite_schema".to_owned());
    let hit: Vec<String> = match pages_of(&connection::open(&db, key, false)?, &records) {
        Some(in_use) => damaged
            .iter()
            .filter_map(|page| in_use.get(page).map(|table| format!("page {page}, part of {table}")))
            .collect(),
        None => vec![format!("{}, where SQLite's walk of the tables stopped", list(&damaged))],
    };
    if !hit.is_empty() {
        return Err(Error::DamagedRecords { path: db, pages: hit.join("; ") });
    }
    let mut search_remade = false;
    for name in index {
        search_remade |= match pages_of(&connection::open(&db, key, false)?, &[name]) {
            Some(pages) => damaged.iter().any(|page| pages.contains_key(page)),
            None => true,
        };
    }

    let staging = dir.join(STAGING);
    files::remove_db_files(&staging, true)?;
    let written =
        if search_remade { write_remaking_search(&db, &staging, key) } else { write_anew(&db, &staging, key) }
            .and_then(|()| check_copy(&db, &staging, key));
    if let Err(e) = written {
        let _ = files::remove_db_files(&staging, true);
        return Err(e);
    }
    files::remove_db_files(&db, false)?;
    std::fs::rename(&staging, &db)
        .map_err(|e| Error::io(format!("cannot move the repaired practice into {}", db.display()), e))?;
    sync_dir(dir)?;
    Ok(Repair { damaged, search_remade })
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

/// Every b-tree of the file (each table's and each index's, by name), as `sqlite_master` lists them.
fn btrees(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE rootpage > 0 ORDER BY rootpage")?;
    let names = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(names)
}

/// Every page the b-trees `names` use (overflow pages included) with its b-tree's name, from
/// `dbstat` walking each one. `None` when a walk fails: a damaged page read on the way.
fn pages_of(conn: &Connection, names: &[String]) -> Option<BTreeMap<u64, String>> {
    let mut stmt = conn.prepare("SELECT pageno FROM dbstat WHERE name = ?1").ok()?;
    let mut out = BTreeMap::new();
    for name in names {
        let pages = stmt.query_map([name], |r| r.get::<_, i64>(0)).ok()?;
        for page in pages {
            out.insert(u64::try_from(page.ok()?).ok()?, name.clone());
        }
    }
    Some(out)
}

/// Writes the practice at `db` into a new file at `staging` under the same key: `sqlcipher_export`
/// copies each table's and index's b-tree as it is and never reads the free list, so none of the
/// damaged free pages is read.
fn write_anew(db: &Path, staging: &Path, key: &DatabaseKey) -> Result<()> {
    let mut source = connection::open(db, key, false)?;
    let schema: i64 = source.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    // The source was opened without SQLITE_OPEN_CREATE, and a database it attaches is opened alike.
    std::fs::File::create_new(staging).map_err(|e| Error::io(format!("cannot create {}", staging.display()), e))?;
    files::write_encrypted(&mut source, staging, key, schema)
}

/// As `write_anew`, without reading the search index's own tables: into a new file at `staging`,
/// the source's schema is made as `sqlite_master` holds it (tables, then their rows, then indexes,
/// the search index, views and triggers), every table's rows are copied in their stored order,
/// and the search index is made anew from `search_entry` (FTS5's `'rebuild'`). Indexes are built
/// from the rows copied.
fn write_remaking_search(db: &Path, staging: &Path, key: &DatabaseKey) -> Result<()> {
    let source = connection::open(db, key, false)?;
    let (schema, app): (i64, i64) = source.query_row(
        "SELECT user_version, application_id FROM pragma_user_version, pragma_application_id",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let entries: Vec<(String, String, String)> = source
        .prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    drop(source);
    let kind =
        |k: &'static str| entries.iter().filter(move |(t, name, _)| t == k && !SEARCH_INDEX.contains(&name.as_str()));
    let target = connection::open_new_copy(staging, key)?;
    let path = db.to_str().ok_or_else(|| Error::invalid(format!("{} is not a usable path", db.display())))?;
    target.execute_batch("PRAGMA foreign_keys = OFF;")?;
    target.execute("ATTACH DATABASE ?1 AS source KEY ?2", rusqlite::params![path, key.hex_literal().as_str()])?;
    let copied = (|| -> Result<()> {
        target.execute_batch("BEGIN")?;
        let (virtual_tables, tables): (Vec<_>, Vec<_>) =
            kind("table").partition(|(_, _, sql)| sql.starts_with("CREATE VIRTUAL TABLE"));
        for (_, name, sql) in &tables {
            target.execute_batch(sql)?;
            let q = name.replace('"', "\"\"");
            // Generated columns are made, not copied.
            let columns: Vec<String> = target
                .prepare("SELECT name FROM pragma_table_xinfo(?1) WHERE hidden = 0")?
                .query_map([name], |r| r.get::<_, String>(0))?
                .map(|c| c.map(|c| format!("\"{}\"", c.replace('"', "\"\""))))
                .collect::<rusqlite::Result<_>>()?;
            let columns = columns.join(", ");
            target.execute_batch(&format!(
                "INSERT INTO main.\"{q}\" ({columns}) SELECT {columns} FROM source.\"{q}\" NOT INDEXED"
            ))?;
        }
        for (_, _, sql) in kind("index").chain(virtual_tables.iter().copied()) {
            target.execute_batch(sql)?;
        }
        for (_, name, _) in &virtual_tables {
            let q = name.replace('"', "\"\"");
            target.execute_batch(&format!("INSERT INTO \"{q}\" (\"{q}\") VALUES ('rebuild')"))?;
        }
        for (_, _, sql) in kind("view").chain(kind("trigger")) {
            target.execute_batch(sql)?;
        }
        target.execute_batch(&format!("PRAGMA user_version = {schema}; PRAGMA application_id = {app}; COMMIT;"))?;
        Ok(())
    })();
    let detached = target.execute_batch("DETACH DATABASE source");
    copied?;
    detached?;
    Ok(())
}

/// The copy at `staging` must open as a practice with the source's schema, version and
/// application id, pass SQLite's integrity check and FTS5's, and hold, table by table, exactly the
/// rows of `db` (the search index's own tables aside, unread: they index the same entries).
fn check_copy(db: &Path, staging: &Path, key: &DatabaseKey) -> Result<()> {
    let copy = connection::open(staging, key, false)?;
    let source = connection::open(db, key, false)?;
    let shape = |conn: &Connection| -> Result<(String, i64, i64)> {
        let (version, app) = conn.query_row(
            "SELECT user_version, application_id FROM pragma_user_version, pragma_application_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok((migrate::schema_digest(conn, "main")?, version, app))
    };
    if shape(&copy)? != shape(&source)? {
        return Err(Error::Conflict(
            "the practice written anew does not have the damaged file's schema; nothing was replaced".into(),
        ));
    }
    let ok: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(Error::Conflict(format!(
            "the practice written anew failed SQLite's integrity check ({ok}); nothing was replaced"
        )));
    }
    copy.execute_batch("INSERT INTO search_fts (search_fts) VALUES ('integrity-check')").map_err(|e| {
        Error::Conflict(format!(
            "the practice written anew has a search index that does not match its entries ({e}); nothing was replaced"
        ))
    })?;
    // The search index's own tables are not read: they may be what is damaged.
    if files::digest(&source, RowOrder::Stored, SEARCH_INDEX)? != files::digest(&copy, RowOrder::Stored, SEARCH_INDEX)?
    {
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

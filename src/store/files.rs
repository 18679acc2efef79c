//! The database's files as files: writing a database image out as a new encrypted file, checking
//! what was written, removing a database with its `-wal` and `-shm`. Re-keying and restoring both
//! replace the practice's file this way.

use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use super::{connection, migrate};
use crate::key::DatabaseKey;
use crate::{Error, Result};

/// Writes the in-memory image as a new SQLCipher file at `path`, encrypted with `key`.
pub(crate) fn write_encrypted(image: &mut Connection, path: &Path, key: &DatabaseKey, schema: i64) -> Result<()> {
    let target = path.to_str().ok_or_else(|| Error::invalid(format!("{} is not a usable path", path.display())))?;
    image.execute("ATTACH DATABASE ?1 AS target KEY ?2", rusqlite::params![target, key.hex_literal().as_str()])?;
    let done = (|| -> Result<()> {
        image.query_row("SELECT sqlcipher_export('target')", [], |_| Ok(()))?;
        image.execute_batch(&format!(
            "PRAGMA target.user_version = {schema}; PRAGMA target.application_id = {};",
            migrate::APPLICATION_ID
        ))?;
        Ok(())
    })();
    let detached = image.execute("DETACH DATABASE target", []);
    done?;
    detached?;
    Ok(())
}

/// Opens the freshly written file the way the practice will be opened, migrates it if it is from
/// an older Arcwell, and checks it.
pub(crate) fn check_written(path: &Path, key: &DatabaseKey) -> Result<()> {
    let mut conn = connection::open(path, key, false)?;
    migrate::migrate(&mut conn, path, false)?;
    let ok: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(Error::Conflict(format!("the restored practice failed its check ({ok}); nothing was replaced")));
    }
    Ok(())
}

/// Makes renames in `dir` durable (Unix; elsewhere a no-op).
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(format!("cannot sync {}", dir.display()), e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// How `digest` orders each table's rows.
#[derive(Clone, Copy)]
pub(crate) enum RowOrder {
    /// By every column's value: the same for any two files holding the same rows (a restore).
    Values,
    /// As the table's b-tree holds them, with no sort: the same for a copy that keeps each row's
    /// key (`sqlcipher_export`, a repair), and cheap on a large practice.
    Stored,
}

/// The ordinary tables of `schema` by name: its virtual tables are read through their own, and
/// SQLite's internal ones left out.
pub(crate) fn tables(conn: &Connection, schema: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
    ))?;
    let names = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(names)
}

/// A digest of every row of every ordinary table of `conn` but those in `skip` (which are not
/// read): its row count and the SHA-256 of its rows, each value quoted, in `order`. Two practices
/// compare table by table.
pub(crate) fn digest(conn: &Connection, order: RowOrder, skip: &[&str]) -> Result<BTreeMap<String, (u64, String)>> {
    let mut out = BTreeMap::new();
    for table in tables(conn, "main")?.into_iter().filter(|t| !skip.contains(&t.as_str())) {
        let q = table.replace('"', "\"\"");
        let cols: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{}')", table.replace('\'', "''")))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let list = cols.iter().map(|c| format!("quote(\"{}\")", c.replace('"', "\"\""))).collect::<Vec<_>>();
        let tail = match order {
            RowOrder::Values => {
                format!("ORDER BY {}", (1..=cols.len()).map(|i| i.to_string()).collect::<Vec<_>>().join(", "))
            }
            RowOrder::Stored => "NOT INDEXED".to_owned(),
        };
        let mut stmt = conn.prepare(&format!("SELECT {} FROM \"{q}\" {tail}", list.join(", ")))?;
        let mut rows = stmt.query([])?;
        let mut hasher = Sha256::new();
        let mut n = 0u64;
        while let Some(r) = rows.next()? {
            for i in 0..cols.len() {
                let v: String = r.get(i)?;
                hasher.update(v.as_bytes());
                hasher.update([0x1f]);
            }
            hasher.update([0x1e]);
            n += 1;
        }
        out.insert(table, (n, hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()));
    }
    Ok(out)
}

/// Removes `db` (with `main`) and its `-wal` and `-shm` files, where they exist.
pub(crate) fn remove_db_files(db: &Path, main: bool) -> Result<()> {
    for suffix in ["", "-wal", "-shm"].into_iter().filter(|s| main || !s.is_empty()) {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(format!("cannot remove {}", p.display()), e)),
        }
    }
    Ok(())
}

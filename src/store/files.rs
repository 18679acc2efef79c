//! The database's files as files: writing a database image out as a new encrypted file, checking
//! what was written, removing a database with its `-wal` and `-shm`. Re-keying and restoring both
//! replace the practice's file this way.

use rusqlite::Connection;
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

//! Opening the encrypted database file: the one place every pragma is set, with the reason beside it.

use rusqlite::{Connection, OpenFlags};
use std::path::Path;

use crate::key::DatabaseKey;
use crate::{Error, Result};

/// Opens `path` with `key`. With `create` the file may be new (only `init` asks for that).
/// A wrong key fails here, before any statement that could write.
pub(crate) fn open(path: &Path, key: &DatabaseKey, create: bool) -> Result<Connection> {
    let conn = keyed(path, key, create)?;
    // Before any pragma that writes: a file that is not ours (an empty file included) stays untouched.
    if !create {
        let app: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        if app != super::migrate::APPLICATION_ID {
            return Err(Error::NotArcwellDatabase(path.to_owned()));
        }
    }
    configure(&conn)?;
    Ok(conn)
}

/// A new, empty file at `path` opened with `key` and SQLCipher's settings, and nothing else: the
/// destination of a page-for-page copy of the practice (a key rotation), written in one
/// transaction and then opened as a practice with `open`. The file must not exist.
pub(crate) fn open_new_copy(path: &Path, key: &DatabaseKey) -> Result<Connection> {
    std::fs::File::create_new(path).map_err(|e| Error::io(format!("cannot create {}", path.display()), e))?;
    keyed(path, key, false)
}

/// The connection with SQLCipher checked, set up and keyed, and page 1 read.
fn keyed(path: &Path, key: &DatabaseKey, create: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;

    // Refuse to run without SQLCipher: a plain SQLite would accept `PRAGMA key` silently and
    // write participant data in the clear.
    let cipher: Option<String> = conn.query_row("PRAGMA cipher_version", [], |r| r.get(0)).ok();
    if cipher.as_deref().is_none_or(str::is_empty) {
        return Err(Error::EncryptionUnavailable);
    }
    // Our own error says what went wrong; SQLCipher's "hmac check failed" on stderr would only
    // alarm a facilitator typing a passphrase.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    // Databases attached later (a re-key's or a restore's new file) get SQLCipher 4's settings too.
    conn.execute_batch("PRAGMA cipher_default_compatibility = 4;")?;
    // The key comes first: nothing can be read or written before it.
    conn.execute_batch(&key.pragma())?;
    // Pinned to SQLCipher 4's page size, HMAC and KDF (what every practice so far was written
    // with): a later SQLCipher with new defaults still opens today's files. Set after the key and
    // before the first read, as SQLCipher requires.
    conn.execute_batch("PRAGMA cipher_compatibility = 4;")?;
    // Reading the schema decrypts page 1: this is where a wrong key or a foreign file shows.
    if let Err(e) = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        return Err(match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => Error::NotArcwellDatabase(path.to_owned()),
            _ => e.into(),
        });
    }
    Ok(conn)
}

/// A second connection to the practice in `path`, for reading only: `query_only` refuses any
/// write through it, so every change still goes through the first connection's `transact`.
pub(crate) fn open_beside(path: &Path, key: &DatabaseKey) -> Result<Connection> {
    query_only(open(path, key, false)?)
}

/// A second, query-only connection to a plain synthetic copy (benchmarks only).
#[cfg(feature = "synthetic")]
pub(crate) fn open_plain_beside(path: &Path) -> Result<Connection> {
    query_only(open_plain(path)?)
}

fn query_only(conn: Connection) -> Result<Connection> {
    conn.execute_batch("PRAGMA query_only = ON;")?;
    Ok(conn)
}

/// Opens an unencrypted copy of a synthetic practice (benchmarks only), with the same pragmas.
#[cfg(feature = "synthetic")]
pub(crate) fn open_plain(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    let app: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if app != super::migrate::APPLICATION_ID {
        return Err(Error::NotArcwellDatabase(path.to_owned()));
    }
    configure(&conn)?;
    Ok(conn)
}

fn configure(conn: &Connection) -> Result<()> {
    // WAL: readers never block the writer, and a commit is one sequential append.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Conflict(format!("the database refused WAL mode (it is in {mode} mode)")));
    }
    conn.execute_batch(
        "
        -- An acknowledged save survives power loss: fsync the WAL on every commit.
        PRAGMA synchronous = FULL;
        -- Arcs, sessions and events reference their parents; SQLite checks that only when asked.
        PRAGMA foreign_keys = ON;
        -- The app and a cron backup may touch the file at once: wait for the lock, don't fail.
        PRAGMA busy_timeout = 5000;
        -- What a change deletes within a page is zeroed as it goes, at no extra I/O: a backup
        -- copies pages as they are, and what was deleted stays out of it (free pages are zeroed
        -- in the backup's image).
        PRAGMA secure_delete = FAST;
        -- Sorts and temporary indexes stay in memory, so no plaintext temp file ever reaches disk.
        PRAGMA temp_store = MEMORY;
        -- SQLCipher decrypts every page the pager reads; a 64 MiB cache keeps hot pages decrypted
        -- (measured: 5.5x slower dashboard queries with the 2 MiB default, 1.02x with this).
        PRAGMA cache_size = -65536;
        ",
    )?;
    // Room for every statement of the hot paths (a note's autosave alone runs about a dozen);
    // rusqlite's default of 16 would evict them between calls.
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

/// The SQLCipher version linked into this build.
pub(crate) fn cipher_version(conn: &Connection) -> Result<String> {
    Ok(conn.query_row("PRAGMA cipher_version", [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cipher_settings_are_sqlcipher_4s_whatever_the_librarys_defaults() {
        // A SQLCipher whose defaults changed, as a later release's might (process-wide settings).
        Connection::open_in_memory()
            .unwrap()
            .execute_batch(
                "PRAGMA cipher_default_page_size = 8192; PRAGMA cipher_default_hmac_algorithm = HMAC_SHA256;
                 PRAGMA cipher_default_kdf_iter = 1000;",
            )
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let key = DatabaseKey::generate().unwrap();
        let conn = open(&dir.path().join("p.db"), &key, true).unwrap();
        let get = |pragma: &str| conn.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get::<_, String>(0)).unwrap();
        assert_eq!(get("cipher_page_size"), "4096");
        assert_eq!(get("cipher_hmac_algorithm"), "HMAC_SHA512");
        assert_eq!(get("cipher_kdf_algorithm"), "PBKDF2_HMAC_SHA512");
        assert_eq!(get("kdf_iter"), "256000");
        assert_eq!(get("cipher_plaintext_header_size"), "0");
        let secure = || conn.query_row("PRAGMA secure_delete", [], |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!(secure(), 2, "FAST");
        // As a purge puts it back after turning it fully on.
        conn.pragma_update(None, "secure_delete", true).unwrap();
        assert_eq!(secure(), 1);
        conn.pragma_update(None, "secure_delete", "FAST").unwrap();
        assert_eq!(secure(), 2);
    }
}

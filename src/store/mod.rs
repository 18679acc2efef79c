//! The practice store: creating and opening the encrypted database, and the single write path.

pub mod audit;
pub(crate) mod connection;
pub(crate) mod files;
pub mod migrate;
pub mod pin;
pub mod rekey;
pub mod repair;
pub(crate) mod time;

use chrono::Utc;
use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde::Serialize;
use std::path::{Path, PathBuf};
use ts_rs::TS;

use crate::key::{self, DatabaseKey, Passphrase};
use crate::keychain::{Keychain, Lookup};
use crate::{Error, Result};

pub const DB_FILE: &str = "practice.db";
pub const KEY_FILE: &str = "practice.key";

/// How this practice was unlocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum KeySource {
    Keychain,
    Passphrase,
    /// The unlock PIN, after an in-session lock.
    Pin,
}

/// An open, unlocked practice. Dropping it closes the database.
pub struct Practice {
    conn: Connection,
    /// A second, query-only connection to the same file, for reads that run on a second core
    /// beside the first connection's (`read_beside`); `None` where it could not be opened, and then
    /// those reads run one after the other. Closed before the file is replaced.
    beside: std::cell::RefCell<Option<Connection>>,
    dir: PathBuf,
    key_source: KeySource,
    /// Why the key is not in the keychain, when it could not be stored there.
    keychain_note: Option<String>,
    /// A shared lock on `practice.lock` for as long as the practice is open, so a re-key or a
    /// restore (which replace the file) can tell that another Arcwell process has it open.
    open_lock: Option<std::fs::File>,
    /// When the audit anchor was last moved up, and whether entries were committed since.
    anchor: AnchorState,
    /// The database key sealed to the unlock PIN's public key, when the practice has a PIN: what
    /// a lock leaves for the PIN to open it again (`pin::PinLock`). Never the key itself.
    pin_seal: Option<crate::store::pin::SealedKey>,
    /// A page a backup found failing SQLCipher's check since the practice was opened: later
    /// backups are refused without reading the file again (`damaged_page`).
    damaged: Option<u64>,
}

/// The audit anchor is rewritten after a commit at most this often; `sync_anchor` brings it up to
/// date at once (ARCHITECTURE *Audit trail*).
const ANCHOR_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Default)]
struct AnchorState {
    moved: std::cell::Cell<Option<std::time::Instant>>,
    behind: std::cell::Cell<bool>,
}

impl Drop for Practice {
    /// The entries committed since the anchor last moved are anchored before the database closes.
    fn drop(&mut self) {
        self.sync_anchor();
    }
}

impl std::fmt::Debug for Practice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Practice").field("dir", &self.dir).field("key_source", &self.key_source).finish()
    }
}

/// What `read_beside` hands its main reading: the reads running on the second connection.
pub(crate) struct Beside<'c, 'scope, S, F> {
    conn: &'c Connection,
    state: BesideState<'scope, S, F>,
}

enum BesideState<'scope, S, F> {
    /// On its thread; `Err` gives the reads back when the snapshots differed.
    Running(std::thread::ScopedJoinHandle<'scope, std::result::Result<Result<S>, F>>),
    /// Not started: there is no second connection.
    Here(F),
}

impl<S, F: FnOnce(&Connection) -> Result<S>> Beside<'_, '_, S, F> {
    /// Waits for the reads beside, or runs them now on the first connection.
    pub(crate) fn join(self) -> Result<S> {
        let reads = match self.state {
            BesideState::Running(thread) => {
                match thread.join().map_err(|_| Error::Internal("a reading beside the first connection failed"))? {
                    Ok(done) => return done,
                    Err(reads) => reads,
                }
            }
            BesideState::Here(reads) => reads,
        };
        reads(self.conn)
    }
}

/// Runs `reads` on `conn` in a read transaction whose snapshot has `head` as its newest audit
/// entry, or gives them back.
fn beside_snapshot<S, F: FnOnce(&Connection) -> Result<S>>(
    conn: &mut Connection,
    head: Option<(i64, [u8; 32])>,
    reads: F,
) -> std::result::Result<Result<S>, F> {
    let tx = match conn.transaction() {
        Ok(tx) => tx,
        Err(_) => return Err(reads),
    };
    match audit::head(&tx) {
        Ok(h) if h == head => {}
        _ => return Err(reads),
    }
    let out = reads(&tx);
    Ok(out.and_then(|out| {
        tx.commit()?;
        Ok(out)
    }))
}

/// The files of a practice in `dir`.
pub fn db_path(dir: &Path) -> PathBuf {
    dir.join(DB_FILE)
}

pub fn key_path(dir: &Path) -> PathBuf {
    dir.join(KEY_FILE)
}

/// The practice directory when none is given: the OS data directory (e.g. `~/.local/share/arcwell`).
pub fn default_dir() -> Result<PathBuf> {
    directories::ProjectDirs::from("org", "Arcwell", "arcwell")
        .map(|d| d.data_dir().to_owned())
        .ok_or_else(|| Error::invalid("cannot find your home directory; set ARCWELL_DATA_DIR to the practice's folder"))
}

/// Whether `dir` holds a practice (its database file exists).
pub fn exists(dir: &Path) -> bool {
    db_path(dir).exists()
}

impl Practice {
    /// Creates a new practice in `dir`: a fresh key, the key file wrapped under `passphrase`, the
    /// encrypted database with its schema, `first` (the facilitator's profile) written in its first
    /// transaction, and the key in the keychain when there is one. Refuses a directory that already
    /// holds any of these files, and leaves none behind when it fails.
    pub(crate) fn create(
        dir: &Path,
        passphrase: &Passphrase,
        keychain: &Keychain,
        first: impl FnOnce(&Transaction<'_>) -> Result<()>,
    ) -> Result<Practice> {
        passphrase.check_strength()?;
        let (db, keyfile) = (db_path(dir), key_path(dir));
        let wal = dir.join(format!("{DB_FILE}-wal"));
        if db.exists() || keyfile.exists() || wal.exists() {
            return Err(Error::AlreadyInitialized(dir.to_owned()));
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
        restrict_permissions(dir);

        let key = DatabaseKey::generate()?;
        key::write_key_file(&keyfile, &key, passphrase)?;
        let created = Self::create_db(&db, &key).and_then(|conn| {
            let mut practice = Practice {
                conn,
                beside: connection::open_beside(&db, &key).ok().into(),
                dir: dir.to_owned(),
                key_source: KeySource::Passphrase,
                keychain_note: None,
                open_lock: shared_lock(dir)?,
                anchor: AnchorState::default(),
                pin_seal: None,
                damaged: None,
            };
            practice.write(first)?;
            practice.reset_audit_anchor();
            Ok(practice)
        });
        let mut practice = match created {
            Ok(practice) => practice,
            Err(e) => {
                // Leave the directory as we found it, so `init` can simply be run again.
                for f in [db.clone(), wal, dir.join(format!("{DB_FILE}-shm")), keyfile] {
                    let _ = std::fs::remove_file(f);
                }
                return Err(e);
            }
        };
        practice.keychain_note = keychain.store(&db, &key).err();
        if practice.keychain_note.is_none() {
            practice.key_source = KeySource::Keychain;
        }
        Ok(practice)
    }

    fn create_db(db: &Path, key: &DatabaseKey) -> Result<Connection> {
        let mut conn = connection::open(db, key, true)?;
        migrate::migrate(&mut conn, db, true)?;
        Ok(conn)
    }

    /// Opens the practice with the key from the keychain, or says why the keychain could not open
    /// it (no entry, no keychain, a key for another file): `Err(Error::KeychainUnavailable(why))`
    /// inside the `Ok`. The public door is `Practice::open_with_keychain_or_why` (`crate::practice`).
    pub(crate) fn open_by_keychain(dir: &Path, keychain: &Keychain) -> Result<std::result::Result<Practice, Error>> {
        let db = require_db(dir)?;
        let key = match keychain.load(&db) {
            Lookup::Found(key) => key,
            Lookup::Missing => {
                return Ok(Err(Error::KeychainUnavailable(
                    "the keychain has no key for it (a new computer, a restored practice, or a key removed)".into(),
                )));
            }
            Lookup::Unavailable(why) => return Ok(Err(Error::KeychainUnavailable(why))),
        };
        match Self::open_with_key(dir, &db, &key, KeySource::Keychain) {
            // A key for a file that was since replaced (a restore, a copy): the passphrase decides.
            Err(Error::NotArcwellDatabase(_)) => Ok(Err(Error::KeychainUnavailable(
                "the key in the keychain is for another file (the practice was restored or replaced)".into(),
            ))),
            Ok(mut practice) => {
                practice.record_unlock("keychain")?;
                Ok(Ok(practice))
            }
            Err(e) => Err(e),
        }
    }

    /// Opens the practice by unwrapping the key file with the recovery passphrase, then keeps the
    /// key in the keychain (when there is one) so the next open needs no passphrase.
    ///
    /// Lock order (ARCHITECTURE *Opening a practice*): a re-key cut off by a crash is finished only
    /// while this process holds `practice.lock` exclusively — never while a rotation runs or another
    /// process has the practice open, when `practice.key.next` is left alone — and the key file is
    /// read only under the shared lock, so a rotation cannot swap it between the read and the open.
    pub(crate) fn open_by_passphrase(dir: &Path, passphrase: &Passphrase, keychain: &Keychain) -> Result<Practice> {
        let db = require_db(dir)?;
        let had_lock_file = dir.join(LOCK_FILE).exists();
        let unlocked = Self::unlock_with_passphrase(dir, &db, passphrase);
        let (mut practice, key) = match unlocked {
            Ok(opened) => opened,
            Err(e) => {
                if !had_lock_file {
                    let _ = std::fs::remove_file(dir.join(LOCK_FILE));
                }
                if matches!(e, Error::WrongPassphrase) {
                    // The database cannot be written without the key: noted beside it, moved into
                    // the trail at the next unlock.
                    audit::note_failed_unlock(dir, "passphrase", Utc::now());
                }
                return Err(e);
            }
        };
        practice.record_unlock("passphrase")?;
        practice.keychain_note = keychain.store(&db, &key).err();
        Ok(practice)
    }

    fn unlock_with_passphrase(dir: &Path, db: &Path, passphrase: &Passphrase) -> Result<(Practice, DatabaseKey)> {
        if rekey::pending(dir)
            && let Some(exclusive) = try_exclusive_lock(dir)?
        {
            let finished = rekey::finish_interrupted(dir, passphrase);
            drop(exclusive);
            finished?;
        }
        // The passphrase is unwrapped (a second of scrypt) without the lock, so unlocks in a loop
        // cannot starve a rotation; the key file is then read again under the shared lock, and a
        // file replaced meanwhile (a rotation or passphrase change finished) is unwrapped anew.
        let keyfile = key_path(dir);
        let mut attempts = 0;
        let (key, open_lock) = loop {
            let bytes = key::read_key_file_bytes(&keyfile)?;
            let key = key::decrypt_key_file(&keyfile, &bytes, passphrase)?;
            // Waits while another process re-keys or restores; from here none can start.
            let open_lock = shared_lock(dir)?;
            if key::read_key_file_bytes(&keyfile)? == bytes {
                break (key, open_lock);
            }
            attempts += 1;
            if attempts == 3 {
                return Err(Error::Conflict(
                    "the key file kept changing while unlocking (another Arcwell process is re-keying); try again"
                        .into(),
                ));
            }
        };
        match Self::open_locked(dir, db, &key, KeySource::Passphrase, open_lock) {
            Ok(practice) => Ok((practice, key)),
            Err(Error::NotArcwellDatabase(_)) if rekey::pending(dir) => Err(Error::Conflict(
                "a key rotation was cut off and can be finished only while no other Arcwell process has this practice open; close the others, then unlock again".into(),
            )),
            Err(e) => Err(e),
        }
    }

    /// Points the audit anchor at the newest entry whatever it said before: for a new practice and
    /// after a restore (which is itself recorded), when the chain rightly starts again.
    pub(crate) fn reset_audit_anchor(&self) {
        audit::reset_anchor(&self.conn, &self.dir);
        self.anchor.behind.set(false);
        self.anchor.moved.set(Some(std::time::Instant::now()));
    }

    /// Moves the audit anchor up to the newest entry now, if entries were committed since it last
    /// moved: before a verification, before the database file is replaced, when the practice closes.
    pub(crate) fn sync_anchor(&self) {
        if self.anchor.behind.replace(false) {
            audit::write_anchor(&self.conn, &self.dir);
            self.anchor.moved.set(Some(std::time::Instant::now()));
        }
    }

    /// Opens the practice in `dir` with a key already in hand (the PIN's sealed copy).
    pub(crate) fn open_with_key_from(dir: &Path, key: &DatabaseKey, source: KeySource) -> Result<Practice> {
        let db = require_db(dir)?;
        Self::open_with_key(dir, &db, key, source)
    }

    pub(crate) fn pin_seal(&self) -> Option<&crate::store::pin::SealedKey> {
        self.pin_seal.as_ref()
    }

    pub(crate) fn set_pin_seal(&mut self, sealed: Option<crate::store::pin::SealedKey>) {
        self.pin_seal = sealed;
    }

    /// Records the unlock (after any failed ones noted since the last) in the audit trail.
    pub(crate) fn record_unlock(&mut self, method: &str) -> Result<()> {
        let dir = self.dir.clone();
        if self.write_untracked(|tx| audit::record_unlock(tx, &dir, method))? {
            audit::clear_failures(&dir);
        }
        Ok(())
    }

    fn open_with_key(dir: &Path, db: &Path, key: &DatabaseKey, source: KeySource) -> Result<Practice> {
        // Taken before the file is opened: a re-key or restore in progress elsewhere is waited for.
        let had_lock_file = dir.join(LOCK_FILE).exists();
        let open_lock = shared_lock(dir)?;
        let opened = Self::open_locked(dir, db, key, source, open_lock);
        if opened.is_err() && !had_lock_file {
            // A refused open leaves the directory as it was (a foreign file, a wrong key).
            let _ = std::fs::remove_file(dir.join(LOCK_FILE));
        }
        opened
    }

    /// Opens the database holding `open_lock` (dropped on failure).
    fn open_locked(
        dir: &Path,
        db: &Path,
        key: &DatabaseKey,
        source: KeySource,
        open_lock: Option<std::fs::File>,
    ) -> Result<Practice> {
        let mut conn = connection::open(db, key, false)?;
        migrate::migrate(&mut conn, db, false)?;
        audit::anchor_new_trail(&conn, dir);
        let pin_seal = crate::store::pin::seal(&conn, key)?;
        Ok(Practice {
            conn,
            beside: connection::open_beside(db, key).ok().into(),
            dir: dir.to_owned(),
            key_source: source,
            keychain_note: None,
            open_lock,
            anchor: AnchorState::default(),
            pin_seal,
            damaged: None,
        })
    }

    /// A plaintext copy of a synthetic practice, for benchmarks (see `synthetic::open_plaintext`).
    #[cfg(feature = "synthetic")]
    pub(crate) fn open_plain_copy(path: &Path) -> Result<Practice> {
        let conn = connection::open_plain(path)?;
        let dir = path.parent().unwrap_or(Path::new(".")).to_owned();
        Ok(Practice {
            conn,
            beside: connection::open_plain_beside(path).ok().into(),
            dir,
            key_source: KeySource::Passphrase,
            keychain_note: None,
            open_lock: None,
            anchor: AnchorState::default(),
            pin_seal: None,
            damaged: None,
        })
    }

    /// The connection itself, outside any transaction (ATTACH/DETACH cannot run inside one): backups.
    pub(crate) fn connection_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Opens a practice just restored into `dir` with its new key, and keeps the key in the keychain.
    pub(crate) fn open_restored(dir: &Path, key: &DatabaseKey, keychain: &Keychain) -> Result<Practice> {
        let db = db_path(dir);
        let mut practice = Self::open_with_key(dir, &db, key, KeySource::Passphrase)?;
        practice.keychain_note = keychain.store(&db, key).err();
        if practice.keychain_note.is_none() {
            practice.key_source = KeySource::Keychain;
        }
        Ok(practice)
    }

    /// Closes the database file (its WAL is checkpointed and removed) so it can be replaced; the
    /// practice holds an empty in-memory database until `reopen_with`.
    pub(crate) fn close_for_replacement(&mut self) -> Result<()> {
        self.sync_anchor();
        // The second connection first: the last to close checkpoints the WAL and removes it.
        if let Some(beside) = self.beside.get_mut().take() {
            beside.close().map_err(|(_, e)| Error::from(e))?;
        }
        let old = std::mem::replace(&mut self.conn, Connection::open_in_memory()?);
        old.close().map_err(|(_, e)| Error::from(e))
    }

    /// The connection to copy the whole file through (a backup): the second when there is one, so
    /// that the first keeps its warm cache and stays usable should a page fail SQLCipher's check,
    /// after which SQLCipher answers every read on that connection with zeros (`note_damaged`).
    pub(crate) fn copying_connection(&mut self) -> &mut Connection {
        match self.beside.get_mut() {
            Some(beside) => beside,
            None => &mut self.conn,
        }
    }

    /// Notes that `page` failed SQLCipher's check on the connection a backup copied through, and
    /// drops the second connection, the one copied through when there is one: its reads run on the
    /// first from now on, and no later backup reads the file again (a damaged page would leave the
    /// first reading zeros too) until the practice is opened again.
    pub(crate) fn note_damaged(&mut self, page: u64) {
        self.damaged = Some(page);
        drop(self.beside.get_mut().take());
    }

    /// Forgets the damaged page a backup found: a repair found the file sound, or rebuilt it.
    pub(crate) fn forget_damage(&mut self) {
        self.damaged = None;
    }

    /// The page a backup found damaged since the practice was opened, if one did.
    pub(crate) fn damaged_page(&self) -> Option<u64> {
        self.damaged
    }

    /// Opens the (replaced) database file again with `key`.
    pub(crate) fn reopen_with(&mut self, key: &DatabaseKey) -> Result<()> {
        let db = db_path(&self.dir);
        let mut conn = connection::open(&db, key, false)?;
        migrate::migrate(&mut conn, &db, false)?;
        self.pin_seal = crate::store::pin::seal(&conn, key)?;
        self.conn = conn;
        *self.beside.get_mut() = connection::open_beside(&db, key).ok();
        Ok(())
    }

    /// The connection itself, outside any transaction (ATTACH/DETACH cannot run inside one).
    #[cfg(feature = "synthetic")]
    pub(crate) fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one immediate transaction: everything it writes commits together or not at all.
    /// Every change to the practice goes through here, and records what it did in the audit trail
    /// (`audit::record`): a transaction that changed rows without recording is refused.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        self.transact(true, f)
    }

    /// A write that is not a change to the practice's content (a backup's own record, an unlock):
    /// audited like every write, but not counted as a change since the last backup.
    pub(crate) fn write_untracked<T>(&mut self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        self.transact(false, f)
    }

    fn transact<T>(&mut self, tracked: bool, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let head_before = audit::head(&tx)?.map(|(seq, _)| seq);
        let changes_before = tx.total_changes();
        let out = f(&tx)?;
        let recorded = audit::head(&tx)?.map(|(seq, _)| seq) != head_before;
        if !recorded {
            if tx.total_changes() != changes_before {
                return Err(Error::Internal("a change was about to be saved without an audit trail entry"));
            }
            tx.commit()?;
            return Ok(out);
        }
        if tracked {
            // "Changed since the last backup" counts every change; backup bookkeeping does not.
            tx.prepare_cached("UPDATE change_counter SET n = n + 1 WHERE id = 1")?.execute([])?;
        }
        tx.commit()?;
        // The anchor follows at most every ANCHOR_EVERY: rewriting it after each autosave made its
        // rename part of every save's fsync.
        self.anchor.behind.set(true);
        if self.anchor.moved.get().is_none_or(|at| at.elapsed() >= ANCHOR_EVERY) {
            self.sync_anchor();
        }
        Ok(out)
    }

    /// Re-indexes for search the drafts whose autosaves marked them stale (`search_stale`, schema
    /// 0011), in one transaction; nothing when none is. The one write outside `write`: it changes
    /// only the search index, derived from answers already saved and audited, so it adds no audit
    /// entry and is not a change since the last backup.
    pub(crate) fn refresh_search_index(&self) -> Result<()> {
        let stale: bool =
            self.conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM search_stale)")?.query_row([], |r| r.get(0))?;
        if !stale {
            return Ok(());
        }
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "UPDATE search_entry SET (title, body) =
                 (SELECT title, coalesce(body, '') FROM search_document WHERE document_id = substr(search_entry.key, 10))
             WHERE key IN (SELECT 'document:' || document_id FROM search_stale);
             DELETE FROM search_stale;",
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Runs `f` in one read transaction: its queries see one consistent snapshot (a CLI writing
    /// meanwhile cannot split a dashboard in two), and the WAL lock is taken once, not per statement.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let tx = self.conn.unchecked_transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `main` in one read transaction, as `read` does, while `beside` runs on the second
    /// connection on another thread: what `main` hands to `Beside::join` comes back. Both see one
    /// snapshot: the second's read transaction is begun after the first's, and its work is thrown
    /// away unread when the newest audit entry differs between them (every change to the practice
    /// adds one, `transact`), so a write committed in between cannot split the reading. Then, or
    /// when there is no second connection, `beside` runs on the first connection at the join.
    pub(crate) fn read_beside<S, F, T>(
        &self,
        beside: F,
        main: impl for<'c> FnOnce(&'c Connection, Beside<'c, '_, S, F>) -> Result<T>,
    ) -> Result<T>
    where
        S: Send,
        F: FnOnce(&Connection) -> Result<S> + Send,
    {
        let tx = self.conn.unchecked_transaction()?;
        // The first read fixes the snapshot.
        let head = audit::head(&tx)?;
        let mut second = self.beside.borrow_mut();
        let out = std::thread::scope(|s| {
            let state = match second.as_mut() {
                Some(conn) => BesideState::Running(s.spawn(move || beside_snapshot(conn, head, beside))),
                None => BesideState::Here(beside),
            };
            main(&tx, Beside { conn: &tx, state })
        })?;
        tx.commit()?;
        Ok(out)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn key_source(&self) -> KeySource {
        self.key_source
    }

    /// Why the key could not be kept in the keychain, if it could not.
    pub fn keychain_note(&self) -> Option<&str> {
        self.keychain_note.as_deref()
    }

    pub fn cipher_version(&self) -> Result<String> {
        connection::cipher_version(&self.conn)
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// What SQLite's `integrity_check` (the b-trees, indexes and constraints) and SQLCipher's
    /// `cipher_integrity_check` (every page's HMAC) find wrong with the file; empty when it is sound.
    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        let mut found: Vec<String> = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let row = row?;
            if row != "ok" {
                found.push(format!("integrity_check: {row}"));
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA cipher_integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            found.push(format!("cipher_integrity_check: {}", row?));
        }
        Ok(found)
    }
}

/// The lock file every open practice holds a shared lock on.
pub const LOCK_FILE: &str = "practice.lock";

/// How long an open waits for a re-key or restore in another process to finish.
const SHARED_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The practice's lock file, opened (made when missing) to take a lock on; `None` on a read-only
/// medium, where the practice opens without one (nothing can replace it there).
fn open_lock_file(dir: &Path) -> Result<Option<std::fs::File>> {
    let path = dir.join(LOCK_FILE);
    match std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path) {
        Ok(f) => Ok(Some(f)),
        Err(e) if matches!(e.kind(), std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem) => {
            Ok(None)
        }
        Err(e) => Err(Error::io(format!("cannot open {}", path.display()), e)),
    }
}

/// A shared lock on the practice's lock file, waited for while another process holds it
/// exclusively. `None` where the filesystem has no locks (the files are still encrypted; only the
/// "another process has it open" check is lost).
fn shared_lock(dir: &Path) -> Result<Option<std::fs::File>> {
    let Some(file) = open_lock_file(dir)? else { return Ok(None) };
    let started = std::time::Instant::now();
    loop {
        match file.try_lock_shared() {
            Ok(()) => return Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < SHARED_LOCK_WAIT => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::Conflict(
                    "another Arcwell process is re-keying or restoring this practice; wait for it to finish, then try again"
                        .into(),
                ));
            }
            Err(std::fs::TryLockError::Error(_)) => return Ok(None),
        }
    }
}

/// The practice's lock file held exclusively, when no other process holds it (`None` when one
/// does, or when the practice is on a read-only medium where nothing can be renamed anyway).
fn try_exclusive_lock(dir: &Path) -> Result<Option<std::fs::File>> {
    let Some(file) = open_lock_file(dir)? else { return Ok(None) };
    match file.try_lock() {
        // A filesystem without locks: as `exclusively` does, go ahead (no lock can be seen there).
        Ok(()) | Err(std::fs::TryLockError::Error(_)) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
    }
}

impl Practice {
    /// Runs `f` holding the practice's lock file exclusively: no other Arcwell process has the
    /// practice open meanwhile, and none opens it until `f` returns (a re-key, a restore).
    pub(crate) fn exclusively<T>(&mut self, f: impl FnOnce(&mut Practice) -> Result<T>) -> Result<T> {
        let path = self.dir.join(LOCK_FILE);
        self.open_lock = None;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
        let result = match file.try_lock() {
            Ok(()) | Err(std::fs::TryLockError::Error(_)) => f(self),
            Err(std::fs::TryLockError::WouldBlock) => Err(Error::Conflict(
                "another Arcwell process has this practice open (the app, the reminder watcher, a scheduled backup); close it, then try again; nothing was changed"
                    .into(),
            )),
        };
        drop(file);
        self.open_lock = shared_lock(&self.dir).ok().flatten();
        result
    }
}

fn require_db(dir: &Path) -> Result<PathBuf> {
    let db = db_path(dir);
    if !db.is_file() {
        return Err(Error::NotInitialized(dir.to_owned()));
    }
    Ok(db)
}

/// The practice directory is the facilitator's alone (0700 on Unix). Best effort: on a filesystem
/// without permissions (a FAT USB stick) the files are still encrypted.
pub(crate) fn restrict_permissions(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::audit::{Action, Subject};

    const PASS: &str = "lantern meadow copper thistle";

    fn practice(dir: &Path) -> Practice {
        let profile = crate::domain::profile::ProfileInput {
            name: "Rowan Hale".into(),
            timezone: "UTC".into(),
            ..Default::default()
        };
        Practice::init(dir, &profile, &Passphrase::new(PASS), &Keychain::Off, Utc::now())
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn name(conn: &Connection) -> Result<String> {
        Ok(conn.query_row("SELECT name FROM profile", [], |r| r.get(0))?)
    }

    fn rename(p: &mut Practice, to: &str) {
        p.write(|tx| {
            tx.execute("UPDATE profile SET name = ?1", [to])?;
            audit::record(tx, Action::Update, &Subject::Profile, None)
        })
        .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn reads_beside_run_on_another_thread_and_see_what_the_first_sees() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut p = practice(dir.path());
        rename(&mut p, "Sorrel Quince");
        let here = std::thread::current().id();
        let (mine, theirs, thread) = p
            .read_beside(
                |conn| Ok((name(conn)?, std::thread::current().id())),
                |conn, beside| {
                    let mine = name(conn)?;
                    let (theirs, thread) = beside.join()?;
                    Ok((mine, theirs, thread))
                },
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((mine.as_str(), theirs.as_str()), ("Sorrel Quince", "Sorrel Quince"));
        assert_ne!(thread, here, "the second connection's reads ran on their own thread");
    }

    /// A write committed after the first snapshot and before the second would split the reading:
    /// the second connection gives its reads back unrun, and they run on the first.
    #[test]
    fn a_write_between_the_two_snapshots_sends_the_reads_back_to_the_first() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = practice(dir.path());
        let tx = p.conn.unchecked_transaction().unwrap_or_else(|e| panic!("{e}"));
        let head = audit::head(&tx).unwrap_or_else(|e| panic!("{e}"));
        let mut second = p.beside.borrow_mut();
        let second = second.as_mut().unwrap_or_else(|| panic!("no second connection"));
        // Nothing in between: the reads run there.
        assert_eq!(beside_snapshot(second, head, name).ok().and_then(|r| r.ok()).as_deref(), Some("Rowan Hale"));

        // Another process (the CLI, a second window) renames the facilitator in between.
        let mut other = Practice::open_by_passphrase(dir.path(), &Passphrase::new(PASS), &Keychain::Off)
            .unwrap_or_else(|e| panic!("{e}"));
        rename(&mut other, "Sorrel Quince");
        assert!(beside_snapshot(second, head, name).is_err(), "the reads are given back");
        // The first connection still reads its own snapshot, where they then run.
        assert_eq!(name(&tx).unwrap_or_else(|e| panic!("{e}")), "Rowan Hale");
    }

    /// The second connection is for reading: every change still goes through `transact`.
    #[test]
    fn the_second_connection_refuses_writes() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = practice(dir.path());
        let second = p.beside.borrow();
        let second = second.as_ref().unwrap_or_else(|| panic!("no second connection"));
        let refused = second.execute("UPDATE profile SET name = 'Someone Else'", []);
        assert!(refused.is_err(), "{refused:?}");
        assert_eq!(name(&p.conn).unwrap_or_else(|e| panic!("{e}")), "Rowan Hale");
    }

    /// Without a second connection (it could not be opened), the reads run on the first, in turn.
    #[test]
    fn without_a_second_connection_the_reads_run_on_the_first() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = practice(dir.path());
        *p.beside.borrow_mut() = None;
        let here = std::thread::current().id();
        let thread = p
            .read_beside(|_| Ok(std::thread::current().id()), |_, beside| beside.join())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(thread, here);
    }

    /// A re-key replaces the file: the second connection is closed before and opened on the new
    /// file after, with the new key.
    #[test]
    fn the_second_connection_follows_a_rekey() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut p = practice(dir.path());
        p.close_for_replacement().unwrap_or_else(|e| panic!("{e}"));
        assert!(p.beside.borrow().is_none());
        assert!(!dir.path().join(format!("{DB_FILE}-wal")).exists(), "the WAL was checkpointed and removed");
        let keyfile = key_path(dir.path());
        let bytes = key::read_key_file_bytes(&keyfile).unwrap_or_else(|e| panic!("{e}"));
        let key = key::decrypt_key_file(&keyfile, &bytes, &Passphrase::new(PASS)).unwrap_or_else(|e| panic!("{e}"));
        p.reopen_with(&key).unwrap_or_else(|e| panic!("{e}"));
        rename(&mut p, "Sorrel Quince");
        let theirs = p.read_beside(name, |_, beside| beside.join()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(theirs, "Sorrel Quince");
    }
}

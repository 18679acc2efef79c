//! Encrypted backups: a consistent snapshot of the whole practice as one age file, readable with
//! the standard `age` and `tar` tools (docs/backup-format.md). The plaintext never touches disk.

pub mod archive;
pub mod auto;
mod behind;
pub mod recipients;

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

pub use archive::{ImageInfo, Manifest};
pub use recipients::{Recipients, Unlock};

use crate::key::{self, DatabaseKey, Passphrase};
use crate::keychain::{Keychain, Lookup};
use crate::store::audit::{self, Action, Subject};
use crate::store::files::{self, check_written, remove_db_files, write_encrypted};
use crate::store::{self, Practice, connection, migrate};
use crate::{Error, Result};

/// Backup files end in `.arcwell-backup`.
pub const EXTENSION: &str = "arcwell-backup";

/// Where a backup was written and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BackupInfo {
    pub path: String,
    /// The encrypted file's size.
    #[ts(type = "number")]
    pub file_bytes: u64,
    pub manifest: Manifest,
}

/// How far a backup, verification or restore has come: bytes of the database image.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

/// How many hex digits of the practice's id a backup's file name carries (48 bits).
const NAME_ID_DIGITS: usize = 12;

/// Who made a backup file, as its name says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Made {
    /// An automatic run: `arcwell-auto-<id>-<time>`. Only these are ever rotated away.
    Automatic,
    /// By hand (*Back up now*, `backup create --folder`): `arcwell-<id>-<time>`.
    ByHand,
    /// Before a restore replaced the practice: `before-restore-arcwell-<id>-<time>`.
    BeforeRestore,
}

/// A backup file's name: who made it, the first digits of the practice's id (so backups of
/// several practices can share a folder) and the UTC time, e.g.
/// `arcwell-auto-3f9c0a1b2c4d-2026-12-01T103000Z.arcwell-backup`.
pub fn file_name(made: Made, practice_id: &str, now: DateTime<Utc>) -> String {
    let prefix = match made {
        Made::Automatic => "arcwell-auto",
        Made::ByHand => "arcwell",
        Made::BeforeRestore => "before-restore-arcwell",
    };
    let id: String = practice_id.chars().take(NAME_ID_DIGITS).collect();
    format!("{prefix}-{id}-{}.{EXTENSION}", now.format("%Y-%m-%dT%H%M%SZ"))
}

/// Whether `name` is an automatic backup of the practice whose id is `practice_id`.
pub(crate) fn is_automatic_of(name: &str, practice_id: &str) -> bool {
    let id: String = practice_id.chars().take(NAME_ID_DIGITS).collect();
    name.strip_prefix("arcwell-auto-")
        .and_then(|r| r.strip_prefix(id.as_str()))
        .and_then(|r| r.strip_prefix('-'))
        .and_then(|r| r.strip_suffix(&format!(".{EXTENSION}")))
        .is_some_and(|t| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H%M%SZ").is_ok())
}

/// Encrypted backups: write, name, digest, automatic backups and their health.
/// Borrowed from a practice by [`Practice::backups`].
pub struct Backups<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl Backups<'_> {
    /// The practice's random id (made once, by migration 12; a restore keeps it).
    pub fn practice_id(self) -> Result<String> {
        self.practice.read(|conn| self.practice.practice_id_in(conn))
    }

    /// The file name for a backup of this practice made now.
    pub fn file_name(self, made: Made, now: DateTime<Utc>) -> Result<String> {
        Ok(file_name(made, &self.practice.backups().practice_id()?, now))
    }
}

impl Practice {
    fn practice_id_in(&self, conn: &Connection) -> Result<String> {
        Ok(conn.query_row("SELECT practice_id FROM practice_identity WHERE id = 1", [], |r| r.get(0))?)
    }
}

impl Backups<'_> {
    /// Writes a backup of the whole practice to `dest` (which must not exist yet), encrypted to
    /// `to`. The file appears under its name only once complete and synced.
    pub fn write_to(
        self,
        dest: &Path,
        to: &Recipients,
        now: DateTime<Utc>,
        progress: Progress<'_>,
    ) -> Result<BackupInfo> {
        let (info, changes) = self.practice.write_backup(dest, to, now, progress)?;
        self.practice.record_manual_backup(&info, changes, now)?;
        Ok(info)
    }
}

impl Practice {
    /// Writes the backup; returns it and the change counter of the snapshot it holds.
    pub(crate) fn write_backup(
        &mut self,
        dest: &Path,
        to: &Recipients,
        now: DateTime<Utc>,
        progress: Progress<'_>,
    ) -> Result<(BackupInfo, i64)> {
        if dest.exists() {
            return Err(Error::Conflict(format!(
                "{} already exists; nothing was written. Choose another file name",
                dest.display()
            )));
        }
        let encryptor = to.encryptor()?;
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
            _ => PathBuf::from("."),
        };
        let partial = tempfile::Builder::new()
            .prefix(".arcwell-backup-")
            .suffix(".partial")
            .tempfile_in(&dir)
            .map_err(|e| write_error(&dir, e))?;
        let (manifest, changes) = self.with_plain_image(now, |manifest, image| {
            // Encrypted here, written to the file on a second thread (`behind`).
            std::thread::scope(|s| {
                let out = behind::Behind::start(s, partial.as_file());
                let sealed = encryptor.wrap_output(out).map_err(|e| write_error(&dir, e))?;
                let sealed = archive::write(sealed, manifest, image, progress).map_err(|e| write_error(&dir, e))?;
                sealed.finish().and_then(behind::Behind::finish).map_err(|e| write_error(&dir, e))
            })
        })?;
        partial.as_file().sync_all().map_err(|e| write_error(&dir, e))?;
        let file_bytes = partial.as_file().metadata().map_err(|e| write_error(&dir, e))?.len();
        partial.persist_noclobber(dest).map_err(|e| write_error(&dir, e.error))?;
        Ok((BackupInfo { path: dest.display().to_string(), file_bytes, manifest }, changes))
    }

    /// Copies the practice, page for page as SQLCipher decrypts them, into a plain in-memory image
    /// (one consistent snapshot), and hands its manifest and bytes to `f`. The image is in memory
    /// only, and dropped afterwards.
    ///
    /// `sqlite3_serialize` reads every page through the practice's pager: each is decrypted and
    /// its HMAC checked, then copied as it is, with no row or index entry rebuilt (what
    /// `sqlcipher_export` did, at 2.5 times the cost). A page that fails its check comes back as
    /// zeros rather than as an error, so `plain_pages` refuses any page without its IV. The copy
    /// goes through the second connection when there is one (`copying_connection`), its page
    /// cache emptied first, so the pages read are the file's.
    fn with_plain_image(
        &mut self,
        now: DateTime<Utc>,
        f: impl FnOnce(&Manifest, &[u8]) -> Result<()>,
    ) -> Result<(Manifest, i64)> {
        let path = store::db_path(self.dir());
        if let Some(page) = self.damaged_page() {
            return Err(Error::Damaged { path, page });
        }
        let conn = self.copying_connection();
        // Every page is to be read from the file now, through SQLCipher: a page the first
        // connection wrote lies in its cache as written, with no IV among its reserved bytes.
        // And each page passes through the cache once: a cache of a few pages keeps the copy from
        // filling the connection's 64 MiB with pages it does not read again (a backup's peak
        // memory); the connection's own size comes back after.
        let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        conn.execute_batch("PRAGMA shrink_memory; PRAGMA cache_size = 16;")?;
        // One read transaction: the pages, and so everything the manifest says, are one snapshot.
        conn.execute_batch("BEGIN")?;
        let copied = conn.serialize("main").map(|data| match data {
            rusqlite::serialize::Data::Owned(owned) => Ok(owned),
            rusqlite::serialize::Data::Shared(_) => Err(Error::Internal("the practice is not a file")),
        });
        let ended = conn.execute_batch("COMMIT");
        let restored = conn.execute_batch(&format!("PRAGMA cache_size = {cache}"));
        let mut image = copied??;
        ended?;
        if let Err(e) = plain_pages(&mut image, &path) {
            // A page failed its check: that connection reads only zeros from now on.
            if let Error::Damaged { page, .. } = e {
                self.note_damaged(page);
            }
            return Err(e);
        }
        restored?;
        // The image alone, on a connection without a key: every figure below is the image's own.
        let mut plain = Connection::open_in_memory()?;
        plain.deserialize("main", image, true)?;
        let schema: i64 = plain.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let tables = counts(&plain, "main")?;
        let practice_id: String =
            plain.query_row("SELECT practice_id FROM practice_identity WHERE id = 1", [], |r| r.get(0))?;
        let audit_head: Option<(i64, Vec<u8>)> = plain
            .query_row("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        // The snapshot's own change count: what "changed since this backup" compares with.
        let changes: i64 = plain.query_row("SELECT n FROM change_counter WHERE id = 1", [], |r| r.get(0))?;
        let image = plain.serialize("main")?;
        let manifest = Manifest {
            format: archive::FORMAT.into(),
            format_version: archive::FORMAT_VERSION,
            arcwell_version: env!("CARGO_PKG_VERSION").into(),
            schema_version: schema,
            created_at: now,
            database: ImageInfo { bytes: image.len() as u64, sha256: archive::sha256_hex(&image) },
            tables,
            practice_id: Some(practice_id),
            audit_head: audit_head.map(|(seq, hash)| archive::TrailHead { seq, hash: archive::hex(&hash) }),
        };
        f(&manifest, &image)?;
        Ok((manifest, changes))
    }

    /// Replaces this practice with a backup. The backup is read and checked first; then a safety
    /// backup of the current practice is written to `safety` (encrypted to `safety_to`); then the
    /// backup's data is written, encrypted with this practice's key, beside `practice.db`, checked
    /// (and migrated if it is older) and renamed over it. Before that rename the current practice
    /// is untouched. The key comes from the keychain, or the recovery passphrase when given.
    /// Refused while another Arcwell process has the practice open: it would go on writing to the
    /// replaced file.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn replace_with_backup(
        &mut self,
        file: &Path,
        unlock: &Unlock,
        safety: &Path,
        safety_to: &Recipients,
        passphrase: Option<&Passphrase>,
        keychain: &Keychain,
        now: DateTime<Utc>,
        progress: Progress<'_>,
    ) -> Result<(Manifest, BackupInfo)> {
        self.exclusively(|p| p.restore_alone(file, unlock, safety, safety_to, passphrase, keychain, now, progress))
    }

    #[allow(clippy::too_many_arguments)]
    fn restore_alone(
        &mut self,
        file: &Path,
        unlock: &Unlock,
        safety: &Path,
        safety_to: &Recipients,
        passphrase: Option<&Passphrase>,
        keychain: &Keychain,
        now: DateTime<Utc>,
        progress: Progress<'_>,
    ) -> Result<(Manifest, BackupInfo)> {
        // Checked whole first (unlike `restore_new`, not beside the writing): a damaged backup is
        // refused before the safety backup is written, and the image is not held three times.
        let (manifest, mut image) = open(file, unlock, progress)?;
        let dir = self.dir().to_owned();
        let db = store::db_path(&dir);
        // The trail being replaced: its head goes into the restore's own entry.
        let replaced_head = self.read(crate::store::audit::head)?;
        let key = match keychain.load(&db) {
            Lookup::Found(k) => k,
            Lookup::Missing | Lookup::Unavailable(_) => match passphrase {
                Some(p) => key::read_key_file(&store::key_path(&dir), p)?,
                None => return Err(Error::PassphraseRequired),
            },
        };
        // The key must be this practice's: it is what the restored file will be encrypted with.
        drop(connection::open(&db, &key, false)?);
        let (safety_info, _) = self.write_backup(safety, safety_to, now, &mut |_, _| {})?;

        let staging = dir.join(format!("{}.restoring", store::DB_FILE));
        remove_db_files(&staging, true)?;
        if let Err(e) = write_encrypted(&mut image, &staging, &key, manifest.schema_version) {
            let _ = remove_db_files(&staging, true);
            return Err(e);
        }
        drop(image);
        if let Err(e) = check_written(&staging, &key) {
            let _ = remove_db_files(&staging, true);
            return Err(e);
        }
        // Close the current database (its WAL is checkpointed and removed), then swap the files.
        self.close_for_replacement()?;
        remove_db_files(&db, false)?;
        std::fs::rename(&staging, &db)
            .map_err(|e| Error::io(format!("cannot move the restored practice into {}", db.display()), e))?;
        self.reopen_with(&key)?;
        let mut detail = restored_detail(&manifest);
        if let Some((seq, hash)) = replaced_head {
            detail.push_str(&format!("; replaced a trail whose head was entry {seq} {}", archive::hex(&hash)));
        }
        self.write_untracked(|tx| audit::record(tx, Action::Restore, &Subject::Practice, Some(&detail)))?;
        // The restored chain is the backup's: shorter than the anchor of the practice it replaced.
        self.reset_audit_anchor();
        Ok((manifest, safety_info))
    }
}

impl Backups<'_> {
    /// A digest of every row of every table (row count and SHA-256 of the rows in order), to
    /// compare two practices table by table: a restore must give back exactly what was backed up.
    pub fn content_digest(self) -> Result<std::collections::BTreeMap<String, (u64, String)>> {
        self.practice.read(|conn| files::digest(conn, files::RowOrder::Values, &[]))
    }
}

/// How many of a SQLCipher page's reserved bytes (its last 80) are its IV: the first 16.
const CIPHER_IV_BYTES: usize = 16;

/// Turns the practice's pages, as `sqlite3_serialize` copied them, into a plain SQLite file, or
/// refuses them when one is damaged.
/// - A page SQLCipher decrypted carries in its reserved bytes the IV it was encrypted with (16
///   random bytes); a page that failed its HMAC comes back all zeros, IV included. A page whose IV
///   is zero is refused. The pending-byte page at 1 GiB, which SQLite never writes, is not a page.
/// - The reserved bytes are then zeroed: the image keeps nothing of the encrypted file.
/// - The header's format bytes (18, 19) say rollback journal, not WAL: an image has no WAL beside
///   it, and SQLite refuses to use an image in memory that says WAL.
fn plain_pages(image: &mut [u8], path: &Path) -> Result<()> {
    if image.len() < 100 {
        return Err(Error::Internal("the practice's image has no header"));
    }
    let page_size = match u16::from_be_bytes([image[16], image[17]]) {
        1 => 65_536,
        n => usize::from(n),
    };
    let reserve = usize::from(image[20]);
    if page_size < 512 || !image.len().is_multiple_of(page_size) || reserve >= page_size {
        return Err(Error::Internal("the practice's image is not whole pages"));
    }
    if reserve > 0 {
        let pending = (1usize << 30) / page_size + 1;
        for (at, page) in image.chunks_exact_mut(page_size).enumerate() {
            let reserved = &mut page[page_size - reserve..];
            let iv = &reserved[..CIPHER_IV_BYTES.min(reserve)];
            if at + 1 != pending && iv.iter().all(|b| *b == 0) {
                return Err(Error::Damaged { path: path.to_owned(), page: at as u64 + 1 });
            }
            reserved.fill(0);
        }
    }
    zero_free_pages(image, page_size);
    image[18] = 1;
    image[19] = 1;
    Ok(())
}

/// Zeroes the image's free pages: what was deleted stays out of backups. (Deleted content within
/// pages in use is zeroed as it is deleted: the practice runs with `secure_delete = FAST`.) The
/// free list is the file format's: the header names its first trunk page (offset 32) and how many
/// free pages there are (36); each trunk page names the next trunk, its count of leaves, then the
/// leaves. Leaves are zeroed whole, trunks after their list. A list that leaves the file or runs
/// past the count is not followed further (the practice's own file, checked by SQLite as read).
fn zero_free_pages(image: &mut [u8], page_size: usize) {
    let word = |b: &[u8], at: usize| u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize;
    let pages = image.len() / page_size;
    let page = |n: usize| (n >= 2 && n <= pages).then(|| (n - 1) * page_size);
    // No more free pages than pages: each turn below takes at least one, so the walk ends.
    let (mut trunk, mut left) = (word(image, 32), word(image, 36).min(pages));
    while let Some(at) = page(trunk) {
        if left == 0 {
            break;
        }
        left -= 1;
        let next = word(image, at);
        let leaves = word(image, at + 4).min((page_size - 8) / 4).min(left);
        for i in 0..leaves {
            if let Some(leaf) = page(word(image, at + 8 + 4 * i)) {
                image[leaf..leaf + page_size].fill(0);
            }
        }
        left -= leaves;
        image[at + 8 + 4 * leaves..at + page_size].fill(0);
        trunk = next;
    }
}

/// Row counts of every ordinary table of `schema` (virtual tables are counted through their own).
fn counts(conn: &Connection, schema: &str) -> Result<std::collections::BTreeMap<String, u64>> {
    let mut out = std::collections::BTreeMap::new();
    for n in files::tables(conn, schema)? {
        let c: i64 =
            conn.query_row(&format!("SELECT count(*) FROM {schema}.\"{}\"", n.replace('"', "\"\"")), [], |r| r.get(0))?;
        out.insert(n, c as u64);
    }
    Ok(out)
}

/// A backup's encryption step alone, as `write_backup` runs it: `plain` through age to `to` into
/// `file`, which a second thread writes. For the benchmark that sets it beside the `age` CLI.
#[cfg(feature = "synthetic")]
pub fn encryption_step(plain: &[u8], to: &Recipients, file: &File) -> Result<()> {
    use std::io::Write;
    let encryptor = to.encryptor()?;
    let failed = |e: io::Error| Error::io("cannot write the encrypted file", e);
    std::thread::scope(|s| {
        let mut sealed = encryptor.wrap_output(behind::Behind::start(s, file)).map_err(failed)?;
        sealed.write_all(plain).map_err(failed)?;
        sealed.finish().and_then(behind::Behind::finish).map_err(failed)
    })
}

fn write_error(dir: &Path, e: io::Error) -> Error {
    if e.raw_os_error() == Some(28) {
        return Error::invalid(format!(
            "{} is full; the backup was not written (no partial file is left). Free some space or choose another folder",
            dir.display()
        ));
    }
    Error::io(format!("cannot write the backup in {}", dir.display()), e)
}

/// Reads a backup and checks everything about it; the image is returned in an in-memory database.
fn open(file: &Path, unlock: &Unlock, progress: Progress<'_>) -> Result<(Manifest, Connection)> {
    let (manifest, conn, _) = open_unchecked(file, unlock, progress, false)?;
    integrity(&conn)?;
    Ok((manifest, conn))
}

/// `open`, all but SQLite's integrity check of the image (`integrity`), which is left to the
/// caller; with a second copy of the image when `copy`.
fn open_unchecked(file: &Path, unlock: &Unlock, progress: Progress<'_>, copy: bool) -> Result<Opened> {
    let f = File::open(file).map_err(|e| Error::io(format!("cannot read the backup {}", file.display()), e))?;
    let decryptor = age::Decryptor::new_buffered(BufReader::with_capacity(1 << 20, f)).map_err(|e| match e {
        age::DecryptError::Io(e) if !matches!(e.kind(), io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidData) => {
            Error::io(format!("cannot read the backup {}", file.display()), e)
        }
        _ => archive::damaged(format!("{} is not an age-encrypted file ({e})", file.display())),
    })?;
    match (decryptor.is_scrypt(), unlock) {
        (true, Unlock::Identities(_)) => {
            return Err(Error::invalid(
                "this backup is encrypted to a backup passphrase, not to a key; give its passphrase",
            ));
        }
        (false, Unlock::Passphrase(_)) => {
            return Err(Error::invalid(
                "this backup is encrypted to age public keys, not to a passphrase; give the identity file with the matching secret key",
            ));
        }
        _ => {}
    }
    let identities = unlock.identities();
    let reader = decryptor.decrypt(identities.iter().map(|i| i.as_ref())).map_err(|e| match e {
        age::DecryptError::DecryptionFailed
        | age::DecryptError::KeyDecryptionFailed
        | age::DecryptError::NoMatchingKeys => Error::invalid(match unlock {
            Unlock::Passphrase(_) => "that passphrase does not open this backup; nothing was changed. Check it and try again",
            Unlock::Identities(_) => "none of these keys opens this backup; nothing was changed. Use the identity file whose public key it was made for",
        }),
        age::DecryptError::ExcessiveWork { .. } => archive::damaged("its passphrase stanza asks for more work than any backup Arcwell writes"),
        other => archive::damaged(format!("its encryption header is not readable ({other})")),
    })?;

    read_archive(reader, progress, copy)
}

/// A backup's image as read: the manifest, the image in an in-memory database, and a second copy
/// of it when one was asked for (to check it while the first is written).
type Opened = (Manifest, Connection, Option<Connection>);

/// Reads a backup's plaintext — the tar of its manifest and database image — and checks it: the
/// members and their order, the manifest, the image's size and checksum, and the image itself.
/// The image is hashed (and copied, when `copy`) on a second thread while it is decrypted.
fn read_archive<R: Read>(reader: R, progress: Progress<'_>, copy: bool) -> Result<Opened> {
    let mut tar = tar::Archive::new(reader);
    let (manifest, conn, hashed, copy) = {
        let mut entries = tar.entries().map_err(archive::read_failed)?;
        let first = entries.next().ok_or_else(|| archive::damaged("it is empty"))?.map_err(archive::read_failed)?;
        let manifest = archive::read_manifest(first)?;
        let second =
            entries.next().ok_or_else(|| archive::damaged("it holds no database"))?.map_err(archive::read_failed)?;
        let size = archive::expect_member(&second, archive::IMAGE)?;
        if size != manifest.database.bytes {
            return Err(archive::damaged(format!(
                "its database is {size} bytes and its manifest says {}",
                manifest.database.bytes
            )));
        }
        let len = usize::try_from(size).map_err(|_| archive::damaged("its database is too large for this computer"))?;
        let (to, from) = std::sync::mpsc::sync_channel(16);
        let mut tee = archive::Tee::new(second, size, progress, to);
        let mut conn = Connection::open_in_memory()?;
        let image = |e: rusqlite::Error| {
            out_of_memory(&e).unwrap_or_else(|| archive::damaged(format!("its database could not be read ({e})")))
        };
        let (read, other) = std::thread::scope(|s| {
            let other = s.spawn(move || -> Result<(String, Option<Connection>)> {
                let mut hasher = archive::Hasher::new(from);
                let copy = if copy {
                    let mut c = Connection::open_in_memory()?;
                    c.deserialize_read_exact("main", &mut hasher, len, true).map_err(image)?;
                    Some(c)
                } else {
                    None
                };
                Ok((hasher.finish(), copy))
            });
            let read = conn.deserialize_read_exact("main", &mut tee, len, false);
            tee.close();
            (read, other.join())
        });
        if let Some(e) = tee.failed.take() {
            return Err(archive::read_failed(e));
        }
        read.map_err(image)?;
        let (hashed, copy) = other.map_err(|_| Error::Internal("hashing the backup failed to run"))??;
        if let Some(extra) = entries.next() {
            let name = extra.ok().and_then(|e| e.path().ok().map(|p| p.display().to_string())).unwrap_or_default();
            return Err(archive::damaged(format!("it holds more than a manifest and a database ({name:?})")));
        }
        (manifest, conn, hashed, copy)
    };
    // Read to the very end: age checks the last chunk, so a file cut short is caught here.
    io::copy(&mut tar.into_inner(), &mut io::sink()).map_err(archive::read_failed)?;
    if hashed != manifest.database.sha256 {
        return Err(archive::damaged("its database does not match the checksum in its manifest"));
    }
    check_image(&conn, &manifest)?;
    Ok((manifest, conn, copy))
}

/// The error to give when SQLite ran out of memory holding an image.
fn out_of_memory(e: &rusqlite::Error) -> Option<Error> {
    match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::OutOfMemory => Some(Error::invalid(
            "this computer has not enough free memory to read the backup; close other programs and try again",
        )),
        _ => None,
    }
}

/// For the fuzzer (`fuzz/`, feature `fuzzing`): reads `plaintext` as a decrypted backup would be
/// read. Never part of the app.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub fn read_plaintext_for_fuzzing(plaintext: &[u8]) -> Result<Manifest> {
    let (manifest, conn, _) = read_archive(plaintext, &mut |_, _| {}, false)?;
    integrity(&conn)?;
    Ok(manifest)
}

/// The image is an Arcwell practice this Arcwell can open, with the tables its version has and the
/// rows its manifest lists. Whether its b-trees and indexes are whole is `integrity`'s to say.
fn check_image(conn: &Connection, manifest: &Manifest) -> Result<()> {
    // A crafted image's schema may not even load (two objects on one page, say).
    conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))
        .map_err(|e| archive::damaged(format!("its database's schema cannot be read ({e})")))?;
    let app: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if app != migrate::APPLICATION_ID {
        return Err(archive::damaged("its database is not an Arcwell practice"));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > migrate::latest_version() {
        return Err(Error::NewerDatabase { found: version, supported: migrate::latest_version() });
    }
    if version != manifest.schema_version {
        return Err(archive::damaged("its database's schema version differs from its manifest's"));
    }
    // Anyone who knows the facilitator's age public key can make a backup: a crafted image must
    // be refused here, not break the practice it would be restored over.
    if let Some(why) = migrate::schema_problem(conn, "main", version)? {
        return Err(archive::damaged(why));
    }
    if counts(conn, "main")? != manifest.tables {
        return Err(archive::damaged("its tables do not hold the rows its manifest lists"));
    }
    Ok(())
}

/// SQLite's integrity check of the image (every b-tree, every index against its table, the NOT
/// NULL and CHECK constraints) and its foreign key check. The image is copied into the practice
/// as it is (`sqlcipher_export`, like VACUUM, copies rows and index entries without enforcing
/// either), so these are what stand between a crafted image and the practice. Of a restore of
/// the 513 MiB synthetic image they are the longest step (3.8–4.1 s and 0.4 s).
fn integrity(conn: &Connection) -> Result<()> {
    sqlite_integrity(conn)?;
    foreign_keys(conn)
}

fn sqlite_integrity(conn: &Connection) -> Result<()> {
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if ok != "ok" {
        return Err(archive::damaged(format!("its database fails SQLite's integrity check ({ok})")));
    }
    Ok(())
}

fn foreign_keys(conn: &Connection) -> Result<()> {
    let orphan: Option<(String, Option<i64>, String)> =
        conn.query_row("PRAGMA foreign_key_check", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()?;
    if let Some((table, row, parent)) = orphan {
        let row = row.map_or_else(String::new, |r| format!(" {r}"));
        return Err(archive::damaged(format!("its database has a row of {table}{row} whose {parent} is missing")));
    }
    Ok(())
}

/// Writes the practice with `write` while SQLite's integrity check runs on `copy`, the image's
/// copy, on a second thread; the foreign key check follows the writing, on `image`, which makes the
/// two threads closer to even (the integrity check is the longer of the two). When a check fails
/// its error is the one given (the backup is damaged), `write` is interrupted, and what it wrote
/// is the caller's to remove, as for any error of its own.
fn write_while_checked(
    image: &mut Connection,
    copy: Connection,
    write: impl FnOnce(&mut Connection) -> Result<()>,
) -> Result<()> {
    let interrupt = image.get_interrupt_handle();
    std::thread::scope(|s| {
        let checked = s.spawn(move || {
            let checked = sqlite_integrity(&copy);
            if checked.is_err() {
                interrupt.interrupt();
            }
            checked
        });
        let written = write(image).and_then(|()| foreign_keys(image));
        checked.join().map_err(|_| Error::Internal("the integrity check of the backup failed to run"))??;
        written
    })
}

/// Checks a backup without restoring it: everything `restore` checks.
pub fn verify(file: &Path, unlock: &Unlock, progress: Progress<'_>) -> Result<Manifest> {
    open(file, unlock, progress).map(|(m, _)| m)
}

/// Restores a backup into a new practice in `dir` (which must not hold one): a new key, wrapped
/// under `passphrase` (the new recovery passphrase), kept in the keychain when there is one.
pub(crate) fn restore_new(
    dir: &Path,
    file: &Path,
    unlock: &Unlock,
    passphrase: &Passphrase,
    keychain: &Keychain,
    progress: Progress<'_>,
) -> Result<(Manifest, Practice)> {
    passphrase.check_strength()?;
    let (db, keyfile) = (store::db_path(dir), store::key_path(dir));
    if db.exists() || keyfile.exists() {
        return Err(Error::AlreadyInitialized(dir.to_owned()));
    }
    let key = DatabaseKey::generate()?;
    // The new key is sealed to the passphrase (scrypt) on a second thread while the backup is read.
    let (opened, sealed) = std::thread::scope(|s| {
        let sealed = s.spawn(|| key::seal_key(&keyfile, &key, passphrase));
        let opened = open_unchecked(file, unlock, progress, true);
        (opened, sealed.join())
    });
    let (manifest, mut image, copy) = opened?;
    let copy = copy.ok_or(Error::Internal("the backup's image was not copied"))?;
    let sealed = sealed.map_err(|_| Error::Internal("sealing the new key failed to run"))??;
    let dir_was_there = dir.exists();
    std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
    store::restrict_permissions(dir);
    let made = write_while_checked(&mut image, copy, |image| {
        key::write_sealed_key(&keyfile, &sealed)?;
        write_encrypted(image, &db, &key, manifest.schema_version)
    })
    .and_then(|()| Practice::open_restored(dir, &key, keychain))
    .and_then(|mut p| {
        let detail = restored_detail(&manifest);
        p.write_untracked(|tx| audit::record(tx, Action::Restore, &Subject::Practice, Some(&detail)))?;
        p.reset_audit_anchor();
        Ok(p)
    });
    match made {
        Ok(p) => Ok((manifest, p)),
        Err(e) => {
            // Leaves nothing behind: the files it made, and the directory when it made that too.
            let _ = remove_db_files(&db, true);
            let _ = std::fs::remove_file(&keyfile);
            let _ = std::fs::remove_file(dir.join(store::LOCK_FILE));
            if !dir_was_there {
                let _ = std::fs::remove_dir(dir);
            }
            Err(e)
        }
    }
}

/// What the audit trail says of a restore: which backup (by its time), never its path.
fn restored_detail(manifest: &Manifest) -> String {
    format!("from the backup made {}", crate::domain::time::to_db(manifest.created_at))
}

/// The backups in a folder, newest first (by name: they are named by their time).
pub fn list(folder: &Path) -> Result<Vec<BackupFile>> {
    let entries = std::fs::read_dir(folder)
        .map_err(|e| Error::io(format!("cannot read the backup folder {}", folder.display()), e))?;
    let mut out = Vec::new();
    for e in entries.flatten() {
        let path = e.path();
        if path.extension().and_then(|x| x.to_str()) != Some(EXTENSION) {
            continue;
        }
        let meta = e.metadata().map_err(|err| Error::io(format!("cannot read {}", path.display()), err))?;
        let modified = meta.modified().ok().map(DateTime::<Utc>::from);
        out.push(BackupFile { path: path.display().to_string(), bytes: meta.len(), modified });
    }
    out.sort_by(|a, b| b.path.cmp(&a.path));
    Ok(out)
}

/// A backup file in a folder (its contents need the passphrase or key to read).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BackupFile {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    #[ts(type = "string | null")]
    pub modified: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_copies_through_a_small_cache_and_gives_the_connection_its_own_back() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let profile = crate::domain::profile::ProfileInput {
            name: "Rowan Hale".into(),
            timezone: "UTC".into(),
            ..Default::default()
        };
        let pass = Passphrase::new("lantern meadow copper thistle");
        let mut p = Practice::init(&dir.path().join("p"), &profile, &pass, &Keychain::Off, Utc::now())
            .unwrap_or_else(|e| panic!("{e}"));
        let cache = |p: &mut Practice| -> i64 {
            p.copying_connection().query_row("PRAGMA cache_size", [], |r| r.get(0)).unwrap_or_else(|e| panic!("{e}"))
        };
        let before = cache(&mut p);
        assert_eq!(before, -65_536, "the practice's own 64 MiB");
        let to =
            Recipients::passphrase(Passphrase::new("harbour lantern seven gulls")).unwrap_or_else(|e| panic!("{e}"));
        let dest = dir.path().join("b.arcwell-backup");
        p.backups().write_to(&dest, &to, Utc::now(), &mut |_, _| {}).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cache(&mut p), before, "dashboards read through that cache again");
    }

    /// Four 512-byte pages whose free list is made up, as a damaged or crafted file's might be.
    fn pages(trunk: u32, count: u32, list: &[u32]) -> Vec<u8> {
        let mut image = vec![0xAB; 4 * 512];
        image[32..36].copy_from_slice(&trunk.to_be_bytes());
        image[36..40].copy_from_slice(&count.to_be_bytes());
        let at = 512;
        image[at..at + 4].copy_from_slice(&2u32.to_be_bytes()); // the next trunk: itself
        image[at + 4..at + 8].copy_from_slice(&(list.len() as u32).to_be_bytes());
        for (i, leaf) in list.iter().enumerate() {
            image[at + 8 + 4 * i..at + 12 + 4 * i].copy_from_slice(&leaf.to_be_bytes());
        }
        image
    }

    #[test]
    fn free_pages_are_zeroed_and_a_free_list_that_loops_or_strays_is_not_followed() {
        // Trunk 2 lists leaves 3, 99 (past the end) and 4, then names itself as the next trunk.
        let mut image = pages(2, 100, &[3, 99, 4]);
        zero_free_pages(&mut image, 512);
        assert!(image[..32].iter().all(|b| *b == 0xAB), "page 1 is not free");
        assert_eq!(&image[512 + 8..512 + 20], &[0, 0, 0, 3, 0, 0, 0, 99, 0, 0, 0, 4], "the trunk keeps its list");
        assert!(image[512 + 20..].iter().all(|b| *b == 0), "the rest of the trunk, and both leaves, zeroed");

        // A count that says fewer pages than the list: no more than the count is zeroed.
        let mut image = pages(2, 2, &[3, 4]);
        zero_free_pages(&mut image, 512);
        assert!(image[1024..1536].iter().all(|b| *b == 0), "leaf 3 zeroed");
        assert!(image[1536..].iter().all(|b| *b == 0xAB), "leaf 4 is past the count");

        // A first trunk outside the file, or page 1: nothing is touched.
        for trunk in [0, 1, 9] {
            let mut image = pages(trunk, 3, &[3, 4]);
            let before = image.clone();
            zero_free_pages(&mut image, 512);
            assert_eq!(image, before);
        }
    }

    #[test]
    fn a_page_without_its_iv_is_refused_by_number() {
        // Three 512-byte pages with 80 reserved bytes each, every IV set but page 3's.
        let mut image = vec![0x11; 3 * 512];
        image[16..18].copy_from_slice(&512u16.to_be_bytes());
        image[20] = 80;
        image[32..40].fill(0); // no free pages
        image[2 * 512 + 432..2 * 512 + 448].fill(0);
        let path = Path::new("/practice/practice.db");
        match plain_pages(&mut image.clone(), path) {
            Err(Error::Damaged { page, .. }) => assert_eq!(page, 3),
            other => panic!("expected page 3 refused, got {other:?}"),
        }
        image[2 * 512 + 440] = 1;
        plain_pages(&mut image, path).unwrap();
        assert!(image.chunks_exact(512).all(|p| p[432..].iter().all(|b| *b == 0)), "reserved bytes zeroed");
        assert_eq!((image[18], image[19]), (1, 1), "rollback journal");
    }
}

//! Changing the recovery passphrase, and rotating the database key (re-keying the file).
//!
//! Both need the current recovery passphrase: it proves the facilitator is the one at the keyboard,
//! and it is what the new key file is wrapped under. Either way the new key file is first written
//! beside the old one as `practice.key.next` and renamed over it last, so a crash leaves a practice
//! that opens: with the old key file when the database was not yet replaced, or — found at the next
//! passphrase unlock (`finish_interrupted`) — with the `.next` one when it was. See ARCHITECTURE.md
//! "Opening a practice".

use std::path::{Path, PathBuf};

use crate::key::{self, DatabaseKey, Passphrase};
use crate::keychain::Keychain;
use crate::store::audit::{self, Action, Subject};
use crate::store::files::{self, sync_dir};
use crate::store::{self, KeySource, Practice, connection};
use crate::{Error, Result};

/// The key file being replaced, until it is renamed into place.
pub const NEXT_KEY_FILE: &str = "practice.key.next";
const STAGING: &str = "practice.db.rekeying";

fn next_key_path(dir: &Path) -> PathBuf {
    dir.join(NEXT_KEY_FILE)
}

/// Writes `key` wrapped under `passphrase` as the `.next` key file (replacing a stale one).
fn write_next(dir: &Path, key: &DatabaseKey, passphrase: &Passphrase) -> Result<PathBuf> {
    let next = next_key_path(dir);
    match std::fs::remove_file(&next) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::io(format!("cannot remove {}", next.display()), e)),
    }
    key::write_key_file(&next, key, passphrase)?;
    Ok(next)
}

fn install_next(dir: &Path, next: &Path) -> Result<()> {
    let keyfile = store::key_path(dir);
    std::fs::rename(next, &keyfile)
        .map_err(|e| Error::io(format!("cannot move the new key file into {}", keyfile.display()), e))?;
    sync_dir(dir)
}

/// Whether a `.next` key file is there: a re-key or passphrase change in progress, or one cut off.
pub(crate) fn pending(dir: &Path) -> bool {
    next_key_path(dir).exists()
}

/// After a crash in the middle of a re-key: when the database no longer opens with the key file's
/// key but does with the `.next` one, the rename that was cut off is done now and that key
/// returned. A `.next` file that the database does not need is removed. The caller must hold
/// `practice.lock` exclusively: while a rotation runs, its `.next` is the only copy of the key the
/// new database file is about to be written under.
pub(crate) fn finish_interrupted(dir: &Path, passphrase: &Passphrase) -> Result<Option<DatabaseKey>> {
    let next = next_key_path(dir);
    if !next.exists() {
        return Ok(None);
    }
    let db = store::db_path(dir);
    let current = key::read_key_file(&store::key_path(dir), passphrase)?;
    if connection::open(&db, &current, false).is_ok() {
        let _ = std::fs::remove_file(&next);
        return Ok(None);
    }
    let newer = key::read_key_file(&next, passphrase)?;
    drop(connection::open(&db, &newer, false)?);
    install_next(dir, &next)?;
    Ok(Some(newer))
}

impl Practice {
    /// Wraps the database key under a new recovery passphrase. The database is not touched.
    pub fn change_passphrase(&mut self, current: &Passphrase, new: &Passphrase) -> Result<()> {
        new.check_strength()?;
        let dir = self.dir().to_owned();
        let key = key::read_key_file(&store::key_path(&dir), current)?;
        let next = write_next(&dir, &key, new)?;
        install_next(&dir, &next)?;
        self.write_untracked(|tx| audit::record(tx, Action::PassphraseChange, &Subject::Practice, None))?;
        Ok(())
    }

    /// Re-keys the practice with a fresh random key: the whole database is written anew under it
    /// (beside the old file, checked, then renamed over it), the key file is wrapped under the same
    /// passphrase, and the keychain takes the new key. Copies of the old file and old key file
    /// (elsewhere on disk, in a file history) stay readable with the old key; from now on nothing
    /// is written with it. Refused while another Arcwell process has the practice open.
    pub fn rotate_key(&mut self, passphrase: &Passphrase, keychain: &Keychain) -> Result<()> {
        self.exclusively(|p| p.rotate_key_alone(passphrase, keychain))
    }

    fn rotate_key_alone(&mut self, passphrase: &Passphrase, keychain: &Keychain) -> Result<()> {
        let dir = self.dir().to_owned();
        let db = store::db_path(&dir);
        // Proves the passphrase before anything is written.
        drop(key::read_key_file(&store::key_path(&dir), passphrase)?);
        let staging = dir.join(STAGING);
        files::remove_db_files(&staging, true)?;
        let new_key = DatabaseKey::generate()?;
        let next = write_next(&dir, &new_key, passphrase)?;
        let written = self.export_to(&staging, &new_key).and_then(|()| files::check_written(&staging, &new_key));
        if let Err(e) = written {
            let _ = files::remove_db_files(&staging, true);
            let _ = std::fs::remove_file(&next);
            return Err(e);
        }
        // From here the old file goes: close it (its WAL is checkpointed and removed), swap.
        self.close_for_replacement()?;
        files::remove_db_files(&db, false)?;
        std::fs::rename(&staging, &db)
            .map_err(|e| Error::io(format!("cannot move the re-keyed practice into {}", db.display()), e))?;
        sync_dir(&dir)?;
        install_next(&dir, &next)?;
        self.reopen_with(&new_key)?;
        self.set_keychain_note(keychain.store(&db, &new_key).err());
        self.write_untracked(|tx| audit::record(tx, Action::Rekey, &Subject::Practice, None))?;
        Ok(())
    }

    /// Writes the whole practice, encrypted with `key`, into a new file at `path`, page for page:
    /// SQLite's online backup between two SQLCipher databases decrypts each page with the
    /// practice's key (checking its HMAC) and encrypts it with `key`; no row or index entry is
    /// rebuilt, as `sqlcipher_export` did. One step, so one read transaction: one snapshot.
    pub(crate) fn export_to(&mut self, path: &Path, key: &DatabaseKey) -> Result<()> {
        let mut target = connection::open_new_copy(path, key)?;
        let copy = rusqlite::backup::Backup::new(self.connection_mut(), &mut target)?;
        match copy.step(-1)? {
            rusqlite::backup::StepResult::Done => Ok(()),
            _ => Err(Error::Conflict(
                "the practice was busy and could not be copied whole; nothing was changed. Try again".into(),
            )),
        }
    }

    pub(crate) fn set_keychain_note(&mut self, note: Option<String>) {
        self.keychain_note = note;
        self.key_source = if self.keychain_note.is_none() { KeySource::Keychain } else { KeySource::Passphrase };
    }
}

//! Opening a practice: the store unlocks the file, then the shipped templates are brought up to
//! date (`documents::shipped`), whichever door it came in by.

use chrono::{DateTime, Utc};
use std::path::Path;

use crate::backup::{self, BackupInfo, Manifest, Progress, Recipients, Unlock};
use crate::documents::{document, shipped};
use crate::domain::profile::{self, ProfileInput};
use crate::key::Passphrase;
use crate::keychain::Keychain;
use crate::measures::response;
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

impl Practice {
    /// Creates a new practice in `dir`: a fresh key, the key file wrapped under `passphrase`, the
    /// encrypted database with the facilitator's profile, and the key in the keychain when there
    /// is one. Refuses a directory that already holds any of these files.
    pub fn init(
        dir: &Path,
        profile: &ProfileInput,
        passphrase: &Passphrase,
        keychain: &Keychain,
        now: DateTime<Utc>,
    ) -> Result<Practice> {
        let profile = profile.validate()?;
        let practice = Practice::create(dir, passphrase, keychain, |tx| {
            profile::insert(tx, &profile, now)?;
            audit::record(tx, Action::Create, &Subject::Profile, None)
        })?;
        up_to_date(practice)
    }

    /// Opens the practice with the key from the keychain. `Ok(None)` means the keychain cannot
    /// open it (no entry, no keychain, or a key for another file): ask for the passphrase.
    pub fn open_with_keychain(dir: &Path, keychain: &Keychain) -> Result<Option<Practice>> {
        Ok(Self::open_with_keychain_or_why(dir, keychain)?.ok())
    }

    /// As `open_with_keychain`, saying why the keychain could not open it (for the passphrase
    /// prompt): `Err(Error::KeychainUnavailable(why))` inside the `Ok`.
    pub fn open_with_keychain_or_why(dir: &Path, keychain: &Keychain) -> Result<std::result::Result<Practice, Error>> {
        match Practice::open_by_keychain(dir, keychain)? {
            Ok(p) => Ok(Ok(up_to_date(p)?)),
            Err(why) => Ok(Err(why)),
        }
    }

    /// Opens the practice by unwrapping the key file with the recovery passphrase, then keeps the
    /// key in the keychain (when there is one) so the next open needs no passphrase.
    pub fn open_with_passphrase(dir: &Path, passphrase: &Passphrase, keychain: &Keychain) -> Result<Practice> {
        up_to_date(Practice::open_by_passphrase(dir, passphrase, keychain)?)
    }

    /// Keychain first, then the passphrase if one is given.
    pub fn open(dir: &Path, passphrase: Option<&Passphrase>, keychain: &Keychain) -> Result<Practice> {
        let why = match Self::open_with_keychain_or_why(dir, keychain)? {
            Ok(p) => return Ok(p),
            Err(why) => why,
        };
        match passphrase {
            Some(pass) => Self::open_with_passphrase(dir, pass, keychain),
            None => Err(why),
        }
    }

    /// Replaces this practice with a backup (`backup` has the steps and their order), then brings
    /// the restored practice's shipped templates up to date, as any open does.
    #[allow(clippy::too_many_arguments)]
    pub fn restore_replacing(
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
        let done = self.replace_with_backup(file, unlock, safety, safety_to, passphrase, keychain, now, progress)?;
        shipped::bring_up_to_date(self)?;
        fill_derived(self)?;
        Ok(done)
    }
}

/// Restores a backup into a new practice in `dir` (which must not hold one): a new key, wrapped
/// under `passphrase` (the new recovery passphrase), kept in the keychain when there is one.
pub fn restore_into(
    dir: &Path,
    file: &Path,
    unlock: &Unlock,
    passphrase: &Passphrase,
    keychain: &Keychain,
    progress: Progress<'_>,
) -> Result<(Manifest, Practice)> {
    let (manifest, practice) = backup::restore_new(dir, file, unlock, passphrase, keychain, progress)?;
    Ok((manifest, up_to_date(practice)?))
}

fn up_to_date(mut practice: Practice) -> Result<Practice> {
    shipped::bring_up_to_date(&mut practice)?;
    fill_derived(&mut practice)?;
    Ok(practice)
}

/// Does the work a migration left in `derived_pending` (values only the core can compute), each
/// with its row's deletion in one transaction; a read and nothing more when none is left.
fn fill_derived(practice: &mut Practice) -> Result<()> {
    let conn = practice.connection_mut();
    let pending: Vec<String> = conn
        .prepare("SELECT name FROM derived_pending ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for name in pending {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        match name.as_str() {
            "arc_given" => document::keep_given(&tx, None)?,
            "measure_criterion" => response::keep_criteria(&tx)?,
            _ => {}
        }
        tx.execute("DELETE FROM derived_pending WHERE name = ?1", [&name])?;
        tx.commit()?;
    }
    Ok(())
}

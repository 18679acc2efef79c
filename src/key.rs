//! The database key and the recovery key file.
//!
//! The practice database is keyed with 256 random bits used as a raw SQLCipher key, so opening it
//! costs no key derivation. The same bits are kept in the OS keychain and, wrapped under the
//! recovery passphrase with age's scrypt recipient, in `practice.key` beside the database.

use age::secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::io::Write;
use std::path::Path;
use zeroize::{Zeroize, Zeroizing};

use crate::{Error, Result};

pub const KEY_LEN: usize = 32;

/// scrypt work factor for the key file: N = 2^18, age's own default (256 MiB, about a second).
const KEY_FILE_WORK_FACTOR: u8 = 18;
/// Refuse key files that demand more than 2^20 (1 GiB) of scrypt work: a tampered file must not
/// be able to hang the app.
const KEY_FILE_MAX_WORK_FACTOR: u8 = 20;

/// The minimum length of a recovery passphrase, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// The minimum length of a backup passphrase, in characters.
pub const MIN_BACKUP_PASSPHRASE_CHARS: usize = 12;

/// 256 bits that unlock the practice. Deliberately derives nothing: no `Clone`, no `Serialize`,
/// a redacted `Debug`, and the bytes are wiped when it is dropped.
pub struct DatabaseKey(Zeroizing<[u8; KEY_LEN]>);

impl DatabaseKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        getrandom::fill(bytes.as_mut_slice()).map_err(|e| {
            Error::io("the operating system gave no random bytes for a new key", std::io::Error::other(e.to_string()))
        })?;
        Ok(Self(bytes))
    }

    /// Takes ownership of key bytes read from the keychain or the key file, wiping the source.
    pub(crate) fn from_bytes(bytes: &mut [u8]) -> Option<Self> {
        if bytes.len() != KEY_LEN {
            bytes.zeroize();
            return None;
        }
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        key.copy_from_slice(bytes);
        bytes.zeroize();
        Some(Self(key))
    }

    pub(crate) fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The key as SQLCipher's raw-key literal `x'…'`, for `ATTACH … KEY`.
    pub(crate) fn hex_literal(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(KEY_LEN * 2 + 3));
        s.push_str("x'");
        for byte in self.0.iter() {
            // Writing to a String cannot fail; nothing is formatted outside the zeroized buffer.
            let _ = fmt::Write::write_fmt(&mut *s, format_args!("{byte:02x}"));
        }
        s.push('\'');
        s
    }

    /// The `PRAGMA key` statement for this raw key: `x'…'` makes SQLCipher skip PBKDF2.
    pub(crate) fn pragma(&self) -> Zeroizing<String> {
        let mut hex = Zeroizing::new(String::with_capacity(KEY_LEN * 2));
        for byte in self.0.iter() {
            // Writing to a String cannot fail.
            let _ = fmt::Write::write_fmt(&mut *hex, format_args!("{byte:02x}"));
        }
        Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex.as_str()))
    }
}

impl fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DatabaseKey(<redacted>)")
    }
}

/// A recovery passphrase. Held as a `SecretString`: wiped on drop, never printed.
#[derive(Clone)]
pub struct Passphrase(SecretString);

impl Passphrase {
    pub fn new(passphrase: impl Into<String>) -> Self {
        Self(SecretString::from(passphrase.into()))
    }

    /// A passphrase chosen at `init` must be long enough to resist guessing of a stolen key file.
    pub fn check_strength(&self) -> Result<()> {
        let chars = self.0.expose_secret().chars().count();
        if chars < MIN_PASSPHRASE_CHARS {
            return Err(Error::invalid(format!(
                "the recovery passphrase needs at least {MIN_PASSPHRASE_CHARS} characters (it has {chars}); a few unrelated words work well"
            )));
        }
        Ok(())
    }

    /// A backup passphrase protects a copy that leaves this computer (a USB drive, a synced
    /// folder), open to guessing without limit: it needs at least `MIN_BACKUP_PASSPHRASE_CHARS`
    /// characters, and the refusal says why. (A zxcvbn estimate was tried and left: its word
    /// lists grew the .deb by 2.3 MB, past its 15 MB target.)
    pub fn check_backup_strength(&self) -> Result<()> {
        let chars = self.0.expose_secret().chars().count();
        if chars < MIN_BACKUP_PASSPHRASE_CHARS {
            return Err(Error::invalid(format!(
                "a backup passphrase needs at least {MIN_BACKUP_PASSPHRASE_CHARS} characters (this one has {chars}): the backup may leave this computer, where it can be guessed at without limit; four unrelated words work well"
            )));
        }
        Ok(())
    }

    /// The passphrase's text, for the automatic backup settings (stored inside the encrypted practice).
    pub fn expose_for_settings(&self) -> String {
        self.0.expose_secret().to_owned()
    }

    /// The secret, for age (backups are encrypted to it).
    pub(crate) fn secret(&self) -> SecretString {
        self.0.clone()
    }

    /// Strips one trailing newline, as left by `echo … |` or a file read from stdin.
    pub fn from_stdin_line(mut line: String) -> Self {
        if line.ends_with('\n') {
            line.pop();
            if line.ends_with('\r') {
                line.pop();
            }
        }
        Self::new(line)
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// Encrypts the key under the passphrase and writes it to `path`, which must not exist yet.
/// The file only ever holds ciphertext; it is written to a temporary name and renamed into place
/// so a crash leaves either no key file or a whole one.
pub(crate) fn write_key_file(path: &Path, key: &DatabaseKey, passphrase: &Passphrase) -> Result<()> {
    write_sealed_key(path, &seal_key(path, key, passphrase)?)
}

/// The key file's bytes: the key encrypted to the passphrase (scrypt, most of a second).
pub(crate) fn seal_key(path: &Path, key: &DatabaseKey, passphrase: &Passphrase) -> Result<Vec<u8>> {
    let mut recipient = age::scrypt::Recipient::new(passphrase.0.clone());
    recipient.set_work_factor(KEY_FILE_WORK_FACTOR);
    age::encrypt(&recipient, key.as_bytes())
        .map_err(|e| Error::KeyFile { path: path.to_owned(), reason: format!("encryption failed: {e}") })
}

/// Writes what `seal_key` gave as the key file at `path`, synced, never over an existing file.
pub(crate) fn write_sealed_key(path: &Path, ciphertext: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp =
        tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(format!("cannot write in {}", dir.display()), e))?;
    tmp.write_all(ciphertext)
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io(format!("cannot write the key file {}", path.display()), e))?;
    tmp.persist_noclobber(path)
        .map_err(|e| Error::io(format!("cannot create the key file {}", path.display()), e.error))?;
    Ok(())
}

/// Reads and decrypts the key file with the passphrase.
pub(crate) fn read_key_file(path: &Path, passphrase: &Passphrase) -> Result<DatabaseKey> {
    decrypt_key_file(path, &read_key_file_bytes(path)?, passphrase)
}

/// The key file's bytes as they are on disk (ciphertext only).
pub(crate) fn read_key_file_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::KeyFile { path: path.to_owned(), reason: e.to_string() })
}

/// Decrypts key file bytes read from `path` with the passphrase.
pub(crate) fn decrypt_key_file(path: &Path, ciphertext: &[u8], passphrase: &Passphrase) -> Result<DatabaseKey> {
    let mut identity = age::scrypt::Identity::new(passphrase.0.clone());
    identity.set_max_work_factor(KEY_FILE_MAX_WORK_FACTOR);
    let mut plaintext = age::decrypt(&identity, ciphertext).map_err(|e| match e {
        age::DecryptError::DecryptionFailed
        | age::DecryptError::KeyDecryptionFailed
        | age::DecryptError::NoMatchingKeys => Error::WrongPassphrase,
        other => Error::KeyFile {
            path: path.to_owned(),
            reason: format!("it is damaged or not an Arcwell key file ({other})"),
        },
    })?;
    DatabaseKey::from_bytes(&mut plaintext)
        .ok_or_else(|| Error::KeyFile { path: path.to_owned(), reason: "it does not hold a 256-bit key".into() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_key_material() {
        let key = DatabaseKey::generate().unwrap_or_else(|e| panic!("{e}"));
        let pragma = key.pragma();
        let hex = &pragma[14..14 + 64];
        assert!(!format!("{key:?}").contains(hex), "Debug must redact the key");
        assert_eq!(format!("{:?}", Passphrase::new("correct horse")), "Passphrase(<redacted>)");
    }

    #[test]
    fn pragma_is_a_raw_hex_key() {
        let mut bytes = [0xabu8; KEY_LEN];
        let key = DatabaseKey::from_bytes(&mut bytes).unwrap_or_else(|| panic!("32 bytes is a key"));
        assert_eq!(bytes, [0u8; KEY_LEN], "the source bytes are wiped");
        assert_eq!(key.pragma().as_str(), format!("PRAGMA key = \"x'{}'\";", "ab".repeat(32)));
    }

    #[test]
    fn a_backup_passphrase_needs_twelve_characters_and_the_refusal_says_why() {
        let err = Passphrase::new("gulls seven").check_backup_strength().err().map(|e| e.to_string());
        assert!(err.as_deref().is_some_and(|m| m.contains("at least 12 characters (this one has 11)")), "{err:?}");
        assert!(Passphrase::new("harbour lantern seven gulls").check_backup_strength().is_ok());
        assert!(Passphrase::new("twelve chars").check_backup_strength().is_ok(), "12 characters are enough");
    }

    #[test]
    fn weak_passphrases_are_refused_with_a_hint() {
        let err = Passphrase::new("short").check_strength().err();
        assert!(matches!(err, Some(Error::Invalid(m)) if m.contains("at least 8")));
        assert!(Passphrase::new("four unrelated words").check_strength().is_ok());
    }
}

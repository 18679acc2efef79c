//! Who can open a backup: a backup passphrase (age scrypt) or age X25519 public keys; and what
//! opens one when reading it back.

use std::str::FromStr;

use crate::key::Passphrase;
use crate::{Error, Result};

/// The scrypt work factor for passphrase backups: 2^18, what the `age` command-line tool uses
/// (about 256 MiB and a quarter of a second here), not the crate's machine-dependent default.
pub const WORK_FACTOR: u8 = 18;
/// The most a backup's passphrase stanza may ask for when read (2^20: ~1 GiB), so a tampered
/// header cannot make a restore hang or exhaust memory.
pub const MAX_WORK_FACTOR: u8 = 20;

/// Who a new backup is encrypted to. age allows a passphrase only alone in a file.
pub enum Recipients {
    Passphrase(Passphrase),
    Keys(Vec<age::x25519::Recipient>),
}

impl std::fmt::Debug for Recipients {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Recipients::Passphrase(_) => f.write_str("Recipients::Passphrase(<redacted>)"),
            Recipients::Keys(k) => write!(f, "Recipients::Keys({} keys)", k.len()),
        }
    }
}

impl Recipients {
    /// Public keys as age writes them (`age1…`), one per entry; blank entries and `#` comments
    /// (as in an age recipients file) are skipped.
    pub fn keys<'a>(lines: impl IntoIterator<Item = &'a str>) -> Result<Self> {
        let mut keys = Vec::new();
        for line in lines {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let key = age::x25519::Recipient::from_str(line).map_err(|e| {
                Error::invalid(format!(
                    "{line:?} is not an age public key ({e}); give keys like age1… as age-keygen prints them"
                ))
            })?;
            keys.push(key);
        }
        if keys.is_empty() {
            return Err(Error::invalid("no public key given; add an age1… key, or use a backup passphrase"));
        }
        Ok(Recipients::Keys(keys))
    }

    pub fn passphrase(p: Passphrase) -> Result<Self> {
        p.check_backup_strength()?;
        Ok(Recipients::Passphrase(p))
    }

    pub(crate) fn encryptor(&self) -> Result<age::Encryptor> {
        let fail = |e: age::EncryptError| Error::invalid(format!("cannot encrypt to these recipients: {e}"));
        match self {
            Recipients::Passphrase(p) => {
                let mut r = age::scrypt::Recipient::new(p.secret());
                r.set_work_factor(WORK_FACTOR);
                age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient)).map_err(fail)
            }
            Recipients::Keys(keys) => {
                age::Encryptor::with_recipients(keys.iter().map(|k| k as &dyn age::Recipient)).map_err(fail)
            }
        }
    }
}

/// What opens a backup: its passphrase, or age identities (`AGE-SECRET-KEY-1…`, as in an age
/// identity file).
pub enum Unlock {
    Passphrase(Passphrase),
    Identities(Vec<age::x25519::Identity>),
}

impl std::fmt::Debug for Unlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unlock::Passphrase(_) => "Unlock::Passphrase(<redacted>)",
            Unlock::Identities(_) => "Unlock::Identities(<redacted>)",
        })
    }
}

impl Unlock {
    /// Reads an age identity file's text: `AGE-SECRET-KEY-1…` lines, `#` comments and blanks.
    pub fn identity_file(text: &str) -> Result<Self> {
        let mut ids = Vec::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            ids.push(age::x25519::Identity::from_str(line).map_err(|_| {
                Error::invalid("that identity file holds a line that is not an age secret key (AGE-SECRET-KEY-1…)")
            })?);
        }
        if ids.is_empty() {
            return Err(Error::invalid("that identity file holds no age secret key (AGE-SECRET-KEY-1…)"));
        }
        Ok(Unlock::Identities(ids))
    }

    /// Who can open what this unlocks: the same passphrase, or the identities' public keys (a
    /// safety backup made before a restore is encrypted this way).
    pub fn as_recipients(&self) -> Recipients {
        match self {
            Unlock::Passphrase(p) => Recipients::Passphrase(p.clone()),
            Unlock::Identities(ids) => Recipients::Keys(ids.iter().map(age::x25519::Identity::to_public).collect()),
        }
    }

    pub(crate) fn identities(&self) -> Vec<Box<dyn age::Identity>> {
        match self {
            Unlock::Passphrase(p) => {
                let mut id = age::scrypt::Identity::new(p.secret());
                id.set_max_work_factor(MAX_WORK_FACTOR);
                vec![Box::new(id)]
            }
            Unlock::Identities(ids) => ids.iter().map(|i| Box::new(i.clone()) as Box<dyn age::Identity>).collect(),
        }
    }
}

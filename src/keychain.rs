//! The OS keychain, where the database key lives so the practice opens without a passphrase.
//!
//! keyring 3 is built with the real platform stores only (Secret Service, macOS Keychain, Windows
//! Credential Manager); without them it would silently fall back to an in-memory mock. A keychain
//! that is missing or refuses is never fatal: the caller falls back to the recovery passphrase.

use std::path::Path;

use crate::key::DatabaseKey;

const SERVICE: &str = "org.arcwell.app";

/// Where the database key may be kept besides the passphrase-wrapped key file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keychain {
    /// The platform's credential store.
    Os,
    /// No keychain: every open needs the recovery passphrase (set `ARCWELL_KEYCHAIN=off`).
    Off,
}

/// What the keychain said, in words fit for a status line.
#[derive(Debug)]
pub enum Lookup {
    Found(DatabaseKey),
    Missing,
    Unavailable(String),
}

impl Keychain {
    /// `ARCWELL_KEYCHAIN=off` turns the keychain off; anything else leaves it on.
    pub fn from_env() -> Self {
        match std::env::var("ARCWELL_KEYCHAIN") {
            Ok(v) if v.eq_ignore_ascii_case("off") => Keychain::Off,
            _ => Keychain::Os,
        }
    }

    fn entry(db_path: &Path) -> keyring::Result<keyring::Entry> {
        keyring::Entry::new(SERVICE, &account(db_path))
    }

    pub(crate) fn load(&self, db_path: &Path) -> Lookup {
        if *self == Keychain::Off {
            return Lookup::Unavailable(OFF.into());
        }
        match Self::entry(db_path).and_then(|entry| entry.get_secret()) {
            Ok(mut bytes) => match DatabaseKey::from_bytes(&mut bytes) {
                Some(key) => Lookup::Found(key),
                None => Lookup::Missing,
            },
            Err(keyring::Error::NoEntry) => Lookup::Missing,
            Err(e) => Lookup::Unavailable(describe(&e)),
        }
    }

    /// Stores the key; returns why not when the keychain cannot take it. There is no other place
    /// it goes: without a keychain the key exists only wrapped under the passphrase.
    pub(crate) fn store(&self, db_path: &Path, key: &DatabaseKey) -> Result<(), String> {
        if *self == Keychain::Off {
            return Err(OFF.into());
        }
        Self::entry(db_path).and_then(|entry| entry.set_secret(key.as_bytes())).map_err(|e| describe(&e))
    }
}

const OFF: &str = "the keychain is turned off (ARCWELL_KEYCHAIN=off)";

/// What went wrong with the keychain, in words that say what it means for the facilitator.
fn describe(e: &keyring::Error) -> String {
    let inner = e.to_string();
    let lower = inner.to_lowercase();
    match e {
        keyring::Error::NoStorageAccess(_) if inner.contains("dismissed") => {
            "the keychain is locked and its unlock prompt was dismissed or could not be shown".into()
        }
        keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_)
            if lower.contains("org.freedesktop.secrets") || lower.contains("d-bus") || lower.contains("dbus") =>
        {
            format!("no keychain service (Secret Service) is running in this desktop session ({inner})")
        }
        keyring::Error::NoStorageAccess(_) => format!("the keychain refused access ({inner})"),
        _ => format!("the keychain failed ({inner})"),
    }
}

/// One keychain item per database file, named by its canonical path.
fn account(db_path: &Path) -> String {
    let path = db_path.canonicalize().unwrap_or_else(|_| db_path.to_owned());
    format!("database-key:{}", path.display())
}

//! The unlock PIN. After an in-session lock (idle, Ctrl+L, sleep, the screen locking) the practice
//! opens with the recovery passphrase or this short PIN, never with the keychain alone: the login
//! keyring stays open all session, so a keychain unlock would stop no one who walks up to the
//! laptop. See ARCHITECTURE.md "Locking".
//!
//! The PIN wraps an age X25519 identity (age's scrypt recipient); the practice keeps the matching
//! public key. While the practice is open its database key is kept only sealed to that public key
//! (no plaintext copy), so that a lock can leave behind a `PinLock` — the sealed key and the
//! wrapped identity — from which only the PIN gets the key back, a few tries at most.

use std::path::PathBuf;
use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};
use chrono::Utc;
use rusqlite::{Connection, OptionalExtension, params};

use crate::key::{self, DatabaseKey, Passphrase};
use crate::store::audit::{self, Action, Subject};
use crate::store::{self, KeySource, Practice};
use crate::{Error, Result};

pub const MIN_PIN_CHARS: usize = 4;
pub const MAX_PIN_CHARS: usize = 64;
/// Wrong PINs allowed after a lock before only the recovery passphrase opens the practice.
pub const PIN_TRIES: u32 = 5;
/// scrypt work factor of the wrapped identity: N = 2^15 (about 0.1 s). The wrapped identity lives
/// inside the encrypted practice and, after a lock, in the app's memory only; the tries limit, not
/// the work factor, is what stops guessing at the lock screen.
const PIN_WORK_FACTOR: u8 = 15;
const PIN_MAX_WORK_FACTOR: u8 = 18;

/// The database key sealed to the PIN's public key, held by an open practice that has a PIN.
pub(crate) struct SealedKey(Vec<u8>);

/// Seals `key` to the practice's PIN recipient, if it has one.
pub(crate) fn seal(conn: &Connection, key: &DatabaseKey) -> Result<Option<SealedKey>> {
    let recipient: Option<String> = conn
        .query_row("SELECT pin_recipient FROM security_settings WHERE id = 1", [], |r| r.get(0))
        .optional()?
        .flatten();
    recipient.map(|r| seal_to(&r, key)).transpose()
}

fn seal_to(recipient: &str, key: &DatabaseKey) -> Result<SealedKey> {
    let to = age::x25519::Recipient::from_str(recipient)
        .map_err(|_| Error::Internal("the unlock PIN's public key in the practice is not an age key"))?;
    let sealed =
        age::encrypt(&to, key.as_bytes()).map_err(|_| Error::Internal("sealing the key for the PIN failed"))?;
    Ok(SealedKey(sealed))
}

fn check_pin(pin: &str) -> Result<()> {
    let chars = pin.chars().count();
    if !(MIN_PIN_CHARS..=MAX_PIN_CHARS).contains(&chars) {
        return Err(Error::invalid(format!(
            "an unlock PIN has {MIN_PIN_CHARS} to {MAX_PIN_CHARS} characters (this one has {chars})"
        )));
    }
    Ok(())
}

/// What an in-session lock leaves behind when the practice has a PIN: the database key sealed to
/// the PIN's identity, and that identity wrapped under the PIN. Derives nothing; `Debug` redacts.
pub struct PinLock {
    dir: PathBuf,
    sealed_key: Vec<u8>,
    wrapped_identity: Vec<u8>,
    tries_left: u32,
}

impl std::fmt::Debug for PinLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PinLock").field("dir", &self.dir).field("tries_left", &self.tries_left).finish()
    }
}

impl PinLock {
    /// Wrong PINs still allowed; 0: only the recovery passphrase opens the practice now.
    pub fn tries_left(&self) -> u32 {
        self.tries_left
    }

    /// Opens the practice with the PIN. A wrong PIN costs a try and is noted as a failed unlock
    /// (it enters the audit trail at the next unlock); when none are left, the PIN is refused
    /// without being tried.
    pub fn unlock(&mut self, pin: &str) -> Result<Practice> {
        if self.tries_left == 0 {
            return Err(Error::PinTriesUsed);
        }
        let mut unwrapping = age::scrypt::Identity::new(SecretString::from(pin.to_owned()));
        unwrapping.set_max_work_factor(PIN_MAX_WORK_FACTOR);
        let identity = match age::decrypt(&unwrapping, &self.wrapped_identity) {
            Ok(text) => text,
            Err(_) => {
                self.tries_left -= 1;
                audit::note_failed_unlock(&self.dir, "pin", Utc::now());
                return Err(if self.tries_left == 0 {
                    Error::PinTriesUsed
                } else {
                    Error::WrongPin { tries_left: self.tries_left }
                });
            }
        };
        let identity = zeroize::Zeroizing::new(identity);
        let identity = std::str::from_utf8(&identity)
            .ok()
            .and_then(|t| age::x25519::Identity::from_str(t).ok())
            .ok_or(Error::Internal("the unlock PIN's identity is damaged"))?;
        let mut bytes = zeroize::Zeroizing::new(
            age::decrypt(&identity, &self.sealed_key).map_err(|_| Error::Internal("the sealed key did not open"))?,
        );
        let key = DatabaseKey::from_bytes(&mut bytes).ok_or(Error::Internal("the sealed key is not a database key"))?;
        let mut practice = Practice::open_with_key_from(&self.dir, &key, KeySource::Pin)?;
        practice.record_unlock("pin")?;
        Ok(practice)
    }
}

/// The unlock PIN: set, ask, lock.
/// Borrowed from a practice by [`Practice::unlock_pin`].
pub struct UnlockPin<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl UnlockPin<'_> {
    /// Sets (or with `None` removes) the unlock PIN. Needs the recovery passphrase: it proves the
    /// facilitator is at the keyboard, and gives the key to seal for the PIN.
    pub fn set(self, passphrase: &Passphrase, pin: Option<&str>) -> Result<()> {
        if let Some(pin) = pin {
            check_pin(pin)?;
        }
        let key = key::read_key_file(&store::key_path(self.practice.dir()), passphrase)?;
        let (wrapped, recipient) = match pin {
            None => (None, None),
            Some(pin) => {
                let identity = age::x25519::Identity::generate();
                let mut wrap = age::scrypt::Recipient::new(SecretString::from(pin.to_owned()));
                wrap.set_work_factor(PIN_WORK_FACTOR);
                let secret = identity.to_string();
                let wrapped = age::encrypt(&wrap, secret.expose_secret().as_bytes())
                    .map_err(|_| Error::Internal("wrapping the PIN's identity failed"))?;
                (Some(wrapped), Some(identity.to_public().to_string()))
            }
        };
        self.practice.write(|tx| {
            tx.execute(
                "UPDATE security_settings SET pin_identity = ?1, pin_recipient = ?2 WHERE id = 1",
                params![wrapped, recipient],
            )?;
            let detail = if pin.is_some() { "unlock pin set" } else { "unlock pin removed" };
            audit::record(tx, Action::Update, &Subject::Settings, Some(detail))
        })?;
        let sealed = recipient.map(|r| seal_to(&r, &key)).transpose()?;
        self.practice.set_pin_seal(sealed);
        Ok(())
    }

    /// Whether the practice has an unlock PIN.
    pub fn is_set(self) -> Result<bool> {
        self.practice.read(|conn| {
            Ok(conn
                .query_row("SELECT pin_recipient IS NOT NULL FROM security_settings WHERE id = 1", [], |r| r.get(0))?)
        })
    }

    /// What a lock leaves for the PIN to open the practice again (`None`: no PIN, so only the
    /// recovery passphrase will). Take it before `lock`.
    pub fn lock(self) -> Result<Option<PinLock>> {
        let Some(sealed) = self.practice.pin_seal() else { return Ok(None) };
        let wrapped: Option<Vec<u8>> = self.practice.read(|conn| {
            Ok(conn.query_row("SELECT pin_identity FROM security_settings WHERE id = 1", [], |r| r.get(0))?)
        })?;
        Ok(wrapped.map(|wrapped_identity| PinLock {
            dir: self.practice.dir().to_owned(),
            sealed_key: sealed.0.clone(),
            wrapped_identity,
            tries_left: PIN_TRIES,
        }))
    }
}

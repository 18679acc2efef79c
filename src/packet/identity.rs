//! The practice's reply key: one age X25519 identity, kept inside the encrypted database and made
//! with the first packet. Replies are encrypted to its public half in the participant's browser.

use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::domain::time::to_db;
use crate::{Error, Result};

/// The reply key's public half (`age1…`, as packets carry it), the key made now when the practice has none.
pub(super) fn get_or_make(tx: &Transaction<'_>, now: DateTime<Utc>) -> Result<String> {
    let recipient: Option<String> =
        tx.query_row("SELECT recipient FROM reply_identity WHERE id = 1", [], |r| r.get(0)).optional()?;
    if let Some(recipient) = recipient {
        return Ok(recipient);
    }
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let secret = identity.to_string();
    tx.execute(
        "INSERT INTO reply_identity (id, secret, recipient, created_at) VALUES (1, ?1, ?2, ?3)",
        params![secret.expose_secret(), recipient, to_db(now)],
    )?;
    Ok(recipient)
}

/// The reply key's secret half, or `None` before the first packet.
pub(super) fn get(conn: &Connection) -> Result<Option<SecretString>> {
    let secret: Option<String> =
        conn.query_row("SELECT secret FROM reply_identity WHERE id = 1", [], |r| r.get(0)).optional()?;
    Ok(secret.map(SecretString::from))
}

/// The identity a reply is decrypted with.
pub(super) fn identity(secret: &SecretString) -> Result<age::x25519::Identity> {
    age::x25519::Identity::from_str(secret.expose_secret())
        .map_err(|_| Error::Internal("the practice's reply key does not read as an age identity"))
}

//! The core's error type and the closed `ErrorCode` that the CLI maps to exit codes and the UI
//! branches on. `Error` holds what the store and the key material can fail with; each area (arcs,
//! sessions, check-ins, documents, …) has its own enum, implements [`AreaError`] and travels in
//! [`Error::Area`]. Messages say what happened in words any caller can show: no CLI flag and no
//! button name. The CLI and the app add their own advice from the code (`arcwell`'s `advice.rs`,
//! the UI's `lib/errors.ts`).

use serde::Serialize;
use std::path::PathBuf;
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The stable, closed set of error kinds the UI and scripts can branch on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum ErrorCode {
    /// Input that breaks a rule: an empty name, an end before a start, a malformed date.
    InvalidInput,
    /// An id that names nothing.
    NotFound,
    /// A change the current state forbids: a closed arc, a completed session.
    Conflict,
    /// No practice in the data directory yet.
    NotInitialized,
    /// `init` on a directory that already holds a practice.
    AlreadyInitialized,
    /// The keychain cannot open the practice and no passphrase was given.
    PassphraseRequired,
    /// The passphrase does not unwrap the key file.
    WrongPassphrase,
    /// The file is not an Arcwell database, or does not match its key.
    NotArcwellDatabase,
    /// The database was written by a newer Arcwell.
    NewerDatabase,
    /// The SQLCipher library is missing: the build is broken.
    EncryptionUnavailable,
    /// The practice is locked (the app has not unlocked it yet).
    Locked,
    /// The disk or the database failed underneath us.
    Storage,
    /// A page of the practice file fails its authentication check: a repair finds whether records
    /// are hit, and mends the file when they are not.
    FileDamaged,
    /// Pages of the practice file that hold records fail their check: the last good backup is
    /// what gives them back.
    RecordsDamaged,
    /// A phase change off the usual path (skipping, going back, exiting) was given no reason.
    ReasonRequired,
    /// A dosing session completed on an arc that already has check-ins: re-anchor them to this
    /// session, or queue a new series.
    TimelineExists,
    /// No follow-up plan is marked as the default.
    NoDefaultPlan,
    /// A purge was asked before the participant's printable record was exported.
    RecordNotExported,
    /// A template of a jurisdiction pack that is turned off.
    PackOff,
    /// A template Arcwell ships and updates: it is copied, not imported over or edited.
    ShippedTemplate,
}

/// An area's own error: an enum in that area's module, with the code it is reported under.
/// `Error::area` finds it again for a caller that needs its details.
pub trait AreaError: std::error::Error + std::any::Any + Send + Sync {
    fn code(&self) -> ErrorCode;
}

impl<E: AreaError> From<E> for Error {
    fn from(e: E) -> Self {
        Error::Area(Box::new(e))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(String),
    #[error("no {what} with id {id}; list them to find the right id")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Conflict(String),
    #[error(
        "there is no Arcwell practice in {}; create one there first",
        .0.display()
    )]
    NotInitialized(PathBuf),
    #[error(
        "{} already holds an Arcwell practice (or other files named like one); nothing was changed. Open it instead, or choose another folder",
        .0.display()
    )]
    AlreadyInitialized(PathBuf),
    #[error("the keychain has no usable key for this practice; give the recovery passphrase")]
    PassphraseRequired,
    #[error("the keychain cannot open this practice: {0}. Give the recovery passphrase")]
    KeychainUnavailable(String),
    #[error("that recovery passphrase does not unlock this practice; nothing was changed. Check it and try again")]
    WrongPassphrase,
    #[error("that PIN does not unlock this practice; {tries_left} more tries, then only the recovery passphrase will")]
    WrongPin { tries_left: u32 },
    #[error("too many wrong PINs: only the recovery passphrase unlocks the practice now")]
    PinTriesUsed,
    #[error(
        "{} is not an Arcwell database, or it does not match its key file; nothing was changed. Check that this is the practice's folder, or restore from a backup",
        .0.display()
    )]
    NotArcwellDatabase(PathBuf),
    #[error(
        "{} is not a practice this Arcwell can open: {why}; nothing was changed. It was altered or not written by Arcwell: restore the practice from a backup",
        .path.display()
    )]
    SchemaMismatch { path: PathBuf, why: String },
    #[error(
        "this practice was written by a newer version of Arcwell (schema {found}, this build knows up to {supported}); nothing was changed. Update Arcwell to open it"
    )]
    NewerDatabase { found: i64, supported: i64 },
    #[error(
        "SQLCipher is not linked into this build (PRAGMA cipher_version is empty); refusing to store data unencrypted. Rebuild with the bundled SQLCipher"
    )]
    EncryptionUnavailable,
    #[error("the key file {} cannot be read: {reason}. Restore it from a backup to open the practice with its passphrase", .path.display())]
    KeyFile { path: PathBuf, reason: String },
    #[error("the practice is locked; unlock it first")]
    Locked,
    /// A page of the practice's file failed SQLCipher's authentication (found by a backup).
    #[error(
        "the practice file {} is damaged: page {page} fails its authentication check, so no backup was written and nothing was changed. Keep the backups you have, and repair the practice file: a repair finds whether the damage touches any records and, when it does not, writes the file anew without losing any",
        .path.display()
    )]
    Damaged { path: PathBuf, page: u64 },
    /// Pages that fail SQLCipher's authentication hold records (found by a repair).
    #[error(
        "the practice file {} is damaged where it holds records ({pages}), so it cannot be rebuilt without losing them, and nothing was changed. Keep the backups you have, and restore the practice from the last good one",
        .path.display()
    )]
    DamagedRecords { path: PathBuf, pages: String },
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the disk is full: the last change was not saved and nothing was lost; free some space and try again")]
    DiskFull,
    #[error("database error: {0}")]
    Database(rusqlite::Error),
    /// An area's own error (see `AreaError`).
    #[error("{0}")]
    Area(Box<dyn AreaError>),
    /// A bug in Arcwell caught before it could do harm (nothing was saved).
    #[error("internal error: {0}; nothing was saved. Please report this")]
    Internal(&'static str),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => Error::DiskFull,
            _ => Error::Database(e),
        }
    }
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Invalid(_) => ErrorCode::InvalidInput,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Conflict(_) => ErrorCode::Conflict,
            Error::NotInitialized(_) => ErrorCode::NotInitialized,
            Error::AlreadyInitialized(_) => ErrorCode::AlreadyInitialized,
            Error::PassphraseRequired | Error::KeychainUnavailable(_) => ErrorCode::PassphraseRequired,
            Error::WrongPassphrase | Error::WrongPin { .. } => ErrorCode::WrongPassphrase,
            Error::PinTriesUsed => ErrorCode::PassphraseRequired,
            Error::NotArcwellDatabase(_) | Error::SchemaMismatch { .. } => ErrorCode::NotArcwellDatabase,
            Error::NewerDatabase { .. } => ErrorCode::NewerDatabase,
            Error::EncryptionUnavailable => ErrorCode::EncryptionUnavailable,
            Error::Locked => ErrorCode::Locked,
            Error::Area(e) => e.code(),
            Error::Damaged { .. } => ErrorCode::FileDamaged,
            Error::DamagedRecords { .. } => ErrorCode::RecordsDamaged,
            Error::KeyFile { .. } | Error::Io { .. } | Error::DiskFull | Error::Database(_) | Error::Internal(_) => {
                ErrorCode::Storage
            }
        }
    }

    /// The area error of type `E` this is, if it is one: `e.area::<ArcError>()`.
    pub fn area<E: AreaError>(&self) -> Option<&E> {
        match self {
            Error::Area(e) => {
                let any: &dyn std::any::Any = e.as_ref();
                any.downcast_ref()
            }
            _ => None,
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid(message.into())
    }

    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { context: context.into(), source }
    }
}

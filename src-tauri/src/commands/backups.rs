//! Backups from the app: the automatic backup settings, "back up now", their health, checking a
//! backup, restoring one in place of the open practice, and restoring one as a new practice.

use std::path::Path;

use arcwell::backup::auto::{AutoBackupInput, AutoBackupSettings, AutoOutcome, BackupHealth};
use arcwell::backup::{self, BackupInfo, Manifest, Unlock};
use arcwell::key::Passphrase;
use serde::{Deserialize, Serialize};
use tauri::AppHandle;
use tauri::ipc::Channel;
use ts_rs::TS;

use super::{blocking, now};
use crate::error::CommandResult;
use crate::state::{AppStatus, DEMO_PASSPHRASE};

#[tauri::command]
pub async fn backup_settings(app: AppHandle) -> CommandResult<AutoBackupSettings> {
    blocking(app, |s| s.with(|p| p.backups().auto_settings())).await
}

#[tauri::command]
pub async fn save_backup_settings(app: AppHandle, input: AutoBackupInput) -> CommandResult<AutoBackupSettings> {
    blocking(app, move |s| s.write(|p| p.backups().save_auto_settings(&input, now()))).await
}

/// A backup into the chosen folder now, due or not.
#[tauri::command]
pub async fn backup_now(app: AppHandle) -> CommandResult<AutoOutcome> {
    blocking(app, |s| s.write(|p| p.backups().backup_now(now()))).await
}

#[tauri::command]
pub async fn backup_health(app: AppHandle) -> CommandResult<BackupHealth> {
    blocking(app, |s| s.with(|p| p.backups().health(now()))).await
}

/// What opens a backup file, as the facilitator gives it: its backup passphrase, or the path of
/// an age identity file (for a backup encrypted to keys).
#[derive(Debug, Deserialize, TS)]
#[ts(export)]
pub struct OpenBackup {
    pub file: String,
    #[ts(optional)]
    pub passphrase: Option<String>,
    #[ts(optional)]
    pub identity_file: Option<String>,
}

impl OpenBackup {
    fn unlock(&self) -> arcwell::Result<Unlock> {
        match (self.passphrase.as_deref().filter(|p| !p.is_empty()), self.identity_file.as_deref().map(str::trim)) {
            (Some(p), _) => Ok(Unlock::Passphrase(Passphrase::new(p))),
            (None, Some(path)) if !path.is_empty() => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| arcwell::Error::Invalid(format!("cannot read the identity file {path}: {e}")))?;
                Unlock::identity_file(&text)
            }
            _ => Err(arcwell::Error::Invalid(
                "enter the backup's passphrase, or the path of the age identity file whose key it was made for".into(),
            )),
        }
    }
}

/// How far a verification or restore has come, sent to the window while it runs.
#[derive(Debug, Clone, Copy, Serialize, TS)]
#[ts(export)]
pub struct BackupProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// Sends progress to the window at most once per percent.
fn reporter(channel: Channel<BackupProgress>) -> impl FnMut(u64, u64) {
    let mut last = None;
    move |done, total| {
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        if last != Some(percent) {
            last = Some(percent);
            let _closed = channel.send(BackupProgress { done, total });
        }
    }
}

/// Decrypts and checks a backup without restoring anything: what it holds and when it was made.
#[tauri::command]
pub async fn verify_backup(
    app: AppHandle,
    open: OpenBackup,
    progress: Channel<BackupProgress>,
) -> CommandResult<Manifest> {
    blocking(app, move |_| backup::verify(Path::new(&open.file), &open.unlock()?, &mut reporter(progress))).await
}

/// What a restore in place of the open practice did.
#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct Replaced {
    pub restored: Manifest,
    /// The safety backup of the practice as it was, encrypted like the restored backup.
    pub safety_backup: BackupInfo,
}

/// Replaces the open practice with a backup, after a safety backup of it (see
/// `Practice::restore_replacing`). The recovery passphrase is needed only when the keychain does
/// not hold the practice's key.
#[tauri::command]
pub async fn restore_backup(
    app: AppHandle,
    open: OpenBackup,
    recovery_passphrase: Option<String>,
    progress: Channel<BackupProgress>,
) -> CommandResult<Replaced> {
    blocking(app, move |s| {
        let unlock = open.unlock()?;
        // The demo practice's key is never in the keychain; its passphrase is published.
        let recovery = recovery_passphrase
            .filter(|p| !p.is_empty())
            .or_else(|| s.launch.demo.then(|| DEMO_PASSPHRASE.to_owned()))
            .map(Passphrase::new);
        let keychain = &s.keychain;
        s.write(|p| {
            let safety = p.backups().safety_path(now())?;
            let (restored, safety_backup) = p.restore_replacing(
                Path::new(&open.file),
                &unlock,
                &safety,
                &unlock.as_recipients(),
                recovery.as_ref(),
                keychain,
                now(),
                &mut reporter(progress),
            )?;
            Ok(Replaced { restored, safety_backup })
        })
    })
    .await
}

/// First run on a new computer: the practice comes from a backup instead of a new profile, with a
/// new recovery passphrase.
#[tauri::command]
pub async fn restore_new_practice(
    app: AppHandle,
    open: OpenBackup,
    passphrase: String,
    progress: Channel<BackupProgress>,
) -> CommandResult<AppStatus> {
    blocking(app, move |s| {
        let (_, practice) = arcwell::practice::restore_into(
            &s.launch.data_dir,
            Path::new(&open.file),
            &open.unlock()?,
            &Passphrase::new(passphrase),
            &s.keychain,
            &mut reporter(progress),
        )?;
        Ok(s.install(practice))
    })
    .await
}

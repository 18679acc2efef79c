//! Backups from the app: the automatic backup settings, "back up now", and their health.

use arcwell::backup::auto::{AutoBackupInput, AutoBackupSettings, AutoOutcome, BackupHealth};
use tauri::AppHandle;

use super::{blocking, now};
use crate::error::CommandResult;

#[tauri::command]
pub async fn backup_settings(app: AppHandle) -> CommandResult<AutoBackupSettings> {
    blocking(app, |s| s.with(|p| p.auto_backup_settings())).await
}

#[tauri::command]
pub async fn save_backup_settings(app: AppHandle, input: AutoBackupInput) -> CommandResult<AutoBackupSettings> {
    blocking(app, move |s| s.write(|p| p.save_auto_backup_settings(&input, now()))).await
}

/// A backup into the chosen folder now, due or not.
#[tauri::command]
pub async fn backup_now(app: AppHandle) -> CommandResult<AutoOutcome> {
    blocking(app, |s| s.write(|p| p.backup_now(now()))).await
}

#[tauri::command]
pub async fn backup_health(app: AppHandle) -> CommandResult<BackupHealth> {
    blocking(app, |s| s.with(|p| p.backup_health(now()))).await
}

//! The audit trail and the locking settings.

use arcwell::key::Passphrase;
use arcwell::retention::PastRetention;
use arcwell::security::SecuritySettings;
use arcwell::store::audit::{AuditEntry, AuditQuery, AuditReport};
use arcwell::store::repair::Repair;
use tauri::AppHandle;
use uuid::Uuid;

use super::{blocking, now};
use crate::error::CommandResult;

/// The newest audit entries first (one participant's when given), `limit` at most 500.
#[tauri::command]
pub async fn audit_entries(
    app: AppHandle,
    participant_id: Option<Uuid>,
    before: Option<i64>,
    limit: u32,
) -> CommandResult<Vec<AuditEntry>> {
    let query = AuditQuery { participant: participant_id, before, limit: limit.clamp(1, 500) };
    blocking(app, move |s| s.with(|p| p.audit().entries(&query))).await
}

#[tauri::command]
pub async fn verify_audit(app: AppHandle) -> CommandResult<AuditReport> {
    blocking(app, |s| s.with(|p| p.audit().verify())).await
}

/// The facilitator acknowledges what verification said of the anchor (missing, unreadable or
/// disagreeing): recorded in the trail, the anchor is made again, and the trail verified anew.
#[tauri::command]
pub async fn reanchor_audit(app: AppHandle) -> CommandResult<AuditReport> {
    blocking(app, |s| {
        s.write(|p| p.audit().reanchor())?;
        s.with(|p| p.audit().verify())
    })
    .await
}

#[tauri::command]
pub async fn security_settings(app: AppHandle) -> CommandResult<SecuritySettings> {
    blocking(app, |s| s.with(|p| p.security().settings())).await
}

#[tauri::command]
pub async fn save_security_settings(app: AppHandle, input: SecuritySettings) -> CommandResult<SecuritySettings> {
    blocking(app, move |s| s.write(|p| p.security().update_settings(&input))).await
}

/// Wraps the database key under a new recovery passphrase (the current one is required).
#[tauri::command]
pub async fn change_passphrase(app: AppHandle, current: String, new: String) -> CommandResult<()> {
    blocking(app, move |s| s.write(|p| p.change_passphrase(&Passphrase::new(current), &Passphrase::new(new)))).await
}

/// Re-keys the practice under a fresh database key (the recovery passphrase is required).
#[tauri::command]
pub async fn rotate_key(app: AppHandle, passphrase: String) -> CommandResult<()> {
    blocking(app, move |s| {
        let keychain = s.keychain.clone();
        s.write(|p| p.rotate_key(&Passphrase::new(passphrase), &keychain))
    })
    .await
}

/// Checks every page of the practice file and, when the damaged ones hold no records, writes the
/// file anew without them (the recovery passphrase is required).
#[tauri::command]
pub async fn repair_practice_file(app: AppHandle, passphrase: String) -> CommandResult<Repair> {
    blocking(app, move |s| s.write(|p| p.repair_file(&Passphrase::new(passphrase)))).await
}

/// Participants past their retention period, for review.
#[tauri::command]
pub async fn past_retention(app: AppHandle) -> CommandResult<Vec<PastRetention>> {
    blocking(app, |s| s.with(|p| p.retention().past(now()))).await
}

/// Purges one participant's record (past retention, exported, confirmed by name).
#[tauri::command]
pub async fn purge_participant(app: AppHandle, participant_id: Uuid, confirm_name: String) -> CommandResult<()> {
    blocking(app, move |s| s.write(|p| p.retention().purge(participant_id, &confirm_name, now()))).await
}

//! First run, unlocking, and the practice overview.

use arcwell::Practice;
use arcwell::domain::profile::{Profile, ProfileInput};
use arcwell::domain::status::PracticeStatus;
use arcwell::key::Passphrase;
use arcwell::store::audit::LockReason;
use tauri::AppHandle;

use super::{blocking, now};
use crate::error::CommandResult;
use crate::state::{AppState, AppStatus, StartupStage};

/// The UI reports a moment of its start. Printed (as microseconds since the epoch, nothing else)
/// only when the app runs with `ARCWELL_STARTUP_PROBE=1`; otherwise nothing happens.
#[tauri::command]
pub fn startup_mark(state: tauri::State<'_, AppState>, stage: StartupStage) {
    state.launch.startup_mark(match stage {
        StartupStage::Script => "script",
        StartupStage::Status => "status",
        StartupStage::Data => "data",
        StartupStage::Rendered => "rendered",
        StartupStage::Frame => "frame",
        StartupStage::Dashboard => "dashboard",
    });
}

/// Where the app stands. The first call takes the practice opened at launch (from the keychain,
/// or a fresh demo practice), waiting for it if it is still opening, and Today's dashboard as read
/// then (each list's `first` rows, as `dashboard` gives them).
#[tauri::command]
pub async fn app_status(app: AppHandle, first: Option<u32>) -> CommandResult<AppStatus> {
    blocking(app, move |s| s.open_at_start(first)).await
}

/// First run: creates the practice with the facilitator's profile and recovery passphrase.
#[tauri::command]
pub async fn setup(app: AppHandle, profile: ProfileInput, passphrase: String) -> CommandResult<AppStatus> {
    blocking(app, move |s| {
        let practice = Practice::init(&s.launch.data_dir, &profile, &Passphrase::new(passphrase), &s.keychain, now())?;
        Ok(s.install(practice))
    })
    .await
}

/// Opens the practice with the recovery passphrase.
#[tauri::command]
pub async fn unlock(app: AppHandle, passphrase: String) -> CommandResult<AppStatus> {
    blocking(app, move |s| {
        let practice = Practice::open_with_passphrase(&s.launch.data_dir, &Passphrase::new(passphrase), &s.keychain)?;
        Ok(s.install(practice))
    })
    .await
}

/// Opens the practice with the unlock PIN, after a lock in this session (a few tries at most).
#[tauri::command]
pub async fn unlock_with_pin(app: AppHandle, pin: String) -> CommandResult<AppStatus> {
    blocking(app, move |s| s.unlock_with_pin(&pin)).await
}

/// Sets (or, without a PIN, removes) the unlock PIN; needs the recovery passphrase.
#[tauri::command]
pub async fn set_unlock_pin(app: AppHandle, passphrase: String, pin: Option<String>) -> CommandResult<bool> {
    blocking(app, move |s| {
        s.write(|p| p.unlock_pin().set(&Passphrase::new(passphrase), pin.as_deref()))?;
        s.with(|p| p.unlock_pin().is_set())
    })
    .await
}

/// Whether the practice has an unlock PIN.
#[tauri::command]
pub async fn has_unlock_pin(app: AppHandle) -> CommandResult<bool> {
    blocking(app, |s| s.with(|p| p.unlock_pin().is_set())).await
}

/// Locks the practice: it closes, and opens again with the unlock PIN or the recovery passphrase.
#[tauri::command]
pub async fn lock_practice(app: AppHandle, reason: LockReason) -> CommandResult<AppStatus> {
    blocking(app, move |s| Ok(s.close(reason))).await
}

#[tauri::command]
pub async fn practice_status(app: AppHandle) -> CommandResult<PracticeStatus> {
    blocking(app, |s| s.with(|p| p.status(now()))).await
}

#[tauri::command]
pub async fn get_profile(app: AppHandle) -> CommandResult<Profile> {
    blocking(app, |s| s.with(|p| p.facilitator().profile())).await
}

/// The facilitator's settings: name, time zone, preferred check-in time, stall threshold.
#[tauri::command]
pub async fn save_profile(app: AppHandle, input: ProfileInput) -> CommandResult<Profile> {
    blocking(app, move |s| s.write(|p| p.facilitator().update(&input, now()))).await
}

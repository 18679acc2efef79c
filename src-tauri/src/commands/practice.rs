//! First run, unlocking, and the practice overview.

use arcwell::Practice;
use arcwell::audit::LockReason;
use arcwell::domain::profile::{Profile, ProfileInput};
use arcwell::domain::status::PracticeStatus;
use arcwell::key::Passphrase;
use tauri::AppHandle;

use super::{blocking, now};
use crate::error::{CommandError, CommandResult};
use crate::state::{AppState, AppStatus, Stage, StartupStage};
use arcwell::ErrorCode;

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
/// or a fresh demo practice), waiting for it if it is still opening.
#[tauri::command]
pub async fn app_status(app: AppHandle) -> CommandResult<AppStatus> {
    blocking(app, |s| s.open_at_start()).await
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

/// Opens the practice with the key in the keychain, after a lock.
#[tauri::command]
pub async fn unlock_with_keychain(app: AppHandle) -> CommandResult<AppStatus> {
    blocking(app, |s| {
        if s.is_open() {
            return Ok(s.status(Stage::Ready, None));
        }
        match Practice::open_with_keychain_or_why(&s.launch.data_dir, &s.keychain)? {
            Ok(practice) => Ok(s.install(practice)),
            Err(why) => Err(why),
        }
    })
    .await
    .map_err(|e| match e.code {
        // The core's words say why; the unlock screen says what to do here.
        ErrorCode::PassphraseRequired => CommandError {
            code: e.code,
            message: format!("{}. Enter the recovery passphrase instead.", keychain_reason(&e.message)),
        },
        _ => e,
    })
}

/// Locks the practice: it closes, and opens again from the keychain or the recovery passphrase.
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
    blocking(app, |s| s.with(|p| p.profile())).await
}

/// The facilitator's settings: name, time zone, preferred check-in time, stall threshold.
#[tauri::command]
pub async fn save_profile(app: AppHandle, input: ProfileInput) -> CommandResult<Profile> {
    blocking(app, move |s| s.write(|p| p.update_profile(&input, now()))).await
}

/// "The keychain cannot open this practice: <why>" — the core's sentence without its CLI advice.
fn keychain_reason(message: &str) -> String {
    let first = message.split(". Give the recovery passphrase").next().unwrap_or(message);
    let mut chars = first.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

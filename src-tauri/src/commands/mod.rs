//! Tauri commands, one module per area. Each is an adapter: typed request in, one core call on a
//! blocking thread (SQLCipher and scrypt must not stall the UI), `{ code, message }` out.

pub mod arcs;
pub mod backups;
pub mod documents;
pub mod exports;
pub mod integration;
pub mod measures;
pub mod packets;
pub mod participants;
pub mod practice;
pub mod reminders;
pub mod retreats;
pub mod security;
pub mod sessions;

use arcwell::ErrorCode;
use tauri::{AppHandle, Manager};

use crate::error::{CommandError, CommandResult};
use crate::state::AppState;

/// Runs `f` with the app state on a blocking thread.
pub async fn blocking<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&AppState) -> arcwell::Result<T> + Send + 'static,
) -> CommandResult<T> {
    tauri::async_runtime::spawn_blocking(move || f(&app.state::<AppState>()))
        .await
        .map_err(|e| CommandError {
            code: ErrorCode::Storage,
            message: format!("the command stopped unexpectedly: {e}"),
        })?
        .map_err(Into::into)
}

/// The clock, read here in the shell and passed into the core.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

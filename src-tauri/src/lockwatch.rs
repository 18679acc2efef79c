//! Locks the practice when the computer goes to sleep or its screen locks, when the facilitator's
//! setting says so (on by default): logind's `PrepareForSleep(true)` on the system bus, and
//! `ActiveChanged(true)` from the freedesktop or GNOME screensaver on the session bus.
//!
//! The window is asked first (`LOCK_REQUESTED`), so it can save the drafts on screen; if the same
//! unlocked practice is still open after `GRACE`, the shell locks it itself and says so (`LOCKED`).
//! A desktop without these services simply never asks (logged once).

use std::time::Duration;

use arcwell::audit::LockReason;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};

use crate::state::{AppState, AppStatus};

pub const LOCK_REQUESTED: &str = "practice://lock-requested";
pub const LOCKED: &str = "practice://locked";
/// How long the window has to save its drafts and lock before the shell locks by itself.
const GRACE: Duration = Duration::from_secs(3);

#[derive(Clone, Serialize)]
struct Locked {
    status: AppStatus,
    reason: LockReason,
}

/// Asks the window to lock, and locks after `GRACE` if it has not.
pub fn request_lock(app: &AppHandle, reason: LockReason) {
    let state = app.state::<AppState>();
    let Some(opened) = state.opened() else { return };
    if !state.with(|p| p.security_settings()).map(|s| s.lock_on_sleep).unwrap_or(true) {
        return;
    }
    let _ = app.emit(LOCK_REQUESTED, reason);
    let app = app.clone();
    std::thread::spawn(move || {
        std::thread::sleep(GRACE);
        let state = app.state::<AppState>();
        // Only the same unlock: a facilitator who locked and unlocked meanwhile is not locked again.
        if state.opened() == Some(opened) {
            let status = state.close(reason);
            let _ = app.emit(LOCKED, Locked { status, reason });
        }
    });
}

/// Starts listening on both buses (Linux).
pub fn start(app: &AppHandle) {
    #[cfg(target_os = "linux")]
    {
        let signals: [(bool, &'static str, LockReason); 3] = [
            (true, "org.freedesktop.login1.Manager", LockReason::Sleep),
            (false, "org.freedesktop.ScreenSaver", LockReason::ScreenLocked),
            (false, "org.gnome.ScreenSaver", LockReason::ScreenLocked),
        ];
        for (system, interface, reason) in signals {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                if let Err(e) = linux::watch(&app, system, interface, reason).await {
                    eprintln!("arcwell: not locking on {interface} signals ({e})");
                }
            });
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

#[cfg(target_os = "linux")]
mod linux {
    use arcwell::audit::LockReason;
    use futures_util::StreamExt;
    use tauri::AppHandle;

    /// `PrepareForSleep(bool)` or `ActiveChanged(bool)`: true means going to sleep / screen locked.
    pub async fn watch(app: &AppHandle, system: bool, interface: &str, reason: LockReason) -> zbus::Result<()> {
        let bus = if system { zbus::Connection::system().await? } else { zbus::Connection::session().await? };
        let member = if system { "PrepareForSleep" } else { "ActiveChanged" };
        let rule = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(interface)
            .member(member)
            .build()?;
        let mut stream = zbus::MessageStream::for_match_rule(rule, &bus, None).await?;
        while let Some(msg) = stream.next().await {
            let Ok(msg) = msg else { continue };
            if msg.body().deserialize::<bool>().unwrap_or(false) {
                super::request_lock(app, reason);
            }
        }
        Ok(())
    }
}

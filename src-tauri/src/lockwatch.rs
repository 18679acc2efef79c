//! Locks the practice when the computer goes to sleep or its screen locks, when the facilitator's
//! setting says so (on by default): logind's `PrepareForSleep(true)` on the system bus, and
//! `ActiveChanged(true)` from the freedesktop or GNOME screensaver on the session bus.
//!
//! The window is asked first (`LOCK_REQUESTED`), so it can save the drafts on screen; if the same
//! unlocked practice is still open after `GRACE`, the shell locks it itself and says so (`LOCKED`).
//! A desktop without these services simply never asks (logged once).
//!
//! Before sleep the practice must be closed *before* the machine sleeps (the key and the decrypted
//! page cache gone from memory), so the app holds logind's `sleep` delay lock (`Inhibit(…,
//! "delay")`) while it runs, and lets it go only after the practice is closed on
//! `PrepareForSleep(true)`; it takes it again on resume.

use std::time::Duration;

use arcwell::store::audit::LockReason;
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
    if !state.with(|p| p.security().settings()).map(|s| s.lock_on_sleep).unwrap_or(true) {
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

/// Before sleep: asks the window to lock and waits up to `GRACE` for it, then locks the practice
/// itself if it is still open; returns once it is closed (or when there was nothing to close, or
/// the facilitator turned locking on sleep off).
fn lock_for_sleep(app: &AppHandle) {
    let state = app.state::<AppState>();
    let Some(opened) = state.opened() else { return };
    if !state.with(|p| p.security().settings()).map(|s| s.lock_on_sleep).unwrap_or(true) {
        return;
    }
    let _ = app.emit(LOCK_REQUESTED, LockReason::Sleep);
    let asked = std::time::Instant::now();
    while state.opened() == Some(opened) && asked.elapsed() < GRACE {
        std::thread::sleep(Duration::from_millis(50));
    }
    if state.opened() == Some(opened) {
        let status = state.close(LockReason::Sleep);
        let _ = app.emit(LOCKED, Locked { status, reason: LockReason::Sleep });
    }
}

/// Starts listening on both buses (Linux).
pub fn start(app: &AppHandle) {
    #[cfg(target_os = "linux")]
    {
        let signals: [&'static str; 2] = ["org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver"];
        for interface in signals {
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                if let Err(e) = linux::watch(&app, interface, LockReason::ScreenLocked).await {
                    eprintln!("arcwell: not locking on {interface} signals ({e})");
                }
            });
        }
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            let slept = async {
                let bus = zbus::Connection::system().await?;
                sleep::hold_until_closed(&bus, || {
                    let app = app.clone();
                    async move {
                        let _ = tauri::async_runtime::spawn_blocking(move || lock_for_sleep(&app)).await;
                    }
                })
                .await
            };
            if let Err(e) = slept.await {
                eprintln!("arcwell: not locking before sleep: logind is not reachable on the system bus ({e})");
            }
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = app;
}

/// logind's sleep delay lock, held while the app runs and let go only once the practice is closed.
#[cfg(target_os = "linux")]
pub(crate) mod sleep {
    use futures_util::StreamExt;

    const LOGIND: &str = "org.freedesktop.login1";
    const MANAGER: &str = "org.freedesktop.login1.Manager";

    /// Takes the delay lock; on `PrepareForSleep(true)` runs `close` and only then lets the lock
    /// go (logind waits for that, up to its `InhibitDelayMaxSec`); on `PrepareForSleep(false)`
    /// (resume) takes it again. Returns when the bus goes away.
    pub async fn hold_until_closed<F, Fut>(bus: &zbus::Connection, mut close: F) -> zbus::Result<()>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        let rule = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(MANAGER)
            .member("PrepareForSleep")
            .build()?;
        let mut signals = zbus::MessageStream::for_match_rule(rule, bus, None).await?;
        let mut held = Some(inhibit(bus).await?);
        while let Some(msg) = signals.next().await {
            let Ok(msg) = msg else { continue };
            match msg.body().deserialize::<bool>() {
                Ok(true) => {
                    close().await;
                    drop(held.take());
                }
                Ok(false) if held.is_none() => held = inhibit(bus).await.ok(),
                _ => {}
            }
        }
        Ok(())
    }

    async fn inhibit(bus: &zbus::Connection) -> zbus::Result<zbus::OwnedFd> {
        let why = "Arcwell closes the encrypted practice before the computer sleeps";
        let reply = bus
            .call_method(
                Some(LOGIND),
                "/org/freedesktop/login1",
                Some(MANAGER),
                "Inhibit",
                &("sleep", "Arcwell", why, "delay"),
            )
            .await?;
        reply.body().deserialize::<zbus::OwnedFd>()
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use arcwell::store::audit::LockReason;
    use futures_util::StreamExt;
    use tauri::AppHandle;

    /// `ActiveChanged(bool)` on the session bus: true means the screen locked.
    pub async fn watch(app: &AppHandle, interface: &str, reason: LockReason) -> zbus::Result<()> {
        let bus = zbus::Connection::session().await?;
        let rule = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .interface(interface)
            .member("ActiveChanged")
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

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::io::Read;
    use std::process::{Command, Stdio};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    use futures_util::StreamExt;

    /// A private bus (a real dbus-daemon) with a stand-in logind that hands out the write end of a
    /// pipe as the delay lock: the read end sees the end of the pipe exactly when the app lets the
    /// lock go.
    #[test]
    fn the_sleep_lock_is_let_go_only_after_the_practice_closed_and_taken_again_on_resume() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("bus");
        let config = dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path={}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*"/><allow receive_sender="*"/><allow own="*"/></policy></busconfig>"#,
                socket.display()
            ),
        )
        .unwrap();
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .arg("--nofork")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while !socket.exists() {
            assert!(started.elapsed() < Duration::from_secs(10), "dbus-daemon did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        let address = format!("unix:path={}", socket.display());
        let closes = Arc::new(AtomicUsize::new(0));

        tauri::async_runtime::block_on(async {
            let logind = zbus::connection::Builder::address(address.as_str())
                .name("org.freedesktop.login1")
                .build()
                .await
                .unwrap();
            let mut calls = zbus::MessageStream::from(&logind);
            let app_bus = zbus::connection::Builder::address(address.as_str()).build().await.unwrap();
            let counted = closes.clone();
            tauri::async_runtime::spawn(async move {
                let _ = super::sleep::hold_until_closed(&app_bus, || {
                    let counted = counted.clone();
                    async move {
                        // Closing takes a while: a lock let go before it ends would show.
                        std::thread::sleep(Duration::from_millis(300));
                        counted.fetch_add(1, Ordering::SeqCst);
                    }
                })
                .await;
            });

            // Answers the next Inhibit call with the write end of a new pipe; returns the read end.
            async fn grant(calls: &mut zbus::MessageStream, logind: &zbus::Connection) -> std::io::PipeReader {
                loop {
                    let msg = calls.next().await.unwrap().unwrap();
                    let header = msg.header();
                    if header.message_type() == zbus::message::Type::MethodCall
                        && header.member().is_some_and(|m| m.as_str() == "Inhibit")
                    {
                        let (what, _who, _why, mode): (String, String, String, String) =
                            msg.body().deserialize().unwrap();
                        assert_eq!((what.as_str(), mode.as_str()), ("sleep", "delay"));
                        let (reader, writer) = std::io::pipe().unwrap();
                        let fd = zbus::OwnedFd::from(std::os::fd::OwnedFd::from(writer));
                        logind.reply(&header, &(fd,)).await.unwrap();
                        return reader;
                    }
                }
            }
            let sleep_signal = |going: bool| {
                let logind = logind.clone();
                async move {
                    logind
                        .emit_signal(
                            None::<()>,
                            "/org/freedesktop/login1",
                            "org.freedesktop.login1.Manager",
                            "PrepareForSleep",
                            &(going,),
                        )
                        .await
                        .unwrap();
                }
            };

            let mut held = grant(&mut calls, &logind).await;
            sleep_signal(true).await;
            let released = tauri::async_runtime::spawn_blocking(move || {
                let mut rest = Vec::new();
                held.read_to_end(&mut rest).map(|_| ())
            });
            released.await.unwrap().unwrap();
            assert_eq!(closes.load(Ordering::SeqCst), 1, "the lock went only after the practice was closed");

            sleep_signal(false).await;
            let _again = grant(&mut calls, &logind).await;
            assert_eq!(closes.load(Ordering::SeqCst), 1, "resuming closes nothing; it takes the lock again");
        });
        let _ = daemon.kill();
        let _ = daemon.wait();
    }
}

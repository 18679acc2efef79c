//! The reminder scheduler inside the app: started once at launch (it waits while the practice is
//! locked), desktop notifications that open the app on the Today list, an unread count in the
//! window title and the tray, and a tray that keeps the app running when its window is closed.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use arcwell::reminders::{DesktopNotifier, PracticeSource, SystemClock, scheduler};
use arcwell::{Practice, Result};
use tauri::menu::{Menu, MenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Emitter, Manager};

use crate::state::AppState;

/// Emitted to the UI when a notification was raised or read: the unread count.
pub const CHANGED: &str = "reminders://changed";
/// Emitted to the UI when the facilitator clicked a notification: show the due list.
pub const OPEN: &str = "reminders://open";

/// The app's practice as the scheduler sees it: `None` while locked.
struct AppSource(AppHandle);

impl PracticeSource for AppSource {
    fn with_practice<T>(&self, f: impl FnOnce(&mut Practice) -> Result<T>) -> Option<Result<T>> {
        self.0.state::<AppState>().try_with(f)
    }
}

/// Brings the main window forward (from the tray, a notification, or hidden).
pub fn show_main(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

/// Starts the scheduler and the task that mirrors its deliveries into the window and the tray.
pub fn start(app: &AppHandle, tray: Option<TrayIcon>) {
    let opener = app.clone();
    let notifier = DesktopNotifier::opening_app(Arc::new(move || {
        show_main(&opener);
        let _ = opener.emit(OPEN, ());
    }));
    let (handle, task) = scheduler(Arc::new(AppSource(app.clone())), Arc::new(SystemClock), Arc::new(notifier));
    let mut status = handle.status();
    app.state::<AppState>().attach_scheduler(handle);
    tauri::async_runtime::spawn(task);

    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut seen = 0;
        while status.changed().await.is_ok() {
            let delivered = status.borrow_and_update().delivered;
            if delivered > seen {
                seen = delivered;
                refresh_unread(&app, tray.as_ref()).await;
            }
        }
    });
}

/// Reads the unread count and shows it in the window title, the tray and the UI.
pub async fn refresh_unread(app: &AppHandle, tray: Option<&TrayIcon>) {
    let reader = app.clone();
    let unread = tauri::async_runtime::spawn_blocking(move || {
        reader.state::<AppState>().try_with(|p| p.reminders().unread()).and_then(Result::ok)
    })
    .await
    .ok()
    .flatten()
    .unwrap_or(0);
    show_unread(app, tray, unread);
}

pub fn show_unread(app: &AppHandle, tray: Option<&TrayIcon>, unread: u32) {
    let title = match unread {
        0 => "Arcwell".to_owned(),
        1 => "Arcwell — 1 new reminder".to_owned(),
        n => format!("Arcwell — {n} new reminders"),
    };
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.set_title(&title);
    }
    let tray = tray.cloned().or_else(|| app.tray_by_id(TRAY_ID));
    if let Some(t) = tray {
        let _ = t.set_tooltip(Some(&title));
        let _ = t.set_title((unread > 0).then(|| unread.to_string()));
    }
    let _ = app.emit(CHANGED, unread);
}

const TRAY_ID: &str = "arcwell";

/// Whether the desktop shows tray icons. On Linux the icon is a StatusNotifierItem, shown only when
/// a host (`org.kde.StatusNotifierWatcher`: KDE, GNOME with the AppIndicator extension, XFCE…) is on
/// the session bus; without one the icon would exist but be invisible, and a hidden window lost.
#[cfg(target_os = "linux")]
fn tray_host_present() -> bool {
    tauri::async_runtime::block_on(async {
        let Ok(bus) = zbus::Connection::session().await else { return false };
        let reply = bus
            .call_method(
                Some("org.freedesktop.DBus"),
                "/org/freedesktop/DBus",
                Some("org.freedesktop.DBus"),
                "NameHasOwner",
                &("org.kde.StatusNotifierWatcher",),
            )
            .await;
        reply.ok().and_then(|m| m.body().deserialize::<bool>().ok()).unwrap_or(false)
    })
}

#[cfg(not(target_os = "linux"))]
fn tray_host_present() -> bool {
    true
}

/// The tray icon with "Open Arcwell" and "Quit". `None` (logged) where the desktop has no tray:
/// then closing the window quits, as nothing would be left to reopen it.
pub fn tray(app: &AppHandle) -> Option<TrayIcon> {
    if !tray_host_present() {
        eprintln!("arcwell-app: this desktop shows no tray icons; closing the window will quit Arcwell");
        return None;
    }
    let build = || -> tauri::Result<TrayIcon> {
        let open = MenuItem::with_id(app, "open", "Open Arcwell", true, None::<&str>)?;
        let quit = MenuItem::with_id(app, "quit", "Quit Arcwell", true, None::<&str>)?;
        let menu = Menu::with_items(app, &[&open, &quit])?;
        let mut builder =
            TrayIconBuilder::with_id(TRAY_ID).menu(&menu).tooltip("Arcwell").on_menu_event(|app, event| {
                match event.id().as_ref() {
                    "open" => show_main(app),
                    "quit" => app.exit(0),
                    _ => {}
                }
            });
        if let Some(icon) = app.default_window_icon() {
            builder = builder.icon(icon.clone());
        }
        builder.build(app)
    };
    match build() {
        Ok(t) => {
            app.state::<AppState>().has_tray.store(true, Ordering::Relaxed);
            Some(t)
        }
        Err(e) => {
            eprintln!("arcwell-app: no tray icon on this desktop ({e}); closing the window will quit Arcwell");
            None
        }
    }
}

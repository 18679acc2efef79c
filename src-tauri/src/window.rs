//! How the main window paints: without GPU compositing.
//!
//! Arcwell's screens are text, forms and lists; nothing in them needs WebKit's accelerated
//! compositing (no video, WebGL, 3D transforms or animations). Composited, WebKitGTK first creates a
//! GL context and compiles its shaders, which on a machine without a GPU (Mesa's llvmpipe renders
//! GL on the CPU) cost 130 ms of the first paint and ~95 MiB of the web process's memory, measured
//! (BENCHMARKS.md, "Start"). Painted directly, the same screens need neither.

use tauri::{AppHandle, Manager};

/// Sets the main window's webview to paint without hardware-accelerated compositing. Logged, not
/// fatal, where it cannot be set: the window works either way.
#[cfg(target_os = "linux")]
pub fn paint_without_compositing(app: &AppHandle) {
    use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
    let Some(window) = app.get_webview_window("main") else { return };
    let set = window.with_webview(|webview| {
        if let Some(settings) = webview.inner().settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    if let Err(e) = set {
        eprintln!("arcwell-app: the window keeps WebKit's GPU compositing ({e})");
    }
}

#[cfg(not(target_os = "linux"))]
pub fn paint_without_compositing(_app: &AppHandle) {}

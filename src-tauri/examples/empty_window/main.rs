//! The baseline for scripts/measure/startup.sh: an empty Tauri 2 window — one HTML page, no plugins,
//! no tray — whose page reports when its script first ran, exactly as Arcwell's UI does (the same
//! stderr line), so both are measured the same way in the same run. Never shipped.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

#[tauri::command]
fn startup_mark(stage: String) {
    let at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    eprintln!("empty-window: startup {stage} {}", at.as_micros());
}

fn main() {
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![startup_mark])
        .run(tauri::generate_context!("examples/empty_window/tauri.conf.json"));
    if let Err(e) = result {
        eprintln!("empty-window: {e}");
        std::process::exit(1);
    }
}

// Reports the first script's instant through Tauri's own IPC (no @tauri-apps/api bundled).
window.__TAURI_INTERNALS__.invoke('startup_mark', { stage: 'script' });

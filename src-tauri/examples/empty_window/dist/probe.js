// Reports the first script's instant through Tauri's own IPC (no @tauri-apps/api bundled), and the
// page's first paint the way Arcwell's UI reports its dashboard's: when the frame after the first
// one begins, the first has been laid out and painted.
const mark = (stage) => window.__TAURI_INTERNALS__.invoke('startup_mark', { stage });
mark('script');
requestAnimationFrame(() => requestAnimationFrame(() => mark('painted')));

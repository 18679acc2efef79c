//! How the window paints: WebKit's Skia rasterises the page on the CPU (its worker threads), and
//! composites the tiles as usual.
//!
//! Arcwell's screens are text, forms, lists and two small charts. Rasterised on the GPU, on a
//! machine whose GL is Mesa's llvmpipe (no GPU driver: virtual machines, this project's test
//! machines) the first paint of Today took 124–165 ms instead of 25–33 ms, and the web process
//! ~34 MiB more (BENCHMARKS.md, "Start"; why was not profiled — most likely Skia's GL shaders
//! compiled and run on the CPU). Turning accelerated compositing off altogether (the
//! hardware-acceleration policy `Never`) saved more memory but made WebKitWebDriver's screenshots
//! hang: not taken.

/// WebKit's switch: set and not "0", the web process paints with Skia on the CPU.
const CPU_RENDERING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// Asks WebKit to paint on the CPU, unless the environment already says (`=0` keeps GPU painting,
/// for anyone who wants it). Must run before any other thread exists: `run()` calls it first.
pub fn prefer_cpu_painting() {
    if std::env::var_os(CPU_RENDERING).is_none() {
        // SAFETY: called at the start of `run()`, from `main`, before Tauri, GLib, tokio or any
        // other thread starts, so nothing reads or writes the environment at the same time.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var(CPU_RENDERING, "1");
        }
    }
}

//! Handing freed memory back to the system after the start-up.
//!
//! Opening the practice reads and frees a great deal on its own thread (the keychain's D-Bus
//! exchange, the schema check, Today computed over every arc). glibc keeps what was freed in that
//! thread's arena for reuse, resident, and the thread ends: without a trim the app stays 2–3 MiB
//! larger for as long as it runs (BENCHMARKS.md, *Start, memory and wake-ups*).

/// Returns the free pages of every malloc arena to the system (glibc's `malloc_trim(0)`); what is
/// still in use, SQLite's page cache with Today's pages among it, stays.
pub fn release_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointer and may be called from any thread at any time; glibc
    // holds each arena's lock while it trims it.
    #[allow(unsafe_code)]
    unsafe {
        libc::malloc_trim(0);
    }
}

fn main() {
    // Keep our bundled SQLCipher's sqlite3_* symbols private: on Linux WebKit links the system
    // SQLite and would otherwise bind to ours. (GNU ld option; other platforms don't need it.)
    if std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux") {
        println!("cargo:rustc-link-arg-bins=-Wl,--exclude-libs,ALL");
    }
    tauri_build::build()
}

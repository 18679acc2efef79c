//! The keychain path against a real Secret Service: gnome-keyring-daemon on a private D-Bus session
//! bus started here, with the key written by one `arcwell` process and read by another.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::PASSPHRASE;

/// Runs `script` under `dbus-run-session` with a fresh unlocked login keyring, in a private HOME.
fn with_secret_service(home: &Path, data: &Path, script: &str) -> Output {
    let runtime = home.join("run");
    std::fs::create_dir_all(&runtime).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
    }
    let full = format!(
        "set -eu\nprintf 'test-login-password' | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n{script}"
    );
    Command::new("dbus-run-session")
        .args(["--", "sh", "-c", &full])
        .env("HOME", home)
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("XDG_DATA_HOME", home.join("share"))
        .env("ARCWELL", env!("CARGO_BIN_EXE_arcwell"))
        .env("DATA", data)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY")
        .env_remove("ARCWELL_KEYCHAIN")
        .env_remove("ARCWELL_PASSPHRASE")
        .output()
        .unwrap_or_else(|e| panic!("dbus-run-session is needed for this test (scripts/test.sh installs it): {e}"))
}

fn sections(out: &Output) -> Vec<String> {
    assert!(
        out.status.success(),
        "script failed ({:?}):\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).split("---\n").map(str::to_owned).collect()
}

#[test]
fn the_key_written_by_one_process_opens_the_practice_in_another() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("practice");
    let out = with_secret_service(
        home.path(),
        &data,
        &format!(
            r#"ARCWELL_PASSPHRASE='{PASSPHRASE}' "$ARCWELL" --data-dir "$DATA" --json init --name 'Rowan Hale' --timezone Europe/Berlin
echo ---
"$ARCWELL" --data-dir "$DATA" --json participant add 'Seren Whitlock' </dev/null
echo ---
"$ARCWELL" --data-dir "$DATA" --json status </dev/null
echo ---
secret-tool search --all service org.arcwell.app 2>&1 | grep -c '^attribute.service = org.arcwell.app$'
"#
        ),
    );
    let parts = sections(&out);
    let init: Value = serde_json::from_str(&parts[0]).unwrap();
    assert_eq!(init["key_source"], "keychain", "init stored the key in the Secret Service: {init}");
    assert_eq!(init["keychain_note"], Value::Null);
    let added: Value = serde_json::from_str(&parts[1]).unwrap();
    assert_eq!(added["name"], "Seren Whitlock", "a second process opened the practice with no passphrase anywhere");
    let status: Value = serde_json::from_str(&parts[2]).unwrap();
    assert_eq!(status["key_source"], "keychain");
    assert_eq!(status["participants"], 1);
    assert_eq!(parts[3].trim(), "1", "exactly one Arcwell item is in the keyring");
}

#[test]
fn a_stale_keychain_entry_falls_back_to_the_passphrase_and_is_replaced() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("practice");
    let out = with_secret_service(
        home.path(),
        &data,
        &format!(
            r#"export ARCWELL_PASSPHRASE='{PASSPHRASE}'
"$ARCWELL" --data-dir "$DATA" --json init --name 'Rowan Hale' --timezone Europe/Berlin >/dev/null
# Replace the practice with another one (as a restore would), keychain turned off for the copy.
rm -r "$DATA"
ARCWELL_KEYCHAIN=off "$ARCWELL" --data-dir "$DATA" --json init --name 'Other Practice' --timezone UTC >/dev/null
"$ARCWELL" --data-dir "$DATA" --json status </dev/null
echo ---
unset ARCWELL_PASSPHRASE
"$ARCWELL" --data-dir "$DATA" --json status </dev/null
"#
        ),
    );
    let parts = sections(&out);
    let first: Value = serde_json::from_str(&parts[0]).unwrap();
    assert_eq!(first["key_source"], "passphrase", "the old key did not fit, so the passphrase opened it");
    assert_eq!(first["profile"]["name"], "Other Practice");
    let second: Value = serde_json::from_str(&parts[1]).unwrap();
    assert_eq!(second["key_source"], "keychain", "the keychain now holds the new key");
}

#[test]
fn without_a_secret_service_the_passphrase_path_works() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_arcwell"))
            .arg("--data-dir")
            .arg(data.path())
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/arcwell-test-bus")
            .env_remove("DISPLAY")
            .env_remove("ARCWELL_KEYCHAIN")
            .env("ARCWELL_PASSPHRASE", PASSPHRASE)
            .output()
            .unwrap()
    };
    let init = run(&["--json", "init", "--name", "Rowan Hale", "--timezone", "Asia/Tokyo"]);
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let init: Value = serde_json::from_slice(&init.stdout).unwrap();
    assert_eq!(init["key_source"], "passphrase");
    assert!(init["keychain_note"].as_str().is_some_and(|n| !n.is_empty()), "init says why the keychain was not used");
    let status = run(&["--json", "status"]);
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let status: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status["profile"]["timezone"], "Asia/Tokyo");
}

/// Every file under `dir` holding the raw key, as bytes or as hex.
fn files_with_key(dir: &Path, key: &[u8]) -> Vec<String> {
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    crate::support::snapshot(dir)
        .into_iter()
        .filter(|(_, bytes)| {
            bytes.windows(key.len()).any(|w| w == key) || bytes.windows(hex.len()).any(|w| w == hex.as_bytes())
        })
        .map(|(name, _)| name)
        .collect()
}

/// The keychain failure matrix: no Secret Service at all, and a Secret Service whose collection is
/// locked with an unlock prompt that is dismissed (gnome-keyring's prompter cannot be shown here,
/// which the Secret Service reports exactly as a facilitator pressing Cancel). Each gives its
/// reason, the passphrase opens the practice, and the key is never kept anywhere in plaintext.
#[test]
fn each_keychain_failure_says_why_offers_the_passphrase_and_never_keeps_the_key_in_plaintext() {
    // 1. No Secret Service: nothing listens on the session bus address.
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str], pass: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_arcwell"));
        c.arg("--data-dir").arg(data.path()).args(args);
        c.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/arcwell-test-bus").env_remove("DISPLAY");
        c.env_remove("ARCWELL_KEYCHAIN").stdin(std::process::Stdio::null());
        match pass {
            Some(p) => c.env("ARCWELL_PASSPHRASE", p),
            None => c.env_remove("ARCWELL_PASSPHRASE"),
        };
        c.output().unwrap()
    };
    let init = run(&["--json", "init", "--name", "Rowan Hale", "--timezone", "UTC"], Some(PASSPHRASE));
    let init: Value = serde_json::from_slice(&init.stdout).unwrap();
    assert!(
        init["keychain_note"].as_str().unwrap().starts_with("no keychain service (Secret Service) is running"),
        "{init}"
    );
    let refused = run(&["status"], None);
    assert_eq!(refused.status.code(), Some(6));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("no keychain service") && said.contains("Give the recovery passphrase"), "{said}");
    assert!(run(&["status"], Some(PASSPHRASE)).status.success());
    let key = key_of(data.path());
    assert_eq!(files_with_key(data.path(), &key), Vec::<String>::new());

    // 2. A locked collection and a dismissed unlock prompt.
    let home = tempfile::tempdir().unwrap();
    let practice = home.path().join("practice");
    // First session: the login keyring is created (with a password) and the key stored in it.
    sections(&with_secret_service(
        home.path(),
        &practice,
        &format!(
            r#"ARCWELL_PASSPHRASE='{PASSPHRASE}' "$ARCWELL" --data-dir "$DATA" --json init --name 'Rowan Hale' --timezone UTC >/dev/null"#
        ),
    ));
    // Second session: the daemon starts without the password, so the collection stays locked.
    let runtime = home.path().join("run");
    let locked = Command::new("dbus-run-session")
        .args([
            "--",
            "sh",
            "-c",
            r#"gnome-keyring-daemon --components=secrets >/dev/null
"$ARCWELL" --data-dir "$DATA" status </dev/null 2>&1; echo "exit $?"
echo ---
ARCWELL_PASSPHRASE="$PASS" "$ARCWELL" --data-dir "$DATA" --json status </dev/null"#,
        ])
        .env("HOME", home.path())
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("XDG_DATA_HOME", home.path().join("share"))
        .env("ARCWELL", env!("CARGO_BIN_EXE_arcwell"))
        .env("DATA", &practice)
        .env("PASS", PASSPHRASE)
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("DISPLAY")
        .env_remove("ARCWELL_KEYCHAIN")
        .env_remove("ARCWELL_PASSPHRASE")
        .output()
        .unwrap();
    let parts: Vec<String> = String::from_utf8_lossy(&locked.stdout).split("---\n").map(str::to_owned).collect();
    assert!(parts[0].contains("the keychain is locked and its unlock prompt was dismissed"), "{}", parts[0]);
    assert!(parts[0].trim_end().ends_with("exit 6"), "{}", parts[0]);
    let opened: Value = serde_json::from_str(&parts[1]).unwrap();
    assert_eq!(opened["key_source"], "passphrase", "{opened}");
    assert_eq!(
        opened["keychain_note"],
        "the keychain is locked and its unlock prompt was dismissed or could not be shown"
    );
    // The raw key is in no file of the home (keyrings included: gnome-keyring encrypts its file)
    // or the data directory.
    let key = key_of(&practice);
    assert_eq!(files_with_key(home.path(), &key), Vec::<String>::new());
}

/// The raw key, unwrapped from practice.key by the age crate.
fn key_of(dir: &Path) -> Vec<u8> {
    let identity = age::scrypt::Identity::new(age::secrecy::SecretString::from(PASSPHRASE.to_owned()));
    age::decrypt(&identity, &std::fs::read(dir.join("practice.key")).unwrap()).unwrap()
}

//! Fixtures: a practice in a fresh temp dir, a fixed clock, and helpers to look at raw files.

use std::collections::BTreeMap;
use std::path::Path;

use arcwell::domain::arc::{AdvanceArc, OpenArc, Phase};
use arcwell::domain::participant::ParticipantInput;
use arcwell::domain::profile::ProfileInput;
use arcwell::domain::session::{CompleteSession, ScheduleSession, SessionKind};
use arcwell::integration::checkin::CheckIn;
use arcwell::key::Passphrase;
use arcwell::{Keychain, Practice};
use chrono::{DateTime, Duration, TimeZone, Utc};
use tempfile::TempDir;
use uuid::Uuid;

pub const PASSPHRASE: &str = "lantern meadow copper thistle";

/// A fixed "now" for every test: 2026-11-25 09:00 UTC.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap()
}

pub fn profile() -> ProfileInput {
    ProfileInput {
        name: "Rowan Hale".into(),
        timezone: "Europe/Berlin".into(),
        checkin_time: Some("10:00".into()),
        stall_days: None,
    }
}

pub struct Fixture {
    pub dir: TempDir,
}

impl Fixture {
    /// A new practice with the keychain turned off: the passphrase path only.
    pub fn new() -> (Fixture, Practice) {
        let dir = tempfile::tempdir().unwrap();
        let practice =
            Practice::init(dir.path(), &profile(), &Passphrase::new(PASSPHRASE), &Keychain::Off, now()).unwrap();
        (Fixture { dir }, practice)
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn reopen(&self) -> Practice {
        Practice::open_with_passphrase(self.path(), &Passphrase::new(PASSPHRASE), &Keychain::Off).unwrap()
    }
}

/// The `arcwell` CLI on the practice in `dir`, as a separate process: the keychain off, the
/// passphrase from the environment, no stdin, its output captured.
pub fn cli(dir: &Path, args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_arcwell"));
    c.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("ARCWELL_KEYCHAIN", "off")
        .env("ARCWELL_PASSPHRASE", PASSPHRASE)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    c
}

/// Every file under `dir` with its bytes, to compare before and after.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for entry in walk(dir) {
        files.insert(entry.strip_prefix(dir).unwrap().display().to_string(), std::fs::read(&entry).unwrap());
    }
    files
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Fails naming the files that differ, without dumping their bytes.
#[track_caller]
pub fn assert_unchanged(before: &BTreeMap<String, Vec<u8>>, dir: &Path, what: &str) {
    let after = snapshot(dir);
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&after), names(before), "{what}: the set of files changed");
    let changed: Vec<&String> = before.iter().filter(|(k, v)| after.get(*k) != Some(v)).map(|(k, _)| k).collect();
    assert!(changed.is_empty(), "{what}: these files changed: {changed:?}");
}

/// The files under `dir` whose bytes contain `needle`.
pub fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    snapshot(dir)
        .into_iter()
        .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
        .map(|(name, _)| name)
        .collect()
}

/// Opens the database file directly with the key unwrapped from practice.key by the age crate,
/// as a forensic tool (or a future Arcwell) would.
pub fn raw_connection(dir: &std::path::Path) -> rusqlite::Connection {
    let identity = age::scrypt::Identity::new(age::secrecy::SecretString::from(PASSPHRASE.to_owned()));
    let key = age::decrypt(&identity, &std::fs::read(dir.join("practice.key")).unwrap()).unwrap();
    assert_eq!(key.len(), 32, "the key file holds a raw 256-bit key");
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let conn = rusqlite::Connection::open(dir.join("practice.db")).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{hex}'\";")).unwrap();
    conn
}

/// An arc dosed `days_ago` (a six-hour session), in integration with its check-ins queued.
pub fn dosed_arc(p: &mut Practice, name: &str, days_ago: i64) -> (Uuid, Vec<CheckIn>) {
    let pid = p.participants().add(&ParticipantInput { name: name.into(), ..Default::default() }, now()).unwrap().id;
    let open = OpenArc {
        participant_id: pid,
        intention: Some("Grieve my father and come back to my music".into()),
        plan_id: None,
    };
    let arc = p.open_arc(&open, now()).unwrap().id;
    for to in [Phase::Preparation, Phase::Administration] {
        p.advance_arc(arc, &AdvanceArc { to, reason: None }, now()).unwrap();
    }
    let start = now() - Duration::days(days_ago);
    let s = p
        .sessions()
        .schedule(&ScheduleSession {
            arc_id: arc,
            kind: SessionKind::Administration,
            at: start.to_rfc3339(),
            location: None,
        })
        .unwrap();
    let done = CompleteSession {
        started: start.to_rfc3339(),
        ended: (start + Duration::hours(6)).to_rfc3339(),
        follow_up: None,
        document_id: None,
    };
    p.complete_session(s.id, &done, now()).unwrap();
    let checkins = p.integration().arc(arc, now()).unwrap().checkins;
    (arc, checkins)
}

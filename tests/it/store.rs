//! The encrypted file itself: what reaches disk, what a wrong key does, what a foreign or newer file does.

use arcwell::domain::participant::ParticipantInput;
use arcwell::key::Passphrase;
use arcwell::{Error, ErrorCode, Keychain, Practice};
use rusqlite::Connection;

use crate::support::{Fixture, PASSPHRASE, assert_unchanged, files_containing, now, profile, raw_connection, snapshot};

fn add(practice: &mut Practice, name: &str) -> arcwell::domain::participant::Participant {
    let input = ParticipantInput {
        name: name.into(),
        notes: Some("Talked about the lighthouse dream again".into()),
        ..Default::default()
    };
    practice.participants().add(&input, now()).unwrap()
}

#[test]
fn a_saved_participant_survives_reopening() {
    let (fx, mut practice) = Fixture::new();
    let saved = add(&mut practice, "Odalys Thistlewood");
    drop(practice);
    let mut practice = fx.reopen();
    assert_eq!(
        practice.participants().get(saved.id).unwrap(),
        saved,
        "the reopened file returns exactly what was saved"
    );
    assert_eq!(practice.facilitator().profile().unwrap().name, "Rowan Hale");
}

#[test]
fn no_participant_data_in_any_raw_byte_open_or_closed() {
    let (fx, mut practice) = Fixture::new();
    add(&mut practice, "Odalys Thistlewood");
    // While open, the WAL holds the latest pages: they must be encrypted too.
    for needle in ["Odalys", "Thistlewood", "lighthouse", "Rowan Hale", "Europe/Berlin", "CREATE TABLE"] {
        assert_eq!(
            files_containing(fx.path(), needle),
            Vec::<String>::new(),
            "{needle:?} is on disk in the clear (open)"
        );
    }
    drop(practice);
    for needle in ["Odalys", "Thistlewood", "lighthouse", "Rowan Hale", "SQLite format 3"] {
        assert_eq!(
            files_containing(fx.path(), needle),
            Vec::<String>::new(),
            "{needle:?} is on disk in the clear (closed)"
        );
    }
}

#[test]
fn a_wrong_passphrase_is_refused_and_changes_nothing() {
    let (fx, mut practice) = Fixture::new();
    add(&mut practice, "Odalys Thistlewood");
    drop(practice);
    let before = snapshot(fx.path());
    let err =
        Practice::open_with_passphrase(fx.path(), &Passphrase::new("lantern meadow copper thistles"), &Keychain::Off)
            .unwrap_err();
    assert_eq!(err.code(), ErrorCode::WrongPassphrase, "{err}");
    assert!(err.to_string().contains("nothing was changed"), "the message reassures: {err}");
    // The one write: a line noting the failed attempt (time and method), for the audit trail, and
    // its count in the audit anchor (so that deleting the note shows).
    let (mut before, mut after) = (before, snapshot(fx.path()));
    let noted =
        String::from_utf8(after.remove(arcwell::store::audit::FAILURES_FILE).expect("the attempt is noted")).unwrap();
    assert!(noted.ends_with(" passphrase\n") && noted.lines().count() == 1, "{noted:?}");
    let anchor = |files: &mut std::collections::BTreeMap<String, Vec<u8>>| {
        String::from_utf8(files.remove(arcwell::store::audit::HEAD_FILE).unwrap()).unwrap()
    };
    assert_eq!(anchor(&mut after), format!("{}pending-failures 1\n", anchor(&mut before)), "the anchor counts it");
    assert_eq!(after, before, "a failed unlock changes no other byte and creates no other file");
}

#[test]
fn a_wrong_key_is_refused_and_changes_nothing() {
    let (fx, practice) = Fixture::new();
    drop(practice);
    // The right passphrase for another practice's key file: the key does not fit this database.
    let other = tempfile::tempdir().unwrap();
    drop(Practice::init(other.path(), &profile(), &Passphrase::new(PASSPHRASE), &Keychain::Off, now()).unwrap());
    std::fs::copy(other.path().join("practice.key"), fx.path().join("practice.key")).unwrap();
    let before = snapshot(fx.path());
    let err = Practice::open_with_passphrase(fx.path(), &Passphrase::new(PASSPHRASE), &Keychain::Off).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotArcwellDatabase, "{err}");
    assert_unchanged(&before, fx.path(), "a wrong key writes nothing");
}

#[test]
fn a_foreign_file_is_never_overwritten_or_recreated() {
    // (what sits at practice.db, expected code)
    let plain_sqlite = {
        let d = tempfile::tempdir().unwrap();
        let c = Connection::open(d.path().join("x.db")).unwrap();
        c.execute_batch("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('someone else''s data');").unwrap();
        drop(c);
        std::fs::read(d.path().join("x.db")).unwrap()
    };
    let cases: [(&str, Vec<u8>); 3] = [
        ("plain SQLite database", plain_sqlite),
        ("random bytes", (0..8192u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect()),
        ("empty file", Vec::new()),
    ];
    for (what, bytes) in cases {
        let (fx, practice) = Fixture::new();
        drop(practice);
        std::fs::write(fx.path().join("practice.db"), &bytes).unwrap();
        // As a directory that never held an Arcwell practice would be: not even the lock file.
        std::fs::remove_file(fx.path().join(arcwell::store::LOCK_FILE)).unwrap();
        let before = snapshot(fx.path());
        let err = Practice::open_with_passphrase(fx.path(), &Passphrase::new(PASSPHRASE), &Keychain::Off).unwrap_err();
        assert_eq!(err.code(), ErrorCode::NotArcwellDatabase, "{what}: {err}");
        assert_unchanged(&before, fx.path(), &format!("{what} is left exactly as it was"));
        let init =
            Practice::init(fx.path(), &profile(), &Passphrase::new(PASSPHRASE), &Keychain::Off, now()).unwrap_err();
        assert_eq!(init.code(), ErrorCode::AlreadyInitialized, "{what}: init refuses to replace it");
        assert_unchanged(&before, fx.path(), &format!("{what} survives an init attempt"));
    }
}

#[test]
fn an_encrypted_database_with_another_application_id_is_refused() {
    let (fx, practice) = Fixture::new();
    drop(practice);
    raw_connection(fx.path()).execute_batch("PRAGMA application_id = 7;").unwrap();
    let before = snapshot(fx.path());
    let err = fx_open(&fx).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotArcwellDatabase, "{err}");
    assert_unchanged(&before, fx.path(), "refused");
}

fn fx_open(fx: &Fixture) -> Result<Practice, Error> {
    Practice::open_with_passphrase(fx.path(), &Passphrase::new(PASSPHRASE), &Keychain::Off)
}

#[test]
fn a_database_from_a_newer_arcwell_is_refused_untouched() {
    let (fx, practice) = Fixture::new();
    let latest = practice.schema_version().unwrap();
    drop(practice);
    raw_connection(fx.path()).execute_batch(&format!("PRAGMA user_version = {};", latest + 1)).unwrap();
    let before = snapshot(fx.path());
    let err = fx_open(&fx).unwrap_err();
    assert!(
        matches!(err, Error::NewerDatabase { found, supported } if found == latest + 1 && supported == latest),
        "{err}"
    );
    assert!(err.to_string().contains("Update Arcwell"), "the message says what to do: {err}");
    assert_unchanged(&before, fx.path(), "the newer file is not touched");
}

#[test]
fn init_builds_the_schema_from_nothing_with_every_pragma() {
    let (fx, practice) = Fixture::new();
    assert_eq!(practice.schema_version().unwrap(), arcwell::store::migrate::latest_version());
    assert!(practice.cipher_version().unwrap().starts_with('4'), "SQLCipher 4 is linked");
    drop(practice);
    let raw = raw_connection(fx.path());
    let app: i64 = raw.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    assert_eq!(app, arcwell::store::migrate::APPLICATION_ID);
    let mode: String = raw.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal", "WAL is persistent in the file");
    // A raw key means no PBKDF2: the file opens with the hex key alone, as checked above.
    let tables: i64 = raw
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('participant', 'arc', 'session')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 3);
}

#[test]
fn opening_a_missing_practice_says_how_to_create_one() {
    let dir = tempfile::tempdir().unwrap();
    let err = Practice::open(dir.path(), None, &Keychain::Off).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotInitialized);
    assert!(err.to_string().contains("there is no Arcwell practice in"), "{err}");
    assert_eq!(snapshot(dir.path()).len(), 0, "opening creates nothing");
}

#[test]
fn without_keychain_or_passphrase_the_practice_asks_for_the_passphrase() {
    let (fx, practice) = Fixture::new();
    drop(practice);
    let err = Practice::open(fx.path(), None, &Keychain::Off).unwrap_err();
    assert_eq!(err.code(), ErrorCode::PassphraseRequired);
    let p = Practice::open(fx.path(), Some(&Passphrase::new(PASSPHRASE)), &Keychain::Off).unwrap();
    assert_eq!(p.key_source(), arcwell::KeySource::Passphrase);
}

#[test]
fn a_damaged_key_file_is_reported_as_such() {
    let (fx, practice) = Fixture::new();
    drop(practice);
    let mut bytes = std::fs::read(fx.path().join("practice.key")).unwrap();
    bytes.truncate(bytes.len() - 10);
    std::fs::write(fx.path().join("practice.key"), bytes).unwrap();
    let err = fx_open(&fx).unwrap_err();
    assert!(matches!(err, Error::KeyFile { .. }), "a truncated key file is damaged, not a wrong passphrase: {err}");
    std::fs::remove_file(fx.path().join("practice.key")).unwrap();
    let err = fx_open(&fx).unwrap_err();
    assert!(matches!(err, Error::KeyFile { .. }), "{err}");
    assert!(err.to_string().contains("Restore it from a backup"), "{err}");
}

#[test]
fn huge_notes_are_refused_and_nothing_is_lost() {
    let (_fx, mut practice) = Fixture::new();
    let kept = add(&mut practice, "Odalys Thistlewood");
    let input =
        ParticipantInput { name: "Odalys Thistlewood".into(), notes: Some("x".repeat(200_001)), ..Default::default() };
    let err = practice.participants().edit(kept.id, &input, now()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert_eq!(practice.participants().get(kept.id).unwrap(), kept, "the refused edit changed nothing");
}

#[test]
fn kept_facts_that_drift_are_reported() {
    let (fx, mut practice) = Fixture::new();
    let p = add(&mut practice, "Odalys Thistlewood");
    let input = arcwell::domain::arc::OpenArc { participant_id: p.id, intention: None, plan_id: None };
    practice.open_arc(&input, now()).unwrap();
    assert_eq!(practice.integration().verify_derived().unwrap(), Vec::<String>::new());
    drop(practice);
    // Edit the caches behind the triggers' back, as a bug or a hand edit would.
    raw_connection(fx.path())
        .execute_batch(
            "UPDATE arc_facts SET open_milestones = 5; UPDATE arc_phase_count SET arcs = 9 WHERE phase = 'inquiry';",
        )
        .unwrap();
    let problems = fx.reopen().integration().verify_derived().unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("differ") && problems[1].contains("9 arcs counted, 1 in fact"), "{problems:?}");
}

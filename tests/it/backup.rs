//! Encrypted backups against real files: a round trip that gives back every table, the `age`
//! command-line tool decrypting what Arcwell wrote, every refusal leaving everything as it was,
//! replacing the open practice after a safety backup, and a backup from an older schema.

use std::path::{Path, PathBuf};
use std::process::Command;

use arcwell::backup::{self, Recipients, Unlock};
use arcwell::domain::participant::ParticipantInput;
use arcwell::key::Passphrase;
use arcwell::{ErrorCode, Keychain, Practice};

use crate::support::{Fixture, PASSPHRASE, now, snapshot};

const BACKUP_PASSPHRASE: &str = "harbour lantern seven gulls";

fn demo() -> (Fixture, Practice) {
    let (fx, mut p) = Fixture::new();
    arcwell::demo::seed(&mut p, now()).unwrap();
    (fx, p)
}

fn pass() -> Unlock {
    Unlock::Passphrase(Passphrase::new(BACKUP_PASSPHRASE))
}

fn to_pass() -> Recipients {
    Recipients::passphrase(Passphrase::new(BACKUP_PASSPHRASE)).unwrap()
}

fn make(p: &mut Practice, dir: &Path, to: &Recipients) -> PathBuf {
    let dest = dir.join(backup::file_name(backup::Made::ByHand, "0123456789abcdef0123456789abcdef", now()));
    let mut last = (0, 0);
    let info = p.backups().write_to(&dest, to, now(), &mut |d, t| last = (d, t)).unwrap();
    assert_eq!(last.0, last.1, "progress reaches the total");
    assert_eq!(last.1, info.manifest.database.bytes);
    assert_eq!(std::fs::metadata(&dest).unwrap().len(), info.file_bytes);
    dest
}

/// Every table's digest but `backup_run` and `audit_entry`: a backup's own record and its audit
/// entry are written after its snapshot, and a restore records itself (`audit.rs` checks the trail).
fn content(p: &mut Practice) -> std::collections::BTreeMap<String, (u64, String)> {
    let mut d = p.backups().content_digest().unwrap();
    d.remove("backup_run");
    d.remove("audit_entry");
    d
}

/// Restores into a new practice in `dir` with a new recovery passphrase.
fn restore_new(dir: &Path, file: &Path, unlock: &Unlock) -> arcwell::Result<(arcwell::backup::Manifest, Practice)> {
    arcwell::practice::restore_into(
        dir,
        file,
        unlock,
        &Passphrase::new("a new recovery passphrase"),
        &Keychain::Off,
        &mut |_, _| {},
    )
}

/// A backup written by hand from the documented format: a tar of the manifest and the image, to a key.
fn seal(manifest: &serde_json::Value, image: &[u8], to: &age::x25519::Recipient) -> Vec<u8> {
    let json = serde_json::to_vec(manifest).unwrap();
    let mut tar = tar::Builder::new(Vec::new());
    for (name, data) in [("manifest.json", json.as_slice()), ("practice.sqlite", image)] {
        let mut h = tar::Header::new_ustar();
        h.set_path(name).unwrap();
        h.set_size(data.len() as u64);
        h.set_mode(0o600);
        h.set_cksum();
        tar.append(&h, data).unwrap();
    }
    age::encrypt(to, &tar.into_inner().unwrap()).unwrap()
}

fn code<T: std::fmt::Debug>(r: arcwell::Result<T>) -> (ErrorCode, String) {
    let e = r.unwrap_err();
    (e.code(), e.to_string())
}

#[test]
fn a_backup_restores_into_a_new_practice_with_every_table_identical() {
    let (_fx, mut p) = demo();
    let out = tempfile::tempdir().unwrap();
    let file = make(&mut p, out.path(), &to_pass());
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"), "an age file");
    for name in ["Wren", "Ocean", "integration"] {
        assert!(!bytes.windows(name.len()).any(|w| w == name.as_bytes()), "no plaintext {name:?} in the file");
    }
    let leftovers: Vec<_> = std::fs::read_dir(out.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no partial file is left beside it: {leftovers:?}");

    let manifest = backup::verify(&file, &pass(), &mut |_, _| {}).unwrap();
    assert_eq!(manifest.tables["participant"], 42);

    let target = tempfile::tempdir().unwrap();
    let dir = target.path().join("restored");
    let (m, mut restored) = restore_new(&dir, &file, &pass()).unwrap();
    assert_eq!(m, manifest);
    assert_eq!(content(&mut restored), content(&mut p), "every table, row for row");
    assert_eq!(restored.integration().verify_derived().unwrap(), Vec::<String>::new());
    drop(restored);
    // The restored practice has its own key, under the new recovery passphrase.
    let mut again =
        Practice::open_with_passphrase(&dir, &Passphrase::new("a new recovery passphrase"), &Keychain::Off).unwrap();
    assert_eq!(again.participants().list().unwrap().len(), 42);
    assert_eq!(
        Practice::open_with_passphrase(&dir, &Passphrase::new(PASSPHRASE), &Keychain::Off).unwrap_err().code(),
        ErrorCode::WrongPassphrase,
        "the old practice's passphrase does not open the restored one"
    );
}

fn age_cli() -> bool {
    Command::new("age").arg("--version").output().is_ok_and(|o| o.status.success())
}

#[test]
fn the_age_command_line_tool_decrypts_backups_to_a_key_and_to_a_passphrase() {
    assert!(age_cli(), "the `age` command-line tool is needed (Debian package age; scripts/setup.sh installs it)");
    let (_fx, mut p) = demo();
    let out = tempfile::tempdir().unwrap();
    let key = out.path().join("key.txt");
    let made = Command::new("age-keygen").arg("-o").arg(&key).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let public = String::from_utf8_lossy(&made.stderr)
        .lines()
        .find_map(|l| l.strip_prefix("Public key: ").map(str::to_owned))
        .unwrap();
    let file = make(&mut p, out.path(), &Recipients::keys([public.as_str()]).unwrap());

    let tar = out.path().join("backup.tar");
    let dec = Command::new("age").arg("-d").arg("-i").arg(&key).arg("-o").arg(&tar).arg(&file).output().unwrap();
    assert!(dec.status.success(), "age -d: {}", String::from_utf8_lossy(&dec.stderr));
    let listed = Command::new("tar").arg("-tf").arg(&tar).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&listed.stdout), "manifest.json\npractice.sqlite\n");
    let x = Command::new("tar").arg("-xf").arg(&tar).arg("-C").arg(out.path()).output().unwrap();
    assert!(x.status.success());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("manifest.json")).unwrap()).unwrap();
    let image = std::fs::read(out.path().join("practice.sqlite")).unwrap();
    assert_eq!(manifest["database"]["sha256"], arcwell::backup::archive::sha256_hex(&image));
    let plain = rusqlite::Connection::open(out.path().join("practice.sqlite")).unwrap();
    let n: i64 = plain.query_row("SELECT count(*) FROM participant", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 42, "any SQLite opens the image");
    let ok: String = plain.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    // The practice's pages as SQLCipher decrypted them, keeping its layout (80 reserved bytes a
    // page) but nothing of the encrypted file: where each page's IV and HMAC were, zeros. The
    // header says rollback journal, not WAL: the image has no WAL beside it.
    let page = usize::from(u16::from_be_bytes([image[16], image[17]]));
    assert_eq!((page, image[20], image[18], image[19]), (4096, 80, 1, 1));
    assert!(image.chunks_exact(page).all(|p| p[page - 80..].iter().all(|b| *b == 0)));

    // With the passphrase: age reads it from a terminal only, so give it one (util-linux `script`).
    let file = out.path().join("with-passphrase.arcwell-backup");
    p.backups().write_to(&file, &to_pass(), now(), &mut |_, _| {}).unwrap();
    let tar2 = out.path().join("second.tar");
    let cmd = format!("age -d -o '{}' '{}'", tar2.display(), file.display());
    let mut child = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(format!("{BACKUP_PASSPHRASE}\n").as_bytes()).unwrap();
    let done = child.wait_with_output().unwrap();
    assert!(done.status.success(), "age -d with the passphrase: {}", String::from_utf8_lossy(&done.stdout));
    let listed = Command::new("tar").arg("-tf").arg(&tar2).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&listed.stdout), "manifest.json\npractice.sqlite\n");
}

/// The database image inside a backup made to `id`'s public key.
fn image_of(file: &Path, id: &age::x25519::Identity) -> Vec<u8> {
    use std::io::Read;
    let decryptor = age::Decryptor::new_buffered(std::io::BufReader::new(std::fs::File::open(file).unwrap())).unwrap();
    let reader = decryptor.decrypt(std::iter::once(id as &dyn age::Identity)).unwrap();
    let mut tar = tar::Archive::new(reader);
    let mut member = tar.entries().unwrap().nth(1).unwrap().unwrap();
    let mut image = Vec::new();
    member.read_to_end(&mut image).unwrap();
    image
}

#[test]
fn what_was_overwritten_or_deleted_before_a_backup_is_not_in_it() {
    let (_fx, mut p) = demo();
    let id = age::x25519::Identity::generate();
    let to = Recipients::keys([id.to_public().to_string().as_str()]).unwrap();
    let out = tempfile::tempdir().unwrap();
    let secret = "Wrenfield-Quartz-7781";
    let input = |name: &str, notes: &str| ParticipantInput {
        name: name.into(),
        notes: Some(notes.into()),
        ..Default::default()
    };
    // The name comes first in its row: a shorter row written where it was leaves its start.
    let short = p.participants().add(&input(&format!("Ysolde {secret}"), "Prefers mornings"), now()).unwrap();
    let long_note = format!("{secret} {}", "long words ".repeat(900));
    let long = p.participants().add(&input("Ysolde Brackenridge", &long_note), now()).unwrap();
    let before = make(&mut p, out.path(), &to);
    let found = |image: &[u8]| image.windows(secret.len()).filter(|w| *w == secret.as_bytes()).count();
    assert!(found(&image_of(&before, &id)) >= 4, "the test's text is where a backup holds it");

    // Both overwritten with shorter text: the first row shrinks within its page, the long note's
    // overflow pages (its row's, and its search entry's) become free pages.
    p.participants().edit(short.id, &input("Ysolde Ash", "Prefers mornings"), now()).unwrap();
    p.participants().edit(long.id, &input("Ysolde Brackenridge", "Prefers evenings"), now()).unwrap();
    let after = out.path().join("after.arcwell-backup");
    p.backups().write_to(&after, &to, now(), &mut |_, _| {}).unwrap();
    let image = image_of(&after, &id);
    assert_eq!(found(&image), 0, "no trace of the old text");
    let mut plain = rusqlite::Connection::open_in_memory().unwrap();
    plain.deserialize_read_exact("main", &image[..], image.len(), true).unwrap();
    let free: i64 = plain.query_row("PRAGMA freelist_count", [], |r| r.get(0)).unwrap();
    assert!(free > 0, "the long note's pages are free pages in the image");
    let ok: String = plain.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok", "with its free pages zeroed the image is sound");
}

#[test]
fn a_practice_with_a_damaged_page_is_not_backed_up_and_today_says_so() {
    let (fx, mut p) = demo();
    let out = tempfile::tempdir().unwrap();
    make(&mut p, out.path(), &to_pass());
    drop(p);
    // A byte flipped on disk in a page of the search index's data: a page that opening the
    // practice, listing participants and recording a backup's outcome never read.
    let damaged = {
        let raw = crate::support::raw_connection(fx.path());
        raw.query_row("SELECT max(pageno) FROM dbstat WHERE name = 'search_fts_data'", [], |r| r.get::<_, i64>(0))
            .unwrap() as usize
    };
    let db = fx.path().join("practice.db");
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[(damaged - 1) * 4096 + 1000] ^= 0x10;
    std::fs::write(&db, &bytes).unwrap();
    let mut p = fx.reopen();

    let folder = tempfile::tempdir().unwrap();
    let dest = folder.path().join("after.arcwell-backup");
    let (code, message) = code(p.backups().write_to(&dest, &to_pass(), now(), &mut |_, _| {}));
    assert_eq!(code, ErrorCode::FileDamaged);
    assert!(
        message.contains(&format!("page {damaged} fails its authentication check"))
            && message.contains("repair the practice file"),
        "{message}"
    );
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 0, "no backup and no partial file");

    // The practice goes on working, and an automatic run records why it wrote nothing: Today says.
    assert_eq!(p.participants().list().unwrap().len(), 42);
    let input = backup::auto::AutoBackupInput {
        enabled: true,
        folder: Some(folder.path().display().to_string()),
        passphrase: Some(BACKUP_PASSPHRASE.into()),
        ..Default::default()
    };
    p.backups().save_auto_settings(&input, now()).unwrap();
    let settings = p.security().settings().unwrap();
    p.security().update_settings(&settings).unwrap(); // a change since the last backup
    let later = now() + chrono::Duration::hours(25);
    let outcome = p.backups().run_automatic(later).unwrap();
    assert!(matches!(outcome, backup::auto::AutoOutcome::Failed { .. }), "{outcome:?}");
    let health = p.backups().health(later).unwrap();
    let failure = health.last_failure.unwrap_or_default();
    assert!(health.stale && failure.contains(&format!("page {damaged} fails")), "{failure}");
    assert_eq!(health.damaged_page, Some(damaged as u64), "Today can send the facilitator to a repair");
    assert_eq!(p.integration().dashboard(later).unwrap().backup.damaged_page, Some(damaged as u64));
}

#[test]
fn wrong_passphrases_changed_cut_and_foreign_files_are_refused_and_nothing_changes() {
    let (fx, mut p) = demo();
    let out = tempfile::tempdir().unwrap();
    let file = make(&mut p, out.path(), &to_pass());
    let good = std::fs::read(&file).unwrap();
    let variant = |name: &str, bytes: &[u8]| {
        let f = out.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        f
    };
    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x01;
    let mut header_flipped = good.clone();
    header_flipped[40] ^= 0x01;
    let cases: Vec<(&str, PathBuf, Unlock, &str)> = vec![
        (
            "wrong passphrase",
            file.clone(),
            Unlock::Passphrase(Passphrase::new("not the passphrase at all")),
            "does not open this backup",
        ),
        (
            "a key for a passphrase backup",
            file.clone(),
            Unlock::identity_file(age::secrecy::ExposeSecret::expose_secret(
                &age::x25519::Identity::generate().to_string(),
            ))
            .unwrap(),
            "encrypted to a backup passphrase",
        ),
        ("truncated", variant("cut.arcwell-backup", &good[..good.len() - 1000]), pass(), "cut short"),
        (
            "truncated to the header",
            variant("head.arcwell-backup", &good[..200]),
            pass(),
            "not a usable Arcwell backup",
        ),
        ("a flipped byte", variant("flipped.arcwell-backup", &flipped), pass(), "changed or cut short"),
        // A changed header byte reads as a wrong passphrase (inside the salt) or an unreadable header
        // (elsewhere): either way nothing opens and nothing changes. (The expected words are lower case.)
        ("a flipped header byte", variant("header.arcwell-backup", &header_flipped), pass(), "nothing was changed"),
        ("not a backup", variant("random.arcwell-backup", &[7u8; 4096]), pass(), "not an age-encrypted file"),
        ("an empty file", variant("empty.arcwell-backup", b""), pass(), "not a usable Arcwell backup"),
        ("a missing file", out.path().join("nothing-here.arcwell-backup"), pass(), "cannot read the backup"),
    ];
    let target = tempfile::tempdir().unwrap();
    drop(p);
    let mut p = fx.reopen();
    // Opening records the unlock; from here on nothing may change, the audit trail included.
    let before = (p.backups().content_digest().unwrap(), snapshot(fx.path()).into_keys().collect::<Vec<_>>());
    for (what, f, unlock, says) in cases {
        let (_, m) = code(backup::verify(&f, &unlock, &mut |_, _| {}));
        assert!(m.to_lowercase().contains(&says.to_lowercase()), "{what}: {m}");
        let dir = target.path().join("new");
        let (_, m) = code(restore_new(&dir, &f, &unlock));
        assert!(m.to_lowercase().contains(&says.to_lowercase()), "{what} (restore): {m}");
        assert!(!dir.exists(), "{what}: no new practice is left behind");
        let safety = out.path().join(format!("safety-{}.arcwell-backup", what.replace(' ', "-")));
        let (_, m) = code(p.restore_replacing(
            &f,
            &unlock,
            &safety,
            &to_pass(),
            Some(&Passphrase::new(PASSPHRASE)),
            &Keychain::Off,
            now(),
            &mut |_, _| {},
        ));
        assert!(m.to_lowercase().contains(&says.to_lowercase()), "{what} (replace): {m}");
        assert!(!safety.exists(), "{what}: refused before anything was written");
    }
    let after = (p.backups().content_digest().unwrap(), snapshot(fx.path()).into_keys().collect::<Vec<_>>());
    assert_eq!(after, before, "after every refused restore: every table, and the set of files");
}

#[test]
fn replacing_the_practice_keeps_a_safety_backup_and_gives_back_the_backed_up_state() {
    let (fx, mut p) = demo();
    let out = tempfile::tempdir().unwrap();
    let file = make(&mut p, out.path(), &to_pass());
    let backed_up = content(&mut p);
    p.participants().add(&ParticipantInput { name: "Ottilie Marchbank".into(), ..Default::default() }, now()).unwrap();
    let changed = content(&mut p);
    assert_ne!(changed, backed_up);

    let safety = out.path().join("safety.arcwell-backup");
    let (_, info) = p
        .restore_replacing(
            &file,
            &pass(),
            &safety,
            &to_pass(),
            Some(&Passphrase::new(PASSPHRASE)),
            &Keychain::Off,
            now(),
            &mut |_, _| {},
        )
        .unwrap();
    assert_eq!(content(&mut p), backed_up, "the practice is what was backed up");
    assert_eq!(info.manifest.tables["participant"], 43, "the safety backup holds the practice as it was before");
    let leftovers: Vec<String> =
        std::fs::read_dir(fx.path()).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    assert!(!leftovers.iter().any(|n| n.contains("restoring")), "no staging file is left: {leftovers:?}");
    drop(p);
    let mut reopened = fx.reopen();
    assert_eq!(content(&mut reopened), backed_up, "and so it opens again, with the same key and passphrase");

    // The safety backup brings the change back.
    let dir = out.path().join("from-safety");
    let (_, mut from_safety) = restore_new(&dir, &safety, &pass()).unwrap();
    assert_eq!(content(&mut from_safety), changed);
}

/// A backup written by hand from the documented format (docs/backup-format.md), of a practice at
/// schema version 5 — what an older Arcwell wrote: it restores and is migrated.
#[test]
fn a_backup_from_an_older_schema_written_from_the_documented_format_restores_and_is_migrated() {
    let mut image_conn = rusqlite::Connection::open_in_memory().unwrap();
    for sql in [
        include_str!("../../schema/0001_practice.sql"),
        include_str!("../../schema/0002_integration.sql"),
        include_str!("../../schema/0003_reminders.sql"),
        include_str!("../../schema/0004_documents.sql"),
        include_str!("../../schema/0005_search.sql"),
    ] {
        image_conn.execute_batch(sql).unwrap();
    }
    image_conn
        .execute_batch(
            "PRAGMA application_id = 1095910231; PRAGMA user_version = 5;
             INSERT INTO profile (id, name, timezone, checkin_time, created_at, updated_at)
               VALUES (1, 'Rowan Hale', 'Europe/Berlin', '10:00', '2025-06-01T09:00:00.000Z', '2025-06-01T09:00:00.000Z');
             INSERT INTO participant (id, name, created_at, updated_at)
               VALUES ('6f1c0e1e-8a4e-4a3e-9b7e-2f9d2b0c1a11', 'Linnea Galloway', '2025-06-01T09:00:00.000Z', '2025-06-01T09:00:00.000Z');",
        )
        .unwrap();
    let image = image_conn.serialize("main").unwrap().to_vec();
    let tables = row_counts(&image);
    let manifest = serde_json::json!({
        "format": "arcwell-backup", "format_version": 1, "arcwell_version": "0.0.9", "schema_version": 5,
        "created_at": "2025-06-01T09:30:00Z",
        "database": { "bytes": image.len(), "sha256": arcwell::backup::archive::sha256_hex(&image) },
        "tables": tables,
    });
    let id = age::x25519::Identity::generate();
    let sealed = seal(&manifest, &image, &id.to_public());
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("old.arcwell-backup");
    std::fs::write(&file, sealed).unwrap();

    let unlock = Unlock::identity_file(age::secrecy::ExposeSecret::expose_secret(&id.to_string())).unwrap();
    let m = backup::verify(&file, &unlock, &mut |_, _| {}).unwrap();
    assert_eq!((m.schema_version, m.arcwell_version.as_str()), (5, "0.0.9"));
    let dir = out.path().join("restored");
    let (_, mut p) = restore_new(&dir, &file, &unlock).unwrap();
    assert_eq!(
        p.schema_version().unwrap(),
        arcwell::store::migrate::latest_version(),
        "migrated to this Arcwell's schema"
    );
    assert_eq!(p.participants().list().unwrap()[0].name, "Linnea Galloway");
    assert!(
        p.templates().list().unwrap().iter().any(|t| t.family == "arcwell.screening"),
        "the shipped templates are installed"
    );

    // The same image claiming a newer schema than this Arcwell knows is refused, naming both.
    let mut newer = manifest.clone();
    newer["schema_version"] = 99.into();
    image_conn.execute_batch("PRAGMA user_version = 99").unwrap();
    let image = image_conn.serialize("main").unwrap().to_vec();
    newer["database"] =
        serde_json::json!({ "bytes": image.len(), "sha256": arcwell::backup::archive::sha256_hex(&image) });
    std::fs::write(&file, seal(&newer, &image, &id.to_public())).unwrap();
    let (c, msg) = code(backup::verify(&file, &unlock, &mut |_, _| {}));
    assert_eq!(c, ErrorCode::NewerDatabase, "{msg}");
}

#[test]
fn automatic_backups_run_when_due_and_changed_keep_the_last_n_and_go_stale_when_they_cannot() {
    use arcwell::backup::auto::{AutoBackupInput, AutoOutcome};
    use chrono::Duration;
    let (_fx, mut p) = Fixture::new();
    let folder = tempfile::tempdir().unwrap();
    let f = folder.path().to_str().unwrap().to_owned();
    assert_eq!(p.backups().run_automatic(now()).unwrap(), AutoOutcome::Off);
    assert!(p.backups().health(now()).unwrap().stale, "never backed up: stale");

    let on = |folder: Option<&str>, passphrase: Option<&str>, recipients: Vec<String>| AutoBackupInput {
        enabled: true,
        folder: folder.map(str::to_owned),
        keep: Some(3),
        every_hours: Some(24),
        passphrase: passphrase.map(str::to_owned),
        recipients,
    };
    for (what, input, says) in [
        ("no folder", on(None, Some(BACKUP_PASSPHRASE), vec![]), "choose the folder"),
        ("a relative folder", on(Some("backups"), Some(BACKUP_PASSPHRASE), vec![]), "full path"),
        ("no secret", on(Some(&f), None, vec![]), "passphrase or age public keys"),
        (
            "both",
            on(Some(&f), Some(BACKUP_PASSPHRASE), vec![age::x25519::Identity::generate().to_public().to_string()]),
            "not both",
        ),
        ("a bad key", on(Some(&f), None, vec!["age1nope".into()]), "not an age public key"),
    ] {
        let (c, m) = code(p.backups().save_auto_settings(&input, now()));
        assert!(c == ErrorCode::InvalidInput && m.contains(says), "{what}: {m}");
    }
    let settings = p.backups().save_auto_settings(&on(Some(&f), Some(BACKUP_PASSPHRASE), vec![]), now()).unwrap();
    assert!(settings.enabled && settings.has_passphrase && settings.recipients.is_empty());

    // Files that are not automatic backups are never rotated away.
    std::fs::write(folder.path().join("notes.txt"), "mine").unwrap();
    let mine = folder.path().join("mine.arcwell-backup");
    p.backups().write_to(&mine, &to_pass(), now(), &mut |_, _| {}).unwrap();

    let mut t = now() + Duration::hours(1);
    let mut written = Vec::new();
    for round in 0..5 {
        p.participants()
            .add(&ParticipantInput { name: format!("Round {round} Ashdown"), ..Default::default() }, t)
            .unwrap();
        t += Duration::hours(25);
        match p.backups().run_automatic(t).unwrap() {
            AutoOutcome::Written { info, removed } => {
                assert_eq!(removed.len(), usize::from(round >= 3), "round {round}: {removed:?}");
                written.push(info.path);
            }
            other => panic!("round {round}: {other:?}"),
        }
        assert!(matches!(p.backups().run_automatic(t + Duration::hours(1)).unwrap(), AutoOutcome::NotDue { .. }));
    }
    assert_eq!(
        p.backups().run_automatic(t + Duration::hours(30)).unwrap(),
        AutoOutcome::Unchanged,
        "nothing changed since"
    );
    let mut names: Vec<String> = std::fs::read_dir(folder.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let automatic: Vec<&String> = names.iter().filter(|n| n.starts_with("arcwell-auto-")).collect();
    assert_eq!(automatic.len(), 3, "the last three are kept: {names:?}");
    assert!(names.contains(&"notes.txt".to_owned()) && names.contains(&"mine.arcwell-backup".to_owned()));
    assert!(written[2..].iter().all(|w| Path::new(w).exists()) && !Path::new(&written[0]).exists());
    let m = backup::verify(Path::new(&written[4]), &pass(), &mut |_, _| {}).unwrap();
    assert_eq!(m.tables["participant"], 5, "the newest holds every round");

    let health = p.backups().health(t + Duration::days(2)).unwrap();
    assert!(!health.stale && health.automatic && health.last_good_path.as_deref() == Some(written[4].as_str()));
    assert!(p.backups().health(t + Duration::days(8)).unwrap().stale, "a week without a good backup is stale");

    // The drive is unplugged: the run is recorded as failed, and the health says why.
    p.participants().add(&ParticipantInput { name: "Unplugged Fenwick".into(), ..Default::default() }, t).unwrap();
    drop(folder);
    match p.backups().run_automatic(t + Duration::days(2)).unwrap() {
        AutoOutcome::Failed { reason } => assert!(reason.contains("is not there"), "{reason}"),
        other => panic!("{other:?}"),
    }
    let health = p.backups().health(t + Duration::days(2)).unwrap();
    assert!(health.stale, "an unreachable folder makes backups stale at once");
    assert!(health.last_failure.unwrap().contains("plugged in"));
    // A failed run is not retried at once (a scheduler woken by every change would retry each time)…
    let failed_at = t + Duration::days(2);
    assert_eq!(
        p.backups().run_automatic(failed_at + Duration::minutes(59)).unwrap(),
        AutoOutcome::NotDue { next: failed_at + Duration::hours(1) },
        "retried an hour after the failure"
    );
    // …but an hour later, and then it succeeds once the drive is back.
    std::fs::create_dir_all(&f).unwrap();
    assert!(matches!(p.backups().run_automatic(failed_at + Duration::hours(1)).unwrap(), AutoOutcome::Written { .. }));
    assert!(!p.backups().health(failed_at + Duration::hours(1)).unwrap().stale, "a good run clears the failure");
}

#[test]
fn back_up_now_writes_into_the_chosen_folder_even_when_automatic_backups_are_off() {
    use arcwell::backup::auto::{AutoBackupInput, AutoOutcome};
    let (_fx, mut p) = Fixture::new();
    let (c, m) = code(p.backups().backup_now(now()));
    assert!(c == ErrorCode::InvalidInput && m.contains("choose the backup folder"), "{m}");
    let folder = tempfile::tempdir().unwrap();
    let input = AutoBackupInput {
        enabled: false,
        folder: Some(folder.path().to_str().unwrap().into()),
        passphrase: Some(BACKUP_PASSPHRASE.into()),
        ..Default::default()
    };
    p.backups().save_auto_settings(&input, now()).unwrap();
    assert_eq!(p.backups().run_automatic(now()).unwrap(), AutoOutcome::Off);
    let AutoOutcome::Written { info, .. } = p.backups().backup_now(now()).unwrap() else { panic!("not written") };
    assert!(Path::new(&info.path).starts_with(folder.path()));
    backup::verify(Path::new(&info.path), &pass(), &mut |_, _| {}).unwrap();
    let health = p.backups().health(now()).unwrap();
    assert!(!health.stale && health.last_good_path.as_deref() == Some(info.path.as_str()));
}

/// The image and manifest of a crafted backup: a real practice's schema (all migrations) with the
/// version and extra SQL given, as someone holding the facilitator's age public key could make.
/// The rows of each table of an image, as a manifest lists them: counted by a fresh reader of the
/// image (a schema edited by hand is read as written); none when its schema does not load.
fn row_counts(image: &[u8]) -> serde_json::Map<String, serde_json::Value> {
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.deserialize_read_exact("main", image, image.len(), true).unwrap();
    let names: Vec<String> = match conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%'",
    ) {
        Ok(mut stmt) => stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().map(Result::unwrap).collect(),
        Err(_) => Vec::new(),
    };
    let mut tables = serde_json::Map::new();
    for name in names {
        let n: i64 = conn.query_row(&format!("SELECT count(*) FROM \"{name}\""), [], |r| r.get(0)).unwrap();
        tables.insert(name, n.into());
    }
    tables
}

fn crafted(version: i64, extra: &str, to: &age::x25519::Recipient) -> Vec<u8> {
    let mut image_conn = rusqlite::Connection::open_in_memory().unwrap();
    for sql in arcwell::store::migrate::MIGRATION_SQL {
        image_conn.execute_batch(sql).unwrap();
    }
    image_conn.execute_batch(extra).unwrap();
    image_conn.execute_batch(&format!("PRAGMA application_id = 1095910231; PRAGMA user_version = {version};")).unwrap();
    let image = image_conn.serialize("main").unwrap().to_vec();
    let tables = row_counts(&image);
    let manifest = serde_json::json!({
        "format": "arcwell-backup", "format_version": 1, "arcwell_version": "6.6.6", "schema_version": version,
        "created_at": "2026-12-01T09:30:00Z",
        "database": { "bytes": image.len(), "sha256": arcwell::backup::archive::sha256_hex(&image) },
        "tables": tables,
    });
    seal(&manifest, &image, to)
}

/// Issue 23.3: a backup whose image says schema version 0 or below used to pass every check and
/// make the migration panic at every later open; one whose tables are not its version's would be
/// migrated as if they were; one whose index misses a row of its table, or with a row whose parent
/// is missing, would be restored with it.
/// Each is refused at verify, at a restore into a new practice and at a
/// restore over this one, saying what is wrong, and leaves nothing behind.
#[test]
fn a_crafted_backup_with_a_bad_schema_version_or_foreign_tables_is_refused_everywhere() {
    let (fx, mut p) = Fixture::new();
    let out = tempfile::tempdir().unwrap();
    let id = age::x25519::Identity::generate();
    let unlock = Unlock::identity_file(age::secrecy::ExposeSecret::expose_secret(&id.to_string())).unwrap();
    let latest = arcwell::store::migrate::latest_version();
    let cases = [
        ("version 0", crafted(0, "", &id.to_public()), "schema version 0"),
        ("version -1", crafted(-1, "", &id.to_public()), "schema version -1"),
        (
            "a table no migration makes",
            crafted(latest, "CREATE TABLE intruder (payload TEXT);", &id.to_public()),
            "tables, indexes and triggers",
        ),
        (
            "a trigger dropped",
            crafted(latest, "DROP TRIGGER audit_entry_is_append_only_update;", &id.to_public()),
            "tables, indexes and triggers",
        ),
        ("an older version's number on today's tables", crafted(5, "", &id.to_public()), "schema version 5"),
        // Every other check passes: only SQLite's integrity check sees that the index of all
        // notifications and the index of the unread ones are swapped (the read one is missing
        // from the first). A restore into a new practice runs that check beside its writing, and
        // must still refuse.
        (
            "an index that does not match its table",
            crafted(
                latest,
                "INSERT INTO notification (id, created_at, title, body, read_at)
                     VALUES ('n1', '2026-12-01T09:00:00.000Z', 'read', 'b', '2026-12-01T10:00:00.000Z');
                 CREATE TEMP TABLE root AS SELECT name, rootpage FROM sqlite_schema
                     WHERE name IN ('notification_by_time', 'notification_unread');
                 PRAGMA writable_schema = ON;
                 UPDATE sqlite_schema SET rootpage = (SELECT rootpage FROM root WHERE root.name <> sqlite_schema.name)
                     WHERE name IN ('notification_by_time', 'notification_unread');
                 PRAGMA writable_schema = OFF;",
                &id.to_public(),
            ),
            "integrity check",
        ),
        (
            "a tag of a participant who is not there",
            crafted(
                latest,
                "PRAGMA foreign_keys = OFF;
                 INSERT INTO participant_tag (participant_id, tag) VALUES ('00000000-0000-4000-8000-000000000001', 'x');",
                &id.to_public(),
            ),
            "participant_tag whose participant is missing",
        ),
        (
            "two indexes on one page",
            crafted(
                latest,
                "PRAGMA writable_schema = ON;
                 UPDATE sqlite_schema SET rootpage = (SELECT rootpage FROM sqlite_schema WHERE name = 'notification_unread')
                     WHERE name = 'notification_by_time';
                 PRAGMA writable_schema = OFF;",
                &id.to_public(),
            ),
            "schema cannot be read",
        ),
    ];
    drop(p);
    p = fx.reopen();
    let before = (p.backups().content_digest().unwrap(), snapshot(fx.path()).into_keys().collect::<Vec<_>>());
    for (what, bytes, says) in cases {
        let file = out.path().join("crafted.arcwell-backup");
        std::fs::write(&file, bytes).unwrap();
        let (c, m) = code(backup::verify(&file, &unlock, &mut |_, _| {}));
        assert!(c == ErrorCode::InvalidInput && m.contains(says), "{what}: {c:?} {m}");
        let dir = out.path().join("new");
        let (_, m) = code(restore_new(&dir, &file, &unlock));
        assert!(m.contains(says), "{what} (restore): {m}");
        assert!(!dir.exists(), "{what}: no new practice is left behind");
        let safety = out.path().join("safety.arcwell-backup");
        let (_, m) = code(p.restore_replacing(
            &file,
            &unlock,
            &safety,
            &to_pass(),
            Some(&Passphrase::new(PASSPHRASE)),
            &Keychain::Off,
            now(),
            &mut |_, _| {},
        ));
        assert!(m.contains(says), "{what} (replace): {m}");
        assert!(!safety.exists(), "{what}: refused before anything was written");
    }
    let after = (p.backups().content_digest().unwrap(), snapshot(fx.path()).into_keys().collect::<Vec<_>>());
    assert_eq!(after, before, "after every refused restore: every table, and the set of files");
}

/// Issue 23.2: automatic backups carry the practice's id in their names, and rotation deletes only
/// this practice's oldest automatic ones: never a backup made by hand, another practice's
/// backups in the same folder, or other files, even ones named as Arcwell named backups before.
#[test]
fn rotation_deletes_only_this_practices_own_oldest_automatic_backups() {
    use arcwell::backup::auto::{AutoBackupInput, AutoOutcome};
    use chrono::Duration;
    let folder = tempfile::tempdir().unwrap();
    let f = folder.path().to_str().unwrap().to_owned();
    let key = age::x25519::Identity::generate().to_public().to_string();
    let settings = AutoBackupInput {
        enabled: true,
        folder: Some(f.clone()),
        keep: Some(3),
        every_hours: Some(1),
        recipients: vec![key.clone()],
        ..Default::default()
    };
    let (fx, mut p) = Fixture::new();
    let (_other_fx, mut other) = Fixture::new();
    p.backups().save_auto_settings(&settings, now()).unwrap();
    other.backups().save_auto_settings(&AutoBackupInput { keep: Some(10), ..settings.clone() }, now()).unwrap();
    let (mine, theirs) = (p.backups().practice_id().unwrap(), other.backups().practice_id().unwrap());
    assert_ne!(mine, theirs, "every practice has its own id");
    assert!(mine.len() == 32 && mine.chars().all(|c| c.is_ascii_hexdigit()), "{mine}");

    // Another practice's automatic backups, older than all of this one's.
    let mut t = now();
    for i in 0..4 {
        other
            .participants()
            .add(&ParticipantInput { name: format!("Other {i} Quill"), ..Default::default() }, t)
            .unwrap();
        t += Duration::hours(2);
        assert!(matches!(other.backups().run_automatic(t).unwrap(), AutoOutcome::Written { .. }));
    }
    // Backups made by hand: the CLI's `backup create --folder` and the app's Back up now.
    drop(p);
    let cli = Command::new(env!("CARGO_BIN_EXE_arcwell"))
        .arg("--data-dir")
        .arg(fx.path())
        .args(["backup", "create", "--folder", &f, "--recipient", &key])
        .env("ARCWELL_KEYCHAIN", "off")
        .env("ARCWELL_PASSPHRASE", PASSPHRASE)
        .output()
        .unwrap();
    assert!(cli.status.success(), "{}", String::from_utf8_lossy(&cli.stderr));
    let mut p = fx.reopen();
    let by_hand = p.backups().backup_now(t).unwrap();
    assert!(matches!(by_hand, AutoOutcome::Written { ref removed, .. } if removed.is_empty()));
    // Foreign files, two of them named as automatic backups were named before (never by this
    // practice), and a folder named like a backup.
    let foreign = [
        "notes.txt",
        "practice-2020-01-01T000000Z.arcwell-backup",
        "practice-2021-06-01T120000Z.arcwell-backup",
        "arcwell-auto-zzzz-2020-01-01T000000Z.arcwell-backup",
    ];
    for name in foreign {
        std::fs::write(folder.path().join(name), "not mine").unwrap();
    }
    std::fs::create_dir(folder.path().join(format!("arcwell-auto-{}-2019-01-01T000000Z.arcwell-backup", &mine[..12])))
        .unwrap();
    let listing = |dir: &Path| -> std::collections::BTreeSet<String> {
        std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect()
    };
    let others_before = listing(folder.path());

    let mut written: Vec<String> = Vec::new();
    for round in 0..20 {
        p.participants()
            .add(&ParticipantInput { name: format!("Round {round} Ashdown"), ..Default::default() }, t)
            .unwrap();
        t += Duration::hours(2);
        match p.backups().run_automatic(t).unwrap() {
            AutoOutcome::Written { info, removed } => {
                let expected: Vec<String> = if round >= 3 { vec![written[round - 3].clone()] } else { vec![] };
                assert_eq!(removed, expected, "round {round}: only this practice's oldest automatic backup goes");
                written.push(info.path);
            }
            other => panic!("round {round}: {other:?}"),
        }
    }
    let after = listing(folder.path());
    let kept: std::collections::BTreeSet<String> =
        written[17..].iter().map(|w| Path::new(w).file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(after, others_before.union(&kept).cloned().collect(), "everything else in the folder is still there");
    for name in &kept {
        assert!(name.starts_with(&format!("arcwell-auto-{}-", &mine[..12])), "{name}");
    }
    assert_eq!(
        after.iter().filter(|n| n.starts_with(&format!("arcwell-{}-", &mine[..12]))).count(),
        2,
        "both backups made by hand are kept: {after:?}"
    );
    assert_eq!(after.iter().filter(|n| n.contains(&theirs[..12])).count(), 4, "the other practice's are all kept");
    let newest = backup::verify(
        Path::new(&written[19]),
        &Unlock::identity_file(age::secrecy::ExposeSecret::expose_secret(
            &age::x25519::Identity::generate().to_string(),
        ))
        .unwrap(),
        &mut |_, _| {},
    );
    assert!(newest.is_err(), "encrypted to the key, not to a stranger");
}

#[test]
fn backups_made_while_another_connection_writes_are_each_one_committed_state() {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let (fx, mut p) = demo();
    let id = age::x25519::Identity::generate();
    let to = Recipients::keys([id.to_public().to_string().as_str()]).unwrap();
    let unlock = Unlock::identity_file(age::secrecy::ExposeSecret::expose_secret(&id.to_string())).unwrap();
    let out = tempfile::tempdir().unwrap();
    let (stop, added) = (AtomicBool::new(false), AtomicU64::new(0));
    let count = |p: &mut Practice| p.participants().list().unwrap().len() as u64;
    let before = count(&mut p);
    let mut seen = Vec::new();
    std::thread::scope(|s| {
        // A second connection to the same file adds participants, one transaction each, the
        // whole time: its pages reach the backups' reads from the WAL, written by another.
        s.spawn(|| {
            let mut other = fx.reopen();
            while !stop.load(Ordering::Relaxed) {
                let n = added.load(Ordering::Relaxed);
                let name = format!("Concurrent Wexford {n}");
                let note = "a note long enough to spill onto pages of its own ".repeat(40 * (n as usize % 3));
                other
                    .participants()
                    .add(&ParticipantInput { name, notes: Some(note), ..Default::default() }, now())
                    .unwrap();
                added.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        });
        while added.load(Ordering::Relaxed) == 0 {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        for round in 0..5 {
            let file = out.path().join(format!("during-{round}.arcwell-backup"));
            let info = p.backups().write_to(&file, &to, now(), &mut |_, _| {}).unwrap();
            // Each is one committed state: every check a restore makes passes (the manifest's
            // counts included), and it holds the participants of a moment since the start.
            let checked = backup::verify(&file, &unlock, &mut |_, _| {}).unwrap();
            assert_eq!(checked.tables, info.manifest.tables);
            seen.push(info.manifest.tables["participant"]);
        }
        stop.store(true, Ordering::Relaxed);
    });
    let after = before + added.load(Ordering::Relaxed);
    assert_eq!(count(&mut p), after);
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "each backup holds what was added before it: {seen:?}");
    assert!(seen.iter().all(|n| (before..=after).contains(n)), "{seen:?} within {before}..={after}");
}

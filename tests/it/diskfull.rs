//! Full-disk torture: the practice on a tmpfs of 3 MiB, filled to the last byte. Saves and a
//! backup are refused with a message that says what to do, every acknowledged save stays, the file
//! stays sound, and once space is freed the same open practice saves and backs up again.
//!
//! Mounting a tmpfs needs root, which the test command has (CI runs as root, as here); elsewhere
//! this test fails saying so rather than passing without having run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use arcwell::backup::{self, Recipients, Unlock};
use arcwell::domain::participant::ParticipantInput;
use arcwell::key::Passphrase;
use arcwell::{Error, ErrorCode, Keychain, Practice};

use crate::support::{PASSPHRASE, now, profile};

/// A tmpfs mounted on a fresh directory, unmounted when dropped.
struct Tmpfs {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Tmpfs {
    fn mount(size: &str) -> Tmpfs {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_owned();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700"), "tmpfs"])
            .arg(&path)
            .output()
            .expect("mount(8) is needed for the full-disk test");
        assert!(
            out.status.success(),
            "the full-disk test mounts a small tmpfs and needs root for it (the test command runs as root): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmpfs { _dir: dir, path }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// Writes until the filesystem says it is full; returns how many bytes went in.
fn fill(file: &Path) -> u64 {
    let mut f = std::fs::File::create(file).unwrap();
    let mut written = 0u64;
    for chunk in [64 * 1024, 4096, 512, 1] {
        let buf = vec![0x5a_u8; chunk];
        loop {
            match f.write(&buf) {
                Ok(0) => break,
                Ok(n) => written += n as u64,
                Err(e) if e.raw_os_error() == Some(28) => break,
                Err(e) => panic!("filling the disk: {e}"),
            }
        }
    }
    let _ = f.sync_all();
    written
}

fn person(i: usize, note_kb: usize) -> ParticipantInput {
    ParticipantInput {
        name: format!("Full Disk Person {i}"),
        notes: Some("Notes from a long preparation session. ".repeat(note_kb * 1024 / 40)),
        ..Default::default()
    }
}

#[test]
fn a_full_disk_refuses_saves_and_backups_clearly_keeps_every_acknowledged_save_and_recovers() {
    let disk = Tmpfs::mount("3m");
    let dir = disk.path.join("practice");
    let mut p = Practice::init(&dir, &profile(), &Passphrase::new(PASSPHRASE), &Keychain::Off, now()).unwrap();
    let mut saved = Vec::new();
    for i in 0..5 {
        saved.push(p.participants().add(&person(i, 2), now()).unwrap().id);
    }
    let filler = disk.path.join("filler");
    assert!(fill(&filler) > 0);

    // Saves go on until the space SQLite already holds runs out; then a clear refusal.
    let mut refusal = None;
    for i in 5..400 {
        match p.participants().add(&person(i, 20), now()) {
            Ok(x) => saved.push(x.id),
            Err(e) => {
                refusal = Some(e);
                break;
            }
        }
    }
    let refusal = refusal.expect("a save on a full disk is refused");
    assert!(matches!(refusal, Error::DiskFull), "{refusal:?}");
    assert!(refusal.to_string().contains("free some space"), "{refusal}");
    assert_eq!(refusal.code(), ErrorCode::Storage);

    // A backup onto the full disk: refused, and no partial file left.
    let to = Recipients::passphrase(Passphrase::new("a backup passphrase of words")).unwrap();
    let dest = disk.path.join(backup::file_name(backup::Made::ByHand, "0123456789abcdef0123456789abcdef", now()));
    let err = p.backups().write_to(&dest, &to, now(), &mut |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("is full"), "{err}");
    let left: Vec<String> = std::fs::read_dir(&disk.path)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 2, "only the practice and the filler: {left:?}");

    // The last good state: every acknowledged save, a sound file.
    for id in &saved {
        p.participants().get(*id).unwrap();
    }
    assert!(p.integrity_problems().unwrap().is_empty());

    // Space freed: the same open practice saves and backs up again.
    std::fs::remove_file(&filler).unwrap();
    saved.push(p.participants().add(&person(999, 2), now()).unwrap().id);
    p.backups().write_to(&dest, &to, now(), &mut |_, _| {}).unwrap();
    backup::verify(&dest, &Unlock::Passphrase(Passphrase::new("a backup passphrase of words")), &mut |_, _| {})
        .unwrap();
    drop(p);
    let mut p = Practice::open_with_passphrase(&dir, &Passphrase::new(PASSPHRASE), &Keychain::Off).unwrap();
    assert_eq!(p.participants().list().unwrap().len(), saved.len());
    assert!(p.integrity_problems().unwrap().is_empty());
    assert!(p.audit().verify().unwrap().is_intact(), "the trail has no hole where saves were refused");
}

//! Tamper torture: bytes flipped at random in the database file and in backup files. Every change
//! is detected — the file is refused, or its check names the damage — and nothing wrong is read
//! silently: whatever still reads reads what was written. `ARCWELL_TAMPER_RUNS` sets how many
//! flips of each (20 in the test command, plus the first, last and a middle byte).

use std::collections::BTreeMap;

use arcwell::backup::{self, Recipients, Unlock};
use arcwell::key::Passphrase;
use arcwell::{Keychain, Practice};

use crate::support::{Fixture, PASSPHRASE, now};

fn runs() -> usize {
    std::env::var("ARCWELL_TAMPER_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(20)
}

/// A reproducible stream of positions: xorshift64 from a fixed seed.
struct Positions(u64);

impl Positions {
    fn next(&mut self, below: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % below as u64) as usize
    }
}

/// Every table's rows but the audit trail's (opening records an unlock in it).
fn digest(p: &mut Practice) -> arcwell::Result<BTreeMap<String, (u64, String)>> {
    let mut d = p.backups().content_digest()?;
    d.remove("audit_entry");
    Ok(d)
}

#[test]
fn every_byte_flipped_in_the_database_file_is_detected_and_nothing_wrong_is_read() {
    let (fx, mut p) = Fixture::new();
    arcwell::demo::seed(&mut p, now()).unwrap();
    let pristine_rows = digest(&mut p).unwrap();
    drop(p);
    let pristine = std::fs::read(fx.path().join("practice.db")).unwrap();
    assert!(!fx.path().join("practice.db-wal").exists(), "closed: everything is in the one file");
    let keyfile = std::fs::read(fx.path().join("practice.key")).unwrap();
    let mut at = Positions(0x5eed_7a3b_e001_u64);
    // The first byte (the salt), the last, a page boundary, then random ones.
    let mut offsets = vec![0, pristine.len() - 1, 4096];
    offsets.extend((0..runs()).map(|_| at.next(pristine.len())));
    let (mut refused, mut found_by_check) = (0, 0);
    for offset in offsets {
        let dir = tempfile::tempdir().unwrap();
        let mut bytes = pristine.clone();
        bytes[offset] ^= 1 << (offset % 8);
        std::fs::write(dir.path().join("practice.db"), &bytes).unwrap();
        std::fs::write(dir.path().join("practice.key"), &keyfile).unwrap();
        match Practice::open_with_passphrase(dir.path(), &Passphrase::new(PASSPHRASE), &Keychain::Off) {
            Err(e) => {
                refused += 1;
                assert!(
                    e.to_string().contains("not an Arcwell database") || e.to_string().contains("database"),
                    "byte {offset}: refused with a reason: {e}"
                );
            }
            Ok(mut p) => {
                let problems = p.integrity_problems().unwrap_or_else(|e| vec![e.to_string()]);
                assert!(!problems.is_empty(), "byte {offset} flipped and the checks found nothing");
                found_by_check += 1;
                // What still reads is what was written; a damaged page errors instead of lying.
                if let Ok(rows) = digest(&mut p) {
                    assert_eq!(rows, pristine_rows, "byte {offset}: rows read back differently without an error");
                }
            }
        }
    }
    assert_eq!(refused + found_by_check, runs() + 3);
}

#[test]
fn every_byte_flipped_in_a_backup_file_is_refused() {
    let (fx, mut p) = Fixture::new();
    arcwell::demo::seed(&mut p, now()).unwrap();
    let identity = age::x25519::Identity::generate();
    let public = identity.to_public().to_string();
    let secret = age::secrecy::ExposeSecret::expose_secret(&identity.to_string()).to_owned();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("b.arcwell-backup");
    p.backups().write_to(&file, &Recipients::keys([public.as_str()]).unwrap(), now(), &mut |_, _| {}).unwrap();
    drop(p);
    let unlock = Unlock::identity_file(&secret).unwrap();
    backup::verify(&file, &unlock, &mut |_, _| {}).unwrap();
    let pristine = std::fs::read(&file).unwrap();
    let mut at = Positions(0x00ba_c00f_f1e5_u64);
    let mut offsets = vec![0, pristine.len() - 1, pristine.len() / 2];
    offsets.extend((0..runs()).map(|_| at.next(pristine.len())));
    for (i, offset) in offsets.into_iter().enumerate() {
        let mut bytes = pristine.clone();
        bytes[offset] ^= 1 << (offset % 8);
        let bad = out.path().join(format!("flipped-{i}.arcwell-backup"));
        std::fs::write(&bad, &bytes).unwrap();
        let err = backup::verify(&bad, &unlock, &mut |_, _| {}).unwrap_err();
        let said = err.to_string();
        assert!(said.contains("nothing was changed") || said.contains("not"), "byte {offset}: {said}");
        if i % 10 == 0 {
            let dir = out.path().join(format!("restored-{i}"));
            let restored = arcwell::practice::restore_into(
                &dir,
                &bad,
                &unlock,
                &Passphrase::new(PASSPHRASE),
                &Keychain::Off,
                &mut |_, _| {},
            );
            assert!(restored.is_err(), "byte {offset}: a damaged backup never restores");
            assert!(!dir.exists(), "and leaves no practice behind");
        }
    }
    let _ = fx;
}

//! Backup and restore of the synthetic practice (10,000 participants, ~300,000 notes, ~465 MiB),
//! side by side with the `age` command-line tool encrypting a plaintext of the same size in the
//! same run; and a repair of the practice file with damaged free pages.
//!
//! `cargo bench --features synthetic --bench backup` (needs `age` and `sqlite3` on PATH; ARCWELL_BENCH_EXTRA_NOTES
//! and ARCWELL_BENCH_PARTICIPANTS change the size). Criterion samples each case ten times; the MB/s
//! lines come from the median of five individually timed runs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::os::unix::fs::FileExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use arcwell::backup::{self, Recipients, Unlock};
use arcwell::key::Passphrase;
use arcwell::synthetic::{self, Spec};
use arcwell::{Keychain, Practice};
use chrono::{DateTime, Utc};
use criterion::Criterion;

fn median(mut f: impl FnMut() -> Duration) -> Duration {
    let mut t: Vec<Duration> = (0..5).map(|_| f()).collect();
    t.sort();
    t[2]
}

/// A line of /proc/self/status, in bytes (`VmRSS`, `VmHWM`).
fn memory(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
}

fn mbs(bytes: u64, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

/// The encryption step as a backup runs it: age's STREAM, the file written on a second thread.
/// Into a new file each time, as the CLI's is (truncating a written file costs ext4 a flush).
fn encrypt_with_crate(plain: &[u8], to: &Recipients, out: &Path) {
    let _ = std::fs::remove_file(out);
    let file = std::fs::File::create(out).unwrap();
    backup::encryption_step(plain, to, &file).unwrap();
}

fn encrypt_with_cli(plain: &Path, to: &str, out: &Path) {
    let s = Command::new("age").args(["-r", to, "-o"]).arg(out).arg(plain).status().expect("the age command-line tool");
    assert!(s.success());
}

/// A connection to the closed synthetic practice at `dir`, keyed from its key file.
fn raw(dir: &Path) -> rusqlite::Connection {
    let identity = age::scrypt::Identity::new(age::secrecy::SecretString::from(synthetic::PASSPHRASE.to_owned()));
    let key = age::decrypt(&identity, &std::fs::read(dir.join("practice.key")).unwrap()).unwrap();
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let raw = rusqlite::Connection::open(dir.join("practice.db")).unwrap();
    raw.execute_batch(&format!("PRAGMA key = \"x'{hex}'\";")).unwrap();
    raw
}

/// Flips a byte on disk in each of `pages` of the closed practice at `dir`.
fn damage(dir: &Path, pages: &[u64]) {
    let file = std::fs::OpenOptions::new().read(true).write(true).open(dir.join("practice.db")).unwrap();
    for page in pages {
        let at = (page - 1) * 4096 + 1000;
        let mut byte = [0u8];
        file.read_exact_at(&mut byte, at).unwrap();
        file.write_all_at(&[byte[0] ^ 0x10], at).unwrap();
    }
}

/// Leaves free pages in the closed practice at `dir` (a table of blobs made and dropped, as deleted
/// records leave them) and damages three of them: the first, a middle and the last.
fn damage_free_pages(dir: &Path) -> Vec<u64> {
    let raw = raw(dir);
    raw.execute_batch(
        "CREATE TABLE scratch (b BLOB);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
           INSERT INTO scratch SELECT randomblob(3000) FROM n;
         DROP TABLE scratch;",
    )
    .unwrap();
    let pages: i64 = raw.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    let in_use: std::collections::HashSet<i64> = raw
        .prepare("SELECT pageno FROM dbstat")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    drop(raw); // the last connection: the WAL goes into the file
    let free: Vec<u64> = (1..=pages).filter(|p| !in_use.contains(p)).map(|p| p as u64).collect();
    let hit = vec![free[0], free[free.len() / 2], free[free.len() - 1]];
    damage(dir, &hit);
    hit
}

/// Damages the last page of the search index's data in the closed practice at `dir`.
fn damage_search_index(dir: &Path) -> Vec<u64> {
    let page: i64 =
        raw(dir).query_row("SELECT max(pageno) FROM dbstat WHERE name = 'search_fts_data'", [], |r| r.get(0)).unwrap();
    let hit = vec![page as u64];
    damage(dir, &hit);
    hit
}

fn main() {
    let participants = std::env::var("ARCWELL_BENCH_PARTICIPANTS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let extra_notes = std::env::var("ARCWELL_BENCH_EXTRA_NOTES").ok().and_then(|v| v.parse().ok()).unwrap_or(195_000);
    let now: DateTime<Utc> = "2026-11-25T09:00:00Z".parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let (mut practice, counts) = synthetic::create(
        &dir.path().join("practice"),
        Spec { participants, seed: 7, extra_notes, measures: false },
        now,
    )
    .unwrap();
    println!("generated in {:.1} s: {}", t.elapsed().as_secs_f64(), serde_json::to_string(&counts).unwrap());

    let id = age::x25519::Identity::generate();
    let public = id.to_public();
    let keys = Recipients::keys([public.to_string().as_str()]).unwrap();
    let unlock = Unlock::identity_file(age::secrecy::ExposeSecret::expose_secret(&id.to_string())).unwrap();
    let pass = Recipients::passphrase(Passphrase::new("harbour lantern seven gulls")).unwrap();
    let mut n = 0;
    let mut next = |name: &str| {
        n += 1;
        out.path().join(format!("{name}-{n}.arcwell-backup"))
    };

    // One backup to learn the sizes (and its peak memory), and a plaintext of the same size for the
    // age CLI (synthetic data).
    let first = next("x25519");
    let db_bytes = std::fs::metadata(dir.path().join("practice").join("practice.db")).unwrap().len();
    let before = memory("VmRSS");
    // Writing 5 to clear_refs resets the peak (VmHWM) to the resident size now.
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let info = practice.backups().write_to(&first, &keys, now, &mut |_, _| {}).unwrap();
    let peak = memory("VmHWM");
    println!(
        "peak resident memory during a backup: {:.1} MiB, {:.1} MiB above the {:.1} MiB before it; database file {:.1} MiB (added / file {:.2}x)",
        peak as f64 / 1048576.0,
        (peak - before) as f64 / 1048576.0,
        before as f64 / 1048576.0,
        db_bytes as f64 / 1048576.0,
        (peak - before) as f64 / db_bytes as f64
    );
    let image = info.manifest.database.bytes;
    println!(
        "database image {:.1} MiB, backup file {:.1} MiB",
        image as f64 / 1048576.0,
        info.file_bytes as f64 / 1048576.0
    );
    let plain: Vec<u8> = (0..image).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let plain_file = out.path().join("plain.bin");
    std::fs::write(&plain_file, &plain).unwrap();

    let whole_keys = median(|| {
        let f = next("x25519");
        let t = Instant::now();
        practice.backups().write_to(&f, &keys, now, &mut |_, _| {}).unwrap();
        let d = t.elapsed();
        std::fs::remove_file(f).unwrap();
        d
    });
    let whole_pass = median(|| {
        let f = next("pass");
        let t = Instant::now();
        practice.backups().write_to(&f, &pass, now, &mut |_, _| {}).unwrap();
        let d = t.elapsed();
        std::fs::remove_file(f).unwrap();
        d
    });
    let verify = median(|| {
        let t = Instant::now();
        backup::verify(&first, &unlock, &mut |_, _| {}).unwrap();
        t.elapsed()
    });
    let restore = median(|| {
        let target = out.path().join(format!("restored-{}", uuid::Uuid::new_v4()));
        let t = Instant::now();
        let (_, p) = arcwell::practice::restore_into(
            &target,
            &first,
            &unlock,
            &Passphrase::new("a new recovery passphrase"),
            &Keychain::Off,
            &mut |_, _| {},
        )
        .unwrap();
        let d = t.elapsed();
        drop(p);
        std::fs::remove_dir_all(target).unwrap();
        d
    });
    // Key rotation against its core, the export into a new file under a new key, in the same run.
    let export = median(|| {
        let f = out.path().join(format!("export-{}.db", uuid::Uuid::new_v4()));
        let t = Instant::now();
        synthetic::export_encrypted(&mut practice, &f).unwrap();
        let d = t.elapsed();
        std::fs::remove_file(f).unwrap();
        d
    });
    let rotate = median(|| {
        let t = Instant::now();
        practice.rotate_key(&Passphrase::new(synthetic::PASSPHRASE), &Keychain::Off).unwrap();
        t.elapsed()
    });
    // A repair: the file checked page by page when sound, and written anew when free pages are
    // damaged (three rounds, each damaging pages anew).
    let pass = Passphrase::new(synthetic::PASSPHRASE);
    let check = median(|| {
        let t = Instant::now();
        assert!(practice.repair_file(&pass).unwrap().damaged.is_empty());
        t.elapsed()
    });
    let home = dir.path().join("practice");
    let mut rebuilds = Vec::new();
    for _ in 0..3 {
        drop(practice);
        let hit = damage_free_pages(&home);
        practice = Practice::open_with_passphrase(&home, &pass, &Keychain::Off).unwrap();
        let t = Instant::now();
        let repair = practice.repair_file(&pass).unwrap();
        rebuilds.push(t.elapsed());
        assert_eq!(repair.damaged, hit);
    }
    rebuilds.sort();
    let rebuild = rebuilds[1];
    // And once with a page of the search index damaged: the index is made anew.
    drop(practice);
    let hit = damage_search_index(&home);
    practice = Practice::open_with_passphrase(&home, &pass, &Keychain::Off).unwrap();
    let t = Instant::now();
    let repair = practice.repair_file(&pass).unwrap();
    let remade = t.elapsed();
    assert!(repair.search_remade && repair.damaged == hit, "{repair:?}");
    // The same job done with the standard tools on a plain copy: `sqlite3 .backup`, then `age`.
    let plain_db = out.path().join("plain-copy.db");
    synthetic::export_plaintext(&practice, &plain_db).unwrap();
    let tools = median(|| {
        let (copy, sealed) = (out.path().join("tools.sqlite"), out.path().join("tools.age"));
        let t = Instant::now();
        let s = Command::new("sqlite3").arg(&plain_db).arg(format!(".backup '{}'", copy.display())).status();
        assert!(s.expect("the sqlite3 command-line tool").success());
        encrypt_with_cli(&copy, &public.to_string(), &sealed);
        let d = t.elapsed();
        std::fs::remove_file(copy).unwrap();
        std::fs::remove_file(sealed).unwrap();
        d
    });
    std::fs::remove_file(&plain_db).unwrap();
    let crate_enc = median(|| {
        let f = out.path().join("crate.age");
        let t = Instant::now();
        encrypt_with_crate(&plain, &keys, &f);
        t.elapsed()
    });
    let cli_enc = median(|| {
        let f = out.path().join("cli.age");
        let _ = std::fs::remove_file(&f);
        let t = Instant::now();
        encrypt_with_cli(&plain_file, &public.to_string(), &f);
        t.elapsed()
    });
    let s = |d: Duration| d.as_secs_f64();
    println!("whole backup, to a key:        {:.2} s ({:.0} MB/s of database)", s(whole_keys), mbs(image, whole_keys));
    println!("whole backup, to a passphrase: {:.2} s (scrypt 2^18 included)", s(whole_pass));
    println!("verify:                        {:.2} s ({:.0} MB/s)", s(verify), mbs(image, verify));
    println!("restore into a new practice:   {:.2} s ({:.0} MB/s)", s(restore), mbs(image, restore));
    println!("sqlite3 .backup + age CLI:     {:.2} s (whole backup / that {:.2}x)", s(tools), s(whole_keys) / s(tools));
    println!("restore / whole backup:        {:.2}x", s(restore) / s(whole_keys));
    println!("key rotation:                  {:.2} s", s(rotate));
    println!("its export alone:              {:.2} s (rotation / export {:.2}x)", s(export), s(rotate) / s(export));
    println!("repair, the file sound:        {:.2} s (every page's HMAC checked, closed and opened again)", s(check));
    println!(
        "repair, damaged free pages:    {:.2} s (median of {:.2}, {:.2}, {:.2}: written anew, checked, swapped)",
        s(rebuild),
        s(rebuilds[0]),
        s(rebuilds[1]),
        s(rebuilds[2])
    );
    println!("repair, search index damaged:  {:.2} s (written anew, the search index made anew)", s(remade));
    println!("encryption step, age crate:    {:.2} s ({:.0} MB/s)", s(crate_enc), mbs(image, crate_enc));
    println!("same plaintext, age CLI:       {:.2} s ({:.0} MB/s)", s(cli_enc), mbs(image, cli_enc));
    println!("age crate / age CLI throughput: {:.2}x", s(cli_enc) / s(crate_enc));

    let mut c = Criterion::default().sample_size(10).configure_from_args();
    c.bench_function("backup/whole to a key", |b| {
        b.iter(|| {
            let f = next("x25519");
            practice.backups().write_to(&f, &keys, now, &mut |_, _| {}).unwrap();
            std::fs::remove_file(f).unwrap();
        })
    });
    c.bench_function("backup/encrypt age crate", |b| {
        b.iter(|| encrypt_with_crate(&plain, &keys, &out.path().join("crate.age")))
    });
    c.bench_function("backup/encrypt age CLI", |b| {
        b.iter(|| {
            let f = out.path().join("cli.age");
            let _ = std::fs::remove_file(&f);
            encrypt_with_cli(&plain_file, &public.to_string(), &f);
        })
    });
    c.final_summary();
}

//! What unlocking costs: the unlock PIN after a lock (its scrypt at 2^15, opening the file, sealing
//! the key for the next lock, recording the unlock) beside the recovery passphrase (scrypt at
//! 2^18, the rest the same), on a small practice, in the same run.
//!
//! `cargo bench --bench unlock`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use arcwell::domain::profile::ProfileInput;
use arcwell::key::Passphrase;
use arcwell::store::audit::LockReason;
use arcwell::{Keychain, Practice};
use criterion::Criterion;

const PASSPHRASE: &str = "lantern meadow copper thistle";
const PIN: &str = "482916";

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let profile = ProfileInput { name: "Rowan Hale".into(), timezone: "UTC".into(), ..Default::default() };
    let mut p =
        Practice::init(dir.path(), &profile, &Passphrase::new(PASSPHRASE), &Keychain::Off, chrono::Utc::now()).unwrap();
    arcwell::demo::seed(&mut p, chrono::Utc::now()).unwrap();
    p.unlock_pin().set(&Passphrase::new(PASSPHRASE), Some(PIN)).unwrap();
    let mut locked = p.unlock_pin().lock().unwrap().unwrap();
    p.lock(LockReason::ByHand).unwrap();

    let mut c = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(20)).configure_from_args();
    let mut group = c.benchmark_group("unlock");
    group.bench_function("pin", |b| b.iter(|| drop(locked.unlock(PIN).unwrap())));
    group.bench_function("recovery passphrase", |b| {
        b.iter(|| {
            drop(Practice::open_with_passphrase(dir.path(), &Passphrase::new(PASSPHRASE), &Keychain::Off).unwrap())
        })
    });
    group.finish();
    c.final_summary();
}

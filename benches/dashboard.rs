//! The dashboard call on a synthetic practice of 10,000 participants: encrypted (SQLCipher) against
//! a plain SQLite copy of the same data, in the same run.
//!
//! `cargo bench --features synthetic --bench dashboard` (ARCWELL_BENCH_PARTICIPANTS overrides the size;
//! ARCWELL_BENCH_MEASURES=1 gives every dosed arc its PHQ-9, GAD-7 and WHO-5, which the early
//! warnings read).
//! Criterion measures means; the p50/p95/p99 below come from 1,000 individually timed calls each.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use arcwell::Practice;
use arcwell::synthetic::{self, Spec};
use chrono::{DateTime, Utc};
use criterion::Criterion;

fn percentiles(p: &mut Practice, now: DateTime<Utc>) -> [Duration; 3] {
    let mut times: Vec<Duration> = (0..1000)
        .map(|_| {
            let t = Instant::now();
            black_box(p.integration().dashboard(now).unwrap());
            t.elapsed()
        })
        .collect();
    times.sort();
    [times[499], times[949], times[989]]
}

fn main() {
    let participants = std::env::var("ARCWELL_BENCH_PARTICIPANTS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let now: DateTime<Utc> = "2026-11-25T09:00:00Z".parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let measures = std::env::var("ARCWELL_BENCH_MEASURES").is_ok_and(|v| v == "1");
    let spec = Spec { participants, seed: 7, extra_notes: 0, measures };
    let synthetic::Pair { mut encrypted, mut plain, counts, generated_in, mib } =
        synthetic::encrypted_and_plain(dir.path(), spec, now).unwrap();
    println!("generated in {:.1} s: {}", generated_in.as_secs_f64(), serde_json::to_string(&counts).unwrap());
    println!("database size: encrypted {} MiB, plain {} MiB", mib.0, mib.1);
    let d = encrypted.integration().dashboard(now).unwrap();
    println!(
        "dashboard: {} due today, {} this week, {} overdue, {} stalled, {} ready, {} alerts ({} early warnings)",
        d.due_today.len(),
        d.due_this_week.len(),
        d.overdue.len(),
        d.stalled.len(),
        d.ready_to_complete.len(),
        d.alerts.len(),
        d.totals.warnings
    );

    let mut c = Criterion::default().configure_from_args();
    c.bench_function("dashboard/encrypted", |b| b.iter(|| black_box(encrypted.integration().dashboard(now).unwrap())));
    c.bench_function("dashboard/plain", |b| b.iter(|| black_box(plain.integration().dashboard(now).unwrap())));

    let enc = percentiles(&mut encrypted, now);
    let pl = percentiles(&mut plain, now);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("dashboard/encrypted: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms", ms(enc[0]), ms(enc[1]), ms(enc[2]));
    println!("dashboard/plain:     p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms", ms(pl[0]), ms(pl[1]), ms(pl[2]));
    println!("encrypted / plain: p50 {:.2}x, p95 {:.2}x", ms(enc[0]) / ms(pl[0]), ms(enc[1]) / ms(pl[1]));
    c.final_summary();
}

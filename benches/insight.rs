//! The Outcomes screen ("insight view") on a synthetic practice of 10,000 participants with their
//! outcome measures: encrypted (SQLCipher) against a plain SQLite copy of the same data, in the
//! same run. One view is what the screen asks for when it opens on PHQ-9: the outcomes overall and
//! by approach, check-in engagement, the approach tags, what predicts change, and the plan steps'
//! timelines.
//!
//! `cargo bench --features synthetic --bench insight` (ARCWELL_BENCH_PARTICIPANTS overrides the size).
//! Criterion measures means; the p50/p95/p99 below come from 100 individually timed views each,
//! the encrypted and the plain practice in turn.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use arcwell::Practice;
use arcwell::integration::cohort::{CohortFilter, GroupBy};
use arcwell::synthetic::{self, Spec};
use chrono::{DateTime, Utc};
use criterion::Criterion;

fn view(p: &mut Practice, now: DateTime<Utc>) {
    black_box(p.integration().insight("phq9", &CohortFilter::default(), GroupBy::Approach, now).unwrap());
}

/// 100 views of each practice, one of each in turn so that both meet the same spells of this
/// machine's noise; their p50, p95 and p99.
fn percentiles(encrypted: &mut Practice, plain: &mut Practice, now: DateTime<Utc>) -> [[Duration; 3]; 2] {
    let mut times = [Vec::new(), Vec::new()];
    for _ in 0..100 {
        for (p, t) in [&mut *encrypted, &mut *plain].into_iter().zip(&mut times) {
            let start = Instant::now();
            view(p, now);
            t.push(start.elapsed());
        }
    }
    times.map(|mut t| {
        t.sort();
        [t[49], t[94], t[98]]
    })
}

fn main() {
    let participants = std::env::var("ARCWELL_BENCH_PARTICIPANTS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let now: DateTime<Utc> = "2026-11-25T09:00:00Z".parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec { participants, seed: 7, extra_notes: 0, measures: true };
    let synthetic::Pair { mut encrypted, mut plain, counts, generated_in, mib } =
        synthetic::encrypted_and_plain(dir.path(), spec, now).unwrap();
    println!("generated in {:.1} s: {}", generated_in.as_secs_f64(), serde_json::to_string(&counts).unwrap());
    println!("database size: encrypted {} MiB, plain {} MiB", mib.0, mib.1);
    let o = encrypted.integration().outcomes("phq9", &CohortFilter::default()).unwrap();
    let pr = encrypted.integration().predictors("phq9", &CohortFilter::default()).unwrap();
    println!("PHQ-9: {} arcs with a baseline and a later score; {} predictors", o.arcs, pr.predictors.len());

    // Where the time goes: each call of the view once, encrypted.
    let all = CohortFilter::default();
    let part = |name: &str, f: &mut dyn FnMut()| {
        let t = Instant::now();
        f();
        println!("  {name}: {:.1} ms", t.elapsed().as_secs_f64() * 1000.0);
    };
    part("outcomes and groups", &mut || {
        black_box(encrypted.integration().outcomes_and_groups("phq9", &all, GroupBy::Approach).unwrap());
    });
    part("engagement", &mut || {
        black_box(encrypted.integration().engagement(&all, now).unwrap());
    });
    part("approach tags", &mut || {
        black_box(encrypted.arcs().approach_tags().unwrap());
    });
    part("predictors", &mut || {
        black_box(encrypted.integration().predictors("phq9", &all).unwrap());
    });
    part("timelines", &mut || {
        black_box(encrypted.integration().timelines(&all, now).unwrap());
    });

    let mut c = Criterion::default().sample_size(20).configure_from_args();
    c.bench_function("insight/encrypted", |b| b.iter(|| view(&mut encrypted, now)));
    c.bench_function("insight/plain", |b| b.iter(|| view(&mut plain, now)));

    let [enc, pl] = percentiles(&mut encrypted, &mut plain, now);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("insight/encrypted: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms", ms(enc[0]), ms(enc[1]), ms(enc[2]));
    println!("insight/plain:     p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms", ms(pl[0]), ms(pl[1]), ms(pl[2]));
    println!("encrypted / plain: p50 {:.2}x, p95 {:.2}x", ms(enc[0]) / ms(pl[0]), ms(enc[1]) / ms(pl[1]));
    c.final_summary();
}

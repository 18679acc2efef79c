//! Full-text search on a synthetic practice of 10,000 participants and about 300,000 notes:
//! encrypted (SQLCipher) against a plain SQLite copy of the same data, in the same run.
//!
//! `cargo bench --features synthetic --bench search`. Criterion measures means; the p50/p95/p99
//! below come from individually timed calls, single-term and two-term queries apart.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use arcwell::Practice;
use arcwell::search::SearchQuery;
use arcwell::synthetic::{self, Spec};
use chrono::{DateTime, Utc};
use criterion::Criterion;

/// From common to rare in the synthetic notes.
const SINGLE: &[&str] = &["sleep", "garden", "migraine", "forgiveness", "coffee", "ancestors", "coast", "singing"];
const DOUBLE: &[&str] =
    &["sleep garden", "grief parent", "ocean imagery", "partner supportive", "dog running", "forest walk"];

fn query(text: &str) -> SearchQuery {
    SearchQuery { text: text.into(), ..Default::default() }
}

fn percentiles(p: &Practice, queries: &[SearchQuery], rounds: usize) -> [Duration; 3] {
    let mut times: Vec<Duration> = (0..rounds)
        .flat_map(|_| queries.iter())
        .map(|q| {
            let start = Instant::now();
            black_box(p.search(q).unwrap());
            start.elapsed()
        })
        .collect();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    [at(0.50), at(0.95), at(0.99)]
}

fn main() {
    let participants = std::env::var("ARCWELL_BENCH_PARTICIPANTS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let extra_notes = std::env::var("ARCWELL_BENCH_EXTRA_NOTES").ok().and_then(|v| v.parse().ok()).unwrap_or(195_000);
    let now: DateTime<Utc> = "2026-11-25T09:00:00Z".parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec { participants, seed: 7, extra_notes, measures: false };
    let synthetic::Pair { encrypted, plain, counts, generated_in, mib } =
        synthetic::encrypted_and_plain(dir.path(), spec, now).unwrap();
    println!("generated in {:.1} s: {}", generated_in.as_secs_f64(), serde_json::to_string(&counts).unwrap());
    println!("database size: encrypted {} MiB, plain {} MiB", mib.0, mib.1);
    for t in SINGLE.iter().chain(DOUBLE) {
        let all = SearchQuery { text: (*t).into(), limit: Some(500), ..Default::default() };
        println!("{t:>20}: {} hits (of at most 500 shown)", encrypted.search(&all).unwrap().len());
    }

    let mut c = Criterion::default().configure_from_args();
    c.bench_function("search/single/encrypted", |b| b.iter(|| black_box(encrypted.search(&query("garden")).unwrap())));
    c.bench_function("search/single/plain", |b| b.iter(|| black_box(plain.search(&query("garden")).unwrap())));
    c.bench_function("search/two/encrypted", |b| {
        b.iter(|| black_box(encrypted.search(&query("grief parent")).unwrap()))
    });
    c.bench_function("search/two/plain", |b| b.iter(|| black_box(plain.search(&query("grief parent")).unwrap())));

    // Filtered: by phase, by a date range (the last 30 days), by one participant.
    let someone = encrypted.search(&query("garden")).unwrap()[0].participant_id;
    let filtered: Vec<SearchQuery> = SINGLE
        .iter()
        .flat_map(|t| {
            [
                SearchQuery { text: (*t).into(), phase: Some("integration".into()), ..Default::default() },
                SearchQuery { text: (*t).into(), from: Some("2026-10-26".into()), ..Default::default() },
                SearchQuery { text: (*t).into(), participant: Some(someone), ..Default::default() },
            ]
        })
        .collect();
    let by = |pick: usize| filtered.iter().skip(pick).step_by(3).cloned().collect::<Vec<_>>();
    let (by_phase, by_date, by_person) = (by(0), by(1), by(2));
    let single: Vec<SearchQuery> = SINGLE.iter().map(|t| query(t)).collect();
    let double: Vec<SearchQuery> = DOUBLE.iter().map(|t| query(t)).collect();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    for (what, queries, rounds) in [
        ("single-term", &single, 100),
        ("two-term", &double, 100),
        ("by phase", &by_phase, 30),
        ("last 30 days", &by_date, 30),
        ("one participant", &by_person, 30),
    ] {
        // Warm both page caches the same way before timing.
        percentiles(&encrypted, queries, 2);
        percentiles(&plain, queries, 2);
        let enc = percentiles(&encrypted, queries, rounds);
        let pl = percentiles(&plain, queries, rounds);
        println!(
            "search {what}/encrypted: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms",
            ms(enc[0]),
            ms(enc[1]),
            ms(enc[2])
        );
        println!("search {what}/plain:     p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms", ms(pl[0]), ms(pl[1]), ms(pl[2]));
        println!(
            "search {what} encrypted / plain: p50 {:.2}x, p95 {:.2}x",
            ms(enc[0]) / ms(pl[0]),
            ms(enc[1]) / ms(pl[1])
        );
    }
    c.final_summary();
}

//! Saving an integration note (the draft autosave the note screen makes while the facilitator types)
//! on a synthetic practice of 10,000 participants, every commit with `synchronous = FULL` in WAL mode:
//! encrypted (SQLCipher) against a plain SQLite copy of the same data, and against the floor under
//! both — one UPDATE of the same text in a bare plain WAL database, and one 4 KiB write with
//! `fdatasync` — all in the same run, on the same disk (the temp dir; never a tmpfs here).
//!
//! `cargo bench --features synthetic --bench notes` (ARCWELL_BENCH_PARTICIPANTS overrides the size).
//! The p50/p95/p99 come from 1,000 individually timed saves each, the four kinds taking turns;
//! Criterion's means beside them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "timing/mod.rs"]
mod timing;

use std::io::Write;

use arcwell::Practice;
use arcwell::documents::template::FieldKind;
use arcwell::synthetic::{self, Spec};
use chrono::{DateTime, Utc};
use criterion::Criterion;
use serde_json::{Map, Value};
use timing::{percentiles, show, timed};
use uuid::Uuid;

const WORDS: &[&str] = &[
    "slept",
    "better",
    "since",
    "the",
    "session",
    "walked",
    "by",
    "the",
    "river",
    "each",
    "morning",
    "noticed",
    "old",
    "grief",
    "about",
    "my",
    "father",
    "softening",
    "talked",
    "with",
    "my",
    "sister",
    "journaling",
    "most",
    "days",
    "still",
    "anxious",
    "at",
    "work",
    "breathing",
    "helps",
];

/// The answers a facilitator has typed after `n` keystroke pauses: every text field filled with
/// about 1.5 kB in all, a little different each time (an autosave never writes the same answers).
fn answers(fields: &[(String, bool)], n: usize) -> Map<String, Value> {
    let mut m = Map::new();
    for (i, (key, long)) in fields.iter().enumerate() {
        let words = if *long { 60 } else { 8 };
        let text: Vec<&str> = (0..words).map(|w| WORDS[(w * 7 + i * 3 + n) % WORDS.len()]).collect();
        m.insert(key.clone(), Value::String(format!("{} ({n})", text.join(" "))));
    }
    m
}

/// A draft integration note on the first check-in due today, and its text fields.
fn draft(p: &mut Practice, now: DateTime<Utc>) -> (Uuid, Vec<(String, bool)>) {
    let due = p.integration().dashboard(now).unwrap().due_today.first().expect("a check-in due today").id;
    let doc = p.checkins().document(due, now).unwrap();
    let fields = doc
        .template
        .fields
        .iter()
        .filter_map(|f| match f.kind {
            FieldKind::Text => Some((f.key.clone(), false)),
            FieldKind::LongText => Some((f.key.clone(), true)),
            _ => None,
        })
        .collect();
    (doc.document.id, fields)
}

fn main() {
    let participants = std::env::var("ARCWELL_BENCH_PARTICIPANTS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let now: DateTime<Utc> = "2026-11-25T09:00:00Z".parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec { participants, seed: 7, extra_notes: 0, measures: false };
    let synthetic::Pair { mut encrypted, mut plain, counts, generated_in, mib } =
        synthetic::encrypted_and_plain(dir.path(), spec, now).unwrap();
    println!("generated in {:.1} s: {}", generated_in.as_secs_f64(), serde_json::to_string(&counts).unwrap());
    println!("database size: encrypted {} MiB, plain {} MiB", mib.0, mib.1);

    let (enc_doc, fields) = draft(&mut encrypted, now);
    let (plain_doc, _) = draft(&mut plain, now);
    let text_bytes: usize = answers(&fields, 0).values().map(|v| v.as_str().map_or(0, str::len)).sum();
    println!("the note: {} text fields, {text_bytes} bytes of answers per save", fields.len());

    // The floor: the same text written by one UPDATE in a bare plain database, same pragmas.
    let bare = rusqlite::Connection::open(dir.path().join("bare.db")).unwrap();
    bare.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE note (id INTEGER PRIMARY KEY, answers TEXT NOT NULL); INSERT INTO note VALUES (1, '');",
    )
    .unwrap();
    let mut fsync_file = std::fs::File::create(dir.path().join("fsync.bin")).unwrap();
    let block = vec![7u8; 4096];

    let n = std::env::var("ARCWELL_BENCH_SAVES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    // Interleaved: each round times one save of each kind, so a burst of slow disk (this virtual
    // disk has them: fdatasync's p95 has ranged from 0.4 to 4.7 ms between runs) falls on all four
    // alike instead of on whichever was being timed when it came.
    let (mut enc, mut pl, mut floor, mut fsync) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        enc.push(timed(|| drop(encrypted.documents().save_draft(enc_doc, &answers(&fields, i), now).unwrap())));
        pl.push(timed(|| drop(plain.documents().save_draft(plain_doc, &answers(&fields, i), now).unwrap())));
        floor.push(timed(|| {
            let text = serde_json::to_string(&answers(&fields, i)).unwrap();
            bare.execute("UPDATE note SET answers = ?1 WHERE id = 1", [text]).unwrap();
        }));
        fsync.push(timed(|| {
            fsync_file.write_all(&block).unwrap();
            fsync_file.sync_data().unwrap();
        }));
    }

    let mut c = Criterion::default().configure_from_args();
    let mut i = n;
    c.bench_function("note save/encrypted", |b| {
        b.iter(|| {
            i += 1;
            encrypted.documents().save_draft(enc_doc, &answers(&fields, i), now).unwrap()
        })
    });
    c.bench_function("note save/plain", |b| {
        b.iter(|| {
            i += 1;
            plain.documents().save_draft(plain_doc, &answers(&fields, i), now).unwrap()
        })
    });

    println!("{n} saves each, interleaved, synchronous = FULL, WAL:");
    let (e, p) = (percentiles(enc), percentiles(pl));
    show("note save, encrypted (SQLCipher)", e);
    show("note save, plain SQLite copy", p);
    show("floor: one UPDATE, bare plain db", percentiles(floor));
    show("floor: 4 KiB write + fdatasync", percentiles(fsync));
    println!("encrypted / plain: p50 {:.2}x, p95 {:.2}x", e[0] / p[0], e[1] / p[1]);
    c.final_summary();
}

//! The group dosing day on a synthetic practice of 10,000 participants plus a retreat of 20 dosed
//! together: "record now" (one vitals entry added to a participant's draft record, the grid's one
//! write, `synchronous = FULL`, WAL) and reading the whole grid for 20, each encrypted (SQLCipher)
//! against a plain SQLite copy of the same data, interleaved in the same run.
//!
//! `cargo bench --features synthetic --bench retreat` (ARCWELL_BENCH_PARTICIPANTS overrides the size).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

#[path = "timing/mod.rs"]
mod timing;

use arcwell::Practice;
use arcwell::domain::arc::{AdvanceArc, OpenArc, Phase};
use arcwell::domain::participant::ParticipantInput;
use arcwell::retreat::{GroupDosing, RetreatInput};
use arcwell::synthetic::{self, Spec};
use chrono::{DateTime, Duration as Days, Utc};
use criterion::Criterion;
use serde_json::{Map, Value, json};
use timing::{percentiles, show, timed};
use uuid::Uuid;

const DAY: &str = "2026-11-25";

/// A retreat of 20 in `p`, dosed at 07:00 local, each with a dose recorded; its records' ids.
fn retreat(p: &mut Practice, now: DateTime<Utc>) -> (Uuid, Vec<Uuid>) {
    let r = p
        .retreats()
        .create(
            &RetreatInput {
                name: "Bench retreat".into(),
                place: None,
                starts_on: DAY.into(),
                ends_on: DAY.into(),
                facilitators: Some(5),
            },
            now,
        )
        .unwrap();
    let mut arcs = Vec::new();
    for i in 0..20 {
        let pid = p
            .participants()
            .add(&ParticipantInput { name: format!("Retreat Guest {i:02}"), ..Default::default() }, now)
            .unwrap()
            .id;
        let arc = p.open_arc(&OpenArc { participant_id: pid, intention: None, plan_id: None }, now).unwrap().id;
        p.advance_arc(arc, &AdvanceArc { to: Phase::Preparation, reason: None }, now).unwrap();
        arcs.push(arc);
    }
    p.retreats().add_members(r.id, &arcs, now).unwrap();
    p.retreats()
        .schedule_dosing(&GroupDosing { retreat_id: r.id, at: format!("{DAY}T07:00"), location: None })
        .unwrap();
    let day = p.retreats().open_day(r.id, DAY, now).unwrap();
    let docs: Vec<Uuid> = day.rows.iter().map(|r| r.document_id.unwrap()).collect();
    for d in &docs {
        let dose = json!({ "substance": "Psilocybin", "amount": 20, "at": format!("{DAY}T07:15") });
        p.documents().append_entry(*d, "doses", dose.as_object().unwrap(), now).unwrap();
    }
    (r.id, docs)
}

fn vitals(i: usize) -> Map<String, Value> {
    json!({ "systolic": 110 + i % 30, "diastolic": 70 + i % 15, "heart_rate": 70 + i % 40, "spo2": 95 + i % 5 })
        .as_object()
        .unwrap()
        .clone()
}

fn main() {
    let participants = std::env::var("ARCWELL_BENCH_PARTICIPANTS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let now: DateTime<Utc> = "2026-11-25T09:00:00Z".parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let spec = Spec { participants, seed: 7, extra_notes: 0, measures: false };
    let synthetic::Pair { mut encrypted, mut plain, generated_in, mib, .. } =
        synthetic::encrypted_and_plain(dir.path(), spec, now).unwrap();
    println!(
        "generated in {:.1} s; database size: encrypted {} MiB, plain {} MiB",
        generated_in.as_secs_f64(),
        mib.0,
        mib.1
    );
    let (enc_retreat, enc_docs) = retreat(&mut encrypted, now);
    let (plain_retreat, plain_docs) = retreat(&mut plain, now);

    let n = std::env::var("ARCWELL_BENCH_SAVES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let (mut enc, mut pl, mut enc_grid, mut pl_grid) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        let at = now + Days::seconds(i as i64);
        enc.push(timed(|| encrypted.documents().append_entry(enc_docs[i % 20], "vitals", &vitals(i), at).unwrap()));
        pl.push(timed(|| plain.documents().append_entry(plain_docs[i % 20], "vitals", &vitals(i), at).unwrap()));
        if i % 5 == 0 {
            enc_grid.push(timed(|| drop(encrypted.retreats().grid(enc_retreat, DAY, at).unwrap())));
            pl_grid.push(timed(|| drop(plain.retreats().grid(plain_retreat, DAY, at).unwrap())));
        }
    }
    let grid = encrypted.retreats().grid(enc_retreat, DAY, now).unwrap();
    assert_eq!(grid.rows.len(), 20, "the grid holds the 20");

    let mut c = Criterion::default().configure_from_args();
    c.bench_function("dosing day grid for 20/encrypted", |b| {
        b.iter(|| encrypted.retreats().grid(enc_retreat, DAY, now).unwrap())
    });
    c.bench_function("dosing day grid for 20/plain", |b| {
        b.iter(|| plain.retreats().grid(plain_retreat, DAY, now).unwrap())
    });

    println!(
        "{n} record-now saves each (vitals, spread over 20 records, {} entries each at the end), interleaved:",
        n / 20
    );
    let (e, p) = (percentiles(enc), percentiles(pl));
    show("record now, encrypted (SQLCipher)", e);
    show("record now, plain SQLite copy", p);
    let (ge, gp) = (percentiles(enc_grid), percentiles(pl_grid));
    show("grid for 20, encrypted", ge);
    show("grid for 20, plain", gp);
    println!("encrypted / plain: record now p95 {:.2}x, grid p95 {:.2}x", e[1] / p[1], ge[1] / gp[1]);
    c.final_summary();
}

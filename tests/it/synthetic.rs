//! The synthetic practice used by the benchmark: it is realistic enough to exercise every
//! dashboard list, and its plaintext copy is refused for a real practice.
#![cfg(feature = "synthetic")]

use arcwell::ErrorCode;
use arcwell::synthetic::{self, Spec};

use crate::support::{Fixture, now};

#[test]
fn a_small_synthetic_practice_fills_every_dashboard_list_and_copies_to_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let (mut practice, counts) = synthetic::create(
        &dir.path().join("enc"),
        Spec { participants: 600, seed: 1, extra_notes: 500, measures: true },
        now(),
    )
    .unwrap();
    assert_eq!(counts.participants, 600);
    assert!(counts.arcs > 600 && counts.checkins > 1000 && counts.arcs_in_integration > 10, "{counts:?}");
    let d = practice.integration().dashboard(now()).unwrap();
    assert!(
        !d.overdue.is_empty() && !d.stalled.is_empty() && !d.due_this_week.is_empty(),
        "the data exercises every list"
    );
    // Its measures are real responses, scored: the insight view and the early warnings read them.
    let outcomes = practice.integration().outcomes("phq9", &Default::default()).unwrap();
    assert!(counts.measure_responses > 1000 && outcomes.arcs > 100, "{counts:?} {outcomes:?}");
    assert!(d.alerts.iter().any(|a| a.kind == arcwell::integration::alerts::AlertKind::Deterioration), "a few worsen");

    let plain_path = dir.path().join("plain.db");
    synthetic::export_plaintext(&practice, &plain_path).unwrap();
    let mut plain = synthetic::open_plaintext(&plain_path).unwrap();
    let p = plain.integration().dashboard(now()).unwrap();
    assert_eq!(
        (p.overdue.len(), p.stalled.len(), p.alerts.len()),
        (d.overdue.len(), d.stalled.len(), d.alerts.len()),
        "the plain copy holds the same practice"
    );
    assert!(std::fs::read(&plain_path).unwrap().starts_with(b"SQLite format 3\0"), "the copy really is plain");
    let q = |text: &str| arcwell::search::SearchQuery { text: text.into(), limit: Some(500), ..Default::default() };
    for text in ["sleep", "garden prayer", "\"fear of losing control\""] {
        let enc: Vec<_> = practice.search(&q(text)).unwrap().into_iter().map(|h| h.id).collect();
        let pl: Vec<_> = plain.search(&q(text)).unwrap().into_iter().map(|h| h.id).collect();
        assert!(!enc.is_empty(), "{text:?} finds notes in the synthetic practice");
        assert_eq!(enc, pl, "{text:?}: the plain copy's index finds the same, in the same order");
    }
    assert_eq!(
        practice.integration().verify_derived().unwrap(),
        Vec::<String>::new(),
        "the triggers kept every arc's facts"
    );
}

#[test]
fn a_real_practice_is_never_copied_unencrypted() {
    let (fx, practice) = Fixture::new();
    let err = synthetic::export_plaintext(&practice, &fx.path().join("leak.db")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict);
    assert!(!fx.path().join("leak.db").exists(), "nothing was written");
}

//! The Outcomes screen's one reading (`Integration::insight`) against its parts, and the values the
//! core keeps for it: what each arc was given (`arc_given`) and each score's criterion.

use arcwell::Practice;
use arcwell::documents::document::SaveDocument;
use arcwell::domain::arc::{AdvanceArc, OpenArc, Phase};
use arcwell::domain::participant::ParticipantInput;
use arcwell::integration::cohort::{CohortFilter, GroupBy};
use arcwell::measures::response::{GiveMeasure, Timepoint};
use chrono::{Duration, NaiveDate};
use serde_json::json;
use uuid::Uuid;

use crate::support::{Fixture, now, raw_connection};

fn assert_same_as_parts(p: &mut Practice, measure: &str, filter: &CohortFilter, by: GroupBy) {
    let whole = p.integration().insight(measure, filter, by, now()).unwrap();
    let (overall, groups) = p.integration().outcomes_and_groups(measure, filter, by).unwrap();
    assert_eq!(whole.overall, overall, "{measure} {filter:?}");
    assert_eq!(whole.groups, groups);
    assert_eq!(whole.engagement, p.integration().engagement(filter, now()).unwrap());
    assert_eq!(whole.predictors, p.integration().predictors(measure, filter).unwrap());
    assert_eq!(whole.timelines, p.integration().timelines(filter, now()).unwrap());
    assert_eq!(whole.approaches, p.arcs().approach_tags().unwrap());
}

#[test]
fn the_insight_view_is_its_parts_in_one_reading_on_the_demo_practice() {
    let (_fx, mut p) = Fixture::new();
    arcwell::demo::seed(&mut p, now()).unwrap();
    let all = CohortFilter::default();
    let whole = p.integration().insight("phq9", &all, GroupBy::Approach, now()).unwrap();
    // The demo has something in every part, so the comparison below compares something.
    assert!(whole.overall.arcs >= 5 && whole.engagement.checkins > 20, "{:?}", whole.engagement);
    assert!(whole.predictors.arcs.iter().any(|a| a.meq30.is_some() && a.dose_mg.is_some()));
    assert!(whole.predictors.arcs.iter().any(|a| a.complete_mystical == Some(true)));
    assert!(whole.timelines.iter().any(|t| t.lateness_days.is_some()));
    for (measure, filter, by) in [
        ("phq9", all.clone(), GroupBy::Approach),
        ("gad7", all.clone(), GroupBy::Dose),
        ("who5", CohortFilter { substance: Some("psilocybin".into()), ..Default::default() }, GroupBy::Plan),
        ("phq9", CohortFilter { from: NaiveDate::from_ymd_opt(2026, 9, 1), ..Default::default() }, GroupBy::Substance),
        ("phq9", CohortFilter { dose_min_mg: Some(20.0), ..Default::default() }, GroupBy::Dose),
    ] {
        assert_same_as_parts(&mut p, measure, &filter, by);
    }
    assert_eq!(p.integration().verify_derived().unwrap(), Vec::<String>::new());
}

fn arc_with_record(p: &mut Practice, mg: f64) -> (Uuid, Uuid) {
    let person = p
        .participants()
        .add(&ParticipantInput { name: "Wrenna Falloway".into(), ..Default::default() }, now())
        .unwrap();
    let arc = p.open_arc(&OpenArc { participant_id: person.id, intention: None, plan_id: None }, now()).unwrap().id;
    p.advance_arc(arc, &AdvanceArc { to: Phase::Preparation, reason: None }, now()).unwrap();
    let template = p.templates().list().unwrap().into_iter().find(|t| t.family == "arcwell.administration").unwrap().id;
    let at = (now() - Duration::days(3)).to_rfc3339();
    let answers = json!({ "session_start": at, "doses": [{ "substance": "Psilocybin", "amount": mg, "at": at }] });
    let input = SaveDocument {
        arc_id: arc,
        template_id: template,
        answers: answers.as_object().unwrap().clone(),
        ..SaveDocument::default()
    };
    let doc = p.documents().add(&input, now()).unwrap().document.id;
    (arc, doc)
}

#[test]
fn what_was_given_is_kept_from_the_signed_record_as_amended() {
    let (fx, mut p) = Fixture::new();
    let (arc, doc) = arc_with_record(&mut p, 20.0);
    assert_eq!(raw_read(fx.path()), vec![], "a draft gives nothing");
    p.documents().sign(doc, now()).unwrap();
    assert_eq!(raw_read(fx.path()), vec![(arc.to_string(), Some("Psilocybin".into()), Some(20.0))]);
    let changes = json!({ "doses": [
        { "substance": "Psilocybin", "amount": 20.0, "at": (now() - Duration::days(3)).to_rfc3339() },
        { "substance": "Other", "amount": 10.0, "at": (now() - Duration::days(3)).to_rfc3339() },
    ]});
    p.documents().amend(doc, changes.as_object().unwrap(), "a second dose was left out", now()).unwrap();
    assert_eq!(raw_read(fx.path()), vec![(arc.to_string(), Some("Psilocybin + Other".into()), Some(30.0))]);
    assert_eq!(p.integration().verify_derived().unwrap(), Vec::<String>::new());
    // The figures group and filter by the amended total.
    let baseline = GiveMeasure {
        arc_id: arc,
        measure: "phq9".into(),
        timepoint: Timepoint::Baseline,
        at: None,
        checkin_id: None,
        session_id: None,
        answers: (1..=9).map(|i| (i.to_string(), json!(1))).collect(),
    };
    p.measures().give(&baseline, now()).unwrap();
    let groups = p.integration().outcome_groups("phq9", &CohortFilter::default(), GroupBy::Dose).unwrap();
    assert_eq!(
        groups.iter().map(|g| (g.label.as_str(), g.outcomes.baseline_only)).collect::<Vec<_>>(),
        [("25 to 35 mg", 1)]
    );
    let f = CohortFilter { dose_max_mg: Some(25.0), ..Default::default() };
    assert_eq!(p.integration().insight("phq9", &f, GroupBy::Dose, now()).unwrap().overall.baseline_only, 0);

    // Kept values changed behind the core's back are reported.
    drop(p);
    raw_connection(fx.path()).execute_batch("UPDATE arc_given SET dose_mg = 5").unwrap();
    let problems = fx.reopen().integration().verify_derived().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("what was given"), "{problems:?}");
}

fn raw_read(dir: &std::path::Path) -> Vec<(String, Option<String>, Option<f64>)> {
    let conn = raw_connection(dir);
    let mut stmt = conn.prepare("SELECT arc_id, substance, dose_mg FROM arc_given ORDER BY arc_id").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().collect::<rusqlite::Result<_>>().unwrap()
}

#[test]
fn a_practice_from_before_the_kept_values_gains_them_on_its_first_open() {
    let (fx, mut p) = Fixture::new();
    arcwell::demo::seed(&mut p, now()).unwrap();
    let before = p.integration().insight("phq9", &CohortFilter::default(), GroupBy::Dose, now()).unwrap();
    drop(p);
    // As schema 15's migration leaves a practice: the kept values empty, the work pending.
    raw_connection(fx.path())
        .execute_batch(
            "DELETE FROM arc_given; UPDATE measure_response SET criterion = NULL;
             INSERT INTO derived_pending (name) VALUES ('arc_given'), ('measure_criterion');",
        )
        .unwrap();
    let mut p = fx.reopen();
    assert_eq!(p.integration().insight("phq9", &CohortFilter::default(), GroupBy::Dose, now()).unwrap(), before);
    assert_eq!(p.integration().verify_derived().unwrap(), Vec::<String>::new());
    drop(p);
    let conn = raw_connection(fx.path());
    let pending: i64 = conn.query_row("SELECT count(*) FROM derived_pending", [], |r| r.get(0)).unwrap();
    let criteria: i64 =
        conn.query_row("SELECT count(*) FROM measure_response WHERE criterion IS NOT NULL", [], |r| r.get(0)).unwrap();
    assert_eq!(pending, 0, "the work is done once");
    assert!(criteria > 0, "the demo's complete mystical experiences are kept again");
}

//! Outcome measures against a real practice: responses scored and kept, a critical answer raising
//! an urgent alert at once, withdrawal, trajectories against baseline, and the refusals.

use arcwell::domain::arc::{AdvanceArc, OpenArc, Phase};
use arcwell::domain::participant::ParticipantInput;
use arcwell::integration::alerts::{AlertKind, Severity};
use arcwell::measures::response::{GiveMeasure, Timepoint};
use arcwell::stats::{Mean, Rate};
use arcwell::{ErrorCode, Practice};
use chrono::Duration;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::support::{Fixture, now};

fn arc(p: &mut Practice) -> Uuid {
    let pid = p
        .participants()
        .add(&ParticipantInput { name: "Marisol Quenby".into(), ..Default::default() }, now())
        .unwrap()
        .id;
    let arc = p.open_arc(&OpenArc { participant_id: pid, intention: None, plan_id: None }, now()).unwrap().id;
    p.advance_arc(arc, &AdvanceArc { to: Phase::Preparation, reason: None }, now()).unwrap();
    arc
}

fn answers(values: &[i64]) -> Map<String, Value> {
    values.iter().enumerate().map(|(i, v)| ((i + 1).to_string(), json!(v))).collect()
}

fn give(arc: Uuid, measure: &str, timepoint: Timepoint, days_ago: i64, values: &[i64]) -> GiveMeasure {
    GiveMeasure {
        arc_id: arc,
        measure: measure.into(),
        timepoint,
        at: Some((now() - Duration::days(days_ago)).to_rfc3339()),
        checkin_id: None,
        session_id: None,
        answers: answers(values),
    }
}

#[test]
fn responses_are_scored_kept_and_read_back_as_trajectories_against_baseline() {
    let (fx, mut p) = Fixture::new();
    let arc = arc(&mut p);
    // PHQ-9 baseline 16 (moderately severe), then 10 at one month, then 4 at three months.
    let base =
        p.measures().give(&give(arc, "phq9", Timepoint::Baseline, 100, &[2, 2, 2, 2, 2, 2, 2, 2, 0]), now()).unwrap();
    assert_eq!((base.score.total, base.score.band.as_deref()), (Some(16.0), Some("Moderately severe")));
    p.measures().give(&give(arc, "phq9", Timepoint::FollowUp, 60, &[1, 1, 1, 2, 1, 1, 2, 1, 0]), now()).unwrap();
    p.measures().give(&give(arc, "phq9", Timepoint::FollowUp, 5, &[1, 0, 1, 1, 0, 0, 1, 0, 0]), now()).unwrap();
    // WHO-5 from 40 to 56: a meaningful rise.
    p.measures().give(&give(arc, "who5", Timepoint::Baseline, 100, &[2, 2, 2, 2, 2]), now()).unwrap();
    p.measures().give(&give(arc, "who5", Timepoint::FollowUp, 5, &[3, 3, 2, 3, 3]), now()).unwrap();

    let t = p.measures().trajectories(arc).unwrap();
    assert_eq!(t.iter().map(|t| t.measure.as_str()).collect::<Vec<_>>(), ["phq9", "who5"]);
    let phq = &t[0];
    assert_eq!(phq.baseline, Some(base.id));
    let totals: Vec<_> = phq.points.iter().map(|p| p.total).collect();
    assert_eq!(totals, [Some(16.0), Some(10.0), Some(4.0)], "in time order");
    let changes: Vec<_> = phq.points.iter().map(|p| p.change).collect();
    assert_eq!(changes, [Some(0.0), Some(-6.0), Some(-12.0)]);
    assert_eq!(
        phq.points.iter().map(|p| p.response).collect::<Vec<_>>(),
        [false, false, true],
        "10 is a 37.5 % fall; 4 is 75 %"
    );
    assert_eq!(phq.points.iter().map(|p| p.remission).collect::<Vec<_>>(), [false, false, true], "remission below 5");
    assert_eq!(
        phq.points.iter().map(|p| p.improved).collect::<Vec<_>>(),
        [false, true, true],
        "at least 5 points better"
    );
    let who = &t[1];
    assert_eq!(
        who.points.iter().map(|p| (p.total, p.improved)).collect::<Vec<_>>(),
        [(Some(40.0), false), (Some(56.0), true)]
    );

    // Kept in the encrypted file: a new process reads the same.
    drop(p);
    let mut p = fx.reopen();
    assert_eq!(p.measures().responses(arc).unwrap().len(), 5);
    assert!(crate::support::files_containing(fx.path(), "Marisol").is_empty(), "nothing readable on disk");
}

#[test]
fn a_critical_answer_raises_an_urgent_alert_at_once_until_acknowledged() {
    let (_fx, mut p) = Fixture::new();
    let arc = arc(&mut p);
    let fine =
        p.measures().give(&give(arc, "phq9", Timepoint::Baseline, 1, &[1, 1, 1, 1, 1, 1, 1, 1, 0]), now()).unwrap();
    assert!(fine.score.critical.is_empty());
    assert!(p.alerts().list(now(), false).unwrap().iter().all(|a| a.kind != AlertKind::CriticalAnswer));

    let mut only9 = Map::new();
    only9.insert("9".into(), json!(2));
    let input = GiveMeasure { answers: only9, at: None, ..give(arc, "phq9", Timepoint::Other, 0, &[]) };
    let r = p.measures().give(&input, now()).unwrap();
    assert_eq!(r.score.total, None, "one item answered: no total");
    let alerts = p.alerts().list(now(), false).unwrap();
    let a = alerts.iter().find(|a| a.kind == AlertKind::CriticalAnswer).expect("raised at once");
    assert_eq!(a.key, format!("critical:{}", r.id));
    assert_eq!(a.severity, Severity::Urgent);
    assert_eq!(a.participant_name, "Marisol Quenby");
    assert!(
        a.reason.contains("PHQ-9 item 9")
            && a.reason.contains("More than half the days")
            && a.reason.contains("safety"),
        "{}",
        a.reason
    );
    let dash = p.integration().dashboard(now()).unwrap();
    assert!(dash.alerts.iter().any(|x| x.key == a.key), "Today shows it");
    assert_eq!(dash.alerts[0].key, a.key, "urgent first");

    p.alerts().acknowledge(&a.key, now()).unwrap();
    assert!(p.alerts().list(now(), false).unwrap().iter().all(|x| x.key != a.key), "acknowledged: it stays away");
    // A withdrawn response raises nothing.
    let again = p.measures().give(&input, now()).unwrap();
    assert!(p.alerts().list(now(), false).unwrap().iter().any(|x| x.key == format!("critical:{}", again.id)));
    let w = p.measures().withdraw(again.id, "Entered for the wrong participant", now()).unwrap();
    assert!(w.withdrawn.is_some());
    assert!(p.alerts().list(now(), true).unwrap().iter().all(|x| x.key != format!("critical:{}", again.id)));
    assert!(p.measures().trajectories(arc).unwrap()[0].points.iter().all(|pt| pt.response_id != again.id));
    let twice = p.measures().withdraw(again.id, "again", now());
    assert_eq!(twice.unwrap_err().code(), ErrorCode::Conflict);
}

#[test]
fn wrong_answers_times_and_arcs_are_refused_and_nothing_is_saved() {
    let (_fx, mut p) = Fixture::new();
    let arc = arc(&mut p);
    let cases = [
        (
            "an answer out of range",
            give(arc, "phq9", Timepoint::Baseline, 1, &[4]),
            ErrorCode::InvalidInput,
            "not one of its answers",
        ),
        (
            "an unknown measure",
            give(arc, "ceq", Timepoint::Baseline, 1, &[1]),
            ErrorCode::InvalidInput,
            "not a measure",
        ),
        (
            "nothing answered",
            give(arc, "gad7", Timepoint::Baseline, 1, &[]),
            ErrorCode::InvalidInput,
            "answer at least one",
        ),
        ("the future", give(arc, "gad7", Timepoint::Baseline, -2, &[1]), ErrorCode::InvalidInput, "future"),
        ("an unknown arc", give(Uuid::new_v4(), "gad7", Timepoint::Baseline, 1, &[1]), ErrorCode::NotFound, ""),
        (
            "a check-in that is not there",
            GiveMeasure { checkin_id: Some(Uuid::new_v4()), ..give(arc, "gad7", Timepoint::FollowUp, 1, &[1]) },
            ErrorCode::NotFound,
            "check-in",
        ),
    ];
    for (what, input, code, says) in cases {
        let e = p.measures().give(&input, now()).unwrap_err();
        assert_eq!(e.code(), code, "{what}: {e}");
        assert!(e.to_string().contains(says), "{what}: {e}");
    }
    let bad_time = GiveMeasure { at: Some("yesterday-ish".into()), ..give(arc, "gad7", Timepoint::Baseline, 1, &[1]) };
    assert_eq!(p.measures().give(&bad_time, now()).unwrap_err().code(), ErrorCode::InvalidInput);
    assert!(p.measures().responses(arc).unwrap().is_empty(), "nothing was saved");

    p.advance_arc(arc, &AdvanceArc { to: Phase::Withdrawn, reason: Some("Moved away".into()) }, now()).unwrap();
    let closed = p.measures().give(&give(arc, "gad7", Timepoint::Other, 0, &[1]), now());
    assert_eq!(closed.unwrap_err().code(), ErrorCode::Conflict, "a closed arc takes no measures");
}

/// PHQ-9 answers adding up to `total` (item 9 left at 0).
fn phq(total: i64) -> Vec<i64> {
    let mut left = total;
    let mut v: Vec<i64> = (0..8)
        .map(|_| {
            let x = left.min(3);
            left -= x;
            x
        })
        .collect();
    v.push(0);
    v
}

/// Signs an administration record on `arc` saying `mg` of `substance` was given.
fn dosed(p: &mut Practice, arc: Uuid, substance: &str, mg: f64) {
    use arcwell::documents::document::SaveDocument;
    let template = p.templates().list().unwrap().into_iter().find(|t| t.family == "arcwell.administration").unwrap().id;
    let at = (now() - Duration::days(101)).to_rfc3339();
    let answers = json!({ "session_start": at, "doses": [{ "substance": substance, "amount": mg, "at": at }] });
    let input = SaveDocument {
        arc_id: arc,
        template_id: template,
        answers: answers.as_object().unwrap().clone(),
        ..SaveDocument::default()
    };
    let doc = p.documents().add(&input, now()).unwrap();
    p.documents().sign(doc.document.id, now()).unwrap();
}

#[test]
fn practice_outcomes_on_a_small_cohort_match_the_figures_computed_by_hand() {
    use arcwell::integration::cohort::{CohortFilter, GroupBy};
    use arcwell::integration::plan::PlanInput;
    let (_fx, mut p) = Fixture::new();
    let other = p.plans().default().unwrap();
    let other = p
        .plans()
        .create(
            &PlanInput {
                name: "Somatic integration".into(),
                steps: other.steps,
                baseline_measures: vec![],
                make_default: false,
            },
            now(),
        )
        .unwrap()
        .id;
    // (baseline, latest, days ago of the baseline, plan, dose in mg of psilocybin, approaches)
    type Row = (i64, Option<i64>, i64, Option<Uuid>, Option<f64>, &'static [&'static str]);
    let cohort: [Row; 5] = [
        (20, Some(8), 100, None, Some(25.0), &["ifs"]), // −12, a 60 % fall: response, not remission (8), improved
        (12, Some(5), 50, None, Some(10.0), &["ifs", "somatic"]), // −7, 58 %: response, not remission (5 is not below 5), improved
        (10, Some(12), 50, None, Some(24.0), &["somatic"]),       // +2: nothing
        (15, None, 50, None, None, &[]),                          // baseline only: not in the figures
        (9, Some(3), 50, Some(other), None, &["Somatic"]),        // −6, 67 %: response, remission, improved
    ];
    // Each row three times over: twelve arcs in the figures, enough (5 or more) to say something.
    for (base, latest, ago, plan, mg, approaches) in cohort.iter().flat_map(|r| [*r; 3]) {
        let a = arc(&mut p);
        if let Some(plan) = plan {
            p.plans().set_for_arc(a, Some(plan)).unwrap();
        }
        if let Some(mg) = mg {
            dosed(&mut p, a, "Psilocybin", mg);
        }
        p.arcs().set_approaches(a, &approaches.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
        p.measures().give(&give(a, "phq9", Timepoint::Baseline, ago, &phq(base)), now()).unwrap();
        if let Some(l) = latest {
            // An earlier follow-up that the latest one supersedes.
            p.measures().give(&give(a, "phq9", Timepoint::FollowUp, ago - 20, &phq(base)), now()).unwrap();
            p.measures().give(&give(a, "phq9", Timepoint::FollowUp, 2, &phq(l)), now()).unwrap();
        }
    }
    // The figures and their 95 % intervals, computed by hand (Wilson; Student t with n − 1 df).
    let mean = |m: Mean| (m.value, m.low, m.high);
    let rate = |r: Option<Rate>| r.map(|r| (r.hits, r.n, r.value, r.low, r.high));
    let all = p.integration().outcomes("phq9", &CohortFilter::default()).unwrap();
    assert_eq!((all.arcs, all.baseline_only), (12, 3));
    assert_eq!(mean(all.mean_baseline), (Some(12.8), Some(9.9), Some(15.6)), "(20 + 12 + 10 + 9) / 4 = 12.75, sd 4.52");
    assert_eq!(all.mean_baseline.sd, Some(4.52));
    assert_eq!(mean(all.mean_latest), (Some(7.0), Some(4.7), Some(9.3)), "(8 + 5 + 12 + 3) / 4");
    assert_eq!(mean(all.mean_change), (Some(-5.8), Some(-9.1), Some(-2.4)), "(−12 − 7 + 2 − 6) / 4 = −5.75");
    assert_eq!(rate(all.response_rate), Some((9, 12, Some(0.75), Some(0.468), Some(0.911))));
    assert_eq!(rate(all.remission_rate), Some((3, 12, Some(0.25), Some(0.089), Some(0.532))));
    assert_eq!(rate(all.improved_rate), Some((9, 12, Some(0.75), Some(0.468), Some(0.911))));
    assert_eq!(
        rate(all.worsened_rate),
        Some((0, 12, Some(0.0), Some(0.0), Some(0.242))),
        "none, and still not surely none"
    );

    let default = p.plans().default().unwrap().id;
    let standard =
        p.integration().outcomes("phq9", &CohortFilter { plan_id: Some(default), ..Default::default() }).unwrap();
    assert_eq!(standard.arcs, 9);
    assert_eq!(
        rate(standard.response_rate),
        Some((6, 9, Some(0.667), Some(0.354), Some(0.879))),
        "2 of 3 on the standard plan"
    );
    let recent = p
        .integration()
        .outcomes("phq9", &CohortFilter { from: Some((now() - Duration::days(70)).date_naive()), ..Default::default() })
        .unwrap();
    assert_eq!(recent.arcs, 9, "the baselines given 100 days ago are before the range");
    let who5 = p.integration().outcomes("who5", &CohortFilter::default()).unwrap();
    assert_eq!(
        (who5.arcs, who5.mean_change.n, mean(who5.mean_change), who5.response_rate),
        (0, 0, (None, None, None), None)
    );

    // By substance, dose and approach, from the signed administration records and the tags.
    let psilocybin =
        p.integration().outcomes("phq9", &CohortFilter { substance: Some("psilocybin".into()), ..Default::default() });
    assert_eq!(
        mean(psilocybin.unwrap().mean_change),
        (Some(-5.7), Some(-10.4), Some(-0.9)),
        "(−12 − 7 + 2) / 3 = −5.67"
    );
    let mid = CohortFilter { dose_min_mg: Some(10.0), dose_max_mg: Some(25.0), ..Default::default() };
    let mid = p.integration().outcomes("phq9", &mid).unwrap();
    assert_eq!(mid.arcs, 6, "10 and 24 mg; 25 is out");
    assert_eq!(
        mean(mid.mean_change),
        (Some(-2.5), Some(-7.7), Some(2.7)),
        "an interval across 0: no change is as likely"
    );
    assert_eq!(rate(mid.response_rate), Some((3, 6, Some(0.5), Some(0.188), Some(0.812))));
    let somatic = p
        .integration()
        .outcomes("phq9", &CohortFilter { approach: Some("somatic".into()), ..Default::default() })
        .unwrap();
    assert_eq!(somatic.arcs, 9, "tags are case-blind");
    assert_eq!(mean(somatic.mean_change), (Some(-3.7), Some(-7.0), Some(-0.4)), "(−7 + 2 − 6) / 3");

    let summary = |groups: Vec<arcwell::integration::outcomes::OutcomeGroup>| -> Vec<(String, u32, u32, Option<f64>)> {
        groups
            .into_iter()
            .map(|g| (g.label, g.outcomes.arcs, g.outcomes.baseline_only, g.outcomes.mean_change.value))
            .collect()
    };
    let by_dose = summary(p.integration().outcome_groups("phq9", &CohortFilter::default(), GroupBy::Dose).unwrap());
    assert_eq!(
        by_dose,
        [
            ("10 to under 25 mg".to_owned(), 6, 0, Some(-2.5)),
            ("25 to 35 mg".to_owned(), 3, 0, None),
            ("not recorded".to_owned(), 3, 3, None),
        ],
        "in the tiers' order, arcs without a record last; three arcs are too few to say"
    );
    let by_approach =
        summary(p.integration().outcome_groups("phq9", &CohortFilter::default(), GroupBy::Approach).unwrap());
    assert_eq!(
        by_approach,
        [
            ("somatic".to_owned(), 9, 0, Some(-3.7)),
            ("ifs".to_owned(), 6, 0, Some(-9.5)),
            ("not recorded".to_owned(), 0, 3, None),
        ],
        "an arc with two tags counts in both; largest group first"
    );
    let (overall, _) = p.integration().outcomes_and_groups("phq9", &CohortFilter::default(), GroupBy::Plan).unwrap();
    assert_eq!(overall, all, "the app's one-reading call gives the same overall figures");
    let by_plan = summary(p.integration().outcome_groups("phq9", &CohortFilter::default(), GroupBy::Plan).unwrap());
    assert_eq!(by_plan[1], ("Somatic integration".to_owned(), 3, 0, None));
    let err =
        p.integration().outcomes("phq9", &CohortFilter { dose_min_mg: Some(-1.0), ..Default::default() }).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
}

#[test]
fn the_plans_measurement_schedule_asks_for_a_baseline_then_rides_on_the_queued_check_ins() {
    use arcwell::domain::session::{CompleteSession, ScheduleSession, SessionKind};
    use arcwell::integration::plan::PlanInput;
    let (_fx, mut p) = Fixture::new();
    let standard = p.plans().default().unwrap();
    assert_eq!(standard.baseline_measures, ["phq9", "gad7", "who5"], "the shipped schedule");
    let per_step: Vec<(String, Vec<String>)> =
        standard.steps.iter().map(|s| (s.offset.label(), s.measures.clone())).collect();
    assert_eq!(per_step[0], ("24 hours".to_owned(), vec!["ebi".to_owned(), "meq30".to_owned()]));
    assert!(per_step[1..4].iter().all(|(_, m)| m.is_empty()));
    assert_eq!(per_step[4].1, ["phq9", "gad7", "who5"], "1 month");
    assert_eq!(per_step[5].1, ["phq9", "gad7", "who5"], "3 months");

    let arc = arc(&mut p);
    assert_eq!(p.integration().measures_due(arc).unwrap().baseline, ["phq9", "gad7", "who5"]);
    p.measures().give(&give(arc, "phq9", Timepoint::Baseline, 3, &phq(14)), now()).unwrap();
    p.measures().give(&give(arc, "who5", Timepoint::Other, 3, &[2, 2, 2, 2, 2]), now()).unwrap();
    assert_eq!(
        p.integration().measures_due(arc).unwrap().baseline,
        ["gad7", "who5"],
        "only a baseline response counts as one"
    );

    p.advance_arc(arc, &AdvanceArc { to: Phase::Administration, reason: None }, now()).unwrap();
    let at = (now() - Duration::days(40)).to_rfc3339();
    let s = p
        .sessions()
        .schedule(&ScheduleSession { arc_id: arc, kind: SessionKind::Administration, at: at.clone(), location: None })
        .unwrap();
    let ended = (now() - Duration::days(40) + Duration::hours(6)).to_rfc3339();
    p.complete_session(s.id, &CompleteSession { started: at, ended, follow_up: None, document_id: None }, now())
        .unwrap();
    // Editing the plan now changes no check-in already queued.
    let mut steps = standard.steps.clone();
    steps[0].measures = vec!["pcl5".into()];
    let input = PlanInput { name: standard.name.clone(), steps, baseline_measures: vec![], make_default: false };
    p.plans().edit(standard.id, &input, now()).unwrap();

    let due = p.integration().measures_due(arc).unwrap();
    assert!(due.baseline.is_empty(), "in integration a baseline is no longer asked for");
    let asked: Vec<Vec<String>> = due.checkins.iter().map(|c| c.measures.clone()).collect();
    assert_eq!(
        asked,
        [
            vec!["ebi".to_owned(), "meq30".into()],
            vec!["phq9".into(), "gad7".into(), "who5".into()],
            vec!["phq9".into(), "gad7".into(), "who5".into()]
        ]
    );
    let day_after = due.checkins[0].checkin_id;
    let ebi = GiveMeasure {
        checkin_id: Some(day_after),
        ..give(arc, "ebi", Timepoint::AfterAdministration, 39, &[70, 60, 50, 80, 75, 65])
    };
    p.measures().give(&ebi, now()).unwrap();
    let due = p.integration().measures_due(arc).unwrap();
    assert_eq!(due.checkins[0].measures, ["meq30"], "the EBI given at its check-in is no longer asked for");
    let meq =
        GiveMeasure { checkin_id: Some(day_after), ..give(arc, "meq30", Timepoint::AfterAdministration, 39, &[3; 30]) };
    assert_eq!(p.measures().give(&meq, now()).unwrap().score.total, Some(3.0));
    assert_eq!(p.integration().measures_due(arc).unwrap().checkins.len(), 2, "nor, once given, the MEQ-30");

    let bad = PlanInput {
        name: "Typo".into(),
        steps: standard.steps.clone(),
        baseline_measures: vec!["phq8".into()],
        make_default: false,
    };
    assert!(
        p.plans().create(&bad, now()).unwrap_err().to_string().contains("not a measure"),
        "an unknown measure is refused"
    );
}

#[test]
fn what_predicts_change_matches_associations_computed_by_hand_and_ranks_them() {
    use arcwell::integration::cohort::CohortFilter;
    use arcwell::integration::predictors::CovariateKind;
    let (_fx, mut p) = Fixture::new();
    // Ten arcs: PHQ-9 from 15 by `change`; psilocybin mg; every MEQ-30 item answered `meq` (a
    // total of `meq`, a complete mystical experience from 3 on); some tagged somatic.
    let dose = [10.0, 25.0, 24.0, 30.0, 5.0, 18.0, 22.0, 12.0, 28.0, 15.0];
    let change = [-7, -12, 2, -9, 1, -3, -8, 0, -10, -4];
    let meq = [2, 4, 1, 5, 0, 3, 4, 1, 5, 2];
    let somatic = [true, true, false, true, false, false, true, false, true, false];
    for i in 0..10 {
        let a = arc(&mut p);
        dosed(&mut p, a, "Psilocybin", dose[i]);
        if somatic[i] {
            p.arcs().set_approaches(a, &["somatic".into()]).unwrap();
        }
        p.measures().give(&give(a, "phq9", Timepoint::Baseline, 60, &phq(15)), now()).unwrap();
        p.measures().give(&give(a, "meq30", Timepoint::AfterAdministration, 50, &[meq[i]; 30]), now()).unwrap();
        p.measures().give(&give(a, "phq9", Timepoint::FollowUp, 2, &phq(15 + change[i])), now()).unwrap();
    }
    let got = p.integration().predictors("phq9", &CohortFilter::default()).unwrap();
    assert_eq!(got.arcs.len(), 10);
    assert_eq!((got.change.value, got.change.n), (Some(-5.0), 10));
    assert!(got.caution.contains("not causes"), "the caution travels with the figures");
    let one = |key: &str| got.predictors.iter().find(|x| x.key == key).unwrap_or_else(|| panic!("{key}")).clone();

    // Spearman's ρ with Fisher's interval, and Welch's differences, as computed by hand (Python).
    let m = one("meq30");
    assert_eq!(
        (m.kind, m.n, m.effect, m.low, m.high, m.clear),
        (CovariateKind::Number, 10, Some(-0.884), Some(-0.973), Some(-0.557), true)
    );
    assert_eq!(m.reading, "arcs with a higher MEQ-30 total improved more");
    let d = one("dose_mg");
    assert_eq!((d.effect, d.low, d.high, d.clear), (Some(-0.612), Some(-0.901), Some(0.05), false));
    assert_eq!(d.reading, "no clear association");
    let s = one("approach:somatic");
    assert_eq!(
        (s.kind, s.n, s.n_rest, s.effect, s.low, s.high),
        (CovariateKind::Group, 5, Some(5), Some(-8.4), Some(-11.8), Some(-5.0))
    );
    assert_eq!(s.reading, "improved more than the rest, by 8.4 points");
    let c = one("complete mystical experience:yes");
    assert_eq!((c.effect, c.low, c.high), (Some(-6.8), Some(-12.0), Some(-1.6)));
    assert_eq!((one("ebi").reading.as_str(), one("ebi").n), ("too few arcs to say", 0));
    assert_eq!(one("checkins_completed").reading, "the same in all 10 arcs: nothing to compare");
    assert!(
        got.predictors.iter().all(|x| x.key != "substance:Psilocybin" && !x.key.starts_with("plan:")),
        "every arc is in these: nothing to compare with, so they are not listed"
    );
    assert_eq!(one("complete mystical experience:no").reading, "improved less than the rest, by 6.8 points");

    // Clear ones first, strongest first on one scale: ρ 0.884, then the groups' d / √(d² + 4).
    let order: Vec<&str> = got.predictors.iter().take(4).map(|x| x.key.as_str()).collect();
    assert_eq!(
        order,
        ["meq30", "approach:somatic", "complete mystical experience:no", "complete mystical experience:yes"]
    );
    assert!(got.predictors.iter().skip(4).all(|x| !x.clear), "the clear ones are all at the top");

    // Each arc's row carries its covariates, ids only.
    let row = got.arcs.iter().find(|a| a.dose_mg == Some(30.0)).unwrap();
    assert_eq!(
        (row.change, row.meq30, row.complete_mystical, row.baseline_band.as_deref()),
        (-9.0, Some(5.0), Some(true), Some("Moderately severe"))
    );
}

//! Re-assessment and engagement against a real practice: the standard plan's 1- and 3-month
//! check-ins open the re-assessment form (started from the arc's intention and milestones), a
//! signed "referral needed" raises an urgent alert that follows amendments, and check-in
//! completion and time to completion are counted as computed by hand.

use arcwell::Practice;
use arcwell::documents::document::DocumentDetail;
use arcwell::domain::arc::{AdvanceArc, Phase};
use arcwell::integration::alerts::{AlertKind, Severity};
use arcwell::integration::checkin::{CheckIn, CompleteCheckIn};
use arcwell::integration::cohort::CohortFilter;
use arcwell::integration::milestone::NewMilestone;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};

use crate::support::{Fixture, dosed_arc, now};

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn referral_alerts(p: &mut Practice, all: bool) -> Vec<arcwell::integration::alerts::Alert> {
    p.alerts().list(now(), all).unwrap().into_iter().filter(|a| a.kind == AlertKind::DocumentAnswer).collect()
}

#[test]
fn a_signed_reassessment_with_a_referral_needed_raises_an_urgent_alert_that_follows_amendments() {
    let (_fx, mut p) = Fixture::new();
    let (arc, checkins) = dosed_arc(&mut p, "Ilse Marrow", 40);
    let marks: Vec<(String, bool)> = checkins.iter().map(|c| (c.purpose.clone(), c.reassessment)).collect();
    assert_eq!(
        marks.iter().map(|(_, r)| *r).collect::<Vec<_>>(),
        [false, false, false, false, true, true],
        "the standard plan re-assesses at 1 and 3 months: {marks:?}"
    );
    let title = "Play the cello every week";
    p.milestones()
        .add(
            &NewMilestone {
                arc_id: arc,
                title: title.into(),
                category: "lifestyle".into(),
                target_date: None,
                note: None,
            },
            now(),
        )
        .unwrap();
    let ms = p.integration().arc(arc, now()).unwrap().milestones;
    p.milestones()
        .set_status(ms[0].id, arcwell::integration::milestone::MilestoneStatus::InProgress, None, now())
        .unwrap();

    let day_after = p.checkins().document(checkins[0].id, now()).unwrap();
    assert_eq!(day_after.template.family, "arcwell.integration", "an ordinary check-in keeps the integration note");

    let month = checkins[4].id;
    let form: DocumentDetail = p.checkins().document(month, now()).unwrap();
    assert_eq!(form.template.family, "arcwell.reassessment");
    assert!(form.document.title.starts_with("Re-assessment: "), "{}", form.document.title);
    assert_eq!(
        form.current["goals"],
        json!([{ "goal": "Grieve my father and come back to my music" }]),
        "the intention is the first goal"
    );
    assert_eq!(form.current["milestones"], json!([{ "milestone": title, "status": "In progress" }]));
    assert_eq!(
        p.checkins().document(month, now()).unwrap().document.id,
        form.document.id,
        "coming back continues the same draft"
    );

    let mut answers = form.current.clone();
    answers.extend(obj(json!({
        "trajectory": "Somewhat better",
        "referral_needed": { "yes": true, "detail": "Sleep has not come back; to her GP for a sleep assessment" },
    })));
    let answers = obj(json!({ "goals": [{ "goal": "Grieve my father and come back to my music", "progress": "Progressing" }], "milestones": [{ "milestone": title, "status": "In progress" }] }))
        .into_iter()
        .chain(answers.into_iter().filter(|(k, _)| k != "goals" && k != "milestones"))
        .collect();
    p.documents().save_draft(form.document.id, &answers, now()).unwrap();
    assert!(referral_alerts(&mut p, true).is_empty(), "a draft raises nothing: the form is finished when signed");

    let done = CompleteCheckIn {
        note: "Re-assessed by phone".into(),
        contacted_at: None,
        document_id: Some(form.document.id),
    };
    p.checkins().complete(month, &done, now()).unwrap();
    let alerts = referral_alerts(&mut p, false);
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    let a = &alerts[0];
    assert_eq!((a.severity, a.arc_id, a.participant_name.as_str()), (Severity::Urgent, arc, "Ilse Marrow"));
    assert_eq!(a.key, format!("document:{}:referral_needed", form.document.id));
    assert!(a.reason.starts_with("Referral needed (Re-assessment: "), "{}", a.reason);
    assert!(a.reason.ends_with("to her GP for a sleep assessment"), "{}", a.reason);
    assert!(p.integration().dashboard(now()).unwrap().alerts.iter().any(|x| x.key == a.key), "on Today");

    // Amended to "no referral": the alert goes; amended back: the same alert returns.
    let no = obj(json!({ "referral_needed": { "yes": false } }));
    p.documents().amend(form.document.id, &no, "Talked it over: her GP already follows her sleep", now()).unwrap();
    assert!(referral_alerts(&mut p, true).is_empty());
    let yes = obj(json!({ "referral_needed": { "yes": true, "detail": "Sleep clinic after all" } }));
    p.documents().amend(form.document.id, &yes, "Sleep worse again", now()).unwrap();
    let back = referral_alerts(&mut p, false);
    assert_eq!((back.len(), back[0].key.as_str()), (1, a.key.as_str()));
    assert!(back[0].reason.ends_with("Sleep clinic after all"), "the detail follows the amendment");
    p.alerts().acknowledge(&a.key, now()).unwrap();
    assert!(referral_alerts(&mut p, false).is_empty(), "acknowledged like every alert");
    assert_eq!(referral_alerts(&mut p, true).len(), 1, "… and still listed with all");
}

fn at(c: &CheckIn, late: Duration) -> Option<String> {
    Some((c.due.utc + late).to_rfc3339())
}

#[test]
fn check_in_completion_and_time_to_completion_match_the_figures_computed_by_hand() {
    let (_fx, mut p) = Fixture::new();
    // Arc 1, dosed 40 days ago: 24 h done on its day, 72 h done two days late, 1 week skipped,
    // 2 weeks and 1 month left overdue; 3 months not yet due (not counted).
    let (one, c) = dosed_arc(&mut p, "Ilse Marrow", 40);
    let complete = |p: &mut Practice, c: &CheckIn, contacted: Option<String>| {
        p.checkins()
            .complete(c.id, &CompleteCheckIn { note: "Call".into(), contacted_at: contacted, document_id: None }, now())
            .unwrap();
    };
    complete(&mut p, &c[0], at(&c[0], Duration::zero()));
    complete(&mut p, &c[1], at(&c[1], Duration::days(2)));
    p.checkins().skip(c[2].id, "Away on a retreat", now()).unwrap();
    p.arcs().set_approaches(one, &["somatic".into()]).unwrap();
    let e = p
        .integration()
        .engagement(&CohortFilter { approach: Some("somatic".into()), ..Default::default() }, now())
        .unwrap();
    assert_eq!((e.checkins, e.completed, e.completed_on_time, e.skipped, e.overdue), (5, 2, 1, 1, 2));
    let share = |r: arcwell::stats::Rate| (r.hits, r.n, r.value, r.low, r.high);
    assert_eq!(share(e.completion_rate), (2, 5, Some(0.4), Some(0.118), Some(0.769)), "Wilson 95 %, by hand");
    assert_eq!(share(e.on_time_rate), (1, 5, Some(0.2), Some(0.036), Some(0.624)));
    assert_eq!(e.median_days_from_due, Some(1.0));
    assert_eq!((e.arcs_dosed, e.arcs_completed, e.median_days_to_completion), (1, 0, None));

    // Arc 2, dosed 60 days ago, completed now: closing skips its five past check-ins (counted)
    // and the 3-month one not yet due (not counted); 59.75 days from the session's end.
    let (two, _) = dosed_arc(&mut p, "Tomasz Ferrell", 60);
    p.advance_arc(two, &AdvanceArc { to: Phase::Completion, reason: None }, now()).unwrap();
    let all = p.integration().engagement(&CohortFilter::default(), now()).unwrap();
    assert_eq!((all.checkins, all.completed, all.skipped, all.overdue), (10, 2, 6, 2));
    assert_eq!(
        (share(all.completion_rate), all.arcs_dosed, all.arcs_completed),
        ((2, 10, Some(0.2), Some(0.057), Some(0.51)), 2, 1)
    );
    assert_eq!(all.median_days_to_completion, Some(59.8));

    let day = |d: DateTime<Utc>| Some(d.date_naive());
    let recent = CohortFilter { from: day(now() - Duration::days(45)), ..Default::default() };
    let recent = p.integration().engagement(&recent, now()).unwrap();
    assert_eq!(
        (recent.arcs_dosed, recent.checkins),
        (1, 5 + 1),
        "arc 2's session is before the range; its 1-month check-in is in it"
    );
}

#[test]
fn the_reassessment_forms_milestone_statuses_are_the_milestones_own() {
    use arcwell::documents::template::FieldKind;
    use arcwell::integration::milestone::MilestoneStatus;
    let form =
        arcwell::documents::shipped::templates().unwrap().into_iter().find(|t| t.family == "arcwell.reassessment");
    let form = form.expect("the re-assessment form is shipped");
    let FieldKind::Group { fields } = &form.fields.iter().find(|f| f.key == "milestones").unwrap().kind else {
        panic!("milestones is a group")
    };
    let FieldKind::Choice { options } = &fields.iter().find(|f| f.key == "status").unwrap().kind else {
        panic!("a milestone's status is a choice")
    };
    let labels: Vec<&str> = MilestoneStatus::ALL.iter().map(|s| s.label()).collect();
    assert_eq!(options, &labels, "the form is prefilled with these words");
    let referral = form.fields.iter().find(|f| f.key == "referral_needed").unwrap();
    assert!(referral.required && referral.alert.is_some(), "a referral needed raises an alert");
}

#[test]
fn timelines_per_step_match_the_lateness_computed_by_hand_and_a_suggestion_moves_the_step() {
    use arcwell::integration::cohort::CohortFilter;
    use arcwell::integration::schedule::{Offset, OffsetUnit};
    let (_fx, mut p) = Fixture::new();
    // Six arcs dosed 40 days ago. The 24-hour check-ins all done on their day; the 72-hour ones
    // done on time, then 1, 1, 1.5 and 2 days late, and one skipped; the rest left undone.
    let late = [Some(0.0), Some(1.0), Some(1.0), Some(1.5), Some(2.0), None];
    let names = ["Ilse Marrow", "Tomasz Ferrell", "Orla Vance", "Beni Aldous", "Cass Whitby", "Juno Pell"];
    let mut due_before = Vec::new();
    for (name, late) in names.into_iter().zip(late) {
        let (_, c) = dosed_arc(&mut p, name, 40);
        let done = |at: DateTime<Utc>| CompleteCheckIn {
            note: "Call".into(),
            contacted_at: Some(at.to_rfc3339()),
            document_id: None,
        };
        p.checkins().complete(c[0].id, &done(c[0].due.utc), now()).unwrap();
        match late {
            Some(d) => {
                let at = c[1].due.utc + Duration::minutes((d * 1440.0) as i64);
                p.checkins().complete(c[1].id, &done(at), now()).unwrap();
            }
            None => {
                p.checkins().skip(c[1].id, "Travelling", now()).unwrap();
            }
        }
        due_before.push(c[2].due.utc);
    }
    let steps = p.integration().timelines(&CohortFilter::default(), now()).unwrap();
    let step = |label: &str| steps.iter().find(|s| s.label == label).unwrap_or_else(|| panic!("{label}")).clone();
    let share = |r: arcwell::stats::Rate| (r.hits, r.n);

    let first = step("24 hours");
    assert_eq!((first.checkins, share(first.completed), share(first.on_day)), (6, (6, 6), (6, 6)));
    assert_eq!(first.lateness_days.map(|q| q.median), Some(0.0));
    assert_eq!(first.suggestion, None, "on time: nothing to suggest");

    let second = step("72 hours");
    assert_eq!((second.step, second.checkins), (Some(2), 6));
    assert_eq!((share(second.completed), share(second.on_day), share(second.skipped)), ((5, 6), (1, 6), (1, 6)));
    // Quartiles as statrs estimates them (R's type 8): 0.67, 1, 1.67 by hand.
    let q = second.lateness_days.unwrap();
    assert_eq!((q.q1, q.median, q.q3), (0.7, 1.0, 1.7));
    let s = second.suggestion.unwrap();
    assert_eq!(s.offset, Some(Offset { amount: 96, unit: OffsetUnit::Hours }));
    assert!(s.text.starts_with("your 72-hour check-ins are held on day 4 at the median, 1 day late"), "{}", s.text);

    let week = step("1 week");
    assert_eq!((week.checkins, share(week.completed), week.lateness_days, week.suggestion), (6, (0, 6), None, None));
    assert!(steps.iter().all(|s| s.label != "3 months"), "not yet due: nothing to count");

    // Applying it moves the plan's step; the check-ins already queued keep their times.
    let plan = second.plan_id;
    let moved = p.plans().move_step(plan, 2, Offset { amount: 96, unit: OffsetUnit::Hours }, now()).unwrap();
    assert_eq!(moved.steps[1].offset, Offset { amount: 96, unit: OffsetUnit::Hours });
    assert_eq!(moved.steps.len(), 6, "the other steps are as they were");
    // A new version of the plan, the one before kept whole beside it.
    let history = p.plans().history(plan).unwrap();
    assert_eq!((moved.version, history.len()), (2, 2), "{history:#?}");
    assert_eq!(history[0].version, 2);
    assert_eq!(history[0].steps, moved.steps);
    assert_eq!(history[0].note.as_deref(), Some("step 2 moved from 72 hours to 96 hours"));
    assert_eq!(history[1].version, 1, "the standard plan as it was shipped");
    assert_eq!(history[1].steps[1].offset, Offset { amount: 72, unit: OffsetUnit::Hours });
    let mut before = moved.steps.clone();
    before[1].offset = Offset { amount: 72, unit: OffsetUnit::Hours };
    assert_eq!(history[1].steps, before, "version 1, written by the migration, reads back step for step");
    let after: Vec<DateTime<Utc>> = p
        .checkins()
        .list(&Default::default())
        .unwrap()
        .iter()
        .filter(|c| c.offset == Some(Offset { amount: 1, unit: OffsetUnit::Weeks }))
        .map(|c| c.due.utc)
        .collect();
    assert_eq!(after.len(), 6);
    assert!(after.iter().all(|d| due_before.contains(d)), "queued check-ins keep their times");
    assert_eq!(
        p.plans().move_step(plan, 9, Offset { amount: 1, unit: OffsetUnit::Days }, now()).unwrap_err().code(),
        arcwell::ErrorCode::NotFound
    );
}

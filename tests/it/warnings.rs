//! Early warnings against a real encrypted practice: each rule raised by the records that should
//! raise it and not by those just short of it, ended when its fact no longer holds, counted on
//! Today and told once by the scheduler's notification, without names by default.

use arcwell::Practice;
use arcwell::documents::document::SaveDocument;
use arcwell::domain::arc::{AdvanceArc, OpenArc, Phase};
use arcwell::domain::participant::ParticipantInput;
use arcwell::domain::session::{CompleteSession, ScheduleSession, SessionKind};
use arcwell::integration::alerts::{Alert, AlertKind, Severity};
use arcwell::integration::checkin::{CheckInFilter, CompleteCheckIn};
use arcwell::integration::milestone::{MilestoneStatus, NewMilestone};
use arcwell::measures::response::{GiveMeasure, Timepoint};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::support::{Fixture, now};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// An arc in integration, dosed on 1 October 2026 (Berlin), its six check-ins queued.
fn dosed(p: &mut Practice, name: &str) -> Uuid {
    let at = t("2026-09-01T09:00:00Z");
    let pid = p.participants().add(&ParticipantInput { name: name.into(), ..Default::default() }, at).unwrap().id;
    let arc = p.open_arc(&OpenArc { participant_id: pid, intention: None, plan_id: None }, at).unwrap().id;
    for to in [Phase::Preparation, Phase::Administration] {
        p.advance_arc(arc, &AdvanceArc { to, reason: None }, at).unwrap();
    }
    let s = p
        .sessions()
        .schedule(&ScheduleSession {
            arc_id: arc,
            kind: SessionKind::Administration,
            at: "2026-10-01T09:00".into(),
            location: None,
        })
        .unwrap();
    let done = CompleteSession {
        started: "2026-10-01T09:00".into(),
        ended: "2026-10-01T15:00".into(),
        follow_up: None,
        document_id: None,
    };
    p.complete_session(s.id, &done, t("2026-10-01T14:00:00Z")).unwrap();
    arc
}

fn warnings(p: &mut Practice, at: DateTime<Utc>) -> Vec<Alert> {
    p.alerts().list(at, false).unwrap().into_iter().filter(|a| a.kind.is_early_warning()).collect()
}

fn of(list: &[Alert], arc: Uuid) -> Vec<&Alert> {
    list.iter().filter(|a| a.arc_id == arc).collect()
}

fn items(values: &[i64]) -> Map<String, Value> {
    values.iter().enumerate().map(|(i, v)| ((i + 1).to_string(), json!(v))).collect()
}

/// PHQ-9 answers totalling `total`, item 9 (the critical one) at 0.
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

fn give(p: &mut Practice, arc: Uuid, measure: &str, timepoint: Timepoint, at: &str, values: &[i64]) -> Uuid {
    let input = GiveMeasure {
        arc_id: arc,
        measure: measure.into(),
        timepoint,
        at: Some(at.into()),
        checkin_id: None,
        session_id: None,
        answers: items(values),
    };
    p.measures().give(&input, now()).unwrap().id
}

#[test]
fn a_score_worse_than_baseline_by_the_meaningful_change_warns_and_is_told_once() {
    let (_fx, mut p) = Fixture::new();
    let worse = dosed(&mut p, "Ilse Varga");
    let short = dosed(&mut p, "Teodor Brant");
    // PHQ-9 8 → 13: five points worse, the measure's meaningful change.
    give(&mut p, worse, "phq9", Timepoint::Baseline, "2026-09-20T10:00", &phq(8));
    let latest = give(&mut p, worse, "phq9", Timepoint::FollowUp, "2026-11-20T10:00", &phq(13));
    // WHO-5 items 15 → 12: 60 % → 48 %, twelve points worse on the percentage scale (higher is better).
    give(&mut p, worse, "who5", Timepoint::Baseline, "2026-09-20T10:05", &[3, 3, 3, 3, 3]);
    let who = give(&mut p, worse, "who5", Timepoint::FollowUp, "2026-11-20T10:05", &[3, 3, 2, 2, 2]);
    // Four points worse on PHQ-9, three on GAD-7 (whose meaningful change is 4): no warning.
    give(&mut p, short, "phq9", Timepoint::Baseline, "2026-09-20T10:00", &phq(8));
    give(&mut p, short, "phq9", Timepoint::FollowUp, "2026-11-20T10:00", &phq(12));
    give(&mut p, short, "gad7", Timepoint::Baseline, "2026-09-20T10:00", &[1, 1, 1, 1, 0, 0, 0]);
    give(&mut p, short, "gad7", Timepoint::FollowUp, "2026-11-20T10:00", &[2, 2, 1, 1, 1, 0, 0]);

    let all = warnings(&mut p, now());
    assert!(of(&all, short).iter().all(|a| a.kind != AlertKind::Deterioration), "{all:#?}");
    let mine: Vec<&Alert> = of(&all, worse).into_iter().filter(|a| a.kind == AlertKind::Deterioration).collect();
    assert_eq!(mine.len(), 2, "{mine:#?}");
    let phq_alert = mine.iter().find(|a| a.key == format!("worse:{latest}")).expect("the PHQ-9 warning");
    assert_eq!(phq_alert.severity, Severity::Warning);
    assert_eq!(phq_alert.reason, "PHQ-9 13 on 2026-11-20, 5 points worse than the baseline of 8 on 2026-09-20");
    assert!(
        phq_alert.rule.ends_with("PHQ-9 5 points (Löwe et al. 2004)"),
        "the rule cites its source: {}",
        phq_alert.rule
    );
    let who_alert = mine.iter().find(|a| a.key == format!("worse:{who}")).expect("the WHO-5 warning");
    assert_eq!(who_alert.reason, "WHO-5 48 on 2026-11-20, 12 points worse than the baseline of 60 on 2026-09-20");
    assert!(who_alert.rule.ends_with("WHO-5 10 points (Topp et al. 2015)"), "{}", who_alert.rule);

    // Today counts them, among the open alerts.
    let today = p.integration().dashboard(now()).unwrap();
    assert_eq!(today.totals.warnings as usize, all.len());
    assert!(today.alerts.iter().any(|a| a.key == phq_alert.key));

    // The scheduler tells of each once, without the name by default.
    let told = p.reminders().deliver(now(), now()).unwrap().notice.expect("a notification");
    assert_eq!(told.alerts, all.len(), "{told:?}");
    assert!(told.title.contains(&format!("{} new alerts", all.len())), "{}", told.title);
    assert!(!told.body.contains("Ilse") && told.body.contains("Open Arcwell to see who."), "{}", told.body);
    let again = p.reminders().deliver(now() + Duration::minutes(5), now()).unwrap();
    assert!(again.notice.as_ref().is_none_or(|n| n.alerts == 0), "told once: {again:?}");

    // A later score back within the meaningful change ends the PHQ-9 warning; so does withdrawing the
    // worse one.
    give(&mut p, worse, "phq9", Timepoint::FollowUp, "2026-11-24T10:00", &phq(10));
    assert!(warnings(&mut p, now()).iter().all(|a| a.key != phq_alert.key));
    p.measures().withdraw(who, "Entered on the wrong arc", now()).unwrap();
    assert!(of(&warnings(&mut p, now()), worse).iter().all(|a| a.kind != AlertKind::Deterioration));
}

fn note(p: &mut Practice, arc: Uuid, wellbeing: i64, at: DateTime<Utc>) -> Uuid {
    let template = p.templates().list().unwrap().into_iter().find(|t| t.family == "arcwell.integration").unwrap().id;
    let answers = json!({ "insights": "Walking every morning", "wellbeing": wellbeing });
    let input = SaveDocument {
        arc_id: arc,
        template_id: template,
        answers: answers.as_object().unwrap().clone(),
        ..Default::default()
    };
    let doc = p.documents().add(&input, at).unwrap().document.id;
    p.documents().sign(doc, at).unwrap();
    doc
}

#[test]
fn wellbeing_falling_two_steps_between_signed_notes_warns_until_amended() {
    let (_fx, mut p) = Fixture::new();
    let falling = dosed(&mut p, "Oona Kessler");
    let dipping = dosed(&mut p, "Piet Lamoureux");
    note(&mut p, falling, 7, t("2026-11-01T10:00:00Z"));
    let second = note(&mut p, falling, 5, t("2026-11-15T10:00:00Z"));
    note(&mut p, dipping, 7, t("2026-11-01T10:00:00Z"));
    note(&mut p, dipping, 6, t("2026-11-15T10:00:00Z"));
    // A draft does not count.
    let template = p.templates().list().unwrap().into_iter().find(|t| t.family == "arcwell.integration").unwrap().id;
    let draft = json!({ "wellbeing": 2 });
    let input = SaveDocument {
        arc_id: dipping,
        template_id: template,
        answers: draft.as_object().unwrap().clone(),
        ..Default::default()
    };
    p.documents().add(&input, t("2026-11-20T10:00:00Z")).unwrap();

    let all = warnings(&mut p, now());
    assert!(of(&all, dipping).is_empty(), "one step down, and a draft: {all:#?}");
    let mine = of(&all, falling);
    assert_eq!(mine.len(), 1, "{mine:#?}");
    assert_eq!(mine[0].key, format!("wellbeing:{second}"));
    assert_eq!(mine[0].kind, AlertKind::WellbeingFalling);
    assert_eq!(mine[0].reason, "Wellbeing 5 of 10 in the note of 2026-11-15, down from 7 on 2026-11-01");
    assert_eq!(mine[0].rule, "A signed note's wellbeing at least 2 steps below the previous note's");

    let changes = json!({ "wellbeing": 6 });
    p.documents().amend(second, changes.as_object().unwrap(), "Misheard on the call", now()).unwrap();
    assert!(of(&warnings(&mut p, now()), falling).is_empty(), "read as amended");
}

#[test]
fn a_lapsed_milestone_and_one_past_its_target_date_warn_until_their_status_moves() {
    let (_fx, mut p) = Fixture::new();
    let arc = dosed(&mut p, "Wren Haldane");
    let add = |p: &mut Practice, title: &str, target: Option<&str>| {
        let m = NewMilestone {
            arc_id: arc,
            title: title.into(),
            category: "body".into(),
            target_date: target.map(Into::into),
            note: None,
        };
        p.milestones().add(&m, t("2026-10-05T10:00:00Z")).unwrap().id
    };
    let late = add(&mut p, "Swim twice a week", Some("2026-11-20"));
    let ahead = add(&mut p, "Call my sister", Some("2026-11-25"));
    let lapsing = add(&mut p, "Evening journaling", None);
    let lapsed_at = t("2026-11-10T18:00:00Z");
    p.milestones().set_status(lapsing, MilestoneStatus::Lapsed, Some("Stopped after the move"), lapsed_at).unwrap();

    let all = warnings(&mut p, now());
    let keys: Vec<&str> = all.iter().map(|a| a.key.as_str()).collect();
    assert!(keys.contains(&format!("late:{late}:2026-11-20").as_str()), "{keys:?}");
    assert!(!keys.iter().any(|k| k.contains(&ahead.to_string())), "its target day is today: not yet late");
    let lapsed = all.iter().find(|a| a.kind == AlertKind::MilestoneLapsed).unwrap();
    assert_eq!(lapsed.key, format!("lapsed:{lapsing}:2026-11-10T18:00:00.000Z"));
    assert_eq!(lapsed.reason, "Milestone lapsed: Evening journaling");
    let past = all.iter().find(|a| a.kind == AlertKind::MilestonePastTarget).unwrap();
    assert_eq!(past.reason, "Milestone past its target date of 2026-11-20, still planned: Swim twice a week");
    assert_eq!(past.since.local, "2026-11-21T00:00", "from the end of the target day, in the facilitator's zone");

    // Tomorrow the other is late too; achieving the first and taking up the lapsed one again ends theirs.
    let tomorrow = now() + Duration::days(1);
    assert!(warnings(&mut p, tomorrow).iter().any(|a| a.key == format!("late:{ahead}:2026-11-25")));
    p.milestones().set_status(late, MilestoneStatus::Achieved, None, now()).unwrap();
    p.milestones().set_status(lapsing, MilestoneStatus::InProgress, Some("Started again"), now()).unwrap();
    let left: Vec<String> = warnings(&mut p, now()).into_iter().map(|a| a.key).collect();
    assert!(left.is_empty(), "{left:?}");
}

fn checkins(p: &mut Practice, arc: Uuid) -> Vec<Uuid> {
    p.checkins().list(&CheckInFilter { arc: Some(arc), ..Default::default() }).unwrap().iter().map(|c| c.id).collect()
}

fn contact(p: &mut Practice, id: Uuid, at: &str) {
    let done = CompleteCheckIn { note: "Phone call".into(), contacted_at: Some(at.into()), document_id: None };
    p.checkins().complete(id, &done, now()).unwrap();
}

#[test]
fn skips_in_a_row_growing_lateness_and_a_late_first_contact_put_an_arc_at_risk_of_stalling() {
    let (_fx, mut p) = Fixture::new();
    // Check-ins due (Berlin) 2 Oct 15:00 and 4 Oct 15:00 (hours from the session end), then at the
    // practice's check-in time: 8 Oct 10:00, 15 Oct 10:00, 1 Nov 10:00.
    let skipping = dosed(&mut p, "Anouk Brenner");
    let drifting = dosed(&mut p, "Casimir Odell");
    let late_first = dosed(&mut p, "Maren Tull");
    let steady = dosed(&mut p, "Jonah Farrow");

    let c = checkins(&mut p, skipping);
    contact(&mut p, c[0], "2026-10-02T15:00");
    p.checkins().skip(c[1], "Travelling", t("2026-10-04T10:00:00Z")).unwrap();
    p.checkins().skip(c[2], "Did not answer", t("2026-10-09T10:00:00Z")).unwrap();

    let c = checkins(&mut p, drifting);
    contact(&mut p, c[0], "2026-10-02T15:00");
    contact(&mut p, c[1], "2026-10-05T03:00");
    contact(&mut p, c[2], "2026-10-09T15:00");

    let c = checkins(&mut p, late_first);
    contact(&mut p, c[0], "2026-10-04T15:30");

    let c = checkins(&mut p, steady);
    for (id, at) in c.iter().zip(["2026-10-03T15:00", "2026-10-05T15:00", "2026-10-09T15:00"]) {
        contact(&mut p, *id, at);
    }

    let at = t("2026-10-10T09:00:00Z");
    let all = warnings(&mut p, at);
    assert!(all.iter().all(|a| a.kind == AlertKind::AtRiskOfStalling), "{all:#?}");
    let one = |arc: Uuid| {
        let mine = of(&all, arc);
        assert!(mine.len() <= 1, "one stalling warning per arc: {mine:#?}");
        mine.first().map(|a| (a.key.clone(), a.reason.clone(), a.rule.clone()))
    };
    let (key, reason, rule) = one(skipping).expect("two skips");
    assert!(key.starts_with("skips:"), "{key}");
    assert_eq!(reason, "The check-ins due 2026-10-04 and 2026-10-08 were both skipped");
    assert_eq!(rule, "Two check-ins skipped in a row");
    let (key, reason, _) = one(drifting).expect("drift");
    assert!(key.starts_with("drift:"), "{key}");
    assert_eq!(reason, "Days late at the last three contacts: 0, 0.5, then 1.2");
    let (key, reason, _) = one(late_first).expect("a late first contact");
    assert!(key.starts_with("first-contact:"), "{key}");
    assert_eq!(
        reason,
        "The first contact came 2 days after the first check-in was due (2026-10-02), and none has followed"
    );
    assert_eq!(one(steady), None, "a day late each time is steady, not drifting");

    // The next contact ends the skips and the late first contact.
    let c = checkins(&mut p, skipping);
    contact(&mut p, c[3], "2026-10-09T16:00");
    let c = checkins(&mut p, late_first);
    contact(&mut p, c[1], "2026-10-05T10:00");
    let left = warnings(&mut p, at);
    assert!(of(&left, skipping).is_empty() && of(&left, late_first).is_empty(), "{left:#?}");
}

#[test]
fn the_demo_practice_shows_every_early_warning() {
    let (_fx, mut p) = Fixture::new();
    arcwell::demo::seed(&mut p, now()).unwrap();
    let all = warnings(&mut p, now());
    let reasons = |kind: AlertKind| -> Vec<String> {
        all.iter().filter(|a| a.kind == kind).map(|a| format!("{}: {}", a.participant_name, a.reason)).collect()
    };
    for line in all.iter().map(|a| format!("{:?} {}: {}", a.kind, a.participant_name, a.reason)) {
        println!("{line}");
    }
    let worse = reasons(AlertKind::Deterioration);
    assert_eq!(worse.len(), 3, "PHQ-9, GAD-7 and WHO-5, for one participant: {worse:#?}");
    assert_eq!(reasons(AlertKind::WellbeingFalling).len(), 1, "{all:#?}");
    assert_eq!(reasons(AlertKind::MilestoneLapsed).len(), 1, "{all:#?}");
    assert!(!reasons(AlertKind::MilestonePastTarget).is_empty(), "{all:#?}");
    let risk = reasons(AlertKind::AtRiskOfStalling);
    for rule in ["were both skipped", "Days late at the last three contacts", "The first contact came"] {
        assert_eq!(risk.iter().filter(|r| r.contains(rule)).count(), 1, "{rule}: {risk:#?}");
    }
    let today = p.integration().dashboard(now()).unwrap();
    assert_eq!(today.totals.warnings as usize, all.len());
}

//! The integration engine against a real encrypted practice: from a completed administration
//! session to queued check-ins, statuses, alerts and the dashboard, with the clock moved forward.

use arcwell::domain::arc::{AdvanceArc, OpenArc, Phase};
use arcwell::domain::participant::ParticipantInput;
use arcwell::domain::session::FollowUp;
use arcwell::domain::session::{CompleteSession, ScheduleSession, SessionKind};
use arcwell::integration::checkin::{AddCheckIn, CheckInFilter, CheckInStatus, CompleteCheckIn};
use arcwell::integration::milestone::{MilestoneStatus, NewMilestone};
use arcwell::integration::plan::{PlanInput, PlanStep};
use arcwell::integration::schedule::{Offset, OffsetUnit};
use arcwell::integration::status::IntegrationStatus;
use arcwell::{ErrorCode, Practice};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use uuid::Uuid;

use crate::support::{Fixture, now};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A participant with an arc in administration and a dosing session held `start`..`end` (Berlin time).
fn dosed(practice: &mut Practice, name: &str, start: &str, end: &str) -> Uuid {
    let pid = practice
        .participants()
        .add(&ParticipantInput { name: name.into(), ..Default::default() }, t("2026-09-01T09:00:00Z"))
        .unwrap()
        .id;
    let arc = practice
        .open_arc(&OpenArc { participant_id: pid, intention: None, plan_id: None }, t("2026-09-01T09:00:00Z"))
        .unwrap()
        .id;
    for p in [Phase::Preparation, Phase::Administration] {
        practice.advance_arc(arc, &AdvanceArc { to: p, reason: None }, t("2026-09-02T09:00:00Z")).unwrap();
    }
    administer(practice, arc, start, end, None).unwrap();
    arc
}

fn administer(
    practice: &mut Practice,
    arc: Uuid,
    start: &str,
    end: &str,
    follow_up: Option<FollowUp>,
) -> arcwell::Result<()> {
    let s = practice
        .sessions()
        .schedule(&ScheduleSession { arc_id: arc, kind: SessionKind::Administration, at: start.into(), location: None })
        .unwrap();
    let done = CompleteSession { started: start.into(), ended: end.into(), follow_up, document_id: None };
    practice.complete_session(s.id, &done, t("2026-12-31T00:00:00Z")).map(|_| ())
}

fn due_of(practice: &mut Practice, arc: Uuid) -> Vec<(u32, String)> {
    let list = practice.checkins().list(&CheckInFilter { arc: Some(arc), ..Default::default() }).unwrap();
    list.iter().map(|c| (c.series, c.due.local.clone())).collect()
}

#[test]
fn a_completed_administration_queues_six_checkins_and_they_come_due_go_overdue_and_stall() {
    let (_fx, mut practice) = Fixture::new();
    // Held on Tuesday 3 November 2026, 09:00–15:30 in Berlin (CET, UTC+1).
    let arc = dosed(&mut practice, "Linnea Galloway", "2026-11-03T09:00", "2026-11-03T15:30");

    let detail = practice.integration().arc(arc, t("2026-11-03T15:00:00Z")).unwrap();
    assert_eq!(detail.arc.phase, Phase::Integration, "completing the dosing session moves the arc into integration");
    let last = detail.events.last().unwrap();
    assert_eq!(
        (last.from, last.to, last.reason.as_deref()),
        (Some(Phase::Administration), Phase::Integration, Some("Administration session completed"))
    );
    assert_eq!(
        due_of(&mut practice, arc).iter().map(|(_, d)| d.as_str()).collect::<Vec<_>>(),
        [
            "2026-11-04T15:30", // 24 h: exact
            "2026-11-06T15:30", // 72 h: exact
            "2026-11-10T10:00", // 1 week: calendar, at the preferred 10:00
            "2026-11-17T10:00", // 2 weeks
            "2026-12-03T10:00", // 1 month
            "2027-02-03T10:00", // 3 months
        ],
        "the default plan, anchored at the session's end"
    );

    // The dashboard as the clock moves on.
    let at = |practice: &mut Practice, s: &str| practice.integration().dashboard(t(s)).unwrap();
    let d = at(&mut practice, "2026-11-04T08:00:00Z"); // 09:00 Berlin, the day after
    assert_eq!(d.due_today.len(), 1, "the 24-hour check-in is due today");
    assert_eq!(d.due_this_week.len(), 2, "72 hours and 1 week fall in the next seven days");
    assert!(d.overdue.is_empty() && d.stalled.is_empty());
    assert_eq!(
        practice.integration().status(arc, t("2026-11-04T08:00:00Z")).unwrap().unwrap().status,
        IntegrationStatus::DueSoon
    );

    let d = at(&mut practice, "2026-11-05T08:00:00Z"); // the 24-hour check-in was yesterday
    assert_eq!(d.overdue.len(), 1);
    assert_eq!(d.alerts.len(), 1, "one overdue alert");
    assert_eq!(
        practice.integration().status(arc, t("2026-11-05T08:00:00Z")).unwrap().unwrap().status,
        IntegrationStatus::Overdue
    );

    let d = at(&mut practice, "2026-11-18T08:00:00Z"); // 14 days and more since the session, nothing done
    assert_eq!(d.stalled.len(), 1, "no contact for 14 days while check-ins are past due");
    assert_eq!(d.stalled[0].participant_name, "Linnea Galloway");
    assert_eq!(d.overdue.len(), 4, "24 h, 72 h, 1 week and 2 weeks are all overdue");
    assert_eq!(d.alerts.len(), 1, "the stalled alert stands for the overdue ones");
    assert!(d.alerts[0].key.starts_with("stalled:"));
    let count = |s: IntegrationStatus| d.integration.iter().find(|c| c.status == s).unwrap().arcs;
    assert_eq!(count(IntegrationStatus::Stalled), 1);
}

#[test]
fn offsets_follow_the_facilitators_zone_across_dst() {
    let (_fx, mut practice) = Fixture::new();
    // Saturday 24 October 2026 in Berlin; clocks go back on Sunday the 25th.
    let arc = dosed(&mut practice, "Matthias Ivers", "2026-10-24T10:00", "2026-10-24T16:00");
    let list = practice.checkins().list(&CheckInFilter { arc: Some(arc), ..Default::default() }).unwrap();
    let utc: Vec<String> = list.iter().map(|c| c.due.utc.to_rfc3339()).collect();
    assert_eq!(utc[0], "2026-10-25T14:00:00+00:00", "24 h after 16:00 CEST is 24 elapsed hours: 15:00 CET");
    assert_eq!(utc[2], "2026-10-31T09:00:00+00:00", "1 week later lands at 10:00 CET");
    assert_eq!(list[0].due.local, "2026-10-25T15:00");
}

#[test]
fn a_second_administration_asks_and_keeps_history_either_way() {
    let (_fx, mut practice) = Fixture::new();
    let arc = dosed(&mut practice, "Idris Halloran", "2026-11-03T09:00", "2026-11-03T15:00");
    let first = practice.checkins().list(&CheckInFilter { arc: Some(arc), ..Default::default() }).unwrap();
    practice
        .checkins()
        .complete(
            first[0].id,
            &CompleteCheckIn { note: "Slept well.".into(), contacted_at: None, document_id: None },
            t("2026-11-04T16:00:00Z"),
        )
        .unwrap();

    let err = administer(&mut practice, arc, "2026-11-20T09:00", "2026-11-20T15:00", None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::TimelineExists);
    assert!(err.to_string().contains("re-anchor"), "the message offers the choice: {err}");
    assert_eq!(due_of(&mut practice, arc).len(), 6, "the refused completion changed nothing");

    administer(&mut practice, arc, "2026-11-20T09:00", "2026-11-20T15:00", Some(FollowUp::ReAnchor)).unwrap();
    let moved = practice.checkins().list(&CheckInFilter { arc: Some(arc), ..Default::default() }).unwrap();
    assert_eq!(moved.len(), 6, "re-anchoring adds nothing");
    assert_eq!(moved[0].status, CheckInStatus::Completed, "the completed check-in stays where it was");
    assert_eq!(moved[0].due.local, "2026-11-04T15:00");
    assert_eq!(moved[1].due.local, "2026-11-23T15:00", "72 h after the new session");
    let history = practice.checkins().get(moved[1].id).unwrap().events;
    let last = history.last().unwrap();
    assert_eq!(last.kind, "rescheduled");
    assert_eq!(
        (last.old_due.as_ref().unwrap().local.as_str(), last.new_due.as_ref().unwrap().local.as_str()),
        ("2026-11-06T15:00", "2026-11-23T15:00"),
        "old and new times are both kept"
    );

    administer(&mut practice, arc, "2026-12-10T09:00", "2026-12-10T15:00", Some(FollowUp::NewSeries)).unwrap();
    let all = due_of(&mut practice, arc);
    assert_eq!(all.len(), 12, "a new series queues the plan again");
    assert_eq!(all.iter().filter(|(s, _)| *s == 2).count(), 6);
    assert_eq!(
        practice.integration().verify_derived().unwrap(),
        Vec::<String>::new(),
        "the kept facts follow every change"
    );
}

#[test]
fn checkins_complete_skip_reschedule_and_add_with_their_history() {
    let (_fx, mut practice) = Fixture::new();
    let arc = dosed(&mut practice, "Ottilie Stavros", "2026-11-03T09:00", "2026-11-03T15:00");
    let list = practice.checkins().list(&CheckInFilter { arc: Some(arc), ..Default::default() }).unwrap();
    let later = t("2026-11-05T09:00:00Z");

    let err = practice
        .checkins()
        .complete(list[0].id, &CompleteCheckIn { note: "  ".into(), contacted_at: None, document_id: None }, later)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "a check-in is completed with its integration note");
    let done = practice
        .checkins()
        .complete(
            list[0].id,
            &CompleteCheckIn {
                note: "Tender but steady; sleeping well.".into(),
                contacted_at: Some("2026-11-04T16:30".into()),
                document_id: None,
            },
            later,
        )
        .unwrap();
    assert_eq!((done.status, done.resolved.unwrap().local.as_str()), (CheckInStatus::Completed, "2026-11-04T16:30"));
    assert_eq!(
        practice.checkins().get(done.id).unwrap().note.as_deref(),
        Some("Tender but steady; sleeping well."),
        "the note is linked"
    );
    assert_eq!(
        practice
            .checkins()
            .complete(done.id, &CompleteCheckIn { note: "again".into(), contacted_at: None, document_id: None }, later)
            .unwrap_err()
            .code(),
        ErrorCode::Conflict
    );

    assert_eq!(
        practice.checkins().skip(list[1].id, " ", later).unwrap_err().code(),
        ErrorCode::InvalidInput,
        "skipping needs a reason"
    );
    let skipped = practice.checkins().skip(list[1].id, "Asked for a quiet week", later).unwrap();
    assert_eq!(skipped.skip_reason.as_deref(), Some("Asked for a quiet week"));

    let moved = practice.checkins().reschedule(list[2].id, "2026-11-12T18:00", Some("Travelling"), later).unwrap();
    assert_eq!(moved.due.local, "2026-11-12T18:00");
    let events = practice.checkins().get(list[2].id).unwrap().events;
    assert_eq!(events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["queued", "rescheduled"]);
    assert_eq!(events[1].old_due.as_ref().unwrap().local, "2026-11-10T10:00");
    assert_eq!(
        practice.checkins().reschedule(list[3].id, "someday", None, later).unwrap_err().code(),
        ErrorCode::InvalidInput
    );

    let extra = practice
        .checkins()
        .add(
            &AddCheckIn {
                arc_id: arc,
                at: "2026-11-08T11:00".into(),
                purpose: "After the family visit".into(),
                prompts: vec![],
            },
            later,
        )
        .unwrap();
    assert_eq!((extra.step, extra.offset), (None, None), "an ad-hoc check-in belongs to no step");
    assert_eq!(due_of(&mut practice, arc).len(), 7);

    // Closing the arc skips what is still due, with the reason.
    practice
        .advance_arc(arc, &AdvanceArc { to: Phase::Withdrawn, reason: Some("Moved abroad".into()) }, later)
        .unwrap();
    let open = practice
        .checkins()
        .list(&CheckInFilter { arc: Some(arc), status: Some(CheckInStatus::Due), ..Default::default() })
        .unwrap();
    assert!(open.is_empty(), "nothing stays due on a closed arc");
    let c = practice.checkins().get(list[4].id).unwrap().checkin;
    assert_eq!(c.skip_reason.as_deref(), Some("Arc closed (withdrawn)"));
    let err = practice
        .checkins()
        .add(&AddCheckIn { arc_id: arc, at: "2026-11-30T10:00".into(), purpose: "x".into(), prompts: vec![] }, later);
    assert_eq!(err.unwrap_err().code(), ErrorCode::Conflict);
    assert_eq!(
        practice.integration().verify_derived().unwrap(),
        Vec::<String>::new(),
        "the kept facts and phase counts follow every change"
    );
}

#[test]
fn plans_are_edited_and_chosen_per_arc_without_touching_queued_checkins() {
    let (_fx, mut practice) = Fixture::new();
    let queued = dosed(&mut practice, "Corin Yarrow", "2026-11-03T09:00", "2026-11-03T15:00");
    let default = practice.plans().default().unwrap();
    assert_eq!(default.steps.len(), 6);
    assert_eq!(default.steps[0].offset, Offset { amount: 24, unit: OffsetUnit::Hours });

    // The facilitator shortens the default plan: already-queued check-ins keep theirs.
    let mut shorter = default.steps.clone();
    shorter.truncate(3);
    practice
        .plans()
        .edit(
            default.id,
            &PlanInput { name: default.name.clone(), steps: shorter, baseline_measures: vec![], make_default: false },
            now(),
        )
        .unwrap();
    assert_eq!(due_of(&mut practice, queued).len(), 6);

    let d = |n| PlanStep {
        offset: Offset { amount: n, unit: OffsetUnit::Days },
        purpose: format!("Day {n}"),
        prompts: vec![],
        measures: vec![],
        reassessment: false,
    };
    let research = practice
        .plans()
        .create(
            &PlanInput {
                name: "Research (days 2–43)".into(),
                steps: vec![d(43), d(2), d(8), d(29), d(15)],
                baseline_measures: vec![],
                make_default: false,
            },
            now(),
        )
        .unwrap();
    assert_eq!(
        research.steps.iter().map(|s| s.offset.amount).collect::<Vec<_>>(),
        [2, 8, 15, 29, 43],
        "steps are kept in time order"
    );
    let err = practice.plans().create(
        &PlanInput {
            name: "Research (days 2–43)".into(),
            steps: vec![d(1)],
            baseline_measures: vec![],
            make_default: false,
        },
        now(),
    );
    assert_eq!(err.unwrap_err().code(), ErrorCode::Conflict, "plan names are unique");
    let err = practice.plans().create(
        &PlanInput { name: "Empty".into(), steps: vec![], baseline_measures: vec![], make_default: false },
        now(),
    );
    assert_eq!(err.unwrap_err().code(), ErrorCode::InvalidInput);

    let pid = practice
        .participants()
        .add(&ParticipantInput { name: "Jory Ivers".into(), ..Default::default() }, now())
        .unwrap()
        .id;
    let arc = practice
        .open_arc(&OpenArc { participant_id: pid, intention: None, plan_id: Some(research.id) }, now())
        .unwrap()
        .id;
    for p in [Phase::Preparation, Phase::Administration] {
        practice.advance_arc(arc, &AdvanceArc { to: p, reason: None }, now()).unwrap();
    }
    administer(&mut practice, arc, "2026-11-20T09:00", "2026-11-20T15:00", None).unwrap();
    let days: Vec<String> = due_of(&mut practice, arc).into_iter().map(|(_, d)| d).collect();
    assert_eq!(
        days,
        ["2026-11-22T10:00", "2026-11-28T10:00", "2026-12-05T10:00", "2026-12-19T10:00", "2027-01-02T10:00"]
    );
    assert_eq!(practice.integration().arc(arc, now()).unwrap().plan_name, "Research (days 2–43)");

    // Choosing an arc's plan later: before its dosing session, back to the default, refused once closed.
    let later = practice.open_arc(&OpenArc { participant_id: pid, intention: None, plan_id: None }, now()).unwrap().id;
    let shown = |p: &mut Practice| {
        let d = p.integration().arc(later, now()).unwrap();
        (d.plan_name, d.plan_id)
    };
    assert_eq!(shown(&mut practice), (default.name.clone(), None), "a new arc follows the default");
    practice.plans().set_for_arc(later, Some(research.id)).unwrap();
    assert_eq!(shown(&mut practice), ("Research (days 2–43)".into(), Some(research.id)));
    assert_eq!(practice.plans().set_for_arc(later, Some(Uuid::new_v4())).unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(shown(&mut practice).1, Some(research.id), "a refused choice changes nothing");
    practice.plans().set_for_arc(later, None).unwrap();
    assert_eq!(shown(&mut practice), (default.name.clone(), None));
    practice
        .advance_arc(later, &AdvanceArc { to: Phase::Withdrawn, reason: Some("Moved away".into()) }, now())
        .unwrap();
    assert_eq!(practice.plans().set_for_arc(later, Some(research.id)).unwrap_err().code(), ErrorCode::Conflict);
}

#[test]
fn milestones_keep_their_history_and_gate_ready_to_complete() {
    let (_fx, mut practice) = Fixture::new();
    let arc = dosed(&mut practice, "Hollis Thistlewood", "2026-11-03T09:00", "2026-11-03T15:00");
    let m = practice
        .milestones()
        .add(
            &NewMilestone {
                arc_id: arc,
                title: "Walk at dawn twice a week".into(),
                category: "Nature".into(),
                target_date: Some("2026-12-31".into()),
                note: None,
            },
            t("2026-11-05T09:00:00Z"),
        )
        .unwrap();
    assert_eq!(
        (m.status, m.category.as_str(), m.target_date),
        (MilestoneStatus::Planned, "nature", NaiveDate::from_ymd_opt(2026, 12, 31))
    );
    let m = practice
        .milestones()
        .set_status(m.id, MilestoneStatus::InProgress, Some("Started this week"), t("2026-11-10T09:00:00Z"))
        .unwrap();
    assert_eq!(
        practice.milestones().set_status(m.id, MilestoneStatus::InProgress, None, now()).unwrap_err().code(),
        ErrorCode::Conflict
    );

    for c in practice.checkins().list(&CheckInFilter { arc: Some(arc), ..Default::default() }).unwrap() {
        practice.checkins().skip(c.id, "Covered in weekly integration group", t("2026-11-20T09:00:00Z")).unwrap();
    }
    let later = t("2026-11-21T09:00:00Z");
    assert_eq!(
        practice.integration().status(arc, later).unwrap().unwrap().status,
        IntegrationStatus::OnTrack,
        "a milestone is still in progress"
    );
    let m =
        practice.milestones().set_status(m.id, MilestoneStatus::Maintaining, Some("Holding steady"), later).unwrap();
    assert_eq!(
        m.history.iter().map(|h| (h.from, h.to)).collect::<Vec<_>>(),
        [
            (None, MilestoneStatus::Planned),
            (Some(MilestoneStatus::Planned), MilestoneStatus::InProgress),
            (Some(MilestoneStatus::InProgress), MilestoneStatus::Maintaining)
        ]
    );
    assert_eq!(m.history[1].note.as_deref(), Some("Started this week"));
    assert_eq!(practice.integration().status(arc, later).unwrap().unwrap().status, IntegrationStatus::ReadyToComplete);
    let d = practice.integration().dashboard(later).unwrap();
    assert_eq!(d.ready_to_complete.len(), 1);
    assert!(d.alerts.iter().any(|a| a.key == format!("ready:{arc}")));
}

#[test]
fn alerts_are_acknowledged_or_snoozed_and_a_snooze_expires_by_itself() {
    let (_fx, mut practice) = Fixture::new();
    let a = dosed(&mut practice, "Amara Northcott", "2026-11-03T09:00", "2026-11-03T15:00");
    let b = dosed(&mut practice, "Bastian Oyelaran", "2026-11-03T09:00", "2026-11-03T15:00");
    let monday = t("2026-11-09T08:00:00Z");
    let open = practice.alerts().list(monday, false).unwrap();
    assert_eq!(open.len(), 2, "each arc has overdue check-ins");
    let key_a = open.iter().find(|x| x.arc_id == a).unwrap().key.clone();
    let key_b = open.iter().find(|x| x.arc_id == b).unwrap().key.clone();

    practice.alerts().acknowledge(&key_a, monday).unwrap();
    let until = practice.alerts().snooze(&key_b, NaiveDate::from_ymd_opt(2026, 11, 11).unwrap(), monday).unwrap();
    assert_eq!(until, t("2026-11-10T23:00:00Z"), "a snooze ends at the start of the chosen local day");
    assert!(practice.alerts().list(monday, false).unwrap().is_empty(), "acknowledged and snoozed alerts are not open");
    assert_eq!(practice.alerts().list(monday, true).unwrap().len(), 2, "--all still shows them");
    assert!(
        practice.alerts().list(t("2026-11-10T22:59:00Z"), false).unwrap().is_empty(),
        "still snoozed a minute before"
    );
    let back = practice.alerts().list(t("2026-11-10T23:00:00Z"), false).unwrap();
    assert_eq!(
        back.iter().map(|x| x.key.as_str()).collect::<Vec<_>>(),
        [key_b.as_str()],
        "the snoozed alert returns by itself"
    );

    // Completing the oldest overdue check-in is a new fact: a new alert about the next one.
    let oldest = practice.checkins().list(&CheckInFilter { arc: Some(a), ..Default::default() }).unwrap()[0].id;
    practice
        .checkins()
        .complete(
            oldest,
            &CompleteCheckIn { note: "Reached by phone.".into(), contacted_at: None, document_id: None },
            monday,
        )
        .unwrap();
    let now_open: Vec<String> =
        practice.alerts().list(monday + Duration::hours(1), false).unwrap().into_iter().map(|x| x.key).collect();
    assert!(
        now_open.iter().any(|k| k.starts_with("overdue:") && *k != key_a),
        "the next overdue check-in raises its own alert"
    );

    let err = practice.alerts().acknowledge("overdue:nothing", monday).unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    let err = practice.alerts().snooze(&key_b, NaiveDate::from_ymd_opt(2026, 11, 9).unwrap(), monday).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput, "a snooze must end after today");
}

#[test]
fn a_checkin_completed_from_the_list_opens_its_integration_note_and_signs_it_as_it_completes() {
    let (_fx, mut practice) = Fixture::new();
    let arc = dosed(&mut practice, "Solveig Marsh", "2026-11-03T09:00", "2026-11-03T15:00");
    let list = practice.checkins().list(&CheckInFilter { arc: Some(arc), ..Default::default() }).unwrap();
    let (first, second) = (list[0].id, list[1].id);
    let when = t("2026-11-04T16:00:00Z");

    let draft = practice.checkins().document(first, when).unwrap();
    assert_eq!(draft.template.family, "arcwell.integration", "the integration note template opens");
    assert_eq!(draft.document.checkin_id, Some(first));
    assert!(draft.document.title.starts_with("Integration note: "), "{}", draft.document.title);
    let again = practice.checkins().document(first, when).unwrap();
    assert_eq!(again.document.id, draft.document.id, "opening it again continues the same draft");
    let answers = serde_json::json!({ "insights": "The ocean image keeps returning", "wellbeing": 7 });
    practice.documents().save_draft(draft.document.id, answers.as_object().unwrap(), when).unwrap();
    assert_eq!(practice.checkins().get(first).unwrap().document.map(|d| d.id), Some(draft.document.id));

    // Another check-in's document is refused, and nothing changes.
    let other = practice.checkins().document(second, when).unwrap();
    let wrong = CompleteCheckIn { note: "Call".into(), contacted_at: None, document_id: Some(other.document.id) };
    let e = practice.checkins().complete(first, &wrong, when).unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput, "{e}");
    assert_eq!(practice.checkins().get(first).unwrap().checkin.status, CheckInStatus::Due);
    assert_eq!(
        practice.documents().get(other.document.id).unwrap().document.state,
        arcwell::documents::DocState::Draft
    );

    let done = CompleteCheckIn {
        note: "Phone call, 20 minutes".into(),
        contacted_at: None,
        document_id: Some(draft.document.id),
    };
    practice.checkins().complete(first, &done, when).unwrap();
    let detail = practice.checkins().get(first).unwrap();
    assert_eq!(detail.checkin.status, CheckInStatus::Completed);
    assert_eq!(detail.note.as_deref(), Some("Phone call, 20 minutes"), "the summary shows in the list");
    let doc = practice.documents().get(draft.document.id).unwrap();
    assert_eq!(
        doc.document.state,
        arcwell::documents::DocState::Signed,
        "the note is signed as the check-in completes"
    );
    assert_eq!(doc.current["insights"], "The ocean image keeps returning");
    assert!(
        practice.documents().of_participant(arc).unwrap().iter().any(|d| d.id == doc.document.id),
        "it is among the arc's documents"
    );
    assert_eq!(practice.checkins().document(first, when).unwrap().document.id, doc.document.id, "reopening shows it");

    let skipped = list[2].id;
    practice.checkins().skip(skipped, "Travelling", when).unwrap();
    assert_eq!(practice.checkins().document(skipped, when).unwrap_err().code(), ErrorCode::Conflict);
    assert_eq!(practice.integration().verify_derived().unwrap(), Vec::<String>::new(), "kept facts match");
}

#[test]
fn today_at_start_holds_the_first_rows_of_each_list_and_counts_them_all() {
    let (_fx, mut practice) = Fixture::new();
    arcwell::demo::seed(&mut practice, now()).unwrap();
    let whole = practice.integration().dashboard(now()).unwrap();
    let first = whole.clone().first(2);
    let lists = |d: &arcwell::integration::dashboard::Dashboard| {
        [
            d.due_today.iter().map(|c| c.id.to_string()).collect::<Vec<_>>(),
            d.due_this_week.iter().map(|c| c.id.to_string()).collect(),
            d.overdue.iter().map(|c| c.id.to_string()).collect(),
            d.stalled.iter().map(|a| a.arc_id.to_string()).collect(),
            d.ready_to_complete.iter().map(|a| a.arc_id.to_string()).collect(),
            d.alerts.iter().map(|a| a.key.clone()).collect(),
        ]
    };
    let t = whole.totals;
    let totals = [t.due_today, t.due_this_week, t.overdue, t.stalled, t.ready_to_complete, t.alerts];
    for ((all, cut), total) in lists(&whole).iter().zip(lists(&first)).zip(totals) {
        assert_eq!(total as usize, all.len(), "untouched, the totals are the lists' lengths");
        assert_eq!(cut.as_slice(), &all[..all.len().min(2)], "the first rows, in the list's order");
    }
    assert!(
        lists(&whole).iter().filter(|l| l.len() > 2).count() >= 3,
        "the demo has lists longer than the cut, so the cut is seen"
    );
    assert_eq!(first.totals, whole.totals, "the cut keeps the totals of the whole lists");
}

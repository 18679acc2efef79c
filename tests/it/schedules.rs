//! Schedules that bend (ARCHITECTURE.md): shift, pause and resume, switch plan, add a series, on
//! real SQLCipher files; each change kept in the arc's history, its check-ins' events and the audit trail.

use arcwell::integration::bend::{AddSeries, ChangeKind, Resume};
use arcwell::integration::checkin::{CheckIn, CheckInStatus};
use arcwell::integration::plan::{PlanInput, PlanStep};
use arcwell::integration::schedule::Offset;
use arcwell::integration::status::IntegrationStatus;
use arcwell::store::audit::AuditQuery;
use arcwell::{ErrorCode, Practice};
use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::support::{Fixture, dosed_arc, now};

fn due(p: &mut Practice, arc: Uuid) -> Vec<CheckIn> {
    p.integration().arc(arc, now()).unwrap().checkins.into_iter().filter(|c| c.status == CheckInStatus::Due).collect()
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn schedule_audits(p: &mut Practice, arc: Uuid) -> Vec<String> {
    let entries = p.audit().entries(&AuditQuery { limit: 1000, ..Default::default() }).unwrap();
    // Newest first, as the trail lists them; oldest first here.
    entries
        .into_iter()
        .rev()
        .filter(|e| e.entity_id.as_deref() == Some(&arc.to_string()))
        .filter_map(|e| e.detail)
        .filter(|d| d.starts_with("schedule "))
        .collect()
}

#[test]
fn shifting_moves_every_check_in_still_due_and_keeps_where_each_was() {
    let (fx, mut p) = Fixture::new();
    // Dosed 3 days ago: 24 h and 72 h are past (still due), 1 week and on ahead.
    let (arc, before) = dosed_arc(&mut p, "Ines Varga", 3);
    p.checkins()
        .complete(
            before[0].id,
            &arcwell::integration::checkin::CompleteCheckIn {
                note: "Called; sleeping well".into(),
                contacted_at: None,
                document_id: None,
            },
            now(),
        )
        .unwrap();
    let waiting = due(&mut p, arc);
    assert_eq!(waiting.len(), 5, "one done, five still due");

    let change = p.schedules().shift(arc, 7, Some("travelling for a week"), now()).unwrap();
    assert_eq!(change.kind, ChangeKind::Shift);
    assert_eq!(change.moved, 5);
    assert_eq!(change.detail, "Moved 5 check-ins still due 7 days later");

    let zone: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
    let after = due(&mut p, arc);
    for (old, new) in waiting.iter().zip(&after) {
        assert_eq!(old.id, new.id, "the same check-ins, in the same order");
        let (o, n) = (old.due.utc.with_timezone(&zone), new.due.utc.with_timezone(&zone));
        assert_eq!(n.date_naive() - o.date_naive(), Duration::days(7), "{}: a week later", old.purpose);
        assert_eq!(n.time(), o.time(), "{}: at the same local time", old.purpose);
    }
    let done = p.integration().arc(arc, now()).unwrap();
    assert_eq!(done.checkins.iter().find(|c| c.id == before[0].id).unwrap().due, before[0].due, "what was done stays");
    assert_eq!(done.moved_from.len(), 5, "the timeline knows where each moved check-in was");
    for m in &done.moved_from {
        let was = waiting.iter().find(|c| c.id == m.checkin_id).unwrap();
        assert_eq!(m.first_due.utc, was.due.utc, "first due is the time it was queued for");
    }
    let events = p.checkins().get(waiting[2].id).unwrap().events;
    let last = events.last().unwrap();
    assert_eq!(last.kind, "rescheduled");
    assert_eq!(last.old_due.as_ref().unwrap().utc, waiting[2].due.utc);
    assert_eq!(last.reason.as_deref(), Some("Every check-in still due moved 7 days later: travelling for a week"));
    assert_eq!(done.schedule_changes.len(), 1);
    assert_eq!(done.schedule_changes[0].reason.as_deref(), Some("travelling for a week"));
    assert_eq!(schedule_audits(&mut p, arc), vec!["schedule shift"], "the audit trail has it");

    // Ten days earlier would put the overdue 72-hour check-in further into the past: refused,
    // nothing moved.
    let err = p.schedules().shift(arc, -10, None, now()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
    assert!(err.to_string().contains("which has passed; move them less"), "{err}");
    assert_eq!(due(&mut p, arc), after, "a refused shift moves nothing");
    for bad in [0, 366, -400] {
        assert_eq!(
            p.schedules().shift(arc, bad, None, now()).unwrap_err().code(),
            ErrorCode::InvalidInput,
            "{bad} days"
        );
    }
    assert!(p.integration().verify_derived().unwrap().is_empty(), "kept facts follow the moves");
    drop(p);
    let mut p = fx.reopen();
    assert_eq!(due(&mut p, arc), after, "kept on disk");
}

#[test]
fn a_paused_arc_is_neither_overdue_nor_stalled_and_resumes_re_spaced_or_as_it_was() {
    let (_fx, mut p) = Fixture::new();
    // Dosed 20 days ago and never contacted: stalled, with 4 check-ins overdue.
    let (arc, _) = dosed_arc(&mut p, "Tomas Reyes", 20);
    let (other, _) = dosed_arc(&mut p, "Hana Obi", 20);
    let status = |p: &mut Practice, arc, at| p.integration().status(arc, at).unwrap().unwrap().status;
    assert_eq!(status(&mut p, arc, now()), IntegrationStatus::Stalled);
    let today = p.integration().dashboard(now()).unwrap();
    assert_eq!(today.overdue.iter().filter(|c| c.arc_id == arc).count(), 4);

    let change = p.schedules().pause(arc, None, Some("in hospital; family asked for space"), now()).unwrap();
    assert_eq!(change.detail, "Paused follow-ups until resumed (6 check-ins waiting)");
    assert_eq!(status(&mut p, arc, now()), IntegrationStatus::Paused);
    let today = p.integration().dashboard(now()).unwrap();
    assert!(today.overdue.iter().all(|c| c.arc_id != arc), "a paused arc's check-ins are not overdue");
    assert!(today.stalled.iter().all(|s| s.arc_id != arc), "nor is it stalled");
    assert!(today.stalled.iter().any(|s| s.arc_id == other), "the other arc still is");
    assert_eq!(today.paused.len(), 1, "Today lists it as paused");
    assert_eq!(today.paused[0].arc_id, arc);
    assert_eq!(today.totals.paused, 1);
    assert!(
        today.alerts.iter().all(|a| a.arc_id != arc),
        "no alert about the paused arc: {:?}",
        today.alerts.iter().filter(|a| a.arc_id == arc).map(|a| &a.key).collect::<Vec<_>>()
    );
    let err = p.schedules().pause(arc, None, None, now()).unwrap_err();
    assert!(err.to_string().contains("already paused"), "{err}");

    // Twelve days later, re-spaced: what is left moves by the 12 days paused, none before today.
    let later = now() + Duration::days(12);
    let waiting = due(&mut p, arc);
    let change = p.schedules().resume(arc, Resume::ReSpace, later).unwrap();
    assert_eq!(change.kind, ChangeKind::Resume);
    let zone: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
    let after = due(&mut p, arc);
    for (old, new) in waiting.iter().zip(&after) {
        let shifted = arcwell::integration::bend::shift_local(old.due.utc, 12, zone).unwrap();
        if shifted >= later {
            assert_eq!(new.due.utc, shifted, "{}: 12 days later", old.purpose);
        } else {
            assert!(new.due.utc >= later, "{}: nothing lands before the resume", old.purpose);
            assert_eq!(
                new.due.local, "2026-12-07T10:00",
                "{}: at the next check-in time (10:00 today, not yet past)",
                old.purpose
            );
        }
    }
    assert_eq!(p.schedules().pause_of(arc, later).unwrap(), None, "the pause is gone");
    assert_ne!(status(&mut p, arc, later), IntegrationStatus::Paused);
    let history: Vec<ChangeKind> = p.schedules().history(arc).unwrap().iter().map(|c| c.kind).collect();
    assert_eq!(history, vec![ChangeKind::Pause, ChangeKind::Resume]);
    assert_eq!(schedule_audits(&mut p, arc), vec!["schedule pause", "schedule resume"]);
    assert_eq!(
        p.schedules().resume(arc, Resume::KeepDates, later).unwrap_err().to_string(),
        "this arc's follow-ups are not paused"
    );

    // Paused through a day: it holds to the end of that day, then the arc is judged as usual.
    let before_pause = due(&mut p, other);
    p.schedules().pause(other, Some("2026-11-27"), None, now()).unwrap();
    assert_eq!(
        status(&mut p, other, utc("2026-11-27T22:30:00Z")),
        IntegrationStatus::Paused,
        "23:30 in Berlin on the last day"
    );
    assert_eq!(status(&mut p, other, utc("2026-11-27T23:00:00Z")), IntegrationStatus::Stalled, "midnight: over");
    let err = p.schedules().pause(arc, Some("2026-11-20"), None, now()).unwrap_err();
    assert!(err.to_string().contains("has passed"), "{err}");
    p.schedules().resume(other, Resume::KeepDates, now()).unwrap();
    assert_eq!(due(&mut p, other), before_pause, "kept dates are kept");
    assert!(p.integration().verify_derived().unwrap().is_empty());
}

#[test]
fn switching_plan_requeues_what_is_still_due_and_keeps_what_was_done() {
    let (_fx, mut p) = Fixture::new();
    let (arc, queued) = dosed_arc(&mut p, "Lior Ben-Ami", 10);
    // 24 h done, 72 h skipped, 1 week overdue; 2 weeks, 1 month, 3 months ahead.
    p.checkins()
        .complete(
            queued[0].id,
            &arcwell::integration::checkin::CompleteCheckIn {
                note: "Spoke by phone".into(),
                contacted_at: None,
                document_id: None,
            },
            now(),
        )
        .unwrap();
    p.checkins().skip(queued[1].id, "travelling", now()).unwrap();
    let step = |amount, purpose: &str| PlanStep {
        offset: Offset::parse(amount).unwrap(),
        purpose: purpose.into(),
        prompts: vec![],
        measures: vec![],
        reassessment: false,
    };
    let weekly = p
        .plans()
        .create(
            &PlanInput {
                name: "Close support".into(),
                steps: vec![
                    step("1w", "Week one"),
                    step("2w", "Week two"),
                    step("3w", "Week three"),
                    step("6w", "Week six"),
                ],
                baseline_measures: vec![],
                make_default: false,
            },
            now(),
        )
        .unwrap();
    let change = p.schedules().switch_plan(arc, Some(weekly.id), Some("needs closer support"), now()).unwrap();
    assert_eq!(
        change.detail,
        "Switched from the plan Standard integration to Close support: skipped 4 check-ins still due, queued 3 steps still ahead, left out 1 step already past"
    );
    let d = p.integration().arc(arc, now()).unwrap();
    assert_eq!(d.plan_name, "Close support");
    let by_purpose = |purpose: &str| d.checkins.iter().find(|c| c.purpose == purpose).unwrap();
    assert_eq!(by_purpose(&queued[0].purpose).status, CheckInStatus::Completed, "done stays done");
    assert_eq!(by_purpose(&queued[1].purpose).skip_reason.as_deref(), Some("travelling"), "skipped stays as it was");
    for old in &queued[2..] {
        let c = d.checkins.iter().find(|c| c.id == old.id).unwrap();
        assert_eq!(c.status, CheckInStatus::Skipped, "{} is skipped, not deleted", c.purpose);
        assert_eq!(c.skip_reason.as_deref(), Some("Plan switched to Close support"));
    }
    let new: Vec<&CheckIn> = d.checkins.iter().filter(|c| c.status == CheckInStatus::Due).collect();
    assert_eq!(new.iter().map(|c| c.purpose.as_str()).collect::<Vec<_>>(), vec!["Week two", "Week three", "Week six"]);
    assert!(new.iter().all(|c| c.series == 1 && c.due.utc > now()), "queued in the same series, all ahead");
    let anchor = now() - Duration::days(10) + Duration::hours(6);
    let zone: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
    assert_eq!(
        new[0].due.utc.with_timezone(&zone).date_naive(),
        anchor.with_timezone(&zone).date_naive() + Duration::days(14),
        "from the same anchor"
    );
    assert_eq!(
        p.schedules().switch_plan(arc, Some(weekly.id), None, now()).unwrap_err().to_string(),
        "this arc already follows the plan Close support"
    );
    assert_eq!(schedule_audits(&mut p, arc), vec!["schedule switch_plan"]);
    assert!(p.integration().verify_derived().unwrap().is_empty());
}

#[test]
fn a_series_adds_numbered_check_ins_at_the_check_in_time() {
    let (_fx, mut p) = Fixture::new();
    let (arc, _) = dosed_arc(&mut p, "Mara Quist", 2);
    let input = AddSeries {
        arc_id: arc,
        from: "2026-12-01".into(),
        every: "1w".into(),
        count: 4,
        purpose: "Weekly grief check-in".into(),
        prompts: vec!["What came up this week?".into()],
        reason: None,
    };
    let change = p.schedules().add_series(&input, now()).unwrap();
    assert_eq!(change.detail, "Added 4 check-ins every 1 week from 2026-12-01: Weekly grief check-in");
    let d = p.integration().arc(arc, now()).unwrap();
    let series: Vec<&CheckIn> = d.checkins.iter().filter(|c| c.purpose.starts_with("Weekly grief")).collect();
    let days: Vec<String> = series.iter().map(|c| c.due.local.clone()).collect();
    assert_eq!(
        days,
        vec!["2026-12-01T10:00", "2026-12-08T10:00", "2026-12-15T10:00", "2026-12-22T10:00"],
        "weekly at the preferred 10:00"
    );
    assert_eq!(series[3].purpose, "Weekly grief check-in (4 of 4)");
    assert_eq!(series[0].prompts, vec!["What came up this week?"]);
    assert!(series.iter().all(|c| c.step.is_none()), "ad hoc, outside the plan");
    for (bad, what) in [
        (AddSeries { count: 0, ..input.clone() }, "a series holds 1 to 52"),
        (AddSeries { count: 53, ..input.clone() }, "a series holds 1 to 52"),
        (AddSeries { from: "2026-11-01".into(), ..input.clone() }, "has passed"),
        (AddSeries { from: "01/12/2026".into(), ..input.clone() }, "date"),
        (AddSeries { every: "fortnightly".into(), ..input.clone() }, "not an offset"),
        (AddSeries { purpose: " ".into(), ..input.clone() }, "purpose"),
    ] {
        let err = p.schedules().add_series(&bad, now()).unwrap_err();
        assert!(err.to_string().contains(what), "{what}: {err}");
    }
    // A closed arc takes no change.
    p.advance_arc(
        arc,
        &arcwell::domain::arc::AdvanceArc {
            to: arcwell::domain::arc::Phase::Withdrawn,
            reason: Some("moved away".into()),
        },
        now(),
    )
    .unwrap();
    for err in [
        p.schedules().shift(arc, 3, None, now()).unwrap_err(),
        p.schedules().pause(arc, None, None, now()).unwrap_err(),
        p.schedules().add_series(&input, now()).unwrap_err(),
    ] {
        assert!(err.to_string().contains("the arc is closed"), "{err}");
    }
}

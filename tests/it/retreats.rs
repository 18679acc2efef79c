//! Retreats (ARCHITECTURE.md "Retreats"): members, a group dosing scheduled at once, the dosing-day
//! grid with Oregon's ratio, "record now", ending the day (the complete go through, the incomplete
//! stay open), the retreat view and its exports — on real SQLCipher files.

use arcwell::Practice;
use arcwell::domain::arc::{AdvanceArc, OpenArc, Phase};
use arcwell::domain::participant::ParticipantInput;
use arcwell::domain::session::{ScheduleSession, SessionKind, SessionStatus};
use arcwell::export::Privacy;
use arcwell::integration::checkin::CompleteCheckIn;
use arcwell::integration::status::IntegrationStatus;
use arcwell::practice::retreats::EndDosingDay;
use arcwell::retreat::view::RosterColumns;
use arcwell::retreat::{GroupDosing, RetreatInput};
use chrono::Duration;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::support::{Fixture, now};

const NAMES: [&str; 8] = [
    "Ada Linnet",
    "Bram Okafor",
    "Cleo Martel",
    "Dario Voss",
    "Esme Hartley",
    "Felix Amadi",
    "Greta Solberg",
    "Hugo Brandt",
];

fn arc_in_preparation(p: &mut Practice, name: &str) -> Uuid {
    let input = ParticipantInput {
        name: name.into(),
        contact: Some(format!("{}@example.org", name.split(' ').next().unwrap().to_lowercase())),
        ..Default::default()
    };
    let pid = p.participants().add(&input, now()).unwrap().id;
    let arc = p.open_arc(&OpenArc { participant_id: pid, intention: None, plan_id: None }, now()).unwrap().id;
    p.advance_arc(arc, &AdvanceArc { to: Phase::Preparation, reason: None }, now()).unwrap();
    arc
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn retreat_input() -> RetreatInput {
    RetreatInput {
        name: "Autumn retreat".into(),
        place: Some("Riverside lodge".into()),
        starts_on: "2026-11-24".into(),
        ends_on: "2026-11-26".into(),
        facilitators: Some(1),
    }
}

#[test]
fn a_group_dosing_day_from_the_grid_to_eight_arcs_in_integration() {
    let (fx, mut p) = Fixture::new();
    for (bad, what) in [
        (RetreatInput { name: " ".into(), ..retreat_input() }, "name"),
        (RetreatInput { ends_on: "2026-11-20".into(), ..retreat_input() }, "cannot end"),
        (RetreatInput { starts_on: "24/11/2026".into(), ..retreat_input() }, "date"),
        (RetreatInput { facilitators: Some(0), ..retreat_input() }, "1 to 25 facilitators"),
    ] {
        let err = p.retreats().create(&bad, now()).unwrap_err();
        assert!(err.to_string().contains(what), "{what}: {err}");
    }
    let retreat = p.retreats().create(&retreat_input(), now()).unwrap();
    let arcs: Vec<Uuid> = NAMES.iter().map(|n| arc_in_preparation(&mut p, n)).collect();
    p.retreats().add_members(retreat.id, &arcs, now()).unwrap();
    assert_eq!(p.retreats().get(retreat.id).unwrap().members, 8);
    let err = p.retreats().add_members(retreat.id, &arcs[..1], now()).unwrap_err();
    assert_eq!(err.to_string(), "Ada Linnet is already at this retreat");

    // One of them already has a dosing session of their own: left out, with why.
    let own = p
        .sessions()
        .schedule(&ScheduleSession {
            arc_id: arcs[7],
            kind: SessionKind::Administration,
            at: "2026-11-28T09:00".into(),
            location: None,
        })
        .unwrap();
    let group =
        GroupDosing { retreat_id: retreat.id, at: "2026-11-25T07:00".into(), location: Some("Lodge hall".into()) };
    let scheduled = p.retreats().schedule_dosing(&group).unwrap();
    assert_eq!(scheduled.scheduled.len(), 7);
    assert_eq!(scheduled.left_out.len(), 1);
    assert_eq!(scheduled.left_out[0].participant_name, "Hugo Brandt");
    assert!(
        scheduled.left_out[0].why.contains("already has a dosing session scheduled (2026-11-28 09:00"),
        "{:?}",
        scheduled.left_out
    );
    p.sessions().cancel(own.id, Some("joins the group")).unwrap();
    let again = p.retreats().schedule_dosing(&group).unwrap();
    assert_eq!((again.scheduled.len(), again.left_out.len()), (1, 7), "the rest already have theirs");

    // Opening the day gives each session its record.
    let day = p.retreats().open_day(retreat.id, "2026-11-25", now()).unwrap();
    assert_eq!(day.rows.len(), 8);
    assert!(day.rows.iter().all(|r| r.document_id.is_some() && !r.signed));
    assert_eq!(day.dosed, 0);
    assert_eq!(day.ratio_warning, None);

    // Record now: doses for seven (Esme's is the largest, 25 mg), vitals for some, an adverse event.
    let doc = |day: &arcwell::retreat::grid::DosingDay, i: usize| day.rows[i].document_id.unwrap();
    let dose_at = "2026-11-25T07:30"; // local; 06:30 UTC, 2.5 h before now
    for (i, mg) in [20.0, 20.0, 15.0, 20.0, 25.0, 10.0, 20.0].iter().enumerate() {
        let dose = obj(json!({ "substance": "Psilocybin", "amount": mg, "at": dose_at }));
        p.documents().append_entry(doc(&day, i), "doses", &dose, now()).unwrap();
    }
    for i in [0, 1, 2] {
        let vitals = obj(json!({ "systolic": 128, "diastolic": 82, "heart_rate": 88, "spo2": 98 }));
        p.documents().append_entry(doc(&day, i), "vitals", &vitals, now() - Duration::minutes(20)).unwrap();
    }
    // Dario: vitals two hours ago only.
    let old = obj(json!({ "heart_rate": 92 }));
    p.documents().append_entry(doc(&day, 3), "vitals", &old, now() - Duration::hours(2)).unwrap();
    // Felix: an adverse event with follow-up owed, its severity not yet given (the draft takes it).
    let adverse = obj(json!({ "description": "Nausea, vomited once", "follow_up_owed": { "yes": true } }));
    p.documents().append_entry(doc(&day, 5), "adverse_events", &adverse, now()).unwrap();
    for (bad, group, what) in [
        (obj(json!({ "heart_rate": "fast" })), "vitals", "number"),
        (obj(json!({ "colour": "red" })), "vitals", "not a field"),
        (obj(json!({ "text": "calm" })), "mood", "no such group"),
        (obj(json!({ "systolic": null })), "vitals", "fill in at least one"),
        (obj(json!({ "text": "x" })), "session_start", "single answer"),
    ] {
        let err = p.documents().append_entry(doc(&day, 0), group, &bad, now()).unwrap_err();
        assert!(err.to_string().contains(what), "{group} {bad:?}: {err}");
    }

    let day = p.retreats().grid(retreat.id, "2026-11-25", now()).unwrap();
    let row = |name: &str| day.rows.iter().find(|r| r.participant_name == name).unwrap();
    assert_eq!(day.dosed, 7);
    assert_eq!(day.largest_dose_mg, Some(25.0));
    assert_eq!(day.clients_per_facilitator, Some(4));
    let warning = day.ratio_warning.clone().unwrap();
    assert!(
        warning.contains("1 facilitator to 4 clients (OAR 333-333-5230(2)): 7 clients need 2 facilitators, 1 present"),
        "{warning}"
    );
    assert_eq!(row("Ada Linnet").dose_mg, Some(20.0));
    assert_eq!(row("Ada Linnet").first_dose.as_ref().unwrap().local, "2026-11-25T07:30");
    assert_eq!(row("Ada Linnet").last_vitals.as_ref().unwrap().systolic, Some(128.0));
    assert_eq!(row("Ada Linnet").missing, Vec::<String>::new(), "ending the day fills the start and end");
    assert!(row("Ada Linnet").attention.is_empty(), "vitals 20 minutes ago: {:?}", row("Ada Linnet").attention);
    assert_eq!(row("Dario Voss").attention, vec!["no vitals for 120 min"]);
    assert_eq!(row("Greta Solberg").attention, vec!["dosed 150 min ago, no vitals yet"]);
    assert_eq!(row("Felix Amadi").adverse_open, 1);
    assert!(row("Felix Amadi").attention[0].contains("adverse event(s) with follow-up owed"));
    assert_eq!(row("Hugo Brandt").dose_mg, None, "nothing given yet");
    assert!(row("Hugo Brandt").missing.contains(&"Doses".to_owned()), "{:?}", row("Hugo Brandt").missing);

    let mut edited = retreat_input();
    edited.facilitators = Some(2);
    p.retreats().edit(retreat.id, &edited).unwrap();
    assert_eq!(
        p.retreats().grid(retreat.id, "2026-11-25", now()).unwrap().ratio_warning,
        None,
        "two facilitators suffice"
    );

    // End the day: Hugo (no dose) and Felix (an adverse event without its severity) stay open.
    let ended = p
        .end_dosing_day(&EndDosingDay { retreat_id: retreat.id, day: "2026-11-25".into(), ended: None }, now())
        .unwrap();
    let mut open: Vec<(&str, &str)> =
        ended.left_open.iter().map(|l| (l.participant_name.as_str(), l.why.as_str())).collect();
    open.sort();
    assert_eq!(open.len(), 2, "{open:?}");
    assert_eq!(open[0].0, "Felix Amadi");
    assert!(open[0].1.contains("Severity"), "{}", open[0].1);
    assert_eq!(open[1], ("Hugo Brandt", "no dose and no session start are recorded"));
    assert_eq!(ended.completed.len(), 6);
    assert!(ended.completed.iter().all(|c| c.checkins_queued == 6), "{:?}", ended.completed);
    for c in &ended.completed {
        let d = p.integration().arc(c.arc_id, now()).unwrap();
        assert_eq!(d.arc.phase, Phase::Integration, "{}", c.participant_name);
        let s = &d.sessions[0];
        assert_eq!(s.status, SessionStatus::Completed);
        assert_eq!(s.started.as_ref().unwrap().local, "2026-11-25T07:30", "started at the first dose");
        assert_eq!(s.ended.as_ref().unwrap().utc, now(), "ended when the day was ended");
        assert_eq!(d.checkins.len(), 6);
    }
    let felix = p.retreats().grid(retreat.id, "2026-11-25", now()).unwrap();
    let f = felix.rows.iter().find(|r| r.participant_name == "Felix Amadi").unwrap();
    assert_eq!((f.session_status, f.signed), (SessionStatus::Scheduled, false), "left exactly as it was");

    // Felix's severity given: the day ends for him too; Hugo's stays.
    let fixed = p.documents().get(f.document_id.unwrap()).unwrap();
    let mut answers = fixed.current.clone();
    let list = answers.get_mut("adverse_events").unwrap().as_array_mut().unwrap();
    let first = list[0].as_object_mut().unwrap();
    first.insert("severity".into(), json!("Mild"));
    first.insert("kind".into(), json!("Medical"));
    first.insert("emergency_services".into(), json!({ "yes": false }));
    p.documents().save_draft(f.document_id.unwrap(), &answers, now()).unwrap();
    let ended = p
        .end_dosing_day(&EndDosingDay { retreat_id: retreat.id, day: "2026-11-25".into(), ended: None }, now())
        .unwrap();
    assert_eq!(ended.completed.iter().map(|c| c.participant_name.as_str()).collect::<Vec<_>>(), vec!["Felix Amadi"]);
    assert_eq!(ended.left_open.len(), 1);
    assert!(p.integration().verify_derived().unwrap().is_empty());
    assert!(p.audit().verify().unwrap().is_intact());

    // The retreat view a week on: seven in integration, none contacted since; one call changes that.
    let later = now() + Duration::days(7);
    let view = p.retreats().view(retreat.id, later).unwrap();
    assert_eq!(view.members.len(), 8);
    assert_eq!(view.members.iter().filter(|m| m.phase == Phase::Integration).count(), 7);
    assert_eq!(view.not_contacted, 7);
    let ada = view.members.iter().find(|m| m.participant_name == "Ada Linnet").unwrap();
    assert_eq!(ada.status, Some(IntegrationStatus::Overdue), "24 h, 72 h and 1 week passed without contact");
    assert!(view.this_week.iter().all(|c| arcs.contains(&c.arc_id)));
    assert!(view.this_week.iter().any(|c| c.participant_name == "Ada Linnet"));
    let first = view.this_week.iter().find(|c| c.participant_name == "Ada Linnet").unwrap().id;
    p.checkins()
        .complete(
            first,
            &CompleteCheckIn { note: "Called; integrating well".into(), contacted_at: None, document_id: None },
            later,
        )
        .unwrap();
    let view = p.retreats().view(retreat.id, later).unwrap();
    assert_eq!(view.not_contacted, 6);
    assert!(view.members.iter().find(|m| m.participant_name == "Ada Linnet").unwrap().contacted_since);

    // Exports: the members' check-ins only, and a roster of only what was ticked.
    crate::support::dosed_arc(&mut p, "Outside Person", 1);
    let out = tempfile::tempdir().unwrap();
    let ics = out.path().join("retreat.ics");
    let written = p.retreats().export_calendar(retreat.id, &ics, 90, Privacy { names: true }, later).unwrap();
    let text = std::fs::read_to_string(&ics).unwrap();
    assert_eq!(text.matches("BEGIN:VEVENT").count() as u64, written.rows);
    assert!(text.contains("Check-in with Bram Okafor") && !text.contains("Outside Person"), "members only");
    let roster = out.path().join("roster.html");
    let columns = RosterColumns { phase: true, dose: true, ..Default::default() };
    p.retreats().export_roster(retreat.id, &roster, columns, later).unwrap();
    let html = std::fs::read_to_string(&roster).unwrap();
    assert!(html.contains("Esme Hartley") && html.contains("Psilocybin, 25 mg") && html.contains("integration"));
    assert!(!html.contains("@example.org") && !html.contains("Contact"), "contact was not ticked");
    assert!(html.contains("This file is not encrypted"));
    let exports = p.audit().entries(&arcwell::store::audit::AuditQuery { limit: 5, ..Default::default() }).unwrap();
    assert!(exports.iter().any(|e| e.detail.as_deref() == Some("retreat roster")));
    assert!(
        p.retreats()
            .export_roster(retreat.id, &roster, columns, later)
            .unwrap_err()
            .to_string()
            .contains("already exists")
    );
    drop(p);
    let mut p = fx.reopen();
    assert_eq!(p.retreats().list().unwrap().len(), 1, "kept on disk");
}

#[test]
fn record_now_refuses_a_signed_record_and_members_come_and_go() {
    let (_fx, mut p) = Fixture::new();
    let retreat = p.retreats().create(&retreat_input(), now()).unwrap();
    let a = arc_in_preparation(&mut p, "Iris Kemp");
    let closed = arc_in_preparation(&mut p, "Jonah Pell");
    p.advance_arc(closed, &AdvanceArc { to: Phase::Withdrawn, reason: Some("moved abroad".into()) }, now()).unwrap();
    let err = p.retreats().add_members(retreat.id, &[a, closed], now()).unwrap_err();
    assert!(err.to_string().contains("Jonah Pell's arc is closed"), "{err}");
    assert_eq!(p.retreats().get(retreat.id).unwrap().members, 0, "all or none");
    let err = p
        .retreats()
        .schedule_dosing(&GroupDosing { retreat_id: retreat.id, at: "2026-11-25T07:00".into(), location: None })
        .unwrap_err();
    assert!(err.to_string().contains("no one at it yet"), "{err}");
    p.retreats().add_members(retreat.id, &[a], now()).unwrap();
    let pid = p.integration().arc(a, now()).unwrap().arc.participant_id;
    let second = p.open_arc(&OpenArc { participant_id: pid, intention: None, plan_id: None }, now()).unwrap().id;
    let err = p.retreats().add_members(retreat.id, &[second], now()).unwrap_err();
    assert!(err.to_string().contains("already at this retreat with another arc"), "{err}");
    p.retreats().remove_member(retreat.id, a).unwrap();
    assert_eq!(p.retreats().remove_member(retreat.id, a).unwrap_err().to_string(), "that arc is not at this retreat");
    p.retreats().add_members(retreat.id, &[a], now()).unwrap();

    p.retreats()
        .schedule_dosing(&GroupDosing { retreat_id: retreat.id, at: "2026-11-25T07:00".into(), location: None })
        .unwrap();
    let day = p.retreats().open_day(retreat.id, "2026-11-25", now()).unwrap();
    let doc = day.rows[0].document_id.unwrap();
    let again = p.retreats().open_day(retreat.id, "2026-11-25", now()).unwrap();
    assert_eq!(again.rows[0].document_id, Some(doc), "opening twice makes no second record");
    p.documents()
        .append_entry(
            doc,
            "doses",
            &obj(json!({ "substance": "Psilocybin", "amount": 20, "at": "2026-11-25T07:30" })),
            now(),
        )
        .unwrap();
    let ended = p
        .end_dosing_day(
            &EndDosingDay { retreat_id: retreat.id, day: "2026-11-25".into(), ended: Some("2026-11-25T09:45".into()) },
            now(),
        )
        .unwrap();
    assert_eq!(ended.completed.len(), 1, "{:?}", ended.left_open);
    let s = &p.integration().arc(a, now()).unwrap().sessions[0];
    assert_eq!(s.ended.as_ref().unwrap().local, "2026-11-25T09:45", "the end given");
    let err = p.documents().append_entry(doc, "vitals", &obj(json!({ "heart_rate": 70 })), now()).unwrap_err();
    assert!(err.to_string().contains("signed"), "{err}");
    let err = p.retreats().grid(retreat.id, "25.11.2026", now()).unwrap_err();
    assert!(err.to_string().contains("date"), "{err}");
}

/// The retreat screen opens its dosing grid on the day of the group dosing under way or last begun
/// (in the facilitator's zone, Berlin here): at 01:00 after a dosing that began at 23:00 that is
/// yesterday's, not today's and not the UTC date's. Before any begins, the next one's day; with
/// none, today while the retreat lasts, else its first day.
#[test]
fn the_dosing_grid_opens_on_the_day_of_the_dosing_under_way_in_the_facilitators_zone() {
    let (_fx, mut p) = Fixture::new();
    let retreat = p.retreats().create(&retreat_input(), now()).unwrap();
    let arcs: Vec<Uuid> = NAMES[..2].iter().map(|n| arc_in_preparation(&mut p, n)).collect();
    p.retreats().add_members(retreat.id, &arcs, now()).unwrap();
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&chrono::Utc);
    let day = |p: &mut Practice, when: &str| p.retreats().view(retreat.id, at(when)).unwrap().dosing_day;

    // None scheduled: today (Berlin's date, a day ahead of UTC's at 00:30) while it lasts, else the first day.
    assert_eq!(day(&mut p, "2026-11-24T23:30:00Z"), "2026-11-25");
    assert_eq!(day(&mut p, "2026-11-20T12:00:00Z"), "2026-11-24");
    assert_eq!(day(&mut p, "2026-12-01T12:00:00Z"), "2026-11-24");

    let group = GroupDosing { retreat_id: retreat.id, at: "2026-11-25T23:00".into(), location: None };
    assert_eq!(p.retreats().schedule_dosing(&group).unwrap().scheduled.len(), 2);
    // Before it begins, even on another of the retreat's days: its day.
    assert_eq!(day(&mut p, "2026-11-24T09:00:00Z"), "2026-11-25");
    // 01:00 in Berlin on the 26th, two hours into it: still the 25th.
    assert_eq!(day(&mut p, "2026-11-26T00:00:00Z"), "2026-11-25");
    // Long after, with none later: the last one begun.
    assert_eq!(day(&mut p, "2026-12-10T12:00:00Z"), "2026-11-25");
}

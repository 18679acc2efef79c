//! Domain rules through the public API, against a real encrypted practice.

use arcwell::domain::arc::{AdvanceArc, OpenArc, Phase};
use arcwell::domain::participant::ParticipantInput;
use arcwell::domain::session::{CompleteSession, ScheduleSession, SessionKind, SessionStatus};
use arcwell::{ErrorCode, Practice};
use chrono::Duration;
use uuid::Uuid;

use crate::support::{Fixture, now};

fn person(practice: &mut Practice) -> Uuid {
    let input = ParticipantInput { name: "Ilse Northcott".into(), ..Default::default() };
    practice.participants().add(&input, now()).unwrap().id
}

fn arc_in(practice: &mut Practice, phase: Phase) -> Uuid {
    let pid = person(practice);
    let arc = practice.open_arc(&OpenArc { participant_id: pid, intention: None, plan_id: None }, now()).unwrap();
    let path = [Phase::Preparation, Phase::Administration, Phase::Integration, Phase::Completion];
    for p in path.into_iter().take_while(|_| phase != Phase::Inquiry) {
        practice.advance_arc(arc.id, &AdvanceArc { to: p, reason: None }, now()).unwrap();
        if p == phase {
            break;
        }
    }
    arc.id
}

#[test]
fn participant_validation() {
    let (_fx, mut practice) = Fixture::new();
    let ok = ParticipantInput { name: "Ilse Northcott".into(), ..Default::default() };
    // (what, input, expected error code or None for accepted)
    let cases: Vec<(&str, ParticipantInput, Option<ErrorCode>)> = vec![
        ("a plain name", ok.clone(), None),
        ("an empty name", ParticipantInput { name: "".into(), ..ok.clone() }, Some(ErrorCode::InvalidInput)),
        ("a blank name", ParticipantInput { name: " \t ".into(), ..ok.clone() }, Some(ErrorCode::InvalidInput)),
        (
            "a 501-character name",
            ParticipantInput { name: "n".repeat(501), ..ok.clone() },
            Some(ErrorCode::InvalidInput),
        ),
        ("a valid birth date", ParticipantInput { date_of_birth: Some("1984-03-09".into()), ..ok.clone() }, None),
        (
            "a malformed birth date",
            ParticipantInput { date_of_birth: Some("09/03/1984".into()), ..ok.clone() },
            Some(ErrorCode::InvalidInput),
        ),
        (
            "an impossible birth date",
            ParticipantInput { date_of_birth: Some("1984-02-30".into()), ..ok.clone() },
            Some(ErrorCode::InvalidInput),
        ),
        (
            "a birth date in the future",
            ParticipantInput { date_of_birth: Some("2030-01-01".into()), ..ok.clone() },
            Some(ErrorCode::InvalidInput),
        ),
    ];
    for (what, input, expected) in cases {
        let got = practice.participants().add(&input, now()).err().map(|e| e.code());
        assert_eq!(got, expected, "{what}");
    }
    assert_eq!(practice.participants().list().unwrap().len(), 2, "only the two accepted inputs were saved");
}

#[test]
fn tags_are_normalised_and_edits_replace_fields() {
    let (_fx, mut practice) = Fixture::new();
    let input = ParticipantInput {
        name: "Ilse Northcott".into(),
        pronouns: Some("she/her".into()),
        tags: vec!["Retreat-2026".into(), "somatic".into(), "retreat-2026".into(), " ".into()],
        ..Default::default()
    };
    let p = practice.participants().add(&input, now()).unwrap();
    assert_eq!(p.tags, ["retreat-2026", "somatic"], "tags are lower-cased, de-duplicated, sorted");
    let later = now() + Duration::days(1);
    let edited = practice
        .participants()
        .edit(
            p.id,
            &ParticipantInput { name: "Ilse N. Northcott".into(), pronouns: Some("".into()), ..Default::default() },
            later,
        )
        .unwrap();
    assert_eq!((edited.name.as_str(), edited.pronouns.as_deref(), edited.tags.len()), ("Ilse N. Northcott", None, 0));
    assert_eq!((edited.created_at, edited.updated_at), (now(), later));
}

#[test]
fn phase_changes_through_the_store() {
    // (from, to, reason, expected error code or None when accepted)
    let cases = [
        (Phase::Inquiry, Phase::Preparation, None, None),
        (Phase::Inquiry, Phase::Administration, None, Some(ErrorCode::ReasonRequired)),
        (Phase::Inquiry, Phase::Administration, Some("Prepared elsewhere by a colleague"), None),
        (Phase::Integration, Phase::Preparation, None, Some(ErrorCode::ReasonRequired)),
        (Phase::Integration, Phase::Preparation, Some("A second session is planned"), None),
        (Phase::Preparation, Phase::Withdrawn, None, Some(ErrorCode::ReasonRequired)),
        (Phase::Preparation, Phase::Withdrawn, Some("Moved abroad"), None),
        (Phase::Preparation, Phase::Preparation, Some("again"), Some(ErrorCode::Conflict)),
        (Phase::Completion, Phase::Integration, Some("more work"), Some(ErrorCode::Conflict)),
    ];
    let (_fx, mut practice) = Fixture::new();
    for (from, to, reason, expected) in cases {
        let id = arc_in(&mut practice, from);
        let change = AdvanceArc { to, reason: reason.map(Into::into) };
        let got = practice.advance_arc(id, &change, now()).err().map(|e| e.code());
        assert_eq!(got, expected, "{from:?} → {to:?} with reason {reason:?}");
        let detail = practice.integration().arc(id, now()).unwrap();
        let last = detail.events.last().unwrap();
        if expected.is_none() {
            assert_eq!(
                (last.from, last.to, last.reason.as_deref()),
                (Some(from), to, reason),
                "the change is recorded"
            );
            assert_eq!(detail.arc.closed.is_some(), to.is_closed(), "closing phases close the arc");
        } else {
            assert_eq!(detail.arc.phase, from, "a refused change leaves the phase alone");
        }
    }
}

#[test]
fn an_arcs_history_records_every_change_in_order() {
    let (_fx, mut practice) = Fixture::new();
    let id = arc_in(&mut practice, Phase::Integration);
    let detail = practice.integration().arc(id, now()).unwrap();
    let path: Vec<_> = detail.events.iter().map(|e| (e.from, e.to)).collect();
    assert_eq!(
        path,
        [
            (None, Phase::Inquiry),
            (Some(Phase::Inquiry), Phase::Preparation),
            (Some(Phase::Preparation), Phase::Administration),
            (Some(Phase::Administration), Phase::Integration)
        ]
    );
    assert_eq!(detail.events[0].at.zone, "Europe/Berlin", "events keep the facilitator's zone");
}

#[test]
fn session_rules() {
    let (_fx, mut practice) = Fixture::new();
    let open = arc_in(&mut practice, Phase::Preparation);
    let closed = arc_in(&mut practice, Phase::Completion);
    let sched =
        |arc_id, at: &str| ScheduleSession { arc_id, kind: SessionKind::Preparation, at: at.into(), location: None };

    // Scheduling: (what, input, expected)
    let cases = [
        ("on an open arc", sched(open, "2026-11-20T10:00"), None),
        ("with an offset", sched(open, "2026-11-20T10:00-08:00"), None),
        ("on a closed arc", sched(closed, "2026-11-20T10:00"), Some(ErrorCode::Conflict)),
        ("on an unknown arc", sched(Uuid::new_v4(), "2026-11-20T10:00"), Some(ErrorCode::NotFound)),
        ("at a malformed time", sched(open, "next tuesday"), Some(ErrorCode::InvalidInput)),
        ("in a DST gap", sched(open, "2026-03-29T02:30"), Some(ErrorCode::InvalidInput)),
    ];
    for (what, input, expected) in cases {
        assert_eq!(practice.sessions().schedule(&input).err().map(|e| e.code()), expected, "scheduling {what}");
    }

    let s = practice.sessions().schedule(&sched(open, "2026-11-24T10:00")).unwrap();
    assert_eq!(s.scheduled.local, "2026-11-24T10:00");
    let done =
        |a: &str, b: &str| CompleteSession { started: a.into(), ended: b.into(), follow_up: None, document_id: None };
    // Completing: (what, times, expected)
    let cases = [
        ("ending before it starts", done("2026-11-24T12:00", "2026-11-24T10:00"), Some(ErrorCode::InvalidInput)),
        ("ending as it starts", done("2026-11-24T10:00", "2026-11-24T10:00"), Some(ErrorCode::InvalidInput)),
        ("ending in the future", done("2026-11-25T10:00", "2026-11-25T12:00"), Some(ErrorCode::InvalidInput)),
        ("with a malformed time", done("2026-11-24", "2026-11-24T12:00"), Some(ErrorCode::InvalidInput)),
        ("as held", done("2026-11-24T10:05", "2026-11-24T11:50"), None),
        ("twice", done("2026-11-24T10:05", "2026-11-24T11:50"), Some(ErrorCode::Conflict)),
    ];
    for (what, input, expected) in cases {
        assert_eq!(
            practice.complete_session(s.id, &input, now()).err().map(|e| e.code()),
            expected,
            "completing {what}"
        );
    }
    let held = practice.sessions().get(s.id).unwrap();
    assert_eq!(held.status, SessionStatus::Completed);
    assert_eq!(held.started.map(|t| t.local).as_deref(), Some("2026-11-24T10:05"));
    assert_eq!(
        practice.sessions().cancel(s.id, None).unwrap_err().code(),
        ErrorCode::Conflict,
        "a held session cannot be cancelled"
    );

    let c = practice.sessions().schedule(&sched(open, "2026-12-01T10:00")).unwrap();
    let c = practice.sessions().cancel(c.id, Some("Participant has the flu")).unwrap();
    assert_eq!((c.status, c.status_reason.as_deref()), (SessionStatus::Cancelled, Some("Participant has the flu")));
    let n = practice.sessions().schedule(&sched(open, "2026-12-02T10:00")).unwrap();
    assert_eq!(practice.sessions().mark_no_show(n.id, None).unwrap().status, SessionStatus::NoShow);

    // A session scheduled before its arc closed cannot be completed after.
    let late = practice.sessions().schedule(&sched(open, "2026-11-23T10:00")).unwrap();
    practice.advance_arc(open, &AdvanceArc { to: Phase::Withdrawn, reason: Some("Moved away".into()) }, now()).unwrap();
    let err = practice.complete_session(late.id, &done("2026-11-23T10:00", "2026-11-23T11:00"), now()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::Conflict, "{err}");
}

#[test]
fn unknown_ids_are_not_found() {
    let (_fx, mut practice) = Fixture::new();
    let ghost = Uuid::new_v4();
    let codes = [
        practice.participants().get(ghost).map(|_| ()).unwrap_err().code(),
        practice.integration().arc(ghost, now()).map(|_| ()).unwrap_err().code(),
        practice.sessions().get(ghost).map(|_| ()).unwrap_err().code(),
        practice
            .open_arc(&OpenArc { participant_id: ghost, intention: None, plan_id: None }, now())
            .map(|_| ())
            .unwrap_err()
            .code(),
        practice
            .advance_arc(ghost, &AdvanceArc { to: Phase::Preparation, reason: None }, now())
            .map(|_| ())
            .unwrap_err()
            .code(),
        practice.sessions().cancel(ghost, None).map(|_| ()).unwrap_err().code(),
        practice
            .participants()
            .edit(ghost, &ParticipantInput { name: "X".into(), ..Default::default() }, now())
            .map(|_| ())
            .unwrap_err()
            .code(),
    ];
    assert!(codes.iter().all(|c| *c == ErrorCode::NotFound), "{codes:?}");
}

#[test]
fn status_counts_every_phase_and_lists_upcoming_sessions() {
    let (_fx, mut practice) = Fixture::new();
    arc_in(&mut practice, Phase::Integration);
    let prep = arc_in(&mut practice, Phase::Preparation);
    arc_in(&mut practice, Phase::Preparation);
    let sched =
        |at: &str| ScheduleSession { arc_id: prep, kind: SessionKind::Administration, at: at.into(), location: None };
    practice.sessions().schedule(&sched("2026-11-20T10:00")).unwrap();
    let next = practice.sessions().schedule(&sched("2026-11-28T10:00")).unwrap();
    let st = practice.status(now()).unwrap();
    assert_eq!(st.participants, 3);
    let count = |p| st.arcs_by_phase.iter().find(|c| c.phase == p).unwrap().arcs;
    assert_eq!((count(Phase::Integration), count(Phase::Preparation), count(Phase::Completion)), (1, 2, 0));
    assert_eq!(st.arcs_by_phase.len(), 7, "every phase is listed, zeros included");
    assert_eq!(
        st.upcoming.iter().map(|u| u.session.id).collect::<Vec<_>>(),
        [next.id],
        "past sessions are not upcoming"
    );
}

#[test]
fn the_demo_practice_covers_every_phase() {
    let (_fx, mut practice) = Fixture::new();
    arcwell::demo::seed(&mut practice, now()).unwrap();
    let st = practice.status(now()).unwrap();
    assert_eq!(st.participants as usize, arcwell::demo::PARTICIPANTS);
    for c in &st.arcs_by_phase {
        assert!(c.arcs > 0, "the demo has arcs in {:?}", c.phase);
    }
    assert!(!st.upcoming.is_empty(), "the demo has sessions coming up");
    assert_eq!(
        practice.integration().verify_derived().unwrap(),
        Vec::<String>::new(),
        "triggers kept up with the whole demo"
    );
}

#[test]
fn the_pipeline_lists_each_phases_arcs_newest_arrival_first_with_when_they_arrived() {
    let (_fx, mut practice) = Fixture::new();
    let names = ["Ada Fenwick", "Bram Osei", "Cora Lindqvist"];
    let mut arcs = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let pid = practice
            .participants()
            .add(&ParticipantInput { name: (*name).into(), ..Default::default() }, now())
            .unwrap()
            .id;
        let arc = practice
            .open_arc(&OpenArc { participant_id: pid, intention: Some(format!("intention {i}")), plan_id: None }, now())
            .unwrap()
            .id;
        // Each reaches preparation a day after the one before.
        let at = now() + Duration::days(i as i64 + 1);
        practice.advance_arc(arc, &AdvanceArc { to: Phase::Preparation, reason: None }, at).unwrap();
        arcs.push(arc);
    }
    // Bram moves on: he leaves the preparation column.
    practice
        .advance_arc(arcs[1], &AdvanceArc { to: Phase::Administration, reason: None }, now() + Duration::days(9))
        .unwrap();

    let prep = practice.arcs().in_phase(Phase::Preparation, 50).unwrap();
    assert_eq!(prep.iter().map(|a| a.participant_name.as_str()).collect::<Vec<_>>(), ["Cora Lindqvist", "Ada Fenwick"]);
    assert_eq!(prep[0].intention.as_deref(), Some("intention 2"));
    assert_eq!(prep[0].since.utc, now() + Duration::days(3), "since the move into preparation, not the opening");
    let admin = practice.arcs().in_phase(Phase::Administration, 50).unwrap();
    assert_eq!((admin.len(), admin[0].id), (1, arcs[1]));
    assert_eq!(practice.arcs().in_phase(Phase::Preparation, 1).unwrap().len(), 1, "the limit holds");
    assert!(practice.arcs().in_phase(Phase::Completion, 50).unwrap().is_empty());
}

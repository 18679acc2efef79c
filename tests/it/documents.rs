//! Phase documents against a real encrypted practice: shipped templates, versions, drafts, signing
//! and amendments, consents, screening flags that block the dosing session, and the Oregon warning.

use arcwell::documents::library::TemplateFile;
use arcwell::documents::{DocPhase, DocState, SaveDocument, shipped};
use arcwell::domain::arc::{AdvanceArc, OpenArc, Phase};
use arcwell::domain::participant::ParticipantInput;
use arcwell::domain::session::{CompleteSession, ScheduleSession, SessionKind};
use arcwell::{ErrorCode, Practice};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::support::{Fixture, now};

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn arc(p: &mut Practice) -> Uuid {
    let pid = p
        .participants()
        .add(&ParticipantInput { name: "Meret Ashdown".into(), ..Default::default() }, now())
        .unwrap()
        .id;
    let arc = p.open_arc(&OpenArc { participant_id: pid, intention: None, plan_id: None }, now()).unwrap().id;
    p.advance_arc(arc, &AdvanceArc { to: Phase::Preparation, reason: None }, now()).unwrap();
    arc
}

fn shipped_id(p: &mut Practice, phase: DocPhase) -> Uuid {
    p.templates().list().unwrap().into_iter().find(|t| t.phase == phase && t.shipped).unwrap().id
}

fn new_doc(
    p: &mut Practice,
    arc: Uuid,
    phase: DocPhase,
    answers: Value,
) -> arcwell::Result<arcwell::documents::DocumentDetail> {
    let input =
        SaveDocument { arc_id: arc, template_id: shipped_id(p, phase), answers: obj(answers), ..Default::default() };
    p.documents().add(&input, now())
}

fn code<T: std::fmt::Debug>(r: arcwell::Result<T>) -> (ErrorCode, String) {
    let e = r.unwrap_err();
    (e.code(), e.to_string())
}

#[test]
fn every_shipped_template_is_installed_and_round_trips() {
    let (_fx, mut p) = Fixture::new();
    let shipped = shipped::templates().unwrap();
    assert_eq!(shipped.len(), 6);
    let listed = p.templates().list().unwrap();
    assert_eq!(
        listed.iter().map(|t| (t.phase, t.family.as_str())).collect::<Vec<_>>(),
        [
            (DocPhase::Preparation, "arcwell.preparation"),
            (DocPhase::Screening, "arcwell.screening"),
            (DocPhase::Consent, "arcwell.consent"),
            (DocPhase::Administration, "arcwell.administration"),
            (DocPhase::Integration, "arcwell.integration"),
            (DocPhase::Integration, "arcwell.reassessment"),
        ]
    );
    for t in shipped {
        assert_eq!(p.templates().get(t.id).unwrap(), t, "{} is stored exactly as shipped", t.name);
        let exported = serde_json::to_string_pretty(&t).unwrap();
        let back = TemplateFile::parse(&exported).unwrap();
        assert_eq!((back.name.as_str(), back.phase, &back.fields), (t.name.as_str(), t.phase, &t.fields));
    }
}

#[test]
fn a_new_template_version_leaves_old_documents_as_they_were_written() {
    let (_fx, mut p) = Fixture::new();
    let arc = arc(&mut p);
    let shipped_v1 = shipped_id(&mut p, DocPhase::Preparation);
    let copy = p.templates().copy(shipped_v1, "Preparation (retreat)", now()).unwrap();
    assert!(copy.family.starts_with("custom.") && copy.version == 1);
    assert_eq!(copy.fields, p.templates().get(shipped_v1).unwrap().fields, "a copy starts with the source's fields");
    let input = SaveDocument {
        arc_id: arc,
        template_id: copy.id,
        answers: obj(json!({ "intentions": "Grieve my father", "concerns": "Losing control" })),
        ..Default::default()
    };
    let old = p.documents().add(&input, now()).unwrap();

    let mut edited = copy.clone();
    edited.fields.retain(|f| f.key != "concerns");
    edited.fields[0].label = "What brings you".into();
    let file = TemplateFile::parse(&serde_json::to_string(&edited).unwrap()).unwrap();
    let v2 = p.templates().import(&file, now()).unwrap();
    assert_eq!((v2.family.as_str(), v2.version), (copy.family.as_str(), 2));
    let listed = p.templates().list().unwrap();
    assert!(
        listed.iter().any(|t| t.id == v2.id) && !listed.iter().any(|t| t.id == copy.id),
        "the library lists the newest version of the family only"
    );

    let reread = p.documents().get(old.document.id).unwrap();
    assert_eq!(reread.template.id, copy.id, "the old document keeps version 1");
    assert_eq!(reread.template.fields.len(), 8);
    assert_eq!(reread.current["concerns"], "Losing control");
    let later = SaveDocument { template_id: v2.id, answers: obj(json!({ "concerns": "x" })), ..input };
    let (c, m) = code(p.documents().add(&later, now()));
    assert_eq!(c, ErrorCode::InvalidInput, "version 2 has no such field: {m}");
}

#[test]
fn arcwells_own_templates_take_no_facilitator_version_and_are_adapted_by_copying() {
    let (_fx, mut p) = Fixture::new();
    let id = shipped_id(&mut p, DocPhase::Screening);
    let mut edited = p.templates().get(id).unwrap();
    edited.fields.pop();
    let file = TemplateFile::parse(&serde_json::to_string(&edited).unwrap()).unwrap();
    let before = p.templates().list().unwrap();
    let (c, m) = code(p.templates().import(&file, now()));
    assert_eq!(c, ErrorCode::ShippedTemplate, "{m}");
    assert!(m.contains("copy it"), "the refusal says what to do: {m}");
    assert_eq!(p.templates().list().unwrap(), before, "nothing was added");

    p.templates().set_pack("oregon", true, now()).unwrap();
    let oregon = p.templates().list().unwrap().into_iter().find(|t| t.family == "oregon.administration").unwrap();
    let mut file =
        TemplateFile::parse(&serde_json::to_string(&p.templates().get(oregon.id).unwrap()).unwrap()).unwrap();
    assert_eq!(
        code(p.templates().import(&file, now())).0,
        ErrorCode::ShippedTemplate,
        "a pack template is Arcwell's too"
    );
    file.family = None;
    let mine = p.templates().import(&file, now()).unwrap();
    assert!(mine.family.starts_with("custom."), "without its family the file imports as a new template");
}

#[test]
fn jurisdiction_packs_are_off_until_turned_on_and_turning_off_keeps_what_was_written() {
    let (_fx, mut p) = Fixture::new();
    let arc = arc(&mut p);
    let packs = p.templates().packs().unwrap();
    assert_eq!(
        packs.iter().map(|k| (k.id.as_str(), k.enabled)).collect::<Vec<_>>(),
        [("oregon", false), ("colorado", false)]
    );
    assert!(p.templates().list().unwrap().iter().all(|t| t.pack.is_none()), "no pack template is offered while off");

    let on = p.templates().set_pack("colorado", true, now()).unwrap();
    assert!(on.enabled && on.changed.is_some());
    assert_eq!(on.templates.len(), 3);
    let listed = p.templates().list().unwrap();
    let colorado: Vec<_> = listed.iter().filter(|t| t.pack.as_deref() == Some("colorado")).collect();
    assert_eq!(colorado.len(), 3, "the pack's three templates are offered");
    assert!(colorado.iter().all(|t| t.shipped), "and are Arcwell's (adapted by copying)");
    let admin = colorado.iter().find(|t| t.phase == DocPhase::Administration).unwrap().id;

    // Colorado's administration record: every listed item is required before signing.
    let input = SaveDocument {
        arc_id: arc,
        template_id: admin,
        answers: obj(json!({ "session_start": "2026-11-20T09:00", "session_end": "2026-11-20T15:30",
            "facilitator_license": "FAC-0042",
            "products": [{ "substance": "Psilocybin", "product_id": "LOT-7731", "amount": 20, "at": "2026-11-20T09:05" }] })),
        ..Default::default()
    };
    let d = p.documents().add(&input, now()).unwrap();
    let (c, m) = code(p.documents().sign(d.document.id, now()));
    assert_eq!(c, ErrorCode::InvalidInput);
    assert!(m.contains("Single or multiple dose"), "signing names the missing item: {m}");
    let mut answers = d.current.clone();
    answers.insert("dosing".into(), json!("Single dose"));
    answers.insert("transport_deviation".into(), json!({ "yes": false }));
    p.documents().save_draft(d.document.id, &answers, now()).unwrap();

    // Off: no longer offered, refused for a new document with what to do, the draft still signs.
    p.templates().set_pack("colorado", false, now()).unwrap();
    assert!(p.templates().list().unwrap().iter().all(|t| t.pack.is_none()));
    let (c, m) = code(p.documents().add(&input, now()));
    assert_eq!(c, ErrorCode::PackOff);
    assert!(m.contains("the Colorado natural medicine pack, which is turned off"), "{m}");
    let signed = p.documents().sign(d.document.id, now()).unwrap();
    assert_eq!(signed.document.state, DocState::Signed, "a document written with a pack outlives turning it off");

    // On again: nothing installed twice.
    p.templates().set_pack("colorado", true, now()).unwrap();
    assert_eq!(p.templates().list().unwrap().iter().filter(|t| t.pack.is_some()).count(), 3);
    let (c, m) = code(p.templates().set_pack("texas", true, now()));
    assert_eq!(c, ErrorCode::InvalidInput);
    assert!(m.contains("oregon, colorado"), "an unknown pack names the real ones: {m}");
}

#[test]
fn the_oregon_administration_record_warns_of_a_short_session() {
    let (_fx, mut p) = Fixture::new();
    let arc = arc(&mut p);
    p.templates().set_pack("oregon", true, now()).unwrap();
    let t = p.templates().list().unwrap().into_iter().find(|t| t.family == "oregon.administration").unwrap();
    let input = SaveDocument {
        arc_id: arc,
        template_id: t.id,
        answers: obj(json!({ "session_start": "2026-11-20T09:00", "session_end": "2026-11-20T12:00",
            "doses": [{ "substance": "Psilocybin", "product": "OR-P-1182", "amount": 25, "at": "2026-11-20T09:10" }] })),
        ..Default::default()
    };
    let d = p.documents().add(&input, now()).unwrap();
    assert_eq!(d.warnings.len(), 1, "25 mg over 3 hours is short of Oregon's 5 hours: {:?}", d.warnings);
    let mut answers = d.current.clone();
    answers.insert("session_end".into(), json!("2026-11-20T14:00"));
    assert!(p.documents().save_draft(d.document.id, &answers, now()).unwrap().warnings.is_empty(), "5 hours is enough");
}

#[test]
fn drafts_save_signing_freezes_and_amendments_keep_the_original() {
    let (_fx, mut p) = Fixture::new();
    let arc = arc(&mut p);
    let d = new_doc(&mut p, arc, DocPhase::Preparation, json!({ "intentions": "  Reconnect with my body  " })).unwrap();
    assert_eq!((d.document.state, d.current["intentions"].as_str()), (DocState::Draft, Some("Reconnect with my body")));
    let id = d.document.id;

    let (c, m) = code(p.documents().sign(id, now()));
    assert_eq!(c, ErrorCode::InvalidInput);
    assert!(m.contains("Safety and support plan") && m.contains("required before signing"), "{m}");

    let answers = obj(json!({
        "intentions": "Reconnect with my body",
        "safety_plan": "Sister on call; crisis line numbers on the fridge",
        "transportation_plan": "Partner drives home at 18:00",
    }));
    p.documents().save_draft(id, &answers, now()).unwrap();
    let signed = p.documents().sign(id, now()).unwrap();
    assert_eq!(signed.document.state, DocState::Signed);
    assert_eq!(
        code(p.documents().save_draft(id, &answers, now())).0,
        ErrorCode::Conflict,
        "a signed document is not edited"
    );
    assert_eq!(code(p.documents().sign(id, now())).0, ErrorCode::Conflict);

    let change = obj(json!({ "transportation_plan": "Friend drives home at 19:00" }));
    assert_eq!(code(p.documents().amend(id, &change, "  ", now())).0, ErrorCode::InvalidInput, "a reason is required");
    let amended = p.documents().amend(id, &change, "Partner away that day", now()).unwrap();
    assert_eq!(amended.document.answers["transportation_plan"], "Partner drives home at 18:00", "the original stays");
    assert_eq!(amended.current["transportation_plan"], "Friend drives home at 19:00");
    let kinds: Vec<_> = amended.events.iter().map(|e| (e.kind, e.reason.clone())).collect();
    assert_eq!(kinds.len(), 2);
    assert_eq!(amended.events[1].reason.as_deref(), Some("Partner away that day"));
    let clear = obj(json!({ "safety_plan": null }));
    let (c, m) = code(p.documents().amend(id, &clear, "Wrong person", now()));
    assert_eq!(c, ErrorCode::InvalidInput, "an amendment cannot leave a required answer empty: {m}");
}

#[test]
fn answers_are_checked_against_their_fields() {
    let (_fx, mut p) = Fixture::new();
    let arc = arc(&mut p);
    let cases = [
        (DocPhase::Preparation, json!({ "nonsense": "x" }), "not a field"),
        (DocPhase::Integration, json!({ "wellbeing": 11 }), "from 1 to 10"),
        (DocPhase::Integration, json!({ "wellbeing": "good" }), "whole number"),
        (DocPhase::Screening, json!({ "lithium": true }), "\"yes\""),
        (DocPhase::Screening, json!({ "psychosis_history": "Maybe" }), "is not one of"),
        (DocPhase::Consent, json!({ "date_signed": "next Tuesday" }), "ISO"),
        (DocPhase::Administration, json!({ "doses": [{ "substance": "Psilocybin", "amount": -1 }] }), "entry 1"),
        (DocPhase::Preparation, json!({ "intentions": "x".repeat(200_001) }), "longer than 200000"),
    ];
    for (phase, answers, says) in cases {
        let (c, m) = code(new_doc(&mut p, arc, phase, answers.clone()));
        assert_eq!(c, ErrorCode::InvalidInput, "{answers}");
        assert!(m.contains(says), "{phase:?}: expected {says:?} in: {m}");
    }
    assert!(p.documents().of_participant(arc).unwrap().is_empty(), "nothing refused was saved");
}

fn administration_session(p: &mut Practice, arc: Uuid) -> Uuid {
    p.advance_arc(arc, &AdvanceArc { to: Phase::Administration, reason: None }, now()).unwrap();
    let input = ScheduleSession {
        arc_id: arc,
        kind: SessionKind::Administration,
        at: "2026-11-20T09:00".into(),
        location: None,
    };
    p.sessions().schedule(&input).unwrap().id
}

fn complete(p: &mut Practice, session: Uuid) -> arcwell::Result<()> {
    let done = CompleteSession {
        started: "2026-11-20T09:00".into(),
        ended: "2026-11-20T15:30".into(),
        follow_up: None,
        document_id: None,
    };
    p.complete_session(session, &done, now()).map(|_| ())
}

#[test]
fn a_contraindication_blocks_the_dosing_session_until_acknowledged_with_a_reason() {
    let (_fx, mut p) = Fixture::new();
    let arc = arc(&mut p);
    let screening = new_doc(
        &mut p,
        arc,
        DocPhase::Screening,
        json!({ "lithium": { "yes": true, "detail": "300 mg, stopped 2 weeks ago" }, "maoi": { "yes": true },
                "psychosis_history": "Family history", "seizures": { "yes": false } }),
    )
    .unwrap();
    let reasons: Vec<_> = screening.flags.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(reasons, ["lithium", "maoi", "psychosis_history"]);

    // Revising the draft: the MAOI answer was a mistake; its unacknowledged flag goes.
    let mut answers = screening.current.clone();
    answers.insert("maoi".into(), json!({ "yes": false }));
    let revised = p.documents().save_draft(screening.document.id, &answers, now()).unwrap();
    assert_eq!(revised.flags.len(), 2);

    let session = administration_session(&mut p, arc);
    let (c, m) = code(complete(&mut p, session));
    assert_eq!(c, ErrorCode::Conflict);
    assert!(m.contains("Lithium within 30 days") && m.contains("Acknowledge each with a written reason"), "{m}");

    let flags = p.documents().screening_flags(arc).unwrap();
    assert_eq!(code(p.documents().acknowledge_flag(flags[0].id, " ", now())).0, ErrorCode::InvalidInput);
    p.documents()
        .acknowledge_flag(flags[0].id, "Prescriber confirmed lithium stopped 45 days before the session", now())
        .unwrap();
    assert_eq!(code(p.documents().acknowledge_flag(flags[0].id, "again", now())).0, ErrorCode::Conflict);
    assert_eq!(code(complete(&mut p, session)).0, ErrorCode::Conflict, "one flag is still open");
    p.documents()
        .acknowledge_flag(
            flags[1].id,
            "Aunt's diagnosis; discussed at length, extra integration support planned",
            now(),
        )
        .unwrap();
    complete(&mut p, session).unwrap();

    let after = p.documents().screening_flags(arc).unwrap();
    assert!(
        after.iter().all(|f| f.acknowledged.is_some() && f.ack_reason.is_some()),
        "acknowledged flags stay as history"
    );
}

#[test]
fn oregon_minimum_duration_warns_on_a_short_psilocybin_session() {
    let (_fx, mut p) = Fixture::new();
    let arc = arc(&mut p);
    let record = |end: &str| {
        json!({
            "session_start": "2026-11-20T09:00",
            "session_end": end,
            "doses": [
                { "substance": "Psilocybin", "amount": 20, "at": "2026-11-20T09:05" },
                { "substance": "Psilocybin", "amount": 5, "at": "2026-11-20T10:30", "booster": { "yes": true } }
            ]
        })
    };
    // 25 mg in total (with the booster): Oregon's minimum is 5 hours.
    let short = new_doc(&mut p, arc, DocPhase::Administration, record("2026-11-20T13:59")).unwrap();
    assert_eq!(short.warnings.len(), 1, "{:?}", short.warnings);
    assert!(short.warnings[0].contains("4 h 59 min") && short.warnings[0].contains("25 mg"), "{}", short.warnings[0]);
    let enough = new_doc(&mut p, arc, DocPhase::Administration, record("2026-11-20T14:00")).unwrap();
    assert!(enough.warnings.is_empty());
}

#[test]
fn a_signed_consent_can_be_withdrawn_once_with_a_reason() {
    let (_fx, mut p) = Fixture::new();
    let arc = arc(&mut p);
    let c =
        new_doc(&mut p, arc, DocPhase::Consent, json!({ "consent": "Recording", "date_signed": "2026-11-18T10:00" }))
            .unwrap();
    let id = c.document.id;
    assert_eq!(
        code(p.documents().withdraw_consent(id, "changed mind", now())).0,
        ErrorCode::Conflict,
        "not signed yet"
    );
    p.documents().sign(id, now()).unwrap();
    assert_eq!(code(p.documents().withdraw_consent(id, "", now())).0, ErrorCode::InvalidInput);
    let w = p.documents().withdraw_consent(id, "Participant asked by phone to stop recordings", now()).unwrap();
    assert!(w.document.withdrawn.is_some());
    assert_eq!(w.events.last().unwrap().reason.as_deref(), Some("Participant asked by phone to stop recordings"));
    assert_eq!(code(p.documents().withdraw_consent(id, "again", now())).0, ErrorCode::Conflict);
    let prep = new_doc(&mut p, arc, DocPhase::Preparation, json!({})).unwrap();
    assert_eq!(
        code(p.documents().withdraw_consent(prep.document.id, "x", now())).0,
        ErrorCode::Conflict,
        "only consents"
    );
}

#[test]
fn malformed_template_files_are_refused_with_what_is_wrong() {
    let (_fx, mut p) = Fixture::new();
    let cases = [
        ("{ not json", "line 1"),
        (r#"{"name":"X","phase":"preparation","fields":[{"key":"a","label":"A","type":"essay"}]}"#, "essay"),
        (r#"{"name":"X","phase":"dosing","fields":[]}"#, "dosing"),
        (r#"{"name":"X","phase":"preparation","fields":[]}"#, "no fields"),
        (
            r#"{"name":"X","phase":"preparation","fields":[{"key":"a","label":"A","type":"text"},{"key":"a","label":"B","type":"text"}]}"#,
            "twice",
        ),
        (r#"{"name":"X","phase":"preparation","fields":[{"key":"Bad Key","label":"A","type":"text"}]}"#, "a–z"),
        (
            r#"{"name":"X","phase":"screening","fields":[{"key":"a","label":"A","type":"text","flag":{"on":["yes"],"reason":"r"}}]}"#,
            "only yes/no and choice",
        ),
        (
            r#"{"name":"X","phase":"screening","fields":[{"key":"a","label":"A","type":"choice","options":[]}]}"#,
            "options",
        ),
        (
            r#"{"name":"X","phase":"preparation","fields":[{"key":"a","label":"A","type":"scale","min":5,"max":1}]}"#,
            "below its max",
        ),
        (
            r#"{"name":"X","phase":"preparation","colour":"red","fields":[{"key":"a","label":"A","type":"text"}]}"#,
            "colour",
        ),
    ];
    let before = p.templates().list().unwrap().len();
    for (file, says) in cases {
        let e = TemplateFile::parse(file).and_then(|f| p.templates().import(&f, now())).unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidInput, "{file}");
        assert!(e.to_string().contains(says), "{file}: expected {says:?} in: {e}");
    }
    assert_eq!(p.templates().list().unwrap().len(), before, "nothing was imported");
}

#[test]
fn a_dosing_sessions_record_opens_once_and_is_signed_as_the_session_completes_or_neither_happens() {
    let (_fx, mut p) = Fixture::new();
    let arc = arc(&mut p);
    let session = administration_session(&mut p, arc);

    let draft = p.documents().for_session(session, None, now()).unwrap();
    assert_eq!(draft.template.family, "arcwell.administration", "a dosing session gets the administration record");
    assert_eq!((draft.document.session_id, draft.document.state), (Some(session), DocState::Draft));
    assert_eq!(
        p.documents().for_session(session, None, now()).unwrap().document.id,
        draft.document.id,
        "reopening continues it"
    );

    // Observations recorded as they happen; the required dose is still missing.
    let mut answers = obj(json!({ "session_start": "2026-11-20T09:02",
        "observations": [{ "at": "2026-11-20T09:40", "text": "Eyes closed, breathing slow" }] }));
    p.documents().save_draft(draft.document.id, &answers, now()).unwrap();
    let with_record = |doc| CompleteSession {
        started: "2026-11-20T09:02".into(),
        ended: "2026-11-20T15:30".into(),
        follow_up: None,
        document_id: Some(doc),
    };
    let (c, m) = code(p.complete_session(session, &with_record(draft.document.id), now()));
    assert_eq!(c, ErrorCode::InvalidInput);
    assert!(m.contains("Doses"), "the refusal names the missing answer: {m}");
    assert_eq!(p.sessions().get(session).unwrap().status.as_str(), "scheduled", "the session is not held either");
    assert!(p.checkins().list(&Default::default()).unwrap().is_empty(), "and no check-ins were queued");

    // A record written for another session is refused.
    let other = p
        .sessions()
        .schedule(&ScheduleSession {
            arc_id: arc,
            kind: SessionKind::Administration,
            at: "2026-11-27T09:00".into(),
            location: None,
        })
        .unwrap()
        .id;
    let foreign = p.documents().for_session(other, None, now()).unwrap();
    let (c, m) = code(p.complete_session(session, &with_record(foreign.document.id), now()));
    assert_eq!(c, ErrorCode::InvalidInput, "{m}");

    answers.insert("doses".into(), json!([{ "substance": "Psilocybin", "amount": 25, "at": "2026-11-20T09:05" }]));
    answers.insert("session_end".into(), json!("2026-11-20T15:30"));
    p.documents().save_draft(draft.document.id, &answers, now()).unwrap();
    p.complete_session(session, &with_record(draft.document.id), now()).unwrap();
    let signed = p.documents().get(draft.document.id).unwrap();
    assert_eq!(signed.document.state, DocState::Signed, "signed with the session");
    assert_eq!(signed.current["observations"][0]["text"], "Eyes closed, breathing slow");
    assert_eq!(p.checkins().list(&Default::default()).unwrap().len(), 6, "the check-ins are queued");
    assert_eq!(
        p.documents().for_session(session, None, now()).unwrap().document.id,
        draft.document.id,
        "a held session shows its record"
    );

    // Cancelled sessions take no record; an administration session takes only an administration template.
    p.sessions().cancel(other, Some("Participant unwell")).unwrap();
    let third = p
        .sessions()
        .schedule(&ScheduleSession {
            arc_id: arc,
            kind: SessionKind::Integration,
            at: "2026-11-28T09:00".into(),
            location: None,
        })
        .unwrap()
        .id;
    p.sessions().cancel(third, None).unwrap();
    assert_eq!(code(p.documents().for_session(third, None, now())).0, ErrorCode::Conflict);
    let dosing = administration_session_on_open_arc(&mut p, arc);
    let prep = shipped_id(&mut p, DocPhase::Preparation);
    let (c, m) = code(p.documents().for_session(dosing, Some(prep), now()));
    assert!(c == ErrorCode::InvalidInput && m.contains("administration template"), "{m}");
}

fn administration_session_on_open_arc(p: &mut Practice, arc: Uuid) -> Uuid {
    let input = ScheduleSession {
        arc_id: arc,
        kind: SessionKind::Administration,
        at: "2026-12-04T09:00".into(),
        location: None,
    };
    p.sessions().schedule(&input).unwrap().id
}

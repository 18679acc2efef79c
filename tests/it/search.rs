//! Full-text search inside the encrypted practice: what is indexed, ranking, filters, and updates.

use arcwell::ErrorCode;
use arcwell::Practice;
use arcwell::documents::{DocPhase, SaveDocument};
use arcwell::domain::arc::{AdvanceArc, OpenArc, Phase};
use arcwell::domain::participant::ParticipantInput;
use arcwell::integration::checkin::{AddCheckIn, CompleteCheckIn};
use arcwell::search::{HitKind, SearchQuery};
use chrono::{DateTime, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::support::{Fixture, now};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn person(p: &mut Practice, name: &str, tags: &[&str], notes: Option<&str>) -> (Uuid, Uuid) {
    let input = ParticipantInput {
        name: name.into(),
        tags: tags.iter().map(|s| s.to_string()).collect(),
        notes: notes.map(Into::into),
        ..Default::default()
    };
    let pid = p.participants().add(&input, now()).unwrap().id;
    let arc = p.open_arc(&OpenArc { participant_id: pid, intention: None, plan_id: None }, now()).unwrap().id;
    (pid, arc)
}

fn doc(p: &mut Practice, arc: Uuid, answers: serde_json::Value, at: &str) -> Uuid {
    let template_id = p.templates().list().unwrap().into_iter().find(|t| t.phase == DocPhase::Preparation).unwrap().id;
    let input =
        SaveDocument { arc_id: arc, template_id, answers: answers.as_object().unwrap().clone(), ..Default::default() };
    p.documents().add(&input, t(at)).unwrap().document.id
}

fn find(p: &Practice, text: &str) -> Vec<(HitKind, String)> {
    let q = SearchQuery { text: text.into(), ..Default::default() };
    p.search(&q).unwrap().into_iter().map(|h| (h.kind, h.participant_name)).collect()
}

#[test]
fn participants_notes_and_documents_are_found_ranked_and_filtered() {
    let (_fx, mut p) = Fixture::new();
    let (ines, ines_arc) = person(&mut p, "Inès Varga", &["retreat-2026"], Some("Prefers morning sessions"));
    let (_, tomas_arc) = person(&mut p, "Tomás Reyhill", &[], None);
    let short = doc(
        &mut p,
        ines_arc,
        json!({ "intentions": "The ocean, the ocean again: grief for my father by the ocean" }),
        "2026-10-01T10:00:00Z",
    );
    let long = doc(
        &mut p,
        tomas_arc,
        json!({ "intentions": "Work stress, sleep, a move to a new city, the children, an old injury, and once, briefly, the ocean" }),
        "2026-11-01T10:00:00Z",
    );

    // A check-in note, written when the check-in is completed.
    for to in [Phase::Preparation, Phase::Administration, Phase::Integration] {
        p.advance_arc(tomas_arc, &AdvanceArc { to, reason: None }, now()).unwrap();
    }
    let c = p
        .checkins()
        .add(
            &AddCheckIn {
                arc_id: tomas_arc,
                at: "2026-11-20T10:00".into(),
                purpose: "Follow-up".into(),
                prompts: vec![],
            },
            now(),
        )
        .unwrap();
    p.checkins()
        .complete(
            c.id,
            &CompleteCheckIn { note: "Swam in the sea; sleeping better".into(), contacted_at: None, document_id: None },
            now(),
        )
        .unwrap();

    // Ranking: the short document saying "ocean" three times comes before the long one saying it once.
    let hits = p.search(&SearchQuery { text: "ocean".into(), ..Default::default() }).unwrap();
    assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [short, long]);
    assert!(hits[0].snippet.contains("[ocean]"), "{}", hits[0].snippet);
    assert_eq!(hits[0].phase.as_deref(), Some("preparation"));

    assert_eq!(find(&p, "ines"), [(HitKind::Participant, "Inès Varga".into())], "accents and case ignored");
    assert_eq!(find(&p, "retreat 2026"), [(HitKind::Participant, "Inès Varga".into())], "tags are searchable");
    assert_eq!(find(&p, "sleeping"), [(HitKind::Note, "Tomás Reyhill".into())], "check-in notes are searchable");
    assert_eq!(find(&p, "ocean grief").len(), 1, "every word must occur");
    assert_eq!(find(&p, "\"father by the ocean\"").len(), 1, "phrases");
    assert!(find(&p, "\"ocean father\"").is_empty());

    // Filters: phase, participant, dates (local days in the facilitator's zone).
    let q = |phase: Option<&str>, who: Option<Uuid>, from: Option<&str>, to: Option<&str>| SearchQuery {
        text: "sleep OR ocean".replace(" OR ", " "),
        phase: phase.map(Into::into),
        participant: who,
        from: from.map(Into::into),
        to: to.map(Into::into),
        limit: None,
    };
    assert_eq!(p.search(&q(None, None, None, None)).unwrap().len(), 1, "sleep and ocean both: only the long document");
    let ocean = |phase: Option<&str>, who: Option<Uuid>, from: Option<&str>, to: Option<&str>| {
        let mut query = q(phase, who, from, to);
        query.text = "ocean".into();
        p.search(&query).unwrap().into_iter().map(|h| h.id).collect::<Vec<_>>()
    };
    assert_eq!(ocean(None, Some(ines), None, None), [short]);
    assert_eq!(ocean(Some("integration"), None, None, None), Vec::<Uuid>::new());
    assert_eq!(ocean(None, None, Some("2026-10-15"), None), [long]);
    assert_eq!(ocean(None, None, None, Some("2026-10-01")), [short], "`to` includes that whole day");

    let bad =
        p.search(&SearchQuery { text: "x".into(), phase: Some("dosing".into()), ..Default::default() }).unwrap_err();
    assert_eq!(bad.code(), ErrorCode::InvalidInput);
    let empty = p.search(&SearchQuery { text: " .,; ".into(), ..Default::default() }).unwrap_err();
    assert!(empty.to_string().contains("at least one word"));
}

#[test]
fn the_index_follows_edits_drafts_and_amendments() {
    let (_fx, mut p) = Fixture::new();
    let (pid, arc) = person(&mut p, "Aurelio Penhallow", &[], None);
    let mut edit = ParticipantInput { name: "Aurelio Penhallow-Brandt".into(), ..Default::default() };
    edit.tags = vec!["somatic".into()];
    p.participants().edit(pid, &edit, now()).unwrap();
    assert_eq!(find(&p, "brandt").len(), 1);
    assert_eq!(find(&p, "somatic").len(), 1);

    let id = doc(&mut p, arc, json!({ "intentions": "Find the courage to leave" }), "2026-11-01T10:00:00Z");
    let answers = json!({ "intentions": "Find the patience to stay", "safety_plan": "Sister nearby", "transportation_plan": "Taxi" });
    p.documents().save_draft(id, answers.as_object().unwrap(), now()).unwrap();
    assert!(find(&p, "courage").is_empty(), "a draft's old text is gone from the index");
    assert_eq!(find(&p, "patience").len(), 1);
    p.documents().sign(id, now()).unwrap();
    let change = json!({ "transportation_plan": "Bicycle with a friend" });
    p.documents().amend(id, change.as_object().unwrap(), "Taxi cancelled", now()).unwrap();
    assert_eq!(find(&p, "bicycle").len(), 1, "amended text is searchable");
    assert_eq!(find(&p, "taxi").len(), 1, "and the original stays part of the record");
}

/// What the index holds for a document, and whether it is marked stale, read from the file itself.
fn indexed(conn: &rusqlite::Connection, id: Uuid) -> (String, bool) {
    let body = conn
        .query_row("SELECT body FROM search_entry WHERE key = 'document:' || ?1", [id.to_string()], |r| r.get(0))
        .unwrap();
    let stale = conn
        .query_row("SELECT count(*) > 0 FROM search_stale WHERE document_id = ?1", [id.to_string()], |r| r.get(0))
        .unwrap();
    (body, stale)
}

#[test]
fn an_autosave_marks_the_draft_and_the_next_search_or_the_signing_indexes_it() {
    let (fx, mut p) = Fixture::new();
    let (_, arc) = person(&mut p, "Marisol Quennell", &[], None);
    let id = doc(&mut p, arc, json!({ "intentions": "Lanterns on the water" }), "2026-11-01T10:00:00Z");
    let raw = crate::support::raw_connection(fx.path());
    assert_eq!(indexed(&raw, id), ("Lanterns on the water".into(), false), "a new document is indexed at once");

    // Autosaves leave the index alone and mark the draft, once however many there are.
    for word in ["Herons", "Cranes at dusk"] {
        p.documents().save_draft(id, json!({ "intentions": word }).as_object().unwrap(), now()).unwrap();
    }
    assert_eq!(indexed(&raw, id), ("Lanterns on the water".into(), true));
    let marks: i64 = raw.query_row("SELECT count(*) FROM search_stale", [], |r| r.get(0)).unwrap();
    assert_eq!(marks, 1);

    // A search first indexes what was typed: the old text is gone, the new found, the mark cleared;
    // no audit entry and no change since the last backup (the index is derived from saved answers).
    let counts = |raw: &rusqlite::Connection| -> (i64, i64) {
        raw.query_row("SELECT (SELECT count(*) FROM audit_entry), (SELECT n FROM change_counter)", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
    };
    let before = counts(&raw);
    assert!(find(&p, "lanterns").is_empty());
    assert!(find(&p, "herons").is_empty());
    assert_eq!(find(&p, "cranes").len(), 1);
    assert_eq!(indexed(&raw, id), ("Cranes at dusk".into(), false));
    assert_eq!(counts(&raw), before);

    // Signing indexes what is signed, with no search in between.
    let answers = json!({ "intentions": "Cormorants", "safety_plan": "Sister nearby", "transportation_plan": "Taxi" });
    p.documents().save_draft(id, answers.as_object().unwrap(), now()).unwrap();
    assert!(indexed(&raw, id).1);
    p.documents().sign(id, now()).unwrap();
    let (body, stale) = indexed(&raw, id);
    assert!(body.contains("Cormorants") && !stale, "signed: {body:?}, stale {stale}");
}

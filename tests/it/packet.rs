//! Check-in packets against a real encrypted practice: what a packet file holds (and does not),
//! a reply encrypted with age to the packet's key landing as a draft note and scored measures
//! marked as the participant's, and every kind of hostile reply refused with nothing changed.
//! The page's own script making a reply in a real browser is the packet e2e (ui/e2e/packet.e2e.mjs).

use std::io::Write;
use std::str::FromStr;

use arcwell::Practice;
use arcwell::domain::arc::OpenArc;
use arcwell::domain::participant::ParticipantInput;
use arcwell::integration::alerts::AlertKind;
use arcwell::packet::{MakePacket, PacketError};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{Fixture, dosed_arc, files_containing, now, raw_connection};

/// The packet's JSON data block, as the page reads it.
fn content(html: &str) -> Value {
    let start = html.find("<script type=\"application/json\" id=\"packet\">").expect("a data block");
    let rest = &html[start..];
    let body = &rest[rest.find('>').unwrap() + 1..];
    serde_json::from_str(&body[..body.find("</script>").unwrap()]).unwrap()
}

/// A reply as the page makes one, encrypted to `recipient` (binary age).
fn seal(reply: &Value, recipient: &str) -> Vec<u8> {
    let r = age::x25519::Recipient::from_str(recipient).unwrap();
    age::encrypt(&r, reply.to_string().as_bytes()).unwrap()
}

fn reply_to(packet: &Value, answers: Value, measures: Value) -> Value {
    json!({
        "format": "arcwell-checkin-reply", "version": 1,
        "packet": packet["id"], "token": packet["token"],
        "answered_at": (now() - Duration::hours(2)).to_rfc3339(),
        "answers": answers, "measures": measures,
    })
}

fn phq9(item9: i64) -> Value {
    json!({"1": 2, "2": 2, "3": 1, "4": 2, "5": 1, "6": 1, "7": 1, "8": 0, "9": item9})
}

/// What a refused import must leave as it was: every row a reply could add or change.
fn state(dir: &std::path::Path) -> Vec<i64> {
    let conn = raw_connection(dir);
    [
        "SELECT count(*) FROM document",
        "SELECT count(*) FROM measure_response",
        "SELECT count(*) FROM audit_entry",
        "SELECT count(*) FROM packet WHERE answered_at IS NOT NULL",
    ]
    .iter()
    .map(|sql| conn.query_row(sql, [], |r| r.get(0)).unwrap())
    .collect()
}

fn make(p: &mut Practice, dir: &std::path::Path, input: &MakePacket, file: &str) -> (String, Value) {
    let made = p.packets().make(input, &dir.join(file), now() - Duration::days(1)).unwrap();
    let html = std::fs::read_to_string(&made.file).unwrap();
    assert_eq!(made.bytes, html.len() as u64);
    let c = content(&html);
    (html, c)
}

#[test]
fn a_packet_holds_what_is_asked_and_no_other_participant_data() {
    let (fx, mut p) = Fixture::new();
    let out = tempfile::tempdir().unwrap();
    let (arc, checkins) = dosed_arc(&mut p, "Ilse Marrow", 8);
    let month = checkins.iter().find(|c| c.purpose.starts_with("Consolidation")).unwrap();
    let input =
        MakePacket { checkin_id: Some(month.id), message: Some("Thinking of you.".into()), ..Default::default() };
    let (html, c) = make(&mut p, out.path(), &input, "month.html");

    assert_eq!(c["purpose"], month.purpose);
    let questions: Vec<&str> = c["questions"].as_array().unwrap().iter().map(|q| q["text"].as_str().unwrap()).collect();
    assert_eq!(&questions[..month.prompts.len()], month.prompts.iter().map(String::as_str).collect::<Vec<_>>());
    let measures: Vec<&str> = c["measures"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(measures, ["phq9", "gad7", "who5"], "the 1-month step's measures");
    assert_eq!(c["measures"][0]["items"].as_array().unwrap().len(), 9);
    assert!(c["measures"][2]["licence"].as_str().unwrap().contains("Free to use"), "licence terms go with the items");
    assert!(c["recipient"].as_str().unwrap().starts_with("age1"));
    assert_eq!(c["first_name"], Value::Null);
    assert_eq!(c["message"], "Thinking of you.");
    for secret in ["Ilse", "Marrow", &arc.to_string(), &month.id.to_string(), c["token"].as_str().unwrap()] {
        let in_file = html.matches(secret).count();
        let allowed = usize::from(secret == c["token"].as_str().unwrap());
        assert_eq!(in_file, allowed, "{secret} appears {in_file} times");
    }
    assert!(html.len() <= 250_000, "the 1-month packet is {} bytes; at most 250 kB", html.len());
    let conn = raw_connection(fx.path());
    let stored: String = conn.query_row("SELECT token_sha256 FROM packet", [], |r| r.get(0)).unwrap();
    assert_ne!(stored, c["token"].as_str().unwrap(), "the row keeps the token's hash only");

    // The first name only when ticked; the same reply key for every packet.
    let week = checkins.iter().find(|c| c.purpose.starts_with("Integration practices")).unwrap();
    let (_, named) = make(
        &mut p,
        out.path(),
        &MakePacket { checkin_id: Some(week.id), first_name: true, ..Default::default() },
        "w.html",
    );
    assert_eq!(named["first_name"], "Ilse");
    assert_eq!(named["recipient"], c["recipient"]);
    assert!(named["measures"].as_array().unwrap().is_empty(), "the 1-week step asks no measure");
}

#[test]
fn a_reply_lands_as_a_draft_note_and_scored_measures_reported_by_the_participant() {
    let (fx, mut p) = Fixture::new();
    let out = tempfile::tempdir().unwrap();
    let (arc, checkins) = dosed_arc(&mut p, "Tamsin Vale", 8);
    let week = checkins.iter().find(|c| c.purpose.starts_with("Integration practices")).unwrap();
    let (_, c) = make(&mut p, out.path(), &MakePacket { checkin_id: Some(week.id), ..Default::default() }, "w.html");
    let reply = reply_to(
        &c,
        json!({"p1": "Journaling most mornings", "wellbeing": 7, "support_needed": "A walk together", "more": "  "}),
        json!({}),
    );
    // By its path, as the app and the CLI import it.
    let file = out.path().join("reply.age");
    std::fs::write(&file, seal(&reply, c["recipient"].as_str().unwrap())).unwrap();
    let imported = p.packets().import_file(&file, now()).unwrap();
    assert_eq!((imported.arc_id, imported.checkin_id), (arc, Some(week.id)));
    assert_eq!(imported.participant_name, "Tamsin Vale");
    let note = p.documents().get(imported.document_id.unwrap()).unwrap().document;
    assert_eq!(note.checkin_id, Some(week.id), "the check-in's own note, ready for the facilitator to finish");
    assert_eq!(note.packet_id, Some(imported.packet_id), "marked as reported by the participant");
    assert_eq!(note.state, arcwell::documents::document::DocState::Draft);
    let insights = note.answers["insights"].as_str().unwrap();
    assert!(insights.contains(&format!("{}\nJournaling most mornings", week.prompts[0])), "{insights}");
    assert_eq!(note.answers["wellbeing"], 7);
    assert_eq!(note.answers["support_needed"], "A walk together");
    assert!(!insights.contains("anything else"), "a blank answer is left out");
    // The facilitator's own path continues the same draft.
    assert_eq!(p.checkins().document(week.id, now()).unwrap().document.id, note.id);

    // The 1-month step: measures scored, a critical answer an alert at once; its note stands apart
    // from the re-assessment form the facilitator still fills in.
    let month = checkins.iter().find(|c| c.purpose.starts_with("Consolidation")).unwrap();
    let (_, c) = make(&mut p, out.path(), &MakePacket { checkin_id: Some(month.id), ..Default::default() }, "m.html");
    let who5 = json!({"1": 3, "2": 3, "3": 2, "4": 2, "5": 3});
    let reply = reply_to(&c, json!({"p1": "Mostly held"}), json!({"phq9": phq9(2), "who5": who5}));
    let imported = p.packets().import(&seal(&reply, c["recipient"].as_str().unwrap()), now()).unwrap();
    assert!(imported.critical);
    let scored: Vec<(String, Option<f64>, Option<Uuid>)> =
        imported.responses.iter().map(|r| (r.measure.clone(), r.score.total, r.packet_id)).collect();
    let packet = Some(imported.packet_id);
    assert_eq!(scored, [("phq9".into(), Some(12.0), packet), ("who5".into(), Some(52.0), packet)]);
    assert!(imported.responses.iter().all(|r| r.checkin_id == Some(month.id)));
    assert_eq!(imported.responses[0].administered.utc, now() - Duration::hours(2), "when the participant finished");
    let alerts = p.alerts().list(now(), false).unwrap();
    assert!(
        alerts.iter().any(|a| a.kind == AlertKind::CriticalAnswer && a.arc_id == arc),
        "PHQ-9 item 9 alerts at once"
    );
    let note = p.documents().get(imported.document_id.unwrap()).unwrap().document;
    assert_eq!(note.checkin_id, None);
    assert_eq!(p.checkins().document(month.id, now()).unwrap().document.template_name, "Re-assessment");
    let due = p.integration().measures_due(arc).unwrap();
    let left = due.checkins.iter().find(|d| d.checkin_id == month.id).unwrap();
    assert_eq!(left.measures, ["gad7"], "what the participant left is still asked for");

    let summaries = p.packets().of_arc(arc).unwrap();
    assert_eq!(summaries.len(), 2);
    assert!(summaries.iter().all(|s| s.answered.is_some()));
    let conn = raw_connection(fx.path());
    let imports: i64 = conn
        .query_row("SELECT count(*) FROM audit_entry WHERE action = 'import' AND entity = 'packet'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(imports, 2, "each import is audited");
    drop(conn);
    assert_eq!(p.integration().verify_derived().unwrap(), Vec::<String>::new());

    // Nothing the participant wrote is in any file of the practice in the clear.
    drop(p);
    for words in ["Journaling most mornings", "A walk together", "Mostly held"] {
        assert_eq!(files_containing(fx.path(), words), Vec::<String>::new(), "{words}");
    }
}

#[test]
fn hostile_replies_are_refused_by_name_and_change_nothing() {
    let (fx, mut p) = Fixture::new();
    let out = tempfile::tempdir().unwrap();
    let (_, checkins) = dosed_arc(&mut p, "Oren Lisle", 8);
    let week = checkins.iter().find(|c| c.purpose.starts_with("Integration practices")).unwrap();
    let (_, c) = make(&mut p, out.path(), &MakePacket { checkin_id: Some(week.id), ..Default::default() }, "w.html");
    let recipient = c["recipient"].as_str().unwrap();
    let good = reply_to(&c, json!({"p1": "fine"}), json!({}));
    let sealed = seal(&good, recipient);

    let other = age::x25519::Identity::generate().to_public().to_string();
    let mut tampered = sealed.clone();
    let last = tampered.len() - 3;
    tampered[last] ^= 0x01;
    let mut forged = good.clone();
    forged["token"] = json!("00112233445566778899aabbccddeeff");
    let mut unknown = good.clone();
    unknown["packet"] = json!(Uuid::new_v4());
    let passphrase = {
        let e = age::Encryptor::with_user_passphrase(age::secrecy::SecretString::from("pass".to_owned()));
        let mut out = vec![];
        let mut w = e.wrap_output(&mut out).unwrap();
        w.write_all(good.to_string().as_bytes()).unwrap();
        w.finish().unwrap();
        out
    };
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("another practice", seal(&good, &other), "encrypted for another practice"),
        ("tampered", tampered, "damaged or was changed"),
        ("not age", b"Dear Rowan, all is well".to_vec(), "not an age-encrypted file"),
        ("passphrase", passphrase, "encrypted with a passphrase"),
        ("forged token", seal(&forged, recipient), "token does not match"),
        ("unknown packet", seal(&unknown, recipient), "no record of"),
        ("too big", vec![b'a'; arcwell::packet::MAX_REPLY_BYTES + 1], "at most 1024 kB"),
        ("truncated", sealed[..sealed.len() / 2].to_vec(), "damaged or was changed"),
        ("not a reply", seal(&json!({"hello": 1}), recipient), "does not read as a check-in reply"),
    ];
    for (what, bytes, says) in cases {
        let before = state(fx.path());
        let e = p.packets().import(&bytes, now()).expect_err(what);
        assert!(matches!(e.area::<PacketError>(), Some(PacketError::Refused(_))), "{what}: {e}");
        let text = e.to_string();
        assert!(text.contains(says) && text.contains("nothing was imported"), "{what}: {text}");
        assert_eq!(state(fx.path()), before, "{what}: nothing changed");
    }

    // A file larger than any reply is refused by its size, read no further; a missing one by its path.
    let huge = out.path().join("huge.age");
    std::fs::write(&huge, vec![b'a'; 3 * arcwell::packet::MAX_REPLY_BYTES]).unwrap();
    let before = state(fx.path());
    assert!(p.packets().import_file(&huge, now()).unwrap_err().to_string().contains("at most 1024 kB"));
    let missing = p.packets().import_file(&out.path().join("nowhere.age"), now()).unwrap_err();
    assert!(missing.to_string().contains("cannot read") && missing.to_string().contains("nowhere.age"), "{missing}");
    assert_eq!(state(fx.path()), before);

    // Expired: refused after the packet's last day, with that day.
    let before = state(fx.path());
    let e = p.packets().import(&sealed, now() + Duration::days(31)).unwrap_err();
    assert!(matches!(e.area::<PacketError>(), Some(PacketError::Expired(_))), "{e}");
    assert!(e.to_string().contains("expired on 24 December 2026"), "{e}");
    assert_eq!(state(fx.path()), before);

    // Imported once; the same file again, or another reply to it, is a replay.
    p.packets().import(&sealed, now()).unwrap();
    let before = state(fx.path());
    for (bytes, says) in [(sealed.clone(), "this same file"), (seal(&good, recipient), "a different reply")] {
        let e = p.packets().import(&bytes, now()).unwrap_err();
        assert!(matches!(e.area::<PacketError>(), Some(PacketError::AlreadyAnswered(..))), "{e}");
        assert!(e.to_string().contains(says), "{e}");
        assert_eq!(state(fx.path()), before);
    }
}

#[test]
fn packets_are_for_what_is_asked_now_on_open_arcs() {
    let (_fx, mut p) = Fixture::new();
    let out = tempfile::tempdir().unwrap();
    let at: DateTime<Utc> = now() - Duration::days(3);
    let pid =
        p.participants().add(&ParticipantInput { name: "Bea Corran".into(), ..Default::default() }, at).unwrap().id;
    let arc = p.open_arc(&OpenArc { participant_id: pid, intention: None, plan_id: None }, at).unwrap().id;
    // Before integration an arc's packet asks the plan's baseline measures, and only those not given.
    let (_, c) = make(&mut p, out.path(), &MakePacket { arc_id: Some(arc), ..Default::default() }, "b.html");
    let measures: Vec<&str> = c["measures"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(measures, ["phq9", "gad7", "who5"]);
    assert!(c["questions"].as_array().unwrap().is_empty());
    let reply = reply_to(&c, json!({}), json!({"phq9": phq9(0)}));
    let imported = p.packets().import(&seal(&reply, c["recipient"].as_str().unwrap()), now()).unwrap();
    assert_eq!(imported.document_id, None, "no words, no note");
    assert_eq!(imported.responses[0].timepoint, arcwell::measures::response::Timepoint::Baseline);
    let (_, c) = make(&mut p, out.path(), &MakePacket { arc_id: Some(arc), ..Default::default() }, "b2.html");
    assert_eq!(c["measures"].as_array().unwrap().len(), 2, "PHQ-9 is given now");

    // In integration, the earliest due check-in; a check-in no longer due, and both or neither named, refused.
    let (arc2, checkins) = dosed_arc(&mut p, "Cai Denholm", 8);
    let (_, c) = make(&mut p, out.path(), &MakePacket { arc_id: Some(arc2), ..Default::default() }, "i.html");
    assert_eq!(c["purpose"], checkins[0].purpose);
    p.checkins().skip(checkins[0].id, "unreachable", now()).unwrap();
    let e = p.packets().make(
        &MakePacket { checkin_id: Some(checkins[0].id), ..Default::default() },
        &out.path().join("s.html"),
        now(),
    );
    assert!(e.unwrap_err().to_string().contains("that check-in is skipped"));
    let both = MakePacket { checkin_id: Some(checkins[1].id), arc_id: Some(arc2), ..Default::default() };
    assert!(p.packets().make(&both, &out.path().join("x.html"), now()).is_err());
    assert!(p.packets().make(&MakePacket::default(), &out.path().join("x.html"), now()).is_err());
    let long = MakePacket { checkin_id: Some(checkins[1].id), expires_days: Some(181), ..Default::default() };
    assert!(
        p.packets().make(&long, &out.path().join("x.html"), now()).unwrap_err().to_string().contains("1 to 180 days")
    );
    assert!(
        !out.path().join("x.html").exists() && !out.path().join("s.html").exists(),
        "a refused packet writes no file"
    );
}

//! Retention: records past it are listed, never deleted by themselves; a purge on request (after
//! the printable record was exported, confirmed by name) removes every trace of the participant
//! from the file — freed pages included — and leaves one audit entry with their id only.

use arcwell::domain::participant::ParticipantInput;
use arcwell::security::SecuritySettings;
use arcwell::{ErrorCode, Practice};
use chrono::{DateTime, Duration, Utc};

use crate::support::{Fixture, now, raw_connection};

/// Six years on from the demo's "now": its completed arcs are past five years' retention.
fn later() -> DateTime<Utc> {
    now() + Duration::days(6 * 366)
}

fn demo() -> (Fixture, Practice) {
    let (fx, mut p) = Fixture::new();
    arcwell::demo::seed(&mut p, now()).unwrap();
    (fx, p)
}

#[test]
fn records_past_retention_are_listed_by_the_setting_and_nothing_goes_by_itself() {
    let (_fx, mut p) = demo();
    assert_eq!(p.retention().past(now()).unwrap(), [], "nothing is past five years today");
    let listed = p.retention().past(later()).unwrap();
    assert!(!listed.is_empty(), "the demo's closed arcs are past retention six years on");
    for item in &listed {
        assert!(item.kept_until <= later() && item.kept_until > item.last_closed);
        assert!(!item.exported);
        let arcs = p.arcs().of_participant(item.participant_id).unwrap();
        assert!(arcs.iter().all(|a| a.closed.is_some()), "{}: every arc closed", item.name);
    }
    // Participants with an open arc are not listed, however old.
    let everyone = p.participants().list().unwrap().len();
    assert!(listed.len() < everyone);
    // A longer setting moves the line.
    let mut s = p.security().settings().unwrap();
    s.retention_years = 10;
    p.security().update_settings(&s).unwrap();
    assert_eq!(p.retention().past(later()).unwrap(), []);
    let refused = p.security().update_settings(&SecuritySettings { retention_years: 0, ..s }).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::InvalidInput);
    assert_eq!(p.participants().list().unwrap().len(), everyone, "listing deletes nothing");
}

#[test]
fn a_purge_needs_the_export_and_the_name_then_removes_every_trace_from_the_file() {
    let (fx, mut p) = demo();
    let item = p.retention().past(later()).unwrap().remove(0);
    let (id, name) = (item.participant_id, item.name.clone());
    let everyone = p.participants().list().unwrap().len();

    // Refused before the export, with what to do.
    let err = p.retention().purge(id, &name, later()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::RecordNotExported);
    assert!(err.to_string().contains("printable record has not been exported"), "{err}");
    let out = tempfile::tempdir().unwrap();
    p.exports().participant_record(id, &out.path().join("record.html"), later()).unwrap();
    assert!(p.retention().past(later()).unwrap().iter().any(|x| x.participant_id == id && x.exported));
    let err = p.retention().purge(id, "someone else", later()).unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    // Not past retention today, even exported.
    let err = p.retention().purge(id, &name, now()).unwrap_err();
    assert!(err.to_string().contains("kept for 5 years"), "{err}");
    // A participant with an open arc is never purged.
    let open = p
        .participants()
        .list()
        .unwrap()
        .into_iter()
        .find(|x| p.arcs().of_participant(x.id).unwrap().iter().any(|a| a.closed.is_none()))
        .unwrap();
    assert!(p.retention().purge(open.id, &open.name, later()).unwrap_err().to_string().contains("open arc"));

    // A packet answered while the arc was open: its row, and the note and response naming it.
    let arc = p.arcs().of_participant(id).unwrap()[0].id.to_string();
    {
        let conn = raw_connection(fx.path());
        conn.execute(
            "INSERT INTO packet (id, arc_id, timepoint, token_sha256, questions, measures, first_name, created_at,
               expires_at, answered_at, reply_sha256)
             VALUES ('packet-1', ?1, 'baseline', printf('%064d', 0), '[]', '[]', 0, '2020-01-01', '2020-02-01', '2020-01-02', 'x')",
            [&arc],
        )
        .unwrap();
        conn.execute("UPDATE document SET packet_id = 'packet-1' WHERE arc_id = ?1", [&arc]).unwrap();
        conn.execute("UPDATE measure_response SET packet_id = 'packet-1' WHERE arc_id = ?1", [&arc]).unwrap();
        // It was at a retreat, and its schedule once paused and shifted.
        conn.execute_batch(&format!(
            "INSERT INTO retreat (id, name, starts_on, ends_on, created_at) VALUES ('retreat-1', 'Spring', '2020-04-01', '2020-04-03', '2020-01-01');
             INSERT INTO retreat_arc (retreat_id, arc_id, added_at) VALUES ('retreat-1', '{arc}', '2020-01-01');
             INSERT INTO arc_pause (arc_id, since) VALUES ('{arc}', '2020-05-01');
             INSERT INTO schedule_change (arc_id, seq, kind, at, tz, detail, moved) VALUES ('{arc}', 1, 'shift', '2020-05-01', 'UTC', 'Moved', 2);"
        ))
        .unwrap();
    }
    p.retention().purge(id, &name, later()).unwrap();
    let packets: i64 = raw_connection(fx.path()).query_row("SELECT count(*) FROM packet", [], |r| r.get(0)).unwrap();
    assert_eq!(packets, 0, "its packets go too");
    let left: i64 = raw_connection(fx.path())
        .query_row(
            "SELECT (SELECT count(*) FROM retreat_arc WHERE arc_id = ?1) + (SELECT count(*) FROM arc_pause WHERE arc_id = ?1)
                  + (SELECT count(*) FROM schedule_change WHERE arc_id = ?1)",
            [&arc],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(left, 0, "its retreat places, pause and schedule history go too (the retreat itself stays)");
    assert_eq!(p.participants().get(id).unwrap_err().code(), ErrorCode::NotFound);
    assert_eq!(p.participants().list().unwrap().len(), everyone - 1);
    assert!(p.integrity_problems().unwrap().is_empty());
    assert_eq!(p.integration().verify_derived().unwrap(), Vec::<String>::new(), "phase counts and kept facts follow");
    assert!(p.audit().verify().unwrap().is_intact());
    let last =
        p.audit().entries(&arcwell::store::audit::AuditQuery { limit: 1, ..Default::default() }).unwrap().remove(0);
    assert_eq!((last.action.as_str(), last.participant_id.clone()), ("purge", Some(id.to_string())));
    assert_eq!(last.participant_name, None, "the trail has the id and nothing else of them");
    let hits = p.search(&arcwell::search::SearchQuery { text: name.clone(), ..Default::default() }).unwrap();
    assert!(hits.iter().all(|h| h.participant_id != id), "gone from search");
    // The practice goes on.
    p.participants().add(&ParticipantInput { name: "After The Purge".into(), ..Default::default() }, later()).unwrap();
    p.integration().dashboard(later()).unwrap();
    drop(p);

    // Every table, and every page of the file (freed ones included), read with the key: the name is nowhere.
    let mut conn = raw_connection(fx.path());
    let dangling: Vec<String> = conn
        .prepare("PRAGMA foreign_key_check")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(dangling, Vec::<String>::new(), "no row points at what was purged");
    let image = conn.serialize("main").unwrap();
    assert!(image.len() > 100_000, "the whole decrypted file ({} bytes)", image.len());
    let lower = name.to_lowercase();
    for needle in [name.as_bytes(), lower.as_bytes()] {
        assert!(!image.windows(needle.len()).any(|w| w == needle), "{name:?} is still in the file");
    }
    let id_text = id.to_string();
    let rows: i64 =
        conn.query_row("SELECT count(*) FROM audit_entry WHERE participant_id = ?1", [&id_text], |r| r.get(0)).unwrap();
    assert!(rows >= 1, "the audit trail keeps the id");
}

//! The audit trail: what is recorded, that no personal data is, and that verification finds every
//! edit, deletion and reordering made behind the app's back (with the key, through SQL).

use std::path::Path;
use std::process::{Command, Stdio};

use arcwell::backup::{self, Recipients, Unlock};
use arcwell::domain::arc::{AdvanceArc, OpenArc, Phase};
use arcwell::domain::participant::ParticipantInput;
use arcwell::export::Privacy;
use arcwell::key::Passphrase;
use arcwell::store::audit::{AuditEntry, AuditQuery, FAILURES_FILE, HEAD_FILE, LockReason};
use arcwell::{Keychain, Practice};

use crate::support::{Fixture, PASSPHRASE, now, raw_connection};

const NAME: &str = "Odalys Thistlewood";
const NOTE: &str = "Talked about the lighthouse dream again";

/// A short working session: a participant, an arc moved on, an export, a backup, a lock.
fn session(mut p: Practice) -> uuid::Uuid {
    let who = p
        .participants()
        .add(&ParticipantInput { name: NAME.into(), notes: Some(NOTE.into()), ..Default::default() }, now())
        .unwrap();
    let arc =
        p.open_arc(&OpenArc { participant_id: who.id, intention: Some(NOTE.into()), plan_id: None }, now()).unwrap();
    p.advance_arc(arc.id, &AdvanceArc { to: Phase::Preparation, reason: None }, now()).unwrap();
    let out = tempfile::tempdir().unwrap();
    p.exports().csv(out.path(), Privacy { names: true }, now()).unwrap();
    let to = Recipients::passphrase(Passphrase::new("a backup passphrase of words")).unwrap();
    p.backups()
        .write_to(
            &out.path().join(backup::file_name(backup::Made::ByHand, "0123456789abcdef0123456789abcdef", now())),
            &to,
            now(),
            &mut |_, _| {},
        )
        .unwrap();
    p.lock(LockReason::Idle).unwrap();
    who.id
}

fn all(p: &mut Practice) -> Vec<AuditEntry> {
    let mut e = p.audit().entries(&AuditQuery { limit: 10_000, ..Default::default() }).unwrap();
    e.reverse();
    e
}

fn summary(entries: &[AuditEntry]) -> Vec<String> {
    entries.iter().map(|e| format!("{} {} {}", e.action, e.entity, e.detail.as_deref().unwrap_or("-"))).collect()
}

#[test]
fn a_session_of_work_is_recorded_in_order_with_participant_ids_and_no_personal_data() {
    let (fx, p) = Fixture::new();
    let who = session(p);
    let mut p = fx.reopen();
    let entries = all(&mut p);
    let created = format!("create practice schema {}", arcwell::store::migrate::latest_version());
    assert_eq!(
        summary(&entries),
        [
            created.as_str(),
            "create profile -",
            "create participant -",
            "create arc -",
            "update arc phase preparation",
            "export export csv with names",
            "backup backup by hand",
            "lock practice idle",
            "unlock practice passphrase",
        ]
    );
    assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), (1..=9).collect::<Vec<_>>());
    for e in &entries[2..5] {
        assert_eq!(e.participant_id.as_deref(), Some(who.to_string().as_str()), "{e:?}");
        assert_eq!(e.participant_name.as_deref(), Some(NAME), "the name is looked up for display");
    }
    let one = p.audit().entries(&AuditQuery { participant: Some(who), limit: 100, ..Default::default() }).unwrap();
    assert_eq!(one.len(), 3, "one participant's entries");
    let report = p.audit().verify().unwrap();
    assert!(report.is_intact() && report.anchored && report.entries == 9, "{report:?}");

    // Nothing personal in the stored trail: every column of every entry, read with the key.
    drop(p);
    let conn = raw_connection(fx.path());
    let mut stmt = conn
        .prepare("SELECT coalesce(at,'')||action||entity||coalesce(entity_id,'')||coalesce(participant_id,'')||coalesce(detail,'') FROM audit_entry")
        .unwrap();
    let stored: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(stored.len(), 9);
    for row in &stored {
        for secret in [NAME, "Thistlewood", "lighthouse", "/tmp"] {
            assert!(!row.contains(secret), "{secret:?} in the audit trail: {row}");
        }
    }
    // Nor in the files beside the database that are not encrypted.
    let head = std::fs::read_to_string(fx.path().join(HEAD_FILE)).unwrap();
    assert!(head.starts_with("arcwell-audit-head v1\n9 "), "{head}");
}

/// Changes the trail behind the app's back: with the key, through SQL, triggers dropped first.
fn tamper(dir: &Path, sql: &str) {
    let conn = raw_connection(dir);
    conn.execute_batch(
        "DROP TRIGGER audit_entry_is_append_only_update; DROP TRIGGER audit_entry_is_append_only_delete;",
    )
    .unwrap();
    conn.execute_batch(sql).unwrap();
}

fn problems_after(sql: &str) -> Vec<(i64, String)> {
    let (fx, p) = Fixture::new();
    session(p);
    // 9 entries now (the last an unlock); the anchor names entry 9.
    drop(fx.reopen());
    tamper(fx.path(), sql);
    let mut p = fx.reopen();
    let report = p.audit().verify().unwrap();
    assert_eq!(report.is_intact(), report.problems.is_empty());
    report.problems.into_iter().map(|x| (x.seq, x.what)).collect()
}

#[test]
fn an_untouched_trail_verifies_and_every_kind_of_change_is_found_where_it_was_made() {
    assert_eq!(problems_after("SELECT 1"), [], "no change, no problem");

    let edited = problems_after("UPDATE audit_entry SET detail = 'csv' WHERE seq = 6");
    assert_eq!(edited.iter().map(|p| p.0).collect::<Vec<_>>(), [6], "{edited:?}");
    assert!(edited[0].1.contains("does not match its hash"), "{edited:?}");

    let rehashed = problems_after("UPDATE audit_entry SET hash = randomblob(32) WHERE seq = 4");
    assert_eq!(rehashed.iter().map(|p| p.0).collect::<Vec<_>>(), [4, 5], "the entry and the one chained to it");

    let who = problems_after("UPDATE audit_entry SET participant_id = NULL WHERE seq = 3");
    assert_eq!(who.iter().map(|p| p.0).collect::<Vec<_>>(), [3]);

    let deleted = problems_after("DELETE FROM audit_entry WHERE seq = 5");
    assert_eq!(deleted.iter().map(|p| p.0).collect::<Vec<_>>(), [5, 6], "{deleted:?}");
    assert!(deleted[0].1.contains("entry 5 is missing"), "{deleted:?}");

    let two = problems_after("DELETE FROM audit_entry WHERE seq IN (4, 5)");
    assert!(two[0].1.contains("entries 4 to 5 are missing"), "{two:?}");

    // Two entries swapped: both sit where they do not belong.
    let swapped = problems_after(
        "UPDATE audit_entry SET seq = 100 WHERE seq = 4; UPDATE audit_entry SET seq = 4 WHERE seq = 5;
         UPDATE audit_entry SET seq = 5 WHERE seq = 100;",
    );
    assert_eq!(swapped.iter().map(|p| p.0).collect::<Vec<_>>(), [4, 5, 6], "{swapped:?}");
}

#[test]
fn entries_deleted_from_the_end_are_found_by_the_anchor_and_it_is_not_moved_past_them() {
    let (fx, p) = Fixture::new();
    session(p);
    drop(fx.reopen());
    // Entries 8 and 9 (a lock and an unlock) removed: the chain alone would still verify.
    tamper(fx.path(), "DELETE FROM audit_entry WHERE seq >= 8");
    let mut p = fx.reopen();
    // Reopening appended an unlock as entry 8, and more work follows: the anchor keeps naming 9.
    p.participants().add(&ParticipantInput { name: "Ines Vantongeren".into(), ..Default::default() }, now()).unwrap();
    let report = p.audit().verify().unwrap();
    let seqs: Vec<i64> = report.problems.iter().map(|x| x.seq).collect();
    assert_eq!(seqs, [9], "{report:?}");
    assert!(report.problems[0].what.contains("differs from the copy of its hash"), "{report:?}");
    let head = std::fs::read_to_string(fx.path().join(HEAD_FILE)).unwrap();
    assert!(head.contains("\n9 "), "the anchor still names the entry that was removed: {head}");
}

#[test]
fn the_trail_refuses_updates_and_deletes_while_its_triggers_stand() {
    let (fx, p) = Fixture::new();
    drop(p);
    let conn = raw_connection(fx.path());
    for sql in ["UPDATE audit_entry SET detail = 'x'", "DELETE FROM audit_entry"] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
}

#[test]
fn failed_unlocks_are_noted_beside_the_practice_and_enter_the_trail_at_the_next_unlock() {
    let (fx, p) = Fixture::new();
    drop(p);
    for _ in 0..2 {
        let wrong =
            Practice::open_with_passphrase(fx.path(), &Passphrase::new("lantern meadow copper"), &Keychain::Off);
        assert!(wrong.is_err());
    }
    assert_eq!(std::fs::read_to_string(fx.path().join(FAILURES_FILE)).unwrap().lines().count(), 2);
    let mut p = fx.reopen();
    let entries = all(&mut p);
    let tail: Vec<String> = summary(&entries).into_iter().skip(2).collect();
    assert_eq!(tail.len(), 3, "{tail:?}");
    assert!(tail[0].starts_with("unlock_failed practice passphrase at 20"), "{tail:?}");
    assert!(tail[1].starts_with("unlock_failed practice passphrase at 20"), "{tail:?}");
    assert_eq!(tail[2], "unlock practice passphrase");
    assert!(!fx.path().join(FAILURES_FILE).exists(), "moved into the trail");
    assert!(p.audit().verify().unwrap().is_intact());
    // A note file someone wrote by hand passes only our own codes into the trail.
    drop(p);
    std::fs::write(fx.path().join(FAILURES_FILE), "2026-11-25T09:00:00.000Z Odalys\nnot a line\n").unwrap();
    let mut p = fx.reopen();
    let entries = all(&mut p);
    let last: Vec<String> = summary(&entries).into_iter().rev().take(2).collect();
    assert_eq!(last, ["unlock practice passphrase", "unlock_failed practice unknown at 2026-11-25T09:00:00.000Z"]);
}

#[test]
fn a_restore_keeps_the_backups_trail_and_records_itself() {
    let (_fx, mut p) = Fixture::new();
    p.participants().add(&ParticipantInput { name: NAME.into(), ..Default::default() }, now()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("b.arcwell-backup");
    let pass = Passphrase::new("a backup passphrase of words");
    p.backups().write_to(&file, &Recipients::passphrase(pass.clone()).unwrap(), now(), &mut |_, _| {}).unwrap();
    let before_backup: Vec<String> = summary(&all(&mut p)).into_iter().take(3).collect();
    for i in 0..5 {
        p.participants().add(&ParticipantInput { name: format!("Later {i}"), ..Default::default() }, now()).unwrap();
    }
    p.restore_replacing(
        &file,
        &Unlock::Passphrase(pass),
        &out.path().join("safety.arcwell-backup"),
        &Recipients::passphrase(Passphrase::new("another passphrase here")).unwrap(),
        Some(&Passphrase::new(PASSPHRASE)),
        &Keychain::Off,
        now(),
        &mut |_, _| {},
    )
    .unwrap();
    let after = summary(&all(&mut p));
    assert_eq!(after[..3], before_backup[..], "the backup's own trail comes back");
    assert!(
        after.last().unwrap().starts_with("restore practice from the backup made 2026-11-25T09:00:00.000Z"),
        "{after:?}"
    );
    let report = p.audit().verify().unwrap();
    assert!(report.is_intact() && report.anchored, "the anchor follows the restored chain: {report:?}");
}

#[test]
fn arcwell_audit_verify_exits_0_when_intact_and_5_with_where_when_not() {
    let (fx, p) = Fixture::new();
    session(p);
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_arcwell"))
            .arg("--data-dir")
            .arg(fx.path())
            .args(args)
            .env("ARCWELL_KEYCHAIN", "off")
            .env("ARCWELL_PASSPHRASE", PASSPHRASE)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let ok = run(&["audit", "verify"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("the audit trail is intact: 9 entries"));
    let listed = String::from_utf8_lossy(&run(&["audit", "list", "--limit", "3"]).stdout).into_owned();
    assert_eq!(listed.lines().count(), 3, "{listed}");
    assert!(listed.lines().next().unwrap().contains("unlock practice (passphrase)"), "{listed}");

    tamper(fx.path(), "UPDATE audit_entry SET action = 'update' WHERE seq = 4");
    let bad = run(&["audit", "verify"]);
    assert_eq!(bad.status.code(), Some(5));
    let said = String::from_utf8_lossy(&bad.stdout);
    assert!(said.contains("NOT intact") && said.contains("at entry 4 ("), "{said}");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("failed verification at entry 4"));
    let json = run(&["--json", "audit", "verify"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["problems"][0]["seq"], 4);
}

/// The `seq` the anchor file names.
fn anchored_seq(dir: &Path) -> i64 {
    let head = std::fs::read_to_string(dir.join(HEAD_FILE)).unwrap();
    head.lines().nth(1).and_then(|l| l.split_once(' ')).unwrap().0.parse().unwrap()
}

#[test]
fn a_burst_of_saves_moves_the_anchor_once_and_verifying_or_closing_brings_it_up_to_date() {
    let (fx, mut p) = Fixture::new();
    let first = anchored_seq(fx.path());
    assert_eq!(first, p.audit().verify().unwrap().entries, "a new practice anchors its newest entry");
    // Saves in quick succession (an autosave every keystroke pause): committed and in the chain,
    // but the anchor file is not rewritten after each (it follows at most every 5 s).
    for name in ["Ines Vantongeren", "Bastiaan Quellhorst", "Marisol Achterberg"] {
        p.participants().add(&ParticipantInput { name: name.into(), ..Default::default() }, now()).unwrap();
    }
    assert_eq!(anchored_seq(fx.path()), first, "the anchor lags the burst");
    // Verifying anchors everything first, so the report covers the whole chain.
    let report = p.audit().verify().unwrap();
    assert!(report.is_intact() && report.anchored && report.entries == first + 3, "{report:?}");
    assert_eq!(anchored_seq(fx.path()), first + 3);
    p.participants().add(&ParticipantInput { name: "Oona Verhaegen".into(), ..Default::default() }, now()).unwrap();
    assert_eq!(anchored_seq(fx.path()), first + 3);
    // Closing the practice anchors the rest.
    drop(p);
    assert_eq!(anchored_seq(fx.path()), first + 4, "dropping the practice moves the anchor to the newest entry");
    // And the lag never hides a deletion from the end that reaches an anchored entry.
    tamper(fx.path(), &format!("DELETE FROM audit_entry WHERE seq >= {}", first + 4));
    let report = fx.reopen().audit().verify().unwrap();
    assert_eq!(report.problems.iter().map(|x| x.seq).collect::<Vec<_>>(), [first + 4], "{report:?}");
}

/// Issue 23.7: a missing or unreadable `practice.audit-head` on a trail of more than one entry is
/// evidence (deleting it, then entries from the end, left a valid-looking chain): it is no longer
/// re-made by the next write, verification reports it (the CLI exits 5), and only an explicit,
/// audited acknowledgement anchors the trail again.
#[test]
fn a_missing_or_unreadable_anchor_is_reported_and_remade_only_when_acknowledged() {
    let (fx, p) = Fixture::new();
    session(p);
    let head = fx.path().join(HEAD_FILE);
    for (damage, says) in [(None, "is missing"), (Some("arcwell-audit-head v1\nnot a head\n"), "cannot be read")] {
        match damage {
            None => std::fs::remove_file(&head).unwrap(),
            Some(text) => std::fs::write(&head, text).unwrap(),
        }
        let mut p = fx.reopen();
        p.participants().add(&ParticipantInput { name: "After Hale".into(), ..Default::default() }, now()).unwrap();
        drop(p);
        let mut p = fx.reopen();
        assert_eq!(head.exists(), damage.is_some(), "{says}: the writes and closes since did not re-make it");
        let report = p.audit().verify().unwrap();
        assert!(!report.is_intact() && !report.anchored, "{says}: {report:?}");
        assert!(report.problems.iter().any(|x| x.what.contains(says) && x.what.contains(HEAD_FILE)), "{report:?}");
        drop(p);

        let cli = |args: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_arcwell"))
                .arg("--data-dir")
                .arg(fx.path())
                .args(args)
                .env("ARCWELL_KEYCHAIN", "off")
                .env("ARCWELL_PASSPHRASE", PASSPHRASE)
                .stdin(Stdio::null())
                .output()
                .unwrap()
        };
        let verified = cli(&["audit", "verify"]);
        assert_eq!(verified.status.code(), Some(5), "{says}");
        assert!(String::from_utf8_lossy(&verified.stdout).contains(says));
        let reanchored = cli(&["audit", "reanchor"]);
        assert!(reanchored.status.success(), "{}", String::from_utf8_lossy(&reanchored.stderr));
        let verified = cli(&["audit", "verify"]);
        assert!(
            verified.status.success(),
            "{says}: intact once acknowledged: {}",
            String::from_utf8_lossy(&verified.stdout)
        );

        let mut p = fx.reopen();
        let entries = all(&mut p);
        let acknowledged =
            entries.iter().find(|e| e.action == "acknowledge" && e.detail.as_deref() == Some("audit anchor missing"));
        assert!(acknowledged.is_some(), "{says}: the acknowledgement is in the trail: {:?}", summary(&entries));
    }
}

#[test]
fn a_restore_records_the_head_of_the_trail_it_replaced_and_every_backup_carries_its_own() {
    let (_fx, mut p) = Fixture::new();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("b.arcwell-backup");
    let pass = Passphrase::new("a backup passphrase of words");
    let info =
        p.backups().write_to(&file, &Recipients::passphrase(pass.clone()).unwrap(), now(), &mut |_, _| {}).unwrap();
    let carried = info.manifest.audit_head.clone().expect("the manifest carries the trail's head");
    let at_backup = all(&mut p);
    // The backup's own entry is written after its snapshot: the head it carries is the one before.
    assert_eq!(carried.seq, at_backup.last().unwrap().seq - 1, "{carried:?}");
    p.participants().add(&ParticipantInput { name: NAME.into(), ..Default::default() }, now()).unwrap();
    let replaced = all(&mut p).last().unwrap().seq;
    p.restore_replacing(
        &file,
        &Unlock::Passphrase(pass),
        &out.path().join("safety.arcwell-backup"),
        &Recipients::passphrase(Passphrase::new("another passphrase here")).unwrap(),
        Some(&Passphrase::new(PASSPHRASE)),
        &Keychain::Off,
        now(),
        &mut |_, _| {},
    )
    .unwrap();
    let restore = all(&mut p).into_iter().find(|e| e.action == "restore").unwrap();
    let detail = restore.detail.unwrap();
    assert!(detail.contains(&format!("replaced a trail whose head was entry {replaced} ")), "{detail}");
    assert!(p.audit().verify().unwrap().is_intact());
}

/// Issue 23.7: failed unlocks are noted in a file anyone can delete; the anchor counts them too, so
/// a notes file deleted before the next unlock shows in the trail.
#[test]
fn failed_unlocks_whose_notes_file_was_deleted_are_reported_at_the_next_unlock() {
    let (fx, p) = Fixture::new();
    drop(p);
    for _ in 0..2 {
        let wrong = Practice::open_with_passphrase(fx.path(), &Passphrase::new("not the passphrase"), &Keychain::Off);
        assert!(wrong.is_err());
    }
    let head = std::fs::read_to_string(fx.path().join(HEAD_FILE)).unwrap();
    assert!(head.ends_with("pending-failures 2\n"), "the anchor counts the failed unlocks: {head}");
    std::fs::remove_file(fx.path().join(FAILURES_FILE)).unwrap();

    let mut p = fx.reopen();
    let trail = summary(&all(&mut p));
    let tail: Vec<&String> = trail.iter().rev().take(2).collect();
    assert_eq!(
        tail,
        ["unlock practice passphrase", "unlock_failed practice 2 noted but missing from practice.unlock-failures"],
        "{trail:?}"
    );
    drop(p);
    let head = std::fs::read_to_string(fx.path().join(HEAD_FILE)).unwrap();
    assert!(!head.contains("pending-failures"), "consumed by the unlock: {head}");
    let mut p = fx.reopen();
    assert_eq!(
        summary(&all(&mut p)).iter().filter(|e| e.contains("missing from")).count(),
        1,
        "reported once, not at every unlock"
    );
    assert!(p.audit().verify().unwrap().is_intact());
}

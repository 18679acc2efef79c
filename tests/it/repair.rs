//! Repairing a practice file with damaged pages: damage to free pages is mended without losing a
//! record, damage to pages in use is refused with nothing changed, and a repair racing other
//! Arcwell processes that write never loses one of their writes.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;

use arcwell::backup::Recipients;
use arcwell::key::Passphrase;
use arcwell::store::repair::{Repair, STAGING};
use arcwell::{ErrorCode, Practice};

use crate::support::{Fixture, PASSPHRASE, now, raw_connection};

const PAGE: usize = 4096;

fn seeded() -> (Fixture, Practice) {
    let (fx, mut p) = Fixture::new();
    arcwell::demo::seed(&mut p, now()).unwrap();
    (fx, p)
}

fn pass() -> Passphrase {
    Passphrase::new(PASSPHRASE)
}

/// Every table but the audit trail, which gains the repair itself.
fn content(p: &mut Practice) -> BTreeMap<String, (u64, String)> {
    let mut d = p.backups().content_digest().unwrap();
    d.remove("audit_entry");
    d
}

fn last_action(p: &mut Practice) -> String {
    p.audit().entries(&arcwell::store::audit::AuditQuery { limit: 1, ..Default::default() }).unwrap()[0].action.clone()
}

/// Leaves about 300 free pages in the closed practice at `dir`: a table of blobs made and dropped,
/// as deleted records leave them. The last connection to close puts the WAL into the file.
fn leave_free_pages(dir: &Path) {
    let raw = raw_connection(dir);
    raw.execute_batch(
        "CREATE TABLE scratch (b BLOB);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
           INSERT INTO scratch SELECT randomblob(3000) FROM n;
         DROP TABLE scratch;",
    )
    .unwrap();
    let free: i64 = raw.query_row("PRAGMA freelist_count", [], |r| r.get(0)).unwrap();
    assert!(free >= 300, "{free} free pages");
}

/// The free list of the closed practice at `dir`, read from its decrypted image as the file format
/// lays it out: the trunk pages (which SQLite reads to hand out a free page) and their leaves
/// (which it hands out without reading).
fn free_list(dir: &Path) -> (Vec<usize>, Vec<usize>) {
    let mut raw = raw_connection(dir);
    let image = raw.serialize("main").unwrap();
    let word = |at: usize| u32::from_be_bytes([image[at], image[at + 1], image[at + 2], image[at + 3]]) as usize;
    let (mut trunks, mut leaves) = (Vec::new(), Vec::new());
    let mut trunk = word(32);
    while trunk != 0 {
        trunks.push(trunk);
        let at = (trunk - 1) * PAGE;
        leaves.extend((0..word(at + 4)).map(|i| word(at + 8 + 4 * i)));
        trunk = word(at);
    }
    (trunks, leaves)
}

/// Flips a byte in the middle of each of `pages` on disk: each then fails SQLCipher's HMAC check.
fn damage(dir: &Path, pages: &[usize]) {
    let db = dir.join("practice.db");
    let mut bytes = std::fs::read(&db).unwrap();
    for page in pages {
        bytes[(page - 1) * PAGE + 1000] ^= 0x10;
    }
    std::fs::write(&db, &bytes).unwrap();
}

fn inode(dir: &Path) -> u64 {
    std::fs::metadata(dir.join("practice.db")).unwrap().ino()
}

#[test]
fn damaged_free_pages_stop_backups_until_a_repair_writes_the_file_anew_losing_nothing() {
    let (fx, mut p) = seeded();
    let before = content(&mut p);
    drop(p);
    leave_free_pages(fx.path());
    let (trunks, leaves) = free_list(fx.path());
    // A trunk and two leaves of the free list: a trunk is read when SQLite next needs a page.
    let mut hit = vec![trunks[0], leaves[0], leaves[leaves.len() - 1]];
    hit.sort_unstable();
    damage(fx.path(), &hit);
    let mut p = fx.reopen();

    let folder = tempfile::tempdir().unwrap();
    let to = Recipients::passphrase(Passphrase::new("harbour lantern seven gulls")).unwrap();
    let refused = p.backups().write_to(&folder.path().join("a.arcwell-backup"), &to, now(), &mut |_, _| {});
    let refused = refused.unwrap_err();
    assert_eq!(refused.code(), ErrorCode::FileDamaged);
    assert_eq!(p.backups().health(now()).unwrap().damaged_page, Some(hit[0] as u64), "the first damaged page read");
    let message = refused.to_string();
    assert!(
        message.contains("fails its authentication check") && message.contains("repair the practice file"),
        "{message}"
    );
    // From the command line, the same refusal says which command repairs.
    let cli = crate::support::cli(fx.path(), &["backup", "create", "--folder", &folder.path().display().to_string()])
        .env("ARCWELL_BACKUP_PASSPHRASE", "harbour lantern seven gulls")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&cli.stderr);
    assert_eq!(cli.status.code(), Some(1), "{said}");
    assert!(said.contains("fails its authentication check") && said.contains("`arcwell repair`"), "{said}");

    let wrong = p.repair_file(&Passphrase::new("not the passphrase")).unwrap_err();
    assert_eq!(wrong.code(), ErrorCode::WrongPassphrase);
    let old = inode(fx.path());
    let repair = p.repair_file(&pass()).unwrap();
    let pages: Vec<u64> = hit.iter().map(|&n| n as u64).collect();
    assert_eq!(repair, Repair { damaged: pages, search_remade: false });
    assert_ne!(inode(fx.path()), old, "a new file");
    assert!(!fx.path().join(STAGING).exists());

    assert_eq!(content(&mut p), before, "every record, read through the repaired practice");
    assert!(p.integrity_problems().unwrap().is_empty(), "no page fails any more");
    assert_eq!(last_action(&mut p), "repair");
    assert!(p.audit().verify().unwrap().is_intact());
    // The damaged page remembered by the refused backup is forgotten: Today no longer names it,
    // and the next backup is written, and it checks.
    assert_eq!(p.backups().health(now()).unwrap().damaged_page, None);
    let dest = folder.path().join("b.arcwell-backup");
    p.backups().write_to(&dest, &to, now(), &mut |_, _| {}).unwrap();
    let unlock = arcwell::backup::Unlock::Passphrase(Passphrase::new("harbour lantern seven gulls"));
    arcwell::backup::verify(&dest, &unlock, &mut |_, _| {}).unwrap();
    let written = content(&mut p);
    drop(p);
    let mut p = fx.reopen();
    assert_eq!(content(&mut p), written, "and read again from disk");

    // A sound file: nothing is written, nothing recorded.
    let (old, last) = (inode(fx.path()), last_action(&mut p));
    assert_eq!(p.repair_file(&pass()).unwrap(), Repair { damaged: vec![], search_remade: false });
    assert_eq!(inode(fx.path()), old);
    assert_eq!(last_action(&mut p), last);
}

#[test]
fn damage_to_a_page_holding_records_is_refused_and_nothing_is_changed() {
    let (fx, mut p) = seeded();
    let before = content(&mut p);
    drop(p);
    // A page of the integration notes: opening the practice and listing participants never read it.
    let page = raw_connection(fx.path())
        .query_row("SELECT max(pageno) FROM dbstat WHERE name = 'note'", [], |r| r.get::<_, i64>(0))
        .unwrap() as usize;
    damage(fx.path(), &[page]);
    let damaged_bytes = std::fs::read(fx.path().join("practice.db")).unwrap()[(page - 1) * PAGE..page * PAGE].to_vec();
    let mut p = fx.reopen();
    let old = inode(fx.path());

    let refused = p.repair_file(&pass()).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::RecordsDamaged);
    let message = refused.to_string();
    assert!(
        message.contains(&format!("page {page}, part of note"))
            && message.contains("nothing was changed")
            && message.contains("restore the practice from the last good one"),
        "{message}"
    );
    assert_eq!(inode(fx.path()), old, "not replaced");
    let now_bytes = std::fs::read(fx.path().join("practice.db")).unwrap()[(page - 1) * PAGE..page * PAGE].to_vec();
    assert_eq!(now_bytes, damaged_bytes, "the damaged page as it was");
    assert!(!fx.path().join(STAGING).exists());
    // The practice is open again on fresh connections, and reads and writes as before.
    let mut expected = before["participant"].0;
    assert_eq!(p.participants().list().unwrap().len() as u64, expected);
    let person = arcwell::domain::participant::ParticipantInput { name: "Odile Fenwick".into(), ..Default::default() };
    p.participants().add(&person, now()).unwrap();
    expected += 1;
    assert_eq!(p.participants().list().unwrap().len() as u64, expected);
}

/// What the search finds for a few words of the demo practice, hit by hit.
fn found(p: &mut Practice) -> Vec<String> {
    ["sleep", "grief", "music walk", "\"father\""]
        .iter()
        .flat_map(|text| {
            let q = arcwell::search::SearchQuery { text: (*text).into(), limit: Some(200), ..Default::default() };
            p.search(&q).unwrap().into_iter().map(|h| serde_json::to_string(&h).unwrap())
        })
        .collect()
}

#[test]
fn damage_to_the_search_index_is_mended_by_making_the_index_anew() {
    let (fx, mut p) = seeded();
    // Searching first brings the entries of edited drafts up to date (`search_stale`).
    let searched = found(&mut p);
    let before = content(&mut p);
    assert!(searched.len() > 5, "the words find something: {}", searched.len());
    drop(p);
    leave_free_pages(fx.path());
    let (_, leaves) = free_list(fx.path());
    // The index's largest page and one free page.
    let index = raw_connection(fx.path())
        .query_row("SELECT max(pageno) FROM dbstat WHERE name = 'search_fts_data'", [], |r| r.get::<_, i64>(0))
        .unwrap() as usize;
    let mut hit = vec![index, leaves[0]];
    hit.sort_unstable();
    damage(fx.path(), &hit);
    let mut p = fx.reopen();

    let repair = p.repair_file(&pass()).unwrap();
    let pages: Vec<u64> = hit.iter().map(|&n| n as u64).collect();
    assert_eq!(repair, Repair { damaged: pages, search_remade: true });
    assert!(p.integrity_problems().unwrap().is_empty());
    let index_tables = ["search_fts_data", "search_fts_idx", "search_fts_docsize", "search_fts_config"];
    let without_index = |mut d: BTreeMap<String, (u64, String)>| {
        d.retain(|t, _| !index_tables.contains(&t.as_str()));
        d
    };
    assert_eq!(without_index(content(&mut p)), without_index(before), "every record");
    assert_eq!(found(&mut p), searched, "the index made anew finds what it found");
    let entry = p.audit().entries(&arcwell::store::audit::AuditQuery { limit: 1, ..Default::default() }).unwrap();
    assert_eq!(entry[0].action, "repair");
    assert!(
        entry[0].detail.as_deref().unwrap_or_default().contains("the search index made anew"),
        "{:?}",
        entry[0].detail
    );
    assert!(p.audit().verify().unwrap().is_intact());
    // It goes on indexing what is written.
    let person =
        arcwell::domain::participant::ParticipantInput { name: "Theodora Quillfeather".into(), ..Default::default() };
    p.participants().add(&person, now()).unwrap();
    let q = arcwell::search::SearchQuery { text: "Quillfeather".into(), ..Default::default() };
    assert_eq!(p.search(&q).unwrap().len(), 1);
    drop(p);
    drop(fx.reopen());
}

#[test]
fn a_repair_is_refused_while_another_arcwell_has_the_practice_open() {
    let (fx, mut p) = Fixture::new();
    let other = fx.reopen();
    let refused = p.repair_file(&pass()).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::Conflict);
    assert!(refused.to_string().contains("another Arcwell process has this practice open"), "{refused}");
    drop(other);
    assert_eq!(p.repair_file(&pass()).unwrap(), Repair { damaged: vec![], search_remade: false });
}

/// `arcwell repair` in one process while two others add participants in a loop, for
/// `ARCWELL_REPAIR_RACE_ROUNDS` rounds (default 4). Each round first damages free leaves of the
/// file (pages SQLite hands out without reading, so the writers never trip on them). The repair
/// is refused while a writer holds the practice open and tries again; once it runs, it replaces
/// the file. Every participant whose add succeeded must be in the repaired practice: a writer that
/// kept writing into the replaced file would lose its rows.
#[test]
fn a_repair_racing_writers_never_loses_a_write() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let rounds: usize = std::env::var("ARCWELL_REPAIR_RACE_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(4);
    let (fx, p) = seeded();
    drop(p);
    let cli = |args: &[&str]| crate::support::cli(fx.path(), args);
    for round in 0..rounds {
        leave_free_pages(fx.path());
        let (_, leaves) = free_list(fx.path());
        damage(fx.path(), &leaves);
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..2)
            .map(|w| {
                let stop = stop.clone();
                let mut adds = Vec::new();
                let commands: Vec<Command> =
                    (0..200).map(|i| cli(&["participant", "add", &format!("Racer {round}-{w}-{i:03}")])).collect();
                std::thread::spawn(move || {
                    let mut failures = Vec::new();
                    for (i, mut add) in commands.into_iter().enumerate() {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let out = add.output().unwrap();
                        if out.status.success() {
                            adds.push(format!("Racer {round}-{w}-{i:03}"));
                        } else {
                            failures.push(String::from_utf8_lossy(&out.stderr).into_owned());
                        }
                    }
                    (adds, failures)
                })
            })
            .collect();
        let mut repaired = None;
        for _ in 0..60 {
            let out = cli(&["--json", "repair"]).output().unwrap();
            if out.status.success() {
                repaired = Some(String::from_utf8_lossy(&out.stdout).into_owned());
                break;
            }
            let why = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(5), "round {round}: the repair failed otherwise than refused: {why}");
        }
        stop.store(true, Ordering::Relaxed);
        let (mut added, mut failures) = (Vec::new(), Vec::new());
        for w in writers {
            let (a, f) = w.join().unwrap();
            added.extend(a);
            failures.extend(f);
        }
        let repaired = repaired.unwrap_or_else(|| panic!("round {round}: the repair never found the practice free"));
        let repaired: serde_json::Value = serde_json::from_str(&repaired).unwrap();
        assert!(!repaired["damaged"].as_array().unwrap().is_empty(), "round {round}: written anew: {repaired}");
        // A writer waits while the repair holds the practice; none fails.
        assert!(
            failures.is_empty(),
            "round {round}: {} adds failed, the first: {:?}",
            failures.len(),
            failures.first()
        );
        let mut p = fx.reopen();
        let names: std::collections::BTreeSet<String> =
            p.participants().list().unwrap().into_iter().map(|s| s.name).collect();
        let lost: Vec<&String> = added.iter().filter(|n| !names.contains(*n)).collect();
        assert!(lost.is_empty(), "round {round}: adds that succeeded and are gone: {lost:?}");
        assert!(p.integrity_problems().unwrap().is_empty(), "round {round}");
        assert!(p.audit().verify().unwrap().is_intact(), "round {round}");
        assert!(!fx.path().join(STAGING).exists(), "round {round}");
        eprintln!("round {round}: repaired with {} racing adds ({} refused)", added.len(), failures.len());
    }
}

//! The audit trail: an append-only, hash-chained log of what was done to the practice.
//!
//! Every write records at least one entry in its own transaction (`Practice::write` refuses to
//! commit one that changed rows and recorded none). Entries carry ids and codes only — never names,
//! note text, answers or file paths. The newest entry's hash is also kept beside the database in
//! `practice.audit-head`, so deleting entries from the end is detected too. See ARCHITECTURE.md
//! "The audit trail".

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use ts_rs::TS;
use uuid::Uuid;

use crate::store::time::{from_db, to_db};
use crate::{Practice, Result};

/// The anchor file beside `practice.db`.
pub const HEAD_FILE: &str = "practice.audit-head";
/// Failed unlocks waiting to be moved into the chain at the next successful unlock.
pub const FAILURES_FILE: &str = "practice.unlock-failures";

const DOMAIN: &[u8] = b"arcwell-audit-v1";
const HEAD_MAGIC: &str = "arcwell-audit-head v1";

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Sign,
    Amend,
    Withdraw,
    Acknowledge,
    Delete,
    Export,
    Backup,
    Restore,
    Unlock,
    UnlockFailed,
    Lock,
    Rekey,
    PassphraseChange,
    Purge,
    /// The practice's file written anew without its damaged free pages (`Practice::repair_file`).
    Repair,
    /// A file from outside taken in: a participant's check-in reply.
    Import,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Sign => "sign",
            Action::Amend => "amend",
            Action::Withdraw => "withdraw",
            Action::Acknowledge => "acknowledge",
            Action::Delete => "delete",
            Action::Export => "export",
            Action::Backup => "backup",
            Action::Restore => "restore",
            Action::Unlock => "unlock",
            Action::UnlockFailed => "unlock_failed",
            Action::Lock => "lock",
            Action::Rekey => "rekey",
            Action::PassphraseChange => "passphrase_change",
            Action::Purge => "purge",
            Action::Repair => "repair",
            Action::Import => "import",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        ALL_ACTIONS.iter().copied().find(|a| a.as_str() == s)
    }
}

const ALL_ACTIONS: [Action; 18] = [
    Action::Create,
    Action::Update,
    Action::Sign,
    Action::Amend,
    Action::Withdraw,
    Action::Acknowledge,
    Action::Delete,
    Action::Export,
    Action::Backup,
    Action::Restore,
    Action::Unlock,
    Action::UnlockFailed,
    Action::Lock,
    Action::Rekey,
    Action::PassphraseChange,
    Action::Purge,
    Action::Repair,
    Action::Import,
];

/// What it was done to. Arc-scoped subjects name the participant through their arc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Subject {
    Practice,
    Profile,
    Settings,
    Participant(Uuid),
    Arc(Uuid),
    Session(Uuid),
    CheckIn(Uuid),
    Milestone(Uuid),
    Document(Uuid),
    MeasureResponse(Uuid),
    Plan(Uuid),
    Template(String),
    Alert(String),
    Notification,
    Backup,
    Export,
    /// A check-in packet, and the reply imported from it.
    Packet(Uuid),
    /// A retreat: its details and who is at it (a member's arc is recorded as the arc's own entry).
    Retreat(Uuid),
}

impl Subject {
    fn entity(&self) -> &'static str {
        match self {
            Subject::Practice => "practice",
            Subject::Profile => "profile",
            Subject::Settings => "settings",
            Subject::Participant(_) => "participant",
            Subject::Arc(_) => "arc",
            Subject::Session(_) => "session",
            Subject::CheckIn(_) => "checkin",
            Subject::Milestone(_) => "milestone",
            Subject::Document(_) => "document",
            Subject::MeasureResponse(_) => "measure_response",
            Subject::Plan(_) => "plan",
            Subject::Template(_) => "template",
            Subject::Alert(_) => "alert",
            Subject::Notification => "notification",
            Subject::Backup => "backup",
            Subject::Export => "export",
            Subject::Packet(_) => "packet",
            Subject::Retreat(_) => "retreat",
        }
    }

    fn id(&self) -> Option<String> {
        match self {
            Subject::Participant(id)
            | Subject::Arc(id)
            | Subject::Session(id)
            | Subject::CheckIn(id)
            | Subject::Milestone(id)
            | Subject::Document(id)
            | Subject::MeasureResponse(id)
            | Subject::Plan(id)
            | Subject::Packet(id)
            | Subject::Retreat(id) => Some(id.to_string()),
            Subject::Template(id) | Subject::Alert(id) => Some(id.clone()),
            Subject::Practice
            | Subject::Profile
            | Subject::Settings
            | Subject::Notification
            | Subject::Backup
            | Subject::Export => None,
        }
    }

    /// The participant the subject belongs to, looked up through its arc.
    fn participant(&self, conn: &Connection) -> Result<Option<String>> {
        let (table, id) = match self {
            Subject::Participant(id) => return Ok(Some(id.to_string())),
            Subject::Arc(id) => return arc_participant(conn, &id.to_string()),
            Subject::Session(id) => ("session", id),
            Subject::CheckIn(id) => ("checkin", id),
            Subject::Milestone(id) => ("milestone", id),
            Subject::Document(id) => ("document", id),
            Subject::MeasureResponse(id) => ("measure_response", id),
            Subject::Packet(id) => ("packet", id),
            Subject::Alert(key) => return alert_participant(conn, key),
            _ => return Ok(None),
        };
        let sql = format!("SELECT a.participant_id FROM {table} x JOIN arc a ON a.id = x.arc_id WHERE x.id = ?1");
        Ok(conn.prepare_cached(&sql)?.query_row([id.to_string()], |r| r.get(0)).optional()?)
    }
}

fn arc_participant(conn: &Connection, arc: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT participant_id FROM arc WHERE id = ?1")?
        .query_row([arc], |r| r.get(0))
        .optional()?)
}

/// Alert keys are `<kind>:<id>[:…]`; the id names an arc, a check-in, a document or a response.
fn alert_participant(conn: &Connection, key: &str) -> Result<Option<String>> {
    let Some(id) = key.split(':').nth(1).and_then(|s| Uuid::parse_str(s).ok()) else { return Ok(None) };
    for subject in [Subject::Arc(id), Subject::CheckIn(id), Subject::Document(id), Subject::MeasureResponse(id)] {
        if let Some(p) = subject.participant(conn)? {
            return Ok(Some(p));
        }
    }
    Ok(None)
}

/// Records one entry inside the caller's transaction, chained to the newest one.
/// `detail` is built from codes only (a phase, a kind, a count): never free text.
pub(crate) fn record(tx: &Transaction<'_>, action: Action, subject: &Subject, detail: Option<&str>) -> Result<()> {
    let participant = subject.participant(tx)?;
    append(tx, Utc::now(), action, subject.entity(), subject.id().as_deref(), participant.as_deref(), detail)
}

fn append(
    conn: &Connection,
    at: DateTime<Utc>,
    action: Action,
    entity: &str,
    entity_id: Option<&str>,
    participant: Option<&str>,
    detail: Option<&str>,
) -> Result<()> {
    let (seq, prev) = head(conn)?.map_or((1, [0u8; 32]), |(seq, hash)| (seq + 1, hash));
    let at = to_db(at);
    let fields = Fields { seq, at: &at, action: action.as_str(), entity, entity_id, participant, detail };
    let hash = fields.hash(&prev);
    conn.prepare_cached(
        "INSERT INTO audit_entry (seq, at, action, entity, entity_id, participant_id, detail, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![seq, at, fields.action, entity, entity_id, participant, detail, hash.as_slice()])?;
    Ok(())
}

/// The newest entry's `seq` and hash.
pub(crate) fn head(conn: &Connection) -> Result<Option<(i64, [u8; 32])>> {
    let row: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.map(|(seq, hash)| (seq, to_hash(&hash))))
}

fn to_hash(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    if bytes.len() == 32 {
        out.copy_from_slice(bytes);
    }
    out
}

/// The hashed content of one entry.
#[derive(Clone, Copy)]
struct Fields<'a> {
    seq: i64,
    at: &'a str,
    action: &'a str,
    entity: &'a str,
    entity_id: Option<&'a str>,
    participant: Option<&'a str>,
    detail: Option<&'a str>,
}

impl Fields<'_> {
    fn hash(&self, prev: &[u8; 32]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(DOMAIN);
        h.update(prev);
        h.update(self.seq.to_be_bytes());
        for field in
            [Some(self.at), Some(self.action), Some(self.entity), self.entity_id, self.participant, self.detail]
        {
            match field {
                // Each field length-prefixed, and an absent one distinct from an empty one.
                Some(s) => {
                    h.update(u32::try_from(s.len()).unwrap_or(u32::MAX).to_be_bytes());
                    h.update(s.as_bytes());
                }
                None => h.update(u32::MAX.to_be_bytes()),
            }
        }
        h.finalize().into()
    }
}

/// One entry as the app and the CLI show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub participant_id: Option<String>,
    /// The participant's name as the practice holds it now, looked up for display (never stored in
    /// the trail); `None` for entries about no one, or someone since purged.
    pub participant_name: Option<String>,
    pub detail: Option<String>,
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub participant: Option<Uuid>,
    /// Entries with `seq` below this (paging from the newest back).
    pub before: Option<i64>,
    pub limit: u32,
}

/// What verification found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AuditReport {
    #[ts(type = "number")]
    pub entries: i64,
    pub problems: Vec<AuditProblem>,
    /// Whether `practice.audit-head` was there to check the end of the chain against.
    pub anchored: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AuditProblem {
    /// Where: the entry's sequence number.
    #[ts(type = "number")]
    pub seq: i64,
    /// The entry's time as stored, when there is an entry there.
    pub at: Option<String>,
    pub what: String,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks every entry's hash from the first one, the sequence for gaps, and the anchor.
pub(crate) fn verify(conn: &Connection, dir: &Path) -> Result<AuditReport> {
    let mut problems = Vec::new();
    let mut stmt = conn.prepare(
        "SELECT seq, at, action, entity, entity_id, participant_id, detail, hash FROM audit_entry ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1i64;
    let mut prev_stored = [0u8; 32];
    let mut entries = 0i64;
    let mut hashes_at_anchor: Option<[u8; 32]> = None;
    let anchor = read_anchor(dir);
    while let Some(r) = rows.next()? {
        entries += 1;
        let seq: i64 = r.get(0)?;
        let at: String = r.get(1)?;
        let action: String = r.get(2)?;
        let (entity, entity_id, participant, detail): (String, Option<String>, Option<String>, Option<String>) =
            (r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?);
        let stored: Vec<u8> = r.get(7)?;
        if seq > expected_seq {
            let what = if seq == expected_seq + 1 {
                format!("entry {expected_seq} is missing: it was deleted")
            } else {
                format!("entries {expected_seq} to {} are missing: they were deleted", seq - 1)
            };
            problems.push(AuditProblem { seq: expected_seq, at: None, what });
        }
        let fields = Fields {
            seq,
            at: &at,
            action: &action,
            entity: &entity,
            entity_id: entity_id.as_deref(),
            participant: participant.as_deref(),
            detail: detail.as_deref(),
        };
        // Each entry against the stored hash before it: a change shows where it was made, not at
        // every entry after it. A deletion shows at the entry after the gap as well.
        if stored.len() != 32 || fields.hash(&prev_stored) != to_hash(&stored) {
            problems.push(AuditProblem {
                seq,
                at: Some(at.clone()),
                what: format!(
                    "entry {seq} does not match its hash: it was edited, or entries before it were deleted or reordered"
                ),
            });
        } else if Action::parse(&action).is_none() {
            problems.push(AuditProblem {
                seq,
                at: Some(at.clone()),
                what: format!("entry {seq} has an unknown action"),
            });
        }
        if anchor.as_ref().is_some_and(|a| a.seq == seq) {
            hashes_at_anchor = Some(to_hash(&stored));
        }
        prev_stored = to_hash(&stored);
        expected_seq = seq + 1;
    }
    if let Some(anchor) = &anchor {
        match hashes_at_anchor {
            None if anchor.seq >= expected_seq => problems.push(AuditProblem {
                seq: expected_seq,
                at: None,
                what: format!(
                    "the trail ends at entry {} but {HEAD_FILE} records entry {}: entries were deleted from the end",
                    expected_seq - 1,
                    anchor.seq
                ),
            }),
            None => problems.push(AuditProblem {
                seq: anchor.seq,
                at: None,
                what: format!("entry {} named by {HEAD_FILE} is missing", anchor.seq),
            }),
            Some(hash) if hash != anchor.hash => problems.push(AuditProblem {
                seq: anchor.seq,
                at: None,
                what: format!("entry {} differs from the copy of its hash in {HEAD_FILE}", anchor.seq),
            }),
            Some(_) => {}
        }
    }
    if anchor.is_none() && entries > 1 {
        let why = if head_path(dir).exists() { "cannot be read" } else { "is missing" };
        problems.push(AuditProblem {
            seq: expected_seq - 1,
            at: None,
            what: format!(
                "{HEAD_FILE} {why} while the trail has {entries} entries: it was deleted or replaced, so entries deleted from the end would not show; acknowledge it to anchor the trail at its head again"
            ),
        });
    }
    problems.sort_by_key(|p| p.seq);
    Ok(AuditReport { entries, problems, anchored: anchor.is_some() })
}

struct Anchor {
    seq: i64,
    hash: [u8; 32],
    /// Failed unlocks noted in `practice.unlock-failures` since the anchor was last written from
    /// the trail: the next unlock expects to find at least that many there.
    pending_failures: usize,
}

fn head_path(dir: &Path) -> PathBuf {
    dir.join(HEAD_FILE)
}

fn read_anchor(dir: &Path) -> Option<Anchor> {
    let text = std::fs::read_to_string(head_path(dir)).ok()?;
    let mut lines = text.lines();
    if lines.next()? != HEAD_MAGIC {
        return None;
    }
    let (seq, hex) = lines.next()?.split_once(' ')?;
    let seq = seq.parse().ok()?;
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| hex.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect::<Option<_>>()?;
    let pending_failures =
        lines.next().and_then(|l| l.strip_prefix(PENDING_PREFIX)).and_then(|n| n.trim().parse().ok()).unwrap_or(0);
    (bytes.len() == 32).then(|| Anchor { seq, hash: to_hash(&bytes), pending_failures })
}

/// Moves the anchor up to the newest entry (a new file renamed into place), but only from an
/// anchor the chain agrees with: an anchor naming an entry that is gone or different is evidence,
/// and stays until verification has shown it (a restore resets it with `reset_anchor`). Best
/// effort: the entry is already committed, and an anchor that lags is allowed.
///
/// A missing or unreadable anchor is evidence too (deleting it, then entries from the end, would
/// otherwise leave a valid-looking chain): it is not re-made here but reported by verification,
/// and re-made only by an explicit, audited acknowledgement (`AuditTrail::reanchor`).
/// The one exception is a trail that has only just begun (`anchor_new_trail`).
pub(crate) fn write_anchor(conn: &Connection, dir: &Path) {
    let Some(anchor) = read_anchor(dir) else { return };
    let stored: Option<Vec<u8>> = conn
        .prepare_cached("SELECT hash FROM audit_entry WHERE seq = ?1")
        .and_then(|mut s| s.query_row([anchor.seq], |r| r.get(0)).optional())
        .ok()
        .flatten();
    if stored.map(|h| to_hash(&h)) != Some(anchor.hash) {
        return;
    }
    reset_anchor(conn, dir);
}

/// At open: a trail of at most one entry (the migration that created it) with no anchor file yet
/// is anchored now; any other missing anchor is left for verification to report.
pub(crate) fn anchor_new_trail(conn: &Connection, dir: &Path) {
    if head_path(dir).exists() {
        return;
    }
    let entries: Option<i64> = conn.query_row("SELECT count(*) FROM audit_entry", [], |r| r.get(0)).ok();
    if entries.is_some_and(|n| n <= 1) {
        reset_anchor(conn, dir);
    }
}

/// Writes the anchor from the newest entry, whatever the old one said (a new practice, a restore).
pub(crate) fn reset_anchor(conn: &Connection, dir: &Path) {
    let Ok(Some((seq, hash))) = head(conn) else { return };
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    let text = format!("{HEAD_MAGIC}\n{seq} {hex}\n");
    let _ = replace_anchor_file(dir, &text);
}

/// Notes a failed unlock beside the database (time and method only), to be moved into the chain at
/// the next successful unlock. Best effort: a read-only directory loses the note, not the practice.
///
/// The anchor counts it too (`pending-failures N`), so that deleting the notes file shows at the
/// next unlock; deleting the anchor as well is itself reported by verification.
pub(crate) fn note_failed_unlock(dir: &Path, method: &str, at: DateTime<Utc>) {
    let line = format!("{} {method}\n", to_db(at));
    let noted = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(FAILURES_FILE))
        .and_then(|mut f| f.write_all(line.as_bytes()).and_then(|()| f.sync_all()));
    if noted.is_err() {
        return;
    }
    if let Some(anchor) = read_anchor(dir) {
        let hex: String = anchor.hash.iter().map(|b| format!("{b:02x}")).collect();
        let text = format!("{HEAD_MAGIC}\n{} {hex}\n{PENDING_PREFIX}{}\n", anchor.seq, anchor.pending_failures + 1);
        let _ = replace_anchor_file(dir, &text);
    }
}

/// The anchor's optional third line: failed unlocks noted since it was last written.
const PENDING_PREFIX: &str = "pending-failures ";

fn replace_anchor_file(dir: &Path, text: &str) -> std::io::Result<()> {
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.persist(head_path(dir)).map_err(|e| e.error)?;
    Ok(())
}

/// Records an unlock, after the failed ones noted since the last, and removes the note file.
pub(crate) fn record_unlock(tx: &Transaction<'_>, dir: &Path, method: &str) -> Result<bool> {
    let path = dir.join(FAILURES_FILE);
    let failures = std::fs::read_to_string(&path).unwrap_or_default();
    // Failed unlocks the anchor counted but the notes file no longer holds: it was deleted or cut.
    let expected = read_anchor(dir).map_or(0, |a| a.pending_failures);
    let found = failures.lines().count();
    if expected > found {
        append(
            tx,
            Utc::now(),
            Action::UnlockFailed,
            "practice",
            None,
            None,
            Some(&format!("{} noted but missing from {FAILURES_FILE}", expected - found)),
        )?;
    }
    for line in failures.lines() {
        let Some((at, how)) = line.split_once(' ') else { continue };
        // Only our own codes pass into the trail: the file is outside the encrypted database.
        let how = match how {
            "passphrase" => "passphrase",
            "pin" => "pin",
            _ => "unknown",
        };
        let Ok(at) = DateTime::parse_from_rfc3339(at) else { continue };
        append(
            tx,
            Utc::now(),
            Action::UnlockFailed,
            "practice",
            None,
            None,
            Some(&format!("{how} at {}", to_db(at.to_utc()))),
        )?;
    }
    append(tx, Utc::now(), Action::Unlock, "practice", None, None, Some(method))?;
    Ok(!failures.is_empty() || expected > 0)
}

pub(crate) fn clear_failures(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(FAILURES_FILE));
}

fn list(conn: &Connection, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
    let limit = if q.limit == 0 { 200 } else { q.limit.min(10_000) };
    let mut stmt = conn.prepare(
        "SELECT e.seq, e.at, e.action, e.entity, e.entity_id, e.participant_id, p.name, e.detail
         FROM audit_entry e LEFT JOIN participant p ON p.id = e.participant_id
         WHERE (?1 IS NULL OR e.participant_id = ?1) AND (?2 IS NULL OR e.seq < ?2)
         ORDER BY e.seq DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![q.participant.map(|p| p.to_string()), q.before, limit], |r| {
        Ok(AuditEntry {
            seq: r.get(0)?,
            at: from_db(&r.get::<_, String>(1)?)?,
            action: r.get(2)?,
            entity: r.get(3)?,
            entity_id: r.get(4)?,
            participant_id: r.get(5)?,
            participant_name: r.get(6)?,
            detail: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Why the practice was locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum LockReason {
    /// The facilitator locked it (the Lock button, Ctrl+L).
    ByHand,
    /// No input for the auto-lock time.
    Idle,
    /// The computer is going to sleep.
    Sleep,
    /// The screen was locked.
    ScreenLocked,
}

impl LockReason {
    pub fn as_str(self) -> &'static str {
        match self {
            LockReason::ByHand => "by hand",
            LockReason::Idle => "idle",
            LockReason::Sleep => "sleep",
            LockReason::ScreenLocked => "screen locked",
        }
    }
}

/// The audit trail: entries, verification, re-anchoring.
/// Borrowed from a practice by [`Practice::audit`].
pub struct AuditTrail<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl AuditTrail<'_> {
    /// The newest entries first (all, or one participant's), up to `limit` (200 when 0).
    pub fn entries(self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        self.practice.read(|conn| list(conn, q))
    }

    /// Recomputes the whole chain and checks it against the anchor beside the database.
    pub fn verify(self) -> Result<AuditReport> {
        self.practice.sync_anchor();
        let dir = self.practice.dir().to_owned();
        self.practice.read(|conn| verify(conn, &dir))
    }

    /// The facilitator's acknowledgement that the anchor was missing, unreadable or disagreed with
    /// the trail (what verification reported): recorded in the trail, then the anchor is made
    /// again at its head. The entry says which it was; from here, deletions from the end show again.
    pub fn reanchor(self) -> Result<()> {
        let dir = self.practice.dir().to_owned();
        let report = self.practice.read(|conn| verify(conn, &dir))?;
        let detail = if report.anchored {
            if report.problems.iter().any(|p| p.what.contains(HEAD_FILE)) {
                "audit anchor disagreed"
            } else {
                "audit anchor confirmed"
            }
        } else {
            "audit anchor missing"
        };
        self.practice.write_untracked(|tx| record(tx, Action::Acknowledge, &Subject::Practice, Some(detail)))?;
        self.practice.reset_audit_anchor();
        Ok(())
    }
}

impl Practice {
    /// Locks: records why, then closes the database (SQLCipher wipes the key it held; the core
    /// keeps no copy). The practice is gone either way; an error says only that the lock went
    /// unrecorded.
    pub fn lock(mut self, reason: LockReason) -> Result<()> {
        self.record_event(Action::Lock, &Subject::Practice, Some(reason.as_str()))
    }

    /// Records something done with the practice that changes none of its records (an export, a
    /// lock): one entry in its own transaction, not counted as a change for backups.
    pub(crate) fn record_event(&mut self, action: Action, subject: &Subject, detail: Option<&str>) -> Result<()> {
        self.write_untracked(|tx| record(tx, action, subject, detail))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_that_changes_rows_without_an_entry_is_refused_and_saves_nothing() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let profile = crate::domain::profile::ProfileInput {
            name: "Rowan Hale".into(),
            timezone: "UTC".into(),
            ..Default::default()
        };
        let pass = crate::key::Passphrase::new("lantern meadow copper thistle");
        let mut p = Practice::init(dir.path(), &profile, &pass, &crate::Keychain::Off, Utc::now())
            .unwrap_or_else(|e| panic!("{e}"));
        let unaudited = p.write(|tx| Ok(tx.execute("UPDATE profile SET name = 'Someone Else'", [])?));
        assert!(matches!(unaudited, Err(crate::Error::Internal(_))), "{unaudited:?}");
        assert_eq!(p.facilitator().profile().map(|x| x.name).ok().as_deref(), Some("Rowan Hale"), "rolled back");
        // A write that changes nothing needs no entry.
        assert!(p.write(|tx| Ok(tx.execute("UPDATE profile SET name = name WHERE 0", [])?)).is_ok());
        let audited = p.write(|tx| {
            tx.execute("UPDATE profile SET name = 'Someone Else'", [])?;
            record(tx, Action::Update, &Subject::Profile, None)
        });
        assert!(audited.is_ok(), "{audited:?}");
    }

    #[test]
    fn every_action_reads_back_as_itself() {
        for a in ALL_ACTIONS {
            assert_eq!(Action::parse(a.as_str()), Some(a));
        }
        assert_eq!(Action::parse("edit"), None);
    }

    #[test]
    fn an_absent_field_hashes_differently_from_an_empty_one() {
        let base = Fields {
            seq: 1,
            at: "t",
            action: "create",
            entity: "arc",
            entity_id: None,
            participant: None,
            detail: None,
        };
        let empty = Fields { entity_id: Some(""), ..base };
        assert_ne!(base.hash(&[0; 32]), empty.hash(&[0; 32]));
        // Moving a byte from one field to the next changes the hash (length prefixes).
        let moved = Fields { action: "createa", entity: "rc", ..base };
        assert_ne!(moved.hash(&[0; 32]), base.hash(&[0; 32]));
        assert_ne!(base.hash(&[0; 32]), base.hash(&[1; 32]), "the previous hash is part of the input");
    }
}

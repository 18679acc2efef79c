//! Documents: a template version filled in on an arc, drafted, signed, amended, withdrawn; and the
//! screening flags a document raises.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;
use uuid::Uuid;

use super::library::template;
use super::oregon;
use super::template::{DocPhase, Template, check_answers, enum_from_sql, flags, is_empty};
use crate::domain::id_from_db;
use crate::domain::profile;
use crate::domain::time::{ZonedTime, from_db, to_db};
use crate::error::{AreaError, ErrorCode};
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum DocState {
    Draft,
    Signed,
}

impl rusqlite::types::FromSql for DocState {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        enum_from_sql(v)
    }
}

impl rusqlite::types::FromSql for DocEventKind {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        enum_from_sql(v)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Document {
    #[ts(type = "string")]
    pub id: Uuid,
    #[ts(type = "string")]
    pub arc_id: Uuid,
    #[ts(type = "string")]
    pub template_id: Uuid,
    pub template_name: String,
    pub template_version: u32,
    pub phase: DocPhase,
    #[ts(type = "string | null")]
    pub session_id: Option<Uuid>,
    #[ts(type = "string | null")]
    pub checkin_id: Option<Uuid>,
    pub title: String,
    /// The answers as written (for a signed document: as signed, before any amendment).
    #[ts(type = "Record<string, unknown>")]
    pub answers: Map<String, Value>,
    pub state: DocState,
    pub created: ZonedTime,
    pub updated: ZonedTime,
    pub signed: Option<ZonedTime>,
    pub withdrawn: Option<ZonedTime>,
    /// The packet whose reply brought its answers, when the participant reported them.
    #[ts(type = "string | null")]
    pub packet_id: Option<Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum DocEventKind {
    Signed,
    Amended,
    Withdrawn,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DocEvent {
    pub kind: DocEventKind,
    pub at: ZonedTime,
    pub reason: Option<String>,
    /// For an amendment: the answers it changed, with their new values.
    #[ts(type = "Record<string, unknown> | null")]
    pub changes: Option<Map<String, Value>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ScreeningFlag {
    #[ts(type = "string")]
    pub id: Uuid,
    #[ts(type = "string")]
    pub document_id: Uuid,
    pub field: String,
    pub reason: String,
    pub raised: ZonedTime,
    pub acknowledged: Option<ZonedTime>,
    pub ack_reason: Option<String>,
}

/// A document with its template, history, flags, the answers with every amendment applied, and
/// warnings (e.g. the Oregon minimum duration).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DocumentDetail {
    pub document: Document,
    pub template: Template,
    pub events: Vec<DocEvent>,
    #[ts(type = "Record<string, unknown>")]
    pub current: Map<String, Value>,
    pub flags: Vec<ScreeningFlag>,
    pub warnings: Vec<String>,
}

/// A new document, or a change to a draft.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct SaveDocument {
    #[ts(type = "string")]
    pub arc_id: Uuid,
    #[ts(type = "string")]
    pub template_id: Uuid,
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub session_id: Option<Uuid>,
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub checkin_id: Option<Uuid>,
    /// Defaults to the template's name.
    #[serde(default)]
    #[ts(optional)]
    pub title: Option<String>,
    #[ts(type = "Record<string, unknown>")]
    pub answers: Map<String, Value>,
}

const COLUMNS: &str = "d.id, d.arc_id, d.template_id, t.name, t.version, t.phase, d.session_id, d.checkin_id, d.title,
    d.answers, d.state, d.created_at, d.updated_at, d.signed_at, d.written_tz, d.withdrawn_at, d.packet_id";

/// What the document rules refuse: signed documents are amended, never edited.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("this arc is closed; its documents can be read and amended, not added to")]
    ArcClosed,
    #[error("this document is already signed")]
    AlreadySigned,
    #[error("this session is {0}; it was not held and takes no record")]
    SessionNotHeld(String),
    #[error("this document is signed and cannot be edited; amend it with a reason instead")]
    Signed,
    #[error("this document is a draft: edit it directly, or sign it first")]
    Draft,
    #[error("only a consent can be withdrawn")]
    NotAConsent,
    #[error("this consent is not signed yet; there is nothing to withdraw")]
    ConsentUnsigned,
    #[error("this consent is already withdrawn")]
    ConsentWithdrawn,
    #[error("this flag is already acknowledged")]
    FlagAcknowledged,
}

impl AreaError for DocumentError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Conflict
    }
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Document> {
    let tz: String = r.get(14)?;
    let opt_id = |i: usize| -> rusqlite::Result<Option<Uuid>> {
        r.get::<_, Option<String>>(i)?.as_deref().map(id_from_db).transpose()
    };
    let opt_time = |i: usize| -> rusqlite::Result<Option<ZonedTime>> {
        r.get::<_, Option<String>>(i)?.map(|t| ZonedTime::from_db(&t, &tz)).transpose()
    };
    let answers: String = r.get(9)?;
    Ok(Document {
        id: id_from_db(&r.get::<_, String>(0)?)?,
        arc_id: id_from_db(&r.get::<_, String>(1)?)?,
        template_id: id_from_db(&r.get::<_, String>(2)?)?,
        template_name: r.get(3)?,
        template_version: r.get(4)?,
        phase: r.get(5)?,
        session_id: opt_id(6)?,
        checkin_id: opt_id(7)?,
        title: r.get(8)?,
        answers: serde_json::from_str(&answers)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(9, rusqlite::types::Type::Text, Box::new(e)))?,
        state: r.get(10)?,
        created: ZonedTime::from_db(&r.get::<_, String>(11)?, &tz)?,
        updated: ZonedTime::from_db(&r.get::<_, String>(12)?, &tz)?,
        signed: opt_time(13)?,
        withdrawn: opt_time(15)?,
        packet_id: opt_id(16)?,
    })
}

fn get(conn: &Connection, id: Uuid) -> Result<Document> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM document d JOIN template t ON t.id = d.template_id WHERE d.id = ?1"
    ))?
    .query_row([id.to_string()], from_row)
    .optional()?
    .ok_or_else(|| Error::NotFound { what: "document", id: id.to_string() })
}

/// What an arc's first signed administration record says was given, as `arc_given` keeps it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Given {
    pub arc_id: Uuid,
    pub document_id: Uuid,
    /// The substances, joined with " + " when mixed.
    pub substance: Option<String>,
    /// The doses' total, in mg.
    pub dose_mg: Option<f64>,
}

/// The substances and the total mg an administration record's answers give: its `doses` (or,
/// in Colorado's record, `products`) entries, each a `substance` and an `amount` in mg.
pub(crate) fn doses(answers: &Map<String, Value>) -> (Option<String>, Option<f64>) {
    let entries: Vec<&Value> =
        ["doses", "products"].iter().filter_map(|k| answers.get(*k)?.as_array()).flatten().collect();
    let mut substances: Vec<&str> = Vec::new();
    for s in entries.iter().filter_map(|e| e.get("substance")?.as_str()) {
        if !substances.contains(&s) {
            substances.push(s);
        }
    }
    let amounts: Vec<f64> = entries.iter().filter_map(|e| e.get("amount")?.as_f64()).collect();
    let total = (!amounts.is_empty()).then(|| amounts.iter().sum());
    ((!substances.is_empty()).then(|| substances.join(" + ")), total)
}

/// Per arc (one arc, or every arc), the first signed administration record with its current answers
/// (amendments applied): what the practice analytics call the arc's substance and dose. Reads the
/// records themselves; `arc_given` keeps the result.
pub(crate) fn given_now(conn: &Connection, arc: Option<Uuid>) -> Result<Vec<Given>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM document d JOIN template t ON t.id = d.template_id
         WHERE t.phase = 'administration' AND d.state = 'signed' AND (?1 IS NULL OR d.arc_id = ?1)
         ORDER BY d.arc_id, d.created_at, d.id"
    ))?;
    let docs: Vec<Document> =
        stmt.query_map([arc.map(|a| a.to_string())], from_row)?.collect::<rusqlite::Result<_>>()?;
    let mut out: Vec<Given> = Vec::new();
    for doc in docs {
        if out.last().is_some_and(|g| g.arc_id == doc.arc_id) {
            continue;
        }
        let (substance, dose_mg) = doses(&current(&doc, &events(conn, doc.id, &doc.created.zone)?));
        out.push(Given { arc_id: doc.arc_id, document_id: doc.id, substance, dose_mg });
    }
    Ok(out)
}

/// What `arc_given` keeps, every arc.
pub(crate) fn given_kept(conn: &Connection) -> Result<Vec<Given>> {
    let mut stmt =
        conn.prepare_cached("SELECT arc_id, document_id, substance, dose_mg FROM arc_given ORDER BY arc_id")?;
    let rows = stmt.query_map([], |r| {
        Ok(Given {
            arc_id: id_from_db(&r.get::<_, String>(0)?)?,
            document_id: id_from_db(&r.get::<_, String>(1)?)?,
            substance: r.get(2)?,
            dose_mg: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Brings `arc_given` up to date for one arc (after one of its administration records is signed
/// or amended), or for every arc (after the migration that made the table).
pub(crate) fn keep_given(tx: &Transaction<'_>, arc: Option<Uuid>) -> Result<()> {
    match arc {
        Some(a) => tx.execute("DELETE FROM arc_given WHERE arc_id = ?1", [a.to_string()])?,
        None => tx.execute("DELETE FROM arc_given", [])?,
    };
    let mut insert =
        tx.prepare_cached("INSERT INTO arc_given (arc_id, document_id, substance, dose_mg) VALUES (?1, ?2, ?3, ?4)")?;
    for g in given_now(tx, arc)? {
        insert.execute(params![g.arc_id.to_string(), g.document_id.to_string(), g.substance, g.dose_mg])?;
    }
    Ok(())
}

fn events(conn: &Connection, id: Uuid, tz: &str) -> Result<Vec<DocEvent>> {
    let mut stmt = conn
        .prepare_cached("SELECT kind, at, reason, changes FROM document_event WHERE document_id = ?1 ORDER BY seq")?;
    let rows = stmt.query_map([id.to_string()], |r| {
        let changes: Option<String> = r.get(3)?;
        Ok(DocEvent {
            kind: r.get(0)?,
            at: ZonedTime::from_db(&r.get::<_, String>(1)?, tz)?,
            reason: r.get(2)?,
            changes: changes
                .map(|c| serde_json::from_str(&c))
                .transpose()
                .map_err(|e| rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e)))?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn flags_of(conn: &Connection, where_: &str, id: Uuid, tz: &str) -> Result<Vec<ScreeningFlag>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, document_id, field, reason, raised_at, acknowledged_at, ack_reason FROM screening_flag WHERE {where_} ORDER BY raised_at, field"
    ))?;
    let rows = stmt.query_map([id.to_string()], |r| {
        let ack: Option<String> = r.get(5)?;
        Ok(ScreeningFlag {
            id: id_from_db(&r.get::<_, String>(0)?)?,
            document_id: id_from_db(&r.get::<_, String>(1)?)?,
            field: r.get(2)?,
            reason: r.get(3)?,
            raised: ZonedTime::from_db(&r.get::<_, String>(4)?, tz)?,
            acknowledged: ack.map(|a| ZonedTime::from_db(&a, tz)).transpose()?,
            ack_reason: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A document with its template, history, current answers, flags and warnings.
fn detail(conn: &Connection, id: Uuid) -> Result<DocumentDetail> {
    let document = get(conn, id)?;
    let template = template(conn, document.template_id)?;
    let events = events(conn, id, &document.created.zone)?;
    let current = current(&document, &events);
    let flags = flags_of(conn, "document_id = ?1", id, &document.created.zone)?;
    let warnings = warnings(&template, &current);
    Ok(DocumentDetail { document, template, events, current, flags, warnings })
}

/// The answers with every amendment applied, in order.
fn current(doc: &Document, events: &[DocEvent]) -> Map<String, Value> {
    let mut answers = doc.answers.clone();
    for e in events {
        for (k, v) in e.changes.iter().flatten() {
            if v.is_null() {
                answers.remove(k);
            } else {
                answers.insert(k.clone(), v.clone());
            }
        }
    }
    answers
}

/// A document and its answers now (amendments applied): what a view of a record reads.
pub(crate) fn with_answers(conn: &Connection, id: Uuid) -> Result<(Document, Map<String, Value>)> {
    let doc = get(conn, id)?;
    let answers = current(&doc, &events(conn, id, &doc.created.zone)?);
    Ok((doc, answers))
}

/// The labels of the required answers a document still lacks (what signing it would refuse), but
/// for the fields in `except` (those the caller fills itself).
pub(crate) fn missing_required(
    conn: &Connection,
    doc: &Document,
    answers: &Map<String, Value>,
    except: &[&str],
) -> Result<Vec<String>> {
    let t = template(conn, doc.template_id)?;
    Ok(t.fields
        .iter()
        .filter(|f| f.required && !except.contains(&f.key.as_str()) && answers.get(&f.key).is_none_or(is_empty))
        .map(|f| f.label.clone())
        .collect())
}

/// Saves a draft's answers, checked against its template (not yet for signing).
pub(crate) fn save_draft_in(
    tx: &Transaction<'_>,
    id: Uuid,
    answers: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<()> {
    let (doc, t) = draft_with_template(tx, id)?;
    save_checked(tx, &doc, &t, answers, now)
}

/// A draft and its template; a signed document is refused (it takes amendments instead).
fn draft_with_template(tx: &Transaction<'_>, id: Uuid) -> Result<(Document, Template)> {
    let doc = get(tx, id)?;
    if doc.state == DocState::Signed {
        return Err(DocumentError::Signed.into());
    }
    let t = template(tx, doc.template_id)?;
    Ok((doc, t))
}

/// Writes a draft's answers once checked against its template, with the audit entry and flags.
fn save_checked(
    tx: &Transaction<'_>,
    doc: &Document,
    t: &Template,
    answers: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<()> {
    let checked = check_answers(&t.fields, answers, &doc.created.zone, false)?;
    tx.prepare_cached("UPDATE document SET answers = ?2, updated_at = ?3 WHERE id = ?1")?.execute(params![
        doc.id.to_string(),
        json(&checked),
        to_db(now)
    ])?;
    audit::record(tx, Action::Update, &Subject::Document(doc.id), Some("draft"))?;
    reflag(tx, doc, t, &checked, now)
}

/// Adds one entry to a draft's repeating group (`vitals`, `observations`, `doses`, …), stamped
/// `now` when the group has an `at` field and the entry no time of its own. Checked like any save.
pub(crate) fn append_entry(
    tx: &Transaction<'_>,
    id: Uuid,
    group: &str,
    entry: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<()> {
    let (doc, t) = draft_with_template(tx, id)?;
    let field = t.fields.iter().find(|f| f.key == group).ok_or_else(|| {
        Error::invalid(format!("{group:?} is not a part of this record; it has no such group to add to"))
    })?;
    let super::template::FieldKind::Group { fields } = &field.kind else {
        return Err(Error::invalid(format!("{:?} is a single answer, not a list to add to", field.label)));
    };
    let mut entry = entry.clone();
    entry.retain(|_, v| !matches!(v, Value::Null) && v.as_str().is_none_or(|s| !s.trim().is_empty()));
    if entry.is_empty() {
        return Err(Error::invalid(format!("nothing to add to {:?}: fill in at least one value", field.label)));
    }
    if fields.iter().any(|f| f.key == "at") && !entry.contains_key("at") {
        entry.insert("at".into(), Value::String(to_db(now)));
    }
    let mut answers = doc.answers.clone();
    match answers.get_mut(group) {
        Some(Value::Array(list)) => list.push(Value::Object(entry)),
        _ => {
            answers.insert(group.to_owned(), Value::Array(vec![Value::Object(entry)]));
        }
    }
    // One read of the record and its template serves the check and the save.
    save_checked(tx, &doc, &t, &answers, now)
}

/// Raises the flags a screening document's answers call for and lowers unacknowledged ones they no
/// longer call for; acknowledged flags are history and stay.
fn reflag(
    tx: &Transaction<'_>,
    doc: &Document,
    template: &Template,
    answers: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<()> {
    if template.phase != DocPhase::Screening {
        return Ok(());
    }
    let raised = flags(&template.fields, answers);
    let keep: Vec<&str> = raised.iter().map(|(k, _)| k.as_str()).collect();
    let open: Vec<String> = tx
        .prepare("SELECT field FROM screening_flag WHERE document_id = ?1 AND acknowledged_at IS NULL")?
        .query_map([doc.id.to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for field in open.iter().filter(|f| !keep.contains(&f.as_str())) {
        tx.execute(
            "DELETE FROM screening_flag WHERE document_id = ?1 AND field = ?2 AND acknowledged_at IS NULL",
            params![doc.id.to_string(), field],
        )?;
    }
    for (field, reason) in raised {
        tx.execute(
            "INSERT OR IGNORE INTO screening_flag (id, document_id, arc_id, field, reason, raised_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![Uuid::new_v4().to_string(), doc.id.to_string(), doc.arc_id.to_string(), field, reason, to_db(now)],
        )?;
    }
    Ok(())
}

/// Warnings about a document's current answers: Oregon's minimum session duration for psilocybin.
fn warnings(template: &Template, answers: &Map<String, Value>) -> Vec<String> {
    if template.phase != DocPhase::Administration {
        return Vec::new();
    }
    let time = |k: &str| answers.get(k).and_then(Value::as_str).and_then(|s| from_db(s).ok());
    let mg: f64 = answers
        .get("doses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|d| d.get("substance").and_then(Value::as_str) == Some("Psilocybin"))
        .filter_map(|d| d.get("amount").and_then(Value::as_f64))
        .sum();
    match (time("session_start"), time("session_end")) {
        (Some(start), Some(end)) if mg > 0.0 => oregon::duration_warning(mg, end - start).into_iter().collect(),
        _ => Vec::new(),
    }
}

fn next_seq(tx: &Transaction<'_>, id: Uuid) -> Result<i64> {
    Ok(tx.query_row(
        "SELECT coalesce(max(seq), 0) + 1 FROM document_event WHERE document_id = ?1",
        [id.to_string()],
        |r| r.get(0),
    )?)
}

fn json(m: &Map<String, Value>) -> String {
    Value::Object(m.clone()).to_string()
}

/// The unacknowledged screening flags of an arc, for the administration gate.
pub(crate) fn open_flags(conn: &Connection, arc: Uuid) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT reason FROM screening_flag WHERE arc_id = ?1 AND acknowledged_at IS NULL ORDER BY raised_at, field",
    )?;
    let list = stmt.query_map([arc.to_string()], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(list)
}

pub(crate) fn insert(tx: &Transaction<'_>, input: &SaveDocument, now: DateTime<Utc>) -> Result<Uuid> {
    let zone = profile::load(tx)?.timezone;
    let t = template(tx, input.template_id)?;
    super::library::offered(tx, &t)?;
    let closed: Option<String> = tx
        .query_row("SELECT closed_at FROM arc WHERE id = ?1", [input.arc_id.to_string()], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "arc", id: input.arc_id.to_string() })?;
    if closed.is_some() {
        return Err(DocumentError::ArcClosed.into());
    }
    if let Some(sid) = input.session_id {
        let session = crate::domain::session::get(tx, sid)?;
        if session.arc_id != input.arc_id {
            return Err(Error::invalid("that session is not on this arc"));
        }
        if session.kind == crate::domain::session::SessionKind::Administration && t.phase != DocPhase::Administration {
            return Err(Error::invalid(
                "an administration session's record is an administration template; choose one of those",
            ));
        }
    }
    if let Some(c) = input.checkin_id {
        let arc: Option<String> =
            tx.query_row("SELECT arc_id FROM checkin WHERE id = ?1", [c.to_string()], |r| r.get(0)).optional()?;
        if arc.as_deref().map(id_from_db).transpose()? != Some(input.arc_id) {
            return Err(Error::invalid("that check-in is not on this arc"));
        }
        if t.phase != DocPhase::Integration {
            return Err(Error::invalid("a check-in's document is an integration note; choose an integration template"));
        }
    }
    let answers = check_answers(&t.fields, &input.answers, &zone, false)?;
    let title = input.title.as_deref().map(str::trim).filter(|s| !s.is_empty()).unwrap_or(&t.name).to_owned();
    let id = Uuid::new_v4();
    tx.execute(
        "INSERT INTO document (id, arc_id, template_id, session_id, checkin_id, title, answers, state, created_at, updated_at, written_tz)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'draft', ?8, ?8, ?9)",
        params![
            id.to_string(),
            input.arc_id.to_string(),
            t.id.to_string(),
            input.session_id.map(|s| s.to_string()),
            input.checkin_id.map(|s| s.to_string()),
            title,
            json(&answers),
            to_db(now),
            zone
        ],
    )?;
    let doc = get(tx, id)?;
    reflag(tx, &doc, &t, &answers, now)?;
    audit::record(tx, Action::Create, &Subject::Document(id), Some(&format!("{} draft", t.phase.as_str())))?;
    Ok(id)
}

/// Signs a draft: every required answer must be there.
fn sign(tx: &Transaction<'_>, id: Uuid, now: DateTime<Utc>) -> Result<()> {
    let doc = get(tx, id)?;
    if doc.state == DocState::Signed {
        return Err(DocumentError::AlreadySigned.into());
    }
    let t = template(tx, doc.template_id)?;
    check_answers(&t.fields, &doc.answers, &doc.created.zone, true)?;
    tx.execute(
        "UPDATE document SET state = 'signed', signed_at = ?2, updated_at = ?2 WHERE id = ?1",
        params![id.to_string(), to_db(now)],
    )?;
    tx.execute(
        "INSERT INTO document_event (document_id, seq, kind, at) VALUES (?1, ?2, 'signed', ?3)",
        params![id.to_string(), next_seq(tx, id)?, to_db(now)],
    )?;
    audit::record(tx, Action::Sign, &Subject::Document(id), Some(t.phase.as_str()))?;
    if t.phase == DocPhase::Administration {
        keep_given(tx, Some(doc.arc_id))?;
    }
    realert(tx, &doc, &t, &doc.answers, now)
}

/// Keeps a signed document's alerts (`document_alert`) in step with its current answers: raises
/// those its alert rules call for (keeping when first raised), lowers those no longer called for.
/// Drafts raise none: a form is finished when it is signed.
fn realert(
    tx: &Transaction<'_>,
    doc: &Document,
    template: &Template,
    answers: &Map<String, Value>,
    now: DateTime<Utc>,
) -> Result<()> {
    let raised = super::template::alerts(&template.fields, answers);
    let keep: Vec<&str> = raised.iter().map(|(k, ..)| k.as_str()).collect();
    let held: Vec<String> = tx
        .prepare("SELECT field FROM document_alert WHERE document_id = ?1")?
        .query_map([doc.id.to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for field in held.iter().filter(|f| !keep.contains(&f.as_str())) {
        tx.execute(
            "DELETE FROM document_alert WHERE document_id = ?1 AND field = ?2",
            params![doc.id.to_string(), field],
        )?;
    }
    for (field, reason, detail) in raised {
        tx.execute(
            "INSERT INTO document_alert (document_id, arc_id, field, reason, detail, raised_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (document_id, field) DO UPDATE SET reason = excluded.reason, detail = excluded.detail",
            params![doc.id.to_string(), doc.arc_id.to_string(), field, reason, detail, to_db(now)],
        )?;
    }
    Ok(())
}

/// What a document was written for: a check-in (its integration note) or a session (its record).
#[derive(Clone, Copy)]
pub(crate) enum Link {
    Checkin(Uuid),
    Session(Uuid),
}

impl Link {
    fn column(self) -> &'static str {
        match self {
            Link::Checkin(_) => "checkin_id",
            Link::Session(_) => "session_id",
        }
    }

    fn id(self) -> Uuid {
        match self {
            Link::Checkin(id) | Link::Session(id) => id,
        }
    }
}

/// The document written for a check-in or session (the newest, should the CLI have linked several).
pub(crate) fn linked(conn: &Connection, link: Link) -> Result<Option<Document>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM document d JOIN template t ON t.id = d.template_id
                 WHERE d.{} = ?1 ORDER BY d.created_at DESC, d.id LIMIT 1",
                link.column()
            ),
            [link.id().to_string()],
            from_row,
        )
        .optional()?)
}

/// Part of completing a check-in or a session: the document must be the one written for it, and a
/// draft is signed now (in the completing transaction).
pub(crate) fn complete_with(tx: &Transaction<'_>, id: Uuid, link: Link, now: DateTime<Utc>) -> Result<()> {
    let doc = get(tx, id)?;
    let (written_for, what) = match link {
        Link::Checkin(_) => (doc.checkin_id, "check-in"),
        Link::Session(_) => (doc.session_id, "session"),
    };
    if written_for != Some(link.id()) {
        return Err(Error::invalid(format!("that document was not written for this {what}")));
    }
    if doc.state == DocState::Draft {
        sign(tx, id, now)?;
    }
    Ok(())
}

/// Phase documents: drafts, signing, amendments, consents, screening flags.
/// Borrowed from a practice by [`Practice::documents`].
pub struct Documents<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl Documents<'_> {
    /// Creates a draft document.
    pub fn add(self, input: &SaveDocument, now: DateTime<Utc>) -> Result<DocumentDetail> {
        let id = self.practice.write(|tx| insert(tx, input, now))?;
        self.practice.documents().get(id)
    }

    /// The record of a session: the document already written for it (in any state), or a new draft
    /// of `template` — by default the current `arcwell.<kind>` template (the administration record for
    /// a dosing session). Cancelled and no-show sessions take no record.
    pub fn for_session(self, session: Uuid, template: Option<Uuid>, now: DateTime<Utc>) -> Result<DocumentDetail> {
        if let Some(d) = self.practice.read(|conn| linked(conn, Link::Session(session)))? {
            return self.practice.documents().get(d.id);
        }
        let id = self.practice.write(|tx| {
            use crate::domain::session::{SessionKind, SessionStatus, get};
            let s = get(tx, session)?;
            if matches!(s.status, SessionStatus::Cancelled | SessionStatus::NoShow) {
                return Err(DocumentError::SessionNotHeld(s.status.as_str().replace('_', "-")).into());
            }
            let template_id = match template {
                Some(t) => t,
                None => {
                    let family = match s.kind {
                        SessionKind::Administration => "arcwell.administration",
                        SessionKind::Preparation => "arcwell.preparation",
                        SessionKind::Integration => "arcwell.integration",
                        SessionKind::Consultation => {
                            return Err(Error::invalid("a consultation has no default record; choose a template"));
                        }
                    };
                    let id: String = tx.query_row(
                        "SELECT id FROM template WHERE family = ?1 ORDER BY version DESC LIMIT 1",
                        [family],
                        |r| r.get(0),
                    )?;
                    id_from_db(&id)?
                }
            };
            let input =
                SaveDocument { arc_id: s.arc_id, template_id, session_id: Some(session), ..SaveDocument::default() };
            insert(tx, &input, now)
        })?;
        self.practice.documents().get(id)
    }

    /// Saves a draft's answers (autosave). A signed document is amended instead.
    pub fn save_draft(self, id: Uuid, answers: &Map<String, Value>, now: DateTime<Utc>) -> Result<DocumentDetail> {
        self.practice.write(|tx| {
            save_draft_in(tx, id, answers, now)?;
            // Read back in the same transaction: the autosave needs no second one.
            detail(tx, id)
        })
    }

    /// "Record now": adds one entry (vitals, an observation, a dose, an adverse event) to a draft
    /// record's group, timed `now` unless it carries its own `at`. The rest of the record is untouched.
    pub fn append_entry(self, id: Uuid, group: &str, entry: &Map<String, Value>, now: DateTime<Utc>) -> Result<()> {
        self.practice.write(|tx| append_entry(tx, id, group, entry, now))
    }

    /// Signs a draft: every required answer must be there; from now on it only takes amendments.
    pub fn sign(self, id: Uuid, now: DateTime<Utc>) -> Result<DocumentDetail> {
        self.practice.write(|tx| sign(tx, id, now))?;
        self.practice.documents().get(id)
    }

    /// Amends a signed document: the changed answers (`null` clears one) and why. The original stays.
    pub fn amend(
        self,
        id: Uuid,
        changes: &Map<String, Value>,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<DocumentDetail> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("an amendment needs a reason: say what was corrected and why"));
        }
        if changes.is_empty() {
            return Err(Error::invalid("an amendment needs at least one changed answer"));
        }
        self.practice.write(|tx| {
            let doc = get(tx, id)?;
            if doc.state != DocState::Signed {
                return Err(DocumentError::Draft.into());
            }
            let t = template(tx, doc.template_id)?;
            let mut merged = current(&doc, &events(tx, id, &doc.created.zone)?);
            for (k, v) in changes {
                if v.is_null() { merged.remove(k); } else { merged.insert(k.clone(), v.clone()); }
            }
            let checked = check_answers(&t.fields, &merged, &doc.created.zone, true)?;
            // Record the changes as normalised values (e.g. times in UTC).
            let normalised: Map<String, Value> = changes
                .keys()
                .map(|k| (k.clone(), checked.get(k).cloned().unwrap_or(Value::Null)))
                .collect();
            tx.execute(
                "INSERT INTO document_event (document_id, seq, kind, at, reason, changes) VALUES (?1, ?2, 'amended', ?3, ?4, ?5)",
                params![id.to_string(), next_seq(tx, id)?, to_db(now), reason, json(&normalised)],
            )?;
            tx.execute("UPDATE document SET updated_at = ?2 WHERE id = ?1", params![id.to_string(), to_db(now)])?;
            reflag(tx, &doc, &t, &checked, now)?;
            audit::record(tx, Action::Amend, &Subject::Document(id), Some(&format!("{} answers", normalised.len())))?;
            if t.phase == DocPhase::Administration {
                keep_given(tx, Some(doc.arc_id))?;
            }
            realert(tx, &doc, &t, &checked, now)
        })?;
        self.practice.documents().get(id)
    }

    /// Withdraws a signed consent, with the reason; kept in its history.
    pub fn withdraw_consent(self, id: Uuid, reason: &str, now: DateTime<Utc>) -> Result<DocumentDetail> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("a withdrawal needs a reason (e.g. \"withdrawn by the participant by phone\")"));
        }
        self.practice.write(|tx| {
            let doc = get(tx, id)?;
            if doc.phase != DocPhase::Consent {
                return Err(DocumentError::NotAConsent.into());
            }
            if doc.state != DocState::Signed {
                return Err(DocumentError::ConsentUnsigned.into());
            }
            if doc.withdrawn.is_some() {
                return Err(DocumentError::ConsentWithdrawn.into());
            }
            tx.execute(
                "UPDATE document SET withdrawn_at = ?2, updated_at = ?2 WHERE id = ?1",
                params![id.to_string(), to_db(now)],
            )?;
            tx.execute(
                "INSERT INTO document_event (document_id, seq, kind, at, reason) VALUES (?1, ?2, 'withdrawn', ?3, ?4)",
                params![id.to_string(), next_seq(tx, id)?, to_db(now), reason],
            )?;
            audit::record(tx, Action::Withdraw, &Subject::Document(id), Some("consent"))
        })?;
        self.practice.documents().get(id)
    }

    /// Acknowledges a screening flag with a written reason (e.g. cleared by the prescriber).
    pub fn acknowledge_flag(self, id: Uuid, reason: &str, now: DateTime<Utc>) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("acknowledging a flag needs a written reason: why is it safe to go ahead?"));
        }
        self.practice.write(|tx| {
            let n = tx.execute(
                "UPDATE screening_flag SET acknowledged_at = ?2, ack_reason = ?3 WHERE id = ?1 AND acknowledged_at IS NULL",
                params![id.to_string(), to_db(now), reason],
            )?;
            if n == 0 {
                let exists: bool = tx.query_row("SELECT count(*) > 0 FROM screening_flag WHERE id = ?1", [id.to_string()], |r| r.get(0))?;
                return Err(if exists {
                    DocumentError::FlagAcknowledged.into()
                } else {
                    Error::NotFound { what: "screening flag", id: id.to_string() }
                });
            }
            let doc: String =
                tx.query_row("SELECT document_id FROM screening_flag WHERE id = ?1", [id.to_string()], |r| r.get(0))?;
            audit::record(tx, Action::Acknowledge, &Subject::Document(id_from_db(&doc)?), Some("screening flag"))
        })
    }

    pub fn get(self, id: Uuid) -> Result<DocumentDetail> {
        self.practice.read(|conn| detail(conn, id))
    }

    /// An arc's documents, oldest first.
    pub fn of_participant(self, arc: Uuid) -> Result<Vec<Document>> {
        self.practice.read(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM document d JOIN template t ON t.id = d.template_id WHERE d.arc_id = ?1 ORDER BY d.created_at, d.id"
            ))?;
            let list = stmt.query_map([arc.to_string()], from_row)?.collect::<rusqlite::Result<_>>()?;
            Ok(list)
        })
    }

    /// Every screening flag of an arc, open or acknowledged.
    pub fn screening_flags(self, arc: Uuid) -> Result<Vec<ScreeningFlag>> {
        self.practice.read(|conn| {
            let zone = profile::load(conn)?.timezone;
            flags_of(conn, "arc_id = ?1", arc, &zone)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doses_total_every_entry_and_name_mixed_substances_once() {
        let answers = serde_json::json!({ "doses": [
            { "substance": "Psilocybin", "amount": 20.0 },
            { "substance": "Psilocybin", "amount": 5.0, "booster": { "yes": true } },
            { "substance": "Other", "amount": 1.5 },
        ]});
        assert_eq!(doses(answers.as_object().unwrap()), (Some("Psilocybin + Other".into()), Some(26.5)));
        let colorado = serde_json::json!({ "products": [{ "substance": "Psilocin", "amount": 12.0 }] });
        assert_eq!(doses(colorado.as_object().unwrap()), (Some("Psilocin".into()), Some(12.0)));
        assert_eq!(doses(&serde_json::Map::new()), (None, None));
    }
}

//! Check-ins: queued from a plan when an administration session is completed, or added ad hoc;
//! then completed with an integration note, skipped with a reason, or rescheduled. Every change is
//! kept in the check-in's history.

use chrono::{DateTime, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;
use uuid::Uuid;

use super::plan::{self, Plan, prompts_from_db, prompts_to_db};
use super::schedule::{Offset, due_at};
use crate::documents::document::{self, DocumentDetail, Link, SaveDocument};
use crate::domain::arc::{self, AdvanceArc, Phase};
use crate::domain::profile::{self, Profile};
use crate::domain::time::{ZonedTime, from_db, parse_time, to_db};
use crate::domain::{MAX_TEXT_CHARS, id_from_db, optional_text, required_line};
use crate::error::{AreaError, ErrorCode};
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum CheckInStatus {
    Due,
    Completed,
    Skipped,
}

impl CheckInStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckInStatus::Due => "due",
            CheckInStatus::Completed => "completed",
            CheckInStatus::Skipped => "skipped",
        }
    }
}

impl rusqlite::types::FromSql for CheckInStatus {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match v.as_str()? {
            "due" => Ok(CheckInStatus::Due),
            "completed" => Ok(CheckInStatus::Completed),
            "skipped" => Ok(CheckInStatus::Skipped),
            other => Err(rusqlite::types::FromSqlError::Other(format!("unknown check-in status {other:?}").into())),
        }
    }
}

use crate::domain::session::FollowUp;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CheckIn {
    #[ts(type = "string")]
    pub id: Uuid,
    #[ts(type = "string")]
    pub arc_id: Uuid,
    #[ts(type = "string")]
    pub participant_id: Uuid,
    pub participant_name: String,
    /// 1 for the timeline of the first administration, 2 for a new series after another, …
    pub series: u32,
    /// Position in the plan it was queued from; `null` for an ad-hoc check-in.
    pub step: Option<u32>,
    pub offset: Option<Offset>,
    pub purpose: String,
    pub prompts: Vec<String>,
    /// Outcome measures to give at this check-in, copied from its plan step.
    pub measures: Vec<String>,
    /// A re-assessment point (copied from its plan step): its document is the re-assessment form.
    pub reassessment: bool,
    pub due: ZonedTime,
    pub status: CheckInStatus,
    /// When the contact happened (completed) or when it was skipped.
    pub resolved: Option<ZonedTime>,
    /// The integration note written for it, when completed.
    #[ts(type = "string | null")]
    pub note_id: Option<Uuid>,
    pub skip_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CheckInEvent {
    /// queued, added, rescheduled, completed, skipped
    pub kind: String,
    pub at: ZonedTime,
    pub old_due: Option<ZonedTime>,
    pub new_due: Option<ZonedTime>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CheckInDetail {
    pub checkin: CheckIn,
    pub events: Vec<CheckInEvent>,
    /// The contact's summary, when completed.
    pub note: Option<String>,
    /// The integration document written for it (a draft while the check-in is due).
    pub document: Option<crate::documents::Document>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct CompleteCheckIn {
    /// A summary of the contact, as the check-in list shows it.
    pub note: String,
    /// When the contact happened (ISO 8601); now when absent.
    #[ts(optional)]
    pub contacted_at: Option<String>,
    /// The integration document written for this check-in (see `CheckIns::document`);
    /// a draft is signed as the check-in completes.
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub document_id: Option<Uuid>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct AddCheckIn {
    #[ts(type = "string")]
    pub arc_id: Uuid,
    /// ISO 8601; without an offset, local to the facilitator's zone.
    pub at: String,
    pub purpose: String,
    #[serde(default)]
    pub prompts: Vec<String>,
}

/// Text the facilitator copies or opens in their own mail client. Arcwell sends nothing.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Outreach {
    pub to: Option<String>,
    pub subject: String,
    pub body: String,
    /// A `mailto:` link when the participant's contact is an email address.
    pub mailto: Option<String>,
}

/// Which check-ins to list.
#[derive(Debug, Clone, Default)]
pub struct CheckInFilter {
    pub status: Option<CheckInStatus>,
    pub due_before: Option<DateTime<Utc>>,
    pub arc: Option<Uuid>,
}

pub(crate) const COLUMNS: &str =
    "c.id, c.arc_id, a.participant_id, p.name, c.series, c.step, c.offset_amount, c.offset_unit,
    c.purpose, c.prompts, c.due_at, c.due_tz, c.status, c.resolved_at, c.note_id, c.skip_reason, c.measures, c.reassessment";
pub(crate) const FROM: &str = "checkin c JOIN arc a ON a.id = c.arc_id JOIN participant p ON p.id = a.participant_id";

/// Reads a row of `COLUMNS`. The participant columns may be NULL (the dashboard selects check-ins
/// without joins and fills them in from the arcs it already holds).
pub(crate) fn from_row(r: &Row<'_>) -> rusqlite::Result<CheckIn> {
    let due_tz: String = r.get(11)?;
    let participant: Option<String> = r.get(2)?;
    let amount: Option<u32> = r.get(6)?;
    let unit = r.get(7)?;
    let resolved: Option<String> = r.get(13)?;
    let note: Option<String> = r.get(14)?;
    Ok(CheckIn {
        id: id_from_db(&r.get::<_, String>(0)?)?,
        arc_id: id_from_db(&r.get::<_, String>(1)?)?,
        participant_id: participant.as_deref().map(id_from_db).transpose()?.unwrap_or_default(),
        participant_name: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
        series: r.get(4)?,
        step: r.get(5)?,
        offset: amount.zip(unit).map(|(amount, unit)| Offset { amount, unit }),
        purpose: r.get(8)?,
        prompts: prompts_from_db(&r.get::<_, String>(9)?)?,
        due: ZonedTime::from_db(&r.get::<_, String>(10)?, &due_tz)?,
        status: r.get(12)?,
        resolved: resolved.map(|t| ZonedTime::from_db(&t, &due_tz)).transpose()?,
        note_id: note.as_deref().map(id_from_db).transpose()?,
        skip_reason: r.get(15)?,
        measures: prompts_from_db(&r.get::<_, String>(16)?)?,
        reassessment: r.get(17)?,
    })
}

pub(crate) fn get(conn: &Connection, id: Uuid) -> Result<CheckIn> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM {FROM} WHERE c.id = ?1"), [id.to_string()], from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "check-in", id: id.to_string() })
}

pub(crate) fn for_arc(conn: &Connection, arc: Uuid) -> Result<Vec<CheckIn>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM {FROM} WHERE c.arc_id = ?1 ORDER BY c.due_at, c.series"))?;
    let list = stmt.query_map([arc.to_string()], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(list)
}

fn record(
    conn: &Connection,
    id: Uuid,
    kind: &str,
    now: DateTime<Utc>,
    old_due: Option<DateTime<Utc>>,
    new_due: Option<DateTime<Utc>>,
    reason: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO checkin_event (checkin_id, seq, kind, at, old_due_at, new_due_at, reason)
         VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM checkin_event WHERE checkin_id = ?1), ?2, ?3, ?4, ?5, ?6)",
        params![id.to_string(), kind, to_db(now), old_due.map(to_db), new_due.map(to_db), reason],
    )?;
    Ok(())
}

/// Queues every step of `plan` as series `series`, anchored at `anchor`.
fn queue(
    conn: &Connection,
    arc: Uuid,
    plan: &Plan,
    anchor: DateTime<Utc>,
    series: u32,
    profile: &Profile,
    now: DateTime<Utc>,
) -> Result<()> {
    queue_ahead(conn, arc, plan, anchor, series, profile, now, None).map(|_| ())
}

/// Queues the steps of `plan` as series `series` anchored at `anchor`, only those due after
/// `ahead_of` when given; returns how many were queued and how many left out as past.
#[allow(clippy::too_many_arguments)]
pub(crate) fn queue_ahead(
    conn: &Connection,
    arc: Uuid,
    plan: &Plan,
    anchor: DateTime<Utc>,
    series: u32,
    profile: &Profile,
    now: DateTime<Utc>,
    ahead_of: Option<DateTime<Utc>>,
) -> Result<(u32, u32)> {
    let (mut queued, mut past) = (0, 0);
    let (zone, time) = (profile.zone()?, profile.checkin_time_of_day()?);
    let mut insert = conn.prepare_cached(
        "INSERT INTO checkin (id, arc_id, series, step, offset_amount, offset_unit, anchor_at, purpose, prompts,
                              due_at, due_tz, status, created_at, measures, reassessment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'due', ?12, ?13, ?14)",
    )?;
    for (i, step) in plan.steps.iter().enumerate() {
        let id = Uuid::new_v4();
        let due = due_at(anchor, step.offset, zone, time)?;
        if ahead_of.is_some_and(|t| due <= t) {
            past += 1;
            continue;
        }
        queued += 1;
        insert.execute(params![
            id.to_string(),
            arc.to_string(),
            series,
            (i + 1) as i64,
            step.offset.amount,
            step.offset.unit.as_str(),
            to_db(anchor),
            step.purpose,
            prompts_to_db(&step.prompts),
            to_db(due),
            profile.timezone,
            to_db(now),
            prompts_to_db(&step.measures),
            step.reassessment
        ])?;
        record(
            conn,
            id,
            "queued",
            now,
            None,
            Some(due),
            Some(&format!("{} from plan {}", step.offset.label(), plan.name)),
        )?;
    }
    Ok((queued, past))
}

/// Moves a due check-in to `new`, keeping the old time in its history.
pub(crate) fn move_due(
    conn: &Connection,
    id: Uuid,
    old: DateTime<Utc>,
    new: DateTime<Utc>,
    zone: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "UPDATE checkin SET due_at = ?2, due_tz = ?3 WHERE id = ?1",
        params![id.to_string(), to_db(new), zone],
    )?;
    record(conn, id, "rescheduled", now, Some(old), Some(new), Some(reason))
}

/// Skips a due check-in with `why`.
pub(crate) fn skip_with(conn: &Connection, id: Uuid, why: &str, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE checkin SET status = 'skipped', resolved_at = ?2, skip_reason = ?3 WHERE id = ?1",
        params![id.to_string(), to_db(now), why],
    )?;
    record(conn, id, "skipped", now, None, None, Some(why))
}

/// Adds a check-in outside the plan, due at `due`, in `series`.
pub(crate) fn insert_ad_hoc(
    conn: &Connection,
    arc: Uuid,
    series: u32,
    purpose: &str,
    prompts: &[String],
    due: &ZonedTime,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let id = Uuid::new_v4();
    conn.execute(
        "INSERT INTO checkin (id, arc_id, series, purpose, prompts, due_at, due_tz, status, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'due', ?8)",
        params![
            id.to_string(),
            arc.to_string(),
            series,
            purpose,
            prompts_to_db(prompts),
            to_db(due.utc),
            due.zone,
            to_db(now)
        ],
    )?;
    record(conn, id, "added", now, None, Some(due.utc), None)?;
    Ok(id)
}

/// Called when an administration session on `arc_id` is completed, ending at `ended`.
pub(crate) fn on_administration_completed(
    conn: &Connection,
    arc_id: Uuid,
    ended: DateTime<Utc>,
    follow_up: Option<FollowUp>,
    now: DateTime<Utc>,
) -> Result<()> {
    let profile = profile::load(conn)?;
    let arc = arc::get(conn, arc_id)?;
    let last_series: Option<u32> =
        conn.query_row("SELECT MAX(series) FROM checkin WHERE arc_id = ?1", [arc_id.to_string()], |r| r.get(0))?;
    match (last_series, follow_up) {
        (None, _) => queue(conn, arc_id, &plan::for_arc(conn, arc_id)?, ended, 1, &profile, now)?,
        (Some(_), None) => {
            return Err(CheckInError::TimelineExists.into());
        }
        (Some(n), Some(FollowUp::NewSeries)) => {
            queue(conn, arc_id, &plan::for_arc(conn, arc_id)?, ended, n + 1, &profile, now)?
        }
        (Some(_), Some(FollowUp::ReAnchor)) => re_anchor(conn, arc_id, ended, &profile, now)?,
    }
    if arc.phase != Phase::Integration {
        let change = AdvanceArc { to: Phase::Integration, reason: Some("Administration session completed".into()) };
        arc::advance(conn, arc_id, &change, now, &profile.timezone)?;
    }
    Ok(())
}

fn re_anchor(
    conn: &Connection,
    arc_id: Uuid,
    anchor: DateTime<Utc>,
    profile: &Profile,
    now: DateTime<Utc>,
) -> Result<()> {
    let (zone, time) = (profile.zone()?, profile.checkin_time_of_day()?);
    let open: Vec<(String, String, u32, super::schedule::OffsetUnit)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT id, due_at, offset_amount, offset_unit FROM checkin
             WHERE arc_id = ?1 AND status = 'due' AND step IS NOT NULL",
        )?;
        stmt.query_map([arc_id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?
    };
    let reason = format!(
        "Re-anchored to the administration session that ended {}",
        ZonedTime::new(anchor, &profile.timezone).local
    );
    for (id, old, amount, unit) in open {
        let new = due_at(anchor, Offset { amount, unit }, zone, time)?;
        conn.execute("UPDATE checkin SET anchor_at = ?2 WHERE id = ?1", params![id, to_db(anchor)])?;
        move_due(conn, id_from_db(&id)?, from_db(&old)?, new, &profile.timezone, &reason, now)?;
    }
    Ok(())
}

/// Skips every check-in still due on an arc that is being closed.
pub(crate) fn close_open(conn: &Connection, arc_id: Uuid, why: &str, now: DateTime<Utc>) -> Result<()> {
    let ids: Vec<String> = {
        let mut stmt = conn.prepare_cached("SELECT id FROM checkin WHERE arc_id = ?1 AND status = 'due'")?;
        stmt.query_map([arc_id.to_string()], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
    };
    for id in ids {
        skip_with(conn, id_from_db(&id)?, why, now)?;
    }
    Ok(())
}

/// What the check-in rules refuse.
#[derive(Debug, thiserror::Error)]
pub enum CheckInError {
    #[error(
        "this arc already has a follow-up timeline; say whether to re-anchor the check-ins still due to this session or to add a new series"
    )]
    TimelineExists,
    #[error("cannot {doing}: this check-in is already {status}")]
    NotDue { doing: String, status: &'static str },
    #[error("cannot {doing}: the arc is closed")]
    ArcClosed { doing: String },
    #[error("this check-in is {status}; its integration note can no longer be started")]
    NoteClosed { status: String },
}

impl AreaError for CheckInError {
    fn code(&self) -> ErrorCode {
        match self {
            CheckInError::TimelineExists => ErrorCode::TimelineExists,
            _ => ErrorCode::Conflict,
        }
    }
}

/// Loads a check-in that is still due on an open arc, or says why it cannot change.
fn open_checkin(conn: &Connection, id: Uuid, doing: &str) -> Result<CheckIn> {
    let c = get(conn, id)?;
    if c.status != CheckInStatus::Due {
        return Err(CheckInError::NotDue { doing: doing.to_owned(), status: c.status.as_str() }.into());
    }
    if arc::get(conn, c.arc_id)?.phase.is_closed() {
        return Err(CheckInError::ArcClosed { doing: doing.to_owned() }.into());
    }
    Ok(c)
}

/// Check-ins: list, complete, skip, reschedule, add, outreach.
/// Borrowed from a practice by [`Practice::checkins`].
pub struct CheckIns<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl CheckIns<'_> {
    /// The integration document of a check-in: the one already written for it (a draft is
    /// continued), or a new draft of the current shipped integration note for a due check-in.
    pub fn document(self, checkin: Uuid, now: DateTime<Utc>) -> Result<DocumentDetail> {
        if let Some(d) = self.practice.read(|conn| document::linked(conn, Link::Checkin(checkin)))? {
            return self.practice.documents().get(d.id);
        }
        let id = self.practice.write(|tx| {
            let (arc, status, purpose, reassessment): (String, String, String, bool) = tx
                .query_row(
                    "SELECT arc_id, status, purpose, reassessment FROM checkin WHERE id = ?1",
                    [checkin.to_string()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?
                .ok_or_else(|| Error::NotFound { what: "check-in", id: checkin.to_string() })?;
            if status != "due" {
                return Err(CheckInError::NoteClosed { status }.into());
            }
            let arc = id_from_db(&arc)?;
            let (family, title, answers) = if reassessment {
                ("arcwell.reassessment", format!("Re-assessment: {purpose}"), reassessment_start(tx, arc)?)
            } else {
                ("arcwell.integration", format!("Integration note: {purpose}"), Map::new())
            };
            let template: String = tx.query_row(
                "SELECT id FROM template WHERE family = ?1 ORDER BY version DESC LIMIT 1",
                [family],
                |r| r.get(0),
            )?;
            let input = SaveDocument {
                arc_id: arc,
                template_id: id_from_db(&template)?,
                checkin_id: Some(checkin),
                title: Some(title),
                answers,
                ..SaveDocument::default()
            };
            document::insert(tx, &input, now)
        })?;
        self.practice.documents().get(id)
    }

    /// Check-ins matching `filter`, soonest due first.
    pub fn list(self, filter: &CheckInFilter) -> Result<Vec<CheckIn>> {
        self.practice.read(|conn| {
            let mut sql = format!("SELECT {COLUMNS} FROM {FROM} WHERE 1 = 1");
            let mut args: Vec<String> = Vec::new();
            if let Some(s) = filter.status {
                args.push(s.as_str().into());
                sql.push_str(&format!(" AND c.status = ?{}", args.len()));
            }
            if let Some(t) = filter.due_before {
                args.push(to_db(t));
                sql.push_str(&format!(" AND c.due_at < ?{}", args.len()));
            }
            if let Some(a) = filter.arc {
                args.push(a.to_string());
                sql.push_str(&format!(" AND c.arc_id = ?{}", args.len()));
            }
            sql.push_str(" ORDER BY c.due_at, p.name");
            let mut stmt = conn.prepare_cached(&sql)?;
            let list =
                stmt.query_map(rusqlite::params_from_iter(args.iter()), from_row)?.collect::<rusqlite::Result<_>>()?;
            Ok(list)
        })
    }

    pub fn get(self, id: Uuid) -> Result<CheckInDetail> {
        self.practice.read(|conn| {
            let checkin = get(conn, id)?;
            let zone = profile::load(conn)?.timezone;
            let mut stmt = conn.prepare_cached(
                "SELECT kind, at, old_due_at, new_due_at, reason FROM checkin_event WHERE checkin_id = ?1 ORDER BY seq",
            )?;
            let events = stmt
                .query_map([id.to_string()], |r| {
                    let old: Option<String> = r.get(2)?;
                    let new: Option<String> = r.get(3)?;
                    Ok(CheckInEvent {
                        kind: r.get(0)?,
                        at: ZonedTime::from_db(&r.get::<_, String>(1)?, &zone)?,
                        old_due: old.map(|t| ZonedTime::from_db(&t, &zone)).transpose()?,
                        new_due: new.map(|t| ZonedTime::from_db(&t, &zone)).transpose()?,
                        reason: r.get(4)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            let note = match checkin.note_id {
                Some(n) => {
                    conn.query_row("SELECT body FROM note WHERE id = ?1", [n.to_string()], |r| r.get(0)).optional()?
                }
                None => None,
            };
            let document = crate::documents::document::linked(conn, crate::documents::document::Link::Checkin(id))?;
            Ok(CheckInDetail { checkin, events, note, document })
        })
    }

    /// Completes a due check-in with the integration note written for it.
    pub fn complete(self, id: Uuid, input: &CompleteCheckIn, now: DateTime<Utc>) -> Result<CheckIn> {
        self.practice.write(|tx| {
            let c = open_checkin(tx, id, "complete this check-in")?;
            let zone = profile::load(tx)?.timezone;
            let body = optional_text("the integration note", Some(&input.note))?.ok_or_else(|| {
                Error::invalid("write a short summary of this check-in: how you were in touch, what was shared")
            })?;
            if let Some(doc) = input.document_id {
                crate::documents::document::complete_with(tx, doc, crate::documents::document::Link::Checkin(id), now)?;
            }
            let contacted = match input.contacted_at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(t) => parse_time(t, &zone)?.utc,
                None => now,
            };
            if contacted > now {
                return Err(Error::invalid("the contact time is in the future; record the check-in once it has happened"));
            }
            let note = Uuid::new_v4();
            tx.execute(
                "INSERT INTO note (id, arc_id, kind, body, written_at, written_tz) VALUES (?1, ?2, 'integration', ?3, ?4, ?5)",
                params![note.to_string(), c.arc_id.to_string(), body, to_db(now), zone],
            )?;
            tx.execute(
                "UPDATE checkin SET status = 'completed', resolved_at = ?2, note_id = ?3 WHERE id = ?1",
                params![id.to_string(), to_db(contacted), note.to_string()],
            )?;
            record(tx, id, "completed", now, None, None, None)?;
            audit::record(tx, Action::Update, &Subject::CheckIn(id), Some("completed"))?;
            get(tx, id)
        })
    }

    pub fn skip(self, id: Uuid, reason: &str, now: DateTime<Utc>) -> Result<CheckIn> {
        self.practice.write(|tx| {
            open_checkin(tx, id, "skip this check-in")?;
            let reason = optional_text("the reason", Some(reason))?.ok_or_else(|| {
                Error::invalid("skipping a check-in needs a reason, e.g. \"participant asked for space\"")
            })?;
            tx.execute(
                "UPDATE checkin SET status = 'skipped', resolved_at = ?2, skip_reason = ?3 WHERE id = ?1",
                params![id.to_string(), to_db(now), reason],
            )?;
            record(tx, id, "skipped", now, None, None, Some(&reason))?;
            audit::record(tx, Action::Update, &Subject::CheckIn(id), Some("skipped"))?;
            get(tx, id)
        })
    }

    /// Moves a due check-in to another time; the old and new times stay in its history.
    pub fn reschedule(self, id: Uuid, at: &str, reason: Option<&str>, now: DateTime<Utc>) -> Result<CheckIn> {
        self.practice.write(|tx| {
            let c = open_checkin(tx, id, "reschedule this check-in")?;
            let zone = profile::load(tx)?.timezone;
            let new = parse_time(at, &zone)?;
            let reason = optional_text("the reason", reason)?;
            tx.execute(
                "UPDATE checkin SET due_at = ?2, due_tz = ?3 WHERE id = ?1",
                params![id.to_string(), to_db(new.utc), new.zone],
            )?;
            record(tx, id, "rescheduled", now, Some(c.due.utc), Some(new.utc), reason.as_deref())?;
            audit::record(tx, Action::Update, &Subject::CheckIn(id), Some("rescheduled"))?;
            get(tx, id)
        })
    }

    /// Adds a check-in outside the plan, at any time, on an open arc.
    pub fn add(self, input: &AddCheckIn, now: DateTime<Utc>) -> Result<CheckIn> {
        self.practice.write(|tx| {
            let a = arc::get(tx, input.arc_id)?;
            if a.phase.is_closed() {
                return Err(CheckInError::ArcClosed { doing: "add a check-in".into() }.into());
            }
            let zone = profile::load(tx)?.timezone;
            let due = parse_time(&input.at, &zone)?;
            let purpose = required_line("the check-in's purpose", &input.purpose)?;
            let prompts: Vec<String> =
                input.prompts.iter().map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect();
            if prompts.iter().map(|p| p.len()).sum::<usize>() > MAX_TEXT_CHARS {
                return Err(Error::invalid("the prompts are too long; keep them to a few questions"));
            }
            let series: u32 = tx.query_row(
                "SELECT COALESCE(MAX(series), 1) FROM checkin WHERE arc_id = ?1",
                [input.arc_id.to_string()],
                |r| r.get(0),
            )?;
            let id = insert_ad_hoc(tx, input.arc_id, series, &purpose, &prompts, &due, now)?;
            audit::record(tx, Action::Create, &Subject::CheckIn(id), None)?;
            get(tx, id)
        })
    }

    /// A draft message for a check-in, from its purpose and prompts.
    pub fn outreach(self, id: Uuid) -> Result<Outreach> {
        self.practice.read(|conn| {
            let c = get(conn, id)?;
            let who = crate::domain::participant::get(conn, c.participant_id)?;
            let me = profile::load(conn)?;
            Ok(draft(&c, &who.name, who.contact.as_deref(), &me.name))
        })
    }
}

/// RFC 3986 unreserved characters stay as they are in a `mailto:` link; everything else is encoded.
const MAILTO: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
const MAILTO_ADDRESS: &AsciiSet = &MAILTO.remove(b'@').remove(b'+');

fn draft(c: &CheckIn, name: &str, contact: Option<&str>, facilitator: &str) -> Outreach {
    let first = name.split_whitespace().next().unwrap_or(name);
    let when = match c.offset {
        Some(o) => format!("It has been about {} since our session, and I wanted to check in", o.label()),
        None => "I wanted to check in".to_owned(),
    };
    let mut body = format!("Hi {first},\n\n{when} ({}).\n", c.purpose.to_lowercase());
    if !c.prompts.is_empty() {
        body.push_str("\nA few questions you could answer in writing, or we can talk them through together:\n");
        for p in &c.prompts {
            body.push_str(&format!("- {p}\n"));
        }
    }
    body.push_str("\nTake your time, and please reach out sooner if anything feels difficult.\n\nWarmly,\n");
    body.push_str(facilitator);
    body.push('\n');
    let subject = "Checking in".to_owned();
    let email =
        contact.map(str::trim).filter(|c| c.contains('@') && !c.contains(char::is_whitespace) && !c.contains('?'));
    let mailto = email.map(|to| {
        format!(
            "mailto:{}?subject={}&body={}",
            utf8_percent_encode(to, MAILTO_ADDRESS),
            utf8_percent_encode(&subject, MAILTO),
            utf8_percent_encode(&body, MAILTO)
        )
    });
    Outreach { to: email.map(str::to_owned), subject, body, mailto }
}

/// A re-assessment starts from what it reviews: the arc's intention as the first goal, and each of
/// its milestones with its status now (the facilitator adds where each stands).
fn reassessment_start(conn: &Connection, arc: Uuid) -> Result<Map<String, Value>> {
    let intention: Option<String> =
        conn.query_row("SELECT intention FROM arc WHERE id = ?1", [arc.to_string()], |r| r.get(0))?;
    let milestones: Vec<Value> = super::milestone::for_arc(conn, arc)?
        .iter()
        .map(|m| serde_json::json!({ "milestone": m.title, "status": m.status.label() }))
        .collect();
    let mut answers = Map::new();
    if let Some(goal) = intention.filter(|i| !i.trim().is_empty()) {
        answers.insert("goals".into(), serde_json::json!([{ "goal": goal }]));
    }
    if !milestones.is_empty() {
        answers.insert("milestones".into(), Value::Array(milestones));
    }
    Ok(answers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::integration::schedule::OffsetUnit;

    #[test]
    fn outreach_drafts_are_warm_and_mailto_links_are_encoded() {
        let now = DateTime::parse_from_rfc3339("2026-11-25T09:00:00Z").unwrap().with_timezone(&Utc);
        let c = CheckIn {
            id: Uuid::nil(),
            arc_id: Uuid::nil(),
            participant_id: Uuid::nil(),
            participant_name: "Seren Whitlock".into(),
            series: 1,
            step: Some(3),
            offset: Some(Offset { amount: 1, unit: OffsetUnit::Weeks }),
            purpose: "Integration practices and daily life".into(),
            prompts: vec!["What has changed & what hasn't?".into()],
            due: ZonedTime::new(now, "Europe/Berlin"),
            status: CheckInStatus::Due,
            resolved: None,
            note_id: None,
            skip_reason: None,
            measures: vec![],
            reassessment: false,
        };
        let o = draft(&c, "Seren Whitlock", Some("seren@example.org"), "Rowan Hale");
        assert!(o.body.starts_with("Hi Seren,\n\nIt has been about 1 week since our session"), "{}", o.body);
        assert!(o.body.contains("- What has changed & what hasn't?\n"));
        assert!(o.body.ends_with("Warmly,\nRowan Hale\n"));
        let link = o.mailto.unwrap();
        assert!(link.starts_with("mailto:seren@example.org?subject=Checking%20in&body=Hi%20Seren%2C%0A%0A"), "{link}");
        assert!(link.contains("changed%20%26%20what"), "& is encoded so it cannot end the body: {link}");
        assert_eq!(
            draft(&c, "Seren Whitlock", Some("+1 555 0101"), "Rowan Hale").mailto,
            None,
            "a phone number gets no link"
        );
    }
}

//! Milestones: what a participant is working towards in integration, by domain, with a dated
//! history of every status change.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::domain::time::{ZonedTime, parse_date, to_db};
use crate::domain::{MAX_LINE_CHARS, arc, id_from_db, optional_line, optional_text, profile, required_line};
use crate::error::{AreaError, ErrorCode};
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum MilestoneStatus {
    Planned,
    InProgress,
    Achieved,
    Maintaining,
    Lapsed,
}

impl MilestoneStatus {
    pub const ALL: [MilestoneStatus; 5] = [
        MilestoneStatus::Planned,
        MilestoneStatus::InProgress,
        MilestoneStatus::Achieved,
        MilestoneStatus::Maintaining,
        MilestoneStatus::Lapsed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneStatus::Planned => "planned",
            MilestoneStatus::InProgress => "in_progress",
            MilestoneStatus::Achieved => "achieved",
            MilestoneStatus::Maintaining => "maintaining",
            MilestoneStatus::Lapsed => "lapsed",
        }
    }

    /// The status in words, as the re-assessment form offers it.
    pub fn label(self) -> &'static str {
        match self {
            MilestoneStatus::Planned => "Planned",
            MilestoneStatus::InProgress => "In progress",
            MilestoneStatus::Achieved => "Achieved",
            MilestoneStatus::Maintaining => "Maintaining",
            MilestoneStatus::Lapsed => "Lapsed",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        let wanted = s.trim().to_lowercase().replace(['-', ' '], "_");
        Self::ALL.into_iter().find(|m| m.as_str() == wanted).ok_or_else(|| {
            Error::invalid(format!(
                "{s:?} is not a milestone status; use planned, in_progress, achieved, maintaining or lapsed"
            ))
        })
    }

    /// Still being worked on: an arc with such a milestone is not ready to complete.
    pub fn is_open(self) -> bool {
        matches!(self, MilestoneStatus::Planned | MilestoneStatus::InProgress)
    }
}

impl rusqlite::types::FromSql for MilestoneStatus {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        Self::parse(v.as_str()?).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
    }
}

/// The integration domains; the facilitator may also use a word of their own.
pub const CATEGORIES: [&str; 6] = ["mind", "body", "spirit", "lifestyle", "relationships", "nature"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MilestoneChange {
    pub from: Option<MilestoneStatus>,
    pub to: MilestoneStatus,
    pub at: ZonedTime,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Milestone {
    #[ts(type = "string")]
    pub id: Uuid,
    #[ts(type = "string")]
    pub arc_id: Uuid,
    pub title: String,
    pub category: String,
    #[ts(type = "string | null")]
    pub target_date: Option<NaiveDate>,
    pub status: MilestoneStatus,
    pub history: Vec<MilestoneChange>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct NewMilestone {
    #[ts(type = "string")]
    pub arc_id: Uuid,
    pub title: String,
    /// mind, body, spirit, lifestyle, relationships, nature, or a word of the facilitator's own.
    pub category: String,
    /// `YYYY-MM-DD`.
    #[ts(optional)]
    pub target_date: Option<String>,
    #[ts(optional)]
    pub note: Option<String>,
}

/// What the milestone rules refuse.
#[derive(Debug, thiserror::Error)]
pub enum MilestoneError {
    #[error("cannot {doing}: the arc is closed")]
    ArcClosed { doing: &'static str },
    #[error("the milestone is already {0}")]
    AlreadyIn(String),
}

impl AreaError for MilestoneError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Conflict
    }
}

fn category(s: &str) -> Result<String> {
    let c = required_line("a milestone's category", s)?.to_lowercase();
    if c.chars().count() > MAX_LINE_CHARS / 10 {
        return Err(Error::invalid(format!(
            "the category {c:?} is too long; use one of {} or a short word",
            CATEGORIES.join(", ")
        )));
    }
    Ok(c)
}

fn record(
    conn: &Connection,
    id: Uuid,
    from: Option<MilestoneStatus>,
    to: MilestoneStatus,
    now: DateTime<Utc>,
    tz: &str,
    note: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO milestone_event (milestone_id, seq, from_status, to_status, at, tz, note)
         VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM milestone_event WHERE milestone_id = ?1), ?2, ?3, ?4, ?5, ?6)",
        params![id.to_string(), from.map(MilestoneStatus::as_str), to.as_str(), to_db(now), tz, note],
    )?;
    Ok(())
}

fn history(conn: &Connection, id: Uuid) -> Result<Vec<MilestoneChange>> {
    let mut stmt = conn.prepare_cached(
        "SELECT from_status, to_status, at, tz, note FROM milestone_event WHERE milestone_id = ?1 ORDER BY seq",
    )?;
    let list = stmt
        .query_map([id.to_string()], |r| {
            Ok(MilestoneChange {
                from: r.get(0)?,
                to: r.get(1)?,
                at: ZonedTime::from_db(&r.get::<_, String>(2)?, &r.get::<_, String>(3)?)?,
                note: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(list)
}

pub(crate) fn get(conn: &Connection, id: Uuid) -> Result<Milestone> {
    let row = conn
        .query_row(
            "SELECT arc_id, title, category, target_date, status FROM milestone WHERE id = ?1",
            [id.to_string()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, MilestoneStatus>(4)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "milestone", id: id.to_string() })?;
    let (arc_id, title, category, target, status) = row;
    Ok(Milestone {
        id,
        arc_id: id_from_db(&arc_id)?,
        title,
        category,
        target_date: target.as_deref().map(parse_date).transpose()?,
        status,
        history: history(conn, id)?,
    })
}

pub(crate) fn for_arc(conn: &Connection, arc_id: Uuid) -> Result<Vec<Milestone>> {
    let ids: Vec<String> = {
        let mut stmt = conn.prepare_cached("SELECT id FROM milestone WHERE arc_id = ?1 ORDER BY created_at, id")?;
        stmt.query_map([arc_id.to_string()], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
    };
    ids.iter().map(|id| get(conn, id_from_db(id)?)).collect()
}

/// Integration milestones and their history.
/// Borrowed from a practice by [`Practice::milestones`].
pub struct Milestones<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl Milestones<'_> {
    pub fn add(self, input: &NewMilestone, now: DateTime<Utc>) -> Result<Milestone> {
        self.practice.write(|tx| {
            if arc::get(tx, input.arc_id)?.phase.is_closed() {
                return Err(MilestoneError::ArcClosed { doing: "add a milestone" }.into());
            }
            let tz = profile::load(tx)?.timezone;
            let title = required_line("a milestone's title", &input.title)?;
            let category = category(&input.category)?;
            let target =
                optional_line("target date", input.target_date.as_deref())?.as_deref().map(parse_date).transpose()?;
            let note = optional_text("the note", input.note.as_deref())?;
            let id = Uuid::new_v4();
            tx.execute(
                "INSERT INTO milestone (id, arc_id, title, category, target_date, status, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'planned', ?6)",
                params![
                    id.to_string(),
                    input.arc_id.to_string(),
                    title,
                    category,
                    target.map(|d| d.to_string()),
                    to_db(now)
                ],
            )?;
            record(tx, id, None, MilestoneStatus::Planned, now, &tz, note.as_deref())?;
            audit::record(tx, Action::Create, &Subject::Milestone(id), None)?;
            get(tx, id)
        })
    }

    /// Changes a milestone's status, with a short note, keeping the change in its history.
    pub fn set_status(
        self,
        id: Uuid,
        status: MilestoneStatus,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Milestone> {
        self.practice.write(|tx| {
            let m = get(tx, id)?;
            if m.status == status {
                return Err(MilestoneError::AlreadyIn(status.as_str().replace('_', " ")).into());
            }
            if arc::get(tx, m.arc_id)?.phase.is_closed() {
                return Err(MilestoneError::ArcClosed { doing: "change a milestone" }.into());
            }
            let tz = profile::load(tx)?.timezone;
            let note = optional_text("the note", note)?;
            tx.execute("UPDATE milestone SET status = ?2 WHERE id = ?1", params![id.to_string(), status.as_str()])?;
            record(tx, id, Some(m.status), status, now, &tz, note.as_deref())?;
            audit::record(tx, Action::Update, &Subject::Milestone(id), Some(&format!("status {}", status.as_str())))?;
            get(tx, id)
        })
    }

    pub fn list(self, arc_id: Uuid) -> Result<Vec<Milestone>> {
        self.practice.read(|conn| {
            arc::get(conn, arc_id)?;
            for_arc(conn, arc_id)
        })
    }
}

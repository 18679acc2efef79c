//! Sessions: consultations, preparation meetings, the administration (dosing) session and
//! integration meetings, each scheduled on an open arc and then completed, cancelled or missed.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::time::{ZonedTime, parse_time, to_db};
use super::{arc, id_from_db, optional_line, optional_text};
use crate::error::{AreaError, ErrorCode};
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum SessionKind {
    Consultation,
    Preparation,
    Administration,
    Integration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum SessionStatus {
    Scheduled,
    Completed,
    Cancelled,
    NoShow,
}

macro_rules! text_enum {
    ($t:ty, $what:literal, { $($v:ident => $s:literal),+ $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),+ }
            }
            pub fn parse(s: &str) -> Result<Self> {
                match s.trim().to_lowercase().replace(['-', ' '], "_").as_str() {
                    $($s => Ok(Self::$v),)+
                    _ => Err(Error::invalid(format!(
                        concat!("{:?} is not a ", $what, "; use one of ", $($s, " "),+), s
                    ))),
                }
            }
        }
        impl rusqlite::types::FromSql for $t {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                Self::parse(v.as_str()?).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
    };
}

text_enum!(SessionKind, "session kind", {
    Consultation => "consultation",
    Preparation => "preparation",
    Administration => "administration",
    Integration => "integration",
});

text_enum!(SessionStatus, "session status", {
    Scheduled => "scheduled",
    Completed => "completed",
    Cancelled => "cancelled",
    NoShow => "no_show",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Session {
    #[ts(type = "string")]
    pub id: Uuid,
    #[ts(type = "string")]
    pub arc_id: Uuid,
    pub kind: SessionKind,
    pub status: SessionStatus,
    pub scheduled: ZonedTime,
    pub started: Option<ZonedTime>,
    pub ended: Option<ZonedTime>,
    pub location: Option<String>,
    /// Why it was cancelled, when it was.
    pub status_reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct ScheduleSession {
    #[ts(type = "string")]
    pub arc_id: Uuid,
    pub kind: SessionKind,
    /// ISO 8601; without an offset, local to the facilitator's zone.
    pub at: String,
    #[ts(optional)]
    pub location: Option<String>,
}

/// What to do with the follow-up timeline when an arc that already has check-ins has another
/// administration session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum FollowUp {
    /// Move every check-in still due to the new session's end (each move is recorded).
    ReAnchor,
    /// Queue the whole plan again as a new series; the old check-ins stay as they are.
    NewSeries,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct CompleteSession {
    /// ISO 8601; without an offset, local to the facilitator's zone.
    pub started: String,
    pub ended: String,
    /// For an administration session on an arc that already has check-ins: re-anchor them or add
    /// a new series. Ignored otherwise.
    #[serde(default)]
    #[ts(optional)]
    pub follow_up: Option<FollowUp>,
    /// The session's record (see `Documents::for_session`): a draft is signed in the same
    /// transaction, so the session is held and its record signed, or neither.
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub document_id: Option<Uuid>,
}

const COLUMNS: &str = "id, arc_id, kind, status, scheduled_at, scheduled_tz, started_at, started_tz, ended_at, ended_tz, location, status_reason";

fn zoned(at: Option<String>, tz: Option<String>) -> rusqlite::Result<Option<ZonedTime>> {
    match (at, tz) {
        (Some(at), Some(tz)) => ZonedTime::from_db(&at, &tz).map(Some),
        _ => Ok(None),
    }
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Session> {
    Ok(Session {
        id: id_from_db(&r.get::<_, String>(0)?)?,
        arc_id: id_from_db(&r.get::<_, String>(1)?)?,
        kind: r.get(2)?,
        status: r.get(3)?,
        scheduled: ZonedTime::from_db(&r.get::<_, String>(4)?, &r.get::<_, String>(5)?)?,
        started: zoned(r.get(6)?, r.get(7)?)?,
        ended: zoned(r.get(8)?, r.get(9)?)?,
        location: r.get(10)?,
        status_reason: r.get(11)?,
    })
}

pub(crate) fn get(conn: &Connection, id: Uuid) -> Result<Session> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM session WHERE id = ?1"), [id.to_string()], from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "session", id: id.to_string() })
}

pub(crate) fn for_arc(conn: &Connection, arc: Uuid) -> Result<Vec<Session>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM session WHERE arc_id = ?1 ORDER BY scheduled_at, id"))?;
    let sessions = stmt.query_map([arc.to_string()], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(sessions)
}

/// What a session's rules refuse.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("cannot {doing}: the arc is closed ({phase}); open a new arc first")]
    ArcClosed { doing: String, phase: &'static str },
    #[error("cannot {doing}: this session is already {status}")]
    NotScheduled { doing: String, status: &'static str },
    #[error(
        "this administration session cannot be completed while screening flags are unacknowledged: {}. Acknowledge each with a written reason (or revise the screening) first",
        .0.join("; ")
    )]
    ScreeningFlagsOpen(Vec<String>),
}

impl AreaError for SessionError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Conflict
    }
}

fn require_open_arc(conn: &Connection, arc_id: Uuid, doing: &str) -> Result<()> {
    let arc = arc::get(conn, arc_id)?;
    if arc.phase.is_closed() {
        return Err(SessionError::ArcClosed { doing: doing.to_owned(), phase: arc.phase.as_str() }.into());
    }
    Ok(())
}

/// Loads a session that is still scheduled, or says why it cannot change.
fn scheduled(conn: &Connection, id: Uuid, doing: &str) -> Result<Session> {
    let s = get(conn, id)?;
    if s.status != SessionStatus::Scheduled {
        return Err(SessionError::NotScheduled { doing: doing.to_owned(), status: s.status.as_str() }.into());
    }
    require_open_arc(conn, s.arc_id, doing)?;
    Ok(s)
}

pub(crate) fn schedule(conn: &Connection, input: &ScheduleSession, zone: &str, id: Uuid) -> Result<Session> {
    require_open_arc(conn, input.arc_id, "schedule a session")?;
    let at = parse_time(&input.at, zone)?;
    let location = optional_line("location", input.location.as_deref())?;
    conn.execute(
        "INSERT INTO session (id, arc_id, kind, status, scheduled_at, scheduled_tz, location)
         VALUES (?1, ?2, ?3, 'scheduled', ?4, ?5, ?6)",
        params![id.to_string(), input.arc_id.to_string(), input.kind.as_str(), to_db(at.utc), at.zone, location],
    )?;
    get(conn, id)
}

/// The times a session was held, as typed, checked: it ended after it started, and not in the
/// future. The first step of completing a session, before anything is written.
pub(crate) fn held_times(input: &CompleteSession, zone: &str, now: DateTime<Utc>) -> Result<(ZonedTime, ZonedTime)> {
    let started = parse_time(&input.started, zone)?;
    let ended = parse_time(&input.ended, zone)?;
    if ended.utc <= started.utc {
        return Err(Error::invalid(format!(
            "the session cannot end ({}) before it starts ({}); check both times",
            ended.local, started.local
        )));
    }
    if ended.utc > now {
        return Err(Error::invalid(format!(
            "the session's end ({}) is in the future; complete it once it has ended",
            ended.local
        )));
    }
    Ok((started, ended))
}

/// The session, if it is still scheduled on an open arc: what completing it requires.
pub(crate) fn to_complete(conn: &Connection, id: Uuid) -> Result<Session> {
    scheduled(conn, id, "complete this session")
}

/// Records a scheduled session as held at `held` (from [`held_times`]). The steps that go with a
/// dosing session (its record signed, the follow-up plan queued) are `crate::practice`'s.
pub(crate) fn complete(conn: &Connection, id: Uuid, held: &(ZonedTime, ZonedTime)) -> Result<Session> {
    let (started, ended) = held;
    conn.execute(
        "UPDATE session SET status = 'completed', started_at = ?2, started_tz = ?3, ended_at = ?4, ended_tz = ?5
         WHERE id = ?1",
        params![id.to_string(), to_db(started.utc), started.zone, to_db(ended.utc), ended.zone],
    )?;
    get(conn, id)
}

fn close_unheld(conn: &Connection, id: Uuid, status: SessionStatus, reason: Option<&str>) -> Result<Session> {
    let doing = match status {
        SessionStatus::Cancelled => "cancel this session",
        _ => "mark this session as a no-show",
    };
    scheduled(conn, id, doing)?;
    let reason = optional_text("the reason", reason)?;
    conn.execute(
        "UPDATE session SET status = ?2, status_reason = ?3 WHERE id = ?1",
        params![id.to_string(), status.as_str(), reason],
    )?;
    get(conn, id)
}

/// Sessions: schedule, cancel, no-show, read.
/// Borrowed from a practice by [`Practice::sessions`].
pub struct Sessions<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl Sessions<'_> {
    pub fn schedule(self, input: &ScheduleSession) -> Result<Session> {
        let zone = self.practice.facilitator().profile()?.timezone;
        self.practice.write(|tx| {
            let s = schedule(tx, input, &zone, Uuid::new_v4())?;
            audit::record(tx, Action::Create, &Subject::Session(s.id), Some(s.kind.as_str()))?;
            Ok(s)
        })
    }

    pub fn cancel(self, id: Uuid, reason: Option<&str>) -> Result<Session> {
        self.practice.write(|tx| {
            let s = close_unheld(tx, id, SessionStatus::Cancelled, reason)?;
            audit::record(tx, Action::Update, &Subject::Session(id), Some("cancelled"))?;
            Ok(s)
        })
    }

    pub fn mark_no_show(self, id: Uuid, reason: Option<&str>) -> Result<Session> {
        self.practice.write(|tx| {
            let s = close_unheld(tx, id, SessionStatus::NoShow, reason)?;
            audit::record(tx, Action::Update, &Subject::Session(id), Some("no_show"))?;
            Ok(s)
        })
    }

    pub fn get(self, id: Uuid) -> Result<Session> {
        self.practice.read(|conn| get(conn, id))
    }
}

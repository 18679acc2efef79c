//! Retreats: a group of arcs dosed together (ARCHITECTURE.md "Retreats"). A retreat holds its
//! members' arcs; a group dosing schedules one administration session per arc at once; the
//! dosing-day grid (`grid.rs`) reads every record of the day in one go; the retreat view and its
//! exports are in `view.rs`. Ending a dosing day spans areas and lives in `practice/retreats.rs`.

pub mod grid;
pub mod view;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::domain::arc;
use crate::domain::session::{self, ScheduleSession, Session, SessionKind};
use crate::domain::time::{parse_date, to_db};
use crate::domain::{id_from_db, optional_line, required_line};
use crate::error::{AreaError, ErrorCode};
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

/// A retreat: where and when, and how many facilitators are present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Retreat {
    #[ts(type = "string")]
    pub id: Uuid,
    pub name: String,
    pub place: Option<String>,
    /// The first and last local day, `YYYY-MM-DD`.
    pub starts_on: String,
    pub ends_on: String,
    pub facilitators: u32,
    /// How many arcs are at it.
    pub members: u32,
}

/// What the facilitator types for a retreat, or its full new state when editing one.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct RetreatInput {
    pub name: String,
    #[serde(default)]
    #[ts(optional)]
    pub place: Option<String>,
    pub starts_on: String,
    pub ends_on: String,
    /// Facilitators present (1 when absent).
    #[serde(default)]
    #[ts(optional)]
    pub facilitators: Option<u32>,
}

/// A group dosing to schedule: one administration session per member at `at`.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct GroupDosing {
    #[ts(type = "string")]
    pub retreat_id: Uuid,
    /// ISO 8601; without an offset, local to the facilitator's zone.
    pub at: String,
    #[serde(default)]
    #[ts(optional)]
    pub location: Option<String>,
}

/// What scheduling a group dosing did: the sessions made, and the members left out with why.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct GroupScheduled {
    pub scheduled: Vec<Session>,
    pub left_out: Vec<LeftOut>,
}

/// A member an operation on the whole group left as it was, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LeftOut {
    #[ts(type = "string")]
    pub arc_id: Uuid,
    pub participant_name: String,
    pub why: String,
}

/// What the retreat rules refuse.
#[derive(Debug, thiserror::Error)]
pub enum RetreatError {
    #[error("{name} is already at this retreat")]
    AlreadyMember { name: String },
    #[error("{name}'s arc is closed; a closed arc cannot join a retreat")]
    ArcClosed { name: String },
    #[error("{name} is already at this retreat with another arc")]
    ParticipantThere { name: String },
    #[error("that arc is not at this retreat")]
    NotMember,
    #[error("this retreat has no one at it yet; add its participants first")]
    Empty,
}

impl AreaError for RetreatError {
    fn code(&self) -> ErrorCode {
        match self {
            RetreatError::NotMember => ErrorCode::NotFound,
            _ => ErrorCode::Conflict,
        }
    }
}

const COLUMNS: &str = "r.id, r.name, r.place, r.starts_on, r.ends_on, r.facilitators,
    (SELECT count(*) FROM retreat_arc m WHERE m.retreat_id = r.id)";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Retreat> {
    Ok(Retreat {
        id: id_from_db(&r.get::<_, String>(0)?)?,
        name: r.get(1)?,
        place: r.get(2)?,
        starts_on: r.get(3)?,
        ends_on: r.get(4)?,
        facilitators: r.get(5)?,
        members: r.get(6)?,
    })
}

pub(crate) fn get(conn: &Connection, id: Uuid) -> Result<Retreat> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM retreat r WHERE r.id = ?1"))?
        .query_row([id.to_string()], from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "retreat", id: id.to_string() })
}

/// A retreat's days, parsed.
pub(crate) fn days(r: &Retreat) -> Result<(NaiveDate, NaiveDate)> {
    Ok((parse_date(&r.starts_on)?, parse_date(&r.ends_on)?))
}

/// The input checked: a name, a place of one line, days in order, 1–25 facilitators.
fn checked(input: &RetreatInput) -> Result<(String, Option<String>, NaiveDate, NaiveDate, u32)> {
    let name = required_line("the retreat's name", &input.name)?;
    if name.chars().count() > 200 {
        return Err(Error::invalid("the retreat's name is longer than 200 characters; shorten it"));
    }
    let place = optional_line("the place", input.place.as_deref())?;
    let (starts, ends) = (parse_date(&input.starts_on)?, parse_date(&input.ends_on)?);
    if ends < starts {
        return Err(Error::invalid(format!("the retreat cannot end ({ends}) before it starts ({starts})")));
    }
    if (ends - starts).num_days() > 366 {
        return Err(Error::invalid("a retreat lasts at most a year; check the days"));
    }
    let facilitators = input.facilitators.unwrap_or(1);
    if !(1..=25).contains(&facilitators) {
        return Err(Error::invalid(format!("a retreat has 1 to 25 facilitators present (got {facilitators})")));
    }
    Ok((name, place, starts, ends, facilitators))
}

/// The member arcs of a retreat with their participants' names, by name.
pub(crate) fn members(conn: &Connection, retreat: Uuid) -> Result<Vec<(Uuid, Uuid, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.participant_id, p.name FROM retreat_arc m JOIN arc a ON a.id = m.arc_id
         JOIN participant p ON p.id = a.participant_id WHERE m.retreat_id = ?1 ORDER BY p.name, a.id",
    )?;
    let rows = stmt
        .query_map([retreat.to_string()], |r| {
            Ok((id_from_db(&r.get::<_, String>(0)?)?, id_from_db(&r.get::<_, String>(1)?)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn add_member(tx: &Transaction<'_>, retreat: Uuid, arc_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    get(tx, retreat)?;
    let a = arc::get(tx, arc_id)?;
    let name = crate::domain::participant::get(tx, a.participant_id)?.name;
    if a.phase.is_closed() {
        return Err(RetreatError::ArcClosed { name }.into());
    }
    for (arc, participant, _) in members(tx, retreat)? {
        if arc == arc_id {
            return Err(RetreatError::AlreadyMember { name }.into());
        }
        if participant == a.participant_id {
            return Err(RetreatError::ParticipantThere { name }.into());
        }
    }
    tx.execute(
        "INSERT INTO retreat_arc (retreat_id, arc_id, added_at) VALUES (?1, ?2, ?3)",
        params![retreat.to_string(), arc_id.to_string(), to_db(now)],
    )?;
    audit::record(tx, Action::Update, &Subject::Arc(arc_id), Some("joined a retreat"))
}

fn schedule_dosing(tx: &Transaction<'_>, input: &GroupDosing, zone: &str) -> Result<GroupScheduled> {
    get(tx, input.retreat_id)?;
    let list = members(tx, input.retreat_id)?;
    if list.is_empty() {
        return Err(RetreatError::Empty.into());
    }
    let mut out = GroupScheduled { scheduled: Vec::new(), left_out: Vec::new() };
    for (arc_id, _, name) in list {
        let leave = |why: String| LeftOut { arc_id, participant_name: name.clone(), why };
        if arc::get(tx, arc_id)?.phase.is_closed() {
            out.left_out.push(leave("the arc is closed".into()));
            continue;
        }
        let pending: Option<String> = tx
            .query_row(
                "SELECT scheduled_at FROM session WHERE arc_id = ?1 AND kind = 'administration' AND status = 'scheduled'
                 ORDER BY scheduled_at LIMIT 1",
                [arc_id.to_string()],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(at) = pending {
            let when = crate::domain::time::ZonedTime::from_db(&at, zone)?.local.replace('T', " ");
            out.left_out.push(leave(format!("already has a dosing session scheduled ({when})")));
            continue;
        }
        let one = ScheduleSession {
            arc_id,
            kind: SessionKind::Administration,
            at: input.at.clone(),
            location: input.location.clone(),
        };
        let s = session::schedule(tx, &one, zone, Uuid::new_v4())?;
        tx.execute(
            "UPDATE session SET retreat_id = ?2 WHERE id = ?1",
            params![s.id.to_string(), input.retreat_id.to_string()],
        )?;
        audit::record(tx, Action::Create, &Subject::Session(s.id), Some("administration, retreat group"))?;
        out.scheduled.push(s);
    }
    Ok(out)
}

/// Retreats: create, edit, list, members, group dosing, the dosing-day grid and the retreat view.
/// Borrowed from a practice by [`Practice::retreats`].
pub struct Retreats<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl Retreats<'_> {
    pub fn create(self, input: &RetreatInput, now: DateTime<Utc>) -> Result<Retreat> {
        let (name, place, starts, ends, facilitators) = checked(input)?;
        self.practice.write(|tx| {
            let id = Uuid::new_v4();
            tx.execute(
                "INSERT INTO retreat (id, name, place, starts_on, ends_on, facilitators, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id.to_string(), name, place, starts.to_string(), ends.to_string(), facilitators, to_db(now)],
            )?;
            audit::record(tx, Action::Create, &Subject::Retreat(id), None)?;
            get(tx, id)
        })
    }

    /// Replaces a retreat's name, place, days and facilitators.
    pub fn edit(self, id: Uuid, input: &RetreatInput) -> Result<Retreat> {
        let (name, place, starts, ends, facilitators) = checked(input)?;
        self.practice.write(|tx| {
            get(tx, id)?;
            tx.execute(
                "UPDATE retreat SET name = ?2, place = ?3, starts_on = ?4, ends_on = ?5, facilitators = ?6 WHERE id = ?1",
                params![id.to_string(), name, place, starts.to_string(), ends.to_string(), facilitators],
            )?;
            audit::record(tx, Action::Update, &Subject::Retreat(id), None)?;
            get(tx, id)
        })
    }

    /// Every retreat, the latest first.
    pub fn list(self) -> Result<Vec<Retreat>> {
        self.practice.read(|conn| {
            let mut stmt =
                conn.prepare_cached(&format!("SELECT {COLUMNS} FROM retreat r ORDER BY r.starts_on DESC, r.name"))?;
            let rows = stmt.query_map([], from_row)?.collect::<rusqlite::Result<_>>()?;
            Ok(rows)
        })
    }

    pub fn get(self, id: Uuid) -> Result<Retreat> {
        self.practice.read(|conn| get(conn, id))
    }

    /// Adds arcs to a retreat, all or none: each open, and one per participant.
    pub fn add_members(self, retreat: Uuid, arcs: &[Uuid], now: DateTime<Utc>) -> Result<Retreat> {
        self.practice.write(|tx| {
            for a in arcs {
                add_member(tx, retreat, *a, now)?;
            }
            get(tx, retreat)
        })
    }

    /// Takes an arc off a retreat. Its sessions and records stay its own.
    pub fn remove_member(self, retreat: Uuid, arc_id: Uuid) -> Result<Retreat> {
        self.practice.write(|tx| {
            let n = tx.execute(
                "DELETE FROM retreat_arc WHERE retreat_id = ?1 AND arc_id = ?2",
                params![retreat.to_string(), arc_id.to_string()],
            )?;
            if n == 0 {
                get(tx, retreat)?;
                return Err(RetreatError::NotMember.into());
            }
            audit::record(tx, Action::Update, &Subject::Arc(arc_id), Some("left a retreat"))?;
            get(tx, retreat)
        })
    }

    /// Schedules one administration session per member at one time and place. A member whose arc
    /// is closed or already has a dosing session scheduled is left out, with why.
    pub fn schedule_dosing(self, input: &GroupDosing) -> Result<GroupScheduled> {
        let zone = self.practice.facilitator().profile()?.timezone;
        self.practice.write(|tx| schedule_dosing(tx, input, &zone))
    }
}

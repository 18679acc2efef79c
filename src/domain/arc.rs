//! Arcs: one participant's journey from inquiry to completion, and every phase change on the way.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::time::{ZonedTime, to_db};
use super::{id_from_db, optional_text, participant};
use crate::error::{AreaError, ErrorCode};
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

/// Where an arc stands. The first five are the path in order; `withdrawn` and `referred_out` are exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum Phase {
    Inquiry,
    Preparation,
    Administration,
    Integration,
    Completion,
    Withdrawn,
    ReferredOut,
}

impl Phase {
    pub const ALL: [Phase; 7] = [
        Phase::Inquiry,
        Phase::Preparation,
        Phase::Administration,
        Phase::Integration,
        Phase::Completion,
        Phase::Withdrawn,
        Phase::ReferredOut,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Inquiry => "inquiry",
            Phase::Preparation => "preparation",
            Phase::Administration => "administration",
            Phase::Integration => "integration",
            Phase::Completion => "completion",
            Phase::Withdrawn => "withdrawn",
            Phase::ReferredOut => "referred_out",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        let wanted = s.trim().to_lowercase().replace(['-', ' '], "_");
        Phase::ALL.into_iter().find(|p| p.as_str() == wanted).ok_or_else(|| {
            Error::invalid(format!(
                "{s:?} is not a phase; use one of inquiry, preparation, administration, integration, completion, withdrawn, referred_out"
            ))
        })
    }

    /// Position on the path; exits have none.
    fn step(self) -> Option<u8> {
        match self {
            Phase::Inquiry => Some(0),
            Phase::Preparation => Some(1),
            Phase::Administration => Some(2),
            Phase::Integration => Some(3),
            Phase::Completion => Some(4),
            Phase::Withdrawn | Phase::ReferredOut => None,
        }
    }

    /// Completion and the exits close an arc.
    pub fn is_closed(self) -> bool {
        matches!(self, Phase::Completion | Phase::Withdrawn | Phase::ReferredOut)
    }
}

impl rusqlite::types::FromSql for Phase {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let s = v.as_str()?;
        Phase::parse(s).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
    }
}

/// What the arc's phase rules refuse.
#[derive(Debug, thiserror::Error)]
pub enum ArcError {
    #[error("this arc is closed ({0}); open a new arc for the participant instead")]
    Closed(&'static str),
    #[error("this arc is already in {0}")]
    AlreadyIn(&'static str),
    #[error("{why} ({from} → {to}) needs a reason")]
    ReasonRequired { why: &'static str, from: &'static str, to: &'static str },
}

impl AreaError for ArcError {
    fn code(&self) -> ErrorCode {
        match self {
            ArcError::Closed(_) | ArcError::AlreadyIn(_) => ErrorCode::Conflict,
            ArcError::ReasonRequired { .. } => ErrorCode::ReasonRequired,
        }
    }
}

/// Why a phase change is or is not allowed without a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    /// The next phase on the path.
    Next,
    /// Ahead by more than one phase, back, or out by an exit: allowed with a reason.
    NeedsReason,
}

/// The rule for moving an arc from `from` to `to`.
pub fn transition(from: Phase, to: Phase) -> Result<Transition> {
    if from.is_closed() {
        return Err(ArcError::Closed(from.as_str()).into());
    }
    if from == to {
        return Err(ArcError::AlreadyIn(from.as_str()).into());
    }
    match (from.step(), to.step()) {
        (Some(a), Some(b)) if b == a + 1 => Ok(Transition::Next),
        _ => Ok(Transition::NeedsReason),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Arc {
    #[ts(type = "string")]
    pub id: Uuid,
    #[ts(type = "string")]
    pub participant_id: Uuid,
    pub intention: Option<String>,
    pub phase: Phase,
    pub opened: ZonedTime,
    pub closed: Option<ZonedTime>,
}

/// One phase change, with when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PhaseEvent {
    /// `null` for the event that opened the arc.
    pub from: Option<Phase>,
    pub to: Phase,
    pub at: ZonedTime,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct OpenArc {
    #[ts(type = "string")]
    pub participant_id: Uuid,
    #[ts(optional)]
    pub intention: Option<String>,
    /// The follow-up plan; the default plan when absent.
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub plan_id: Option<Uuid>,
}

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct AdvanceArc {
    pub to: Phase,
    #[ts(optional)]
    pub reason: Option<String>,
}

const COLUMNS: &str = "id, participant_id, intention, phase, opened_at, opened_tz, closed_at, closed_tz";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Arc> {
    let closed_at: Option<String> = r.get(6)?;
    let closed_tz: Option<String> = r.get(7)?;
    Ok(Arc {
        id: id_from_db(&r.get::<_, String>(0)?)?,
        participant_id: id_from_db(&r.get::<_, String>(1)?)?,
        intention: r.get(2)?,
        phase: r.get(3)?,
        opened: ZonedTime::from_db(&r.get::<_, String>(4)?, &r.get::<_, String>(5)?)?,
        closed: match (closed_at, closed_tz) {
            (Some(at), Some(tz)) => Some(ZonedTime::from_db(&at, &tz)?),
            _ => None,
        },
    })
}

pub(crate) fn get(conn: &Connection, id: Uuid) -> Result<Arc> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM arc WHERE id = ?1"), [id.to_string()], from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "arc", id: id.to_string() })
}

pub(crate) fn events(conn: &Connection, id: Uuid) -> Result<Vec<PhaseEvent>> {
    let mut stmt = conn
        .prepare_cached("SELECT from_phase, to_phase, at, tz, reason FROM arc_event WHERE arc_id = ?1 ORDER BY seq")?;
    let events = stmt
        .query_map([id.to_string()], |r| {
            Ok(PhaseEvent {
                from: r.get(0)?,
                to: r.get(1)?,
                at: ZonedTime::from_db(&r.get::<_, String>(2)?, &r.get::<_, String>(3)?)?,
                reason: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(events)
}

fn record_event(
    conn: &Connection,
    arc: Uuid,
    from: Option<Phase>,
    to: Phase,
    now: DateTime<Utc>,
    zone: &str,
    reason: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO arc_event (arc_id, seq, from_phase, to_phase, at, tz, reason)
         VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM arc_event WHERE arc_id = ?1), ?2, ?3, ?4, ?5, ?6)",
        params![arc.to_string(), from.map(Phase::as_str), to.as_str(), to_db(now), zone, reason],
    )?;
    Ok(())
}

pub(crate) fn open(conn: &Connection, input: &OpenArc, now: DateTime<Utc>, zone: &str, id: Uuid) -> Result<Arc> {
    participant::get(conn, input.participant_id)?;
    let intention = optional_text("the intention", input.intention.as_deref())?;
    conn.execute(
        &format!("INSERT INTO arc ({COLUMNS}, plan_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, NULL, ?7)"),
        params![
            id.to_string(),
            input.participant_id.to_string(),
            intention,
            Phase::Inquiry.as_str(),
            to_db(now),
            zone,
            input.plan_id.map(|p| p.to_string())
        ],
    )?;
    record_event(conn, id, None, Phase::Inquiry, now, zone, None)?;
    get(conn, id)
}

pub(crate) fn advance(conn: &Connection, id: Uuid, change: &AdvanceArc, now: DateTime<Utc>, zone: &str) -> Result<Arc> {
    let arc = get(conn, id)?;
    let reason = optional_text("the reason", change.reason.as_deref())?;
    if transition(arc.phase, change.to)? == Transition::NeedsReason && reason.is_none() {
        let why = match (arc.phase.step(), change.to.step()) {
            (_, None) => "leaving an arc by an exit",
            (Some(a), Some(b)) if b < a => "going back to an earlier phase",
            _ => "skipping a phase",
        };
        return Err(ArcError::ReasonRequired { why, from: arc.phase.as_str(), to: change.to.as_str() }.into());
    }
    let closes = change.to.is_closed();
    conn.execute(
        "UPDATE arc SET phase = ?2, closed_at = ?3, closed_tz = ?4 WHERE id = ?1",
        params![id.to_string(), change.to.as_str(), closes.then(|| to_db(now)), closes.then_some(zone)],
    )?;
    record_event(conn, id, Some(arc.phase), change.to, now, zone, reason.as_deref())?;
    get(conn, id)
}

pub(crate) fn for_participant(conn: &Connection, participant: Uuid) -> Result<Vec<Arc>> {
    let mut stmt = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM arc WHERE participant_id = ?1 ORDER BY opened_at DESC, id"))?;
    let arcs = stmt.query_map([participant.to_string()], from_row)?.collect::<rusqlite::Result<_>>()?;
    Ok(arcs)
}

/// One arc in a phase, for the pipeline: who, and since when it is in that phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PhaseArc {
    #[ts(type = "string")]
    pub id: Uuid,
    #[ts(type = "string")]
    pub participant_id: Uuid,
    pub participant_name: String,
    pub intention: Option<String>,
    /// When the arc entered the phase it is in.
    pub since: ZonedTime,
}

/// Arcs: per phase, per participant, approach tags.
/// Borrowed from a practice by [`Practice::arcs`].
pub struct Arcs<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl Arcs<'_> {
    /// The arcs in `phase`, the most recently arrived first (at most `limit`).
    pub fn in_phase(self, phase: Phase, limit: u32) -> Result<Vec<PhaseArc>> {
        self.practice.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT a.id, a.participant_id, p.name, a.intention, e.at, e.tz
                 FROM arc a
                 JOIN participant p ON p.id = a.participant_id
                 JOIN arc_event e ON e.arc_id = a.id
                  AND e.seq = (SELECT MAX(seq) FROM arc_event WHERE arc_id = a.id)
                 WHERE a.phase = ?1
                 ORDER BY e.at DESC, a.id
                 LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![phase.as_str(), limit], |r| {
                Ok(PhaseArc {
                    id: id_from_db(&r.get::<_, String>(0)?)?,
                    participant_id: id_from_db(&r.get::<_, String>(1)?)?,
                    participant_name: r.get(2)?,
                    intention: r.get(3)?,
                    since: ZonedTime::from_db(&r.get::<_, String>(4)?, &r.get::<_, String>(5)?)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Sets an arc's approach tags (the whole list; closed arcs too: the tags describe the work done).
    pub fn set_approaches(self, id: Uuid, tags: &[String]) -> Result<Vec<String>> {
        let tags = participant::normalised_tags(tags)?;
        self.practice.write(|tx| {
            get(tx, id)?;
            tx.execute("DELETE FROM arc_approach WHERE arc_id = ?1", [id.to_string()])?;
            let mut add = tx.prepare_cached("INSERT INTO arc_approach (arc_id, tag) VALUES (?1, ?2)")?;
            for t in &tags {
                add.execute(rusqlite::params![id.to_string(), t])?;
            }
            audit::record(tx, Action::Update, &Subject::Arc(id), Some("approach tags"))?;
            approaches(tx, id)
        })
    }

    /// Every approach tag in use, for suggestions.
    pub fn approach_tags(self) -> Result<Vec<String>> {
        self.practice.read(approach_tags)
    }

    /// A participant's arcs, newest first.
    pub fn of_participant(self, participant: Uuid) -> Result<Vec<Arc>> {
        self.practice.read(|conn| {
            participant::get(conn, participant)?;
            for_participant(conn, participant)
        })
    }
}

pub(crate) fn approaches(conn: &Connection, arc: Uuid) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT tag FROM arc_approach WHERE arc_id = ?1 ORDER BY tag")?;
    Ok(stmt.query_map([arc.to_string()], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)
}

/// Every approach tag in use, in order.
pub(crate) fn approach_tags(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT DISTINCT tag FROM arc_approach ORDER BY tag")?;
    Ok(stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Phase::*;

    #[test]
    fn phase_rules() {
        // (from, to, expected: Some(transition) or None for refused)
        let cases = [
            (Inquiry, Preparation, Some(Transition::Next)),
            (Preparation, Administration, Some(Transition::Next)),
            (Administration, Integration, Some(Transition::Next)),
            (Integration, Completion, Some(Transition::Next)),
            (Inquiry, Administration, Some(Transition::NeedsReason)),
            (Inquiry, Completion, Some(Transition::NeedsReason)),
            (Integration, Preparation, Some(Transition::NeedsReason)),
            (Preparation, Withdrawn, Some(Transition::NeedsReason)),
            (Administration, ReferredOut, Some(Transition::NeedsReason)),
            (Inquiry, Inquiry, None),
            (Completion, Integration, None),
            (Withdrawn, Preparation, None),
            (ReferredOut, Inquiry, None),
        ];
        for (from, to, expected) in cases {
            assert_eq!(transition(from, to).ok(), expected, "{from:?} → {to:?}");
        }
    }

    #[test]
    fn phases_parse_as_people_type_them() {
        assert_eq!(Phase::parse("Referred out").ok(), Some(ReferredOut));
        assert_eq!(Phase::parse("referred-out").ok(), Some(ReferredOut));
        assert_eq!(Phase::parse(" INTEGRATION ").ok(), Some(Integration));
        assert!(Phase::parse("dosing").is_err());
    }
}

//! The practice at a glance: who the facilitator is, how many arcs sit in each phase, and which
//! sessions come next.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::arc::Phase;
use super::profile::{self, Profile};
use super::session::Session;
use super::time::to_db;
use crate::{Practice, Result};

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PhaseCount {
    pub phase: Phase,
    pub arcs: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct UpcomingSession {
    pub session: Session,
    pub participant_name: String,
    #[ts(type = "string")]
    pub participant_id: uuid::Uuid,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PracticeStatus {
    pub profile: Profile,
    pub participants: u32,
    /// Every phase, in path order, with how many arcs are in it (zero included).
    pub arcs_by_phase: Vec<PhaseCount>,
    /// Scheduled sessions from now on, soonest first (at most 10).
    pub upcoming: Vec<UpcomingSession>,
}

/// Every phase in path order with its number of arcs (kept by triggers in `arc_phase_count`).
pub(crate) fn arcs_by_phase(conn: &rusqlite::Connection) -> Result<Vec<PhaseCount>> {
    let mut counts = conn.prepare_cached("SELECT phase, arcs FROM arc_phase_count")?;
    let found: Vec<(Phase, u32)> =
        counts.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    Ok(Phase::ALL
        .into_iter()
        .map(|phase| PhaseCount { phase, arcs: found.iter().find(|(p, _)| *p == phase).map_or(0, |(_, n)| *n) })
        .collect())
}

impl Practice {
    pub fn status(&self, now: DateTime<Utc>) -> Result<PracticeStatus> {
        self.read(|conn| {
            let participants: u32 = conn.query_row("SELECT count(*) FROM participant", [], |r| r.get(0))?;
            let arcs_by_phase = arcs_by_phase(conn)?;
            let mut next = conn.prepare_cached(
                "SELECT s.id, p.name, p.id FROM session s JOIN arc a ON a.id = s.arc_id
                 JOIN participant p ON p.id = a.participant_id
                 WHERE s.status = 'scheduled' AND s.scheduled_at >= ?1 ORDER BY s.scheduled_at LIMIT 10",
            )?;
            let rows: Vec<(String, String, String)> = next
                .query_map([to_db(now)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut upcoming = Vec::with_capacity(rows.len());
            for (sid, name, pid) in rows {
                upcoming.push(UpcomingSession {
                    session: super::session::get(conn, super::id_from_db(&sid)?)?,
                    participant_name: name,
                    participant_id: super::id_from_db(&pid)?,
                });
            }
            Ok(PracticeStatus { profile: profile::load(conn)?, participants, arcs_by_phase, upcoming })
        })
    }
}

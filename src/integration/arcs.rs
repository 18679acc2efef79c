//! The batch loader every practice-wide view reads through: the facts of the arcs in integration
//! (or of one arc) in one query, and the check-ins overdue among them. The dashboard and the alerts
//! both start here, so neither reaches into the other.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use uuid::Uuid;

use super::checkin::{self, CheckIn};
use super::status::{ArcFacts, PauseFact, local_day};
use crate::Result;
use crate::domain::arc::Phase;
use crate::domain::id_from_db;
use crate::domain::time::from_db;

/// An arc and the facts its status is derived from.
pub(crate) struct ArcRow {
    pub arc_id: Uuid,
    pub participant_id: Uuid,
    pub participant_name: String,
    pub facts: ArcFacts,
}

/// Which arcs to load: every arc in integration, or one arc whatever its phase.
#[derive(Clone, Copy)]
pub(crate) enum Scope {
    Integration,
    Arc(Uuid),
}

impl Scope {
    fn clause(self) -> &'static str {
        match self {
            Scope::Integration => "a.phase = 'integration'",
            Scope::Arc(_) => "a.id = ?1",
        }
    }

    fn params(&self) -> Vec<String> {
        match self {
            Scope::Integration => vec![],
            Scope::Arc(id) => vec![id.to_string()],
        }
    }
}

/// A local day as stored (`YYYY-MM-DD`).
pub(crate) fn day_from_db(s: &str) -> rusqlite::Result<chrono::NaiveDate> {
    s.parse().map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

fn opt_time(s: Option<String>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    s.as_deref().map(from_db).transpose()
}

/// The facts of every arc in `scope`: one row per arc, from `arc_facts` (kept by triggers).
pub(crate) fn load(conn: &Connection, scope: Scope) -> Result<Vec<ArcRow>> {
    let args = scope.params();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.id, a.participant_id, p.name, a.phase, f.anchor_at, f.last_session_at, f.has_checkins,
                f.last_contact_at, f.next_due_at, f.open_milestones, ap.since, ap.until
         FROM arc a JOIN participant p ON p.id = a.participant_id JOIN arc_facts f ON f.arc_id = a.id
         LEFT JOIN arc_pause ap ON ap.arc_id = a.id
         WHERE {}",
        scope.clause()
    ))?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok(ArcRow {
                arc_id: id_from_db(&r.get::<_, String>(0)?)?,
                participant_id: id_from_db(&r.get::<_, String>(1)?)?,
                participant_name: r.get(2)?,
                facts: ArcFacts {
                    phase: Some(r.get::<_, Phase>(3)?),
                    anchor: opt_time(r.get(4)?)?,
                    last_integration_session: opt_time(r.get(5)?)?,
                    has_checkins: r.get(6)?,
                    last_checkin_contact: opt_time(r.get(7)?)?,
                    next_due: opt_time(r.get(8)?)?,
                    open_milestones: r.get(9)?,
                    pause: match r.get::<_, Option<String>>(10)? {
                        Some(since) => Some(PauseFact {
                            since: from_db(&since)?,
                            until: r.get::<_, Option<String>>(11)?.as_deref().map(day_from_db).transpose()?,
                        }),
                        None => None,
                    },
                },
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Check-ins whose local due day has ended, oldest first.
pub(crate) fn overdue_checkins(
    conn: &Connection,
    now: DateTime<Utc>,
    zone: chrono_tz::Tz,
    known: &[ArcRow],
) -> Result<Vec<CheckIn>> {
    due_before(conn, at_start_of_day(local_day(now, zone), zone), known)
}

pub(crate) fn at_start_of_day(day: chrono::NaiveDate, zone: chrono_tz::Tz) -> DateTime<Utc> {
    crate::domain::time::at_local(zone, day.and_time(chrono::NaiveTime::MIN))
}

/// Check-ins still due before `before`, soonest first, practice-wide. Selected without joins: the
/// participant of each comes from `known` (the arcs in integration) or, rarely, a lookup.
pub(crate) fn due_before(conn: &Connection, before: DateTime<Utc>, known: &[ArcRow]) -> Result<Vec<CheckIn>> {
    // Only columns of the covering index `checkin_open_by_due`; the rest are NULL for a due check-in.
    let bare = checkin::COLUMNS
        .replace("a.participant_id, p.name", "NULL, NULL")
        .replace("c.status, c.resolved_at, c.note_id, c.skip_reason", "'due', NULL, NULL, NULL");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {bare} FROM checkin c WHERE c.status = 'due' AND c.due_at < ?1 ORDER BY c.due_at"
    ))?;
    let mut list: Vec<CheckIn> =
        stmt.query_map([crate::domain::time::to_db(before)], checkin::from_row)?.collect::<rusqlite::Result<_>>()?;
    let by_arc: HashMap<Uuid, &ArcRow> = known.iter().map(|r| (r.arc_id, r)).collect();
    let mut lookup = conn.prepare_cached(
        "SELECT a.participant_id, p.name FROM arc a JOIN participant p ON p.id = a.participant_id WHERE a.id = ?1",
    )?;
    for c in &mut list {
        if let Some(row) = by_arc.get(&c.arc_id) {
            c.participant_id = row.participant_id;
            c.participant_name.clone_from(&row.participant_name);
        } else {
            let (pid, name): (String, String) =
                lookup.query_row([c.arc_id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
            c.participant_id = id_from_db(&pid)?;
            c.participant_name = name;
        }
    }
    Ok(list)
}

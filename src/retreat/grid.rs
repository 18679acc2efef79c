//! The group dosing day: one row per member dosed that day, read from each session's record in one
//! read transaction — dose given, time of the first dose, the last vitals, adverse events, what the
//! record still lacks — and Oregon's group ratio checked against the largest dose.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::Connection;
use serde::Serialize;
use serde_json::{Map, Value};
use ts_rs::TS;
use uuid::Uuid;

use super::{Retreat, Retreats, get};
use crate::Result;
use crate::documents::document::{self, Link};
use crate::documents::oregon;
use crate::domain::id_from_db;
use crate::domain::profile;
use crate::domain::session::SessionStatus;
use crate::domain::time::{ZonedTime, from_db, parse_date, to_db};
use crate::integration::arcs::at_start_of_day;
use crate::integration::status::end_of_day;

/// Vitals go stale after this long: a dosed participant without a reading for longer needs attention.
pub const VITALS_EVERY_MINUTES: i64 = 60;

/// One reading of vitals.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Vitals {
    pub at: ZonedTime,
    pub systolic: Option<f64>,
    pub diastolic: Option<f64>,
    pub heart_rate: Option<f64>,
    pub spo2: Option<f64>,
}

/// One participant's row of the grid.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct GridRow {
    #[ts(type = "string")]
    pub arc_id: Uuid,
    #[ts(type = "string")]
    pub participant_id: Uuid,
    pub participant_name: String,
    #[ts(type = "string")]
    pub session_id: Uuid,
    pub session_status: SessionStatus,
    pub scheduled: ZonedTime,
    /// The session's record; `null` until the day is opened.
    #[ts(type = "string | null")]
    pub document_id: Option<Uuid>,
    pub signed: bool,
    /// The substances given and their total, from the record's doses.
    pub substance: Option<String>,
    pub dose_mg: Option<f64>,
    pub first_dose: Option<ZonedTime>,
    pub last_vitals: Option<Vitals>,
    pub observations: u32,
    pub adverse_events: u32,
    /// Adverse events with follow-up owed.
    pub adverse_open: u32,
    /// The required answers the record still lacks (what ending the day would stop at), but for
    /// the session's start and end, which ending the day fills from the first dose and the end time.
    pub missing: Vec<String>,
    /// Why this row needs attention now, in words; empty when it does not.
    pub attention: Vec<String>,
}

/// The group dosing day.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct DosingDay {
    pub retreat: Retreat,
    /// The local day, `YYYY-MM-DD`.
    pub day: String,
    pub rows: Vec<GridRow>,
    /// The largest total dose given to anyone so far today, in mg.
    pub largest_dose_mg: Option<f64>,
    /// How many have been given a dose.
    pub dosed: u32,
    /// Oregon's clients per facilitator at the largest dose (OAR 333-333-5230); `null` before any dose or above 50 mg.
    pub clients_per_facilitator: Option<u32>,
    /// The ratio warning, naming the rule, when the facilitators present are too few.
    pub ratio_warning: Option<String>,
}

fn entries<'a>(answers: &'a Map<String, Value>, keys: &[&str]) -> Vec<&'a Map<String, Value>> {
    keys.iter().filter_map(|k| answers.get(*k)?.as_array()).flatten().filter_map(Value::as_object).collect()
}

fn at(e: &Map<String, Value>) -> Option<DateTime<Utc>> {
    e.get("at")?.as_str().and_then(|s| from_db(s).ok())
}

fn yes(e: &Map<String, Value>, key: &str) -> bool {
    e.get(key).and_then(|v| v.get("yes")).and_then(Value::as_bool) == Some(true)
}

/// What one record's answers say, for its row.
struct Read {
    substance: Option<String>,
    dose_mg: Option<f64>,
    first_dose: Option<DateTime<Utc>>,
    last_vitals: Option<(DateTime<Utc>, [Option<f64>; 4])>,
    observations: u32,
    adverse_events: u32,
    adverse_open: u32,
}

fn read_answers(answers: &Map<String, Value>) -> Read {
    let (substance, dose_mg) = document::doses(answers);
    let first_dose = entries(answers, &["doses", "products"]).into_iter().filter_map(at).min();
    let last_vitals = entries(answers, &["vitals"]).into_iter().filter_map(|e| {
        let n = |k: &str| e.get(k).and_then(Value::as_f64);
        at(e).map(|t| (t, [n("systolic"), n("diastolic"), n("heart_rate"), n("spo2")]))
    });
    let last_vitals = last_vitals.max_by_key(|(t, _)| *t);
    let adverse = entries(answers, &["adverse_events"]);
    Read {
        substance,
        dose_mg,
        first_dose,
        last_vitals,
        observations: entries(answers, &["observations"]).len() as u32,
        adverse_events: adverse.len() as u32,
        adverse_open: adverse.iter().filter(|e| yes(e, "follow_up_owed")).count() as u32,
    }
}

/// The grid of `retreat` on the local `day`, as it stands at `now`.
pub(crate) fn read(conn: &Connection, retreat: Uuid, day: NaiveDate, now: DateTime<Utc>) -> Result<DosingDay> {
    let retreat = get(conn, retreat)?;
    let profile = profile::load(conn)?;
    let (zone, tz) = (profile.zone()?, profile.timezone.as_str());
    let mut stmt = conn.prepare_cached(
        "SELECT s.id, s.arc_id, a.participant_id, p.name, s.status, s.scheduled_at, s.scheduled_tz
         FROM session s JOIN arc a ON a.id = s.arc_id JOIN participant p ON p.id = a.participant_id
         WHERE s.retreat_id = ?1 AND s.kind = 'administration' AND s.status IN ('scheduled', 'completed')
           AND s.scheduled_at >= ?2 AND s.scheduled_at < ?3
         ORDER BY p.name, s.id",
    )?;
    let sessions: Vec<(Uuid, Uuid, Uuid, String, SessionStatus, ZonedTime)> = stmt
        .query_map([retreat.id.to_string(), to_db(at_start_of_day(day, zone)), to_db(end_of_day(day, zone))], |r| {
            Ok((
                id_from_db(&r.get::<_, String>(0)?)?,
                id_from_db(&r.get::<_, String>(1)?)?,
                id_from_db(&r.get::<_, String>(2)?)?,
                r.get(3)?,
                r.get(4)?,
                ZonedTime::from_db(&r.get::<_, String>(5)?, &r.get::<_, String>(6)?)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let z = |t: DateTime<Utc>| ZonedTime::new(t, tz);
    let mut rows = Vec::with_capacity(sessions.len());
    for (session_id, arc_id, participant_id, participant_name, session_status, scheduled) in sessions {
        let doc = document::linked(conn, Link::Session(session_id))?;
        let (document_id, signed, read, missing) = match doc {
            Some(d) => {
                let (d, answers) = document::with_answers(conn, d.id)?;
                // Ending the day fills the session's start (its first dose) and end.
                let missing = document::missing_required(conn, &d, &answers, &["session_start", "session_end"])?;
                (Some(d.id), d.state == document::DocState::Signed, read_answers(&answers), missing)
            }
            None => (None, false, read_answers(&Map::new()), Vec::new()),
        };
        let mut attention = Vec::new();
        if read.adverse_open > 0 {
            attention.push(format!("{} adverse event(s) with follow-up owed", read.adverse_open));
        } else if read.adverse_events > 0 {
            attention.push(format!("{} adverse event(s) recorded", read.adverse_events));
        }
        if session_status == SessionStatus::Scheduled && read.first_dose.is_some_and(|d| d <= now) {
            let since = read.last_vitals.map(|(t, _)| t).or(read.first_dose).unwrap_or(now);
            let stale = now - since;
            if stale > Duration::minutes(VITALS_EVERY_MINUTES) {
                attention.push(match read.last_vitals {
                    Some(_) => format!("no vitals for {} min", stale.num_minutes()),
                    None => format!("dosed {} min ago, no vitals yet", stale.num_minutes()),
                });
            }
        }
        rows.push(GridRow {
            arc_id,
            participant_id,
            participant_name,
            session_id,
            session_status,
            scheduled,
            document_id,
            signed,
            substance: read.substance,
            dose_mg: read.dose_mg,
            first_dose: read.first_dose.map(z),
            last_vitals: read.last_vitals.map(|(t, [systolic, diastolic, heart_rate, spo2])| Vitals {
                at: z(t),
                systolic,
                diastolic,
                heart_rate,
                spo2,
            }),
            observations: read.observations,
            adverse_events: read.adverse_events,
            adverse_open: read.adverse_open,
            missing,
            attention,
        });
    }
    let doses: Vec<f64> = rows.iter().filter_map(|r| r.dose_mg).collect();
    let largest = doses.iter().copied().reduce(f64::max);
    let dosed = doses.len() as u32;
    let (per, warning) = match largest {
        Some(mg) => (oregon::clients_per_facilitator(mg), oregon::ratio_warning(mg, dosed, retreat.facilitators)),
        None => (None, None),
    };
    Ok(DosingDay {
        retreat,
        day: day.to_string(),
        rows,
        largest_dose_mg: largest,
        dosed,
        clients_per_facilitator: per,
        ratio_warning: warning,
    })
}

impl Retreats<'_> {
    /// The group dosing day's grid, read only.
    pub fn grid(self, retreat: Uuid, day: &str, now: DateTime<Utc>) -> Result<DosingDay> {
        let day = parse_date(day)?;
        self.practice.read(|conn| read(conn, retreat, day, now))
    }

    /// Opens the group dosing day: every session of the day still scheduled gets its record (a
    /// draft of the administration record) if it has none, then the grid.
    pub fn open_day(self, retreat: Uuid, day: &str, now: DateTime<Utc>) -> Result<DosingDay> {
        let parsed = parse_date(day)?;
        let grid = self.practice.read(|conn| read(conn, retreat, parsed, now))?;
        let without: Vec<Uuid> = grid
            .rows
            .iter()
            .filter(|r| r.document_id.is_none() && r.session_status == SessionStatus::Scheduled)
            .map(|r| r.session_id)
            .collect();
        if without.is_empty() {
            return Ok(grid);
        }
        for session in without {
            self.practice.documents().for_session(session, None, now)?;
        }
        self.practice.read(|conn| read(conn, retreat, parsed, now))
    }
}

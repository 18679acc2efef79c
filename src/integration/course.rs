//! One reading of how the follow-up went for every arc in a cohort: its check-ins (due when, what
//! became of them, from which plan step), when it was first dosed and when it reached completion.
//! The engagement figures, the per-step timelines and the predictors' facts are all counted from
//! it, so the Outcomes screen (`insight`) reads the check-ins once, along one index
//! (`checkin_course`), instead of once per figure.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;
use uuid::Uuid;

use super::cohort::{ArcTraits, CohortFilter};
use super::schedule::{Offset, OffsetUnit};
use super::status::{end_of_day, local_day};
use crate::Result;
use crate::domain::time::from_db;
use crate::domain::{bytes, bytes_or_null, id_from_bytes, id_from_db, text};
use crate::store::time::from_db_bytes;

/// What became of a check-in, for the practice figures.
pub(super) enum Fate {
    /// Done: whether by the end of its local due day, and how many days after its due time.
    Done {
        on_day: bool,
        late_days: f64,
    },
    Skipped,
    /// Still due after its day.
    Overdue,
    /// Its day has not ended (or it was skipped before it did): it could not have been done yet.
    NotYet,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Status {
    Due,
    Completed,
    Skipped,
}

/// One check-in of an arc in the cohort.
pub(super) struct Held {
    pub arc: Uuid,
    pub due: DateTime<Utc>,
    /// Its local due day (the facilitator's zone).
    pub day: NaiveDate,
    /// The first instant after that day.
    day_end: DateTime<Utc>,
    pub status: Status,
    /// When the contact happened, or when it was skipped.
    pub resolved: Option<DateTime<Utc>>,
    /// The plan step's offset it was queued from; `None` for one added by hand.
    pub step: Option<Offset>,
}

pub(super) fn days(d: chrono::TimeDelta) -> f64 {
    d.num_seconds() as f64 / 86_400.0
}

impl Held {
    /// Its fate at `now`; the one definition the engagement figures and the timelines share.
    pub fn fate(&self, now: DateTime<Utc>) -> Fate {
        match (self.status, self.resolved) {
            (Status::Completed, Some(at)) => Fate::Done { on_day: at < self.day_end, late_days: days(at - self.due) },
            (Status::Skipped, _) if self.day_end <= now => Fate::Skipped,
            (Status::Due, _) if self.day_end <= now => Fate::Overdue,
            _ => Fate::NotYet,
        }
    }
}

/// Every check-in's course, arc by arc.
pub(super) const CHECKINS: &str = "SELECT arc_id, due_at, status, resolved_at, offset_amount, offset_unit, step
     FROM checkin INDEXED BY checkin_course ORDER BY arc_id, due_at";
/// Each arc's first completed administration session's end.
pub(super) const DOSED: &str = "SELECT arc_id, min(ended_at) FROM session INDEXED BY session_dosed
     WHERE kind = 'administration' AND status = 'completed' GROUP BY arc_id";
/// When each arc first entered completion.
pub(super) const COMPLETED: &str = "SELECT arc_id, min(at) FROM arc_event INDEXED BY arc_event_completion
     WHERE to_phase = 'completion' GROUP BY arc_id";

/// The follow-up of every arc in a cohort.
pub(super) struct Course {
    pub zone: Tz,
    /// The cohort: the arcs the filter selects (its date range aside), with their traits.
    pub arcs: BTreeMap<Uuid, ArcTraits>,
    /// Their check-ins, arc by arc, each arc's in due order.
    pub checkins: Vec<Held>,
    /// The end of each arc's first completed administration session.
    pub dosed: HashMap<Uuid, DateTime<Utc>>,
    /// When each arc first entered completion.
    pub completed: HashMap<Uuid, DateTime<Utc>>,
}

impl Course {
    pub fn load(conn: &Connection, arcs: BTreeMap<Uuid, ArcTraits>, zone: Tz) -> Result<Course> {
        let checkins = checkins(conn, |id| arcs.contains_key(id), zone)?;
        let (dosed, completed) = firsts(conn, |id| arcs.contains_key(id))?;
        Ok(Course { zone, arcs, checkins, dosed, completed })
    }

    /// Whether a day falls in the filter's date range.
    pub fn in_range(filter: &CohortFilter, day: NaiveDate) -> bool {
        filter.from.is_none_or(|f| day >= f) && filter.to.is_none_or(|t| day <= t)
    }

    /// The local day of an instant, in the facilitator's zone.
    pub fn day(&self, at: DateTime<Utc>) -> NaiveDate {
        local_day(at, self.zone)
    }
}

/// The check-ins of the arcs `keep` wants, arc by arc, each arc's in due order.
pub(super) fn checkins(conn: &Connection, keep: impl Fn(&Uuid) -> bool, zone: Tz) -> Result<Vec<Held>> {
    let mut out = Vec::new();
    let mut ends: HashMap<NaiveDate, DateTime<Utc>> = HashMap::new();
    // Rows come in arc order (the index's): each arc's id is parsed and looked up once. The
    // columns are borrowed as bytes: ids, states and instants are ASCII, and each is checked as it
    // is parsed (130,000 rows in a large practice; UTF-8 checks were a twentieth of the reading).
    let mut current: Option<(Vec<u8>, Option<Uuid>)> = None;
    let mut stmt = conn.prepare_cached(CHECKINS)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let arc_bytes = bytes(r, 0)?;
        if current.as_ref().is_none_or(|(b, _)| b.as_slice() != arc_bytes) {
            let id = id_from_bytes(arc_bytes)?;
            current = Some((arc_bytes.to_owned(), keep(&id).then_some(id)));
        }
        let Some((_, Some(arc))) = current else { continue };
        let due = from_db_bytes(bytes(r, 1)?)?;
        let status = match bytes(r, 2)? {
            b"completed" => Status::Completed,
            b"skipped" => Status::Skipped,
            _ => Status::Due,
        };
        let resolved = bytes_or_null(r, 3)?.map(from_db_bytes).transpose()?;
        let step = match (r.get::<_, Option<u32>>(4)?, r.get::<_, Option<OffsetUnit>>(5)?, r.get::<_, Option<u32>>(6)?)
        {
            (Some(amount), Some(unit), Some(_)) => Some(Offset { amount, unit }),
            _ => None,
        };
        let day = local_day(due, zone);
        let day_end = *ends.entry(day).or_insert_with(|| end_of_day(day, zone));
        out.push(Held { arc, due, day, day_end, status, resolved, step });
    }
    Ok(out)
}

/// When each arc `keep` wants was first dosed, and when it first entered completion.
pub(super) type Firsts = (HashMap<Uuid, DateTime<Utc>>, HashMap<Uuid, DateTime<Utc>>);

pub(super) fn firsts(conn: &Connection, keep: impl Fn(&Uuid) -> bool) -> Result<Firsts> {
    let first = |sql: &str| -> Result<HashMap<Uuid, DateTime<Utc>>> {
        let mut stmt = conn.prepare_cached(sql)?;
        let mut out = HashMap::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id = id_from_db(text(r, 0)?)?;
            if keep(&id) {
                out.insert(id, from_db(text(r, 1)?)?);
            }
        }
        Ok(out)
    };
    Ok((first(DOSED)?, first(COMPLETED)?))
}

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
use crate::domain::{IdRuns, bytes};
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

/// Every check-in's course, arc by arc, in the numbers schema 0018 computes from each row: its due
/// time and what became of it in Unix seconds, its plan step's offset as one code.
pub(super) const CHECKINS: &str = "SELECT arc_id, course_due, course_fate, course_step
     FROM checkin INDEXED BY checkin_course ORDER BY arc_id, course_due";
/// Each arc's completed administration sessions' ends, the first first (an ordered walk and the
/// first row of each arc kept costs half of SQLite's `min() … GROUP BY`).
pub(super) const DOSED: &str = "SELECT arc_id, ended_at FROM session INDEXED BY session_dosed
     WHERE kind = 'administration' AND status = 'completed' ORDER BY arc_id, ended_at";
/// When each arc entered completion, the first first.
pub(super) const COMPLETED: &str = "SELECT arc_id, at FROM arc_event INDEXED BY arc_event_completion
     WHERE to_phase = 'completion' ORDER BY arc_id, at";

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

/// A course column SQLite could not compute from its row (a stored time it cannot read): the row is
/// damaged, and the reading says which column.
fn unreadable(column: usize, what: &'static str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, rusqlite::types::Type::Integer, what.into())
}

/// An instant from whole Unix seconds, as `course_due` and `course_fate` hold them.
fn from_seconds(column: usize, s: i64) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::from_timestamp(s, 0).ok_or_else(|| unreadable(column, "a check-in's time is out of range"))
}

/// A plan step's offset from `course_step`: the amount times 4 plus the unit.
fn step_of(code: i64) -> rusqlite::Result<Offset> {
    let unit = match code & 3 {
        0 => OffsetUnit::Hours,
        1 => OffsetUnit::Days,
        2 => OffsetUnit::Weeks,
        _ => OffsetUnit::Months,
    };
    let amount = u32::try_from(code >> 2).map_err(|_| unreadable(3, "a check-in's step offset is out of range"))?;
    Ok(Offset { amount, unit })
}

/// The check-ins of the arcs `keep` wants, arc by arc, each arc's in due order.
pub(super) fn checkins(conn: &Connection, keep: impl Fn(&Uuid) -> bool, zone: Tz) -> Result<Vec<Held>> {
    let mut out = Vec::new();
    let mut ends: HashMap<NaiveDate, DateTime<Utc>> = HashMap::new();
    // Rows come in arc order (the index's): each arc's id is parsed and looked up once, borrowed
    // as bytes (130,000 rows in a large practice; UTF-8 checks were a twentieth of the reading).
    let (mut runs, mut wanted) = (IdRuns::default(), false);
    let mut stmt = conn.prepare_cached(CHECKINS)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (arc, begins) = runs.next(bytes(r, 0)?)?;
        if begins {
            wanted = keep(&arc);
        }
        if !wanted {
            continue;
        }
        // A due time SQLite cannot read as an instant comes as NULL: that row is damaged.
        let due = r.get::<_, Option<i64>>(1)?.ok_or_else(|| unreadable(1, "a check-in's due time is not a time"))?;
        let due = from_seconds(1, due)?;
        let (status, resolved) = match r.get::<_, Option<i64>>(2)? {
            None => (Status::Due, None),
            Some(fate) => {
                let status = if fate & 1 == 1 { Status::Skipped } else { Status::Completed };
                (status, Some(from_seconds(2, fate >> 1)?))
            }
        };
        let step = r.get::<_, Option<i64>>(3)?.map(step_of).transpose()?;
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
        let mut runs = IdRuns::default();
        while let Some(r) = rows.next()? {
            // Each arc's first row is its earliest; the rest of its run is passed over unread.
            let (arc, begins) = runs.next(bytes(r, 0)?)?;
            if begins && keep(&arc) {
                out.insert(arc, from_db_bytes(bytes(r, 1)?)?);
            }
        }
        Ok(out)
    };
    Ok((first(DOSED)?, first(COMPLETED)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The schema alone: the check-ins' arc and notes are not there (foreign keys off).
    fn conn() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        for sql in crate::store::migrate::MIGRATION_SQL {
            conn.execute_batch(sql).unwrap();
        }
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        conn
    }

    fn add(
        conn: &Connection,
        id: &str,
        due_at: &str,
        status: &str,
        resolved_at: Option<&str>,
        step: Option<(u32, &str)>,
    ) {
        conn.execute(
            "INSERT INTO checkin (id, arc_id, series, step, offset_amount, offset_unit, purpose, prompts, due_at, due_tz,
                 status, resolved_at, note_id, skip_reason, created_at)
             VALUES (?1, '0b1f5a4e-7c1d-4d8e-9a37-5d2c1e8f9a01', 1, ?2, ?3, ?4, 'p', '[]', ?5, 'Europe/Berlin', ?6, ?7,
                 CASE ?6 WHEN 'completed' THEN 'n' END, CASE ?6 WHEN 'skipped' THEN 'closed early' END,
                 '2026-01-01T00:00:00.000Z')",
            rusqlite::params![id, step.map(|_| 1), step.map(|s| s.0), step.map(|s| s.1), due_at, status, resolved_at],
        )
        .unwrap();
    }

    /// What schema 0018's numbers say comes back as the row said it: each fate, each unit, a
    /// check-in added by hand, and the local day in the facilitator's zone.
    #[test]
    fn a_courses_numbers_read_back_as_the_rows_they_come_from() {
        let conn = conn();
        add(&conn, "a", "2026-03-01T23:30:00.000Z", "completed", Some("2026-03-02T10:15:30.250Z"), Some((72, "hours")));
        add(&conn, "b", "2026-03-08T09:00:00.000Z", "skipped", Some("2026-03-09T08:00:00.000Z"), Some((1, "weeks")));
        add(&conn, "c", "2026-04-01T09:00:00.000Z", "due", None, Some((3, "months")));
        add(&conn, "d", "2026-03-03T09:00:00.000Z", "due", None, None);
        add(&conn, "e", "2026-03-04T09:00:00.000Z", "due", None, Some((10, "days")));
        let held = checkins(&conn, |_| true, chrono_tz::Europe::Berlin).unwrap();
        let got: Vec<_> = held
            .iter()
            .map(|h| (h.due.to_rfc3339(), h.day.to_string(), h.status, h.resolved.map(|r| r.to_rfc3339()), h.step))
            .collect();
        let at = |s: &str| Some(s.to_owned());
        let step = |amount, unit| Some(Offset { amount, unit });
        assert_eq!(
            got,
            [
                // 23:30 UTC is the next day in Berlin; the contact's milliseconds are dropped.
                (
                    "2026-03-01T23:30:00+00:00".into(),
                    "2026-03-02".into(),
                    Status::Completed,
                    at("2026-03-02T10:15:30+00:00"),
                    step(72, OffsetUnit::Hours)
                ),
                ("2026-03-03T09:00:00+00:00".into(), "2026-03-03".into(), Status::Due, None, None),
                (
                    "2026-03-04T09:00:00+00:00".into(),
                    "2026-03-04".into(),
                    Status::Due,
                    None,
                    step(10, OffsetUnit::Days)
                ),
                (
                    "2026-03-08T09:00:00+00:00".into(),
                    "2026-03-08".into(),
                    Status::Skipped,
                    at("2026-03-09T08:00:00+00:00"),
                    step(1, OffsetUnit::Weeks)
                ),
                (
                    "2026-04-01T09:00:00+00:00".into(),
                    "2026-04-01".into(),
                    Status::Due,
                    None,
                    step(3, OffsetUnit::Months)
                ),
            ]
        );
    }

    /// A due time SQLite cannot read (a crafted or damaged row) is refused with what is wrong, not
    /// read as some other time.
    #[test]
    fn a_due_time_that_is_not_a_time_is_refused() {
        let conn = conn();
        add(&conn, "a", "next tuesday", "due", None, None);
        let e = checkins(&conn, |_| true, chrono_tz::UTC).err().unwrap();
        assert!(e.to_string().contains("a check-in's due time is not a time"), "{e}");
    }
}

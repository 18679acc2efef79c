//! How the follow-up work goes, practice-wide: how many check-ins are completed (and on their
//! day), how late the rest come, and how long arcs take from the dosing session to completion.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::Integration;
use super::cohort::{self, CohortFilter};
use super::status::{end_of_day, local_day};
use crate::Result;
use crate::domain::id_from_db;
use crate::domain::time::from_db;
use crate::stats::{Rate, round};

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Engagement {
    /// Check-ins in the range that were completed, or whose due day has ended: the ones that
    /// could have been done (a check-in skipped before its day — an arc closed early — is not).
    pub checkins: u32,
    pub completed: u32,
    /// Completed by the end of their local due day.
    pub completed_on_time: u32,
    pub skipped: u32,
    /// Still due after their day.
    pub overdue: u32,
    /// `completed / checkins`, with its 95 % interval; no value below `stats::MIN_N`.
    pub completion_rate: Rate,
    pub on_time_rate: Rate,
    /// The median of (contact − due time) over the completed ones, in days (negative: early).
    pub median_days_from_due: Option<f64>,
    /// Arcs whose first dosing session ended in the range.
    pub arcs_dosed: u32,
    /// … of which have reached completion.
    pub arcs_completed: u32,
    /// The median days from that session's end to the arc's completion.
    pub median_days_to_completion: Option<f64>,
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    let m = if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 };
    Some(round(m, 1))
}

fn days(d: chrono::TimeDelta) -> f64 {
    d.num_seconds() as f64 / 86_400.0
}

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

/// A check-in's fate from its stored due time, status and contact time; the one definition the
/// engagement figures and the per-step timelines share.
pub(super) fn fate(
    due: DateTime<Utc>,
    status: &str,
    resolved: Option<&str>,
    zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<Fate> {
    let day_end = end_of_day(local_day(due, zone), zone);
    Ok(match (status, resolved) {
        ("completed", Some(at)) => {
            let at = from_db(at)?;
            Fate::Done { on_day: at < day_end, late_days: days(at - due) }
        }
        ("skipped", _) if day_end <= now => Fate::Skipped,
        ("due", _) if day_end <= now => Fate::Overdue,
        _ => Fate::NotYet,
    })
}

impl Integration<'_> {
    /// Check-in completion and time to completion over the arcs `filter` selects; the date range
    /// applies to each check-in's due day and to each arc's first dosing session.
    pub fn engagement(self, filter: &CohortFilter, now: DateTime<Utc>) -> Result<Engagement> {
        let zone = self.practice.facilitator().profile()?.zone()?;
        let in_range = |at: DateTime<Utc>| {
            let day = local_day(at, zone);
            filter.from.is_none_or(|f| day >= f) && filter.to.is_none_or(|t| day <= t)
        };
        self.practice.read(|conn| {
            let arcs = cohort::arcs(conn, filter)?;
            let mut stmt = conn.prepare("SELECT arc_id, due_at, status, resolved_at FROM checkin")?;
            let rows: Vec<(String, String, String, Option<String>)> = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let (mut n, mut done, mut on_time, mut skipped, mut overdue, mut from_due) = (0, 0, 0, 0, 0, Vec::new());
            for (arc, due, status, resolved) in rows {
                let due = from_db(&due)?;
                if !arcs.contains_key(&id_from_db(&arc)?) || !in_range(due) {
                    continue;
                }
                match fate(due, &status, resolved.as_deref(), zone, now)? {
                    Fate::Done { on_day, late_days } => {
                        (n, done) = (n + 1, done + 1);
                        on_time += u32::from(on_day);
                        from_due.push(late_days);
                    }
                    Fate::Skipped => (n, skipped) = (n + 1, skipped + 1),
                    Fate::Overdue => (n, overdue) = (n + 1, overdue + 1),
                    Fate::NotYet => {}
                }
            }
            let mut stmt = conn.prepare(
                "SELECT a.id, (SELECT min(ended_at) FROM session s
                               WHERE s.arc_id = a.id AND s.kind = 'administration' AND s.status = 'completed'),
                        (SELECT min(at) FROM arc_event e WHERE e.arc_id = a.id AND e.to_phase = 'completion')
                 FROM arc a",
            )?;
            let rows: Vec<(String, Option<String>, Option<String>)> =
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<rusqlite::Result<_>>()?;
            let (mut dosed, mut to_completion) = (0, Vec::new());
            for (arc, dosed_at, completed_at) in rows {
                let Some(dosed_at) = dosed_at.as_deref().map(from_db).transpose()? else { continue };
                if !arcs.contains_key(&id_from_db(&arc)?) || !in_range(dosed_at) {
                    continue;
                }
                dosed += 1;
                if let Some(at) = completed_at.as_deref().map(from_db).transpose()? {
                    to_completion.push(days(at - dosed_at));
                }
            }
            Ok(Engagement {
                checkins: n,
                completed: done,
                completed_on_time: on_time,
                skipped,
                overdue,
                completion_rate: Rate::of(done as usize, n as usize),
                on_time_rate: Rate::of(on_time as usize, n as usize),
                median_days_from_due: median(from_due),
                arcs_dosed: dosed,
                arcs_completed: to_completion.len() as u32,
                median_days_to_completion: median(to_completion),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, -1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}

//! How the follow-up work goes, practice-wide: how many check-ins are completed (and on their
//! day), how late the rest come, and how long arcs take from the dosing session to completion.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::Integration;
use super::cohort::{self, CohortFilter};
use super::course::{Course, Fate, days};
use crate::Result;
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

impl Engagement {
    /// The figures over a course read; the filter's date range applies to each check-in's due day
    /// and to each arc's first dosing session.
    pub(super) fn of(course: &Course, filter: &CohortFilter, now: DateTime<Utc>) -> Engagement {
        let (mut n, mut done, mut on_time, mut skipped, mut overdue, mut from_due) = (0, 0, 0, 0, 0, Vec::new());
        for c in course.checkins.iter().filter(|c| Course::in_range(filter, c.day)) {
            match c.fate(now) {
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
        let (mut dosed, mut to_completion) = (0, Vec::new());
        for (arc, dosed_at) in &course.dosed {
            if !Course::in_range(filter, course.day(*dosed_at)) {
                continue;
            }
            dosed += 1;
            if let Some(at) = course.completed.get(arc) {
                to_completion.push(days(*at - *dosed_at));
            }
        }
        Engagement {
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
        }
    }
}

impl Integration<'_> {
    /// Check-in completion and time to completion over the arcs `filter` selects; the date range
    /// applies to each check-in's due day and to each arc's first dosing session.
    pub fn engagement(self, filter: &CohortFilter, now: DateTime<Utc>) -> Result<Engagement> {
        let zone = self.practice.facilitator().profile()?.zone()?;
        self.practice
            .read(|conn| Ok(Engagement::of(&Course::load(conn, cohort::arcs(conn, filter)?, zone)?, filter, now)))
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

//! What timelines are realistic: per plan and step, how many of its check-ins are done, on their
//! day or late by how much, and where a step is usually late, a suggestion to move it, or to keep
//! it and expect the lateness.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use statrs::statistics::{Data, Median, OrderStatistics};
use ts_rs::TS;
use uuid::Uuid;

use rusqlite::Connection;

use super::Integration;
use super::cohort::{self, CohortFilter};
use super::course::{Course, Fate};
use super::plan::{self, nominal_hours};
use super::schedule::{Offset, OffsetUnit};
use crate::Result;
use crate::stats::{MIN_N, Rate, round};

/// Quartiles of a list of days, to 0.1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Quartiles {
    pub q1: f64,
    pub median: f64,
    pub q3: f64,
}

/// A step the facilitator could move to where its check-ins are held.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StepSuggestion {
    /// The offset that would match the median contact; `null` where the unit cannot say it
    /// (a month step held a few days late): then the advice is to expect it.
    pub offset: Option<Offset>,
    pub text: String,
}

/// One step of one plan, over the check-ins queued from it that could have been done.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct StepTimeline {
    #[ts(type = "string")]
    pub plan_id: Uuid,
    pub plan: String,
    /// Its position in the plan now (1 = the first step); `null` for an offset the plan no longer has.
    pub step: Option<u32>,
    pub offset: Offset,
    pub label: String,
    /// Check-ins that could have been done: completed, or past their local due day.
    pub checkins: u32,
    pub completed: Rate,
    /// Completed by the end of their local due day.
    pub on_day: Rate,
    pub skipped: Rate,
    /// Days from due time to contact, over the completed ones (negative: early); `null` below
    /// `MIN_N` completed.
    pub lateness_days: Option<Quartiles>,
    pub suggestion: Option<StepSuggestion>,
}

/// "1 day", "1.5 days".
pub(super) fn in_days(x: f64) -> String {
    if x == 1.0 { "1 day".into() } else { format!("{x} days") }
}

fn quartiles(xs: &[f64]) -> Option<Quartiles> {
    if xs.len() < MIN_N as usize {
        return None;
    }
    let mut d = Data::new(xs.to_vec());
    Some(Quartiles { q1: round(d.lower_quartile(), 1), median: round(d.median(), 1), q3: round(d.upper_quartile(), 1) })
}

/// The step's offset moved by `late` days, in its own unit where that can say it.
fn moved(o: Offset, late: f64) -> Option<Offset> {
    let (amount, unit) = match o.unit {
        OffsetUnit::Hours => (f64::from(o.amount) + late * 24.0, OffsetUnit::Hours),
        OffsetUnit::Days => (f64::from(o.amount) + late, OffsetUnit::Days),
        OffsetUnit::Weeks if late.abs() >= 3.5 => (f64::from(o.amount) + late / 7.0, OffsetUnit::Weeks),
        OffsetUnit::Weeks => (f64::from(o.amount) * 7.0 + late, OffsetUnit::Days),
        OffsetUnit::Months if late.abs() >= 15.0 => (f64::from(o.amount) + late / 30.44, OffsetUnit::Months),
        OffsetUnit::Months => return None,
    };
    let amount = amount.round();
    (amount >= 1.0 && amount <= f64::from(u32::MAX))
        .then(|| Offset::new(amount as u32, unit).ok())
        .flatten()
        .filter(|n| *n != o)
}

/// "72-hour", "1-week": a step's offset as it reads before "check-ins".
fn adjective(o: Offset) -> String {
    let unit = match o.unit {
        OffsetUnit::Hours => "hour",
        OffsetUnit::Days => "day",
        OffsetUnit::Weeks => "week",
        OffsetUnit::Months => "month",
    };
    format!("{}-{unit}", o.amount)
}

/// Where at least `MIN_N` were completed and they are held a day or more late at the median.
fn suggestion(o: Offset, late: Option<Quartiles>) -> Option<StepSuggestion> {
    let q = late?;
    if q.median < 1.0 {
        return None;
    }
    let held_on = (f64::from(nominal_hours(o)) / 24.0 + q.median).round();
    let label = adjective(o);
    let offset = moved(o, q.median);
    let text = match offset {
        Some(n) => format!(
            "your {label} check-ins are held on day {held_on} at the median, {} late (half of them between {} and {}): move the step to {}, or keep it and expect it",
            in_days(q.median),
            q.q1,
            q.q3,
            n.label()
        ),
        None => format!(
            "your {label} check-ins are held {} late at the median (half of them between {} and {}): keep the step and expect it",
            in_days(q.median),
            q.q1,
            q.q3
        ),
    };
    Some(StepSuggestion { offset, text })
}

#[derive(Default)]
struct Tally {
    n: usize,
    done: usize,
    on_day: usize,
    skipped: usize,
    late: Vec<f64>,
}

/// Per plan and step, over a course read; the filter's date range applies to the due day.
pub(super) fn of(
    conn: &Connection,
    course: &Course,
    filter: &CohortFilter,
    now: DateTime<Utc>,
) -> Result<Vec<StepTimeline>> {
    finish(conn, tally(course, filter, now))
}

/// Each plan step's check-ins counted, by plan, the step's length and amount.
pub(super) struct Tallies(BTreeMap<(Uuid, u32, u32), (Offset, Tally)>);

/// The counting part of `of`: the course alone, no reads (the insight view runs it beside its reads).
pub(super) fn tally(course: &Course, filter: &CohortFilter, now: DateTime<Utc>) -> Tallies {
    let mut tallies: BTreeMap<(Uuid, u32, u32), (Offset, Tally)> = BTreeMap::new();
    // Arc by arc (a course holds them so): each arc's plan is looked up once.
    let runs = course.checkins.chunk_by(|a, b| a.arc == b.arc);
    let steps = runs.flat_map(|run| {
        let plan_id = course.arcs.get(&run[0].arc).map(|t| t.plan_id);
        run.iter().filter_map(move |c| Some((plan_id?, c, c.step?)))
    });
    for (plan_id, c, offset) in steps.filter(|(_, c, _)| Course::in_range(filter, c.day)) {
        let key = (plan_id, nominal_hours(offset), offset.amount);
        let (_, t) = tallies.entry(key).or_insert_with(|| (offset, Tally::default()));
        match c.fate(now) {
            Fate::Done { on_day, late_days } => {
                (t.n, t.done) = (t.n + 1, t.done + 1);
                t.on_day += usize::from(on_day);
                t.late.push(late_days);
            }
            Fate::Skipped => (t.n, t.skipped) = (t.n + 1, t.skipped + 1),
            Fate::Overdue => t.n += 1,
            Fate::NotYet => {}
        }
    }
    Tallies(tallies)
}

/// The timelines of counted steps, each named by its plan.
pub(super) fn finish(conn: &Connection, Tallies(tallies): Tallies) -> Result<Vec<StepTimeline>> {
    let mut plans: BTreeMap<Uuid, plan::Plan> = BTreeMap::new();
    let mut out = Vec::new();
    for ((plan_id, _, _), (offset, t)) in tallies {
        if t.n == 0 {
            continue;
        }
        if let std::collections::btree_map::Entry::Vacant(slot) = plans.entry(plan_id) {
            slot.insert(plan::get(conn, plan_id)?);
        }
        let p = &plans[&plan_id];
        let step = p.steps.iter().position(|s| s.offset == offset).and_then(|i| u32::try_from(i + 1).ok());
        let lateness_days = quartiles(&t.late);
        out.push(StepTimeline {
            plan_id: p.id,
            plan: p.name.clone(),
            step,
            offset,
            label: offset.label(),
            checkins: u32::try_from(t.n).unwrap_or(u32::MAX),
            completed: Rate::of(t.done, t.n),
            on_day: Rate::of(t.on_day, t.n),
            skipped: Rate::of(t.skipped, t.n),
            lateness_days,
            suggestion: step.and(suggestion(offset, lateness_days)),
        });
    }
    out.sort_by(|a, b| a.plan.cmp(&b.plan).then(nominal_hours(a.offset).cmp(&nominal_hours(b.offset))));
    Ok(out)
}

impl Integration<'_> {
    /// Per plan and step, over the arcs `filter` selects; its date range applies to the due day.
    pub fn timelines(self, filter: &CohortFilter, now: DateTime<Utc>) -> Result<Vec<StepTimeline>> {
        let zone = self.practice.facilitator().profile()?.zone()?;
        self.practice.read(|conn| of(conn, &Course::load(conn, cohort::arcs(conn, filter)?, zone)?, filter, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(amount: u32, unit: OffsetUnit) -> Offset {
        Offset { amount, unit }
    }

    #[test]
    fn a_late_step_moves_in_its_own_unit_where_it_can() {
        assert_eq!(moved(o(72, OffsetUnit::Hours), 1.0), Some(o(96, OffsetUnit::Hours)));
        assert_eq!(moved(o(3, OffsetUnit::Days), 1.4), Some(o(4, OffsetUnit::Days)));
        assert_eq!(moved(o(1, OffsetUnit::Weeks), 2.0), Some(o(9, OffsetUnit::Days)), "two days: said in days");
        assert_eq!(moved(o(2, OffsetUnit::Weeks), 7.0), Some(o(3, OffsetUnit::Weeks)));
        assert_eq!(moved(o(1, OffsetUnit::Months), 4.0), None, "a month and four days has no unit");
        assert_eq!(moved(o(3, OffsetUnit::Months), 31.0), Some(o(4, OffsetUnit::Months)));
        assert_eq!(moved(o(24, OffsetUnit::Hours), 0.01), None, "no move is no suggestion");
    }

    #[test]
    fn only_a_step_held_a_day_late_at_the_median_gets_a_suggestion() {
        let late = |median: f64| Some(Quartiles { q1: median - 0.5, median, q3: median + 1.0 });
        let s = suggestion(o(72, OffsetUnit::Hours), late(1.0)).unwrap();
        assert_eq!(s.offset, Some(o(96, OffsetUnit::Hours)));
        assert!(s.text.starts_with("your 72-hour check-ins are held on day 4 at the median, 1 day late"), "{}", s.text);
        assert!(s.text.ends_with("move the step to 96 hours, or keep it and expect it"), "{}", s.text);
        assert_eq!(suggestion(o(72, OffsetUnit::Hours), late(0.6)), None, "under a day late is on time enough");
        assert_eq!(suggestion(o(72, OffsetUnit::Hours), None), None, "too few completed to say");
        let month = suggestion(o(1, OffsetUnit::Months), late(4.0)).unwrap();
        assert_eq!(month.offset, None);
        assert!(month.text.ends_with("keep the step and expect it"), "{}", month.text);
    }
}

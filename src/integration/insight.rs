//! The Outcomes screen in one reading: a measure's outcomes overall and by group, how the check-ins
//! went, what predicts change and how each plan step's timeline holds, over one cohort. Each of
//! these has its own call (the CLI's); the screen asks for all of them at once, and they share one
//! reading of the cohort, its course (`course`) and its scores.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use super::Integration;
use super::cohort::{self, CohortFilter, GroupBy};
use super::course::{self, Course};
use super::engagement::Engagement;
use super::outcomes::{self, OutcomeGroup, Outcomes};
use super::predictors::{self, Predictors};
use super::timelines::{self, StepTimeline};
use crate::Result;
use crate::measures::measure;

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Insight {
    pub overall: Outcomes,
    pub groups: Vec<OutcomeGroup>,
    pub engagement: Engagement,
    /// The approach tags in use, to offer as filters.
    pub approaches: Vec<String>,
    pub predictors: Predictors,
    pub timelines: Vec<StepTimeline>,
}

impl Integration<'_> {
    /// Everything the Outcomes screen shows for `measure_id` over the arcs `filter` selects,
    /// grouped `by`; each part as its own call gives it.
    ///
    /// Two cores share it: the practice's connection reads the check-ins and what was recorded of
    /// each arc while its second connection reads the cohort, its scores and when each arc was
    /// dosed and completed (`Practice::read_beside`, one snapshot); then the outcomes and the
    /// follow-up figures are counted on one core while the predictors are worked out on the other.
    pub fn insight(self, measure_id: &str, filter: &CohortFilter, by: GroupBy, now: DateTime<Utc>) -> Result<Insight> {
        let m = measure(measure_id)?;
        let zone = self.practice.facilitator().profile()?.zone()?;
        // The two connections read about as much each. The first reads the check-ins (the most
        // rows by far) and what was recorded of every arc (those outside the cohort are dropped
        // after); the second reads the cohort, its scores and its arcs' first dosing and completion.
        let beside = |conn: &rusqlite::Connection| -> Result<_> {
            let arcs = cohort::arcs(conn, filter)?;
            let per_arc = outcomes::per_arc(conn, m, |id| arcs.contains_key(id), filter, zone)?;
            let firsts = course::firsts(conn, |id| arcs.contains_key(id))?;
            Ok((arcs, per_arc, firsts, crate::domain::arc::approach_tags(conn)?))
        };
        self.practice.read_beside(beside, |conn, beside| {
            let mut checkins = course::checkins(conn, |_| true, zone)?;
            let recorded = predictors::recorded(conn)?;
            let (arcs, per_arc, (dosed, completed), approaches) = beside.join()?;
            // Arc by arc (they come in arc order): one look-up for each arc's run of check-ins.
            let mut run: Option<(Uuid, bool)> = None;
            checkins.retain(|c| match run {
                Some((arc, keep)) if arc == c.arc => keep,
                _ => run.insert((c.arc, arcs.contains_key(&c.arc))).1,
            });
            let course = Course { zone, arcs, checkins, dosed, completed };
            // The outcomes and the follow-up figures are counted on one core, the predictors on the other.
            std::thread::scope(|s| {
                let counted = s.spawn(|| {
                    let (overall, groups) = outcomes::summarise_with_groups(m, &per_arc, &course.arcs, by);
                    (overall, groups, Engagement::of(&course, filter, now), timelines::tally(&course, filter, now))
                });
                let mut facts = predictors::facts_before_checkins(course.arcs.keys(), &course.dosed, recorded);
                predictors::count_checkins(&mut facts, &course.checkins);
                let predictors = predictors::of(m, &per_arc, &course.arcs, &facts);
                let (overall, groups, engagement, tallies) =
                    counted.join().map_err(|_| crate::Error::Internal("counting the follow-up failed"))?;
                Ok(Insight {
                    overall,
                    groups,
                    engagement,
                    approaches,
                    predictors,
                    timelines: timelines::finish(conn, tallies)?,
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::super::{cohort, course, outcomes, predictors};

    /// Every read of the insight view walks an index alone (or a narrow table made for it): a
    /// column missing from an index, a partial index's condition included, would send each row to
    /// the wide table and the view past its page cache.
    #[test]
    fn insight_reads_walk_indexes_only() {
        let conn = Connection::open_in_memory().unwrap();
        for sql in crate::store::migrate::MIGRATION_SQL {
            conn.execute_batch(sql).unwrap();
        }
        let roots: std::collections::HashMap<i64, (String, String)> = conn
            .prepare("SELECT rootpage, type, name FROM sqlite_master WHERE rootpage > 0")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for (sql, narrow) in [
            // Indexed generated columns: SQLite's plan says USING INDEX, yet reads them from the
            // index alone (the bytecode check below holds that).
            (course::CHECKINS, "USING INDEX checkin_course"),
            (course::DOSED, "COVERING INDEX session_dosed"),
            (course::COMPLETED, "COVERING INDEX arc_event_completion"),
            (outcomes::SCORES, "COVERING INDEX measure_response_by_measure"),
            (predictors::EXPERIENCE, "COVERING INDEX measure_response_by_measure"),
            (predictors::MILESTONES, "COVERING INDEX milestone_by_arc"),
            (cohort::ARCS, "COVERING INDEX arc_plan"),
            (cohort::APPROACHES, "COVERING INDEX"),
            (cohort::GIVEN, "SCAN arc_given"),
        ] {
            let params = |stmt: &rusqlite::Statement| vec!["x"; stmt.parameter_count()];
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let plan: Vec<String> = stmt
                .query_map(rusqlite::params_from_iter(params(&stmt)), |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let plan = plan.join("; ");
            assert!(plan.contains(narrow), "{sql}\n  is read by: {plan}");
            assert!(!plan.contains("TEMP B-TREE"), "{sql}\n  sorts: {plan}");
            // The bytecode: every column is read from a cursor on an index, or on a table made
            // narrow for it, except the arc's plan's name, looked up by key (a handful of rows,
            // always cached).
            let mut stmt = conn.prepare(&format!("EXPLAIN {sql}")).unwrap();
            let ops: Vec<(String, i64, i64)> = stmt
                .query_map(rusqlite::params_from_iter(params(&stmt)), |r| Ok((r.get(1)?, r.get(2)?, r.get(3)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let mut cursors = std::collections::HashMap::new();
            for (op, cursor, root) in &ops {
                if op == "OpenRead" {
                    cursors.insert(*cursor, roots[root].clone());
                }
            }
            // (A column of a cursor not opened on the file, a sorter's or an IN list's, reads memory.)
            for (op, cursor, _) in ops.iter().filter(|(op, ..)| op == "Column") {
                let Some((kind, name)) = cursors.get(cursor) else { continue };
                assert!(
                    kind == "index" || ["plan", "arc_given"].contains(&name.as_str()),
                    "{sql}\n  reads a column of table {name} ({op} on cursor {cursor})"
                );
            }
        }
    }
}

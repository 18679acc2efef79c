//! The Outcomes screen in one reading: a measure's outcomes overall and by group, how the check-ins
//! went, what predicts change and how each plan step's timeline holds, over one cohort. Each of
//! these has its own call (the CLI's); the screen asks for all of them at once, and they share one
//! reading of the cohort, its course (`course`) and its scores.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;

use super::Integration;
use super::cohort::{self, CohortFilter, GroupBy};
use super::course::Course;
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
    pub fn insight(self, measure_id: &str, filter: &CohortFilter, by: GroupBy, now: DateTime<Utc>) -> Result<Insight> {
        let m = measure(measure_id)?;
        let zone = self.practice.facilitator().profile()?.zone()?;
        self.practice.read(|conn| {
            let course = Course::load(conn, cohort::arcs(conn, filter)?, zone)?;
            let per_arc = outcomes::per_arc(conn, m, &course.arcs, filter, zone)?;
            let (overall, groups) = outcomes::summarise_with_groups(m, &per_arc, &course.arcs, by);
            let facts = predictors::facts_of(conn, &course)?;
            Ok(Insight {
                overall,
                groups,
                engagement: Engagement::of(&course, filter, now),
                approaches: crate::domain::arc::approach_tags(conn)?,
                predictors: predictors::of(m, &per_arc, &course.arcs, &facts),
                timelines: timelines::of(conn, &course, filter, now)?,
            })
        })
    }
}

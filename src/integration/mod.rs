//! The integration engine: follow-up plans and the check-ins they queue, milestones, the derived
//! integration status of each arc, alerts, and the practice-wide dashboard.

pub mod alerts;
pub mod arc_detail;
pub(crate) mod arcs;
pub mod bend;
pub mod checkin;
pub mod cohort;
pub(crate) mod course;
pub mod dashboard;
pub mod engagement;
pub mod insight;
pub mod measures_due;
pub mod milestone;
pub mod outcomes;
pub mod plan;
pub mod predictors;
pub mod schedule;
pub mod status;
pub mod timelines;
pub mod warnings;

use crate::Practice;

/// The integration engine's views: Today, an arc's status and detail, engagement, outcomes.
/// Borrowed from a practice by [`Practice::integration`].
pub struct Integration<'p> {
    pub(crate) practice: &'p mut Practice,
}

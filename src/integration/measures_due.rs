//! What an arc's measurement schedule still asks for: the plan's baseline measures before
//! integration, and each check-in's measures not yet given at it.

use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use super::Integration;
use crate::Result;
use crate::domain::time::ZonedTime;
use crate::measures::response::{MeasureResponse, Timepoint, query};

/// The measures still to give on an arc, by its plan's schedule.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct MeasuresDue {
    /// The plan's baseline measures not yet given as baseline (only before integration).
    pub baseline: Vec<String>,
    pub checkins: Vec<CheckinMeasuresDue>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct CheckinMeasuresDue {
    #[ts(type = "string")]
    pub checkin_id: Uuid,
    pub purpose: String,
    pub due: ZonedTime,
    pub completed: bool,
    /// Its measures not yet given at it.
    pub measures: Vec<String>,
}

impl Integration<'_> {
    /// What the arc's measurement schedule still asks for: baseline measures before integration,
    /// and each check-in's measures not yet given at it (skipped check-ins ask for nothing).
    pub fn measures_due(self, arc: Uuid) -> Result<MeasuresDue> {
        use super::checkin::CheckInStatus;
        use crate::domain::arc::Phase;
        self.practice.read(|conn| {
            let a = crate::domain::arc::get(conn, arc)?;
            let plan = super::plan::for_arc(conn, arc)?;
            let given: Vec<MeasureResponse> =
                query(conn, "r.arc_id = ?1 AND r.withdrawn_at IS NULL", [arc.to_string()])?;
            let before_integration = matches!(a.phase, Phase::Inquiry | Phase::Preparation | Phase::Administration);
            let baseline = if before_integration {
                plan.baseline_measures
                    .iter()
                    .filter(|m| !given.iter().any(|r| &r.measure == *m && r.timepoint == Timepoint::Baseline))
                    .cloned()
                    .collect()
            } else {
                Vec::new()
            };
            let checkins = super::checkin::for_arc(conn, arc)?
                .into_iter()
                .filter(|c| c.status != CheckInStatus::Skipped && !a.phase.is_closed())
                .filter_map(|c| {
                    let left: Vec<String> = c
                        .measures
                        .iter()
                        .filter(|m| !given.iter().any(|r| &r.measure == *m && r.checkin_id == Some(c.id)))
                        .cloned()
                        .collect();
                    (!left.is_empty()).then(|| CheckinMeasuresDue {
                        checkin_id: c.id,
                        purpose: c.purpose.clone(),
                        due: c.due.clone(),
                        completed: c.status == CheckInStatus::Completed,
                        measures: left,
                    })
                })
                .collect();
            Ok(MeasuresDue { baseline, checkins })
        })
    }
}

//! Outcome measures from the app: the library, giving a measure on an arc, withdrawing a
//! response, an arc's responses with their trajectories, and the practice-wide figures.

use arcwell::integration::cohort::{CohortFilter, GroupBy};
use arcwell::integration::engagement::Engagement;
use arcwell::integration::measures_due::MeasuresDue;
use arcwell::integration::outcomes::{OutcomeGroup, Outcomes};
use arcwell::integration::predictors::Predictors;
use arcwell::measures::response::{GiveMeasure, MeasureResponse, Trajectory};
use arcwell::measures::{self, Measure};
use serde::Serialize;
use tauri::AppHandle;
use ts_rs::TS;
use uuid::Uuid;

use super::{blocking, now};
use crate::error::CommandResult;

#[tauri::command]
pub fn measures_library() -> CommandResult<Vec<Measure>> {
    Ok(measures::library()?.to_vec())
}

/// An arc's responses (withdrawn ones included) and, from the counted ones, its trajectories.
#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct ArcMeasures {
    pub responses: Vec<MeasureResponse>,
    pub trajectories: Vec<Trajectory>,
    /// What the arc's plan still asks for.
    pub due: MeasuresDue,
}

#[tauri::command]
pub async fn arc_measures(app: AppHandle, arc_id: Uuid) -> CommandResult<ArcMeasures> {
    blocking(app, move |s| {
        s.with(|p| {
            let responses = p.measures().responses(arc_id)?;
            let trajectories = arcwell::measures::response::trajectories(&responses)?;
            Ok(ArcMeasures { responses, trajectories, due: p.integration().measures_due(arc_id)? })
        })
    })
    .await
}

#[tauri::command]
pub async fn give_measure(app: AppHandle, input: GiveMeasure) -> CommandResult<MeasureResponse> {
    blocking(app, move |s| s.write(|p| p.measures().give(&input, now()))).await
}

#[tauri::command]
pub async fn withdraw_measure_response(app: AppHandle, id: Uuid, reason: String) -> CommandResult<MeasureResponse> {
    blocking(app, move |s| s.write(|p| p.measures().withdraw(id, &reason, now()))).await
}

/// The practice screen's figures for one measure over the arcs the filter selects: overall, per
/// group, and how the check-ins went; with the approach tags in use, to offer as filters.
#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct PracticeOutcomes {
    pub overall: Outcomes,
    pub groups: Vec<OutcomeGroup>,
    pub engagement: Engagement,
    pub approaches: Vec<String>,
}

/// What goes with a better change in one measure, ranked, with each arc's covariates for the
/// scatter chart (ids only).
#[tauri::command]
pub async fn practice_predictors(app: AppHandle, measure: String, filter: CohortFilter) -> CommandResult<Predictors> {
    blocking(app, move |s| s.with(|p| p.integration().predictors(&measure, &filter))).await
}

#[tauri::command]
pub async fn practice_outcomes(
    app: AppHandle,
    measure: String,
    filter: CohortFilter,
    by: GroupBy,
) -> CommandResult<PracticeOutcomes> {
    blocking(app, move |s| {
        s.with(|p| {
            let (overall, groups) = p.integration().outcomes_and_groups(&measure, &filter, by)?;
            Ok(PracticeOutcomes {
                overall,
                groups,
                engagement: p.integration().engagement(&filter, now())?,
                approaches: p.arcs().approach_tags()?,
            })
        })
    })
    .await
}

//! Outcome measures from the app: the library, giving a measure on an arc, withdrawing a
//! response, an arc's responses with their trajectories, and the practice-wide insight.

use arcwell::integration::cohort::{CohortFilter, GroupBy};
use arcwell::integration::insight::Insight;
use arcwell::integration::measures_due::MeasuresDue;
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

/// The Outcomes screen for one measure over the arcs the filter selects, in one reading: the
/// outcomes overall and per group, how the check-ins went, the approach tags in use (to offer as
/// filters), what predicts change (each arc's covariates, ids only, for the scatter chart) and how
/// each plan step's timeline holds.
#[tauri::command]
pub async fn practice_insight(
    app: AppHandle,
    measure: String,
    filter: CohortFilter,
    by: GroupBy,
) -> CommandResult<Insight> {
    blocking(app, move |s| s.with(|p| p.integration().insight(&measure, &filter, by, now()))).await
}

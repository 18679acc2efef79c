//! Arcs: open one, move it through its phases, show its history.

use arcwell::domain::arc::{AdvanceArc, Arc, OpenArc, Phase, PhaseArc};
use arcwell::domain::parse_id;
use arcwell::integration::arc_detail::ArcDetail;
use tauri::AppHandle;

use super::{blocking, now};
use crate::error::CommandResult;

#[tauri::command]
pub async fn open_arc(app: AppHandle, input: OpenArc) -> CommandResult<Arc> {
    blocking(app, move |s| s.write(|p| p.open_arc(&input, now()))).await
}

#[tauri::command]
pub async fn advance_arc(app: AppHandle, id: String, change: AdvanceArc) -> CommandResult<Arc> {
    blocking(app, move |s| {
        let id = parse_id("arc", &id)?;
        s.write(|p| p.advance_arc(id, &change, now()))
    })
    .await
}

#[tauri::command]
pub async fn get_arc(app: AppHandle, id: String) -> CommandResult<ArcDetail> {
    blocking(app, move |s| {
        let id = parse_id("arc", &id)?;
        s.with(|p| p.integration().arc(id, now()))
    })
    .await
}

/// The dashboard's pipeline: the arcs in one phase, newest arrival first (up to 200).
#[tauri::command]
pub async fn arcs_in_phase(app: AppHandle, phase: Phase) -> CommandResult<Vec<PhaseArc>> {
    blocking(app, move |s| s.with(|p| p.arcs().in_phase(phase, 200))).await
}

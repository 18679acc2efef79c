//! Participants: list, show, add, edit.

use arcwell::domain::arc::Arc;
use arcwell::domain::parse_id;
use arcwell::domain::participant::{Participant, ParticipantInput};
use serde::Serialize;
use tauri::AppHandle;
use ts_rs::TS;

use super::{blocking, now};
use crate::error::CommandResult;

/// A participant with their arcs, newest first.
#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct ParticipantDetail {
    pub participant: Participant,
    pub arcs: Vec<Arc>,
}

#[tauri::command]
pub async fn list_participants(app: AppHandle) -> CommandResult<Vec<Participant>> {
    blocking(app, |s| s.with(|p| p.participants().list())).await
}

#[tauri::command]
pub async fn get_participant(app: AppHandle, id: String) -> CommandResult<ParticipantDetail> {
    blocking(app, move |s| {
        let id = parse_id("participant", &id)?;
        s.with(|p| Ok(ParticipantDetail { participant: p.participants().get(id)?, arcs: p.arcs().of_participant(id)? }))
    })
    .await
}

#[tauri::command]
pub async fn add_participant(app: AppHandle, input: ParticipantInput) -> CommandResult<Participant> {
    blocking(app, move |s| s.write(|p| p.participants().add(&input, now()))).await
}

#[tauri::command]
pub async fn edit_participant(app: AppHandle, id: String, input: ParticipantInput) -> CommandResult<Participant> {
    blocking(app, move |s| {
        let id = parse_id("participant", &id)?;
        s.write(|p| p.participants().edit(id, &input, now()))
    })
    .await
}

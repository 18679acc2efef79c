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
    blocking(app, |s| s.with(|p| p.participants())).await
}

#[tauri::command]
pub async fn get_participant(app: AppHandle, id: String) -> CommandResult<ParticipantDetail> {
    blocking(app, move |s| {
        let id = parse_id("participant", &id)?;
        s.with(|p| Ok(ParticipantDetail { participant: p.participant(id)?, arcs: p.arcs_of(id)? }))
    })
    .await
}

#[tauri::command]
pub async fn add_participant(app: AppHandle, input: ParticipantInput) -> CommandResult<Participant> {
    blocking(app, move |s| s.write(|p| p.add_participant(&input, now()))).await
}

#[tauri::command]
pub async fn edit_participant(app: AppHandle, id: String, input: ParticipantInput) -> CommandResult<Participant> {
    blocking(app, move |s| {
        let id = parse_id("participant", &id)?;
        s.write(|p| p.edit_participant(id, &input, now()))
    })
    .await
}

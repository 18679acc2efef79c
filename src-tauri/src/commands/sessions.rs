//! Sessions: schedule, complete, cancel, no-show.

use arcwell::domain::parse_id;
use arcwell::domain::session::{CompleteSession, ScheduleSession, Session};
use tauri::AppHandle;

use super::{blocking, now};
use crate::error::CommandResult;

#[tauri::command]
pub async fn schedule_session(app: AppHandle, input: ScheduleSession) -> CommandResult<Session> {
    blocking(app, move |s| s.write(|p| p.sessions().schedule(&input))).await
}

#[tauri::command]
pub async fn complete_session(app: AppHandle, id: String, input: CompleteSession) -> CommandResult<Session> {
    blocking(app, move |s| {
        let id = parse_id("session", &id)?;
        s.write(|p| p.complete_session(id, &input, now()))
    })
    .await
}

#[tauri::command]
pub async fn cancel_session(app: AppHandle, id: String, reason: Option<String>) -> CommandResult<Session> {
    blocking(app, move |s| {
        let id = parse_id("session", &id)?;
        s.write(|p| p.sessions().cancel(id, reason.as_deref()))
    })
    .await
}

#[tauri::command]
pub async fn mark_no_show(app: AppHandle, id: String, reason: Option<String>) -> CommandResult<Session> {
    blocking(app, move |s| {
        let id = parse_id("session", &id)?;
        s.write(|p| p.sessions().mark_no_show(id, reason.as_deref()))
    })
    .await
}

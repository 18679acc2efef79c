//! Retreats and schedules that bend: a retreat and its members, a group dosing, the dosing-day
//! grid with "record now", ending the day, the retreat view and its exports; and an arc's shift,
//! pause, resume, plan switch and series.

use std::path::Path;

use arcwell::export::{Exported, Privacy};
use arcwell::integration::bend::{AddSeries, Resume, ScheduleChange};
use arcwell::practice::retreats::{DayEnded, EndDosingDay};
use arcwell::retreat::grid::DosingDay;
use arcwell::retreat::view::{RetreatView, RosterColumns};
use arcwell::retreat::{GroupDosing, GroupScheduled, Retreat, RetreatInput};
use serde_json::{Map, Value};
use tauri::AppHandle;
use uuid::Uuid;

use super::{blocking, now};
use crate::error::CommandResult;

#[tauri::command]
pub async fn list_retreats(app: AppHandle) -> CommandResult<Vec<Retreat>> {
    blocking(app, |s| s.with(|p| p.retreats().list())).await
}

#[tauri::command]
pub async fn create_retreat(app: AppHandle, input: RetreatInput) -> CommandResult<Retreat> {
    blocking(app, move |s| s.write(|p| p.retreats().create(&input, now()))).await
}

#[tauri::command]
pub async fn edit_retreat(app: AppHandle, id: Uuid, input: RetreatInput) -> CommandResult<Retreat> {
    blocking(app, move |s| s.write(|p| p.retreats().edit(id, &input))).await
}

#[tauri::command]
pub async fn retreat_view(app: AppHandle, id: Uuid) -> CommandResult<RetreatView> {
    blocking(app, move |s| s.with(|p| p.retreats().view(id, now()))).await
}

#[tauri::command]
pub async fn add_retreat_members(app: AppHandle, id: Uuid, arcs: Vec<Uuid>) -> CommandResult<Retreat> {
    blocking(app, move |s| s.write(|p| p.retreats().add_members(id, &arcs, now()))).await
}

#[tauri::command]
pub async fn remove_retreat_member(app: AppHandle, id: Uuid, arc_id: Uuid) -> CommandResult<Retreat> {
    blocking(app, move |s| s.write(|p| p.retreats().remove_member(id, arc_id))).await
}

#[tauri::command]
pub async fn schedule_group_dosing(app: AppHandle, input: GroupDosing) -> CommandResult<GroupScheduled> {
    blocking(app, move |s| s.write(|p| p.retreats().schedule_dosing(&input))).await
}

#[tauri::command]
pub async fn open_dosing_day(app: AppHandle, id: Uuid, day: String) -> CommandResult<DosingDay> {
    blocking(app, move |s| s.write(|p| p.retreats().open_day(id, &day, now()))).await
}

#[tauri::command]
pub async fn dosing_day_grid(app: AppHandle, id: Uuid, day: String) -> CommandResult<DosingDay> {
    blocking(app, move |s| s.with(|p| p.retreats().grid(id, &day, now()))).await
}

#[tauri::command]
pub async fn record_now(
    app: AppHandle,
    document_id: Uuid,
    group: String,
    entry: Map<String, Value>,
) -> CommandResult<()> {
    blocking(app, move |s| s.write(|p| p.documents().append_entry(document_id, &group, &entry, now()))).await
}

#[tauri::command]
pub async fn end_dosing_day(app: AppHandle, input: EndDosingDay) -> CommandResult<DayEnded> {
    blocking(app, move |s| s.write(|p| p.end_dosing_day(&input, now()))).await
}

#[tauri::command]
pub async fn export_retreat_calendar(
    app: AppHandle,
    id: Uuid,
    path: String,
    days: u32,
    privacy: Privacy,
) -> CommandResult<Exported> {
    blocking(app, move |s| s.write(|p| p.retreats().export_calendar(id, Path::new(&path), days, privacy, now()))).await
}

#[tauri::command]
pub async fn export_retreat_roster(
    app: AppHandle,
    id: Uuid,
    path: String,
    columns: RosterColumns,
) -> CommandResult<Exported> {
    blocking(app, move |s| s.write(|p| p.retreats().export_roster(id, Path::new(&path), columns, now()))).await
}

#[tauri::command]
pub async fn shift_arc(
    app: AppHandle,
    arc_id: Uuid,
    days: i64,
    reason: Option<String>,
) -> CommandResult<ScheduleChange> {
    blocking(app, move |s| s.write(|p| p.schedules().shift(arc_id, days, reason.as_deref(), now()))).await
}

#[tauri::command]
pub async fn pause_arc(
    app: AppHandle,
    arc_id: Uuid,
    until: Option<String>,
    reason: Option<String>,
) -> CommandResult<ScheduleChange> {
    blocking(app, move |s| s.write(|p| p.schedules().pause(arc_id, until.as_deref(), reason.as_deref(), now()))).await
}

#[tauri::command]
pub async fn resume_arc(app: AppHandle, arc_id: Uuid, how: Resume) -> CommandResult<ScheduleChange> {
    blocking(app, move |s| s.write(|p| p.schedules().resume(arc_id, how, now()))).await
}

#[tauri::command]
pub async fn switch_arc_plan(
    app: AppHandle,
    arc_id: Uuid,
    plan_id: Option<Uuid>,
    reason: Option<String>,
) -> CommandResult<ScheduleChange> {
    blocking(app, move |s| s.write(|p| p.schedules().switch_plan(arc_id, plan_id, reason.as_deref(), now()))).await
}

#[tauri::command]
pub async fn add_checkin_series(app: AppHandle, input: AddSeries) -> CommandResult<ScheduleChange> {
    blocking(app, move |s| s.write(|p| p.schedules().add_series(&input, now()))).await
}

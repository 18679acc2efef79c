//! Exports from the app: a participant's printable record, CSV files, a calendar file, a FHIR R4
//! Bundle of the outcome measures. Each is
//! written only to the path the facilitator typed, after the screen has shown the warning.

use std::path::{Path, PathBuf};

use arcwell::export::calendar::CalendarRange;
use arcwell::export::fhir::FhirExport;
use arcwell::export::{Exported, Privacy, WARNING};
use serde::Serialize;
use tauri::AppHandle;
use ts_rs::TS;
use uuid::Uuid;

use super::{blocking, now};
use crate::error::CommandResult;

/// What the export screens start from: the warning to show, and a folder to suggest.
#[derive(Debug, Serialize, TS)]
#[ts(export)]
pub struct ExportDefaults {
    pub warning: String,
    pub folder: String,
}

#[tauri::command]
pub fn export_defaults() -> ExportDefaults {
    let folder = directories::UserDirs::new()
        .and_then(|u| u.document_dir().map(Path::to_path_buf).or_else(|| Some(u.home_dir().to_path_buf())))
        .unwrap_or_else(|| PathBuf::from("/"));
    ExportDefaults { warning: WARNING.to_owned(), folder: folder.display().to_string() }
}

#[tauri::command]
pub async fn export_record(app: AppHandle, participant_id: Uuid, path: String) -> CommandResult<Exported> {
    blocking(app, move |s| s.write(|p| p.exports().participant_record(participant_id, Path::new(&path), now()))).await
}

#[tauri::command]
pub async fn export_csv(app: AppHandle, folder: String, names: bool) -> CommandResult<Exported> {
    blocking(app, move |s| s.write(|p| p.exports().csv(Path::new(&folder), Privacy { names }, now()))).await
}

#[tauri::command]
pub async fn export_calendar(app: AppHandle, path: String, range: CalendarRange) -> CommandResult<Exported> {
    blocking(app, move |s| s.write(|p| p.exports().calendar(Path::new(&path), range, now()))).await
}

#[tauri::command]
pub async fn export_fhir(app: AppHandle, path: String, what: FhirExport) -> CommandResult<Exported> {
    blocking(app, move |s| s.write(|p| p.exports().fhir(Path::new(&path), what, now()))).await
}

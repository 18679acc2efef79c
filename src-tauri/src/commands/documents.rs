//! Phase documents, templates, screening flags and search.

use arcwell::documents::library::{TemplateFile, TemplateSummary};
use arcwell::documents::packs::TemplatePack;
use arcwell::documents::{Document, DocumentDetail, SaveDocument, ScreeningFlag, Template};
use arcwell::domain::parse_id;
use arcwell::search::{SearchHit, SearchQuery};
use serde_json::{Map, Value};
use tauri::AppHandle;

use super::{blocking, now};
use crate::error::CommandResult;

#[tauri::command]
pub async fn list_templates(app: AppHandle) -> CommandResult<Vec<TemplateSummary>> {
    blocking(app, |s| s.with(|p| p.templates().list())).await
}

#[tauri::command]
pub async fn get_template(app: AppHandle, id: String) -> CommandResult<Template> {
    blocking(app, move |s| s.with(|p| p.templates().get(parse_id("template", &id)?))).await
}

/// A new version of one of the facilitator's templates, or a new template (no family).
#[tauri::command]
pub async fn save_template(app: AppHandle, file: TemplateFile) -> CommandResult<Template> {
    blocking(app, move |s| s.write(|p| p.templates().import(&file, now()))).await
}

#[tauri::command]
pub async fn copy_template(app: AppHandle, id: String, name: String) -> CommandResult<Template> {
    blocking(app, move |s| s.write(|p| p.templates().copy(parse_id("template", &id)?, &name, now()))).await
}

#[tauri::command]
pub async fn list_template_packs(app: AppHandle) -> CommandResult<Vec<TemplatePack>> {
    blocking(app, |s| s.with(|p| p.templates().packs())).await
}

#[tauri::command]
pub async fn set_template_pack(app: AppHandle, id: String, enabled: bool) -> CommandResult<TemplatePack> {
    blocking(app, move |s| s.write(|p| p.templates().set_pack(&id, enabled, now()))).await
}

/// The integration note of a due check-in: its draft, started when there is none.
#[tauri::command]
pub async fn checkin_document(app: AppHandle, checkin_id: String) -> CommandResult<DocumentDetail> {
    blocking(app, move |s| s.write(|p| p.checkins().document(parse_id("check-in", &checkin_id)?, now()))).await
}

/// The record of a session (the administration record for dosing-day mode): its document, started
/// from `template_id` (or the session kind's shipped template) when there is none.
#[tauri::command]
pub async fn session_document(
    app: AppHandle,
    session_id: String,
    template_id: Option<String>,
) -> CommandResult<DocumentDetail> {
    blocking(app, move |s| {
        let template = template_id.as_deref().map(|t| parse_id("template", t)).transpose()?;
        s.write(|p| p.documents().for_session(parse_id("session", &session_id)?, template, now()))
    })
    .await
}

#[tauri::command]
pub async fn add_document(app: AppHandle, input: SaveDocument) -> CommandResult<DocumentDetail> {
    blocking(app, move |s| s.write(|p| p.documents().add(&input, now()))).await
}

/// Autosave of a draft.
#[tauri::command]
pub async fn save_draft(app: AppHandle, id: String, answers: Map<String, Value>) -> CommandResult<DocumentDetail> {
    blocking(app, move |s| s.write(|p| p.documents().save_draft(parse_id("document", &id)?, &answers, now()))).await
}

#[tauri::command]
pub async fn sign_document(app: AppHandle, id: String) -> CommandResult<DocumentDetail> {
    blocking(app, move |s| s.write(|p| p.documents().sign(parse_id("document", &id)?, now()))).await
}

#[tauri::command]
pub async fn amend_document(
    app: AppHandle,
    id: String,
    changes: Map<String, Value>,
    reason: String,
) -> CommandResult<DocumentDetail> {
    blocking(app, move |s| s.write(|p| p.documents().amend(parse_id("document", &id)?, &changes, &reason, now()))).await
}

#[tauri::command]
pub async fn withdraw_consent(app: AppHandle, id: String, reason: String) -> CommandResult<DocumentDetail> {
    blocking(app, move |s| s.write(|p| p.documents().withdraw_consent(parse_id("document", &id)?, &reason, now())))
        .await
}

#[tauri::command]
pub async fn get_document(app: AppHandle, id: String) -> CommandResult<DocumentDetail> {
    blocking(app, move |s| s.with(|p| p.documents().get(parse_id("document", &id)?))).await
}

#[tauri::command]
pub async fn list_documents(app: AppHandle, arc_id: String) -> CommandResult<Vec<Document>> {
    blocking(app, move |s| s.with(|p| p.documents().of_participant(parse_id("arc", &arc_id)?))).await
}

#[tauri::command]
pub async fn list_screening_flags(app: AppHandle, arc_id: String) -> CommandResult<Vec<ScreeningFlag>> {
    blocking(app, move |s| s.with(|p| p.documents().screening_flags(parse_id("arc", &arc_id)?))).await
}

#[tauri::command]
pub async fn acknowledge_flag(app: AppHandle, id: String, reason: String) -> CommandResult<()> {
    blocking(app, move |s| {
        s.write(|p| p.documents().acknowledge_flag(parse_id("screening flag", &id)?, &reason, now()))
    })
    .await
}

#[tauri::command]
pub async fn search(app: AppHandle, query: SearchQuery) -> CommandResult<Vec<SearchHit>> {
    blocking(app, move |s| s.with(|p| p.search(&query))).await
}

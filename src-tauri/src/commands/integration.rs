//! The integration engine: dashboard, plans, check-ins, milestones, alerts.

use arcwell::ErrorCode;
use arcwell::domain::parse_id;
use arcwell::domain::time::parse_date;
use arcwell::integration::alerts::Alert;
use arcwell::integration::checkin::{AddCheckIn, CheckIn, CheckInDetail, CompleteCheckIn, Outreach};
use arcwell::integration::dashboard::Dashboard;
use arcwell::integration::milestone::{Milestone, MilestoneStatus, NewMilestone};
use arcwell::integration::plan::{Plan, PlanInput};
use arcwell::integration::schedule::Offset;
use tauri::AppHandle;
use tauri_plugin_opener::OpenerExt;

use super::{blocking, now};
use crate::error::{CommandError, CommandResult};

/// Today: each list's first `first` rows with every list's total, or every row without `first`.
#[tauri::command]
pub async fn dashboard(app: AppHandle, first: Option<u32>) -> CommandResult<Dashboard> {
    blocking(app, move |s| Ok(crate::state::today_cut(s.with(|p| p.integration().dashboard(now()))?, first))).await
}

#[tauri::command]
pub async fn list_plans(app: AppHandle) -> CommandResult<Vec<Plan>> {
    blocking(app, |s| s.with(|p| p.plans().list())).await
}

/// Creates a plan (no id) or replaces one.
#[tauri::command]
pub async fn save_plan(app: AppHandle, id: Option<String>, input: PlanInput) -> CommandResult<Plan> {
    blocking(app, move |s| {
        let id = id.map(|i| parse_id("plan", &i)).transpose()?;
        s.write(|p| match id {
            Some(id) => p.plans().edit(id, &input, now()),
            None => p.plans().create(&input, now()),
        })
    })
    .await
}

/// Moves one step of a plan (1 = the first) to `offset`; check-ins already queued keep their times.
#[tauri::command]
pub async fn move_plan_step(app: AppHandle, plan_id: String, step: u32, offset: Offset) -> CommandResult<Plan> {
    blocking(app, move |s| {
        let id = parse_id("plan", &plan_id)?;
        s.write(|p| p.plans().move_step(id, step, offset, now()))
    })
    .await
}

/// Chooses the plan an arc follows (`None`: the default). Check-ins already queued keep theirs.
#[tauri::command]
pub async fn set_arc_plan(app: AppHandle, arc_id: String, plan_id: Option<String>) -> CommandResult<()> {
    blocking(app, move |s| {
        let arc = parse_id("arc", &arc_id)?;
        let plan = plan_id.map(|p| parse_id("plan", &p)).transpose()?;
        s.write(|p| p.plans().set_for_arc(arc, plan))
    })
    .await
}

/// Sets an arc's approach tags (the whole list); returns them as kept (trimmed, lower-case, sorted).
#[tauri::command]
pub async fn set_arc_approaches(app: AppHandle, arc_id: String, tags: Vec<String>) -> CommandResult<Vec<String>> {
    blocking(app, move |s| {
        let arc = parse_id("arc", &arc_id)?;
        s.write(|p| p.arcs().set_approaches(arc, &tags))
    })
    .await
}

#[tauri::command]
pub async fn get_checkin(app: AppHandle, id: String) -> CommandResult<CheckInDetail> {
    blocking(app, move |s| {
        let id = parse_id("check-in", &id)?;
        s.with(|p| p.checkins().get(id))
    })
    .await
}

#[tauri::command]
pub async fn complete_checkin(app: AppHandle, id: String, input: CompleteCheckIn) -> CommandResult<CheckIn> {
    blocking(app, move |s| {
        let id = parse_id("check-in", &id)?;
        s.write(|p| p.checkins().complete(id, &input, now()))
    })
    .await
}

#[tauri::command]
pub async fn skip_checkin(app: AppHandle, id: String, reason: String) -> CommandResult<CheckIn> {
    blocking(app, move |s| {
        let id = parse_id("check-in", &id)?;
        s.write(|p| p.checkins().skip(id, &reason, now()))
    })
    .await
}

#[tauri::command]
pub async fn reschedule_checkin(
    app: AppHandle,
    id: String,
    at: String,
    reason: Option<String>,
) -> CommandResult<CheckIn> {
    blocking(app, move |s| {
        let id = parse_id("check-in", &id)?;
        s.write(|p| p.checkins().reschedule(id, &at, reason.as_deref(), now()))
    })
    .await
}

#[tauri::command]
pub async fn add_checkin(app: AppHandle, input: AddCheckIn) -> CommandResult<CheckIn> {
    blocking(app, move |s| s.write(|p| p.checkins().add(&input, now()))).await
}

#[tauri::command]
pub async fn checkin_outreach(app: AppHandle, id: String) -> CommandResult<Outreach> {
    blocking(app, move |s| {
        let id = parse_id("check-in", &id)?;
        s.with(|p| p.checkins().outreach(id))
    })
    .await
}

/// Opens the check-in's draft in the facilitator's mail client. The link is built here from the
/// check-in, so the UI cannot make the app open anything else.
#[tauri::command]
pub async fn open_outreach_in_mail(app: AppHandle, id: String) -> CommandResult<()> {
    let opener = app.clone();
    let outreach = blocking(app, move |s| {
        let id = parse_id("check-in", &id)?;
        s.with(|p| p.checkins().outreach(id))
    })
    .await?;
    let link = outreach.mailto.ok_or_else(|| CommandError {
        code: ErrorCode::InvalidInput,
        message: "this participant has no email address on file; copy the draft instead".into(),
    })?;
    opener.opener().open_url(link, None::<&str>).map_err(|e| CommandError {
        code: ErrorCode::Storage,
        message: format!("no mail client could be opened ({e}); copy the draft instead"),
    })
}

#[tauri::command]
pub async fn add_milestone(app: AppHandle, input: NewMilestone) -> CommandResult<Milestone> {
    blocking(app, move |s| s.write(|p| p.milestones().add(&input, now()))).await
}

#[tauri::command]
pub async fn set_milestone_status(
    app: AppHandle,
    id: String,
    status: MilestoneStatus,
    note: Option<String>,
) -> CommandResult<Milestone> {
    blocking(app, move |s| {
        let id = parse_id("milestone", &id)?;
        s.write(|p| p.milestones().set_status(id, status, note.as_deref(), now()))
    })
    .await
}

#[tauri::command]
pub async fn list_alerts(app: AppHandle, all: bool) -> CommandResult<Vec<Alert>> {
    blocking(app, move |s| s.with(|p| p.alerts().list(now(), all))).await
}

#[tauri::command]
pub async fn acknowledge_alert(app: AppHandle, key: String) -> CommandResult<()> {
    blocking(app, move |s| s.write(|p| p.alerts().acknowledge(&key, now()))).await
}

/// Snoozes an alert until a local date (`YYYY-MM-DD`).
#[tauri::command]
pub async fn snooze_alert(app: AppHandle, key: String, until: String) -> CommandResult<()> {
    blocking(app, move |s| {
        let until = parse_date(&until)?;
        s.write(|p| p.alerts().snooze(&key, until, now()).map(|_| ()))
    })
    .await
}

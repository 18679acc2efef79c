//! The notification centre and the reminder settings.

use std::sync::atomic::Ordering;

use arcwell::reminders::{Command, NotificationEntry, ReminderSettings};
use tauri::AppHandle;

use super::{blocking, now};
use crate::error::CommandResult;
use crate::reminders::refresh_unread;

/// The newest notifications (at most 200), newest first.
#[tauri::command]
pub async fn notifications(app: AppHandle) -> CommandResult<Vec<NotificationEntry>> {
    blocking(app, |s| s.with(|p| p.reminders().notifications(200))).await
}

#[tauri::command]
pub async fn unread_notifications(app: AppHandle) -> CommandResult<u32> {
    blocking(app, |s| s.with(|p| p.reminders().unread())).await
}

/// Marks every notification read; the window title and tray count follow.
#[tauri::command]
pub async fn mark_notifications_read(app: AppHandle) -> CommandResult<u32> {
    let marked = blocking(app.clone(), |s| s.write(|p| p.reminders().mark_read(now()))).await?;
    refresh_unread(&app, None).await;
    Ok(marked)
}

#[tauri::command]
pub async fn reminder_settings(app: AppHandle) -> CommandResult<ReminderSettings> {
    blocking(app, |s| s.with(|p| p.reminders().settings())).await
}

#[tauri::command]
pub async fn save_reminder_settings(app: AppHandle, settings: ReminderSettings) -> CommandResult<ReminderSettings> {
    blocking(app, move |s| {
        let saved = s.write(|p| p.reminders().update_settings(&settings))?;
        s.keep_in_tray.store(saved.keep_in_tray, Ordering::Relaxed);
        Ok(saved)
    })
    .await
}

/// Asks the scheduler to look again now (the window regained focus: another process, such as the
/// CLI, may have changed the practice).
#[tauri::command]
pub async fn run_reminders_now(app: AppHandle) -> CommandResult<()> {
    blocking(app, |s| {
        if let Some(scheduler) = s.scheduler() {
            scheduler.send(Command::RunNow);
        }
        Ok(())
    })
    .await
}

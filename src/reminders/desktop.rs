//! OS notifications through notify-rust (the freedesktop notification service over D-Bus on Linux).

use std::sync::Arc;

use super::deliver::Notice;
use super::scheduler::Notifier;

/// What to do when the facilitator clicks a notification (open the app on the due list).
pub type OnOpen = Arc<dyn Fn() + Send + Sync>;

/// Shows reminders as desktop notifications under the name "Arcwell".
#[derive(Clone, Default)]
pub struct DesktopNotifier {
    on_open: Option<OnOpen>,
}

impl std::fmt::Debug for DesktopNotifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DesktopNotifier").field("opens_app", &self.on_open.is_some()).finish()
    }
}

pub const APP_NAME: &str = "Arcwell";

impl DesktopNotifier {
    /// Notifications that only inform (the headless `arcwell watch`).
    pub fn new() -> Self {
        Self::default()
    }

    /// Notifications that open the app when clicked, where the platform supports actions.
    pub fn opening_app(on_open: OnOpen) -> Self {
        Self { on_open: Some(on_open) }
    }

    fn build(&self, notice: &Notice) -> notify_rust::Notification {
        let mut n = notify_rust::Notification::new();
        // No category hint: the freedesktop list has none for a reminder, and a wrong one (e.g. an
        // instant message) would let the desktop file it where the facilitator does not look.
        n.appname(APP_NAME).summary(&notice.title).body(&notice.body);
        if self.on_open.is_some() {
            n.action("default", "Open Arcwell");
        }
        n
    }
}

impl Notifier for DesktopNotifier {
    #[cfg(all(unix, not(target_os = "macos")))]
    async fn show(&self, notice: &Notice) -> Result<(), String> {
        let handle = self.build(notice).show_async().await.map_err(|e| e.to_string())?;
        if let Some(on_open) = self.on_open.clone() {
            // Waits for a click (or the notification closing) without holding up the scheduler.
            tokio::spawn(async move {
                handle
                    .wait_for_action_async(|response| {
                        if matches!(response, notify_rust::NotificationResponse::Default) {
                            on_open();
                        }
                    })
                    .await;
            });
        }
        Ok(())
    }

    #[cfg(not(all(unix, not(target_os = "macos"))))]
    async fn show(&self, notice: &Notice) -> Result<(), String> {
        let n = self.build(notice);
        tokio::task::spawn_blocking(move || n.show().map(drop).map_err(|e| e.to_string()))
            .await
            .map_err(|e| e.to_string())?
    }
}

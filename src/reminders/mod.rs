//! Reminders: delivering due check-ins exactly once, as OS notifications and in the in-app
//! notification centre, from a scheduler that sleeps on the wall clock until the next one is due.

pub mod clock;
pub mod deliver;
pub mod desktop;
pub mod scheduler;
pub mod settings;

pub use clock::{Clock, SystemClock};
pub use deliver::{Delivery, Lateness, Notice, NoticeItem, NotificationEntry, OsOutcome};
pub use desktop::DesktopNotifier;
pub use scheduler::{Command, Notifier, PracticeSource, SchedulerHandle, Status, scheduler};
pub use settings::{QuietHours, ReminderSettings};

use crate::Practice;

/// Reminders: settings, delivery, the notification list.
/// Borrowed from a practice by [`Practice::reminders`].
pub struct Reminders<'p> {
    pub(crate) practice: &'p mut Practice,
}

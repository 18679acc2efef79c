//! The follow-up scheduler: one tokio task that sleeps until the next reminder is due, delivers it,
//! and wakes early when told the data changed.

use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::{broadcast, mpsc, watch};

use super::clock::Clock;
use super::deliver::{Notice, OsOutcome};
use crate::backup::auto::AutoOutcome;
use crate::{Practice, Result};

/// Where the scheduler finds the practice: the app's unlocked practice, or the CLI's.
pub trait PracticeSource: Send + Sync + 'static {
    /// Runs `f` on the open practice; `None` when it is locked (the scheduler then waits for a command).
    fn with_practice<T>(&self, f: impl FnOnce(&mut Practice) -> Result<T>) -> Option<Result<T>>;
}

impl PracticeSource for std::sync::Mutex<Practice> {
    fn with_practice<T>(&self, f: impl FnOnce(&mut Practice) -> Result<T>) -> Option<Result<T>> {
        // Every write is one transaction, so a panic elsewhere leaves the practice consistent.
        let mut practice = self.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        Some(f(&mut practice))
    }
}

/// Shows a notification outside the app. An error is a reason in words; it is logged once and the
/// notification stays in the in-app centre.
pub trait Notifier: Send + Sync + 'static {
    fn show(&self, notice: &Notice) -> impl Future<Output = std::result::Result<(), String>> + Send;
}

/// What can be asked of a running scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// Check-ins, settings or the lock state changed: recompute what is due and when to wake.
    DataChanged,
    /// Deliver what is due now (e.g. when the window regains focus and another process may have written).
    RunNow,
    Stop,
}

/// What the scheduler has done so far, published after every tick.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// Ticks run: one at start, then one per wake-up (timer or command).
    pub ticks: u64,
    /// Notifications raised since start.
    pub delivered: u64,
    /// The last notification raised and what the OS did with it.
    pub last: Option<(Notice, OsOutcome)>,
    /// Check-ins held by quiet hours at the last tick.
    pub held: usize,
    /// When it will wake next without a command; `None`: only a command wakes it.
    pub next_wake: Option<DateTime<Utc>>,
    /// The practice was locked at the last tick.
    pub locked: bool,
    /// The last tick's error, in words (the scheduler retries after [`RETRY_AFTER`]).
    pub error: Option<String>,
    /// Automatic backups written since start, and the last one's outcome other than off, not due
    /// or unchanged (a backup written, or a failure).
    pub backups: u64,
    pub last_backup: Option<AutoOutcome>,
}

/// How long the OS notification service may take to answer before the notification counts as not shown.
pub const SHOW_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// After a failed tick (e.g. the disk is full), try again after this long.
pub const RETRY_AFTER: Duration = Duration::minutes(1);

/// A running scheduler: send it commands, watch what it does.
#[derive(Debug, Clone)]
pub struct SchedulerHandle {
    commands: mpsc::UnboundedSender<Command>,
    status: watch::Receiver<Status>,
    delivered: broadcast::Sender<(Notice, OsOutcome)>,
}

impl SchedulerHandle {
    /// Sends a command; a scheduler that has stopped ignores it.
    pub fn send(&self, command: Command) {
        let _stopped = self.commands.send(command);
    }

    pub fn data_changed(&self) {
        self.send(Command::DataChanged);
    }

    pub fn status(&self) -> watch::Receiver<Status> {
        self.status.clone()
    }

    /// Every notification raised from now on, with what the OS did with it (subscribe before
    /// spawning the task to see the first).
    pub fn deliveries(&self) -> broadcast::Receiver<(Notice, OsOutcome)> {
        self.delivered.subscribe()
    }
}

/// Builds a scheduler: the handle, and the task to spawn on a tokio runtime (it ends on
/// [`Command::Stop`] or when every handle is dropped).
pub fn scheduler<S: PracticeSource, C: Clock, N: Notifier>(
    source: Arc<S>,
    clock: Arc<C>,
    notifier: Arc<N>,
) -> (SchedulerHandle, impl Future<Output = ()> + Send + 'static) {
    let (commands, rx) = mpsc::unbounded_channel();
    let (status_tx, status) = watch::channel(Status::default());
    let (delivered, _) = broadcast::channel(64);
    let task = run(source, clock, notifier, rx, status_tx, delivered.clone());
    (SchedulerHandle { commands, status, delivered }, task)
}

async fn run<S: PracticeSource, C: Clock, N: Notifier>(
    source: Arc<S>,
    clock: Arc<C>,
    notifier: Arc<N>,
    mut commands: mpsc::UnboundedReceiver<Command>,
    status: watch::Sender<Status>,
    delivered: broadcast::Sender<(Notice, OsOutcome)>,
) {
    let started = clock.now();
    let mut state = Status::default();
    // Log a notification failure once, until one succeeds again; a failing check once per distinct error.
    let mut failure_logged = false;
    let mut error_logged: Option<String> = None;
    loop {
        state.ticks += 1;
        let now = clock.now();
        let tick_source = Arc::clone(&source);
        // Reminders first; then the automatic backup when one is due (its failure is recorded in the
        // practice and shown on Today, never a reason to stop reminding).
        let outcome = tokio::task::spawn_blocking(move || {
            tick_source.with_practice(|p| {
                let delivery = p.reminders().deliver(now, started)?;
                let backup =
                    p.backups().run_automatic(now).unwrap_or_else(|e| AutoOutcome::Failed { reason: e.to_string() });
                Ok((delivery, backup))
            })
        })
        .await;
        state.error = None;
        state.locked = false;
        match outcome {
            Ok(Some(Ok((delivery, backup)))) => {
                error_logged = None;
                state.held = delivery.held;
                state.next_wake = match (delivery.next_wake, backup.next_attempt(now)) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                match &backup {
                    AutoOutcome::Written { .. } => {
                        state.backups += 1;
                        state.last_backup = Some(backup);
                    }
                    AutoOutcome::Failed { reason } => {
                        eprintln!(
                            "arcwell: the automatic backup failed ({reason}); it is shown on Today and tried again in an hour"
                        );
                        state.last_backup = Some(backup);
                    }
                    AutoOutcome::Off | AutoOutcome::NotDue { .. } | AutoOutcome::Unchanged => {}
                }
                if let Some(notice) = delivery.notice {
                    // A notification service that never answers must not stop the reminders after this one.
                    let shown = tokio::time::timeout(SHOW_TIMEOUT, notifier.show(&notice))
                        .await
                        .unwrap_or_else(|_| Err(format!("no answer within {} s", SHOW_TIMEOUT.as_secs())));
                    let os = match shown {
                        Ok(()) => {
                            failure_logged = false;
                            OsOutcome::Shown
                        }
                        Err(reason) => {
                            if !failure_logged {
                                eprintln!(
                                    "arcwell: could not show a desktop notification ({reason}); reminders stay in Arcwell's notification list"
                                );
                                failure_logged = true;
                            }
                            OsOutcome::Unavailable
                        }
                    };
                    let record_source = Arc::clone(&source);
                    let id = notice.id;
                    let recorded = tokio::task::spawn_blocking(move || {
                        record_source.with_practice(|p| p.reminders().record_outcome(id, os))
                    })
                    .await;
                    if let Ok(Some(Err(e))) = recorded {
                        state.error = Some(e.to_string());
                    }
                    state.delivered += 1;
                    let _no_listener = delivered.send((notice.clone(), os));
                    state.last = Some((notice, os));
                }
            }
            Ok(Some(Err(e))) => {
                let message = e.to_string();
                if error_logged.as_deref() != Some(message.as_str()) {
                    eprintln!("arcwell: reminders could not be checked ({message}); trying again every minute");
                    error_logged = Some(message.clone());
                }
                state.error = Some(message);
                state.next_wake = Some(now + RETRY_AFTER);
            }
            Ok(None) => {
                state.locked = true;
                state.next_wake = None;
            }
            Err(join) => {
                eprintln!("arcwell: the reminder check stopped unexpectedly ({join}); trying again in a minute");
                state.error = Some(join.to_string());
                state.next_wake = Some(now + RETRY_AFTER);
            }
        }
        status.send_replace(state.clone());

        let wake = state.next_wake;
        let sleep = async {
            match wake {
                Some(at) => clock.sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            command = commands.recv() => {
                // A burst of changes (an import, a dosing session queueing six check-ins) is one tick.
                let mut stop = matches!(command, Some(Command::Stop) | None);
                while let Ok(more) = commands.try_recv() {
                    stop |= more == Command::Stop;
                }
                if stop {
                    return;
                }
            }
            () = sleep => {}
        }
    }
}

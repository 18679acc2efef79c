//! The reminder commands: `watch` (the scheduler without the app), the notification centre, and
//! the reminder settings.

use std::fmt::Write;
use std::sync::{Arc, Mutex};

use arcwell::reminders::{
    Command, DesktopNotifier, Lateness, Notice, NotificationEntry, OsOutcome, QuietHours, ReminderSettings,
    SystemClock, scheduler,
};
use arcwell::{Error, Practice, Result};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use crate::output;

#[derive(Subcommand)]
pub enum NotificationCmd {
    /// Mark every notification read
    Read,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

impl OnOff {
    fn on(self) -> bool {
        matches!(self, OnOff::On)
    }
}

#[derive(Args)]
pub struct ReminderFlags {
    /// Quiet hours in your time zone, START-END (e.g. 21:00-08:00), or "off"
    #[arg(long, value_name = "HH:MM-HH:MM|off")]
    quiet_hours: Option<String>,
    /// Show participant names in desktop notifications (they can appear on a lock screen)
    #[arg(long, value_name = "on|off")]
    show_names: Option<OnOff>,
    /// Keep the app running in the tray when its window is closed
    #[arg(long, value_name = "on|off")]
    keep_in_tray: Option<OnOff>,
}

fn parse_quiet(s: &str) -> Result<Option<QuietHours>> {
    if s.trim().eq_ignore_ascii_case("off") {
        return Ok(None);
    }
    let (start, end) = s.split_once('-').ok_or_else(|| {
        Error::Invalid(format!("{s:?} is not a quiet-hours window; write START-END, e.g. 21:00-08:00, or off"))
    })?;
    Ok(Some(QuietHours { start: start.trim().to_owned(), end: end.trim().to_owned() }))
}

/// `arcwell reminders [--quiet-hours …] [--show-names on|off] [--keep-in-tray on|off]`
pub fn settings(practice: &mut Practice, flags: ReminderFlags, json: bool) -> Result<()> {
    let mut s = practice.reminders().settings()?;
    let changing = flags.quiet_hours.is_some() || flags.show_names.is_some() || flags.keep_in_tray.is_some();
    if changing {
        if let Some(q) = flags.quiet_hours {
            s.quiet_hours = parse_quiet(&q)?;
        }
        if let Some(v) = flags.show_names {
            s.show_names = v.on();
        }
        if let Some(v) = flags.keep_in_tray {
            s.keep_in_tray = v.on();
        }
        s = practice.reminders().update_settings(&s)?;
    }
    output::print(json, &s, settings_text)
}

fn settings_text(s: &ReminderSettings) -> String {
    let quiet = s.quiet_hours.as_ref().map_or("off".to_owned(), |q| format!("{}–{}", q.start, q.end));
    let on = |b: bool| if b { "on" } else { "off" };
    format!(
        "quiet hours: {quiet}\nnames in notifications: {}\nkeep running in the tray: {}\n",
        on(s.show_names),
        on(s.keep_in_tray)
    )
}

/// `arcwell notifications [read]`
pub fn notifications(
    practice: &mut Practice,
    action: Option<NotificationCmd>,
    json: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    match action {
        Some(NotificationCmd::Read) => {
            #[derive(Serialize)]
            struct Marked {
                marked_read: u32,
            }
            let marked_read = practice.reminders().mark_read(now)?;
            output::print(json, &Marked { marked_read }, |m| format!("{} marked read\n", m.marked_read))
        }
        None => output::print(json, &practice.reminders().notifications(200)?, |list| notifications_text(list)),
    }
}

fn late_text(l: Lateness) -> &'static str {
    match l {
        Lateness::NotRunning => " (came due while Arcwell was not running)",
        Lateness::QuietHours => " (held through quiet hours)",
        Lateness::Asleep => " (came due while the computer was asleep)",
    }
}

fn notifications_text(list: &[NotificationEntry]) -> String {
    if list.is_empty() {
        return "no notifications yet\n".to_owned();
    }
    let mut out = String::new();
    for n in list {
        let mark = if n.read { " " } else { "•" };
        let _ = writeln!(out, "{mark} {}  {}  [{}]", n.created.local, n.title, n.id);
        for i in &n.items {
            let state = if i.still_due { "" } else { " — done or moved since" };
            let late = i.late.map(late_text).unwrap_or_default();
            let _ = writeln!(out, "    {} · {} · due {}{late}{state}", i.participant_name, i.purpose, i.due.local);
        }
    }
    out
}

/// One line per notification raised, for a terminal or a log: ids and counts, never names.
#[derive(Serialize)]
struct Raised<'a> {
    notification_id: String,
    title: &'a str,
    check_ins: usize,
    shown_by_os: bool,
}

/// `arcwell watch`: the app's scheduler without the window, until SIGINT or SIGTERM.
pub fn watch(practice: Practice, json: bool) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| Error::Io { context: "cannot start the reminder scheduler".into(), source })?;
    runtime.block_on(async move {
        let (handle, task) =
            scheduler(Arc::new(Mutex::new(practice)), Arc::new(SystemClock), Arc::new(DesktopNotifier::new()));
        let mut delivered = handle.deliveries();
        let task = tokio::spawn(task);
        if !json {
            println!("watching for due check-ins; Ctrl-C to stop");
        }
        let stop = stop_signal();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => break,
                got = delivered.recv() => match got {
                    Ok((notice, os)) => print_raised(&notice, os, json),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(missed)) => {
                        eprintln!("arcwell: {missed} notifications were raised faster than they could be printed");
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                },
            }
        }
        // The scheduler finishes the tick it is in before it stops: print what that tick raised.
        handle.send(Command::Stop);
        let _ = task.await;
        while let Ok((notice, os)) = delivered.try_recv() {
            print_raised(&notice, os, json);
        }
    });
    Ok(())
}

fn print_raised(notice: &Notice, os: OsOutcome, json: bool) {
    let line = Raised {
        notification_id: notice.id.to_string(),
        title: &notice.title,
        check_ins: notice.count,
        shown_by_os: os == OsOutcome::Shown,
    };
    if json {
        // JSON Lines: one object per notification, for a log or a pipe.
        println!("{}", serde_json::to_string(&line).unwrap_or_default());
    } else {
        let only_here = if line.shown_by_os { "" } else { " (in Arcwell's list only)" };
        println!("{}  {}{only_here}", Utc::now().format("%Y-%m-%dT%H:%M:%SZ"), line.title);
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
            (Ok(mut int), Ok(mut term)) => {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
            }
            _ => std::future::pending().await,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

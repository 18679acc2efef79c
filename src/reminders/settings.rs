//! The facilitator's reminder settings: quiet hours, notification privacy, and whether the app keeps
//! running in the tray when its window closes.

use chrono::{DateTime, NaiveTime, Utc};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Reminders;
use crate::domain::time::at_local;
use crate::domain::time::parse_time_of_day;
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Result};

/// A daily window, in the facilitator's local time, in which nothing is delivered. It may cross
/// midnight (21:00–08:00, the default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct QuietHours {
    /// `HH:MM`, local.
    pub start: String,
    /// `HH:MM`, local; the first minute when delivery resumes.
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ReminderSettings {
    /// `None`: quiet hours are off.
    pub quiet_hours: Option<QuietHours>,
    /// Show participant names in OS notifications (they can appear on a lock screen). Off by default.
    pub show_names: bool,
    /// Keep the app running in the tray when its window is closed, so reminders keep coming.
    pub keep_in_tray: bool,
}

/// Parsed quiet hours, for the scheduler's arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quiet {
    start: NaiveTime,
    end: NaiveTime,
}

impl Quiet {
    pub(crate) fn parse(q: &QuietHours) -> Result<Self> {
        let start = parse_time_of_day(&q.start)?;
        let end = parse_time_of_day(&q.end)?;
        if start == end {
            return Err(Error::invalid(format!(
                "quiet hours from {} to {} would be empty; choose different start and end times, or turn quiet hours off",
                q.start, q.end
            )));
        }
        Ok(Self { start, end })
    }

    /// Whether a local time of day falls inside the window.
    pub(crate) fn contains(self, t: NaiveTime) -> bool {
        if self.start < self.end { self.start <= t && t < self.end } else { t >= self.start || t < self.end }
    }

    /// Whether `at` falls inside quiet hours in `zone`.
    pub(crate) fn holds(self, at: DateTime<Utc>, zone: chrono_tz::Tz) -> bool {
        self.contains(at.with_timezone(&zone).time())
    }

    /// The first instant at or after `now` when quiet hours end (the end time on today's or
    /// tomorrow's local date, resolved across DST like check-in times are).
    pub(crate) fn next_end(self, now: DateTime<Utc>, zone: chrono_tz::Tz) -> DateTime<Utc> {
        let today = now.with_timezone(&zone).date_naive();
        (0..3)
            .filter_map(|n| today.checked_add_days(chrono::Days::new(n)))
            .map(|d| at_local(zone, d.and_time(self.end)))
            .find(|t| *t > now)
            .unwrap_or(now)
    }
}

pub(crate) fn load(conn: &Connection) -> Result<ReminderSettings> {
    Ok(conn.query_row(
        "SELECT quiet_enabled, quiet_start, quiet_end, show_names, keep_in_tray FROM reminder_settings WHERE id = 1",
        [],
        |r| {
            let quiet: bool = r.get(0)?;
            let window = QuietHours { start: r.get(1)?, end: r.get(2)? };
            Ok(ReminderSettings {
                quiet_hours: quiet.then_some(window),
                show_names: r.get(3)?,
                keep_in_tray: r.get(4)?,
            })
        },
    )?)
}

pub(crate) fn quiet(settings: &ReminderSettings) -> Result<Option<Quiet>> {
    settings.quiet_hours.as_ref().map(Quiet::parse).transpose()
}

impl Reminders<'_> {
    pub fn settings(self) -> Result<ReminderSettings> {
        self.practice.read(load)
    }

    /// Replaces the settings (the quiet hours are checked and normalised to `HH:MM`).
    pub fn update_settings(self, new: &ReminderSettings) -> Result<ReminderSettings> {
        let quiet = new.quiet_hours.as_ref().map(Quiet::parse).transpose()?;
        self.practice.write(|tx| {
            if let Some(q) = quiet {
                tx.execute(
                    "UPDATE reminder_settings SET quiet_enabled = 1, quiet_start = ?1, quiet_end = ?2 WHERE id = 1",
                    params![q.start.format("%H:%M").to_string(), q.end.format("%H:%M").to_string()],
                )?;
            } else {
                tx.execute("UPDATE reminder_settings SET quiet_enabled = 0 WHERE id = 1", [])?;
            }
            tx.execute(
                "UPDATE reminder_settings SET show_names = ?1, keep_in_tray = ?2 WHERE id = 1",
                params![new.show_names, new.keep_in_tray],
            )?;
            audit::record(tx, Action::Update, &Subject::Settings, Some("reminders"))?;
            load(tx)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn q(s: &str, e: &str) -> Quiet {
        Quiet::parse(&QuietHours { start: s.into(), end: e.into() }).unwrap()
    }
    fn t(s: &str) -> NaiveTime {
        parse_time_of_day(s).unwrap()
    }

    #[test]
    fn windows_across_midnight_and_within_a_day() {
        let night = q("21:00", "08:00");
        for (time, inside) in [
            ("20:59", false),
            ("21:00", true),
            ("23:59", true),
            ("00:00", true),
            ("07:59", true),
            ("08:00", false),
            ("12:00", false),
        ] {
            assert_eq!(night.contains(t(time)), inside, "21:00–08:00 at {time}");
        }
        let lunch = q("12:00", "13:30");
        for (time, inside) in [("11:59", false), ("12:00", true), ("13:29", true), ("13:30", false), ("00:00", false)] {
            assert_eq!(lunch.contains(t(time)), inside, "12:00–13:30 at {time}");
        }
    }

    #[test]
    fn an_empty_window_is_refused_with_what_to_do() {
        let e = Quiet::parse(&QuietHours { start: "09:00".into(), end: "09:00".into() }).unwrap_err();
        assert!(e.to_string().contains("turn quiet hours off"), "{e}");
        assert!(Quiet::parse(&QuietHours { start: "25:00".into(), end: "08:00".into() }).is_err());
    }

    #[test]
    fn the_end_of_quiet_hours_is_the_next_local_end_time_across_dst() {
        let berlin = chrono_tz::Europe::Berlin;
        let night = q("21:00", "08:00");
        // 22:30 Berlin (CET, UTC+1) → 08:00 next morning = 07:00 UTC.
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 21, 30, 0).unwrap();
        assert_eq!(night.next_end(now, berlin), Utc.with_ymd_and_hms(2026, 11, 26, 7, 0, 0).unwrap());
        // 03:00 Berlin on the spring-forward night (29 March 2026): 08:00 CEST = 06:00 UTC the same day.
        let now = Utc.with_ymd_and_hms(2026, 3, 29, 0, 30, 0).unwrap();
        assert_eq!(night.next_end(now, berlin), Utc.with_ymd_and_hms(2026, 3, 29, 6, 0, 0).unwrap());
        // An end at 02:30 that day does not exist: quiet hours end at the first instant after the gap.
        let small = q("01:00", "02:30");
        let now = Utc.with_ymd_and_hms(2026, 3, 29, 0, 15, 0).unwrap();
        assert_eq!(small.next_end(now, berlin), Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap());
    }
}

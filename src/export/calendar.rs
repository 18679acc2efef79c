//! An iCalendar (RFC 5545) file of the check-ins coming up, for the facilitator's own calendar:
//! no participant names unless asked for.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use icalendar::{Calendar, Component, Event, EventLike};
use serde::Deserialize;
use ts_rs::TS;

use super::Exports;
use super::{Exported, Privacy, WARNING, write_new};
use crate::integration::checkin::{self, CheckIn};
use crate::integration::status::{end_of_day, local_day};
use crate::store::audit::{Action, Subject};
use crate::{Error, Result};

/// How long each check-in's calendar entry lasts.
pub const ENTRY_MINUTES: i64 = 30;

/// Which check-ins go into the calendar.
#[derive(Debug, Clone, Copy, Deserialize, TS)]
#[ts(export)]
pub struct CalendarRange {
    /// Check-ins still due from the start of today through this many days ahead (1 to 730).
    pub days: u32,
    #[serde(default)]
    pub privacy: Privacy,
}

impl Default for CalendarRange {
    fn default() -> Self {
        Self { days: 90, privacy: Privacy::default() }
    }
}

/// The calendar entry for one check-in.
fn entry(c: &CheckIn, privacy: Privacy, now: DateTime<Utc>) -> Event {
    let what = c.offset.map(|o| o.label()).unwrap_or_else(|| "added by hand".to_owned());
    let (summary, description) = if privacy.names {
        let mut d = format!("{}\n", c.purpose);
        for p in &c.prompts {
            d.push_str(&format!("• {p}\n"));
        }
        (format!("Check-in with {} ({what})", c.participant_name), d)
    } else {
        (
            format!("Arcwell check-in ({what})"),
            "Open Arcwell to see who and what to ask. (Exported without names.)".to_owned(),
        )
    };
    Event::new()
        .uid(&format!("{}@arcwell", c.id))
        .timestamp(now)
        .summary(&summary)
        .description(&description)
        .starts(c.due.utc)
        .ends(c.due.utc + Duration::minutes(ENTRY_MINUTES))
        .add_property("CATEGORIES", "Arcwell")
        .done()
}

/// The calendar as text.
pub fn render(checkins: &[CheckIn], privacy: Privacy, now: DateTime<Utc>) -> String {
    let mut cal = Calendar::empty();
    cal.append_property(("VERSION", "2.0"));
    cal.append_property(("PRODID", concat!("-//Arcwell//Arcwell ", env!("CARGO_PKG_VERSION"), "//EN")));
    cal.append_property(("CALSCALE", "GREGORIAN"));
    cal.name("Arcwell check-ins");
    for c in checkins {
        cal.push(entry(c, privacy, now));
    }
    cal.done().to_string()
}

impl Exports<'_> {
    /// The check-ins still due from the start of today (the facilitator's zone) through `days` ahead.
    pub fn upcoming_checkins(self, days: u32, now: DateTime<Utc>) -> Result<Vec<CheckIn>> {
        if !(1..=730).contains(&days) {
            return Err(Error::invalid(format!("choose 1 to 730 days ahead (not {days})")));
        }
        let zone = self.practice.facilitator().profile()?.zone()?;
        let from = end_of_day(local_day(now, zone) - chrono::Days::new(1), zone);
        let to = end_of_day(local_day(now, zone) + chrono::Days::new(u64::from(days)), zone);
        self.practice.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "SELECT {} FROM {} WHERE c.status = 'due' AND c.due_at >= ?1 AND c.due_at < ?2 ORDER BY c.due_at, c.id",
                checkin::COLUMNS,
                checkin::FROM
            ))?;
            let rows = stmt
                .query_map([crate::domain::time::to_db(from), crate::domain::time::to_db(to)], checkin::from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    /// Writes the upcoming check-ins as an iCalendar file at `dest` (a new file).
    pub fn calendar(self, dest: &Path, range: CalendarRange, now: DateTime<Utc>) -> Result<Exported> {
        let checkins = self.practice.exports().upcoming_checkins(range.days, now)?;
        let text = render(&checkins, range.privacy, now);
        let written = write_new(dest, |w: &mut dyn Write| w.write_all(text.as_bytes()))?;
        self.practice.record_event(Action::Export, &Subject::Export, Some(range.privacy.audit_detail("calendar")))?;
        Ok(Exported {
            files: vec![written.display().to_string()],
            rows: checkins.len() as u64,
            warning: WARNING.to_owned(),
        })
    }
}

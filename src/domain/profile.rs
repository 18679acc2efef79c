//! The facilitator's profile: who keeps this practice, in which time zone, and when in the day
//! check-ins should land.

use chrono::{DateTime, NaiveTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::time::{parse_time_of_day, parse_zone, to_db};
use super::{optional_line, required_line};
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Profile {
    pub name: String,
    /// IANA zone name, e.g. `Europe/Berlin`.
    pub timezone: String,
    /// Preferred local time of day for check-ins, `HH:MM`.
    pub checkin_time: String,
    /// Days without contact, while a check-in is past due, before an arc counts as stalled.
    pub stall_days: u32,
}

pub const DEFAULT_STALL_DAYS: u32 = 14;

/// The profile as typed on the first-run screen or `arcwell init`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct ProfileInput {
    pub name: String,
    pub timezone: String,
    /// `HH:MM`; 10:00 when absent.
    #[ts(optional)]
    pub checkin_time: Option<String>,
    /// 14 when absent.
    #[ts(optional)]
    pub stall_days: Option<u32>,
}

pub const DEFAULT_CHECKIN_TIME: &str = "10:00";

impl ProfileInput {
    pub(crate) fn validate(&self) -> Result<Profile> {
        let name = required_line("the facilitator's name", &self.name)?;
        let timezone = parse_zone(&self.timezone)?.name().to_owned();
        let checkin = optional_line("check-in time", self.checkin_time.as_deref())?;
        let time: NaiveTime = parse_time_of_day(checkin.as_deref().unwrap_or(DEFAULT_CHECKIN_TIME))?;
        let stall_days = self.stall_days.unwrap_or(DEFAULT_STALL_DAYS);
        if !(1..=365).contains(&stall_days) {
            return Err(Error::invalid(format!(
                "the stall threshold is {stall_days} days; choose between 1 and 365 (the default is {DEFAULT_STALL_DAYS})"
            )));
        }
        Ok(Profile { name, timezone, checkin_time: time.format("%H:%M").to_string(), stall_days })
    }
}

pub(crate) fn insert(conn: &rusqlite::Connection, p: &Profile, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "INSERT INTO profile (id, name, timezone, checkin_time, stall_days, created_at, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?5)",
        params![p.name, p.timezone, p.checkin_time, p.stall_days, to_db(now)],
    )?;
    Ok(())
}

pub(crate) fn load(conn: &rusqlite::Connection) -> Result<Profile> {
    conn.query_row("SELECT name, timezone, checkin_time, stall_days FROM profile WHERE id = 1", [], |r| {
        Ok(Profile { name: r.get(0)?, timezone: r.get(1)?, checkin_time: r.get(2)?, stall_days: r.get(3)? })
    })
    .optional()?
    .ok_or_else(|| Error::Conflict("this practice has no facilitator profile; it was not created by Arcwell".into()))
}

impl Profile {
    /// The facilitator's zone, parsed (it was validated when saved).
    pub fn zone(&self) -> Result<chrono_tz::Tz> {
        parse_zone(&self.timezone)
    }

    pub fn checkin_time_of_day(&self) -> Result<NaiveTime> {
        parse_time_of_day(&self.checkin_time)
    }
}

/// The facilitator's own profile: name, zone, signature.
/// Borrowed from a practice by [`Practice::facilitator`].
pub struct Facilitator<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl Facilitator<'_> {
    pub fn profile(self) -> Result<Profile> {
        self.practice.read(load)
    }

    pub fn update(self, input: &ProfileInput, now: DateTime<Utc>) -> Result<Profile> {
        let p = input.validate()?;
        self.practice.write(|tx| {
            tx.execute(
                "UPDATE profile SET name = ?1, timezone = ?2, checkin_time = ?3, stall_days = ?4, updated_at = ?5
                 WHERE id = 1",
                params![p.name, p.timezone, p.checkin_time, p.stall_days, to_db(now)],
            )?;
            audit::record(tx, Action::Update, &Subject::Profile, None)
        })?;
        Ok(p)
    }
}

//! The facilitator's profile: who keeps this practice, in which time zone, and when in the day
//! check-ins should land.

use chrono::{DateTime, NaiveTime, Utc};
use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::time::{parse_time_of_day, parse_zone, to_db};
use super::{optional_line, required_line};
use crate::{Error, Practice, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Profile {
    pub name: String,
    /// IANA zone name, e.g. `Europe/Berlin`.
    pub timezone: String,
    /// Preferred local time of day for check-ins, `HH:MM`.
    pub checkin_time: String,
}

/// The profile as typed on the first-run screen or `arcwell init`.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct ProfileInput {
    pub name: String,
    pub timezone: String,
    /// `HH:MM`; 10:00 when absent.
    #[ts(optional)]
    pub checkin_time: Option<String>,
}

pub const DEFAULT_CHECKIN_TIME: &str = "10:00";

impl ProfileInput {
    pub(crate) fn validate(&self) -> Result<Profile> {
        let name = required_line("the facilitator's name", &self.name)?;
        let timezone = parse_zone(&self.timezone)?.name().to_owned();
        let checkin = optional_line("check-in time", self.checkin_time.as_deref())?;
        let time: NaiveTime = parse_time_of_day(checkin.as_deref().unwrap_or(DEFAULT_CHECKIN_TIME))?;
        Ok(Profile { name, timezone, checkin_time: time.format("%H:%M").to_string() })
    }
}

pub(crate) fn insert(conn: &rusqlite::Connection, p: &Profile, now: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "INSERT INTO profile (id, name, timezone, checkin_time, created_at, updated_at)
         VALUES (1, ?1, ?2, ?3, ?4, ?4)",
        params![p.name, p.timezone, p.checkin_time, to_db(now)],
    )?;
    Ok(())
}

pub(crate) fn load(conn: &rusqlite::Connection) -> Result<Profile> {
    conn.query_row("SELECT name, timezone, checkin_time FROM profile WHERE id = 1", [], |r| {
        Ok(Profile { name: r.get(0)?, timezone: r.get(1)?, checkin_time: r.get(2)? })
    })
    .optional()?
    .ok_or_else(|| {
        Error::Conflict("this practice has no facilitator profile; it was not created by `arcwell init`".into())
    })
}

impl Practice {
    pub fn profile(&self) -> Result<Profile> {
        self.read(load)
    }

    pub fn update_profile(&mut self, input: &ProfileInput, now: DateTime<Utc>) -> Result<Profile> {
        let p = input.validate()?;
        self.write(|tx| {
            tx.execute(
                "UPDATE profile SET name = ?1, timezone = ?2, checkin_time = ?3, updated_at = ?4 WHERE id = 1",
                params![p.name, p.timezone, p.checkin_time, to_db(now)],
            )?;
            Ok(())
        })?;
        Ok(p)
    }
}

//! When a check-in falls due: an offset from the anchor (the end of the administration session),
//! in the facilitator's zone and at their preferred time of day.
//!
//! Hours are exact elapsed time. Days, weeks and months are calendar steps on the anchor's local
//! date, landing at the preferred local time; months clamp to the month's end; a local time in a
//! DST gap moves to the first instant after the gap, one in a fold takes its first occurrence.

use chrono::{DateTime, Duration, Months, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::domain::time::at_local;
use crate::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum OffsetUnit {
    Hours,
    Days,
    Weeks,
    Months,
}

impl OffsetUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            OffsetUnit::Hours => "hours",
            OffsetUnit::Days => "days",
            OffsetUnit::Weeks => "weeks",
            OffsetUnit::Months => "months",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        match s.trim().to_lowercase().as_str() {
            "h" | "hour" | "hours" => Ok(OffsetUnit::Hours),
            "d" | "day" | "days" => Ok(OffsetUnit::Days),
            "w" | "week" | "weeks" => Ok(OffsetUnit::Weeks),
            "m" | "mo" | "month" | "months" => Ok(OffsetUnit::Months),
            _ => Err(Error::invalid(format!("{s:?} is not an offset unit; use hours, days, weeks or months"))),
        }
    }
}

impl rusqlite::types::FromSql for OffsetUnit {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        Self::parse(v.as_str()?).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
    }
}

/// How long after the anchor a check-in falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Offset {
    pub amount: u32,
    pub unit: OffsetUnit,
}

/// The longest offset a plan may hold: two years, in any unit.
const MAX_HOURS: u32 = 2 * 366 * 24;

impl Offset {
    pub fn new(amount: u32, unit: OffsetUnit) -> Result<Self> {
        let hours = match unit {
            OffsetUnit::Hours => Some(amount),
            OffsetUnit::Days => amount.checked_mul(24),
            OffsetUnit::Weeks => amount.checked_mul(7 * 24),
            OffsetUnit::Months => amount.checked_mul(31 * 24),
        };
        if amount == 0 || hours.is_none_or(|h| h > MAX_HOURS) {
            return Err(Error::invalid(format!(
                "a check-in offset must be between 1 hour and 2 years after the session (got {amount} {})",
                unit.as_str()
            )));
        }
        Ok(Self { amount, unit })
    }

    /// Parses `24h`, `3d`, `2w`, `1m`, or `24 hours`.
    pub fn parse(s: &str) -> Result<Self> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (n, unit) = s.split_at(split);
        let amount = n.parse::<u32>().map_err(|_| {
            Error::invalid(format!("{s:?} is not an offset; write a number and a unit, e.g. 24h, 3d, 2w or 1m"))
        })?;
        Self::new(amount, OffsetUnit::parse(unit)?)
    }

    pub fn label(&self) -> String {
        let unit = match (self.unit, self.amount) {
            (OffsetUnit::Hours, 1) => "hour",
            (OffsetUnit::Days, 1) => "day",
            (OffsetUnit::Weeks, 1) => "week",
            (OffsetUnit::Months, 1) => "month",
            (u, _) => u.as_str(),
        };
        format!("{} {unit}", self.amount)
    }
}

/// The instant a check-in `offset` after `anchor` falls due.
pub fn due_at(anchor: DateTime<Utc>, offset: Offset, zone: Tz, checkin_time: NaiveTime) -> Result<DateTime<Utc>> {
    let overflow = || Error::invalid("that check-in would fall outside the calendar; use a shorter offset");
    let local_date = anchor.with_timezone(&zone).date_naive();
    let n = offset.amount;
    let date = match offset.unit {
        OffsetUnit::Hours => return anchor.checked_add_signed(Duration::hours(i64::from(n))).ok_or_else(overflow),
        OffsetUnit::Days => local_date.checked_add_signed(Duration::days(i64::from(n))),
        OffsetUnit::Weeks => local_date.checked_add_signed(Duration::weeks(i64::from(n))),
        OffsetUnit::Months => local_date.checked_add_months(Months::new(n)),
    }
    .ok_or_else(overflow)?;
    Ok(at_local(zone, date.and_time(checkin_time)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn offsets_parse_and_refuse_nonsense() {
        assert_eq!(Offset::parse("24h").unwrap(), Offset { amount: 24, unit: OffsetUnit::Hours });
        assert_eq!(Offset::parse("3 days").unwrap(), Offset { amount: 3, unit: OffsetUnit::Days });
        assert_eq!(Offset::parse("1m").unwrap().label(), "1 month");
        for bad in ["", "h", "0d", "-3d", "3 fortnights", "25m", "99999999h"] {
            assert!(Offset::parse(bad).is_err(), "{bad:?} is refused");
        }
    }

    #[test]
    fn schedule_arithmetic() {
        let ten = NaiveTime::from_hms_opt(10, 0, 0).unwrap();
        let nine_thirty = NaiveTime::from_hms_opt(9, 30, 0).unwrap();
        let two_thirty = NaiveTime::from_hms_opt(2, 30, 0).unwrap();
        let la: Tz = "America/Los_Angeles".parse().unwrap();
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
        let auckland: Tz = "Pacific/Auckland".parse().unwrap();
        let h = |n| Offset::new(n, OffsetUnit::Hours).unwrap();
        let d = |n| Offset::new(n, OffsetUnit::Days).unwrap();
        let w = |n| Offset::new(n, OffsetUnit::Weeks).unwrap();
        let m = |n| Offset::new(n, OffsetUnit::Months).unwrap();
        // (what, anchor, offset, zone, preferred time, expected due instant)
        let cases = [
            // Hours are exact durations, DST or not.
            ("24 h across LA spring-forward", "2026-03-07T18:00:00Z", h(24), la, ten, "2026-03-08T18:00:00Z"),
            ("72 h across Berlin fall-back", "2026-10-24T15:00:00Z", h(72), berlin, ten, "2026-10-27T15:00:00Z"),
            // Days land at the preferred local time: the UTC hour moves with DST.
            ("1 day into LA DST (PST→PDT)", "2026-03-07T20:00:00Z", d(1), la, ten, "2026-03-08T17:00:00Z"),
            ("1 week over LA spring-forward", "2026-03-02T20:00:00Z", w(1), la, ten, "2026-03-09T17:00:00Z"),
            ("1 day out of Berlin DST (CEST→CET)", "2026-10-24T12:00:00Z", d(1), berlin, ten, "2026-10-25T09:00:00Z"),
            ("2 weeks over Berlin fall-back", "2026-10-20T12:00:00Z", w(2), berlin, ten, "2026-11-03T09:00:00Z"),
            // The anchor's *local* date counts: 23:30 in LA is already the next day in UTC.
            ("local date, west of UTC", "2026-06-01T06:30:00Z", d(1), la, ten, "2026-06-01T17:00:00Z"),
            ("local date, east of UTC", "2026-06-01T16:00:00Z", d(1), tokyo, nine_thirty, "2026-06-03T00:30:00Z"),
            ("southern-hemisphere DST ends", "2026-04-03T22:00:00Z", d(2), auckland, ten, "2026-04-05T22:00:00Z"),
            // Months clamp to the month's end.
            ("Jan 31 + 1 month (2026)", "2026-01-31T12:00:00Z", m(1), berlin, ten, "2026-02-28T09:00:00Z"),
            ("Jan 31 + 1 month (leap 2028)", "2028-01-31T12:00:00Z", m(1), berlin, ten, "2028-02-29T09:00:00Z"),
            ("Mar 31 + 3 months", "2026-03-31T12:00:00Z", m(3), berlin, ten, "2026-06-30T08:00:00Z"),
            ("Nov 30 + 3 months over New Year", "2026-11-30T12:00:00Z", m(3), tokyo, ten, "2027-02-28T01:00:00Z"),
            // Preferred times inside a DST gap or fold.
            (
                "02:30 in LA's gap moves to 03:00 PDT",
                "2026-03-07T20:00:00Z",
                d(1),
                la,
                two_thirty,
                "2026-03-08T10:00:00Z",
            ),
            (
                "02:30 in Berlin's fold takes the first",
                "2026-10-24T12:00:00Z",
                d(1),
                berlin,
                two_thirty,
                "2026-10-25T00:30:00Z",
            ),
        ];
        for (what, anchor, offset, zone, time, expected) in cases {
            assert_eq!(due_at(utc(anchor), offset, zone, time).unwrap(), utc(expected), "{what}");
        }
    }

    #[test]
    fn gap_times_resolve_to_the_end_of_the_gap() {
        let la: Tz = "America/Los_Angeles".parse().unwrap();
        let in_gap = NaiveDate::from_ymd_opt(2026, 3, 8).unwrap().and_hms_opt(2, 15, 0).unwrap();
        assert_eq!(at_local(la, in_gap), utc("2026-03-08T10:00:00Z"), "03:00 PDT, the first instant after the gap");
    }
}

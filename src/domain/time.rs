//! Times as the facilitator types them and as the store keeps them.
//!
//! Stored: UTC, RFC 3339 with milliseconds and `Z` (so text order is time order), beside the zone
//! the time was entered in. Typed: ISO 8601; without an offset a time is local to the facilitator's
//! zone, and a local time that falls in a DST gap or fold is refused with a hint.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use ts_rs::TS;

use crate::{Error, Result};

/// An instant with the zone it was entered in: an IANA name, or a fixed offset like `+02:00`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ZonedTime {
    #[ts(type = "string")]
    pub utc: DateTime<Utc>,
    pub zone: String,
    /// Wall-clock time in `zone`, `YYYY-MM-DDTHH:MM`, for display.
    pub local: String,
}

impl ZonedTime {
    pub fn new(utc: DateTime<Utc>, zone: &str) -> Self {
        let local = local_in(utc, zone);
        Self { utc, zone: zone.to_owned(), local }
    }

    pub(crate) fn from_db(utc: &str, zone: &str) -> rusqlite::Result<Self> {
        Ok(Self::new(from_db(utc)?, zone))
    }
}

fn local_in(utc: DateTime<Utc>, zone: &str) -> String {
    let local = if let Ok(tz) = zone.parse::<Tz>() {
        utc.with_timezone(&tz).naive_local()
    } else if let Some(offset) = parse_offset(zone) {
        utc.with_timezone(&offset).naive_local()
    } else {
        utc.naive_utc()
    };
    // `YYYY-MM-DDTHH:MM`, written directly: this runs for every time on every list.
    use chrono::{Datelike, Timelike};
    format!("{:04}-{:02}-{:02}T{:02}:{:02}", local.year(), local.month(), local.day(), local.hour(), local.minute())
}

fn parse_offset(zone: &str) -> Option<FixedOffset> {
    if zone == "Z" || zone == "UTC" {
        return FixedOffset::east_opt(0);
    }
    DateTime::parse_from_rfc3339(&format!("2000-01-01T00:00:00{zone}")).ok().map(|d| *d.offset())
}

/// The stored form of an instant.
pub(crate) use crate::store::time::{from_db, to_db};

/// Checks an IANA zone name such as `Europe/Berlin`.
pub fn parse_zone(zone: &str) -> Result<Tz> {
    zone.trim().parse::<Tz>().map_err(|_| {
        Error::invalid(format!(
            "unknown time zone {zone:?}; use an IANA name such as Europe/Berlin or America/Los_Angeles"
        ))
    })
}

/// Parses `HH:MM` (24-hour).
pub fn parse_time_of_day(s: &str) -> Result<NaiveTime> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| Error::invalid(format!("{s:?} is not a time of day; use 24-hour HH:MM, e.g. 10:00 or 18:30")))
}

/// The years a typed date or time may fall in. chrono's `%Y` takes any number of digits and a sign,
/// so "226-03-14" would be the year 226 and "-52-7-2" a year BC (whose stored form RFC 3339 cannot
/// read back: found by the `typed_times` fuzz target); a typo in the year is refused instead.
const TYPED_YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

fn check_year(input: &str, year: i32, example: &str) -> Result<()> {
    if TYPED_YEARS.contains(&year) {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "{input:?} falls in the year {year}; write the year with four digits between {} and {}, e.g. {example}",
            TYPED_YEARS.start(),
            TYPED_YEARS.end()
        )))
    }
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Result<NaiveDate> {
    let date = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid(format!("{s:?} is not a date; use YYYY-MM-DD, e.g. 1984-03-09")))?;
    check_year(s, chrono::Datelike::year(&date), "1984-03-09")?;
    Ok(date)
}

/// Parses an ISO 8601 time. With an offset (`Z`, `+02:00`) it is exact and keeps that offset as
/// its zone; without one it is wall-clock time in `zone`.
pub fn parse_time(input: &str, zone: &str) -> Result<ZonedTime> {
    let t = parse_any_time(input, zone)?;
    check_year(input, chrono::Datelike::year(&t.utc), "2026-03-14T10:00")?;
    Ok(t)
}

fn parse_any_time(input: &str, zone: &str) -> Result<ZonedTime> {
    let s = input.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        let offset = if s.ends_with('Z') || s.ends_with('z') { "UTC".to_owned() } else { t.offset().to_string() };
        return Ok(ZonedTime::new(t.with_timezone(&Utc), &offset));
    }
    // `Z` (UTC) without seconds or with a space, as `+00:00` is accepted: 2026-12-01T12:38Z.
    if let Some(utc) = s.strip_suffix(['Z', 'z'])
        && let Some(t) = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
            .iter()
            .find_map(|fmt| NaiveDateTime::parse_from_str(utc, fmt).ok())
    {
        return Ok(ZonedTime::new(t.and_utc(), "UTC"));
    }
    for fmt in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%d %H:%M%:z", "%Y-%m-%d %H:%M:%S%:z"] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Ok(ZonedTime::new(t.with_timezone(&Utc), &t.offset().to_string()));
        }
    }
    let naive = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|fmt| NaiveDateTime::parse_from_str(s, fmt).ok())
        .ok_or_else(|| {
            Error::invalid(format!(
                "{input:?} is not a time; use ISO 8601 like 2026-03-14T10:00 (your zone) or 2026-03-14T10:00+01:00"
            ))
        })?;
    let tz = parse_zone(zone)?;
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(ZonedTime::new(t.with_timezone(&Utc), zone)),
        LocalResult::Ambiguous(a, b) => Err(Error::invalid(format!(
            "{input} happens twice in {zone} (clocks go back); add the offset you mean: {} or {}",
            a.format("%Y-%m-%dT%H:%M%:z"),
            b.format("%Y-%m-%dT%H:%M%:z")
        ))),
        LocalResult::None => Err(Error::invalid(format!(
            "{input} does not exist in {zone} (clocks go forward over it); choose a time outside the skipped hour"
        ))),
    }
}

/// A wall-clock time in `zone` as an instant: a time in a DST gap moves to the first instant after
/// the gap; a time in a fold takes its first occurrence.
pub fn at_local(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // Walk forward to the first local minute that exists: that is the end of the gap
            // (gaps are an hour or two; a day bounds the walk).
            let mut probe = local;
            for _ in 0..(24 * 60) {
                probe += chrono::Duration::minutes(1);
                if let Some(t) = zone.from_local_datetime(&probe).earliest() {
                    return t.with_timezone(&Utc);
                }
            }
            local.and_utc()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_times_parse_in_the_right_zone() {
        // (input, facilitator zone, expected UTC, expected recorded zone)
        let cases = [
            ("2026-03-14T10:00", "Europe/Berlin", "2026-03-14T09:00:00.000Z", "Europe/Berlin"),
            ("2026-07-14 10:00", "Europe/Berlin", "2026-07-14T08:00:00.000Z", "Europe/Berlin"),
            ("2026-07-14T10:00:30", "America/Los_Angeles", "2026-07-14T17:00:30.000Z", "America/Los_Angeles"),
            ("2026-07-14T10:00+05:30", "Europe/Berlin", "2026-07-14T04:30:00.000Z", "+05:30"),
            ("2026-07-14T10:00:00Z", "Europe/Berlin", "2026-07-14T10:00:00.000Z", "UTC"),
            // ISO 8601 with `Z` and no seconds, like the `+00:00` form (issue 23.10).
            ("2026-12-01T12:38Z", "Europe/Berlin", "2026-12-01T12:38:00.000Z", "UTC"),
            ("2026-12-01 12:38z", "America/Los_Angeles", "2026-12-01T12:38:00.000Z", "UTC"),
            ("2026-12-01T12:38+00:00", "Europe/Berlin", "2026-12-01T12:38:00.000Z", "+00:00"),
            ("2026-11-25T09:15", "Australia/Sydney", "2026-11-24T22:15:00.000Z", "Australia/Sydney"),
        ];
        for (input, zone, utc, recorded) in cases {
            let t = parse_time(input, zone).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(to_db(t.utc), utc, "{input} in {zone}");
            assert_eq!(t.zone, recorded, "{input} keeps the zone it was entered in");
        }
    }

    #[test]
    fn dst_gaps_and_folds_are_refused_with_a_hint() {
        let gap = parse_time("2026-03-08T02:30", "America/Los_Angeles").err().map(|e| e.to_string());
        assert!(gap.is_some_and(|m| m.contains("does not exist")), "02:30 is skipped in LA on 2026-03-08");
        let fold = parse_time("2026-10-25T02:30", "Europe/Berlin").err().map(|e| e.to_string());
        assert!(
            fold.is_some_and(|m| m.contains("+02:00") && m.contains("+01:00")),
            "02:30 happens twice in Berlin on 2026-10-25"
        );
    }

    #[test]
    fn malformed_inputs_say_what_to_type() {
        for bad in ["tomorrow", "2026-13-01T10:00", "2026-02-30T10:00", "10:00", "", "2026-12-01T25:38Z", "12:38Z"] {
            let err = parse_time(bad, "Europe/Berlin").err().map(|e| e.to_string());
            assert!(
                err.as_deref().is_some_and(|m| m.contains("ISO 8601") && m.contains(&format!("{bad:?}"))),
                "{bad:?} is refused naming what was typed and the format to use: {err:?}"
            );
        }
        assert!(parse_zone("Mars/Olympus").is_err());
        assert!(parse_time_of_day("25:00").is_err());
        assert!(parse_date("1984-02-30").is_err());
    }

    #[test]
    fn a_typo_in_the_year_is_refused_not_stored() {
        // "-52-7-2\t 0:2" is the input the typed_times fuzz target found: chrono read it as a time in
        // the year 52 BC, whose stored form could not be read back.
        for bad in ["-52-7-2\t 0:2 ", "226-03-14T10:00", "0026-03-14T10:00+01:00", "1850-01-01T00:00:00Z"] {
            let err = parse_time(bad, "Europe/Berlin").err().map(|e| e.to_string());
            assert!(
                err.as_deref().is_some_and(|m| m.contains("four digits between 1900 and 2199")),
                "{bad:?}: {err:?}"
            );
        }
        for bad in ["226-03-14", "-1-01-01", "2200-01-01"] {
            let err = parse_date(bad).err().map(|e| e.to_string());
            assert!(err.as_deref().is_some_and(|m| m.contains("four digits")), "{bad:?}: {err:?}");
        }
        assert!(parse_date("1900-01-01").is_ok() && parse_date("2199-12-31").is_ok());
        assert!(parse_time("2199-12-31T23:59", "UTC").is_ok() && parse_time("20260-03-14T10:00", "UTC").is_err());
    }

    #[test]
    fn local_display_follows_the_entered_zone() {
        let t = parse_time("2026-07-14T10:00+05:30", "Europe/Berlin").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.local, "2026-07-14T10:00");
        let db = ZonedTime::from_db("2026-07-14T08:00:00.000Z", "Europe/Berlin").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(db.local, "2026-07-14T10:00");
    }
}

//! How the store writes an instant: UTC, RFC 3339 with milliseconds and `Z`, so that text order
//! is time order in every index and `ORDER BY`.

use chrono::{DateTime, NaiveDate, NaiveTime, SecondsFormat, Utc};

pub(crate) fn to_db(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Reads an instant back. What `to_db` wrote is read field by field; anything else (an offset, no
/// milliseconds: rows written by hand or by an older build) goes through chrono's RFC 3339 parser.
pub(crate) fn from_db(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    from_db_bytes(s.as_bytes())
}

/// `from_db` of a column's bytes, for the reads that borrow them unchecked: what `to_db` wrote is
/// ASCII, and anything else is checked as UTF-8 before chrono reads it.
pub(crate) fn from_db_bytes(b: &[u8]) -> rusqlite::Result<DateTime<Utc>> {
    let refused = |e: Box<dyn std::error::Error + Send + Sync>| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e)
    };
    match as_written(b) {
        Some(t) => Ok(t),
        None => DateTime::parse_from_rfc3339(std::str::from_utf8(b).map_err(|e| refused(Box::new(e)))?)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|e| refused(Box::new(e))),
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, the one form `to_db` writes. The Outcomes screen reads two of these
/// for each of 130,000 check-ins in a large practice, and the general parser was a tenth of it.
fn as_written(b: &[u8]) -> Option<DateTime<Utc>> {
    let shape = b.len() == 24
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[23] == b'Z';
    if !shape {
        return None;
    }
    let n = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(n(0, 4)?).ok()?, n(5, 7)?, n(8, 10)?)?;
    // A leap second (:60) is left to chrono, which knows how to read it.
    let time = NaiveTime::from_hms_milli_opt(n(11, 13)?, n(14, 16)?, n(17, 19)?, n(20, 23)?)?;
    Some(date.and_time(time).and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field-by-field reading gives what chrono's parser gives, across years, months, days and
    /// times of day, and chrono still reads every other RFC 3339 form.
    #[test]
    fn reads_what_it_writes_as_chrono_does() {
        let start: DateTime<Utc> = "1999-12-31T23:59:59.999Z".parse().unwrap();
        let mut t = start;
        for i in 0..20_000i64 {
            t += chrono::TimeDelta::milliseconds(7_919_993 * (i % 97) + 86_399_999);
            let s = to_db(t);
            assert_eq!(as_written(s.as_bytes()), Some(t), "{s}");
            assert_eq!(from_db(&s).unwrap(), DateTime::parse_from_rfc3339(&s).unwrap().with_timezone(&Utc));
        }
        for (other, want) in [
            ("2026-03-29T01:30:00+01:00", "2026-03-29T00:30:00.000Z"),
            ("2026-03-29T00:30:00Z", "2026-03-29T00:30:00.000Z"),
            ("2026-03-29T00:30:00.5Z", "2026-03-29T00:30:00.500Z"),
            ("2026-03-29t00:30:00.000z", "2026-03-29T00:30:00.000Z"),
        ] {
            assert_eq!(to_db(from_db(other).unwrap()), want, "{other}");
        }
    }

    /// What is not an instant is refused, whichever path reads it.
    #[test]
    fn refuses_what_is_not_an_instant() {
        for bad in [
            "",
            "2026-02-30T10:00:00.000Z",
            "2026-13-01T10:00:00.000Z",
            "2026-12-01T24:00:00.000Z",
            "2026-12-01T10:60:00.000Z",
            "2026-12-01T10:00:00.00xZ",
            "+026-12-01T10:00:00.000Z",
            "tomorrow at ten o'clock!",
        ] {
            assert!(from_db(bad).is_err(), "{bad}");
        }
        assert!(from_db_bytes(b"2026-12-01T10:00:00.000\xffZ").is_err());
        assert!(from_db_bytes(b"2026-12-01T10:00:00\xff+01:00").is_err());
    }
}

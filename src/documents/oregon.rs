//! Oregon's minimum session durations for psilocybin (OAR 333-333-5040): a session may not end
//! before the minimum for the total dose of psilocybin analyte consumed.

use chrono::Duration;

/// The minimum duration for a total dose in milligrams of psilocybin analyte.
pub fn minimum_duration(total_mg: f64) -> Duration {
    let hours = if total_mg < 5.0 {
        1
    } else if total_mg < 10.0 {
        2
    } else if total_mg < 25.0 {
        4
    } else if total_mg <= 35.0 {
        5
    } else {
        6
    };
    Duration::hours(hours)
}

/// A warning when a session of `length` ended before Oregon's minimum for `total_mg`.
pub fn duration_warning(total_mg: f64, length: Duration) -> Option<String> {
    let minimum = minimum_duration(total_mg);
    (length < minimum).then(|| {
        let took = format!("{} h {:02} min", length.num_hours(), length.num_minutes() % 60);
        format!(
            "the session lasted {took}, shorter than the {} h Oregon requires for {total_mg} mg psilocybin; record why in the interventions or observations",
            minimum.num_hours()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dose_boundary() {
        for (mg, hours) in [
            (0.0, 1),
            (4.99, 1),
            (5.0, 2),
            (9.99, 2),
            (10.0, 4),
            (24.99, 4),
            (25.0, 5),
            (35.0, 5),
            (35.01, 6),
            (50.0, 6),
        ] {
            assert_eq!(minimum_duration(mg), Duration::hours(hours), "{mg} mg");
        }
    }

    #[test]
    fn a_warning_only_when_shorter() {
        assert_eq!(duration_warning(25.0, Duration::hours(5)), None, "exactly the minimum is enough");
        let w = duration_warning(25.0, Duration::minutes(4 * 60 + 59)).unwrap();
        assert!(w.contains("4 h 59 min") && w.contains("5 h"), "{w}");
        assert!(duration_warning(4.0, Duration::minutes(59)).is_some());
    }
}

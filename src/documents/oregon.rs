//! Oregon's rules that depend on the dose of psilocybin analyte: the minimum session duration
//! (OAR 333-333-5040) and, for a group administration session, the minimum facilitator-to-client
//! ratio set by the largest dose any client consumed (OAR 333-333-5230).

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

/// The most clients one group administration session may hold, however many facilitators.
pub const MAX_GROUP_CLIENTS: u32 = 25;

/// How many clients one facilitator may attend to in a group session where the largest dose
/// consumed (secondary doses included) is `largest_mg`; `None` above 50 mg, which the rule does not cover.
pub fn clients_per_facilitator(largest_mg: f64) -> Option<u32> {
    Some(if largest_mg < 5.0 {
        25
    } else if largest_mg < 10.0 {
        15
    } else if largest_mg < 15.0 {
        8
    } else if largest_mg < 25.0 {
        6
    } else if largest_mg <= 35.0 {
        4
    } else if largest_mg <= 50.0 {
        2
    } else {
        return None;
    })
}

/// A warning, naming the rule, when `clients` dosed with the largest dose `largest_mg` need more
/// facilitators than the `facilitators` present, or are more than a group may hold.
pub fn ratio_warning(largest_mg: f64, clients: u32, facilitators: u32) -> Option<String> {
    if clients > MAX_GROUP_CLIENTS {
        return Some(format!(
            "{clients} clients: a group administration session may hold at most {MAX_GROUP_CLIENTS} (OAR 333-333-5230(3))"
        ));
    }
    let Some(per) = clients_per_facilitator(largest_mg) else {
        return Some(format!(
            "the largest dose, {largest_mg} mg, is above the 50 mg that Oregon's group ratio covers (OAR 333-333-5230(2)); check the record"
        ));
    };
    let needed = clients.div_ceil(per);
    (needed > facilitators).then(|| {
        format!(
            "with a largest dose of {largest_mg} mg, Oregon allows 1 facilitator to {per} clients (OAR 333-333-5230(2)): {clients} clients need {needed} facilitators, {facilitators} present"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_ratio_at_every_boundary() {
        for (mg, per) in [
            (0.0, Some(25)),
            (4.99, Some(25)),
            (5.0, Some(15)),
            (9.99, Some(15)),
            (10.0, Some(8)),
            (14.99, Some(8)),
            (15.0, Some(6)),
            (24.99, Some(6)),
            (25.0, Some(4)),
            (35.0, Some(4)),
            (35.01, Some(2)),
            (50.0, Some(2)),
            (50.01, None),
        ] {
            assert_eq!(clients_per_facilitator(mg), per, "{mg} mg");
        }
        assert_eq!(ratio_warning(25.0, 8, 2), None, "8 clients at 25 mg: 2 facilitators are enough");
        let w = ratio_warning(25.0, 9, 2).unwrap();
        assert!(
            w.contains("1 facilitator to 4 clients") && w.contains("9 clients need 3 facilitators, 2 present"),
            "{w}"
        );
        assert!(w.contains("OAR 333-333-5230"), "names the rule: {w}");
        assert_eq!(ratio_warning(4.0, 25, 1), None);
        assert!(ratio_warning(4.0, 26, 2).unwrap().contains("at most 25"));
        assert!(ratio_warning(60.0, 2, 2).unwrap().contains("above the 50 mg"));
    }

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

//! Figures with their uncertainty. A solo practice counts tens of arcs, so a share or a mean is
//! never reported bare: a [`Rate`] carries its 95 % Wilson score interval, a [`Mean`] its 95 %
//! Student-t interval, and below [`MIN_N`] neither gives a value at all ("too few to say").
//! The quantiles come from `statrs`. This module knows numbers, nothing of the practice.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};
use ts_rs::TS;

/// Below this many, a share or a mean is "too few to say": its value and interval are `null`.
pub const MIN_N: u32 = 5;

/// The two-sided level of every interval.
const LEVEL: f64 = 0.95;

/// A share of a group (hits out of n) with its 95 % Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Rate {
    pub hits: u32,
    pub n: u32,
    /// hits / n (0–1); `null` below `MIN_N`.
    pub value: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// A mean with its standard deviation and 95 % Student-t interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Mean {
    pub n: u32,
    /// `null` below `MIN_N`, as are the others.
    pub value: Option<f64>,
    pub sd: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The upper `(1 − LEVEL) / 2` quantile of the standard normal.
fn z() -> f64 {
    Normal::standard().inverse_cdf(1.0 - (1.0 - LEVEL) / 2.0)
}

/// The same quantile of Student's t with `df` degrees of freedom (`None` for df 0).
fn t(df: f64) -> Option<f64> {
    StudentsT::new(0.0, 1.0, df).ok().map(|d| d.inverse_cdf(1.0 - (1.0 - LEVEL) / 2.0))
}

/// Rounds to `places` decimals, as figures are shown and compared.
fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

impl Rate {
    /// `hits` out of `n`; the share and its interval only from `MIN_N` on.
    pub fn of(hits: usize, n: usize) -> Rate {
        let (h, total) = (count(hits), count(n));
        if total < MIN_N || hits > n {
            return Rate { hits: h, n: total, value: None, low: None, high: None };
        }
        let (p, nf, z) = (hits as f64 / n as f64, n as f64, z());
        let z2 = z * z;
        let denom = 1.0 + z2 / nf;
        let centre = (p + z2 / (2.0 * nf)) / denom;
        let half = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
        Rate {
            hits: h,
            n: total,
            value: Some(round(p, 3)),
            low: Some(round((centre - half).max(0.0), 3)),
            high: Some(round((centre + half).min(1.0), 3)),
        }
    }

    /// Whether there are enough to say anything.
    pub fn enough(&self) -> bool {
        self.value.is_some()
    }
}

impl Mean {
    /// The mean of `xs`, rounded to `places` decimals; its interval only from `MIN_N` on.
    pub fn of(xs: &[f64], places: i32) -> Mean {
        let n = xs.len();
        let none = Mean { n: count(n), value: None, sd: None, low: None, high: None };
        if count(n) < MIN_N {
            return none;
        }
        let nf = n as f64;
        let mean = xs.iter().sum::<f64>() / nf;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (nf - 1.0)).sqrt();
        let Some(t) = t(nf - 1.0) else { return none };
        let half = t * sd / nf.sqrt();
        Mean {
            n: count(n),
            value: Some(round(mean, places)),
            sd: Some(round(sd, places + 1)),
            low: Some(round(mean - half, places)),
            high: Some(round(mean + half, places)),
        }
    }

    pub fn enough(&self) -> bool {
        self.value.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_intervals_match_hand_computed_ones() {
        // (hits, n, share, low, high): Wilson score, z = 1.959964, computed by hand.
        let cases = [
            (3, 10, 0.3, 0.108, 0.603),
            (0, 5, 0.0, 0.0, 0.434),
            (5, 5, 1.0, 0.566, 1.0),
            (12, 40, 0.3, 0.181, 0.454),
            (50, 100, 0.5, 0.404, 0.596),
        ];
        for (hits, n, p, low, high) in cases {
            let r = Rate::of(hits, n);
            assert_eq!((r.value, r.low, r.high), (Some(p), Some(low), Some(high)), "{hits}/{n}");
            assert!(r.low <= r.value && r.value <= r.high, "the interval holds the share: {r:?}");
        }
    }

    #[test]
    fn below_five_there_is_nothing_to_say_but_the_count() {
        let r = Rate::of(3, 4);
        assert_eq!((r.hits, r.n, r.value, r.low, r.high), (3, 4, None, None, None));
        assert!(!r.enough());
        let m = Mean::of(&[1.0, 2.0, 3.0, 4.0], 1);
        assert_eq!((m.n, m.value, m.low), (4, None, None), "four is too few for a mean too");
        assert_eq!(Rate::of(0, 0).n, 0);
    }

    #[test]
    fn t_intervals_match_hand_computed_ones() {
        // 1..5: mean 3, sd 1.5811, t(4) = 2.776445, half-width 1.9632.
        let m = Mean::of(&[1.0, 2.0, 3.0, 4.0, 5.0], 2);
        assert_eq!((m.value, m.sd, m.low, m.high), (Some(3.0), Some(1.581), Some(1.04), Some(4.96)));
        // PHQ-9 changes of ten arcs: mean −6.2, sd 3.5214, t(9) = 2.262157, half-width 2.5190.
        let changes = [-10.0, -8.0, -9.0, -2.0, -5.0, -12.0, -1.0, -6.0, -4.0, -5.0];
        let m = Mean::of(&changes, 1);
        assert_eq!((m.value, m.low, m.high), (Some(-6.2), Some(-8.7), Some(-3.7)));
        let same = Mean::of(&[4.0; 6], 1);
        assert_eq!((same.value, same.low, same.high), (Some(4.0), Some(4.0), Some(4.0)), "no spread, no width");
    }
}

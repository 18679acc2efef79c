//! Figures with their uncertainty. A solo practice counts tens of arcs, so a share or a mean is
//! never reported bare: a [`Rate`] carries its 95 % Wilson score interval, a [`Mean`] its 95 %
//! Student-t interval, and below [`MIN_N`] neither gives a value at all ("too few to say").
//! The quantiles come from `statrs`. This module knows numbers, nothing of the practice.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};
use statrs::statistics::{Data, OrderStatistics, RankTieBreaker, Statistics};
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

/// Spearman's rank correlation of pairs, with its 95 % interval: Fisher's z with the variance
/// 1.06 / (n − 3) that Fieller, Hartley and Pearson (1957) give for rank correlations.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Correlation {
    pub n: u32,
    /// −1 to 1; `null` below `MIN_N`, or when either side does not vary.
    pub rho: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// A difference of two groups' means (Welch's t, unequal variances), with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Difference {
    /// How many are in the group, and in the rest.
    pub n_in: u32,
    pub n_out: u32,
    /// The group's mean minus the rest's; `null` unless both have at least `MIN_N`.
    pub value: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

fn leaves_out_zero(low: Option<f64>, high: Option<f64>) -> bool {
    matches!((low, high), (Some(l), Some(h)) if l > 0.0 || h < 0.0)
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
pub(crate) fn round(x: f64, places: i32) -> f64 {
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
}

impl Correlation {
    /// Spearman's ρ of `(x, y)` pairs: Pearson's correlation of their ranks, ties averaged.
    pub fn spearman(pairs: &[(f64, f64)]) -> Correlation {
        let n = pairs.len();
        let none = Correlation { n: count(n), rho: None, low: None, high: None };
        if count(n) < MIN_N {
            return none;
        }
        let ranks = |xs: Vec<f64>| {
            let mut data = Data::new(xs);
            data.ranks(RankTieBreaker::Average)
        };
        let rx = ranks(pairs.iter().map(|p| p.0).collect());
        let ry = ranks(pairs.iter().map(|p| p.1).collect());
        let (sx, sy) = (rx.iter().std_dev(), ry.iter().std_dev());
        if !(sx > 0.0 && sy > 0.0) {
            return none;
        }
        let rho = (rx.iter().covariance(ry.iter()) / (sx * sy)).clamp(-1.0, 1.0);
        let half = z() * (1.06 / (n as f64 - 3.0)).sqrt();
        let fisher = rho.atanh();
        Correlation {
            n: count(n),
            rho: Some(round(rho, 3)),
            low: Some(round((fisher - half).tanh(), 3)),
            high: Some(round((fisher + half).tanh(), 3)),
        }
    }

    /// Whether the interval leaves out 0: an association this sample can tell from none.
    pub fn clear(&self) -> bool {
        leaves_out_zero(self.low, self.high)
    }
}

impl Difference {
    /// `inside`'s mean minus `outside`'s, rounded to `places`, with Welch's interval.
    pub fn of(inside: &[f64], outside: &[f64], places: i32) -> Difference {
        let (ni, no) = (inside.len(), outside.len());
        let none = Difference { n_in: count(ni), n_out: count(no), value: None, low: None, high: None };
        if count(ni) < MIN_N || count(no) < MIN_N {
            return none;
        }
        let (a, b) = (inside.iter().mean(), outside.iter().mean());
        let (va, vb) = (inside.iter().variance() / ni as f64, outside.iter().variance() / no as f64);
        let diff = a - b;
        let se = (va + vb).sqrt();
        let half = if se > 0.0 {
            // Welch–Satterthwaite degrees of freedom.
            let df = (va + vb).powi(2) / (va * va / (ni as f64 - 1.0) + vb * vb / (no as f64 - 1.0));
            let Some(t) = t(df) else { return none };
            t * se
        } else {
            0.0
        };
        Difference {
            n_in: count(ni),
            n_out: count(no),
            value: Some(round(diff, places)),
            low: Some(round(diff - half, places)),
            high: Some(round(diff + half, places)),
        }
    }

    /// Whether the interval leaves out 0: a difference this sample can tell from none.
    pub fn clear(&self) -> bool {
        leaves_out_zero(self.low, self.high)
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

    #[test]
    fn spearman_with_ties_matches_a_hand_computed_one() {
        // y has a tie (7, 7): ranks 1, 2, 3.5, 5, 3.5; ρ = 0.821; Fisher z with 1.06 / (n − 3).
        let c = Correlation::spearman(&[(1.0, 5.0), (2.0, 6.0), (3.0, 7.0), (4.0, 8.0), (5.0, 7.0)]);
        assert_eq!((c.n, c.rho, c.low, c.high), (5, Some(0.821), Some(-0.261), Some(0.989)));
        assert!(!c.clear(), "five pairs cannot tell even 0.82 from nothing");
        // Dose against PHQ-9 change in eight arcs: ρ = −0.548 (−0.908 to 0.28).
        let dose = [10.0, 25.0, 24.0, 30.0, 5.0, 18.0, 22.0, 12.0];
        let change = [-7.0, -12.0, 2.0, -9.0, 1.0, -3.0, -8.0, 0.0];
        let pairs: Vec<(f64, f64)> = dose.into_iter().zip(change).collect();
        let c = Correlation::spearman(&pairs);
        assert_eq!((c.rho, c.low, c.high), (Some(-0.548), Some(-0.908), Some(0.28)));
        let flat = Correlation::spearman(&[(1.0, 1.0), (1.0, 2.0), (1.0, 3.0), (1.0, 4.0), (1.0, 5.0)]);
        assert_eq!(flat.rho, None, "a covariate that does not vary says nothing");
        let perfect =
            Correlation::spearman(&[(1.0, 2.0), (2.0, 4.0), (3.0, 6.0), (4.0, 8.0), (5.0, 10.0), (6.0, 12.0)]);
        assert_eq!((perfect.rho, perfect.low, perfect.high), (Some(1.0), Some(1.0), Some(1.0)));
    }

    #[test]
    fn welch_differences_match_a_hand_computed_one() {
        // −8.8 against −2: a difference of −6.8, se 1.594, 9.0 df (t 2.262): −10.4 to −3.2.
        let d = Difference::of(&[-12.0, -7.0, -9.0, -10.0, -6.0], &[2.0, -6.0, -1.0, 0.0, -3.0, -4.0], 1);
        assert_eq!((d.n_in, d.n_out, d.value, d.low, d.high), (5, 6, Some(-6.8), Some(-10.4), Some(-3.2)));
        assert!(d.clear());
        let few = Difference::of(&[1.0, 2.0, 3.0, 4.0], &[1.0; 9], 1);
        assert_eq!((few.n_in, few.value), (4, None), "four on one side are too few");
        let same = Difference::of(&[3.0; 5], &[1.0; 5], 1);
        assert_eq!((same.value, same.low, same.high), (Some(2.0), Some(2.0), Some(2.0)));
    }
}

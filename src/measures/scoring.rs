//! Scoring a measure's answers: checked against the items and options, the total (prorated when
//! the measure allows a few items missing, none when more are), the band, and critical answers.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

use super::{Measure, Method};
use crate::{Error, Result};

/// An answer that needs the facilitator now (PHQ-9 item 9 above 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CriticalFinding {
    pub item: String,
    pub text: String,
    #[ts(type = "number")]
    pub value: i64,
    pub answer: String,
    pub action: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Score {
    /// `null` when more items are missing than the measure allows.
    pub total: Option<f64>,
    /// The total was prorated from the answered items.
    pub prorated: bool,
    pub answered: u32,
    pub items: u32,
    pub band: Option<String>,
    pub critical: Vec<CriticalFinding>,
    /// Why there is no total, or how it was prorated.
    pub note: Option<String>,
    /// Each subscale's mean (none when one of its items is unanswered), for measures with subscales.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<SubscaleScore>>", optional)]
    pub subscales: Vec<SubscaleScore>,
    /// The measure's subscale criterion, when every subscale meets it ("Complete mystical experience").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub criterion: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SubscaleScore {
    pub key: String,
    pub name: String,
    /// The mean of its items, to one decimal.
    pub mean: Option<f64>,
    /// That mean as a share of the maximum answer, 0–100, whole.
    pub percent: Option<f64>,
}

/// The answers as item key → value; `null` or absent is unanswered.
pub fn score(m: &Measure, answers: &Map<String, Value>) -> Result<Score> {
    for key in answers.keys() {
        if m.item(key).is_none() {
            return Err(Error::invalid(format!(
                "{} has no item {key:?}; its items are 1 to {}",
                m.name,
                m.items.len()
            )));
        }
    }
    let mut values = Vec::new();
    let mut critical = Vec::new();
    for item in &m.items {
        let Some(v) = answers.get(&item.key).filter(|v| !v.is_null()) else { continue };
        let value = checked_value(m, &item.key, v)?;
        values.push(value);
        for c in m.critical.iter().filter(|c| c.item == item.key && value >= c.at_least) {
            critical.push(CriticalFinding {
                item: item.key.clone(),
                text: item.text.clone(),
                value,
                answer: m.answer_label(value as f64),
                action: c.action.clone(),
            });
        }
    }
    let n = m.items.len() as u32;
    let answered = values.len() as u32;
    let missing = n - answered;
    let subscales = subscale_scores(m, answers);
    let criterion = m.subscale_criterion.as_ref().and_then(|c| {
        let met = !subscales.is_empty()
            && subscales.iter().all(|s| s.percent.is_some_and(|p| p >= c.at_least_percent as f64));
        met.then(|| c.label.clone())
    });
    let mut out = Score {
        total: None,
        prorated: false,
        answered,
        items: n,
        band: None,
        critical,
        note: None,
        subscales,
        criterion,
    };
    if answered == 0 || missing > m.missing.max_missing {
        out.note = Some(format!(
            "{} of {n} items answered: no total ({}).",
            answered,
            if m.missing.max_missing == 0 {
                "every item is needed".to_owned()
            } else {
                format!("at most {} may be missing", m.missing.max_missing)
            }
        ));
        return Ok(out);
    }
    let sum: i64 = values.iter().sum();
    let mean = sum as f64 / f64::from(answered);
    let factor = m.scoring.factor as f64;
    let total = match m.scoring.method {
        Method::Sum if missing == 0 => (sum as f64) * factor,
        // Prorated: what the answered items say, over every item, as a whole number.
        Method::Sum => (mean * f64::from(n)).round() * factor,
        Method::Mean => ((mean * factor) * 10.0).round() / 10.0,
    };
    if missing > 0 {
        out.prorated = true;
        out.note = Some(format!("{answered} of {n} items answered: the total is prorated."));
    }
    let whole = total.round() as i64;
    out.band = m.bands.iter().find(|b| (b.min..=b.max).contains(&whole)).map(|b| b.label.clone());
    out.total = Some(total);
    Ok(out)
}

/// Each subscale's mean over its items (already checked), none with an item unanswered.
fn subscale_scores(m: &Measure, answers: &Map<String, Value>) -> Vec<SubscaleScore> {
    let top = m.options.iter().map(|o| o.value).max().or(m.slider.as_ref().map(|s| s.max)).unwrap_or(1).max(1) as f64;
    m.subscales
        .iter()
        .map(|sub| {
            let values: Option<Vec<f64>> = sub.items.iter().map(|k| answers.get(k).and_then(Value::as_f64)).collect();
            let mean = values.map(|v| v.iter().sum::<f64>() / v.len() as f64);
            SubscaleScore {
                key: sub.key.clone(),
                name: sub.name.clone(),
                mean: mean.map(|x| (x * 10.0).round() / 10.0),
                percent: mean.map(|x| (x / top * 100.0).round()),
            }
        })
        .collect()
}

fn checked_value(m: &Measure, key: &str, v: &Value) -> Result<i64> {
    let value = v.as_f64().filter(|x| x.fract() == 0.0).map(|x| x as i64);
    match (&m.slider, value) {
        (Some(s), Some(x)) if (s.min..=s.max).contains(&x) => Ok(x),
        (Some(s), _) => {
            Err(Error::invalid(format!("{} item {key}: {v} is not a whole number from {} to {}", m.name, s.min, s.max)))
        }
        (None, Some(x)) if m.options.iter().any(|o| o.value == x) => Ok(x),
        (None, _) => Err(Error::invalid(format!(
            "{} item {key}: {v} is not one of its answers ({})",
            m.name,
            m.options.iter().map(|o| format!("{} {}", o.value, o.label)).collect::<Vec<_>>().join(", ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::measure;
    use super::*;
    use serde_json::json;

    fn answers(values: &[Option<i64>]) -> Map<String, Value> {
        values.iter().enumerate().map(|(i, v)| ((i + 1).to_string(), v.map_or(Value::Null, |x| json!(x)))).collect()
    }

    fn all(values: &[i64]) -> Map<String, Value> {
        answers(&values.iter().copied().map(Some).collect::<Vec<_>>())
    }

    #[test]
    fn worked_examples_score_as_computed_by_hand() {
        // PHQ-9: 1+2+1+3+0+2+1+0+0 = 10, the first moderate score.
        let s = score(measure("phq9").unwrap(), &all(&[1, 2, 1, 3, 0, 2, 1, 0, 0])).unwrap();
        assert_eq!((s.total, s.band.as_deref(), s.prorated), (Some(10.0), Some("Moderate"), false));
        // GAD-7: 3+3+2+2+1+1+0 = 12.
        let s = score(measure("gad7").unwrap(), &all(&[3, 3, 2, 2, 1, 1, 0])).unwrap();
        assert_eq!((s.total, s.band.as_deref()), (Some(12.0), Some("Moderate")));
        // WHO-5: raw 3+2+3+2+3 = 13, × 4 = 52 %: just above the screening threshold of 50.
        let s = score(measure("who5").unwrap(), &all(&[3, 2, 3, 2, 3])).unwrap();
        assert_eq!((s.total, s.band.as_deref()), (Some(52.0), Some("Above the screening threshold")));
        let s = score(measure("who5").unwrap(), &all(&[3, 2, 2, 2, 3])).unwrap();
        assert_eq!(
            (s.total, s.band.as_deref()),
            (Some(48.0), Some("Poor well-being (50 or below): screen for depression"))
        );
        // PCL-5: twenty items of 2 = 40, above the provisional cut-off.
        let s = score(measure("pcl5").unwrap(), &all(&[2; 20])).unwrap();
        assert_eq!(s.total, Some(40.0));
        assert!(s.band.unwrap().starts_with("At or above"));
        // EBI: the mean of 80, 60, 70, 90, 65, 75 = 73.3.
        let s = score(measure("ebi").unwrap(), &all(&[80, 60, 70, 90, 65, 75])).unwrap();
        assert_eq!((s.total, s.band), (Some(73.3), None));
    }

    #[test]
    fn every_band_boundary_lands_in_its_band() {
        for id in ["phq9", "gad7", "who5", "pcl5"] {
            let m = measure(id).unwrap();
            let top = m.options.iter().map(|o| o.value).max().unwrap();
            for band in &m.bands {
                for edge in [band.min, band.max] {
                    // Build answers adding up to the raw score behind `edge`.
                    let mut raw = edge / m.scoring.factor;
                    if raw * m.scoring.factor != edge {
                        continue; // WHO-5 totals are multiples of 4: 28 and 29 are not reachable
                    }
                    let values: Vec<i64> = m
                        .items
                        .iter()
                        .map(|_| {
                            let v = raw.min(top);
                            raw -= v;
                            v
                        })
                        .collect();
                    let s = score(m, &all(&values)).unwrap();
                    assert_eq!(s.total, Some(edge as f64), "{id} total {edge}");
                    assert_eq!(s.band.as_ref(), Some(&band.label), "{id}: {edge} is {}", band.label);
                }
            }
        }
        // WHO-5's reachable neighbours of its thresholds: 28 likely depression, 32 not.
        let who5 = measure("who5").unwrap();
        assert!(score(who5, &all(&[2, 1, 1, 1, 2])).unwrap().band.unwrap().starts_with("Likely depression"));
        assert!(score(who5, &all(&[2, 2, 1, 1, 2])).unwrap().band.unwrap().starts_with("Poor well-being"));
    }

    #[test]
    fn missing_items_are_prorated_within_each_measures_rule_and_give_no_total_beyond_it() {
        let phq9 = measure("phq9").unwrap();
        // Two missing: (1+2+1+3+0+2+1) / 7 × 9 = 12.86 → 13.
        let s = score(phq9, &answers(&[Some(1), Some(2), Some(1), Some(3), Some(0), Some(2), Some(1), None, None]))
            .unwrap();
        assert_eq!((s.total, s.prorated, s.answered), (Some(13.0), true, 7));
        assert!(s.note.unwrap().contains("prorated"));
        let s =
            score(phq9, &answers(&[Some(1), Some(2), Some(1), Some(3), Some(0), Some(2), None, None, None])).unwrap();
        assert_eq!((s.total, s.band.clone()), (None, None), "three missing: no total");
        assert!(s.note.unwrap().contains("at most 2 may be missing"));
        let gad7 = measure("gad7").unwrap();
        assert_eq!(
            score(gad7, &answers(&[Some(3), Some(3), Some(2), Some(2), Some(1), Some(1), None])).unwrap().total,
            Some(14.0)
        );
        assert_eq!(
            score(gad7, &answers(&[Some(3), Some(3), Some(2), Some(2), Some(1), None, None])).unwrap().total,
            None
        );
        for id in ["who5", "pcl5", "ebi"] {
            let m = measure(id).unwrap();
            let mut a = all(&vec![1; m.items.len()]);
            a.insert("2".into(), Value::Null);
            let s = score(m, &a).unwrap();
            assert_eq!(s.total, None, "{id}: every item is needed");
            assert!(s.note.unwrap().contains("every item is needed"));
        }
        assert_eq!(score(phq9, &Map::new()).unwrap().total, None, "nothing answered: no total");
    }

    #[test]
    fn a_critical_answer_is_found_whatever_else_is_missing() {
        let phq9 = measure("phq9").unwrap();
        let s = score(phq9, &all(&[0, 0, 0, 0, 0, 0, 0, 0, 0])).unwrap();
        assert!(s.critical.is_empty(), "item 9 at 0 is not critical");
        let mut only9 = Map::new();
        only9.insert("9".into(), json!(2));
        let s = score(phq9, &only9).unwrap();
        assert_eq!(s.total, None);
        assert_eq!(s.critical.len(), 1, "item 9 answered alone still raises it");
        assert_eq!(s.critical[0].answer, "More than half the days");
        assert!(s.critical[0].text.contains("better off dead"));
        assert_eq!(
            score(phq9, &all(&[0, 0, 0, 0, 0, 0, 0, 0, 1])).unwrap().critical[0].value,
            1,
            "several days counts"
        );
    }

    #[test]
    fn answers_that_are_not_the_measures_are_refused() {
        let phq9 = measure("phq9").unwrap();
        for (bad, says) in [
            (json!({"1": 4}), "not one of its answers"),
            (json!({"1": 1.5}), "not one of its answers"),
            (json!({"1": "2"}), "not one of its answers"),
            (json!({"10": 1}), "no item \"10\""),
        ] {
            let e = score(phq9, bad.as_object().unwrap()).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
        let e = score(measure("ebi").unwrap(), json!({"1": 101}).as_object().unwrap()).unwrap_err().to_string();
        assert!(e.contains("from 0 to 100"), "{e}");
    }

    #[test]
    fn meq30_scores_its_four_subscales_and_names_a_complete_mystical_experience() {
        let meq = measure("MEQ-30").unwrap();
        let mystical = [4, 5, 6, 9, 14, 15, 16, 18, 20, 21, 23, 24, 25, 26, 28];
        // Mystical items 4 ("Strong"), every other item 3 ("Moderate").
        let mut values: Vec<i64> = (1..=30).map(|i| if mystical.contains(&i) { 4 } else { 3 }).collect();
        let s = score(meq, &all(&values)).unwrap();
        assert_eq!(s.total, Some(3.5), "(15 × 4 + 15 × 3) / 30");
        let subs: Vec<(&str, Option<f64>, Option<f64>)> =
            s.subscales.iter().map(|x| (x.key.as_str(), x.mean, x.percent)).collect();
        assert_eq!(
            subs,
            [
                ("mystical", Some(4.0), Some(80.0)),
                ("positive_mood", Some(3.0), Some(60.0)),
                ("transcendence", Some(3.0), Some(60.0)),
                ("ineffability", Some(3.0), Some(60.0)),
            ]
        );
        assert_eq!(s.criterion.as_deref(), Some("Complete mystical experience"), "60 % on every subscale");

        // One ineffability item (29) at 2: that subscale falls to 2.7 (53 %), so not complete.
        values[28] = 2;
        let s = score(meq, &all(&values)).unwrap();
        assert_eq!(s.subscales[3].mean, Some(2.7));
        assert_eq!(s.subscales[3].percent, Some(53.0));
        assert_eq!(s.criterion, None);

        // An unanswered item: no total (every item is needed), no score for its subscale, no finding.
        let mut missing: Vec<Option<i64>> = values.iter().copied().map(Some).collect();
        missing[0] = None;
        let s = score(meq, &answers(&missing)).unwrap();
        assert_eq!(s.total, None);
        assert_eq!(s.subscales[2].mean, None, "item 1 is transcendence");
        assert_eq!(s.subscales[0].mean, Some(4.0));
        assert_eq!(s.criterion, None);
        assert!(score(meq, &all(&[6; 30])).is_err(), "answers run 0 to 5");
    }
}

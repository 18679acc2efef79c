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
    let mut out = Score { total: None, prorated: false, answered, items: n, band: None, critical, note: None };
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
}

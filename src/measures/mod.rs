//! Validated outcome measures (PHQ-9, GAD-7, WHO-5, PCL-5, the Emotional Breakthrough Inventory):
//! their items, options, scoring rules, bands and critical items, shipped as JSON with their
//! sources and licences; scoring; and the responses given on an arc.

pub mod response;
pub mod scoring;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct MeasureItem {
    pub key: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct ResponseOption {
    #[ts(type = "number")]
    pub value: i64,
    pub label: String,
}

/// A 0–100 style rating instead of options (the EBI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Slider {
    #[ts(type = "number")]
    pub min: i64,
    #[ts(type = "number")]
    pub max: i64,
    pub min_label: String,
    pub max_label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum Method {
    /// The item values added up, times `factor`.
    Sum,
    /// The mean of the item values, times `factor`.
    Mean,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    pub method: Method,
    #[ts(type = "number")]
    pub factor: i64,
    #[ts(type = "number")]
    pub min: i64,
    #[ts(type = "number")]
    pub max: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct MissingRule {
    /// How many items may be unanswered with a (prorated) total still given.
    pub max_missing: u32,
    /// The rule in words, with where it comes from.
    pub note: String,
}

/// A severity band: `min..=max` of the total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Band {
    #[ts(type = "number")]
    pub min: i64,
    #[ts(type = "number")]
    pub max: i64,
    pub label: String,
}

/// An item whose answer, at or above `at_least`, needs the facilitator at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct CriticalItem {
    pub item: String,
    #[ts(type = "number")]
    pub at_least: i64,
    pub action: String,
}

/// What counts as a change worth naming, by the instrument's own definitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// Depression and anxiety scores fall as people improve; well-being rises.
    pub lower_is_better: bool,
    /// A response: the total fell by at least this many percent from baseline.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub response_fall_percent: Option<i64>,
    /// A remission: the total is below this.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub remission_below: Option<i64>,
    /// A change of at least this many points counts as meaningful.
    #[serde(default)]
    #[ts(optional, type = "number")]
    pub meaningful_points: Option<i64>,
    /// Where the meaningful change comes from, in full …
    #[serde(default)]
    #[ts(optional)]
    pub meaningful_source: Option<String>,
    /// … and as an early warning's rule names it ("Löwe et al. 2004").
    #[serde(default)]
    #[ts(optional)]
    pub meaningful_cite: Option<String>,
}

impl Change {
    /// How much better `latest` is than `baseline`, in points (negative: worse).
    pub fn better_by(&self, baseline: f64, latest: f64) -> f64 {
        if self.lower_is_better { baseline - latest } else { latest - baseline }
    }

    /// Better by at least the meaningful change; never where the measure defines none.
    pub fn meaningfully_better(&self, baseline: f64, latest: f64) -> bool {
        self.meaningful_points.is_some_and(|p| self.better_by(baseline, latest) >= p as f64)
    }

    /// Worse by at least the meaningful change.
    pub fn meaningfully_worse(&self, baseline: f64, latest: f64) -> bool {
        self.meaningful_points.is_some_and(|p| self.better_by(baseline, latest) <= -(p as f64))
    }
}

/// A subscale (factor): a named subset of the items, scored as their mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Subscale {
    pub key: String,
    pub name: String,
    pub items: Vec<String>,
}

/// A finding defined on the subscales: every one at least this share of its maximum (the MEQ-30's
/// "complete mystical experience": 60 % on all four).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct SubscaleCriterion {
    #[ts(type = "number")]
    pub at_least_percent: i64,
    pub label: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Loinc {
    /// The total score's LOINC code.
    #[serde(default)]
    #[ts(optional)]
    pub total: Option<String>,
    /// The questionnaire panel's LOINC code.
    #[serde(default)]
    #[ts(optional)]
    pub panel: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    pub id: String,
    pub version: u32,
    /// The short name, e.g. `PHQ-9`.
    pub name: String,
    pub title: String,
    pub instructions: String,
    /// The answers every item takes (absent for a slider measure).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<ResponseOption>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub slider: Option<Slider>,
    pub items: Vec<MeasureItem>,
    /// Subscales (the MEQ-30's four factors), each the mean of its items; none for most measures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subscales: Vec<Subscale>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub subscale_criterion: Option<SubscaleCriterion>,
    pub scoring: Scoring,
    pub missing: MissingRule,
    pub bands: Vec<Band>,
    pub critical: Vec<CriticalItem>,
    pub change: Change,
    #[serde(default)]
    pub loinc: Loinc,
    pub citation: String,
    pub licence: String,
}

const SHIPPED: [&str; 6] = [
    include_str!("library/phq9.json"),
    include_str!("library/gad7.json"),
    include_str!("library/who5.json"),
    include_str!("library/pcl5.json"),
    include_str!("library/ebi.json"),
    include_str!("library/meq30.json"),
];

impl Measure {
    /// Checks what scoring relies on: options or a slider (not both), unique item keys, bands in
    /// order covering the range without gaps, critical items naming real items.
    pub fn check(&self) -> Result<()> {
        let bad = |what: String| Err(Error::invalid(format!("measure {}: {what}", self.id)));
        if self.options.is_empty() == self.slider.is_none() {
            return bad("give either response options or a slider".into());
        }
        let mut keys: Vec<&str> = self.items.iter().map(|i| i.key.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        if keys.len() != self.items.len() || self.items.is_empty() {
            return bad("items need unique keys".into());
        }
        if self.missing.max_missing as usize >= self.items.len() {
            return bad("at least one item must be answered for a total".into());
        }
        if let Some(first) = self.bands.first() {
            if first.min != self.scoring.min || self.bands.last().map(|b| b.max) != Some(self.scoring.max) {
                return bad("bands must cover the whole range".into());
            }
            for pair in self.bands.windows(2) {
                if pair[1].min != pair[0].max + 1 || pair[0].min > pair[0].max {
                    return bad(format!("band {:?} must start right after {:?}", pair[1].label, pair[0].label));
                }
            }
        }
        for c in &self.critical {
            if !self.items.iter().any(|i| i.key == c.item) {
                return bad(format!("critical item {} is not an item", c.item));
            }
        }
        for sub in &self.subscales {
            if sub.items.is_empty() || sub.items.iter().any(|k| self.item(k).is_none()) {
                return bad(format!("subscale {} must name items of the measure", sub.key));
            }
        }
        if self.subscale_criterion.is_some() && self.subscales.is_empty() {
            return bad("a subscale criterion needs subscales".into());
        }
        Ok(())
    }

    pub fn item(&self, key: &str) -> Option<&MeasureItem> {
        self.items.iter().find(|i| i.key == key)
    }

    /// The words of an answer: the option's label, or the rating on a slider.
    pub fn answer_label(&self, value: f64) -> String {
        self.options
            .iter()
            .find(|o| o.value as f64 == value)
            .map(|o| o.label.clone())
            .unwrap_or_else(|| format!("{value}"))
    }
}

/// Every shipped measure, parsed and checked once.
pub fn library() -> Result<&'static [Measure]> {
    static LIBRARY: OnceLock<std::result::Result<Vec<Measure>, String>> = OnceLock::new();
    LIBRARY
        .get_or_init(|| {
            SHIPPED
                .iter()
                .map(|text| {
                    let m: Measure = serde_json::from_str(text).map_err(|e| format!("a shipped measure: {e}"))?;
                    m.check().map_err(|e| e.to_string())?;
                    Ok(m)
                })
                .collect()
        })
        .as_deref()
        .map_err(|e| Error::invalid(format!("{e} (a bug in this build of Arcwell)")))
}

/// A shipped measure by id (`phq9`, `gad7`, `who5`, `pcl5`, `ebi`, `meq30`); case and dashes ignored.
pub fn measure(id: &str) -> Result<&'static Measure> {
    let wanted = id.trim().to_lowercase().replace('-', "");
    let all = library()?;
    all.iter().find(|m| m.id == wanted).ok_or_else(|| {
        let ids: Vec<&str> = all.iter().map(|m| m.id.as_str()).collect();
        Error::invalid(format!("{id:?} is not a measure Arcwell knows; use one of {}", ids.join(", ")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_measure_parses_and_passes_its_checks() {
        let all = library().unwrap();
        let ids: Vec<&str> = all.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["phq9", "gad7", "who5", "pcl5", "ebi", "meq30"]);
        let items: Vec<usize> = all.iter().map(|m| m.items.len()).collect();
        assert_eq!(items, [9, 7, 5, 20, 6, 30], "item counts as published");
        let meq = measure("meq30").unwrap();
        let per_subscale: Vec<usize> = meq.subscales.iter().map(|s| s.items.len()).collect();
        assert_eq!(per_subscale, [15, 6, 6, 3], "mystical, positive mood, transcendence, ineffability");
        let mut covered: Vec<&str> = meq.subscales.iter().flat_map(|s| s.items.iter().map(String::as_str)).collect();
        covered.sort_by_key(|k| k.parse::<u32>().unwrap_or(0));
        assert_eq!(covered, meq.items.iter().map(|i| i.key.as_str()).collect::<Vec<_>>(), "each item in one subscale");
        assert_eq!(measure("PHQ-9").unwrap().loinc.total.as_deref(), Some("44261-6"));
        assert_eq!(measure("gad7").unwrap().loinc.total.as_deref(), Some("70274-6"));
        assert!(all.iter().all(|m| !m.citation.is_empty() && !m.licence.is_empty()));
        let meaningful: Vec<(&str, i64)> =
            all.iter().filter_map(|m| m.change.meaningful_points.map(|p| (m.id.as_str(), p))).collect();
        assert_eq!(meaningful, [("phq9", 5), ("gad7", 4), ("who5", 10), ("pcl5", 10)], "the issue's figures");
        for m in all.iter().filter(|m| m.change.meaningful_points.is_some()) {
            let c = &m.change;
            assert!(c.meaningful_source.as_deref().is_some_and(|s| s.len() > 40), "{}: a full source", m.id);
            assert!(
                c.meaningful_cite.as_deref().is_some_and(|s| !s.is_empty() && s.len() < 30),
                "{}: a short cite",
                m.id
            );
        }
        assert!(measure("ceq").unwrap_err().to_string().contains("phq9, gad7"));
    }

    #[test]
    fn a_malformed_measure_is_refused_with_what_is_wrong() {
        let mut m = measure("phq9").unwrap().clone();
        m.bands[1].min = 6;
        assert!(m.check().unwrap_err().to_string().contains("must start right after"));
        let mut m = measure("phq9").unwrap().clone();
        m.critical[0].item = "10".into();
        assert!(m.check().unwrap_err().to_string().contains("not an item"));
        let mut m = measure("ebi").unwrap().clone();
        m.options = measure("phq9").unwrap().options.clone();
        assert!(m.check().unwrap_err().to_string().contains("either"));
    }
}

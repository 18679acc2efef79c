//! Which arcs the practice analytics look at, and what each is described by: its plan, what its
//! first signed administration record says was given (substance, total milligrams), and the
//! facilitator's approach tags. Outcomes (`integration::outcomes`) and engagement (`engagement`) both
//! filter and group arcs through here.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::domain::{id_from_db, text};
use crate::{Error, Result};

/// The arcs to count: every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, TS)]
#[ts(export)]
pub struct CohortFilter {
    /// Only arcs following this plan (their own choice, or the default when they chose none).
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub plan_id: Option<Uuid>,
    /// From this day (the facilitator's zone); what it is compared with depends on the figure:
    /// the baseline for outcomes, the due day for check-ins, the dosing session for completion.
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub from: Option<NaiveDate>,
    /// … through this day.
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub to: Option<NaiveDate>,
    /// Only arcs whose administration record names this substance (as written, case aside).
    #[serde(default)]
    #[ts(optional)]
    pub substance: Option<String>,
    /// Only arcs whose first administration totalled at least this many mg …
    #[serde(default)]
    #[ts(optional)]
    pub dose_min_mg: Option<f64>,
    /// … and below this many.
    #[serde(default)]
    #[ts(optional)]
    pub dose_max_mg: Option<f64>,
    /// Only arcs tagged with this approach.
    #[serde(default)]
    #[ts(optional)]
    pub approach: Option<String>,
}

/// What the analytics can group arcs by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum GroupBy {
    Substance,
    /// Oregon's psilocybin dose tiers (OAR 333-333-5040): under 5 mg, 5 to under 10, 10 to under
    /// 25, 25 to 35, over 35.
    Dose,
    Plan,
    /// An arc with several approach tags counts in each of their groups.
    Approach,
}

/// What an arc is described by (its substance and dose as `arc_given` keeps them).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ArcTraits {
    pub plan_id: Uuid,
    pub plan: String,
    /// The substances of the first signed administration record, joined with " + " when mixed.
    pub substance: Option<String>,
    /// Its doses' total, in mg.
    pub dose_mg: Option<f64>,
    pub approaches: Vec<String>,
}

/// Oregon's dose tiers, the bands the analytics group doses by.
pub const DOSE_BANDS: [&str; 5] = ["under 5 mg", "5 to under 10 mg", "10 to under 25 mg", "25 to 35 mg", "over 35 mg"];

pub fn dose_band(mg: f64) -> &'static str {
    match mg {
        m if m < 5.0 => DOSE_BANDS[0],
        m if m < 10.0 => DOSE_BANDS[1],
        m if m < 25.0 => DOSE_BANDS[2],
        m if m <= 35.0 => DOSE_BANDS[3],
        _ => DOSE_BANDS[4],
    }
}

/// Where an arc without the fact goes when grouping.
pub const UNRECORDED: &str = "not recorded";

impl ArcTraits {
    /// The groups this arc counts in.
    pub fn groups(&self, by: GroupBy) -> Vec<String> {
        match by {
            GroupBy::Substance => vec![self.substance.clone().unwrap_or_else(|| UNRECORDED.into())],
            GroupBy::Dose => vec![self.dose_mg.map_or(UNRECORDED, dose_band).into()],
            GroupBy::Plan => vec![self.plan.clone()],
            GroupBy::Approach if self.approaches.is_empty() => vec![UNRECORDED.into()],
            GroupBy::Approach => self.approaches.clone(),
        }
    }

    fn passes(&self, f: &CohortFilter) -> bool {
        let substance_ok = f.substance.as_deref().is_none_or(|want| {
            self.substance.as_deref().is_some_and(|s| s.split(" + ").any(|s| s.eq_ignore_ascii_case(want.trim())))
        });
        let dose_ok = match (f.dose_min_mg, f.dose_max_mg, self.dose_mg) {
            (None, None, _) => true,
            (_, _, None) => false,
            (min, max, Some(mg)) => min.is_none_or(|m| mg >= m) && max.is_none_or(|m| mg < m),
        };
        let approach_ok =
            f.approach.as_deref().is_none_or(|want| self.approaches.iter().any(|a| a == &want.trim().to_lowercase()));
        substance_ok && dose_ok && approach_ok
    }
}

impl CohortFilter {
    pub(crate) fn check(&self) -> Result<()> {
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from > to
        {
            return Err(Error::invalid(format!("the date range ends ({to}) before it starts ({from}); swap them")));
        }
        for mg in [self.dose_min_mg, self.dose_max_mg].into_iter().flatten() {
            if !mg.is_finite() || mg < 0.0 {
                return Err(Error::invalid(format!("a dose bound must be zero or more milligrams (got {mg})")));
            }
        }
        if let (Some(min), Some(max)) = (self.dose_min_mg, self.dose_max_mg)
            && min >= max
        {
            return Err(Error::invalid(format!("the dose range is empty: at least {min} mg and below {max} mg")));
        }
        Ok(())
    }
}

/// Every arc with its plan (its own, or the default `?1`) and the plan's name.
pub(super) const ARCS: &str =
    "SELECT a.id, coalesce(a.plan_id, ?1), p.name FROM arc a JOIN plan p ON p.id = coalesce(a.plan_id, ?1)";
pub(super) const APPROACHES: &str = "SELECT arc_id, tag FROM arc_approach ORDER BY arc_id, tag";
pub(super) const GIVEN: &str = "SELECT arc_id, substance, dose_mg FROM arc_given";

/// The arcs passing `filter`'s plan, substance, dose and approach filters, with their traits (the
/// date range is left to each figure).
pub(crate) fn arcs(conn: &Connection, filter: &CohortFilter) -> Result<BTreeMap<Uuid, ArcTraits>> {
    filter.check()?;
    let default_plan = super::plan::default_id(conn)?.to_string();
    // Each column is borrowed from its row and each id parsed once; a plan's id and name are kept
    // once per plan (a handful), not once per arc.
    let mut plans: HashMap<String, (Uuid, String)> = HashMap::new();
    let mut rows: Vec<(Uuid, Uuid, String)> = Vec::new();
    let mut stmt = conn.prepare_cached(ARCS)?;
    let mut q = stmt.query([&default_plan])?;
    while let Some(r) = q.next()? {
        let plan_text = text(r, 1)?;
        let (plan_id, plan) = match plans.get(plan_text) {
            Some(known) => known.clone(),
            None => {
                let known = (id_from_db(plan_text)?, text(r, 2)?.to_owned());
                plans.insert(plan_text.to_owned(), known.clone());
                known
            }
        };
        if filter.plan_id.is_none_or(|want| want == plan_id) {
            rows.push((id_from_db(text(r, 0)?)?, plan_id, plan));
        }
    }
    let mut tags: HashMap<Uuid, Vec<String>> = HashMap::new();
    let mut stmt = conn.prepare_cached(APPROACHES)?;
    let mut q = stmt.query([])?;
    while let Some(r) = q.next()? {
        tags.entry(id_from_db(text(r, 0)?)?).or_default().push(text(r, 1)?.to_owned());
    }
    let mut given: HashMap<Uuid, (Option<String>, Option<f64>)> = HashMap::new();
    let mut stmt = conn.prepare_cached(GIVEN)?;
    let mut q = stmt.query([])?;
    while let Some(r) = q.next()? {
        given.insert(id_from_db(text(r, 0)?)?, (r.get(1)?, r.get(2)?));
    }
    // In id order (the index's), so the map is built in one pass rather than by 25,000 inserts.
    let out = rows.into_iter().filter_map(|(arc, plan_id, plan)| {
        let (substance, dose_mg) = given.remove(&arc).unwrap_or_default();
        let traits = ArcTraits { plan_id, plan, substance, dose_mg, approaches: tags.remove(&arc).unwrap_or_default() };
        traits.passes(filter).then_some((arc, traits))
    });
    Ok(out.collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dose_bands_follow_oregons_tiers_at_every_boundary() {
        for (mg, band) in [
            (0.0, "under 5 mg"),
            (4.99, "under 5 mg"),
            (5.0, "5 to under 10 mg"),
            (9.9, "5 to under 10 mg"),
            (10.0, "10 to under 25 mg"),
            (24.9, "10 to under 25 mg"),
            (25.0, "25 to 35 mg"),
            (35.0, "25 to 35 mg"),
            (35.1, "over 35 mg"),
        ] {
            assert_eq!(dose_band(mg), band, "{mg} mg");
        }
    }

    #[test]
    fn filters_match_substance_dose_range_and_approach() {
        let t = ArcTraits {
            plan_id: Uuid::nil(),
            plan: "Standard".into(),
            substance: Some("Psilocybin + Other".into()),
            dose_mg: Some(25.0),
            approaches: vec!["ifs".into(), "somatic".into()],
        };
        let f = |f: CohortFilter| t.passes(&f);
        assert!(f(CohortFilter::default()));
        assert!(f(CohortFilter { substance: Some(" psilocybin ".into()), ..Default::default() }));
        assert!(!f(CohortFilter { substance: Some("Ketamine".into()), ..Default::default() }));
        assert!(f(CohortFilter { dose_min_mg: Some(25.0), dose_max_mg: Some(35.0), ..Default::default() }));
        assert!(!f(CohortFilter { dose_max_mg: Some(25.0), ..Default::default() }), "the upper bound is exclusive");
        assert!(f(CohortFilter { approach: Some("IFS".into()), ..Default::default() }));
        assert!(!f(CohortFilter { approach: Some("mindfulness".into()), ..Default::default() }));
        let unrecorded = ArcTraits { substance: None, dose_mg: None, approaches: vec![], ..t.clone() };
        assert!(!unrecorded.passes(&CohortFilter { dose_min_mg: Some(0.0), ..Default::default() }));
        assert_eq!(unrecorded.groups(GroupBy::Dose), vec![UNRECORDED.to_owned()]);
        assert_eq!(t.groups(GroupBy::Approach), vec!["ifs".to_owned(), "somatic".to_owned()]);
    }

    #[test]
    fn a_backwards_or_empty_range_is_refused_with_what_to_do() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let err = CohortFilter { from: d("2026-05-01"), to: d("2026-04-01"), ..Default::default() }.check();
        assert!(err.unwrap_err().to_string().contains("swap them"));
        assert!(
            CohortFilter { dose_min_mg: Some(10.0), dose_max_mg: Some(10.0), ..Default::default() }.check().is_err()
        );
        assert!(CohortFilter { dose_min_mg: Some(f64::NAN), ..Default::default() }.check().is_err());
    }
}

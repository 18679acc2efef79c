//! Practice-wide outcomes for one measure: over the arcs with a baseline and a later score, the
//! mean change, and how many count as a response, a remission or a meaningful improvement by the
//! instrument's own definitions; filtered by follow-up plan and by when the baseline was given.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::measure;
use super::response::{query, trajectories};
use crate::integration::status::end_of_day;
use crate::{Practice, Result};

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct OutcomeFilter {
    /// `phq9`, `gad7`, `who5`, `pcl5`, `ebi`.
    pub measure: String,
    /// Only arcs following this plan (their own choice, or the default when they chose none).
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub plan_id: Option<Uuid>,
    /// Baselines given on or after this day (the facilitator's zone).
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub from: Option<NaiveDate>,
    /// … and on or before this day.
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Outcomes {
    pub measure: String,
    pub measure_name: String,
    /// Arcs with a baseline and at least one later scored response: the cohort.
    pub arcs: u32,
    /// Arcs with a baseline only (no later score yet): not in the figures.
    pub baseline_only: u32,
    pub mean_baseline: Option<f64>,
    /// Each arc's latest score.
    pub mean_latest: Option<f64>,
    pub mean_change: Option<f64>,
    /// Share of the cohort (0–1) meeting each definition at its latest score; `null` where the
    /// measure defines none.
    pub response_rate: Option<f64>,
    pub remission_rate: Option<f64>,
    pub improved_rate: Option<f64>,
    pub worsened_rate: Option<f64>,
}

fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| (xs.iter().sum::<f64>() / xs.len() as f64 * 10.0).round() / 10.0)
}

fn rate(hits: usize, n: usize, defined: bool) -> Option<f64> {
    (defined && n > 0).then(|| (hits as f64 / n as f64 * 1000.0).round() / 1000.0)
}

impl Practice {
    pub fn outcomes(&self, filter: &OutcomeFilter) -> Result<Outcomes> {
        let m = measure(&filter.measure)?;
        let zone = self.profile()?.zone()?;
        let responses = self.read(|conn| {
            let default_plan = crate::integration::plan::default_id(conn)?;
            let plan_ok = "(?2 IS NULL OR coalesce(a.plan_id, ?3) = ?2)";
            query(
                conn,
                &format!("r.measure = ?1 AND r.withdrawn_at IS NULL AND {plan_ok}"),
                rusqlite::params![m.id, filter.plan_id.map(|p| p.to_string()), default_plan.to_string()],
            )
        })?;
        let (from, to) =
            (filter.from.map(|d| end_of_day(d - chrono::Days::new(1), zone)), filter.to.map(|d| end_of_day(d, zone)));
        let mut by_arc: std::collections::BTreeMap<Uuid, Vec<_>> = Default::default();
        for r in responses {
            by_arc.entry(r.arc_id).or_default().push(r);
        }
        let (mut base, mut latest, mut change) = (Vec::new(), Vec::new(), Vec::new());
        let (mut resp, mut remit, mut better, mut worse, mut only_base) = (0, 0, 0, 0, 0);
        for rs in by_arc.values() {
            let Some(t) = trajectories(rs)?.into_iter().next() else { continue };
            let Some(b) = t.points.iter().find(|p| Some(p.response_id) == t.baseline) else { continue };
            if from.is_some_and(|f| b.at.utc < f) || to.is_some_and(|t| b.at.utc >= t) {
                continue;
            }
            let Some(last) = t.points.iter().rfind(|p| p.at.utc > b.at.utc) else {
                only_base += 1;
                continue;
            };
            let (Some(bt), Some(lt)) = (b.total, last.total) else { continue };
            base.push(bt);
            latest.push(lt);
            change.push(lt - bt);
            resp += usize::from(last.response);
            remit += usize::from(last.remission);
            better += usize::from(last.improved);
            worse += usize::from(last.worsened);
        }
        let n = base.len();
        let c = &m.change;
        Ok(Outcomes {
            measure: m.id.clone(),
            measure_name: m.name.clone(),
            arcs: n as u32,
            baseline_only: only_base,
            mean_baseline: mean(&base),
            mean_latest: mean(&latest),
            mean_change: mean(&change),
            response_rate: rate(resp, n, c.response_fall_percent.is_some()),
            remission_rate: rate(remit, n, c.remission_below.is_some()),
            improved_rate: rate(better, n, c.meaningful_points.is_some()),
            worsened_rate: rate(worse, n, c.meaningful_points.is_some()),
        })
    }
}

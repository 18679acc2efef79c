//! Practice-wide outcomes for one measure: over the arcs with a baseline and a later score, the
//! mean change, and how many count as a response, a remission or a meaningful improvement by the
//! instrument's own definitions; over the arcs a cohort filter selects (plan, substance, dose,
//! approach, when the baseline was given), overall or grouped.

use std::collections::BTreeMap;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use super::Integration;
use super::cohort::{self, CohortFilter, GroupBy};
use super::status::end_of_day;
use crate::domain::{IdRuns, bytes};
use crate::measures::response::baseline_of;
use crate::measures::{Measure, measure};
use crate::stats::{Mean, Rate};
use crate::store::time::from_db_bytes;
use crate::{Practice, Result};

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Outcomes {
    pub measure: String,
    pub measure_name: String,
    /// Arcs with a baseline and at least one later scored response: the cohort.
    pub arcs: u32,
    /// Arcs with a baseline only (no later score yet): not in the figures.
    pub baseline_only: u32,
    /// The means over the cohort, each with its 95 % interval; no value below `stats::MIN_N`.
    pub mean_baseline: Mean,
    /// Each arc's latest score.
    pub mean_latest: Mean,
    pub mean_change: Mean,
    /// Share of the cohort meeting each definition at its latest score, with its 95 % interval;
    /// `null` where the measure defines none.
    pub response_rate: Option<Rate>,
    pub remission_rate: Option<Rate>,
    pub improved_rate: Option<Rate>,
    pub worsened_rate: Option<Rate>,
}

fn rate(hits: usize, n: usize, defined: bool) -> Option<Rate> {
    defined.then(|| Rate::of(hits, n))
}

/// One arc's part in the figures: its baseline and latest scores and what the latest counts as.
#[derive(Debug, Clone)]
pub(super) struct ArcOutcome {
    pub baseline: f64,
    /// The baseline's severity band.
    pub baseline_band: Option<String>,
    pub latest: f64,
    response: bool,
    remission: bool,
    improved: bool,
    worsened: bool,
}

/// What each arc contributes: `Some` with a baseline and a later score, `None` with a baseline only.
pub(super) type PerArc = BTreeMap<Uuid, Option<ArcOutcome>>;

/// The outcomes of `measure` in one group of arcs.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct OutcomeGroup {
    /// The substance, dose band, plan or approach tag ("not recorded" for arcs without it).
    pub label: String,
    pub outcomes: Outcomes,
}

fn summarise<'a>(m: &Measure, arcs: impl Iterator<Item = &'a Option<ArcOutcome>>) -> Outcomes {
    let (mut base, mut latest, mut change) = (Vec::new(), Vec::new(), Vec::new());
    let (mut resp, mut remit, mut better, mut worse, mut only_base) = (0, 0, 0, 0, 0);
    for a in arcs {
        let Some(a) = a else {
            only_base += 1;
            continue;
        };
        base.push(a.baseline);
        latest.push(a.latest);
        change.push(a.latest - a.baseline);
        resp += usize::from(a.response);
        remit += usize::from(a.remission);
        better += usize::from(a.improved);
        worse += usize::from(a.worsened);
    }
    let n = base.len();
    let c = &m.change;
    Outcomes {
        measure: m.id.clone(),
        measure_name: m.name.clone(),
        arcs: n as u32,
        baseline_only: only_base,
        mean_baseline: Mean::of(&base, 1),
        mean_latest: Mean::of(&latest, 1),
        mean_change: Mean::of(&change, 1),
        response_rate: rate(resp, n, c.response_fall_percent.is_some()),
        remission_rate: rate(remit, n, c.remission_below.is_some()),
        improved_rate: rate(better, n, c.meaningful_points.is_some()),
        worsened_rate: rate(worse, n, c.meaningful_points.is_some()),
    }
}

impl Integration<'_> {
    /// The outcomes of one measure over the arcs `filter` selects; its date range applies to the
    /// day the baseline was given.
    pub fn outcomes(self, measure_id: &str, filter: &CohortFilter) -> Result<Outcomes> {
        let m = measure(measure_id)?;
        let (per_arc, _) = self.practice.per_arc(m, filter)?;
        Ok(summarise(m, per_arc.values()))
    }

    /// The same figures per group: by substance, dose band, plan or approach tag, largest group first.
    pub fn outcome_groups(self, measure_id: &str, filter: &CohortFilter, by: GroupBy) -> Result<Vec<OutcomeGroup>> {
        Ok(self.practice.integration().outcomes_and_groups(measure_id, filter, by)?.1)
    }

    /// Both at once, from one reading of the cohort.
    pub fn outcomes_and_groups(
        self,
        measure_id: &str,
        filter: &CohortFilter,
        by: GroupBy,
    ) -> Result<(Outcomes, Vec<OutcomeGroup>)> {
        let m = measure(measure_id)?;
        let (per_arc, traits) = self.practice.per_arc(m, filter)?;
        Ok(summarise_with_groups(m, &per_arc, &traits, by))
    }
}

/// The outcomes overall and per group: by substance, dose band, plan or approach tag, largest
/// group first (dose bands in their order).
pub(super) fn summarise_with_groups(
    m: &Measure,
    per_arc: &PerArc,
    traits: &BTreeMap<Uuid, cohort::ArcTraits>,
    by: GroupBy,
) -> (Outcomes, Vec<OutcomeGroup>) {
    let mut groups: BTreeMap<String, Vec<&Option<ArcOutcome>>> = BTreeMap::new();
    for (arc, outcome) in per_arc {
        for label in traits[arc].groups(by) {
            groups.entry(label).or_default().push(outcome);
        }
    }
    let mut out: Vec<OutcomeGroup> = groups
        .into_iter()
        .map(|(label, arcs)| OutcomeGroup { label, outcomes: summarise(m, arcs.into_iter()) })
        .collect();
    if by == GroupBy::Dose {
        let rank = |l: &str| cohort::DOSE_BANDS.iter().position(|b| *b == l).unwrap_or(cohort::DOSE_BANDS.len());
        out.sort_by_key(|g| rank(&g.label));
    } else {
        out.sort_by(|a, b| {
            (b.outcomes.arcs, b.outcomes.baseline_only).cmp(&(a.outcomes.arcs, a.outcomes.baseline_only))
        });
    }
    (summarise(m, per_arc.values()), out)
}

impl Practice {
    pub(super) fn per_arc(
        &self,
        m: &Measure,
        filter: &CohortFilter,
    ) -> Result<(PerArc, BTreeMap<Uuid, cohort::ArcTraits>)> {
        let zone = self.read(crate::domain::profile::load)?.zone()?;
        self.read(|conn| {
            let arcs = cohort::arcs(conn, filter)?;
            Ok((per_arc(conn, m, |id| arcs.contains_key(id), filter, zone)?, arcs))
        })
    }
}

/// One measure's counted scores, arc by arc in time order.
pub(super) const SCORES: &str = "SELECT arc_id, timepoint = 'baseline', administered_at, total, band
     FROM measure_response INDEXED BY measure_response_by_measure
     WHERE measure = ?1 AND withdrawn_at IS NULL AND total IS NOT NULL
     ORDER BY arc_id, administered_at, id";

/// What each arc `keep` wants contributes to the outcomes of `m`; the filter's date range applies to
/// the day the baseline was given. The stored scores (computed at saving with the response's
/// measure version) are read along the index of counted responses by measure: no answers are
/// parsed or scored again.
pub(super) fn per_arc(
    conn: &Connection,
    m: &Measure,
    keep: impl Fn(&Uuid) -> bool,
    filter: &CohortFilter,
    zone: chrono_tz::Tz,
) -> Result<PerArc> {
    struct Point {
        is_baseline: bool,
        at: chrono::DateTime<chrono::Utc>,
        total: f64,
        band: Option<String>,
    }
    let (from, to) =
        (filter.from.map(|d| end_of_day(d - chrono::Days::new(1), zone)), filter.to.map(|d| end_of_day(d, zone)));
    let c = &m.change;
    // Arcs are judged in id order (the index's): the map is built in one pass at the end.
    let mut out: Vec<(Uuid, Option<ArcOutcome>)> = Vec::new();
    let mut judge = |arc: Uuid, points: &[Point]| {
        let Some(b) = baseline_of(points, |p| p.is_baseline) else { return };
        if from.is_some_and(|f| b.at < f) || to.is_some_and(|t| b.at >= t) {
            return;
        }
        let Some(last) = points.iter().rfind(|p| p.at > b.at && !std::ptr::eq(*p, b)) else {
            out.push((arc, None));
            return;
        };
        let (baseline, latest) = (b.total, last.total);
        let outcome = ArcOutcome {
            baseline,
            baseline_band: b.band.clone(),
            latest,
            response: matches!(c.response_fall_percent, Some(p) if baseline > 0.0 && (baseline - latest) / baseline * 100.0 >= p as f64),
            remission: matches!(c.remission_below, Some(r) if latest < r as f64),
            improved: c.meaningfully_better(baseline, latest),
            worsened: c.meaningfully_worse(baseline, latest),
        };
        out.push((arc, Some(outcome)));
    };
    let mut stmt = conn.prepare_cached(SCORES)?;
    let mut rows = stmt.query([&m.id])?;
    // Rows come arc by arc: each arc's points are judged when the next arc's begin.
    // Ids and instants are borrowed as bytes, checked as they are parsed. `current`: the arc of
    // this run, when it is wanted.
    let (mut runs, mut current): (IdRuns, Option<Uuid>) = (IdRuns::default(), None);
    let mut points: Vec<Point> = Vec::new();
    while let Some(r) = rows.next()? {
        let (arc, begins) = runs.next(bytes(r, 0)?)?;
        if begins {
            if let Some(done) = current.take() {
                judge(done, &points);
            }
            points.clear();
            current = keep(&arc).then_some(arc);
        }
        if current.is_none() {
            continue;
        }
        // Only a baseline's band is read, and the first point's (the baseline when none is marked).
        let is_baseline: bool = r.get(1)?;
        let band = if is_baseline || points.is_empty() { r.get(4)? } else { None };
        points.push(Point { is_baseline, at: from_db_bytes(bytes(r, 2)?)?, total: r.get(3)?, band });
    }
    if let Some(arc) = current {
        judge(arc, &points);
    }
    Ok(out.into_iter().collect())
}

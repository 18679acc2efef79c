//! What goes with a better outcome in this practice: for one measure, each arc's change from
//! baseline beside what is known of the arc (dose, MEQ-30, EBI, approach, plan, how the follow-up
//! went), and each covariate's association with that change, with its interval, ranked. This is
//! association in one practice's arcs, never a cause; every result says so.

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use super::Integration;
use super::cohort::{self, ArcTraits, CohortFilter, UNRECORDED};
use super::course::{Course, Held, Status};
use super::outcomes::{PerArc, per_arc};
use crate::Result;
use crate::domain::{IdRuns, bytes, id_from_bytes};
use crate::measures::{Measure, measure};
use crate::stats::{Correlation, Difference, MIN_N, Mean, round};

/// Said with every result, on every surface.
pub const CAUTION: &str = "These are associations among this practice's own arcs, not causes: people who differ in one way \
often differ in others, and with few arcs a real effect can hide and a chance one can show. Read them as questions for \
reflection or supervision, not as rules.";

/// One arc in the cohort: its change in the measure and what is known of it. Ids only, no names.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct ArcCovariates {
    #[ts(type = "string")]
    pub arc_id: Uuid,
    /// Latest score minus baseline.
    pub change: f64,
    /// The baseline's severity band in this measure.
    pub baseline_band: Option<String>,
    pub substance: Option<String>,
    /// Total mg of the first signed administration record.
    pub dose_mg: Option<f64>,
    /// The arc's first MEQ-30 total (0–5) and whether it was a complete mystical experience.
    pub meq30: Option<f64>,
    pub complete_mystical: Option<bool>,
    /// The arc's first Emotional Breakthrough Inventory total.
    pub ebi: Option<f64>,
    pub approaches: Vec<String>,
    pub plan: String,
    pub checkins_completed: u32,
    /// Days from the first dosing session's end to the first check-in completed after it.
    pub days_to_first_contact: Option<f64>,
    /// Milestones achieved or being maintained.
    pub milestones_achieved: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum CovariateKind {
    /// Spearman's ρ with the change.
    Number,
    /// The group's mean change minus the rest's.
    Group,
}

/// One covariate's association with the change.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Predictor {
    /// A stable key: `dose_mg`, `meq30`, …, or `approach:somatic`, `substance:psilocybin`.
    pub key: String,
    pub label: String,
    pub kind: CovariateKind,
    /// Arcs with the covariate known (a number), or in the group.
    pub n: u32,
    /// Arcs in the rest, for a group.
    pub n_rest: Option<u32>,
    /// ρ, or the difference in mean change; `null` when too few to say.
    pub effect: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// The 95 % interval leaves out 0.
    pub clear: bool,
    /// What it says, in plain words (the figures are beside it): "arcs with a higher MEQ-30 total
    /// improved more", "no clear association", "too few arcs to say".
    pub reading: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct Predictors {
    pub measure: String,
    pub measure_name: String,
    /// Whether a fall in this measure is an improvement (PHQ-9) or a rise is (WHO-5).
    pub lower_is_better: bool,
    /// The change over the whole cohort, for scale.
    pub change: Mean,
    pub arcs: Vec<ArcCovariates>,
    /// Strongest first: those whose interval leaves out 0, then by strength.
    pub predictors: Vec<Predictor>,
    pub caution: String,
}

/// The numeric covariates (key, label, what "more" of it reads as), in the order they are offered
/// for the scatter chart.
pub const NUMBERS: [(&str, &str, &str); 6] = [
    ("meq30", "MEQ-30 total", "a higher MEQ-30 total"),
    ("ebi", "EBI total", "a higher EBI total"),
    ("dose_mg", "dose (mg)", "a higher dose"),
    ("checkins_completed", "check-ins completed", "more check-ins completed"),
    ("days_to_first_contact", "days from dosing to first contact", "a later first contact"),
    ("milestones_achieved", "milestones achieved", "more milestones achieved"),
];

impl ArcCovariates {
    /// A numeric covariate by its key.
    pub fn number(&self, key: &str) -> Option<f64> {
        match key {
            "meq30" => self.meq30,
            "ebi" => self.ebi,
            "dose_mg" => self.dose_mg,
            "checkins_completed" => Some(f64::from(self.checkins_completed)),
            "days_to_first_contact" => self.days_to_first_contact,
            "milestones_achieved" => Some(f64::from(self.milestones_achieved)),
            _ => None,
        }
    }

    /// The groups this arc is in: `(kind, value)`; the key is `kind:value`, the label `kind: value`.
    fn groups(&self) -> Vec<(&'static str, &str)> {
        let mut out = vec![("substance", self.substance.as_deref().unwrap_or(UNRECORDED))];
        if let Some(c) = self.complete_mystical {
            out.push(("complete mystical experience", if c { "yes" } else { "no" }));
        }
        out.push(("baseline", self.baseline_band.as_deref().unwrap_or(UNRECORDED)));
        out.extend(self.approaches.iter().map(|a| ("approach", a.as_str())));
        out.push(("plan", &self.plan));
        out
    }
}

/// What the practice knows of each arc beyond the cohort's traits (the CSV export writes it too).
#[derive(Debug, Default)]
pub(crate) struct Facts {
    pub checkins_completed: u32,
    /// The first administration session's end.
    pub dosed: Option<chrono::DateTime<chrono::Utc>>,
    pub days_to_first_contact: Option<f64>,
    pub milestones_achieved: u32,
    /// The first MEQ-30 total, and whether it was a complete mystical experience.
    pub meq30: Option<(f64, bool)>,
    pub ebi: Option<f64>,
}

/// The milestones achieved or being maintained, arc by arc (counted as they come: an ordered walk
/// costs about half of SQLite's `count(*) … GROUP BY`).
pub(super) const MILESTONES: &str = "SELECT arc_id FROM milestone INDEXED BY milestone_by_arc
     WHERE status IN ('achieved', 'maintaining') ORDER BY arc_id";
/// The counted MEQ-30 and EBI scores, arc by arc in time order, with the criterion met.
pub(super) const EXPERIENCE: &str = "SELECT measure, arc_id, total, criterion IS NOT NULL
     FROM measure_response INDEXED BY measure_response_by_measure
     WHERE measure IN ('meq30', 'ebi') AND withdrawn_at IS NULL AND total IS NOT NULL
     ORDER BY measure, arc_id, administered_at, id";

/// Every arc's facts (the CSV export's), from a course read of the whole practice.
pub(crate) fn facts(conn: &Connection) -> Result<HashMap<Uuid, Facts>> {
    let zone = crate::domain::profile::load(conn)?.zone()?;
    facts_of(conn, &Course::load(conn, cohort::arcs(conn, &CohortFilter::default())?, zone)?)
}

/// The facts of the arcs in a course read: counted from its check-ins, with the milestones achieved
/// and the first MEQ-30 and EBI scores read along their indexes.
pub(super) fn facts_of(conn: &Connection, course: &Course) -> Result<HashMap<Uuid, Facts>> {
    Ok(facts_from(course, recorded(conn)?))
}

/// What the practice recorded of every arc beside its check-ins: its milestones achieved and its
/// first MEQ-30 and EBI scores.
#[derive(Default)]
pub(super) struct Recorded {
    milestones_achieved: u32,
    meq30: Option<(f64, bool)>,
    ebi: Option<f64>,
}

pub(super) fn recorded(conn: &Connection) -> Result<HashMap<Uuid, Recorded>> {
    let mut out: HashMap<Uuid, Recorded> = HashMap::new();
    // Rows come arc by arc: each arc's id is parsed once, when its run begins (borrowed as bytes,
    // checked as parsed).
    let mut stmt = conn.prepare_cached(MILESTONES)?;
    let mut rows = stmt.query([])?;
    let mut runs = IdRuns::default();
    while let Some(r) = rows.next()? {
        let (arc, _) = runs.next(bytes(r, 0)?)?;
        out.entry(arc).or_default().milestones_achieved += 1;
    }
    // The first counted response of each to an arc, by the stored score and criterion. Rows come
    // arc by arc within each measure: an arc's id is parsed once per measure.
    let mut stmt = conn.prepare_cached(EXPERIENCE)?;
    let mut rows = stmt.query([])?;
    let mut current: Option<(Vec<u8>, Vec<u8>)> = None;
    while let Some(r) = rows.next()? {
        let (measure, arc) = (bytes(r, 0)?, bytes(r, 1)?);
        if current.as_ref().is_some_and(|(m, a)| m.as_slice() == measure && a.as_slice() == arc) {
            continue;
        }
        let f = out.entry(id_from_bytes(arc)?).or_default();
        let total: f64 = r.get(2)?;
        match measure {
            b"meq30" => f.meq30 = Some((total, r.get(3)?)),
            b"ebi" => f.ebi = Some(total),
            _ => {}
        }
        current = Some((measure.to_owned(), arc.to_owned()));
    }
    Ok(out)
}

/// The facts of the arcs in a course, from its check-ins and what was `recorded` of them.
pub(super) fn facts_from(course: &Course, recorded: HashMap<Uuid, Recorded>) -> HashMap<Uuid, Facts> {
    let mut facts = facts_before_checkins(course.arcs.keys(), &course.dosed, recorded);
    count_checkins(&mut facts, &course.checkins);
    facts
}

/// The facts of `arcs` that do not come from their check-ins: when each was first dosed and what
/// was `recorded` of it.
pub(super) fn facts_before_checkins<'a>(
    arcs: impl Iterator<Item = &'a Uuid>,
    dosed: &HashMap<Uuid, chrono::DateTime<chrono::Utc>>,
    mut recorded: HashMap<Uuid, Recorded>,
) -> HashMap<Uuid, Facts> {
    arcs.map(|id| {
        let r = recorded.remove(id).unwrap_or_default();
        let facts = Facts {
            dosed: dosed.get(id).copied(),
            milestones_achieved: r.milestones_achieved,
            meq30: r.meq30,
            ebi: r.ebi,
            ..Facts::default()
        };
        (*id, facts)
    })
    .collect()
}

/// Adds to each arc's facts its completed check-ins and the days from its dosing to its first
/// contact after it, from `checkins` (arc by arc, as a course holds them).
pub(super) fn count_checkins(facts: &mut HashMap<Uuid, Facts>, checkins: &[Held]) {
    for run in checkins.chunk_by(|a, b| a.arc == b.arc) {
        let Some(f) = facts.get_mut(&run[0].arc) else { continue };
        let (mut completed, mut first) = (0, None);
        for c in run.iter().filter(|c| c.status == Status::Completed) {
            completed += 1;
            if let (Some(at), Some(dosed)) = (c.resolved, f.dosed)
                && at >= dosed
            {
                first = Some(first.map_or(at, |t: chrono::DateTime<chrono::Utc>| t.min(at)));
            }
        }
        f.checkins_completed = completed;
        f.days_to_first_contact =
            first.zip(f.dosed).map(|(at, dosed)| round((at - dosed).num_minutes() as f64 / 1440.0, 1));
    }
}

/// "improved more", "improved less": what a positive or negative shift in change means here.
fn direction(shift: f64, lower_is_better: bool) -> &'static str {
    if (shift < 0.0) == lower_is_better { "improved more" } else { "improved less" }
}

fn number((key, label, more): (&str, &str, &str), arcs: &[ArcCovariates], lower_is_better: bool) -> Predictor {
    let pairs: Vec<(f64, f64)> = arcs.iter().filter_map(|a| Some((a.number(key)?, a.change))).collect();
    let c = Correlation::spearman(&pairs);
    let reading = match c.rho {
        Some(rho) if c.clear() => format!("arcs with {more} {}", direction(rho, lower_is_better)),
        Some(_) => "no clear association".to_owned(),
        None if c.n >= MIN_N => format!("the same in all {} arcs: nothing to compare", c.n),
        None => "too few arcs to say".to_owned(),
    };
    Predictor {
        key: key.to_owned(),
        label: label.to_owned(),
        kind: CovariateKind::Number,
        n: c.n,
        n_rest: None,
        effect: c.rho,
        low: c.low,
        high: c.high,
        clear: c.clear(),
        reading,
    }
}

/// `member[i]` says whether `arcs[i]` is in the group.
fn group(key: &str, label: &str, arcs: &[ArcCovariates], member: &[bool], lower_is_better: bool) -> Predictor {
    let (mut inside, mut outside) = (Vec::new(), Vec::new());
    for (a, is_in) in arcs.iter().zip(member) {
        if *is_in { inside.push(a.change) } else { outside.push(a.change) }
    }
    let d = Difference::of(&inside, &outside, 1);
    let points = |x: f64| format!("{} point{}", x.abs(), if x.abs() == 1.0 { "" } else { "s" });
    let reading = match d.value {
        Some(v) if d.clear() => format!("{} than the rest, by {}", direction(v, lower_is_better), points(v)),
        Some(_) => "no clear difference from the rest".to_owned(),
        None => "too few arcs to say".to_owned(),
    };
    Predictor {
        key: key.to_owned(),
        label: label.to_owned(),
        kind: CovariateKind::Group,
        n: d.n_in,
        n_rest: Some(d.n_out),
        effect: d.value,
        low: d.low,
        high: d.high,
        clear: d.clear(),
        reading,
    }
}

/// Every covariate's association with the change, strongest first.
fn rank(arcs: &[ArcCovariates], m: &Measure, spread: Option<f64>) -> Vec<Predictor> {
    let better = m.change.lower_is_better;
    let mut out: Vec<Predictor> = NUMBERS.iter().map(|n| number(*n, arcs, better)).collect();
    // Which arcs are in each group, by (kind, value): its key and label are written once per group.
    let mut groups: BTreeMap<(&str, &str), Vec<bool>> = BTreeMap::new();
    for (i, a) in arcs.iter().enumerate() {
        for kv in a.groups() {
            groups.entry(kv).or_insert_with(|| vec![false; arcs.len()])[i] = true;
        }
    }
    // A group every arc is in has no rest to compare with: it says nothing, so it is not listed.
    out.extend(
        groups
            .iter()
            .map(|((kind, value), member)| {
                group(&format!("{kind}:{value}"), &format!("{kind}: {value}"), arcs, member, better)
            })
            .filter(|p| p.n_rest != Some(0)),
    );
    // Strength on one scale, 0–1: |ρ|; for a group, its difference in units of the cohort's spread
    // of change (Cohen's d), as the correlation it amounts to, d / √(d² + 4).
    let strength = |p: &Predictor| match (p.kind, p.effect) {
        (_, None) => -1.0,
        (CovariateKind::Number, Some(rho)) => rho.abs(),
        (CovariateKind::Group, Some(diff)) => spread.filter(|s| *s > 0.0).map_or(0.0, |s| {
            let d = diff / s;
            d.abs() / (d * d + 4.0).sqrt()
        }),
    };
    out.sort_by(|a, b| {
        b.clear.cmp(&a.clear).then(strength(b).total_cmp(&strength(a))).then(b.n.cmp(&a.n)).then(a.key.cmp(&b.key))
    });
    out
}

/// The predictors of change in `m` over the arcs with an outcome, with their traits and facts.
pub(super) fn of(
    m: &Measure,
    per_arc: &PerArc,
    traits: &BTreeMap<Uuid, ArcTraits>,
    facts: &HashMap<Uuid, Facts>,
) -> Predictors {
    let mut arcs = Vec::new();
    for (id, outcome) in per_arc {
        let (Some(o), Some(t)) = (outcome, traits.get(id)) else { continue };
        let f = facts.get(id);
        arcs.push(ArcCovariates {
            arc_id: *id,
            change: o.latest - o.baseline,
            baseline_band: o.baseline_band.clone(),
            substance: t.substance.clone(),
            dose_mg: t.dose_mg,
            meq30: f.and_then(|f| f.meq30).map(|m| m.0),
            complete_mystical: f.and_then(|f| f.meq30).map(|m| m.1),
            ebi: f.and_then(|f| f.ebi),
            approaches: t.approaches.clone(),
            plan: t.plan.clone(),
            checkins_completed: f.map_or(0, |f| f.checkins_completed),
            days_to_first_contact: f.and_then(|f| f.days_to_first_contact),
            milestones_achieved: f.map_or(0, |f| f.milestones_achieved),
        });
    }
    let change = Mean::of(&arcs.iter().map(|a| a.change).collect::<Vec<_>>(), 1);
    let predictors = rank(&arcs, m, change.sd);
    Predictors {
        measure: m.id.clone(),
        measure_name: m.name.clone(),
        lower_is_better: m.change.lower_is_better,
        change,
        arcs,
        predictors,
        caution: CAUTION.to_owned(),
    }
}

impl Integration<'_> {
    /// What goes with a better change in `measure_id` among the arcs `filter` selects.
    pub fn predictors(self, measure_id: &str, filter: &CohortFilter) -> Result<Predictors> {
        let m = measure(measure_id)?;
        let zone = self.practice.facilitator().profile()?.zone()?;
        self.practice.read(|conn| {
            let course = Course::load(conn, cohort::arcs(conn, filter)?, zone)?;
            let per_arc = per_arc(conn, m, |id| course.arcs.contains_key(id), filter, zone)?;
            Ok(of(m, &per_arc, &course.arcs, &facts_of(conn, &course)?))
        })
    }
}

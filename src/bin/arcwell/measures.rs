//! The outcome measure commands: the library, giving a measure on an arc, withdrawing a response,
//! an arc's trajectories, and the practice figures (outcomes, overall or grouped; engagement).

use std::fmt::Write;

use arcwell::domain::parse_id;
use arcwell::integration::cohort::{CohortFilter, GroupBy};
use arcwell::integration::engagement::Engagement;
use arcwell::integration::outcomes::Outcomes;
use arcwell::integration::predictors::{CovariateKind, Predictors};
use arcwell::measures::response::{GiveMeasure, MeasureResponse, Timepoint, Trajectory};
use arcwell::measures::{self, Measure};
use arcwell::stats::{Mean, Rate};
use arcwell::{Error, Practice, Result};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use serde_json::{Map, Value, json};

use crate::output;

#[derive(Subcommand)]
pub enum MeasureCmd {
    /// The measures Arcwell knows (PHQ-9, GAD-7, WHO-5, PCL-5, EBI)
    Library,
    /// A measure's items, answers, scoring, bands, source and licence
    Show { id: String },
    /// Record a measure given on an arc: --answers "1,2,1,3,0,2,1,0,0" (items in order; "-" for unanswered)
    Give {
        arc_id: String,
        /// phq9, gad7, who5, pcl5 or ebi
        #[arg(long)]
        measure: String,
        /// baseline, after_administration, follow_up or other
        #[arg(long)]
        timepoint: String,
        #[arg(long, value_name = "VALUES")]
        answers: String,
        /// When it was answered (ISO 8601) [default: now]
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// The check-in it was given at
        #[arg(long, value_name = "CHECKIN_ID")]
        checkin: Option<String>,
    },
    /// An arc's responses, in the order given
    #[command(name = "list")]
    Responses { arc_id: String },
    /// Withdraw a response given by mistake (it is kept, shown as withdrawn, and no longer counted)
    Withdraw {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// An arc's scores per measure against its baseline
    Trajectory { arc_id: String },
    /// Across the practice: mean change from baseline, response, remission and meaningful change
    Outcomes {
        #[arg(long)]
        measure: String,
        #[command(flatten)]
        cohort: CohortArgs,
        /// One line per substance, dose (Oregon's tiers), plan or approach tag
        #[arg(long, value_parser = ["substance", "dose", "plan", "approach"])]
        by: Option<String>,
    },
    /// What goes with a better change in a measure: each covariate's association, ranked, with
    /// its interval (associations in this practice, not causes)
    Predictors {
        #[arg(long)]
        measure: String,
        #[command(flatten)]
        cohort: CohortArgs,
    },
    /// Check-ins completed (and on their day), how late, and days from dosing to completion
    Engagement {
        #[command(flatten)]
        cohort: CohortArgs,
    },
}

/// Which arcs the practice figures count.
#[derive(clap::Args)]
pub struct CohortArgs {
    /// Only arcs following this plan
    #[arg(long, value_name = "PLAN_ID")]
    plan: Option<String>,
    /// From this day: the baseline's (outcomes), the due day (check-ins), the dosing day (completion)
    #[arg(long, value_name = "YYYY-MM-DD")]
    from: Option<String>,
    #[arg(long, value_name = "YYYY-MM-DD")]
    to: Option<String>,
    /// Only arcs whose administration record names this substance
    #[arg(long)]
    substance: Option<String>,
    /// Only arcs whose first administration totalled at least this many mg
    #[arg(long, value_name = "MG")]
    dose_min: Option<f64>,
    /// … and below this many
    #[arg(long, value_name = "MG")]
    dose_max: Option<f64>,
    /// Only arcs tagged with this approach (see `arcwell arc approaches`)
    #[arg(long)]
    approach: Option<String>,
}

impl CohortArgs {
    pub(crate) fn filter(self) -> Result<CohortFilter> {
        Ok(CohortFilter {
            plan_id: self.plan.map(|p| parse_id("plan", &p)).transpose()?,
            from: self.from.map(|d| arcwell::domain::time::parse_date(&d)).transpose()?,
            to: self.to.map(|d| arcwell::domain::time::parse_date(&d)).transpose()?,
            substance: self.substance,
            dose_min_mg: self.dose_min,
            dose_max_mg: self.dose_max,
            approach: self.approach,
        })
    }
}

fn outcomes_text(o: &Outcomes) -> String {
    format!(
        "{} arcs with a baseline and a later score ({} with a baseline only); 95 % intervals\n  mean baseline {}\n  mean latest {}\n  mean change {}\n  response {}\n  remission {}\n  meaningfully better {}\n  meaningfully worse {}\n",
        o.arcs,
        o.baseline_only,
        mean(&o.mean_baseline),
        mean(&o.mean_latest),
        mean(&o.mean_change),
        defined(o.response_rate.as_ref()),
        defined(o.remission_rate.as_ref()),
        defined(o.improved_rate.as_ref()),
        defined(o.worsened_rate.as_ref())
    )
}

/// "62 % (41–80 %, 8 of 13)", or "too few to say (3 of 4)" below the core's minimum.
fn percent(r: &Rate) -> String {
    let pc = |x: f64| format!("{:.0}", x * 100.0);
    match (r.value, r.low, r.high) {
        (Some(v), Some(lo), Some(hi)) => format!("{} % ({}–{} %, {} of {})", pc(v), pc(lo), pc(hi), r.hits, r.n),
        _ => format!("too few to say ({} of {})", r.hits, r.n),
    }
}

/// A rate the measure defines, or "—" where it defines none.
fn defined(r: Option<&Rate>) -> String {
    r.map_or_else(|| "—".into(), percent)
}

/// "−5.8 (−9.1 to −2.4, n = 12)", or "too few to say (n = 4)".
fn mean(m: &Mean) -> String {
    match (m.value, m.low, m.high) {
        (Some(v), Some(lo), Some(hi)) => format!("{v} ({lo} to {hi}, n = {})", m.n),
        _ => format!("too few to say (n = {})", m.n),
    }
}

fn predictors_text(p: &Predictors) -> String {
    let mut s = format!(
        "{}: {} arcs with a baseline and a later score; mean change {}\n",
        p.measure_name,
        p.arcs.len(),
        mean(&p.change)
    );
    for x in &p.predictors {
        let figures = match (x.kind, x.effect, x.low, x.high, x.n_rest) {
            (CovariateKind::Number, Some(e), Some(lo), Some(hi), _) => format!("ρ {e}, {lo} to {hi}; {} arcs", x.n),
            (CovariateKind::Group, Some(e), Some(lo), Some(hi), Some(rest)) => {
                format!("{e}, {lo} to {hi}; {} against {rest} arcs", x.n)
            }
            (_, _, _, _, Some(rest)) => format!("{} against {rest} arcs", x.n),
            _ => format!("{} with it recorded", x.n),
        };
        let _ = writeln!(s, "  {}{}: {} ({figures})", if x.clear { "* " } else { "  " }, x.label, x.reading);
    }
    let _ =
        writeln!(s, "* its 95 % interval leaves out 0: an association these arcs can tell from none.\n{}", p.caution);
    s
}

fn engagement_text(e: &Engagement) -> String {
    let days = |x: Option<f64>| x.map(|v| format!("{v} days")).unwrap_or_else(|| "—".into());
    format!(
        "check-ins that could have been done: {}\n  completed {} ({}), on their day {} ({}), skipped {}, overdue {}\n  median contact vs due time: {}\narcs dosed: {}, completed: {}; median from dosing to completion: {}\n",
        e.checkins,
        e.completed,
        percent(&e.completion_rate),
        e.completed_on_time,
        percent(&e.on_time_rate),
        e.skipped,
        e.overdue,
        days(e.median_days_from_due),
        e.arcs_dosed,
        e.arcs_completed,
        days(e.median_days_to_completion)
    )
}

/// `"1,2,-,3"` → item 1 = 1, item 2 = 2, item 3 unanswered, item 4 = 3.
fn answers(m: &Measure, text: &str) -> Result<Map<String, Value>> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    if parts.len() != m.items.len() {
        return Err(Error::Invalid(format!(
            "{} has {} items; give {} values separated by commas (\"-\" for one not answered), not {}",
            m.name,
            m.items.len(),
            m.items.len(),
            parts.len()
        )));
    }
    m.items
        .iter()
        .zip(parts)
        .map(|(item, p)| {
            let v = match p {
                "-" | "" => Value::Null,
                p => json!(
                    p.parse::<f64>()
                        .map_err(|_| Error::Invalid(format!("{} item {}: {p:?} is not a number", m.name, item.key)))?
                ),
            };
            Ok((item.key.clone(), v))
        })
        .collect()
}

fn response_text(r: &MeasureResponse) -> String {
    let mut s = format!(
        "{}  {} {} ({})  {}",
        r.id,
        r.administered.local.replace('T', " "),
        r.measure_name,
        r.timepoint.as_str(),
        match r.score.total {
            Some(t) => format!("{t}{}", r.score.band.as_ref().map(|b| format!(" — {b}")).unwrap_or_default()),
            None => "no total".into(),
        }
    );
    if r.score.prorated {
        s.push_str(" (prorated)");
    }
    if let Some(w) = &r.withdrawn {
        let _ = write!(s, "  WITHDRAWN {}: {}", w.local, r.withdrawn_reason.as_deref().unwrap_or(""));
    }
    s.push('\n');
    if !r.score.subscales.is_empty() {
        let subs: Vec<String> = r
            .score
            .subscales
            .iter()
            .map(|x| match (x.mean, x.percent) {
                (Some(m), Some(p)) => format!("{} {m} ({p} %)", x.name),
                _ => format!("{} —", x.name),
            })
            .collect();
        let _ = writeln!(
            s,
            "    {}{}",
            subs.join(" · "),
            r.score.criterion.as_ref().map(|c| format!(" — {c}")).unwrap_or_default()
        );
    }
    for c in &r.score.critical {
        let _ = writeln!(s, "    ! item {} answered {:?}: {}", c.item, c.answer, c.action);
    }
    s
}

fn trajectory_text(ts: &Vec<Trajectory>) -> String {
    if ts.is_empty() {
        return "no scored responses yet\n".into();
    }
    let mut s = String::new();
    for t in ts {
        let _ = writeln!(s, "{} ({}–{})", t.measure_name, t.min, t.max);
        for p in &t.points {
            let marks: Vec<&str> =
                [(p.response, "response"), (p.remission, "remission"), (p.improved, "improved"), (p.worsened, "worse")]
                    .into_iter()
                    .filter_map(|(on, w)| on.then_some(w))
                    .collect();
            let _ = writeln!(
                s,
                "  {}  {:<20} {:>5}  {:>6}  {}",
                p.at.local.replace('T', " "),
                p.timepoint.as_str(),
                p.total.map(|t| t.to_string()).unwrap_or_default(),
                p.change.map(|c| format!("{c:+}")).unwrap_or_default(),
                marks.join(", ")
            );
        }
    }
    s
}

pub fn run(p: &mut Practice, cmd: MeasureCmd, json: bool, now: DateTime<Utc>) -> Result<()> {
    match cmd {
        MeasureCmd::Library => output::print(json, &measures::library()?, |all| {
            all.iter().map(|m| format!("{:<5}  {} — {} items\n", m.id, m.title, m.items.len())).collect()
        }),
        MeasureCmd::Show { id } => output::print(json, measures::measure(&id)?, |m| {
            let mut s = format!("{} — {}\n{}\n", m.name, m.title, m.instructions);
            for i in &m.items {
                let _ = writeln!(s, "  {:>2}. {}", i.key, i.text);
            }
            match &m.slider {
                Some(sl) => {
                    let _ = writeln!(s, "answers: {} ({}) to {} ({})", sl.min, sl.min_label, sl.max, sl.max_label);
                }
                None => {
                    let opts: Vec<String> = m.options.iter().map(|o| format!("{} {}", o.value, o.label)).collect();
                    let _ = writeln!(s, "answers: {}", opts.join(" · "));
                }
            }
            for b in &m.bands {
                let _ = writeln!(s, "  {}–{}: {}", b.min, b.max, b.label);
            }
            let _ = writeln!(s, "missing items: {}\nsource: {}\nlicence: {}", m.missing.note, m.citation, m.licence);
            s
        }),
        MeasureCmd::Give { arc_id, measure, timepoint, answers: values, at, checkin } => {
            let m = measures::measure(&measure)?;
            let input = GiveMeasure {
                arc_id: parse_id("arc", &arc_id)?,
                measure: m.id.clone(),
                timepoint: Timepoint::parse(&timepoint)?,
                at,
                checkin_id: checkin.map(|c| parse_id("check-in", &c)).transpose()?,
                session_id: None,
                answers: answers(m, &values)?,
            };
            output::print(json, &p.measures().give(&input, now)?, response_text)
        }
        MeasureCmd::Responses { arc_id } => {
            output::print(json, &p.measures().responses(parse_id("arc", &arc_id)?)?, |rs| {
                if rs.is_empty() {
                    "no measures given on this arc\n".into()
                } else {
                    rs.iter().map(response_text).collect()
                }
            })
        }
        MeasureCmd::Withdraw { id, reason } => {
            output::print(json, &p.measures().withdraw(parse_id("response", &id)?, &reason, now)?, response_text)
        }
        MeasureCmd::Outcomes { measure, cohort, by } => {
            let filter = cohort.filter()?;
            let name = arcwell::measures::measure(&measure)?.name.clone();
            match by {
                None => output::print(json, &p.integration().outcomes(&measure, &filter)?, |o| {
                    format!("{name}: {}", outcomes_text(o))
                }),
                Some(by) => {
                    let by: GroupBy =
                        serde_json::from_value(Value::String(by)).map_err(|e| Error::Invalid(e.to_string()))?;
                    output::print(json, &p.integration().outcome_groups(&measure, &filter, by)?, |groups| {
                        let mut s = format!("{name}\n");
                        for g in groups {
                            s.push_str(&format!("{}: {}", g.label, outcomes_text(&g.outcomes)));
                        }
                        s
                    })
                }
            }
        }
        MeasureCmd::Predictors { measure, cohort } => {
            output::print(json, &p.integration().predictors(&measure, &cohort.filter()?)?, predictors_text)
        }
        MeasureCmd::Engagement { cohort } => {
            output::print(json, &p.integration().engagement(&cohort.filter()?, now)?, engagement_text)
        }
        MeasureCmd::Trajectory { arc_id } => {
            output::print(json, &p.measures().trajectories(parse_id("arc", &arc_id)?)?, trajectory_text)
        }
    }
}

//! The outcome measure commands: the library, giving a measure on an arc, withdrawing a response,
//! and an arc's trajectories.

use std::fmt::Write;

use arcwell::domain::parse_id;
use arcwell::measures::response::{GiveMeasure, MeasureResponse, Timepoint, Trajectory};
use arcwell::measures::{self, Measure};
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
        /// Only arcs following this plan
        #[arg(long, value_name = "PLAN_ID")]
        plan: Option<String>,
        /// Baselines given on or after this day
        #[arg(long, value_name = "YYYY-MM-DD")]
        from: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        to: Option<String>,
    },
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
            output::print(json, &p.give_measure(&input, now)?, response_text)
        }
        MeasureCmd::Responses { arc_id } => {
            output::print(json, &p.measure_responses(parse_id("arc", &arc_id)?)?, |rs| {
                if rs.is_empty() {
                    "no measures given on this arc\n".into()
                } else {
                    rs.iter().map(response_text).collect()
                }
            })
        }
        MeasureCmd::Withdraw { id, reason } => {
            output::print(json, &p.withdraw_measure_response(parse_id("response", &id)?, &reason, now)?, response_text)
        }
        MeasureCmd::Outcomes { measure, plan, from, to } => {
            let filter = arcwell::measures::outcomes::OutcomeFilter {
                measure,
                plan_id: plan.map(|p| parse_id("plan", &p)).transpose()?,
                from: from.map(|d| arcwell::domain::time::parse_date(&d)).transpose()?,
                to: to.map(|d| arcwell::domain::time::parse_date(&d)).transpose()?,
            };
            output::print(json, &p.outcomes(&filter)?, |o| {
                let f = |x: Option<f64>| x.map(|v| format!("{v}")).unwrap_or_else(|| "—".into());
                let pct = |x: Option<f64>| x.map(|v| format!("{:.0} %", v * 100.0)).unwrap_or_else(|| "—".into());
                format!(
                    "{}: {} arcs with a baseline and a later score ({} with a baseline only)\n  mean baseline {}  latest {}  change {}\n  response {}  remission {}  meaningfully better {}  worse {}\n",
                    o.measure_name,
                    o.arcs,
                    o.baseline_only,
                    f(o.mean_baseline),
                    f(o.mean_latest),
                    f(o.mean_change),
                    pct(o.response_rate),
                    pct(o.remission_rate),
                    pct(o.improved_rate),
                    pct(o.worsened_rate)
                )
            })
        }
        MeasureCmd::Trajectory { arc_id } => {
            output::print(json, &p.trajectories(parse_id("arc", &arc_id)?)?, trajectory_text)
        }
    }
}

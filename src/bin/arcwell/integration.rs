//! The integration commands: plans, check-ins, milestones, alerts and the dashboard.

use std::fmt::Write;

use arcwell::domain::parse_id;
use arcwell::domain::time::{parse_date, parse_time};
use arcwell::integration::alerts::Alert;
use arcwell::integration::checkin::{AddCheckIn, CheckIn, CheckInFilter, CheckInStatus, CompleteCheckIn};
use arcwell::integration::dashboard::{ArcSummary, Dashboard};
use arcwell::integration::milestone::{Milestone, MilestoneStatus, NewMilestone};
use arcwell::integration::plan::{Plan, PlanInput, PlanStep};
use arcwell::integration::schedule::Offset;
use arcwell::integration::timelines::StepTimeline;
use arcwell::packet::MakePacket;
use arcwell::{Error, Practice, Result};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use serde::Serialize;

use crate::output;

#[derive(Subcommand)]
pub enum PlanCmd {
    /// List the follow-up plans (the default first)
    List,
    /// Show a plan's steps; without an id, the default plan
    Show { id: Option<String> },
    /// Create a plan: --step "OFFSET|PURPOSE|PROMPT|PROMPT…[|measures: phq9, gad7][|reassessment]", e.g. --step "2d|Early check|How are you sleeping?"
    Add {
        name: String,
        #[arg(long = "step", value_name = "OFFSET|PURPOSE|PROMPTS…", required = true)]
        steps: Vec<String>,
        /// Measures given at baseline, during preparation (repeat: --baseline phq9 --baseline gad7)
        #[arg(long = "baseline", value_name = "MEASURE")]
        baseline: Vec<String>,
        /// Make it the default plan
        #[arg(long)]
        default: bool,
    },
    /// Change a plan: a new name, or all its steps (given as with `add`), or make it the default
    Edit {
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long = "step", value_name = "OFFSET|PURPOSE|PROMPTS…")]
        steps: Vec<String>,
        /// Replace the baseline measures (repeat; "none" for none)
        #[arg(long = "baseline", value_name = "MEASURE")]
        baseline: Vec<String>,
        #[arg(long)]
        default: bool,
    },
    /// How each plan step goes in practice: done, on its day, skipped, how late; and where a step
    /// is usually late, what to move it to
    Timelines {
        #[command(flatten)]
        cohort: crate::measures::CohortArgs,
    },
    /// Move one step of a plan (1 = the first) to another offset, e.g. `plan move-step ID 2 96h`;
    /// check-ins already queued keep their times
    MoveStep { id: String, step: u32, offset: String },
    /// Every version of a plan, the newest first: each save keeps the whole plan as it then stood
    History { id: String },
}

#[derive(Subcommand)]
pub enum CheckinCmd {
    /// Check-ins still due (soonest first); --all for every status
    List {
        /// Only those due before this time (ISO 8601, or a date YYYY-MM-DD meaning its start)
        #[arg(long, value_name = "TIME")]
        due_before: Option<String>,
        /// Only this arc's
        #[arg(long, value_name = "ARC_ID")]
        arc: Option<String>,
        /// Completed and skipped ones too
        #[arg(long)]
        all: bool,
    },
    /// Show a check-in with its history and note
    Show { id: String },
    /// Complete a due check-in with the integration note written for it
    Complete {
        id: String,
        /// A summary of the contact
        #[arg(long)]
        note: String,
        /// When the contact happened [default: now]
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        /// The integration document written for it (`checkin note ID`); a draft is signed
        #[arg(long, value_name = "DOCUMENT_ID")]
        document: Option<String>,
    },
    /// Start (or continue) the integration note document of a due check-in; prints the document
    Note { id: String },
    /// Skip a due check-in, with the reason
    Skip {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// Move a due check-in to another time (the old time stays in its history)
    Reschedule {
        id: String,
        #[arg(long, value_name = "TIME")]
        at: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Add an ad-hoc check-in to an arc
    Add {
        arc_id: String,
        #[arg(long, value_name = "TIME")]
        at: String,
        #[arg(long)]
        purpose: String,
        #[arg(long = "prompt")]
        prompts: Vec<String>,
    },
    /// A draft message for a check-in (and a mailto: link); Arcwell sends nothing
    Draft { id: String },
    /// Write a packet the participant fills in offline in any browser (one HTML file you send them)
    Packet {
        /// The due check-in it asks about
        #[arg(required_unless_present = "arc", conflicts_with = "arc")]
        id: Option<String>,
        /// Instead: what this arc's plan asks for now (its earliest due check-in, or the baseline measures)
        #[arg(long, value_name = "ARC_ID")]
        arc: Option<String>,
        /// Where to write the packet (a new .html file)
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
        /// A short personal message shown at the top
        #[arg(long)]
        message: Option<String>,
        /// Greet the participant by first name (otherwise no name goes into the file)
        #[arg(long)]
        first_name: bool,
        /// Days it can be answered in (1-180)
        #[arg(long, value_name = "DAYS", default_value_t = 30)]
        expires_days: u32,
    },
    /// Import a participant's encrypted reply to a packet (the .age file, or the text pasted into a file)
    Import { file: std::path::PathBuf },
    /// The packets written for an arc, and which were answered
    Packets { arc_id: String },
    /// Print the practice's reply key (secret) so `age -d -i` can read a reply without Arcwell
    ReplyKey,
}

#[derive(Subcommand)]
pub enum MilestoneCmd {
    /// Add a milestone to an arc (status: planned)
    Add {
        arc_id: String,
        title: String,
        /// mind, body, spirit, lifestyle, relationships, nature, or your own word
        #[arg(long)]
        category: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        target: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// Change a milestone's status: planned, in_progress, achieved, maintaining, lapsed
    Set {
        id: String,
        status: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// An arc's milestones with their history
    List { arc_id: String },
}

#[derive(Subcommand)]
pub enum AlertCmd {
    /// Acknowledge an alert (by key): it stays away while its fact holds
    Ack { key: String },
    /// Snooze an alert until a date; it returns by itself then
    Snooze {
        key: String,
        #[arg(long, value_name = "YYYY-MM-DD")]
        until: String,
    },
}

fn parse_step(s: &str) -> Result<PlanStep> {
    let mut parts = s.split('|').map(str::trim);
    let offset = Offset::parse(parts.next().unwrap_or_default())?;
    let purpose = parts
        .next()
        .filter(|p| !p.is_empty())
        .ok_or_else(|| Error::Invalid(format!("the step {s:?} has no purpose; write OFFSET|PURPOSE|PROMPT…")))?
        .to_owned();
    // A part `measures: phq9, gad7` names the measures given at this check-in, a part
    // `reassessment` makes it a re-assessment point; the rest are prompts.
    let (mut prompts, mut measures, mut reassessment) = (Vec::new(), Vec::new(), false);
    for part in parts.filter(|p| !p.is_empty()) {
        match part.strip_prefix("measures:") {
            Some(list) => measures.extend(list.split(',').map(|m| m.trim().to_owned())),
            None if part.eq_ignore_ascii_case("reassessment") => reassessment = true,
            None => prompts.push(part.to_owned()),
        }
    }
    Ok(PlanStep { offset, purpose, prompts, measures, reassessment })
}

pub fn plan(p: &mut Practice, cmd: PlanCmd, json: bool, now: DateTime<Utc>) -> Result<()> {
    match cmd {
        PlanCmd::List => output::print(json, &p.plans().list()?, |plans| plans.iter().map(plan_text).collect()),
        PlanCmd::Timelines { cohort } => {
            output::print(json, &p.integration().timelines(&cohort.filter()?, now)?, |steps| timelines_text(steps))
        }
        PlanCmd::MoveStep { id, step, offset } => output::print(
            json,
            &p.plans().move_step(parse_id("plan", &id)?, step, Offset::parse(&offset)?, now)?,
            plan_text,
        ),
        PlanCmd::History { id } => output::print(json, &p.plans().history(parse_id("plan", &id)?)?, |versions| {
            let mut s = String::new();
            for v in versions {
                let steps: Vec<String> = v.steps.iter().map(|st| st.offset.label()).collect();
                let note = v.note.as_ref().map(|n| format!(" — {n}")).unwrap_or_default();
                let _ =
                    writeln!(s, "version {}  {}  {}{note}\n  {}", v.version, v.saved.local, v.name, steps.join(", "));
            }
            s
        }),
        PlanCmd::Show { id } => {
            let plan = match id {
                Some(id) => p.plans().get(parse_id("plan", &id)?)?,
                None => p.plans().default()?,
            };
            output::print(json, &plan, plan_text)
        }
        PlanCmd::Add { name, steps, baseline, default } => {
            let steps = steps.iter().map(|s| parse_step(s)).collect::<Result<_>>()?;
            let input = PlanInput { name, steps, baseline_measures: baseline, make_default: default };
            output::print(json, &p.plans().create(&input, now)?, plan_text)
        }
        PlanCmd::Edit { id, name, steps, baseline, default } => {
            let id = parse_id("plan", &id)?;
            let old = p.plans().get(id)?;
            let steps = if steps.is_empty() {
                old.steps
            } else {
                steps.iter().map(|s| parse_step(s)).collect::<Result<_>>()?
            };
            let baseline_measures = match baseline.as_slice() {
                [] => old.baseline_measures,
                [none] if none == "none" => vec![],
                _ => baseline,
            };
            let input = PlanInput { name: name.unwrap_or(old.name), steps, baseline_measures, make_default: default };
            output::print(json, &p.plans().edit(id, &input, now)?, plan_text)
        }
    }
}

/// `YYYY-MM-DD` means the start of that day in the facilitator's zone; otherwise a time.
fn instant(p: &mut Practice, s: &str) -> Result<DateTime<Utc>> {
    let zone = p.facilitator().profile()?.timezone;
    if let Ok(day) = parse_date(s) {
        return Ok(parse_time(&format!("{day}T00:00"), &zone)?.utc);
    }
    Ok(parse_time(s, &zone)?.utc)
}

pub fn checkin(p: &mut Practice, cmd: CheckinCmd, json: bool, now: DateTime<Utc>) -> Result<()> {
    match cmd {
        CheckinCmd::List { due_before, arc, all } => {
            let filter = CheckInFilter {
                status: (!all).then_some(CheckInStatus::Due),
                due_before: due_before.map(|t| instant(p, &t)).transpose()?,
                arc: arc.map(|a| parse_id("arc", &a)).transpose()?,
            };
            output::print(json, &p.checkins().list(&filter)?, |list| checkins_text(list))
        }
        CheckinCmd::Show { id } => {
            let d = p.checkins().get(parse_id("check-in", &id)?)?;
            output::print(json, &d, |d| {
                let mut s = checkin_line(&d.checkin);
                for e in &d.events {
                    let _ = write!(s, "  {}  {}", e.at.local, e.kind);
                    if let (Some(a), Some(b)) = (&e.old_due, &e.new_due) {
                        let _ = write!(s, " {} → {}", a.local, b.local);
                    } else if let Some(b) = &e.new_due {
                        let _ = write!(s, " due {}", b.local);
                    }
                    if let Some(r) = &e.reason {
                        let _ = write!(s, " ({r})");
                    }
                    s.push('\n');
                }
                if let Some(n) = &d.note {
                    let _ = writeln!(s, "  note: {n}");
                }
                if let Some(doc) = &d.document {
                    let _ = writeln!(s, "  document: {} ({:?}) {}", doc.title, doc.state, doc.id);
                }
                s
            })
        }
        CheckinCmd::Complete { id, note, at, document } => {
            let document_id = document.as_deref().map(|d| parse_id("document", d)).transpose()?;
            let input = CompleteCheckIn { note, contacted_at: at, document_id };
            let c = p.checkins().complete(parse_id("check-in", &id)?, &input, now)?;
            output::print(json, &c, checkin_line)
        }
        CheckinCmd::Note { id } => {
            let d = p.checkins().document(parse_id("check-in", &id)?, now)?;
            output::print(json, &d, crate::documents::document_text)
        }
        CheckinCmd::Skip { id, reason } => {
            output::print(json, &p.checkins().skip(parse_id("check-in", &id)?, &reason, now)?, checkin_line)
        }
        CheckinCmd::Reschedule { id, at, reason } => {
            let c = p.checkins().reschedule(parse_id("check-in", &id)?, &at, reason.as_deref(), now)?;
            output::print(json, &c, checkin_line)
        }
        CheckinCmd::Add { arc_id, at, purpose, prompts } => {
            let input = AddCheckIn { arc_id: parse_id("arc", &arc_id)?, at, purpose, prompts };
            output::print(json, &p.checkins().add(&input, now)?, checkin_line)
        }
        CheckinCmd::Draft { id } => output::print(json, &p.checkins().outreach(parse_id("check-in", &id)?)?, |o| {
            let mut s = format!(
                "To: {}\nSubject: {}\n\n{}",
                o.to.as_deref().unwrap_or("(no email address on file)"),
                o.subject,
                o.body
            );
            if let Some(m) = &o.mailto {
                let _ = writeln!(s, "\n{m}");
            }
            s
        }),
        CheckinCmd::Packet { id, arc, out, message, first_name, expires_days } => {
            let input = MakePacket {
                checkin_id: id.as_deref().map(|c| parse_id("check-in", c)).transpose()?,
                arc_id: arc.as_deref().map(|a| parse_id("arc", a)).transpose()?,
                message,
                first_name,
                expires_days: Some(expires_days),
            };
            output::print(json, &p.packets().make(&input, &out, now)?, |m| {
                let mut s = format!("wrote {} ({} kB), packet {}\n", m.file, m.bytes.div_ceil(1024), m.id);
                let _ = writeln!(s, "  answerable until {}", m.expires.local);
                let _ = writeln!(s, "  {} questions; measures: {}", m.questions.len(), list_or_none(&m.measures));
                let _ = writeln!(s, "  {}", m.warning);
                s
            })
        }
        CheckinCmd::Import { file } => output::print(json, &p.packets().import_file(&file, now)?, |r| {
            let mut s = format!("imported the reply of {} (packet {})\n", r.participant_name, r.packet_id);
            if let Some(d) = r.document_id {
                let _ = writeln!(s, "  draft integration note {d}: review and sign it");
            }
            for m in &r.responses {
                let total = m.score.total.map_or_else(|| "no total".to_owned(), |t| format!("{t}"));
                let _ = writeln!(s, "  {} {} {}", m.measure_name, total, m.score.band.as_deref().unwrap_or(""));
            }
            if r.critical {
                s.push_str("  a critical answer: see the alert on Today now\n");
            }
            s
        }),
        CheckinCmd::Packets { arc_id } => {
            output::print(json, &p.packets().of_arc(parse_id("arc", &arc_id)?)?, |list| {
                let mut s = String::new();
                for k in list {
                    let state = match &k.answered {
                        Some(a) => format!("answered {}", a.local),
                        None => format!("open until {}", k.expires.local),
                    };
                    let _ = writeln!(
                        s,
                        "{}  written {}  {state}  measures: {}",
                        k.id,
                        k.created.local,
                        list_or_none(&k.measures)
                    );
                }
                if s.is_empty() {
                    s.push_str("no packets written for this arc\n");
                }
                s
            })
        }
        CheckinCmd::ReplyKey => match p.packets().reveal_identity()? {
            Some(secret) => output::print(json, &secret, |k| format!("{k}\n")),
            None => Err(Error::Invalid("this practice has written no packet yet, so it has no reply key".into())),
        },
    }
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() { "none".to_owned() } else { items.join(", ") }
}

pub fn milestone(p: &mut Practice, cmd: MilestoneCmd, json: bool, now: DateTime<Utc>) -> Result<()> {
    match cmd {
        MilestoneCmd::Add { arc_id, title, category, target, note } => {
            let input = NewMilestone { arc_id: parse_id("arc", &arc_id)?, title, category, target_date: target, note };
            output::print(json, &p.milestones().add(&input, now)?, milestone_text)
        }
        MilestoneCmd::Set { id, status, note } => {
            let m = p.milestones().set_status(
                parse_id("milestone", &id)?,
                MilestoneStatus::parse(&status)?,
                note.as_deref(),
                now,
            )?;
            output::print(json, &m, milestone_text)
        }
        MilestoneCmd::List { arc_id } => {
            output::print(json, &p.milestones().list(parse_id("arc", &arc_id)?)?, |list| {
                list.iter().map(milestone_text).collect()
            })
        }
    }
}

#[derive(Serialize)]
struct Done {
    key: String,
    acknowledged: bool,
    snoozed_until: Option<String>,
}

pub fn alerts(p: &mut Practice, cmd: Option<AlertCmd>, all: bool, json: bool, now: DateTime<Utc>) -> Result<()> {
    match cmd {
        None => output::print(json, &p.alerts().list(now, all)?, |list| alerts_text(list, now)),
        Some(AlertCmd::Ack { key }) => {
            p.alerts().acknowledge(&key, now)?;
            output::print(json, &Done { key, acknowledged: true, snoozed_until: None }, |d| {
                format!("Acknowledged {}\n", d.key)
            })
        }
        Some(AlertCmd::Snooze { key, until }) => {
            let wakes = p.alerts().snooze(&key, parse_date(&until)?, now)?;
            let done = Done { key, acknowledged: false, snoozed_until: Some(wakes.to_rfc3339()) };
            output::print(json, &done, |d| format!("Snoozed {} until {until}\n", d.key))
        }
    }
}

pub fn dashboard(p: &mut Practice, json: bool, now: DateTime<Utc>) -> Result<()> {
    output::print(json, &p.integration().dashboard(now)?, |d| dashboard_text(d, now))
}

fn days_of(x: f64) -> String {
    if x == 1.0 { "1 day".into() } else { format!("{x} days") }
}

fn timelines_text(steps: &[StepTimeline]) -> String {
    let pc = |r: &arcwell::stats::Rate| match r.value {
        Some(v) => format!("{:.0} %", v * 100.0),
        None => format!("too few to say ({} of {})", r.hits, r.n),
    };
    let mut s = String::new();
    let mut plan = "";
    for t in steps {
        if t.plan != plan {
            plan = &t.plan;
            let _ = writeln!(s, "{plan}");
        }
        let late = t.lateness_days.map_or_else(
            || "lateness: too few completed to say".to_owned(),
            |q| format!("late by {} at the median ({} to {})", days_of(q.median), q.q1, q.q3),
        );
        let _ = writeln!(
            s,
            "  {:<10} {} check-ins: {} done, {} on their day, {} skipped; {late}",
            t.label,
            t.checkins,
            pc(&t.completed),
            pc(&t.on_day),
            pc(&t.skipped)
        );
        if let Some(sug) = &t.suggestion {
            let _ = writeln!(s, "    {}", sug.text);
        }
    }
    if s.is_empty() { "no plan step has check-ins that could have been done yet\n".into() } else { s }
}

fn plan_text(p: &Plan) -> String {
    let default = if p.is_default { "  (default)" } else { "" };
    let mut s = format!("{}  {}{default}  version {}\n", p.id, p.name, p.version);
    if !p.baseline_measures.is_empty() {
        let _ = writeln!(s, "  baseline measures: {}", p.baseline_measures.join(", "));
    }
    for (i, step) in p.steps.iter().enumerate() {
        let _ = writeln!(s, "  {}. {:<10} {}", i + 1, step.offset.label(), step.purpose);
        if !step.measures.is_empty() {
            let _ = writeln!(s, "       measures: {}", step.measures.join(", "));
        }
        if step.reassessment {
            let _ = writeln!(s, "       re-assessment");
        }
        for q in &step.prompts {
            let _ = writeln!(s, "       – {q}");
        }
    }
    s
}

fn checkin_line(c: &CheckIn) -> String {
    let when = c.offset.map(|o| format!(" [{}]", o.label())).unwrap_or_else(|| " [ad hoc]".into());
    let mut s =
        format!("{}  {}  {:<9} {}{}  {}", c.id, c.due.local, c.status.as_str(), c.participant_name, when, c.purpose);
    if let Some(r) = &c.skip_reason {
        let _ = write!(s, " — skipped: {r}");
    }
    s.push('\n');
    s
}

fn checkins_text(list: &[CheckIn]) -> String {
    if list.is_empty() {
        return "No check-ins.\n".into();
    }
    list.iter().map(checkin_line).collect()
}

fn milestone_text(m: &Milestone) -> String {
    let mut s = format!("{}  {} [{}] {}", m.id, m.title, m.category, m.status.as_str());
    if let Some(d) = m.target_date {
        let _ = write!(s, " (target {d})");
    }
    s.push('\n');
    for h in &m.history {
        let _ = writeln!(
            s,
            "  {}  {} → {}{}",
            h.at.local,
            h.from.map_or("added", MilestoneStatus::as_str),
            h.to.as_str(),
            h.note.as_ref().map(|n| format!(" ({n})")).unwrap_or_default()
        );
    }
    s
}

fn alerts_text(list: &[Alert], now: DateTime<Utc>) -> String {
    if list.is_empty() {
        return "No open alerts.\n".into();
    }
    let mut s = String::new();
    for a in list {
        let state = if a.acknowledged_at.is_some() {
            " [acknowledged]".to_owned()
        } else if let Some(t) = a.snoozed_until.as_ref().filter(|t| t.utc > now) {
            format!(" [snoozed until {}]", t.local)
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "{:<7} {}  {} (since {}){state}\n        rule: {}\n        key: {}",
            format!("{:?}", a.severity).to_lowercase(),
            a.participant_name,
            a.reason,
            a.since.local,
            a.rule,
            a.key
        );
    }
    s
}

fn arcs_text(title: &str, list: &[ArcSummary]) -> String {
    let mut s = format!("{title} ({})\n", list.len());
    for a in list {
        let _ = writeln!(
            s,
            "  {}  last contact {}  ({})",
            a.participant_name,
            a.last_contact.as_ref().map_or("—".into(), |t| t.local.clone()),
            a.arc_id
        );
    }
    s
}

fn dashboard_text(d: &Dashboard, now: DateTime<Utc>) -> String {
    let mut s = format!("Today {} ({})\n\n", d.today, d.zone);
    for (title, list) in [("Due today", &d.due_today), ("Due this week", &d.due_this_week), ("Overdue", &d.overdue)] {
        let _ = writeln!(s, "{title} ({})", list.len());
        for c in list.iter() {
            s.push_str("  ");
            s.push_str(&checkin_line(c));
        }
        s.push('\n');
    }
    s.push_str(&arcs_text("Stalled", &d.stalled));
    s.push('\n');
    s.push_str(&arcs_text("Ready to complete", &d.ready_to_complete));
    let _ = write!(s, "\nOpen alerts ({})\n", d.alerts.len());
    s.push_str(&alerts_text(&d.alerts, now));
    s.push_str("\nArcs by phase:");
    for c in &d.arcs_by_phase {
        let _ = write!(s, " {} {}", c.phase.as_str(), c.arcs);
    }
    s.push_str("\nIn integration:");
    for c in &d.integration {
        let _ = write!(s, " {} {}", c.status.as_str(), c.arcs);
    }
    s.push('\n');
    s
}

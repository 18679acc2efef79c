//! The retreat commands: a retreat and who is at it, a group dosing scheduled at once, the
//! dosing-day grid with "record now", ending the day, and the retreat's calendar and roster.

use std::fmt::Write;
use std::path::PathBuf;

use arcwell::domain::parse_id;
use arcwell::export::{Exported, Privacy, WARNING};
use arcwell::practice::retreats::{DayEnded, EndDosingDay};
use arcwell::retreat::grid::DosingDay;
use arcwell::retreat::view::{RetreatView, RosterColumns};
use arcwell::retreat::{GroupDosing, GroupScheduled, Retreat, RetreatInput};
use arcwell::{Error, Practice, Result};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use serde_json::{Map, Value};

use crate::output;

#[derive(Args)]
pub struct RetreatFields {
    /// Where it is held
    #[arg(long)]
    place: Option<String>,
    /// The first day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    from: String,
    /// The last day (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    to: String,
    /// Facilitators present, for Oregon's group ratio [default: 1]
    #[arg(long)]
    facilitators: Option<u32>,
}

#[derive(Subcommand)]
pub enum RetreatCmd {
    /// Create a retreat
    New {
        name: String,
        #[command(flatten)]
        fields: RetreatFields,
    },
    /// Change a retreat's name, place, days or facilitators (give them all)
    Edit {
        id: String,
        name: String,
        #[command(flatten)]
        fields: RetreatFields,
    },
    /// Every retreat, the latest first
    List,
    /// Everyone at a retreat: phase, integration status, last contact; the group's check-ins this week
    Show { id: String },
    /// Add arcs (one per participant) to a retreat
    Add {
        id: String,
        #[arg(required = true, value_name = "ARC_ID")]
        arcs: Vec<String>,
    },
    /// Take an arc off a retreat (its sessions and records stay its own)
    Remove { id: String, arc: String },
    /// Schedule one administration session for every member at one time
    ScheduleDosing {
        id: String,
        /// ISO 8601; without an offset, local to your time zone
        #[arg(long, value_name = "TIME")]
        at: String,
        #[arg(long)]
        location: Option<String>,
    },
    /// The group dosing day's grid (its records are started if they are not yet)
    Day {
        id: String,
        /// The day (YYYY-MM-DD)
        day: String,
    },
    /// Record now, in one participant's record: `retreat record DOC vitals --set heart_rate=88 --set spo2=98`
    /// (groups: doses, vitals, observations, adverse_events; yes/no answers as yes or no)
    Record {
        document: String,
        group: String,
        #[arg(long = "set", value_name = "KEY=VALUE", required = true)]
        set: Vec<String>,
    },
    /// End the group dosing day: sign each record, complete each session, queue each arc's
    /// follow-ups; a record that is not complete is listed and left open
    EndDay {
        id: String,
        day: String,
        /// When sessions without an end of their own ended [default: now]
        #[arg(long, value_name = "TIME")]
        ended: Option<String>,
    },
    /// An iCalendar file of the members' check-ins from today through --days ahead (NOT encrypted)
    Calendar {
        id: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, default_value_t = 90)]
        days: u32,
        /// Put names and prompts in the entries
        #[arg(long)]
        names: bool,
    },
    /// A printable roster (HTML, NOT encrypted) with names and only the columns asked for
    Roster {
        id: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long)]
        pronouns: bool,
        #[arg(long)]
        contact: bool,
        #[arg(long)]
        emergency_contact: bool,
        #[arg(long)]
        phase: bool,
        #[arg(long)]
        dose: bool,
    },
}

fn input(name: String, f: RetreatFields) -> RetreatInput {
    RetreatInput { name, place: f.place, starts_on: f.from, ends_on: f.to, facilitators: f.facilitators }
}

/// `key=value` pairs as an entry: numbers as numbers, yes/no as a yes/no answer, the rest as text.
fn entry(pairs: &[String]) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for p in pairs {
        let (k, v) =
            p.split_once('=').ok_or_else(|| Error::Invalid(format!("{p:?} is not KEY=VALUE, e.g. heart_rate=88")))?;
        let value = match v.trim() {
            "yes" => serde_json::json!({ "yes": true }),
            "no" => serde_json::json!({ "yes": false }),
            t => match t.parse::<f64>() {
                Ok(n) if n.is_finite() => serde_json::json!(n),
                _ => Value::String(t.to_owned()),
            },
        };
        out.insert(k.trim().to_owned(), value);
    }
    Ok(out)
}

fn retreat_text(r: &Retreat) -> String {
    let place = r.place.as_ref().map(|p| format!(", {p}")).unwrap_or_default();
    format!(
        "{}{place}: {} to {}, {} facilitator(s), {} participant(s)  ({})\n",
        r.name, r.starts_on, r.ends_on, r.facilitators, r.members, r.id
    )
}

fn view_text(v: &RetreatView) -> String {
    let mut s = retreat_text(&v.retreat);
    for m in &v.members {
        let status = m.status.map_or(String::new(), |x| format!(" · {}", x.as_str().replace('_', " ")));
        let contact = m
            .last_contact
            .as_ref()
            .map_or("no contact yet".into(), |c| format!("last contact {}", c.local.replace('T', " ")));
        let _ = writeln!(s, "  {:<24} {}{status} · {contact}  ({})", m.participant_name, m.phase.as_str(), m.arc_id);
    }
    if v.not_contacted > 0 {
        let _ = writeln!(s, "{} in integration not contacted since the retreat ended", v.not_contacted);
    }
    if !v.this_week.is_empty() {
        s.push_str("Check-ins this week:\n");
        for c in &v.this_week {
            let _ = writeln!(s, "  {}  {:<24} {}", c.due.local.replace('T', " "), c.participant_name, c.purpose);
        }
    }
    s
}

fn day_text(d: &DosingDay) -> String {
    let mut s = format!("{} — group dosing day {}\n", d.retreat.name, d.day);
    for r in &d.rows {
        let dose = match (&r.substance, r.dose_mg) {
            (Some(sub), Some(mg)) => format!("{sub} {mg} mg"),
            _ => "no dose yet".into(),
        };
        let since = r.first_dose.as_ref().map(|t| format!(" from {}", &t.local[11..])).unwrap_or_default();
        let vitals = r.last_vitals.as_ref().map_or(String::new(), |v| {
            let n = |x: Option<f64>| x.map_or("–".into(), |x| x.to_string());
            format!(
                " · vitals {} BP {}/{} HR {} SpO2 {}",
                &v.at.local[11..],
                n(v.systolic),
                n(v.diastolic),
                n(v.heart_rate),
                n(v.spo2)
            )
        });
        let state = if r.signed { " · signed" } else { "" };
        let _ = writeln!(s, "  {:<24} {dose}{since}{vitals}{state}", r.participant_name);
        for a in &r.attention {
            let _ = writeln!(s, "      ! {a}");
        }
        if let Some(doc) = r.document_id {
            let _ = writeln!(s, "      record {doc}");
        }
    }
    if let Some(w) = &d.ratio_warning {
        let _ = writeln!(s, "Warning: {w}");
    }
    s
}

fn scheduled_text(g: &GroupScheduled) -> String {
    let mut s = format!("Scheduled {} dosing session(s)\n", g.scheduled.len());
    for x in &g.scheduled {
        s.push_str("  ");
        s.push_str(&output::session_text(x));
    }
    for l in &g.left_out {
        let _ = writeln!(s, "  left out: {}: {}", l.participant_name, l.why);
    }
    s
}

fn ended_text(e: &DayEnded) -> String {
    let mut s = format!("Completed {} session(s)\n", e.completed.len());
    for c in &e.completed {
        let _ = writeln!(s, "  {}: {} check-ins queued", c.participant_name, c.checkins_queued);
    }
    if !e.left_open.is_empty() {
        let _ = writeln!(s, "Left open ({}):", e.left_open.len());
        for l in &e.left_open {
            let _ = writeln!(s, "  {}: {}", l.participant_name, l.why);
        }
    }
    s
}

fn exported_text(d: &Exported) -> String {
    d.files.iter().map(|f| format!("wrote {f}\n")).collect::<String>() + &format!("{} rows\n", d.rows)
}

pub fn run(practice: &mut Practice, cmd: RetreatCmd, json: bool, now: DateTime<Utc>) -> Result<()> {
    let id = |s: &str| parse_id("retreat", s);
    match cmd {
        RetreatCmd::New { name, fields } => {
            output::print(json, &practice.retreats().create(&input(name, fields), now)?, retreat_text)
        }
        RetreatCmd::Edit { id: r, name, fields } => {
            output::print(json, &practice.retreats().edit(id(&r)?, &input(name, fields))?, retreat_text)
        }
        RetreatCmd::List => output::print(json, &practice.retreats().list()?, |l| l.iter().map(retreat_text).collect()),
        RetreatCmd::Show { id: r } => output::print(json, &practice.retreats().view(id(&r)?, now)?, view_text),
        RetreatCmd::Add { id: r, arcs } => {
            let arcs = arcs.iter().map(|a| parse_id("arc", a)).collect::<Result<Vec<_>>>()?;
            output::print(json, &practice.retreats().add_members(id(&r)?, &arcs, now)?, retreat_text)
        }
        RetreatCmd::Remove { id: r, arc } => {
            output::print(json, &practice.retreats().remove_member(id(&r)?, parse_id("arc", &arc)?)?, retreat_text)
        }
        RetreatCmd::ScheduleDosing { id: r, at, location } => {
            let done = practice.retreats().schedule_dosing(&GroupDosing { retreat_id: id(&r)?, at, location })?;
            output::print(json, &done, scheduled_text)
        }
        RetreatCmd::Day { id: r, day } => {
            output::print(json, &practice.retreats().open_day(id(&r)?, &day, now)?, day_text)
        }
        RetreatCmd::Record { document, group, set } => {
            let doc = parse_id("document", &document)?;
            practice.documents().append_entry(doc, &group, &entry(&set)?, now)?;
            output::print(json, &serde_json::json!({ "recorded": group }), |_| format!("recorded {group}\n"))
        }
        RetreatCmd::EndDay { id: r, day, ended } => {
            let done = practice.end_dosing_day(&EndDosingDay { retreat_id: id(&r)?, day, ended }, now)?;
            output::print(json, &done, ended_text)
        }
        RetreatCmd::Calendar { id: r, out, days, names } => {
            eprintln!("arcwell: {WARNING}");
            let done = practice.retreats().export_calendar(id(&r)?, &out, days, Privacy { names }, now)?;
            output::print(json, &done, exported_text)
        }
        RetreatCmd::Roster { id: r, out, pronouns, contact, emergency_contact, phase, dose } => {
            eprintln!("arcwell: {WARNING}");
            let columns = RosterColumns { pronouns, contact, emergency_contact, phase, dose };
            output::print(json, &practice.retreats().export_roster(id(&r)?, &out, columns, now)?, exported_text)
        }
    }
}

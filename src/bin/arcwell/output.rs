//! What the CLI prints: text for people, JSON for scripts.

use std::fmt::Write;

use arcwell::domain::arc::Arc;
use arcwell::domain::participant::Participant;
use arcwell::domain::session::Session;
use arcwell::domain::status::PracticeStatus;
use arcwell::integration::arc_detail::ArcDetail;
use arcwell::integration::bend::ScheduleChange;
use arcwell::{Error, KeySource, Practice, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;

pub fn print<T: Serialize>(json: bool, value: &T, text: impl FnOnce(&T) -> String) -> Result<()> {
    if json {
        let s = serde_json::to_string_pretty(value).map_err(|e| Error::Invalid(format!("cannot print JSON: {e}")))?;
        println!("{s}");
    } else {
        print!("{}", text(value));
    }
    Ok(())
}

/// An error on stderr: the core's message, then what to do in the CLI's words (`advice.rs`).
pub fn error(e: &Error, json: bool) {
    let advice = crate::advice::advice(e);
    if json {
        let body = serde_json::json!({ "error": { "code": e.code(), "message": e.to_string(), "advice": advice } });
        eprintln!("{body}");
    } else {
        match advice {
            Some(a) => eprintln!("arcwell: {e}; {a}"),
            None => eprintln!("arcwell: {e}"),
        }
    }
}

/// What `init` reports: where the practice is and how it will open next time.
#[derive(Serialize)]
pub struct Opened {
    data_dir: String,
    key_source: KeySource,
    keychain_note: Option<String>,
    cipher_version: String,
    schema_version: i64,
}

impl Opened {
    pub fn of(p: &Practice) -> Result<Self> {
        Ok(Self {
            data_dir: p.dir().display().to_string(),
            key_source: p.key_source(),
            keychain_note: p.keychain_note().map(str::to_owned),
            cipher_version: p.cipher_version()?,
            schema_version: p.schema_version()?,
        })
    }
}

pub fn opened_text(o: &Opened) -> String {
    let mut s = format!("Practice created in {}\n", o.data_dir);
    match &o.keychain_note {
        None => s.push_str("The key is in your keychain: the practice opens without a passphrase on this machine.\n"),
        Some(why) => {
            let _ =
                writeln!(s, "The key is not in a keychain ({why}): every open will ask for the recovery passphrase.");
        }
    }
    s.push_str(
        "Keep the recovery passphrase safe: without it and this machine's keychain the practice cannot be opened.\n",
    );
    s
}

#[derive(Serialize)]
pub struct StatusReport {
    #[serde(flatten)]
    status: PracticeStatus,
    #[serde(flatten)]
    opened: Opened,
}

impl StatusReport {
    pub fn of(p: &Practice, now: DateTime<Utc>) -> Result<Self> {
        Ok(Self { status: p.status(now)?, opened: Opened::of(p)? })
    }
}

pub fn status_text(r: &StatusReport) -> String {
    let st = &r.status;
    let mut s = format!(
        "{} · {} · check-ins at {}\n{} participants\n",
        st.profile.name, st.profile.timezone, st.profile.checkin_time, st.participants
    );
    s.push_str("Arcs by phase:");
    for c in &st.arcs_by_phase {
        let _ = write!(s, " {} {}", c.phase_label(), c.arcs);
    }
    s.push('\n');
    if st.upcoming.is_empty() {
        s.push_str("No sessions scheduled.\n");
    } else {
        s.push_str("Next sessions:\n");
        for u in &st.upcoming {
            let _ = writeln!(
                s,
                "  {}  {:<14} {}  ({})",
                u.session.scheduled.local,
                u.session.kind.as_str(),
                u.participant_name,
                u.session.id
            );
        }
    }
    let _ = writeln!(
        s,
        "{} · SQLCipher {} · schema {} · opened with the {}",
        r.opened.data_dir,
        r.opened.cipher_version,
        r.opened.schema_version,
        match r.opened.key_source {
            KeySource::Keychain => "keychain",
            KeySource::Passphrase => "recovery passphrase",
            KeySource::Pin => "unlock PIN",
        }
    );
    s
}

trait PhaseLabel {
    fn phase_label(&self) -> &'static str;
}

impl PhaseLabel for arcwell::domain::status::PhaseCount {
    fn phase_label(&self) -> &'static str {
        self.phase.as_str()
    }
}

pub fn participant_text(p: &Participant) -> String {
    let mut s = format!("{}  {}\n", p.id, p.name);
    let fields = [
        ("pronouns", p.pronouns.clone()),
        ("contact", p.contact.clone()),
        ("emergency contact", p.emergency_contact.clone()),
        ("born", p.date_of_birth.map(|d| d.to_string())),
        ("tags", (!p.tags.is_empty()).then(|| p.tags.join(", "))),
        ("notes", p.notes.clone()),
    ];
    for (label, value) in fields {
        if let Some(v) = value {
            let _ = writeln!(s, "  {label}: {v}");
        }
    }
    s
}

pub fn participants_text(list: &[Participant]) -> String {
    if list.is_empty() {
        return "No participants yet. Add one with `arcwell participant add NAME`.\n".into();
    }
    let mut s = String::new();
    for p in list {
        let _ =
            writeln!(s, "{}  {}{}", p.id, p.name, p.pronouns.as_ref().map(|x| format!(" ({x})")).unwrap_or_default());
    }
    s
}

#[derive(Serialize)]
pub struct ParticipantWithArcs {
    #[serde(flatten)]
    pub participant: Participant,
    pub arcs: Vec<Arc>,
}

pub fn participant_with_arcs_text(p: &ParticipantWithArcs) -> String {
    let mut s = participant_text(&p.participant);
    if p.arcs.is_empty() {
        s.push_str("  no arcs yet\n");
    }
    for a in &p.arcs {
        s.push_str(&format!("  arc {}", arc_text(a)));
    }
    s
}

pub fn arc_text(a: &Arc) -> String {
    format!(
        "{}  {}  opened {}{}\n",
        a.id,
        a.phase.as_str(),
        a.opened.local,
        a.intention.as_ref().map(|i| format!("  “{i}”")).unwrap_or_default()
    )
}

pub fn session_text(x: &Session) -> String {
    let mut s = format!("{}  {} session  {}  {}", x.id, x.kind.as_str(), x.status.as_str(), x.scheduled.local);
    if let (Some(a), Some(b)) = (&x.started, &x.ended) {
        let _ = write!(s, "  (held {} – {})", a.local, b.local);
    }
    if let Some(l) = &x.location {
        let _ = write!(s, "  at {l}");
    }
    if let Some(r) = &x.status_reason {
        let _ = write!(s, "  — {r}");
    }
    s.push('\n');
    s
}

pub fn arc_detail_text(d: &ArcDetail) -> String {
    let mut s = format!("{} — {}", d.participant_name, arc_text(&d.arc));
    s.push_str("History:\n");
    for e in &d.events {
        let _ = writeln!(
            s,
            "  {}  {} → {}{}",
            e.at.local,
            e.from.map_or("opened", |p| p.as_str()),
            e.to.as_str(),
            e.reason.as_ref().map(|r| format!("  ({r})")).unwrap_or_default()
        );
    }
    s.push_str(if d.sessions.is_empty() { "No sessions.\n" } else { "Sessions:\n" });
    for x in &d.sessions {
        s.push_str("  ");
        s.push_str(&session_text(x));
    }
    if !d.approaches.is_empty() {
        let _ = writeln!(s, "Approaches: {}", d.approaches.join(", "));
    }
    if let Some(i) = &d.integration {
        let _ = writeln!(s, "Integration: {}", i.status.as_str().replace('_', " "));
    }
    if !d.checkins.is_empty() {
        let _ = writeln!(s, "Check-ins ({} plan):", d.plan_name);
        for c in &d.checkins {
            let _ = writeln!(
                s,
                "  {}  {:<9} {}  {}  ({})",
                c.due.local,
                c.status.as_str(),
                c.offset.map_or("ad hoc".into(), |o| o.label()),
                c.purpose,
                c.id
            );
        }
    }
    for m in &d.milestones {
        let _ = writeln!(s, "Milestone: {} [{}] {}  ({})", m.title, m.category, m.status.as_str(), m.id);
    }
    if let Some(p) = &d.pause {
        let until = p.until.as_deref().map_or("until resumed".to_owned(), |u| format!("through {u}"));
        let state = if p.holds { "Paused" } else { "Was paused" };
        let _ = writeln!(s, "{state} since {} {until}", p.since.local.replace('T', " "));
    }
    if !d.schedule_changes.is_empty() {
        s.push_str("Schedule changes:\n");
        for c in &d.schedule_changes {
            s.push_str("  ");
            s.push_str(&schedule_change_text(c));
        }
    }
    s
}

pub fn schedule_change_text(c: &ScheduleChange) -> String {
    let reason = c.reason.as_ref().map(|r| format!("  ({r})")).unwrap_or_default();
    format!("{}  {}{reason}\n", c.at.local.replace('T', " "), c.detail)
}

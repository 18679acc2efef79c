//! A participant's whole record as one self-contained, printable HTML file: for a handover to
//! another practitioner, or when a participant asks to see what is kept about them.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::Exports;
use super::{Exported, WARNING, write_new};
use crate::Result;
use crate::documents::document::{DocEventKind, DocState, DocumentDetail};
use crate::documents::template::{Field, FieldKind};
use crate::domain::participant::Participant;
use crate::domain::profile::Profile;
use crate::domain::time::ZonedTime;
use crate::integration::arc_detail::ArcDetail;
use crate::store::audit::{Action, Subject};

/// Everything the record shows, read before anything is written.
struct Record {
    profile: Profile,
    participant: Participant,
    arcs: Vec<(ArcDetail, Vec<DocumentDetail>)>,
    now: ZonedTime,
}

const STYLE: &str = r#"
:root { color: #1d1d1b; font: 11pt/1.45 "DejaVu Serif", Georgia, serif; }
body { max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #555; padding-bottom: .15rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
h4 { font-size: 1rem; margin: 1rem 0 .3rem; }
.meta { color: #444; margin: 0; }
.warning { border: 2px solid #8a1c1c; padding: .5rem .75rem; margin: 1rem 0; color: #8a1c1c; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .8rem; font-size: .92rem; }
th, td { border: 1px solid #999; padding: .2rem .4rem; text-align: left; vertical-align: top; }
th { background: #eee; }
dl { margin: .3rem 0 .8rem; }
dt { font-weight: bold; margin-top: .35rem; }
dd { margin: 0 0 0 1.2rem; white-space: pre-wrap; }
.doc { border-left: 3px solid #bbb; padding-left: .8rem; margin: 1rem 0; break-inside: avoid-page; }
.draft { color: #8a4b00; font-weight: bold; }
.amend { background: #f6f6f2; padding: .3rem .6rem; margin: .4rem 0; }
.none { color: #555; font-style: italic; }
footer { margin-top: 3rem; color: #555; font-size: .85rem; }
@page { margin: 18mm 16mm; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
"#;

fn humane(s: &str) -> String {
    let s = s.replace('_', " ");
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

fn event_word(kind: DocEventKind) -> &'static str {
    match kind {
        DocEventKind::Signed => "Signed",
        DocEventKind::Amended => "Amended",
        DocEventKind::Withdrawn => "Withdrawn",
    }
}

/// A time as the facilitator reads it: local, with the zone only when it is not the practice's.
fn when(t: &ZonedTime, zone: &str) -> String {
    let local = t.local.replace('T', " ");
    if t.zone == zone { local } else { format!("{local} ({})", t.zone) }
}

fn opt_when(t: Option<&ZonedTime>, zone: &str) -> String {
    t.map(|t| when(t, zone)).unwrap_or_default()
}

/// One answer, as its field's type says to show it.
fn answer(field: &Field, value: &Value) -> Markup {
    match (&field.kind, value) {
        (_, Value::Null) => html! { span.none { "not answered" } },
        (FieldKind::YesNo { .. }, Value::Object(o)) => {
            let yes = o.get("yes").and_then(Value::as_bool);
            let detail = o.get("detail").and_then(Value::as_str).filter(|d| !d.trim().is_empty());
            html! {
                (match yes { Some(true) => "Yes", Some(false) => "No", None => "not answered" })
                @if let Some(d) = detail { " — " (d) }
            }
        }
        (FieldKind::Number { unit, .. }, Value::Number(n)) => html! { (n.to_string()) " " (unit) },
        (FieldKind::Scale { min, max }, Value::Number(n)) => {
            html! { (n.to_string()) " (on a scale of " (min) " to " (max) ")" }
        }
        (FieldKind::MultiChoice { .. }, Value::Array(items)) => {
            let words: Vec<String> = items.iter().map(plain).collect();
            html! { (words.join(", ")) }
        }
        (FieldKind::Group { fields }, Value::Array(entries)) => {
            if entries.is_empty() {
                return html! { span.none { "none recorded" } };
            }
            html! {
                table {
                    thead { tr { @for f in fields { th { (f.label) } } } }
                    tbody {
                        @for e in entries {
                            tr {
                                @for f in fields {
                                    td { @if let Some(v) = e.get(&f.key) { (answer(f, v)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        (_, v) => html! { (plain(v)) },
    }
}

/// A value as plain text (for shapes a field type does not expect, shown rather than dropped).
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn answers(fields: &[Field], values: &Map<String, Value>) -> Markup {
    let given: Vec<(&Field, &Value)> =
        fields.iter().filter_map(|f| values.get(&f.key).filter(|v| !v.is_null()).map(|v| (f, v))).collect();
    // Answers whose field the template no longer names are shown too: nothing kept is hidden.
    let unknown: Vec<(&String, &Value)> = values.iter().filter(|(k, _)| !fields.iter().any(|f| &f.key == *k)).collect();
    html! {
        @if given.is_empty() && unknown.is_empty() { p.none { "No answers recorded." } }
        dl {
            @for (f, v) in given { dt { (f.label) } dd { (answer(f, v)) } }
            @for (k, v) in unknown { dt { (k) } dd { (plain(v)) } }
        }
    }
}

fn document(d: &DocumentDetail, zone: &str) -> Markup {
    let doc = &d.document;
    html! {
        div.doc {
            h4 { (doc.title) }
            p.meta {
                (d.template.name) " (version " (doc.template_version) ") · written " (when(&doc.created, zone))
                @match (doc.state, &doc.signed) {
                    (DocState::Signed, Some(s)) => { " · signed " (when(s, zone)) }
                    _ => { " · " span.draft { "Draft, not signed" } }
                }
                @if let Some(w) = &doc.withdrawn { " · " strong { "withdrawn " (when(w, zone)) } }
            }
            (answers(&d.template.fields, &doc.answers))
            @for e in d.events.iter().filter(|e| e.kind != DocEventKind::Signed) {
                div.amend {
                    strong { (event_word(e.kind)) " " (when(&e.at, zone)) }
                    @if let Some(r) = &e.reason { " — " (r) }
                    @if let Some(changes) = &e.changes { (answers(&d.template.fields, changes)) }
                }
            }
            @if !d.flags.is_empty() {
                p { strong { "Screening flags" } }
                ul {
                    @for f in &d.flags {
                        li {
                            (f.reason) " (raised " (when(&f.raised, zone)) ")"
                            @if let Some(a) = &f.acknowledged {
                                " — acknowledged " (when(a, zone))
                                @if let Some(r) = &f.ack_reason { ": " (r) }
                            } @else { " — " strong { "not acknowledged" } }
                        }
                    }
                }
            }
        }
    }
}

fn arc_section(a: &ArcDetail, docs: &[DocumentDetail], zone: &str) -> Markup {
    let arc = &a.arc;
    let session_kind = |k: &str| if k == "administration" { "Administration (dosing)".to_owned() } else { humane(k) };
    html! {
        h2 { "Arc opened " (when(&arc.opened, zone)) " · " (humane(arc.phase.as_str())) }
        p.meta {
            @if let Some(i) = &arc.intention { "Intention: " (i) br; }
            "Follow-up plan: " (a.plan_name)
            @if let Some(s) = &a.integration { " · integration: " (humane(s.status.as_str())) }
            @if let Some(c) = &arc.closed { " · closed " (when(c, zone)) }
        }
        h3 { "Phase history" }
        table {
            thead { tr { th { "When" } th { "From" } th { "To" } th { "Reason" } } }
            tbody {
                @for e in &a.events {
                    tr {
                        td { (when(&e.at, zone)) }
                        td { (e.from.map(|p| humane(p.as_str())).unwrap_or_else(|| "(opened)".into())) }
                        td { (humane(e.to.as_str())) }
                        td { (e.reason.as_deref().unwrap_or("")) }
                    }
                }
            }
        }
        h3 { "Sessions" }
        @if a.sessions.is_empty() { p.none { "No sessions." } } @else {
            table {
                thead { tr { th { "Kind" } th { "Scheduled" } th { "Held" } th { "Status" } th { "Location" } } }
                tbody {
                    @for s in &a.sessions {
                        tr {
                            td { (session_kind(s.kind.as_str())) }
                            td { (when(&s.scheduled, zone)) }
                            td {
                                @if let (Some(st), Some(en)) = (&s.started, &s.ended) { (when(st, zone)) " – " (when(en, zone)) }
                            }
                            td { (humane(s.status.as_str())) @if let Some(r) = &s.status_reason { ": " (r) } }
                            td { (s.location.as_deref().unwrap_or("")) }
                        }
                    }
                }
            }
        }
        h3 { "Documents" }
        @if docs.is_empty() { p.none { "No documents." } }
        @for d in docs { (document(d, zone)) }
        h3 { "Check-ins" }
        @if a.checkins.is_empty() { p.none { "No check-ins." } } @else {
            table {
                thead { tr { th { "Due" } th { "Purpose" } th { "Status" } th { "Done" } } }
                tbody {
                    @for c in &a.checkins {
                        tr {
                            td { (when(&c.due, zone)) }
                            td { (c.purpose) @if let Some(o) = c.offset { " (" (o.label()) ")" } }
                            td { (humane(c.status.as_str())) @if let Some(r) = &c.skip_reason { ": " (r) } }
                            td { (opt_when(c.resolved.as_ref(), zone)) }
                        }
                    }
                }
            }
        }
        h3 { "Milestones" }
        @if a.milestones.is_empty() { p.none { "No milestones." } }
        @for m in &a.milestones {
            h4 { (m.title) }
            p.meta {
                (humane(&m.category)) " · " (humane(m.status.as_str()))
                @if let Some(t) = m.target_date { " · target " (t.to_string()) }
            }
            ul {
                @for h in &m.history {
                    li {
                        (when(&h.at, zone)) ": " (humane(h.to.as_str()))
                        @if let Some(n) = &h.note { " — " (n) }
                    }
                }
            }
        }
    }
}

fn render(r: &Record) -> String {
    let p = &r.participant;
    let zone = r.profile.timezone.as_str();
    let details: Vec<(&str, String)> = [
        ("Pronouns", p.pronouns.clone()),
        ("Date of birth", p.date_of_birth.map(|d| d.to_string())),
        ("Contact", p.contact.clone()),
        ("Emergency contact", p.emergency_contact.clone()),
        ("Tags", (!p.tags.is_empty()).then(|| p.tags.join(", "))),
        ("Notes", p.notes.clone()),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.filter(|v| !v.trim().is_empty()).map(|v| (k, v)))
    .collect();
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                // The file must show nothing from elsewhere: no scripts, no remote content.
                meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'";
                title { "Record of " (p.name) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { "Record of " (p.name) }
                p.meta { "Kept by " (r.profile.name) " · printed " (when(&r.now, zone)) " · times in " (zone) }
                p.warning { strong { (WARNING) } }
                h2 { "Details" }
                @if details.is_empty() { p.none { "No details recorded besides the name." } }
                dl { @for (k, v) in &details { dt { (k) } dd { (v) } } }
                @if r.arcs.is_empty() { p.none { "No arcs." } }
                @for (a, docs) in &r.arcs { (arc_section(a, docs, zone)) }
                footer {
                    "Written by Arcwell " (env!("CARGO_PKG_VERSION")) " from the encrypted practice record. "
                    "Signed documents are shown as signed; later amendments follow them, with their time and reason."
                }
            }
        }
    };
    page.into_string()
}

impl Exports<'_> {
    /// A participant's whole record as printable HTML text.
    pub fn record_html(self, participant: Uuid, now: DateTime<Utc>) -> Result<String> {
        let profile = self.practice.facilitator().profile()?;
        let participant = self.practice.participants().get(participant)?;
        let mut arcs = Vec::new();
        for arc in self.practice.arcs().of_participant(participant.id)? {
            let detail = self.practice.integration().arc(arc.id, now)?;
            let docs = self
                .practice
                .documents()
                .of_participant(arc.id)?
                .iter()
                .map(|d| self.practice.documents().get(d.id))
                .collect::<Result<Vec<_>>>()?;
            arcs.push((detail, docs));
        }
        let now = ZonedTime::new(now, &profile.timezone);
        Ok(render(&Record { profile, participant, arcs, now }))
    }

    /// Writes a participant's record to `dest` (a new file), not encrypted: see [`WARNING`].
    pub fn participant_record(self, participant: Uuid, dest: &Path, now: DateTime<Utc>) -> Result<Exported> {
        let text = self.practice.exports().record_html(participant, now)?;
        let written = write_new(dest, |w: &mut dyn Write| w.write_all(text.as_bytes()))?;
        self.practice.record_event(Action::Export, &Subject::Participant(participant), Some("printable record"))?;
        Ok(Exported { files: vec![written.display().to_string()], rows: 1, warning: WARNING.to_owned() })
    }
}

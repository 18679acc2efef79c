//! The document commands: templates (list, show, export, import, copy), notes (phase documents:
//! add, save, sign, amend, withdraw, show, list) and screening flags.

use std::fmt::Write;
use std::io::Read;
use std::path::PathBuf;

use arcwell::documents::library::TemplateFile;
use arcwell::documents::packs::TemplatePack;
use arcwell::documents::{DocPhase, DocState, Document, DocumentDetail, SaveDocument, ScreeningFlag, Template};
use arcwell::domain::parse_id;
use arcwell::{Error, Practice, Result};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use serde_json::{Map, Value};

use crate::output;

#[derive(Subcommand)]
pub enum TemplateCmd {
    /// The current version of every template
    List,
    /// A template's fields
    Show { id: String },
    /// Write a template as JSON (to edit and import as a new version, or to share)
    Export {
        id: String,
        /// Where to write it [default: stdout]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Add a template from a JSON file: a new version of its family, or a new template
    Import { file: PathBuf },
    /// Copy a template under a new name, to adapt it
    Copy { id: String, name: String },
}

#[derive(Subcommand)]
pub enum PackCmd {
    /// The jurisdiction packs and whether each is on
    List,
    /// Turn a pack on: its templates are offered for new documents
    On { id: String },
    /// Turn a pack off: its templates are no longer offered; documents written with them stay
    Off { id: String },
}

#[derive(Subcommand)]
pub enum NoteCmd {
    /// Start a document on an arc from a template (an id, or a phase for the current shipped one)
    Add {
        arc_id: String,
        #[arg(long, value_name = "ID|PHASE")]
        template: String,
        /// The answers as a JSON object, e.g. '{"intentions":"…"}'
        #[arg(long, value_name = "JSON", conflicts_with = "answers_file")]
        answers: Option<String>,
        /// The answers from a JSON file ("-": stdin)
        #[arg(long, value_name = "FILE")]
        answers_file: Option<PathBuf>,
        #[arg(long)]
        title: Option<String>,
        #[arg(long, value_name = "SESSION_ID")]
        session: Option<String>,
    },
    /// Replace a draft's answers
    Save {
        id: String,
        #[arg(long, value_name = "JSON", conflicts_with = "answers_file")]
        answers: Option<String>,
        #[arg(long, value_name = "FILE")]
        answers_file: Option<PathBuf>,
    },
    /// Sign a draft; afterwards it only takes amendments
    Sign { id: String },
    /// Amend a signed document: the changed answers as JSON ('{"field": value}', null clears) and why
    Amend {
        id: String,
        #[arg(long, value_name = "JSON")]
        changes: String,
        #[arg(long)]
        reason: String,
    },
    /// Withdraw a signed consent
    Withdraw {
        id: String,
        #[arg(long)]
        reason: String,
    },
    /// A document with its history, flags and warnings
    Show { id: String },
    /// An arc's documents, oldest first
    List { arc_id: String },
}

#[derive(Subcommand)]
pub enum FlagCmd {
    /// An arc's screening flags, open and acknowledged
    List { arc_id: String },
    /// Acknowledge a flag with a written reason
    Ack {
        id: String,
        #[arg(long)]
        reason: String,
    },
}

fn answers(inline: Option<String>, file: Option<PathBuf>) -> Result<Map<String, Value>> {
    let text = match (inline, file) {
        (Some(s), _) => s,
        (None, Some(path)) if path.as_os_str() == "-" => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|source| Error::Io { context: "cannot read the answers from stdin".into(), source })?;
            s
        }
        (None, Some(path)) => std::fs::read_to_string(&path)
            .map_err(|source| Error::Io { context: format!("cannot read {}", path.display()), source })?,
        (None, None) => "{}".to_owned(),
    };
    json_object(&text, "the answers")
}

fn json_object(text: &str, what: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::Invalid(format!("{what} must be a JSON object, e.g. '{{\"intentions\": \"…\"}}'"))),
        Err(e) => Err(Error::Invalid(format!(
            "{what} are not valid JSON ({e}); write a JSON object, e.g. '{{\"intentions\": \"…\"}}'"
        ))),
    }
}

fn phase(s: &str) -> Option<DocPhase> {
    serde_json::from_value(Value::String(s.to_owned())).ok()
}

fn template_id(practice: &mut Practice, s: &str) -> Result<uuid::Uuid> {
    if let Some(p) = phase(s) {
        let list = practice.templates().list()?;
        let found = list
            .iter()
            .find(|t| t.phase == p && t.family.starts_with("arcwell."))
            .or_else(|| list.iter().find(|t| t.phase == p));
        return found.map(|t| t.id).ok_or_else(|| Error::Invalid(format!("no template for the {s} phase")));
    }
    parse_id("template", s)
}

pub fn template(practice: &mut Practice, cmd: TemplateCmd, json: bool, now: DateTime<Utc>) -> Result<()> {
    match cmd {
        TemplateCmd::List => output::print(json, &practice.templates().list()?, |list| {
            let mut out = String::new();
            for t in list {
                let origin = match (&t.pack, t.shipped) {
                    (Some(pack), _) => format!("{pack} pack"),
                    (None, true) => "shipped".to_owned(),
                    (None, false) => "yours".to_owned(),
                };
                let _ = writeln!(out, "{:<14} {} (v{}, {origin})  {}", t.phase.as_str(), t.name, t.version, t.id);
            }
            out
        }),
        TemplateCmd::Show { id } => {
            output::print(json, &practice.templates().get(parse_id("template", &id)?)?, template_text)
        }
        TemplateCmd::Export { id, out } => {
            let t = practice.templates().get(parse_id("template", &id)?)?;
            let text = serde_json::to_string_pretty(&t).map_err(|e| Error::Invalid(e.to_string()))?;
            match out {
                Some(path) => std::fs::write(&path, text + "\n")
                    .map_err(|source| Error::Io { context: format!("cannot write {}", path.display()), source }),
                None => {
                    println!("{text}");
                    Ok(())
                }
            }
        }
        TemplateCmd::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|source| Error::Io { context: format!("cannot read {}", file.display()), source })?;
            let t = practice.templates().import(&TemplateFile::parse(&text)?, now)?;
            output::print(json, &t, template_text)
        }
        TemplateCmd::Copy { id, name } => {
            let t = practice.templates().copy(parse_id("template", &id)?, &name, now)?;
            output::print(json, &t, template_text)
        }
    }
}

pub fn pack(practice: &mut Practice, cmd: PackCmd, json: bool, now: DateTime<Utc>) -> Result<()> {
    let text = |p: &TemplatePack| {
        format!(
            "{:<9} {} — {}\n          {}\n",
            p.id,
            p.name,
            if p.enabled { "on" } else { "off" },
            p.templates.join(", ")
        )
    };
    match cmd {
        PackCmd::List => output::print(json, &practice.templates().packs()?, |list| list.iter().map(text).collect()),
        PackCmd::On { id } => output::print(json, &practice.templates().set_pack(&id, true, now)?, text),
        PackCmd::Off { id } => output::print(json, &practice.templates().set_pack(&id, false, now)?, text),
    }
}

fn template_text(t: &Template) -> String {
    let mut out = format!("{} (v{}, {}, {})  {}\n", t.name, t.version, t.phase.as_str(), t.family, t.id);
    if !t.description.is_empty() {
        let _ = writeln!(out, "  {}", t.description);
    }
    for f in &t.fields {
        let kind =
            serde_json::to_value(&f.kind).ok().and_then(|v| v["type"].as_str().map(str::to_owned)).unwrap_or_default();
        let req = if f.required { " (required)" } else { "" };
        let flag = f.flag.as_ref().map(|r| format!(" — flags: {}", r.reason)).unwrap_or_default();
        let _ = writeln!(out, "  {:<22} {:<12} {}{req}{flag}", f.key, kind, f.label);
    }
    out
}

pub fn note(practice: &mut Practice, cmd: NoteCmd, json: bool, now: DateTime<Utc>) -> Result<()> {
    let detail = match cmd {
        NoteCmd::Add { arc_id, template, answers: inline, answers_file, title, session } => {
            let input = SaveDocument {
                arc_id: parse_id("arc", &arc_id)?,
                template_id: template_id(practice, &template)?,
                session_id: session.map(|s| parse_id("session", &s)).transpose()?,
                checkin_id: None,
                title,
                answers: answers(inline, answers_file)?,
            };
            practice.documents().add(&input, now)?
        }
        NoteCmd::Save { id, answers: inline, answers_file } => {
            practice.documents().save_draft(parse_id("document", &id)?, &answers(inline, answers_file)?, now)?
        }
        NoteCmd::Sign { id } => practice.documents().sign(parse_id("document", &id)?, now)?,
        NoteCmd::Amend { id, changes, reason } => practice.documents().amend(
            parse_id("document", &id)?,
            &json_object(&changes, "the changes")?,
            &reason,
            now,
        )?,
        NoteCmd::Withdraw { id, reason } => {
            practice.documents().withdraw_consent(parse_id("document", &id)?, &reason, now)?
        }
        NoteCmd::Show { id } => practice.documents().get(parse_id("document", &id)?)?,
        NoteCmd::List { arc_id } => {
            return output::print(json, &practice.documents().of_participant(parse_id("arc", &arc_id)?)?, |list| {
                documents_text(list)
            });
        }
    };
    output::print(json, &detail, document_text)
}

fn documents_text(list: &[Document]) -> String {
    if list.is_empty() {
        return "no documents yet\n".to_owned();
    }
    let mut out = String::new();
    for d in list {
        let state = match (d.state, &d.withdrawn) {
            (_, Some(_)) => "withdrawn",
            (DocState::Signed, None) => "signed",
            (DocState::Draft, None) => "draft",
        };
        let _ = writeln!(out, "{}  {:<14} {} ({state})  {}", d.created.local, d.phase.as_str(), d.title, d.id);
    }
    out
}

pub fn document_text(d: &DocumentDetail) -> String {
    let doc = &d.document;
    let state = if doc.state == DocState::Signed { "signed" } else { "draft" };
    let mut out = format!("{} — {} v{} ({state})  {}\n", doc.title, doc.template_name, doc.template_version, doc.id);
    for f in &d.template.fields {
        if let Some(v) = d.current.get(&f.key) {
            let shown = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let _ = writeln!(out, "  {}: {shown}", f.label);
        }
    }
    for e in &d.events {
        let _ = writeln!(
            out,
            "  {:?} {}{}",
            e.kind,
            e.at.local,
            e.reason.as_ref().map(|r| format!(" — {r}")).unwrap_or_default()
        );
    }
    for f in &d.flags {
        let ack = f.ack_reason.as_ref().map_or_else(|| " (open)".to_owned(), |r| format!(" (acknowledged: {r})"));
        let _ = writeln!(out, "  flag: {}{ack}  {}", f.reason, f.id);
    }
    for w in &d.warnings {
        let _ = writeln!(out, "  warning: {w}");
    }
    out
}

pub fn flag(practice: &mut Practice, cmd: FlagCmd, json: bool, now: DateTime<Utc>) -> Result<()> {
    let arc = match cmd {
        FlagCmd::List { arc_id } => parse_id("arc", &arc_id)?,
        FlagCmd::Ack { id, reason } => {
            let id = parse_id("screening flag", &id)?;
            practice.documents().acknowledge_flag(id, &reason, now)?;
            if !json {
                println!("acknowledged");
            }
            return if json {
                output::print(true, &serde_json::json!({ "acknowledged": id }), |_| String::new())
            } else {
                Ok(())
            };
        }
    };
    output::print(json, &practice.documents().screening_flags(arc)?, |list: &Vec<ScreeningFlag>| {
        let mut out = String::new();
        for f in list {
            let state = f.ack_reason.as_ref().map_or_else(|| "OPEN".to_owned(), |r| format!("acknowledged: {r}"));
            let _ = writeln!(out, "{}  {}  [{state}]  {}", f.raised.local, f.reason, f.id);
        }
        if list.is_empty() {
            out.push_str("no screening flags\n");
        }
        out
    })
}

//! Templates: versioned lists of typed fields, and checking a document's answers against them.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;
use uuid::Uuid;

use crate::domain::time::parse_time;
use crate::{Error, Result};

/// The phases a template documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum DocPhase {
    Preparation,
    Screening,
    Consent,
    Administration,
    Integration,
}

impl DocPhase {
    pub fn as_str(self) -> &'static str {
        match self {
            DocPhase::Preparation => "preparation",
            DocPhase::Screening => "screening",
            DocPhase::Consent => "consent",
            DocPhase::Administration => "administration",
            DocPhase::Integration => "integration",
        }
    }
}

/// Reads a stored `snake_case` name into its enum through serde; an unknown name is an error.
pub(crate) fn enum_from_sql<T: serde::de::DeserializeOwned>(
    v: rusqlite::types::ValueRef<'_>,
) -> rusqlite::types::FromSqlResult<T> {
    serde_json::from_value(Value::String(v.as_str()?.to_owned()))
        .map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
}

impl rusqlite::types::FromSql for DocPhase {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        enum_from_sql(v)
    }
}

/// When an answer is a contraindication: the answers that raise it (`"yes"` for a yes/no field,
/// option texts for a choice) and the flag's words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct FlagRule {
    pub on: Vec<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export, tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    LongText,
    Choice {
        options: Vec<String>,
    },
    MultiChoice {
        options: Vec<String>,
    },
    Scale {
        #[ts(type = "number")]
        min: i64,
        #[ts(type = "number")]
        max: i64,
    },
    Number {
        unit: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        max: Option<f64>,
    },
    /// A date and time, typed as ISO 8601 (local to the facilitator's zone without an offset).
    Datetime,
    /// `{ "yes": bool, "detail": "…" }`; `detail` names what to ask when the answer is yes.
    YesNo {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        detail: Option<String>,
    },
    /// Repeating entries (doses, vitals, observations), each an object of these fields.
    Group {
        fields: Vec<Field>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Field {
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub help: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub flag: Option<FlagRule>,
    /// An answer that raises an urgent alert once the document is signed (a re-assessment's
    /// "referral needed"): the same shape as a flag rule; the alert carries the answer's detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub alert: Option<FlagRule>,
}

/// A template as stored and as exported to a JSON file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Template {
    #[ts(type = "string")]
    pub id: Uuid,
    pub family: String,
    pub version: u32,
    pub name: String,
    pub phase: DocPhase,
    #[serde(default)]
    pub description: String,
    pub fields: Vec<Field>,
}

/// The longest text an answer may hold (about 100 pages); beyond it a clear refusal, not a truncation.
pub const MAX_TEXT: usize = 200_000;

impl Template {
    /// A template Arcwell ships (or a pack holds), from its embedded JSON, checked.
    pub(crate) fn parse_shipped(json: &str) -> Result<Template> {
        let t: Template = serde_json::from_str(json)
            .map_err(|e| Error::invalid(format!("a shipped template does not parse: {e}")))?;
        t.check()?;
        Ok(t)
    }

    /// Checks the template itself: keys, labels, options, bounds and flag rules.
    pub fn check(&self) -> Result<()> {
        if self.name.trim().is_empty() {
            return Err(Error::invalid("a template needs a name"));
        }
        if self.fields.is_empty() {
            return Err(Error::invalid(format!("template {:?} has no fields; add at least one", self.name)));
        }
        check_fields(&self.fields, "")
    }
}

fn check_fields(fields: &[Field], within: &str) -> Result<()> {
    let mut keys = BTreeSet::new();
    for f in fields {
        let at = format!("{within}{}", f.key);
        let valid_key = !f.key.is_empty()
            && f.key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && f.key.len() <= 64;
        if !valid_key {
            return Err(Error::invalid(format!(
                "field key {:?} must be 1–64 characters of a–z, 0–9 and _ (e.g. \"safety_plan\")",
                f.key
            )));
        }
        if !keys.insert(f.key.as_str()) {
            return Err(Error::invalid(format!("field key {at:?} appears twice; keys must be unique")));
        }
        if f.label.trim().is_empty() {
            return Err(Error::invalid(format!("field {at:?} needs a label")));
        }
        match &f.kind {
            FieldKind::Choice { options } | FieldKind::MultiChoice { options } => {
                let distinct: BTreeSet<_> = options.iter().collect();
                if options.is_empty() || distinct.len() != options.len() || options.iter().any(|o| o.trim().is_empty())
                {
                    return Err(Error::invalid(format!("field {at:?} needs distinct, non-empty options")));
                }
            }
            FieldKind::Scale { min, max } if min >= max => {
                return Err(Error::invalid(format!(
                    "field {at:?}: the scale's min ({min}) must be below its max ({max})"
                )));
            }
            FieldKind::Number { min: Some(lo), max: Some(hi), .. } if lo > hi => {
                return Err(Error::invalid(format!("field {at:?}: min ({lo}) is above max ({hi})")));
            }
            FieldKind::Group { fields } => {
                if fields.is_empty() {
                    return Err(Error::invalid(format!("group {at:?} has no fields")));
                }
                if fields.iter().any(|f| matches!(f.kind, FieldKind::Group { .. })) {
                    return Err(Error::invalid(format!("group {at:?} holds another group; groups do not nest")));
                }
                check_fields(fields, &format!("{at}."))?;
            }
            _ => {}
        }
        for (what, rule) in [("flags", &f.flag), ("alerts", &f.alert)] {
            let Some(rule) = rule else { continue };
            let allowed: Vec<&str> = match &f.kind {
                FieldKind::YesNo { .. } => vec!["yes"],
                FieldKind::Choice { options } | FieldKind::MultiChoice { options } => {
                    options.iter().map(String::as_str).collect()
                }
                _ => {
                    return Err(Error::invalid(format!(
                        "field {at:?}: only yes/no and choice fields can raise {what}"
                    )));
                }
            };
            if rule.on.is_empty()
                || rule.on.iter().any(|o| !allowed.contains(&o.as_str()))
                || rule.reason.trim().is_empty()
            {
                return Err(Error::invalid(format!(
                    "field {at:?}: a rule raising {what} needs a reason and answers among {allowed:?}"
                )));
            }
        }
    }
    Ok(())
}

/// Checks `answers` against the fields and returns them normalised (times as UTC RFC 3339, text
/// trimmed, empty answers dropped). `complete` requires every required field (on signing).
pub(crate) fn check_answers(
    fields: &[Field],
    answers: &Map<String, Value>,
    zone: &str,
    complete: bool,
) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for key in answers.keys() {
        if !fields.iter().any(|f| &f.key == key) {
            return Err(Error::invalid(format!("{key:?} is not a field of this template")));
        }
    }
    for f in fields {
        match answers.get(&f.key).filter(|v| !is_empty(v)) {
            Some(v) => {
                out.insert(f.key.clone(), check_answer(f, v, zone, complete)?);
            }
            None if complete && f.required => {
                return Err(Error::invalid(format!("{:?} is required before signing; fill it in", f.label)));
            }
            None => {}
        }
    }
    Ok(out)
}

/// An answer left blank: absent, null, only spaces, or an empty list.
pub(crate) fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn check_answer(f: &Field, v: &Value, zone: &str, complete: bool) -> Result<Value> {
    let wrong = |what: &str| Error::invalid(format!("{:?} needs {what}", f.label));
    Ok(match &f.kind {
        FieldKind::Text | FieldKind::LongText => {
            let s = v.as_str().ok_or_else(|| wrong("text"))?.trim();
            if s.chars().count() > MAX_TEXT {
                return Err(Error::invalid(format!(
                    "{:?} is longer than {MAX_TEXT} characters; split it into several notes",
                    f.label
                )));
            }
            if matches!(f.kind, FieldKind::Text) && s.contains('\n') {
                return Err(wrong("a single line (use a long-text field for paragraphs)"));
            }
            Value::String(s.to_owned())
        }
        FieldKind::Choice { options } => {
            let s = v.as_str().ok_or_else(|| wrong("one of its options"))?;
            if !options.iter().any(|o| o == s) {
                return Err(Error::invalid(format!("{:?}: {s:?} is not one of {options:?}", f.label)));
            }
            Value::String(s.to_owned())
        }
        FieldKind::MultiChoice { options } => {
            let list = v.as_array().ok_or_else(|| wrong("a list of its options"))?;
            let mut seen = BTreeSet::new();
            for item in list {
                let s = item.as_str().ok_or_else(|| wrong("a list of its options"))?;
                if !options.iter().any(|o| o == s) {
                    return Err(Error::invalid(format!("{:?}: {s:?} is not one of {options:?}", f.label)));
                }
                seen.insert(s);
            }
            // In the template's order, once each.
            Value::Array(
                options.iter().filter(|o| seen.contains(o.as_str())).map(|o| Value::String(o.clone())).collect(),
            )
        }
        FieldKind::Scale { min, max } => {
            let n = v
                .as_i64()
                .filter(|n| (min..=max).contains(&n))
                .ok_or_else(|| wrong(&format!("a whole number from {min} to {max}")))?;
            Value::from(n)
        }
        FieldKind::Number { unit, min, max } => {
            let n = v.as_f64().filter(|n| n.is_finite()).ok_or_else(|| wrong(&format!("a number (in {unit})")))?;
            if min.is_some_and(|lo| n < lo) || max.is_some_and(|hi| n > hi) {
                let range = match (min, max) {
                    (Some(lo), Some(hi)) => format!("from {lo} to {hi}"),
                    (Some(lo), None) => format!("of at least {lo}"),
                    (None, Some(hi)) => format!("of at most {hi}"),
                    (None, None) => String::new(),
                };
                return Err(Error::invalid(format!(
                    "{:?}: {n} {unit} is out of range; enter a value {range} {unit}",
                    f.label
                )));
            }
            v.clone()
        }
        FieldKind::Datetime => {
            let s = v.as_str().ok_or_else(|| wrong("a date and time"))?;
            Value::String(crate::domain::time::to_db(parse_time(s, zone)?.utc))
        }
        FieldKind::YesNo { .. } => {
            let o = v.as_object().ok_or_else(|| wrong(r#"{"yes": true|false, "detail": "…"}"#))?;
            let yes = o.get("yes").and_then(Value::as_bool).ok_or_else(|| wrong(r#"{"yes": true|false}"#))?;
            if o.keys().any(|k| k != "yes" && k != "detail") {
                return Err(wrong(r#"only "yes" and "detail""#));
            }
            let mut m = Map::new();
            m.insert("yes".into(), Value::Bool(yes));
            if let Some(d) = o.get("detail").filter(|d| !is_empty(d)) {
                let d = d.as_str().ok_or_else(|| wrong("a text detail"))?.trim();
                m.insert("detail".into(), Value::String(d.to_owned()));
            }
            Value::Object(m)
        }
        FieldKind::Group { fields } => {
            let list = v.as_array().ok_or_else(|| wrong("a list of entries"))?;
            let mut entries = Vec::with_capacity(list.len());
            for (i, e) in list.iter().enumerate() {
                let o = e.as_object().ok_or_else(|| wrong("entries that are objects"))?;
                let checked = check_answers(fields, o, zone, complete)
                    .map_err(|err| Error::invalid(format!("{:?}, entry {}: {err}", f.label, i + 1)))?;
                entries.push(Value::Object(checked));
            }
            Value::Array(entries)
        }
    })
}

/// The flags the answers raise: `(field key, reason)`.
pub(crate) fn flags(fields: &[Field], answers: &Map<String, Value>) -> Vec<(String, String)> {
    raised(fields, answers, |f| f.flag.as_ref()).map(|(f, rule, _)| (f.key.clone(), rule.reason.clone())).collect()
}

/// The alerts the answers raise: `(field key, reason, the answer's detail)`.
pub(crate) fn alerts(fields: &[Field], answers: &Map<String, Value>) -> Vec<(String, String, Option<String>)> {
    raised(fields, answers, |f| f.alert.as_ref())
        .map(|(f, rule, v)| {
            let detail = v.get("detail").and_then(Value::as_str).map(str::to_owned);
            (f.key.clone(), rule.reason.clone(), detail)
        })
        .collect()
}

/// The fields whose `rule` the answers meet, with the rule and the answer.
fn raised<'a>(
    fields: &'a [Field],
    answers: &'a Map<String, Value>,
    rule: impl Fn(&'a Field) -> Option<&'a FlagRule>,
) -> impl Iterator<Item = (&'a Field, &'a FlagRule, &'a Value)> {
    fields.iter().filter_map(move |f| {
        let (rule, v) = (rule(f)?, answers.get(&f.key)?);
        let hit = match &f.kind {
            FieldKind::YesNo { .. } => {
                v.get("yes").and_then(Value::as_bool) == Some(true) && rule.on.iter().any(|o| o == "yes")
            }
            FieldKind::Choice { .. } => v.as_str().is_some_and(|s| rule.on.iter().any(|o| o == s)),
            FieldKind::MultiChoice { .. } => v
                .as_array()
                .is_some_and(|a| a.iter().any(|s| s.as_str().is_some_and(|s| rule.on.iter().any(|o| o == s)))),
            _ => false,
        };
        hit.then_some((f, rule, v))
    })
}

/// When the shipped versions were written (their `created_at`).
const SHIPPED_AT: &str = "2026-11-25T00:00:00.000Z";

/// Adds shipped (or pack) template versions the practice lacks; each has a fixed id per version,
/// so a version already there is left as it is.
pub(crate) fn install_shipped(conn: &rusqlite::Connection, list: &[Template]) -> Result<()> {
    for t in list {
        let fields = serde_json::to_string(&t.fields).map_err(|e| Error::invalid(e.to_string()))?;
        conn.execute(
            "INSERT OR IGNORE INTO template (id, family, version, name, phase, description, fields, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![
                t.id.to_string(),
                t.family,
                t.version,
                t.name,
                t.phase.as_str(),
                t.description,
                fields,
                SHIPPED_AT
            ],
        )?;
    }
    Ok(())
}

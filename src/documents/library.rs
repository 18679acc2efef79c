//! The template library: the current version of each family, importing a template file as a new
//! version (or a new family), copying a template to adapt it, and exporting one as JSON.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::Templates;
use super::packs::{self, arcwell_family};
use super::template::{DocPhase, Field, Template};
use crate::domain::id_from_db;
use crate::domain::time::to_db;
use crate::error::{AreaError, ErrorCode};
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Result};

/// A template as read from a file: the id and version are assigned on import.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct TemplateFile {
    /// The family it belongs to; a new family when absent or unknown to this practice.
    #[serde(default)]
    #[ts(optional)]
    pub family: Option<String>,
    pub name: String,
    pub phase: DocPhase,
    #[serde(default)]
    pub description: String,
    pub fields: Vec<Field>,
    /// Present in exported files; ignored on import (a new version is assigned).
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub id: Option<Uuid>,
    #[serde(default)]
    #[ts(optional)]
    pub version: Option<u32>,
}

impl TemplateFile {
    /// Parses a template file with a message that says where it is wrong.
    pub fn parse(json: &str) -> Result<Self> {
        serde_json::from_str(json).map_err(|e| {
            Error::invalid(format!(
                "this is not a valid template file (line {}, column {}: {e}); export a template to see the format",
                e.line(),
                e.column()
            ))
        })
    }
}

/// One family's current version, for the library list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TemplateSummary {
    #[ts(type = "string")]
    pub id: Uuid,
    pub family: String,
    pub version: u32,
    pub name: String,
    pub phase: DocPhase,
    /// Arcwell's (shipped, or from a pack) rather than made in this practice: adapted by copying.
    pub shipped: bool,
    /// The jurisdiction pack it comes from (`oregon`, `colorado`).
    pub pack: Option<String>,
}

/// What the template library refuses.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("{template:?} belongs to the {pack} pack, which is turned off; turn the pack on to use it")]
    PackOff { template: String, pack: String, pack_id: String },
    #[error(
        "{0:?} is a template Arcwell ships and updates; copy it and edit the copy, or remove \"family\" from the file to import it as a new template"
    )]
    Shipped(String),
}

impl AreaError for TemplateError {
    fn code(&self) -> ErrorCode {
        match self {
            TemplateError::PackOff { .. } => ErrorCode::PackOff,
            TemplateError::Shipped(_) => ErrorCode::ShippedTemplate,
        }
    }
}

/// The current version of every family, without those of packs turned off.
fn summaries(conn: &Connection) -> Result<Vec<TemplateSummary>> {
    let on = packs::enabled(conn)?;
    let mut stmt = conn.prepare(
        "SELECT t.id, t.family, t.version, t.name, t.phase FROM template t
         WHERE t.version = (SELECT max(version) FROM template u WHERE u.family = t.family)
         ORDER BY CASE t.phase WHEN 'preparation' THEN 1 WHEN 'screening' THEN 2 WHEN 'consent' THEN 3
                  WHEN 'administration' THEN 4 ELSE 5 END, t.name",
    )?;
    let rows = stmt.query_map([], |r| {
        let family: String = r.get(1)?;
        Ok(TemplateSummary {
            id: id_from_db(&r.get::<_, String>(0)?)?,
            shipped: arcwell_family(&family),
            pack: packs::pack_of(&family).map(|p| p.id.to_owned()),
            family,
            version: r.get(2)?,
            name: r.get(3)?,
            phase: r.get(4)?,
        })
    })?;
    let all: Vec<TemplateSummary> = rows.collect::<rusqlite::Result<_>>()?;
    Ok(all.into_iter().filter(|t| t.pack.as_deref().is_none_or(|p| on.iter().any(|o| o.id == p))).collect())
}

/// Refuses a template of a pack that is turned off, for a new document.
pub(crate) fn offered(conn: &Connection, t: &Template) -> Result<()> {
    if let Some(pack) = packs::pack_of(&t.family)
        && !packs::enabled(conn)?.iter().any(|p| p.id == pack.id)
    {
        return Err(TemplateError::PackOff {
            template: t.name.clone(),
            pack: pack.name.to_string(),
            pack_id: pack.id.to_string(),
        }
        .into());
    }
    Ok(())
}

impl Templates<'_> {
    /// The current version of every template family.
    pub fn list(self) -> Result<Vec<TemplateSummary>> {
        self.practice.read(summaries)
    }

    pub fn get(self, id: Uuid) -> Result<Template> {
        self.practice.read(|conn| template(conn, id))
    }

    /// Adds a template: the next version of its family when the family exists here, else a new
    /// family. Arcwell's own families (shipped, packs) are refused: copy them to adapt them.
    /// Documents keep the version they were written with.
    pub fn import(self, file: &TemplateFile, now: chrono::DateTime<chrono::Utc>) -> Result<Template> {
        if let Some(f) = file.family.as_deref().filter(|f| arcwell_family(f)) {
            return Err(TemplateError::Shipped(f.to_owned()).into());
        }
        let mut t = Template {
            id: Uuid::new_v4(),
            family: String::new(),
            version: 1,
            name: file.name.trim().to_owned(),
            phase: file.phase,
            description: file.description.trim().to_owned(),
            fields: file.fields.clone(),
        };
        t.check()?;
        let id = self.practice.write(|tx| {
            let existing: Option<(u32, String)> = match &file.family {
                Some(f) => tx
                    .query_row("SELECT max(version), min(phase) FROM template WHERE family = ?1", [f], |r| {
                        Ok(r.get::<_, Option<u32>>(0)?.zip(r.get::<_, Option<String>>(1)?))
                    })?,
                None => None,
            };
            match (existing, &file.family) {
                (Some((v, phase)), Some(f)) => {
                    if phase != t.phase.as_str() {
                        return Err(Error::invalid(format!(
                            "family {f:?} documents the {phase} phase; a new version cannot change it to {}",
                            t.phase.as_str()
                        )));
                    }
                    t.family = f.clone();
                    t.version = v + 1;
                }
                _ => t.family = format!("custom.{}", Uuid::new_v4()),
            }
            let fields = serde_json::to_string(&t.fields).map_err(|e| Error::invalid(e.to_string()))?;
            tx.execute(
                "INSERT INTO template (id, family, version, name, phase, description, fields, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![t.id.to_string(), t.family, t.version, t.name, t.phase.as_str(), t.description, fields, to_db(now)],
            )?;
            audit::record(tx, Action::Create, &Subject::Template(t.id.to_string()), Some(&format!("version {}", t.version)))?;
            Ok(t.id)
        })?;
        self.practice.templates().get(id)
    }

    /// Copies a template into a new family of the practice's own, to adapt it.
    pub fn copy(self, id: Uuid, name: &str, now: chrono::DateTime<chrono::Utc>) -> Result<Template> {
        let source = self.practice.templates().get(id)?;
        let file = TemplateFile {
            family: None,
            name: name.to_owned(),
            phase: source.phase,
            description: source.description.clone(),
            fields: source.fields.clone(),
            id: None,
            version: None,
        };
        let copy = self.practice.templates().import(&file, now)?;
        self.practice.write(|tx| {
            tx.execute(
                "UPDATE template SET copied_from = ?2 WHERE id = ?1",
                params![copy.id.to_string(), id.to_string()],
            )?;
            audit::record(tx, Action::Update, &Subject::Template(copy.id.to_string()), Some("copied"))
        })?;
        Ok(copy)
    }
}

pub(crate) fn template(conn: &Connection, id: Uuid) -> Result<Template> {
    conn.prepare_cached("SELECT id, family, version, name, phase, description, fields FROM template WHERE id = ?1")?
        .query_row([id.to_string()], |r| {
            let fields: String = r.get(6)?;
            Ok(Template {
                id: id_from_db(&r.get::<_, String>(0)?)?,
                family: r.get(1)?,
                version: r.get(2)?,
                name: r.get(3)?,
                phase: r.get(4)?,
                description: r.get(5)?,
                fields: serde_json::from_str(&fields).map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, Box::new(e))
                })?,
            })
        })
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "template", id: id.to_string() })
}

//! Jurisdiction packs: the record sets a jurisdiction asks for, as bundles of templates the
//! facilitator turns on. Off by default; turning one off only stops offering its templates for new
//! documents — what was written with them stays.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use ts_rs::TS;

use super::Templates;
use super::template::Template;
use crate::domain::time::{ZonedTime, to_db};
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Result};

/// A pack as Arcwell ships it.
pub struct PackDef {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    files: &'static [&'static str],
}

pub const PACKS: &[PackDef] = &[
    PackDef {
        id: "oregon",
        name: "Oregon psilocybin services",
        description: "OAR 333-333: the preparation session record (client information form, bill of rights, \
                      informed consent, transportation plan), the administration session record (products \
                      and psilocybin analyte in mg, times, adverse reactions, how the client left) and the \
                      integration session offer.",
        files: &[
            include_str!("packs/oregon_preparation.json"),
            include_str!("packs/oregon_administration.json"),
            include_str!("packs/oregon_integration.json"),
        ],
    },
    PackDef {
        id: "colorado",
        name: "Colorado natural medicine",
        description: "The session record Colorado asks for every session: date, start and end times; for \
                      administration, each product's id and amount, single or multiple dose, and any \
                      deviation from the transportation plan.",
        files: &[
            include_str!("packs/colorado_preparation.json"),
            include_str!("packs/colorado_administration.json"),
            include_str!("packs/colorado_integration.json"),
        ],
    },
];

impl PackDef {
    pub fn templates(&self) -> Result<Vec<Template>> {
        self.files.iter().map(|f| Template::parse_shipped(f)).collect()
    }
}

/// Whether a family is Arcwell's own (shipped or in a pack): it takes new versions only from Arcwell.
pub fn arcwell_family(family: &str) -> bool {
    family.starts_with("arcwell.") || pack_of(family).is_some()
}

/// The pack a family belongs to (`oregon.administration` → the Oregon pack), if any.
pub fn pack_of(family: &str) -> Option<&'static PackDef> {
    let prefix = family.split_once('.')?.0;
    PACKS.iter().find(|p| p.id == prefix)
}

pub fn find(id: &str) -> Result<&'static PackDef> {
    PACKS.iter().find(|p| p.id == id).ok_or_else(|| {
        Error::invalid(format!(
            "there is no template pack {id:?}; the packs are {}",
            PACKS.iter().map(|p| p.id).collect::<Vec<_>>().join(", ")
        ))
    })
}

/// A pack as this practice has it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct TemplatePack {
    pub id: String,
    pub name: String,
    pub description: String,
    pub enabled: bool,
    /// When it was last turned on or off; never for a pack never turned on.
    pub changed: Option<ZonedTime>,
    /// The names of the templates it brings.
    pub templates: Vec<String>,
}

/// The ids of packs turned on here.
pub(crate) fn enabled(conn: &Connection) -> Result<Vec<&'static PackDef>> {
    let mut stmt = conn.prepare_cached("SELECT pack FROM template_pack WHERE enabled = 1")?;
    let ids: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    // A pack a newer Arcwell knew and this one does not is left alone.
    Ok(PACKS.iter().filter(|p| ids.iter().any(|i| i == p.id)).collect())
}

impl Templates<'_> {
    /// Every pack Arcwell ships, with whether it is on here.
    pub fn packs(self) -> Result<Vec<TemplatePack>> {
        self.practice.read(|conn| {
            let zone = crate::domain::profile::load(conn)?.timezone;
            let mut out = Vec::new();
            for p in PACKS {
                let row: Option<(bool, String)> = conn
                    .query_row("SELECT enabled, changed_at FROM template_pack WHERE pack = ?1", [p.id], |r| {
                        Ok((r.get(0)?, r.get(1)?))
                    })
                    .optional()?;
                out.push(TemplatePack {
                    id: p.id.to_owned(),
                    name: p.name.to_owned(),
                    description: p.description.to_owned(),
                    enabled: row.as_ref().is_some_and(|(on, _)| *on),
                    changed: row.map(|(_, at)| ZonedTime::from_db(&at, &zone)).transpose()?,
                    templates: p.templates()?.into_iter().map(|t| t.name).collect(),
                });
            }
            Ok(out)
        })
    }

    /// Turns a pack on (installing its templates) or off (no longer offering them).
    pub fn set_pack(self, id: &str, enabled: bool, now: DateTime<Utc>) -> Result<TemplatePack> {
        let pack = find(id)?;
        self.practice.write(|tx| {
            if enabled {
                super::template::install_shipped(tx, &pack.templates()?)?;
            }
            tx.execute(
                "INSERT INTO template_pack (pack, enabled, changed_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (pack) DO UPDATE SET enabled = excluded.enabled, changed_at = excluded.changed_at
                 WHERE enabled <> excluded.enabled",
                params![pack.id, enabled, to_db(now)],
            )?;
            let detail = format!("pack {} {}", pack.id, if enabled { "on" } else { "off" });
            audit::record(tx, Action::Update, &Subject::Settings, Some(&detail))
        })?;
        self.practice
            .templates()
            .packs()?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| Error::NotFound { what: "template pack", id: id.to_owned() })
    }
}

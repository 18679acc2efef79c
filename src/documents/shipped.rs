//! The templates Arcwell ships, embedded as JSON. Each has a fixed id per version, so installing
//! them is idempotent and a changed template ships as its family's next version.

use rusqlite::{Connection, params};

use super::template::Template;
use crate::Result;

/// When the shipped versions were written (their `created_at`).
const SHIPPED_AT: &str = "2026-11-25T00:00:00.000Z";

const FILES: &[&str] = &[
    include_str!("shipped/preparation.json"),
    include_str!("shipped/screening.json"),
    include_str!("shipped/consent.json"),
    include_str!("shipped/administration.json"),
    include_str!("shipped/integration.json"),
    include_str!("shipped/reassessment.json"),
];

/// Whether a family is Arcwell's own (shipped or in a pack): it takes new versions only from Arcwell.
pub fn arcwell_family(family: &str) -> bool {
    family.starts_with("arcwell.") || super::packs::pack_of(family).is_some()
}

pub(crate) fn parse(json: &str) -> Result<Template> {
    let t: Template = serde_json::from_str(json)
        .map_err(|e| crate::Error::invalid(format!("a shipped template does not parse: {e}")))?;
    t.check()?;
    Ok(t)
}

pub fn templates() -> Result<Vec<Template>> {
    FILES.iter().map(|f| parse(f)).collect()
}

/// The shipped templates and those of every pack turned on here.
fn wanted(conn: &Connection) -> Result<Vec<Template>> {
    let mut all = templates()?;
    for pack in super::packs::enabled(conn)? {
        all.extend(pack.templates()?);
    }
    Ok(all)
}

/// Adds any shipped template version the practice does not hold yet (packs turned on included).
pub(crate) fn install(conn: &Connection) -> Result<()> {
    install_templates(conn, &wanted(conn)?)
}

pub(crate) fn install_templates(conn: &Connection, list: &[Template]) -> Result<()> {
    for t in list {
        let fields = serde_json::to_string(&t.fields).map_err(|e| crate::Error::invalid(e.to_string()))?;
        conn.execute(
            "INSERT OR IGNORE INTO template (id, family, version, name, phase, description, fields, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![t.id.to_string(), t.family, t.version, t.name, t.phase.as_str(), t.description, fields, SHIPPED_AT],
        )?;
    }
    Ok(())
}

/// Whether every shipped template version is installed (a read, so opening writes nothing when so).
pub(crate) fn installed(conn: &Connection) -> Result<bool> {
    let ids: Vec<String> = wanted(conn)?.iter().map(|t| t.id.to_string()).collect();
    let mut stmt = conn.prepare("SELECT count(*) FROM template WHERE id = ?1")?;
    for id in ids {
        let n: i64 = stmt.query_row([id], |r| r.get(0))?;
        if n == 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

//! The templates Arcwell ships, embedded as JSON. Each has a fixed id per version, so installing
//! them is idempotent and a changed template ships as its family's next version.

use rusqlite::Connection;

use super::template::Template;
use crate::Result;

const FILES: &[&str] = &[
    include_str!("shipped/preparation.json"),
    include_str!("shipped/screening.json"),
    include_str!("shipped/consent.json"),
    include_str!("shipped/administration.json"),
    include_str!("shipped/integration.json"),
    include_str!("shipped/reassessment.json"),
];

pub fn templates() -> Result<Vec<Template>> {
    FILES.iter().map(|f| Template::parse_shipped(f)).collect()
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
    super::template::install_shipped(conn, &wanted(conn)?)
}

/// Installs the shipped template versions (packs turned on included) this practice lacks: a
/// newer Arcwell may ship a new version without a schema change. Writes nothing when all are there.
/// Not audited, and not a change since the last backup: it adds only what every Arcwell of this
/// version holds.
pub(crate) fn bring_up_to_date(practice: &mut crate::Practice) -> Result<()> {
    let conn = practice.connection_mut();
    if installed(conn)? {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    install(&tx)?;
    tx.commit()?;
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

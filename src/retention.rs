//! Retention: records are kept at least `retention_years` (5 by default, Oregon's rule) after a
//! participant's last arc closed. Those past it are listed for review; one is purged only when the
//! facilitator asks, after exporting the printable record, by typing the participant's name. The
//! purge leaves one audit entry naming the participant's id (a random UUID) and nothing else.
//! Nothing is ever deleted by itself.

use chrono::{DateTime, Months, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction};
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use crate::domain::time::from_db;
use crate::error::{AreaError, ErrorCode};
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

/// A participant whose record is past its retention period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PastRetention {
    pub participant_id: Uuid,
    pub name: String,
    /// When the last arc closed (or the record was made, for a participant with no arc).
    pub last_closed: DateTime<Utc>,
    /// When the retention period ended.
    pub kept_until: DateTime<Utc>,
    pub arcs: u32,
    /// Whether the printable record was exported after the last change (a purge needs it).
    pub exported: bool,
}

/// What the retention rules refuse.
#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    #[error("this participant has an open arc; a record is kept while the work goes on")]
    ArcOpen,
    #[error("this record is kept for {years} years after the last arc closed; it is not past retention yet")]
    NotYet { years: u32 },
    #[error(
        "the participant's printable record has not been exported since it last changed; it is what remains after the purge"
    )]
    NotExported,
}

impl AreaError for RetentionError {
    fn code(&self) -> ErrorCode {
        match self {
            RetentionError::NotExported => ErrorCode::RecordNotExported,
            _ => ErrorCode::Conflict,
        }
    }
}

fn years(conn: &Connection) -> Result<u32> {
    Ok(crate::security::load(conn)?.retention_years)
}

fn kept_until(last: DateTime<Utc>, years: u32) -> DateTime<Utc> {
    last.checked_add_months(Months::new(years * 12)).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Whether this participant's printable record was exported after anything else was recorded
/// about them.
fn exported_since_last_change(conn: &Connection, id: &str) -> Result<bool> {
    let (last_export, last_other): (Option<i64>, Option<i64>) = conn.query_row(
        "SELECT max(CASE WHEN action = 'export' AND detail = 'printable record' THEN seq END),
                max(CASE WHEN action NOT IN ('export') THEN seq END)
         FROM audit_entry WHERE participant_id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(match (last_export, last_other) {
        (Some(e), Some(o)) => e > o,
        (Some(_), None) => true,
        (None, _) => false,
    })
}

fn list(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<PastRetention>> {
    let years = years(conn)?;
    let mut stmt = conn.prepare(
        "SELECT p.id, p.name, p.created_at,
                (SELECT max(closed_at) FROM arc WHERE participant_id = p.id),
                (SELECT count(*) FROM arc WHERE participant_id = p.id),
                (SELECT count(*) FROM arc WHERE participant_id = p.id AND closed_at IS NULL)
         FROM participant p ORDER BY p.name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, u32>(4)?,
            r.get::<_, u32>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, created, closed, arcs, open) = row?;
        if open > 0 {
            continue;
        }
        let last = from_db(closed.as_deref().unwrap_or(&created))?;
        let until = kept_until(last, years);
        if until > now {
            continue;
        }
        out.push(PastRetention {
            participant_id: crate::domain::id_from_db(&id)?,
            name,
            last_closed: last,
            kept_until: until,
            arcs,
            exported: exported_since_last_change(conn, &id)?,
        });
    }
    Ok(out)
}

/// Deletes everything recorded about one participant, children before parents.
fn delete_all(tx: &Transaction<'_>, id: &str) -> Result<()> {
    const ARCS: &str = "SELECT id FROM arc WHERE participant_id = ?1";
    let in_arcs = |table: &str| format!("DELETE FROM {table} WHERE arc_id IN ({ARCS})");
    // Alerts are kept by the key of what they are about: every id of this participant's records.
    let mut ids: Vec<String> = Vec::new();
    for sql in [
        "SELECT id FROM arc WHERE participant_id = ?1".to_owned(),
        format!("SELECT id FROM checkin WHERE arc_id IN ({ARCS})"),
        format!("SELECT id FROM document WHERE arc_id IN ({ARCS})"),
        format!("SELECT id FROM measure_response WHERE arc_id IN ({ARCS})"),
        format!("SELECT id FROM screening_flag WHERE arc_id IN ({ARCS})"),
        format!("SELECT id FROM milestone WHERE arc_id IN ({ARCS})"),
    ] {
        let mut stmt = tx.prepare(&sql)?;
        for row in stmt.query_map([id], |r| r.get::<_, String>(0))? {
            ids.push(row?);
        }
    }
    for other in &ids {
        tx.execute("DELETE FROM alert_state WHERE instr(key, ?1) > 0", [other])?;
        // A notification that told of an alert about them (with names shown) loses its text too.
        tx.execute(
            "UPDATE notification SET body = '' WHERE id IN (SELECT notification_id FROM alert_notice WHERE instr(key, ?1) > 0)",
            [other],
        )?;
        tx.execute("DELETE FROM alert_notice WHERE instr(key, ?1) > 0", [other])?;
    }
    // A notification that named this participant (with names shown) loses its text; one that was
    // only about them goes.
    let checkins = format!("SELECT id FROM checkin WHERE arc_id IN ({ARCS})");
    tx.execute(
        &format!(
            "UPDATE notification SET body = '' WHERE id IN (SELECT notification_id FROM checkin_notice WHERE checkin_id IN ({checkins}))"
        ),
        [id],
    )?;
    tx.execute(&format!("DELETE FROM checkin_notice WHERE checkin_id IN ({checkins})"), [id])?;
    tx.execute(
        "DELETE FROM notification WHERE body = '' AND id NOT IN (SELECT notification_id FROM checkin_notice)
           AND id NOT IN (SELECT notification_id FROM alert_notice)",
        [],
    )?;
    // Packets first: notes and responses name them, and they name notes.
    tx.execute(&format!("UPDATE document SET packet_id = NULL WHERE arc_id IN ({ARCS})"), [id])?;
    tx.execute(&format!("UPDATE measure_response SET packet_id = NULL WHERE arc_id IN ({ARCS})"), [id])?;
    tx.execute(&in_arcs("packet"), [id])?;
    let docs = format!("SELECT id FROM document WHERE arc_id IN ({ARCS})");
    tx.execute(&format!("DELETE FROM document_event WHERE document_id IN ({docs})"), [id])?;
    for table in ["arc_given", "screening_flag", "document_alert", "measure_response", "document"] {
        tx.execute(&in_arcs(table), [id])?;
    }
    tx.execute(&format!("DELETE FROM checkin_event WHERE checkin_id IN ({checkins})"), [id])?;
    tx.execute(&in_arcs("checkin"), [id])?;
    tx.execute(&in_arcs("note"), [id])?;
    let milestones = format!("SELECT id FROM milestone WHERE arc_id IN ({ARCS})");
    tx.execute(&format!("DELETE FROM milestone_event WHERE milestone_id IN ({milestones})"), [id])?;
    for table in [
        "milestone",
        "session",
        "arc_event",
        "arc_approach",
        "arc_facts",
        "retreat_arc",
        "arc_pause",
        "schedule_change",
    ] {
        tx.execute(&in_arcs(table), [id])?;
    }
    // The phase counts are kept by triggers on insert and update; a purge is the one delete.
    tx.execute(
        "UPDATE arc_phase_count SET arcs = arcs - (SELECT count(*) FROM arc WHERE participant_id = ?1 AND arc.phase = arc_phase_count.phase)",
        [id],
    )?;
    tx.execute("DELETE FROM arc WHERE participant_id = ?1", [id])?;
    tx.execute("DELETE FROM search_entry WHERE participant_id = ?1", [id])?;
    tx.execute("DELETE FROM participant_tag WHERE participant_id = ?1", [id])?;
    tx.execute("DELETE FROM participant WHERE id = ?1", [id])?;
    Ok(())
}

/// Records past their retention period, and purging them.
/// Borrowed from a practice by [`Practice::retention`].
pub struct Retention<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl Retention<'_> {
    /// Participants whose records are past the retention period (every arc closed at least
    /// `retention_years` ago), by name, for review.
    pub fn past(self, now: DateTime<Utc>) -> Result<Vec<PastRetention>> {
        self.practice.read(|conn| list(conn, now))
    }

    /// Deletes a participant's whole record, on the facilitator's request: only past retention,
    /// only after the printable record was exported since the last change, and only when
    /// `confirm_name` is the participant's name as recorded. Backups made before keep the record
    /// until they are rotated away.
    pub fn purge(self, id: Uuid, confirm_name: &str, now: DateTime<Utc>) -> Result<()> {
        // Gone from the file, not only from the tables: freed pages are zeroed (secure_delete),
        // the search index drops the deleted entries (FTS5 optimize), and the WAL's copies of the
        // old pages are checkpointed away.
        self.practice.connection_mut().pragma_update(None, "secure_delete", true)?;
        let purged = self.practice.purge_alone(id, confirm_name, now);
        let restored = self.practice.connection_mut().pragma_update(None, "secure_delete", "FAST");
        purged?;
        restored?;
        self.practice.connection_mut().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}

impl Practice {
    fn purge_alone(&mut self, id: Uuid, confirm_name: &str, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            let name: String = tx
                .query_row("SELECT name FROM participant WHERE id = ?1", [id.to_string()], |r| r.get(0))
                .optional()?
                .ok_or_else(|| Error::NotFound { what: "participant", id: id.to_string() })?;
            let Some(item) = list(tx, now)?.into_iter().find(|p| p.participant_id == id) else {
                let years = years(tx)?;
                let open: u32 = tx.query_row(
                    "SELECT count(*) FROM arc WHERE participant_id = ?1 AND closed_at IS NULL",
                    [id.to_string()],
                    |r| r.get(0),
                )?;
                return Err(if open > 0 { RetentionError::ArcOpen } else { RetentionError::NotYet { years } }.into());
            };
            if !item.exported {
                return Err(RetentionError::NotExported.into());
            }
            if confirm_name.trim() != name {
                return Err(Error::invalid("type the participant's name exactly as recorded to confirm the purge"));
            }
            delete_all(tx, &id.to_string())?;
            tx.execute("INSERT INTO search_fts (search_fts) VALUES ('optimize')", [])?;
            audit::record(
                tx,
                Action::Purge,
                &Subject::Participant(id),
                Some(&format!("record of {} arcs, past retention", item.arcs)),
            )
        })
    }
}

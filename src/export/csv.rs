//! CSV exports of arcs, sessions, check-ins and outcome scores, with a data dictionary written from the same
//! column list as the files, so the two cannot disagree.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row};
use uuid::Uuid;

use super::Exports;
use super::{Exported, Privacy, WARNING, write_new};
use crate::domain::id_from_db;
use crate::domain::time::{ZonedTime, from_db, to_db};
use crate::integration::cohort::{self, ArcTraits, CohortFilter};
use crate::integration::predictors::{self, Facts};
use crate::integration::schedule::{Offset, OffsetUnit};
use crate::store::audit::{Action, Subject};
use crate::{Error, Result};

/// Where a column's value comes from in its table's query (by position).
#[derive(Debug, Clone, Copy)]
enum Cell {
    /// The value as text.
    T(usize),
    /// A stored UTC time shown in the zone stored beside it.
    L(usize, usize),
    /// A plan offset (amount, unit) as words: `1 week`.
    O(usize, usize),
    /// What the outcome analytics know of the arc whose id is in column 0
    /// (`integration::predictors`), so the spreadsheet sees the covariates the app ranks.
    K(Known),
}
use Cell::{K, L, O, T};

#[derive(Debug, Clone, Copy)]
enum Known {
    Substance,
    DoseMg,
    Approaches,
    Dosed,
    DaysToFirstContact,
    MilestonesAchieved,
    Meq30,
    CompleteMystical,
    Ebi,
}

/// Everything `K` cells read, by arc.
struct KnownArcs {
    traits: BTreeMap<Uuid, ArcTraits>,
    facts: foldhash::HashMap<Uuid, Facts>,
}

/// One column of an exported file, as the data dictionary describes it, with where its value comes
/// from: the file, its header and the dictionary are all written from this one list.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    /// `id`, `text`, `integer`, `number`, `utc time`, `local time`, `zone`, or `one of: …`.
    pub kind: &'static str,
    pub meaning: &'static str,
    /// Names a person or holds free text that may: written only when names are asked for.
    pub identifying: bool,
    from: Cell,
}

/// One exported file.
#[derive(Debug)]
pub struct Table {
    pub file: &'static str,
    pub about: &'static str,
    pub columns: &'static [Column],
    query: &'static str,
}

const fn col(name: &'static str, kind: &'static str, meaning: &'static str, from: Cell) -> Column {
    Column { name, kind, meaning, identifying: false, from }
}

const fn named(name: &'static str, kind: &'static str, meaning: &'static str, from: Cell) -> Column {
    Column { name, kind, meaning, identifying: true, from }
}

const ID_NOTE: &str = "a random id (UUID) that stays the same in every export";
const UTC: &str = "utc time";
const LOCAL: &str = "local time";

pub const ARCS: Table = Table {
    file: "arcs.csv",
    about: "One row per arc: a participant's journey from inquiry to completion.",
    columns: &[
        col("arc_id", "id", ID_NOTE, T(0)),
        col("participant_id", "id", "the participant, the same id in every file and export", T(1)),
        named("participant_name", "text", "the participant's name", T(2)),
        named("intention", "text", "the intention written when the arc was opened", T(3)),
        col(
            "phase",
            "one of: inquiry, preparation, administration, integration, completion, withdrawn, referred_out",
            "the arc's phase at the time of the export",
            T(4),
        ),
        col("opened_at", UTC, "when the arc was opened, UTC (RFC 3339)", T(5)),
        col("opened_local", LOCAL, "the same in the zone it was entered in, YYYY-MM-DDTHH:MM", L(5, 6)),
        col("closed_at", UTC, "when it reached completion or an exit; empty while open", T(7)),
        col("closed_local", LOCAL, "the same in the zone it was entered in", L(7, 8)),
        col("plan", "text", "the follow-up plan it uses (empty: the default plan)", T(9)),
        col("sessions_held", "integer", "sessions completed, of every kind", T(10)),
        col("checkins_completed", "integer", "check-ins completed", T(11)),
        col("checkins_skipped", "integer", "check-ins skipped", T(12)),
        col("checkins_due", "integer", "check-ins still due", T(13)),
        col(
            "substance",
            "text",
            "the substances of the arc's first signed administration record, joined by \" + \"",
            K(Known::Substance),
        ),
        col("dose_mg", "number", "the total mg of that record's doses", K(Known::DoseMg)),
        col("approaches", "text", "the arc's approach tags, separated by \";\"", K(Known::Approaches)),
        col("first_dosing_end", UTC, "when its first administration session ended, UTC", K(Known::Dosed)),
        col(
            "days_to_first_contact",
            "number",
            "days from that end to the first check-in completed after it, to 0.1",
            K(Known::DaysToFirstContact),
        ),
        col("milestones_achieved", "integer", "milestones achieved or being maintained", K(Known::MilestonesAchieved)),
        col("meq30_total", "number", "the arc's first MEQ-30 total (mean of 30 items, 0-5)", K(Known::Meq30)),
        col(
            "complete_mystical",
            "one of: yes, no",
            "whether that MEQ-30 met the complete mystical experience criterion (all four subscales at least 60 %)",
            K(Known::CompleteMystical),
        ),
        col("ebi_total", "number", "the arc's first Emotional Breakthrough Inventory total", K(Known::Ebi)),
    ],
    query: "SELECT a.id, a.participant_id, p.name, a.intention, a.phase, a.opened_at, a.opened_tz, a.closed_at,
                   a.closed_tz, pl.name,
                   (SELECT count(*) FROM session s WHERE s.arc_id = a.id AND s.status = 'completed'),
                   (SELECT count(*) FROM checkin c WHERE c.arc_id = a.id AND c.status = 'completed'),
                   (SELECT count(*) FROM checkin c WHERE c.arc_id = a.id AND c.status = 'skipped'),
                   (SELECT count(*) FROM checkin c WHERE c.arc_id = a.id AND c.status = 'due')
            FROM arc a JOIN participant p ON p.id = a.participant_id LEFT JOIN plan pl ON pl.id = a.plan_id
            ORDER BY a.opened_at, a.id",
};

pub const SESSIONS: Table = Table {
    file: "sessions.csv",
    about: "One row per session: consultations, preparation, administration (dosing) and integration sessions.",
    columns: &[
        col("session_id", "id", ID_NOTE, T(0)),
        col("arc_id", "id", "the arc it belongs to (arcs.csv)", T(1)),
        col("participant_id", "id", "the participant", T(2)),
        named("participant_name", "text", "the participant's name", T(3)),
        col("kind", "one of: consultation, preparation, administration, integration", "what the session was for", T(4)),
        col("status", "one of: scheduled, completed, cancelled, no_show", "what became of it", T(5)),
        col("scheduled_at", UTC, "when it was scheduled for, UTC (RFC 3339)", T(6)),
        col("scheduled_local", LOCAL, "the same in the zone it was entered in, YYYY-MM-DDTHH:MM", L(6, 7)),
        col("zone", "zone", "that zone: an IANA name such as Europe/Berlin, or a fixed offset", T(7)),
        col("started_at", UTC, "when it actually started (completed sessions)", T(8)),
        col("started_local", LOCAL, "the same, local", L(8, 9)),
        col("ended_at", UTC, "when it actually ended (completed sessions)", T(10)),
        col("ended_local", LOCAL, "the same, local", L(10, 11)),
        col("duration_minutes", "integer", "ended_at minus started_at, in whole minutes", T(12)),
        named("location", "text", "where it was held", T(13)),
        named("status_reason", "text", "why it was cancelled, when it was", T(14)),
    ],
    query: "SELECT s.id, s.arc_id, a.participant_id, p.name, s.kind, s.status, s.scheduled_at, s.scheduled_tz,
                   s.started_at, s.started_tz, s.ended_at, s.ended_tz,
                   CAST(round((julianday(s.ended_at) - julianday(s.started_at)) * 1440) AS INTEGER),
                   s.location, s.status_reason
            FROM session s JOIN arc a ON a.id = s.arc_id JOIN participant p ON p.id = a.participant_id
            ORDER BY s.scheduled_at, s.id",
};

pub const CHECKINS: Table = Table {
    file: "checkins.csv",
    about: "One row per integration check-in: those queued from a follow-up plan after a dosing session, and those added by hand.",
    columns: &[
        col("checkin_id", "id", ID_NOTE, T(0)),
        col("arc_id", "id", "the arc it belongs to (arcs.csv)", T(1)),
        col("participant_id", "id", "the participant", T(2)),
        named("participant_name", "text", "the participant's name", T(3)),
        col("series", "integer", "1 for the plan queued after the first dosing session, 2 after a new series, …", T(4)),
        col("step", "integer", "its position in the plan; empty for a check-in added by hand", T(5)),
        col("offset", "text", "the plan's offset from the end of the dosing session, e.g. 24 hours, 1 week", O(6, 7)),
        col("purpose", "text", "the purpose written in the plan (or typed for one added by hand)", T(8)),
        col("due_at", UTC, "when it is (or was) due, UTC (RFC 3339)", T(9)),
        col("due_local", LOCAL, "the same in the zone it was scheduled in, YYYY-MM-DDTHH:MM", L(9, 10)),
        col("zone", "zone", "that zone", T(10)),
        col("status", "one of: due, completed, skipped", "where it stands", T(11)),
        col("resolved_at", UTC, "when the contact happened (completed) or when it was skipped", T(12)),
        col("resolved_local", LOCAL, "the same, local", L(12, 10)),
        col("days_after_due", "number", "resolved_at minus due_at in days, one decimal (negative: early)", T(13)),
        named("contact_summary", "text", "the one-line summary of the contact written when it was completed", T(14)),
        named("skip_reason", "text", "why it was skipped", T(15)),
        col("integration_note_id", "id", "the integration note written for it, when completed", T(16)),
    ],
    query: "SELECT c.id, c.arc_id, a.participant_id, p.name, c.series, c.step, c.offset_amount, c.offset_unit,
                   c.purpose, c.due_at, c.due_tz, c.status, c.resolved_at,
                   round(julianday(c.resolved_at) - julianday(c.due_at), 1), n.body, c.skip_reason,
                   (SELECT d.id FROM document d WHERE d.checkin_id = c.id ORDER BY d.created_at DESC LIMIT 1)
            FROM checkin c JOIN arc a ON a.id = c.arc_id JOIN participant p ON p.id = a.participant_id
            LEFT JOIN note n ON n.id = c.note_id
            ORDER BY c.due_at, c.id",
};

pub const SCORES: Table = Table {
    file: "outcome_scores.csv",
    about: "One row per administration of an outcome measure (PHQ-9, GAD-7, WHO-5, PCL-5, EBI), scored by Arcwell when it was given.",
    columns: &[
        col("response_id", "id", ID_NOTE, T(0)),
        col("arc_id", "id", "the arc it belongs to (arcs.csv)", T(1)),
        col("participant_id", "id", "the participant", T(2)),
        named("participant_name", "text", "the participant's name", T(3)),
        col("measure", "one of: phq9, gad7, who5, pcl5, ebi, meq30", "the instrument", T(4)),
        col("measure_version", "integer", "the version of Arcwell's definition it was scored with", T(5)),
        col(
            "timepoint",
            "one of: baseline, after_administration, follow_up, other",
            "when in the arc it was given",
            T(6),
        ),
        col("administered_at", UTC, "when it was answered, UTC (RFC 3339)", T(7)),
        col("administered_local", LOCAL, "the same in the zone it was entered in", L(7, 8)),
        col("zone", "zone", "that zone", T(8)),
        col(
            "total",
            "number",
            "the total score (WHO-5: 0–100; EBI: the mean rating); empty when too many items were unanswered",
            T(9),
        ),
        col("band", "text", "the severity band of the total, by the instrument's published cut-offs", T(10)),
        col(
            "items_answered",
            "integer",
            "how many items were answered (a total with some unanswered is prorated)",
            T(11),
        ),
        col("critical", "one of: yes, no", "whether a critical item was answered (PHQ-9 item 9 above 0)", T(12)),
        col("answers", "text", "every item's answer as JSON: item number → value", T(13)),
        col("checkin_id", "id", "the check-in it was given at, if any (checkins.csv)", T(14)),
        col("withdrawn_at", UTC, "when it was withdrawn as given by mistake; empty while it counts", T(15)),
        named("withdrawn_reason", "text", "why it was withdrawn", T(16)),
    ],
    query:
        "SELECT r.id, r.arc_id, a.participant_id, p.name, r.measure, r.measure_version, r.timepoint, r.administered_at,
                   r.administered_tz, r.total, r.band,
                   (SELECT count(*) FROM json_each(r.answers)), CASE WHEN r.critical IS NULL THEN 'no' ELSE 'yes' END,
                   r.answers, r.checkin_id, r.withdrawn_at, r.withdrawn_reason
            FROM measure_response r JOIN arc a ON a.id = r.arc_id JOIN participant p ON p.id = a.participant_id
            ORDER BY r.administered_at, r.id",
};

/// Every file a CSV export writes besides the dictionary, in order.
pub const TABLES: [&Table; 4] = [&ARCS, &SESSIONS, &CHECKINS, &SCORES];

/// The data dictionary's file name.
pub const DICTIONARY: &str = "data-dictionary.csv";

/// Any column as text: NULL is empty, numbers as SQLite gives them.
fn text(r: &Row<'_>, i: usize) -> rusqlite::Result<String> {
    use rusqlite::types::ValueRef;
    Ok(match r.get_ref(i)? {
        ValueRef::Null => String::new(),
        ValueRef::Integer(n) => n.to_string(),
        ValueRef::Real(x) => x.to_string(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        ValueRef::Blob(_) => String::new(),
    })
}

/// A stored UTC time shown in its zone (`YYYY-MM-DDTHH:MM`); empty when there is none.
fn local(r: &Row<'_>, at: usize, zone: usize) -> rusqlite::Result<String> {
    let (Some(at), Some(zone)) = (r.get::<_, Option<String>>(at)?, r.get::<_, Option<String>>(zone)?) else {
        return Ok(String::new());
    };
    let utc = from_db(&at)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(at.len(), rusqlite::types::Type::Text, Box::new(e)))?;
    Ok(ZonedTime::new(utc, &zone).local)
}

/// A plan offset as words, as the app shows it (`1 week`, `24 hours`); empty for an ad-hoc check-in.
fn offset(r: &Row<'_>, amount: usize, unit: usize) -> rusqlite::Result<String> {
    let (amount, unit): (Option<u32>, Option<OffsetUnit>) = (r.get(amount)?, r.get(unit)?);
    Ok(amount.zip(unit).map(|(amount, unit)| Offset { amount, unit }.label()).unwrap_or_default())
}

fn known(r: &Row<'_>, what: Known, arcs: &KnownArcs) -> rusqlite::Result<String> {
    let id = id_from_db(&r.get::<_, String>(0)?)?;
    let (t, f) = (arcs.traits.get(&id), arcs.facts.get(&id));
    let num = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    Ok(match what {
        Known::Substance => t.and_then(|t| t.substance.clone()).unwrap_or_default(),
        Known::DoseMg => num(t.and_then(|t| t.dose_mg)),
        Known::Approaches => t.map(|t| t.approaches.join(";")).unwrap_or_default(),
        Known::Dosed => f.and_then(|f| f.dosed).map(to_db).unwrap_or_default(),
        Known::DaysToFirstContact => num(f.and_then(|f| f.days_to_first_contact)),
        Known::MilestonesAchieved => f.map(|f| f.milestones_achieved.to_string()).unwrap_or_default(),
        Known::Meq30 => num(f.and_then(|f| f.meq30).map(|m| m.0)),
        Known::CompleteMystical => {
            f.and_then(|f| f.meq30).map(|m| if m.1 { "yes" } else { "no" }.to_owned()).unwrap_or_default()
        }
        Known::Ebi => num(f.and_then(|f| f.ebi)),
    })
}

fn cell(r: &Row<'_>, from: Cell, arcs: Option<&KnownArcs>) -> rusqlite::Result<String> {
    match (from, arcs) {
        (T(i), _) => text(r, i),
        (L(at, zone), _) => local(r, at, zone),
        (O(amount, unit), _) => offset(r, amount, unit),
        (K(what), Some(arcs)) => known(r, what, arcs),
        (K(_), None) => Ok(String::new()),
    }
}

/// A table's rows as they are written: identifying columns only when names are asked for.
fn rows(conn: &Connection, table: &Table, privacy: Privacy) -> Result<Vec<Vec<String>>> {
    let kept: Vec<Cell> = table.columns.iter().filter(|c| privacy.names || !c.identifying).map(|c| c.from).collect();
    let arcs = if kept.iter().any(|c| matches!(c, K(_))) {
        Some(KnownArcs { traits: cohort::arcs(conn, &CohortFilter::default())?, facts: predictors::facts(conn)? })
    } else {
        None
    };
    let mut stmt = conn.prepare(table.query)?;
    let rows = stmt.query_map([], |r| kept.iter().map(|&from| cell(r, from, arcs.as_ref())).collect())?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn header(table: &Table, privacy: Privacy) -> Vec<&'static str> {
    table.columns.iter().filter(|c| privacy.names || !c.identifying).map(|c| c.name).collect()
}

impl Exports<'_> {
    /// Writes `arcs.csv`, `sessions.csv`, `checkins.csv`, `outcome_scores.csv` and `data-dictionary.csv` into a new
    /// folder `arcwell-csv-<UTC time>` inside `parent`. Without `privacy.names`, no names and no
    /// free text that may hold them: ids only. Nothing is left behind when a file fails.
    pub fn csv(self, parent: &Path, privacy: Privacy, now: DateTime<Utc>) -> Result<Exported> {
        let data =
            self.practice.read(|conn| TABLES.iter().map(|t| rows(conn, t, privacy)).collect::<Result<Vec<_>>>())?;
        let folder = super::destination(&parent.join(format!("arcwell-csv-{}", now.format("%Y-%m-%dT%H%M%SZ"))))?;
        std::fs::create_dir(&folder).map_err(|e| {
            Error::io(format!("cannot create the folder {} (nothing was written)", folder.display()), e)
        })?;
        let written = write_all(&folder, &data, privacy);
        if written.is_err() {
            let _ = std::fs::remove_dir_all(&folder);
        }
        let files = written?;
        self.practice.record_event(Action::Export, &Subject::Export, Some(privacy.audit_detail("csv")))?;
        Ok(Exported {
            files: files.iter().map(|f| f.display().to_string()).collect(),
            rows: data.iter().map(|d| d.len() as u64).sum(),
            warning: WARNING.to_owned(),
        })
    }
}

/// A cell a spreadsheet would run as a formula (OWASP's CSV injection rule: it starts with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) is written with a leading `'`, so that it is read as
/// text; a number such as `-3` or `+1.5` is left as it is. Only text typed into Arcwell (a name,
/// an intention) can start so.
fn defused(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = cell.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | 'e' | 'E'))
        && cell.parse::<f64>().is_ok();
    if risky && !number { std::borrow::Cow::Owned(format!("'{cell}")) } else { std::borrow::Cow::Borrowed(cell) }
}

fn write_all(folder: &Path, data: &[Vec<Vec<String>>], privacy: Privacy) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for (table, rows) in TABLES.iter().zip(data) {
        files.push(write_new(&folder.join(table.file), |w| {
            let mut out = ::csv::Writer::from_writer(w);
            out.write_record(header(table, privacy))?;
            for row in rows {
                out.write_record(row.iter().map(|c| defused(c).into_owned()))?;
            }
            out.flush()
        })?);
    }
    files.push(write_new(&folder.join(DICTIONARY), |w| {
        let mut out = ::csv::Writer::from_writer(w);
        out.write_record(["file", "column", "type", "identifying", "included", "meaning"])?;
        for table in TABLES {
            out.write_record([table.file, "", "", "", "", table.about])?;
            for c in table.columns {
                let included = privacy.names || !c.identifying;
                out.write_record([
                    table.file,
                    c.name,
                    c.kind,
                    if c.identifying { "yes" } else { "no" },
                    if included { "yes" } else { "no (export with names to include it)" },
                    c.meaning,
                ])?;
            }
        }
        out.write_record([
            "",
            "",
            "",
            "",
            "",
            "Times ending in _at are UTC (RFC 3339); _local is the wall-clock time in the zone the time was entered in. \
             Empty cells are values that do not exist (a session not yet held has no end). \
             Text that begins with =, +, -, @, a tab or a carriage return is written after a ' so that \
             spreadsheets read it as text, not as a formula; remove the ' to get the text as typed.",
        ])?;
        out.flush()
    })?);
    Ok(files)
}

#[cfg(test)]
mod defusing {
    use super::defused;

    #[test]
    fn formulas_become_text_and_numbers_stay_numbers() {
        for (cell, written) in [
            ("=1+1", "'=1+1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-2+3", "'-2+3"),
            ("+cmd", "'+cmd"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-inf", "'-inf"),
            ("-", "'-"),
            ("-3", "-3"),
            ("-0.5", "-0.5"),
            ("+1.5", "+1.5"),
            ("-1e3", "-1e3"),
            ("Rowan", "Rowan"),
            ("", ""),
        ] {
            assert_eq!(defused(cell), written, "{cell:?}");
        }
    }
}

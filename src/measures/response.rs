//! Responses: a measure given on an arc at a time point, scored when saved, never edited (a
//! mistaken one is withdrawn with a reason), and read back as trajectories against baseline.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;
use uuid::Uuid;

use super::scoring::{Score, score};
use super::{Measure, measure};
use crate::domain::id_from_db;
use crate::domain::time::{ZonedTime, parse_time, to_db};
use crate::error::{AreaError, ErrorCode};
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

/// When in the arc a measure was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum Timepoint {
    /// Before the dosing session (during preparation): what change is measured from.
    Baseline,
    /// The day after the dosing session (EBI, MEQ).
    AfterAdministration,
    /// At a follow-up (1 month, 3 months…).
    FollowUp,
    Other,
}

impl Timepoint {
    pub fn as_str(self) -> &'static str {
        match self {
            Timepoint::Baseline => "baseline",
            Timepoint::AfterAdministration => "after_administration",
            Timepoint::FollowUp => "follow_up",
            Timepoint::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Result<Self> {
        serde_json::from_value(Value::String(s.trim().to_lowercase().replace(['-', ' '], "_"))).map_err(|_| {
            Error::invalid(format!("{s:?} is not a time point; use baseline, after_administration, follow_up or other"))
        })
    }
}

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct GiveMeasure {
    #[ts(type = "string")]
    pub arc_id: Uuid,
    /// `phq9`, `gad7`, `who5`, `pcl5`, `ebi`.
    pub measure: String,
    pub timepoint: Timepoint,
    /// When it was answered (ISO 8601; without an offset, in the facilitator's zone); now when absent.
    #[serde(default)]
    #[ts(optional)]
    pub at: Option<String>,
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub checkin_id: Option<Uuid>,
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub session_id: Option<Uuid>,
    /// Item key → the answer's value; `null` or absent is unanswered.
    #[ts(type = "Record<string, number | null>")]
    pub answers: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct MeasureResponse {
    #[ts(type = "string")]
    pub id: Uuid,
    #[ts(type = "string")]
    pub arc_id: Uuid,
    #[ts(type = "string")]
    pub participant_id: Uuid,
    pub participant_name: String,
    pub measure: String,
    pub measure_name: String,
    pub measure_version: u32,
    pub timepoint: Timepoint,
    pub administered: ZonedTime,
    #[ts(type = "string | null")]
    pub checkin_id: Option<Uuid>,
    #[ts(type = "string | null")]
    pub session_id: Option<Uuid>,
    #[ts(type = "Record<string, number | null>")]
    pub answers: Map<String, Value>,
    pub score: Score,
    pub withdrawn: Option<ZonedTime>,
    pub withdrawn_reason: Option<String>,
    /// The packet whose reply brought it, when the participant reported it themselves.
    #[ts(type = "string | null")]
    pub packet_id: Option<Uuid>,
}

const COLUMNS: &str = "r.id, r.arc_id, a.participant_id, p.name, r.measure, r.measure_version, r.timepoint,
    r.administered_at, r.administered_tz, r.checkin_id, r.session_id, r.answers, r.withdrawn_at, r.withdrawn_reason, r.packet_id";
const FROM: &str = "measure_response r JOIN arc a ON a.id = r.arc_id JOIN participant p ON p.id = a.participant_id";

/// What the rules for giving measures refuse.
#[derive(Debug, thiserror::Error)]
pub enum MeasureError {
    #[error("the arc is closed ({0}); measures are given on an open arc")]
    ArcClosed(&'static str),
    #[error("that response is already withdrawn")]
    AlreadyWithdrawn,
}

impl AreaError for MeasureError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Conflict
    }
}

/// A nullable id column (the check-in or session a response was given at).
fn id_col(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<Uuid>> {
    r.get::<_, Option<String>>(i)?.as_deref().map(id_from_db).transpose()
}

/// A stored row, scored again from its answers with the version it was given with.
fn from_row(r: &Row<'_>) -> rusqlite::Result<Result<MeasureResponse>> {
    let tz: String = r.get(8)?;
    let answers: String = r.get(11)?;
    let withdrawn: Option<String> = r.get(12)?;
    let id = id_from_db(&r.get::<_, String>(0)?)?;
    let arc_id = id_from_db(&r.get::<_, String>(1)?)?;
    let participant_id = id_from_db(&r.get::<_, String>(2)?)?;
    let participant_name: String = r.get(3)?;
    let measure_id: String = r.get(4)?;
    let version: u32 = r.get(5)?;
    let timepoint: String = r.get(6)?;
    let administered = ZonedTime::from_db(&r.get::<_, String>(7)?, &tz)?;
    let checkin_id = id_col(r, 9)?;
    let session_id = id_col(r, 10)?;
    let withdrawn = withdrawn.map(|w| ZonedTime::from_db(&w, &tz)).transpose()?;
    let withdrawn_reason: Option<String> = r.get(13)?;
    let packet_id = id_col(r, 14)?;
    Ok((|| {
        let m = versioned(&measure_id, version)?;
        let answers: Map<String, Value> = serde_json::from_str(&answers)
            .map_err(|e| Error::invalid(format!("stored answers of response {id} do not read: {e}")))?;
        Ok(MeasureResponse {
            id,
            arc_id,
            participant_id,
            participant_name,
            measure: m.id.clone(),
            measure_name: m.name.clone(),
            measure_version: version,
            timepoint: Timepoint::parse(&timepoint)?,
            administered,
            checkin_id,
            session_id,
            score: score(m, &answers)?,
            answers,
            withdrawn,
            withdrawn_reason,
            packet_id,
        })
    })())
}

/// The measure a response was given with; a version this Arcwell does not have is an error, not a guess.
fn versioned(id: &str, version: u32) -> Result<&'static Measure> {
    let m = measure(id)?;
    if m.version != version {
        return Err(Error::invalid(format!(
            "a {} response was given with version {version}, which this Arcwell does not have (it has {})",
            m.name, m.version
        )));
    }
    Ok(m)
}

pub(crate) fn query(conn: &Connection, filter: &str, args: impl rusqlite::Params) -> Result<Vec<MeasureResponse>> {
    let mut stmt =
        conn.prepare(&format!("SELECT {COLUMNS} FROM {FROM} WHERE {filter} ORDER BY r.administered_at, r.id"))?;
    let rows = stmt.query_map(args, from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().collect()
}

/// One point of a trajectory: a response's total and its change from baseline.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct TrajectoryPoint {
    #[ts(type = "string")]
    pub response_id: Uuid,
    pub at: ZonedTime,
    pub timepoint: Timepoint,
    pub total: Option<f64>,
    pub band: Option<String>,
    /// This point minus the baseline's total.
    pub change: Option<f64>,
    /// A fall of at least the measure's response percentage from baseline.
    pub response: bool,
    /// Below the measure's remission threshold.
    pub remission: bool,
    /// A change of at least the measure's meaningful points, in the better direction.
    pub improved: bool,
    /// … or in the worse direction.
    pub worsened: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Trajectory {
    pub measure: String,
    pub measure_name: String,
    #[ts(type = "number")]
    pub min: i64,
    #[ts(type = "number")]
    pub max: i64,
    pub bands: Vec<super::Band>,
    /// The baseline response: the latest given as baseline before the first other one, else the first.
    #[ts(type = "string | null")]
    pub baseline: Option<Uuid>,
    pub points: Vec<TrajectoryPoint>,
}

/// The baseline among one measure's responses on an arc, oldest first: the latest given as
/// baseline, else the first. The trajectories and the early warnings share it.
pub(crate) fn baseline_of<T>(responses: &[T], is_baseline: impl Fn(&T) -> bool) -> Option<&T> {
    responses.iter().rev().find(|r| is_baseline(r)).or(responses.first())
}

/// Trajectories of the (not withdrawn) responses, one per measure, in library order.
pub fn trajectories(responses: &[MeasureResponse]) -> Result<Vec<Trajectory>> {
    let mut out = Vec::new();
    for m in super::library()? {
        let mine: Vec<&MeasureResponse> = responses
            .iter()
            .filter(|r| r.measure == m.id && r.withdrawn.is_none() && r.score.total.is_some())
            .collect();
        if mine.is_empty() {
            continue;
        }
        let baseline = baseline_of(&mine, |r| r.timepoint == Timepoint::Baseline).copied();
        let base = baseline.and_then(|b| b.score.total);
        let c = &m.change;
        let points = mine
            .iter()
            .map(|r| {
                let total = r.score.total;
                let change = total.zip(base).map(|(t, b)| t - b);
                let is_base = baseline.is_some_and(|b| b.id == r.id);
                TrajectoryPoint {
                    response_id: r.id,
                    at: r.administered.clone(),
                    timepoint: r.timepoint,
                    total,
                    band: r.score.band.clone(),
                    change,
                    response: !is_base
                        && matches!((c.response_fall_percent, total, base), (Some(p), Some(t), Some(b)) if b > 0.0 && (b - t) / b * 100.0 >= p as f64),
                    remission: !is_base && matches!((c.remission_below, total), (Some(r), Some(t)) if t < r as f64),
                    improved: !is_base && total.zip(base).is_some_and(|(t, b)| c.meaningfully_better(b, t)),
                    worsened: !is_base && total.zip(base).is_some_and(|(t, b)| c.meaningfully_worse(b, t)),
                }
            })
            .collect();
        out.push(Trajectory {
            measure: m.id.clone(),
            measure_name: m.name.clone(),
            min: m.scoring.min,
            max: m.scoring.max,
            bands: m.bands.clone(),
            baseline: baseline.map(|b| b.id),
            points,
        });
    }
    Ok(out)
}

/// Fills the stored subscale criterion (`criterion`, kept beside the total since schema 15) of every
/// response to a measure that defines one, scored as its answers stand. Run once, after that migration.
pub(crate) fn keep_criteria(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    let mut update = tx.prepare("UPDATE measure_response SET criterion = ?2 WHERE id = ?1")?;
    for m in super::library()?.iter().filter(|m| m.subscale_criterion.is_some()) {
        let rows: Vec<(String, String)> = tx
            .prepare("SELECT id, answers FROM measure_response WHERE measure = ?1")?
            .query_map([&m.id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, answers) in rows {
            // Stored answers were checked when given; one that no longer scores keeps no criterion
            // rather than keeping the practice from opening.
            let criterion = serde_json::from_str::<Map<String, Value>>(&answers)
                .ok()
                .and_then(|a| score(m, &a).ok())
                .and_then(|s| s.criterion);
            update.execute(params![id, criterion])?;
        }
    }
    Ok(())
}

/// Records a scored response in `tx` (the caller checked the time): the arc must be open and the
/// check-in or session named must be on it. `packet` names the reply it came in, when the
/// participant reported it themselves.
pub(crate) fn insert(
    tx: &rusqlite::Transaction<'_>,
    m: &Measure,
    input: &GiveMeasure,
    at: ZonedTime,
    packet: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    let scored = score(m, &input.answers)?;
    if scored.answered == 0 {
        return Err(Error::invalid(format!("no {} item is answered; answer at least one", m.name)));
    }
    let id = Uuid::new_v4();
    let arc = crate::domain::arc::get(tx, input.arc_id)?;
    if arc.phase.is_closed() {
        return Err(MeasureError::ArcClosed(arc.phase.as_str()).into());
    }
    for (what, table, link) in [("check-in", "checkin", input.checkin_id), ("session", "session", input.session_id)] {
        if let Some(link) = link {
            let on: Option<String> = tx
                .query_row(&format!("SELECT arc_id FROM {table} WHERE id = ?1"), [link.to_string()], |r| r.get(0))
                .optional()?;
            match on {
                None => return Err(Error::NotFound { what, id: link.to_string() }),
                Some(a) if a != input.arc_id.to_string() => {
                    return Err(Error::invalid(format!("that {what} belongs to another arc")));
                }
                Some(_) => {}
            }
        }
    }
    let answers: Map<String, Value> =
        input.answers.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), v.clone())).collect();
    tx.execute(
        "INSERT INTO measure_response (id, arc_id, measure, measure_version, timepoint, administered_at,
               administered_tz, checkin_id, session_id, answers, total, band, critical, created_at, criterion,
               packet_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            id.to_string(),
            input.arc_id.to_string(),
            m.id,
            m.version,
            input.timepoint.as_str(),
            to_db(at.utc),
            at.zone,
            input.checkin_id.map(|c| c.to_string()),
            input.session_id.map(|s| s.to_string()),
            Value::Object(answers).to_string(),
            scored.total,
            scored.band,
            (!scored.critical.is_empty()).then(|| serde_json::to_string(&scored.critical).unwrap_or_default()),
            to_db(now),
            scored.criterion,
            packet.map(|p| p.to_string()),
        ],
    )?;
    audit::record(tx, Action::Create, &Subject::MeasureResponse(id), Some(&m.id))?;
    Ok(id)
}

/// Outcome measures given: responses, scores, trajectories.
/// Borrowed from a practice by [`Practice::measures`].
pub struct Measures<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl Measures<'_> {
    /// Records a measure given on an arc: checked and scored; a critical answer raises an alert at once.
    pub fn give(self, input: &GiveMeasure, now: DateTime<Utc>) -> Result<MeasureResponse> {
        let m = measure(&input.measure)?;
        let zone = self.practice.facilitator().profile()?.timezone;
        let at = match input.at.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(t) => parse_time(t, &zone)?,
            None => ZonedTime::new(now, &zone),
        };
        if at.utc > now + chrono::Duration::minutes(1) {
            return Err(Error::invalid("that time is in the future; record a measure once it has been answered"));
        }
        let id = self.practice.write(|tx| insert(tx, m, input, at, None, now))?;
        self.practice.measures().response(id)
    }

    pub fn response(self, id: Uuid) -> Result<MeasureResponse> {
        self.practice
            .read(|conn| query(conn, "r.id = ?1", [id.to_string()]))?
            .pop()
            .ok_or(Error::NotFound { what: "measure response", id: id.to_string() })
    }

    /// Withdraws a response given by mistake: kept, shown as withdrawn, no longer counted.
    pub fn withdraw(self, id: Uuid, reason: &str, now: DateTime<Utc>) -> Result<MeasureResponse> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(Error::invalid("say why the response is withdrawn"));
        }
        self.practice.write(|tx| {
            let n = tx.execute(
                "UPDATE measure_response SET withdrawn_at = ?2, withdrawn_reason = ?3 WHERE id = ?1 AND withdrawn_at IS NULL",
                params![id.to_string(), to_db(now), reason],
            )?;
            if n == 0 {
                let exists: bool =
                    tx.query_row("SELECT count(*) FROM measure_response WHERE id = ?1", [id.to_string()], |r| r.get(0))?;
                return Err(if exists {
                    MeasureError::AlreadyWithdrawn.into()
                } else {
                    Error::NotFound { what: "measure response", id: id.to_string() }
                });
            }
            audit::record(tx, Action::Withdraw, &Subject::MeasureResponse(id), None)
        })?;
        self.practice.measures().response(id)
    }

    /// An arc's responses in the order they were given, withdrawn ones included.
    pub fn responses(self, arc: Uuid) -> Result<Vec<MeasureResponse>> {
        self.practice.read(|conn| {
            crate::domain::arc::get(conn, arc)?;
            query(conn, "r.arc_id = ?1", [arc.to_string()])
        })
    }

    /// An arc's trajectories: per measure, each response against its baseline.
    pub fn trajectories(self, arc: Uuid) -> Result<Vec<Trajectory>> {
        trajectories(&self.practice.measures().responses(arc)?)
    }
}

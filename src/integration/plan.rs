//! Follow-up plans: ordered check-in steps, each an offset from the administration session's end
//! with a purpose and prompt questions. One plan is the default.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::schedule::Offset;
use crate::domain::time::{ZonedTime, to_db};
use crate::domain::{MAX_LINE_CHARS, id_from_db, required_line};
use crate::error::{AreaError, ErrorCode};
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

/// The shipped default plan's fixed id (see schema/0002_integration.sql).
pub const STANDARD_PLAN_ID: Uuid = Uuid::from_u128(0x00000000_0000_4000_8000_000000000001);

/// At most this many steps in a plan.
pub const MAX_STEPS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PlanStep {
    pub offset: Offset,
    pub purpose: String,
    pub prompts: Vec<String>,
    /// Outcome measures given at this check-in (`phq9`, `gad7`, `who5`, `pcl5`, `ebi`).
    #[serde(default)]
    pub measures: Vec<String>,
    /// Whether this check-in is a re-assessment: its document is the re-assessment form (overall
    /// trajectory, goals revisited, milestones reviewed, referral needed) instead of the integration note.
    #[serde(default)]
    pub reassessment: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Plan {
    #[ts(type = "string")]
    pub id: Uuid,
    pub name: String,
    pub is_default: bool,
    /// Outcome measures given during preparation, before the dosing session.
    pub baseline_measures: Vec<String>,
    /// In order of their offsets.
    pub steps: Vec<PlanStep>,
    /// Each save of the plan is a new version, 1 the first (`Plans::history`).
    pub version: u32,
}

/// A plan as one save left it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PlanVersion {
    pub version: u32,
    pub name: String,
    pub baseline_measures: Vec<String>,
    pub steps: Vec<PlanStep>,
    pub saved: ZonedTime,
    /// What changed, where the change said it (a step moved by a timeline suggestion).
    pub note: Option<String>,
}

/// A plan as the facilitator writes it: the whole new state.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct PlanInput {
    pub name: String,
    pub steps: Vec<PlanStep>,
    #[serde(default)]
    pub baseline_measures: Vec<String>,
    /// Make this the default plan (the previous default stays as an ordinary plan).
    #[serde(default)]
    pub make_default: bool,
}

impl PlanInput {
    fn validate(&self) -> Result<(String, Vec<PlanStep>)> {
        let name = required_line("a plan's name", &self.name)?;
        if self.steps.is_empty() {
            return Err(Error::invalid("a plan needs at least one check-in step"));
        }
        if self.steps.len() > MAX_STEPS {
            return Err(Error::invalid(format!("a plan can hold at most {MAX_STEPS} steps")));
        }
        let mut steps = Vec::with_capacity(self.steps.len());
        for step in &self.steps {
            let offset = Offset::new(step.offset.amount, step.offset.unit)?;
            let purpose = required_line("a step's purpose", &step.purpose)?;
            let mut prompts = Vec::new();
            for p in &step.prompts {
                let p = p.trim();
                if p.chars().count() > MAX_LINE_CHARS {
                    return Err(Error::invalid(format!("a prompt is longer than {MAX_LINE_CHARS} characters")));
                }
                if !p.is_empty() {
                    prompts.push(p.to_owned());
                }
            }
            steps.push(PlanStep {
                offset,
                purpose,
                prompts,
                measures: measure_ids(&step.measures)?,
                reassessment: step.reassessment,
            });
        }
        // Steps are kept in time order; two offsets of different units are compared by their
        // nominal length (a month as 30 days), which is how a facilitator reads them.
        steps.sort_by_key(|s| nominal_hours(s.offset));
        Ok((name, steps))
    }
}

/// What the plan rules refuse.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("there is no default follow-up plan; mark one as the default")]
    NoDefault,
    #[error("there is already a plan named {0:?}; choose another name")]
    NameTaken(String),
    #[error("this arc is closed; its follow-up plan no longer changes")]
    ArcClosed,
}

impl AreaError for PlanError {
    fn code(&self) -> ErrorCode {
        match self {
            PlanError::NoDefault => ErrorCode::NoDefaultPlan,
            _ => ErrorCode::Conflict,
        }
    }
}

/// Measure ids as the library names them, each once, in the library's order; an unknown one refused.
pub(crate) fn measure_ids(ids: &[String]) -> Result<Vec<String>> {
    let mut known = Vec::new();
    for id in ids.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
        known.push(crate::measures::measure(id)?.id.clone());
    }
    Ok(crate::measures::library()?.iter().map(|m| m.id.clone()).filter(|id| known.contains(id)).collect())
}

pub(crate) fn nominal_hours(o: Offset) -> u32 {
    use super::schedule::OffsetUnit::*;
    o.amount
        * match o.unit {
            Hours => 1,
            Days => 24,
            Weeks => 24 * 7,
            Months => 24 * 30,
        }
}

pub(crate) fn get(conn: &Connection, id: Uuid) -> Result<Plan> {
    let (name, is_default, baseline) = conn
        .query_row("SELECT name, is_default, baseline_measures FROM plan WHERE id = ?1", [id.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?, prompts_from_db(&r.get::<_, String>(2)?)?))
        })
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "plan", id: id.to_string() })?;
    let mut stmt = conn.prepare_cached(
        "SELECT amount, unit, purpose, prompts, measures, reassessment FROM plan_step WHERE plan_id = ?1 ORDER BY position",
    )?;
    let steps = stmt
        .query_map([id.to_string()], |r| {
            Ok(PlanStep {
                offset: Offset { amount: r.get(0)?, unit: r.get(1)? },
                purpose: r.get(2)?,
                prompts: prompts_from_db(&r.get::<_, String>(3)?)?,
                measures: prompts_from_db(&r.get::<_, String>(4)?)?,
                reassessment: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let version: u32 = conn
        .prepare_cached("SELECT coalesce(max(version), 0) FROM plan_version WHERE plan_id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))?;
    Ok(Plan { id, name, is_default, baseline_measures: baseline, steps, version })
}

pub(crate) fn prompts_from_db(s: &str) -> rusqlite::Result<Vec<String>> {
    serde_json::from_str(s)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

pub(crate) fn prompts_to_db(prompts: &[String]) -> String {
    // A Vec<String> always serialises.
    serde_json::to_string(prompts).unwrap_or_else(|_| "[]".into())
}

pub(crate) fn default_id(conn: &Connection) -> Result<Uuid> {
    let id: String = conn
        .query_row("SELECT id FROM plan WHERE is_default = 1", [], |r| r.get(0))
        .optional()?
        .ok_or(PlanError::NoDefault)?;
    Ok(id_from_db(&id)?)
}

/// The plan an arc follows: its own, or the default.
pub(crate) fn for_arc(conn: &Connection, arc: Uuid) -> Result<Plan> {
    let own: Option<String> =
        conn.query_row("SELECT plan_id FROM arc WHERE id = ?1", [arc.to_string()], |r| r.get(0))?;
    let id = match own {
        Some(id) => id_from_db(&id)?,
        None => default_id(conn)?,
    };
    get(conn, id)
}

/// Writes a plan's new state and keeps it as its next version, with `note` saying what changed.
fn save(
    conn: &Connection,
    id: Uuid,
    input: &PlanInput,
    now: DateTime<Utc>,
    create: bool,
    note: Option<&str>,
) -> Result<Plan> {
    let (name, steps) = input.validate()?;
    let baseline = measure_ids(&input.baseline_measures)?;
    let clash: Option<String> = conn
        .query_row("SELECT id FROM plan WHERE name = ?1 AND id <> ?2", params![name, id.to_string()], |r| r.get(0))
        .optional()?;
    if clash.is_some() {
        return Err(PlanError::NameTaken(name.to_string()).into());
    }
    if input.make_default {
        conn.execute("UPDATE plan SET is_default = 0 WHERE is_default = 1", [])?;
    }
    if create {
        conn.execute(
            "INSERT INTO plan (id, name, is_default, created_at, updated_at, baseline_measures) VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
            params![id.to_string(), name, input.make_default, to_db(now), prompts_to_db(&baseline)],
        )?;
    } else {
        let changed = conn.execute(
            "UPDATE plan SET name = ?2, is_default = is_default OR ?3, updated_at = ?4, baseline_measures = ?5 WHERE id = ?1",
            params![id.to_string(), name, input.make_default, to_db(now), prompts_to_db(&baseline)],
        )?;
        if changed == 0 {
            return Err(Error::NotFound { what: "plan", id: id.to_string() });
        }
        conn.execute("DELETE FROM plan_step WHERE plan_id = ?1", [id.to_string()])?;
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO plan_step (plan_id, position, amount, unit, purpose, prompts, measures, reassessment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (i, step) in steps.iter().enumerate() {
        insert.execute(params![
            id.to_string(),
            (i + 1) as i64,
            step.offset.amount,
            step.offset.unit.as_str(),
            step.purpose,
            prompts_to_db(&step.prompts),
            prompts_to_db(&step.measures),
            step.reassessment
        ])?;
    }
    let saved = get(conn, id)?;
    // A Vec of plain steps always serialises.
    let steps_json = serde_json::to_string(&saved.steps).unwrap_or_else(|_| "[]".into());
    conn.execute(
        "INSERT INTO plan_version (plan_id, version, name, baseline_measures, steps, saved_at, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id.to_string(),
            saved.version + 1,
            saved.name,
            prompts_to_db(&saved.baseline_measures),
            steps_json,
            to_db(now),
            note
        ],
    )?;
    Ok(Plan { version: saved.version + 1, ..saved })
}

/// Follow-up plans and which one an arc follows.
/// Borrowed from a practice by [`Practice::plans`].
pub struct Plans<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl Plans<'_> {
    /// Every plan, the default first.
    pub fn list(self) -> Result<Vec<Plan>> {
        self.practice.read(|conn| {
            let mut stmt = conn.prepare_cached("SELECT id FROM plan ORDER BY is_default DESC, name")?;
            let ids: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            ids.iter().map(|id| get(conn, id_from_db(id)?)).collect()
        })
    }

    pub fn get(self, id: Uuid) -> Result<Plan> {
        self.practice.read(|conn| get(conn, id))
    }

    pub fn default(self) -> Result<Plan> {
        self.practice.read(|conn| get(conn, default_id(conn)?))
    }

    pub fn create(self, input: &PlanInput, now: DateTime<Utc>) -> Result<Plan> {
        self.practice.write(|tx| {
            let plan = save(tx, Uuid::new_v4(), input, now, true, None)?;
            audit::record(tx, Action::Create, &Subject::Plan(plan.id), None)?;
            Ok(plan)
        })
    }

    /// Replaces a plan's name and steps. Check-ins already queued from it keep their own copy.
    pub fn edit(self, id: Uuid, input: &PlanInput, now: DateTime<Utc>) -> Result<Plan> {
        self.practice.write(|tx| {
            let plan = save(tx, id, input, now, false, None)?;
            audit::record(tx, Action::Update, &Subject::Plan(id), None)?;
            Ok(plan)
        })
    }

    /// Moves step `step` (1 = the first) of a plan to `offset`: a timeline suggestion applied.
    /// Check-ins already queued keep their times; they copied their offset when queued.
    pub fn move_step(self, id: Uuid, step: u32, offset: Offset, now: DateTime<Utc>) -> Result<Plan> {
        self.practice.write(|tx| {
            let plan = get(tx, id)?;
            let index = usize::try_from(step).ok().and_then(|s| s.checked_sub(1)).filter(|i| *i < plan.steps.len());
            let Some(index) = index else {
                return Err(Error::NotFound { what: "plan step", id: format!("{id} step {step}") });
            };
            let mut steps = plan.steps.clone();
            let note = format!("step {step} moved from {} to {}", steps[index].offset.label(), offset.label());
            steps[index].offset = offset;
            let input = PlanInput {
                name: plan.name.clone(),
                steps,
                baseline_measures: plan.baseline_measures.clone(),
                make_default: false,
            };
            let moved = save(tx, id, &input, now, false, Some(&note))?;
            audit::record(tx, Action::Update, &Subject::Plan(id), Some("step moved"))?;
            Ok(moved)
        })
    }

    /// Every version of a plan, the newest first.
    pub fn history(self, id: Uuid) -> Result<Vec<PlanVersion>> {
        self.practice.read(|conn| {
            get(conn, id)?;
            let zone = crate::domain::profile::load(conn)?.timezone;
            let mut stmt = conn.prepare(
                "SELECT version, name, baseline_measures, steps, saved_at, note FROM plan_version
                 WHERE plan_id = ?1 ORDER BY version DESC",
            )?;
            let rows = stmt
                .query_map([id.to_string()], |r| {
                    let steps: String = r.get(3)?;
                    Ok(PlanVersion {
                        version: r.get(0)?,
                        name: r.get(1)?,
                        baseline_measures: prompts_from_db(&r.get::<_, String>(2)?)?,
                        steps: serde_json::from_str(&steps).map_err(|e| {
                            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
                        })?,
                        saved: ZonedTime::from_db(&r.get::<_, String>(4)?, &zone)?,
                        note: r.get(5)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    /// Chooses the plan an arc follows (`None`: the default).
    pub fn set_for_arc(self, arc: Uuid, plan: Option<Uuid>) -> Result<()> {
        self.practice.write(|tx| {
            if crate::domain::arc::get(tx, arc)?.closed.is_some() {
                return Err(PlanError::ArcClosed.into());
            }
            if let Some(p) = plan {
                get(tx, p)?;
            }
            tx.execute(
                "UPDATE arc SET plan_id = ?2 WHERE id = ?1",
                params![arc.to_string(), plan.map(|p| p.to_string())],
            )?;
            audit::record(tx, Action::Update, &Subject::Arc(arc), Some("follow-up plan"))
        })
    }
}

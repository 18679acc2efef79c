//! Alerts: who needs attention, why, how urgently, and since when. Derived from the same facts as
//! the integration status; what the facilitator did with each (acknowledged, snoozed until a date)
//! is kept by the alert's key, which names the fact it is about.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::arcs::{ArcRow, Scope, load, overdue_checkins};
use super::checkin::CheckIn;
use super::status::{Derived, IntegrationStatus, derive, end_of_day, local_day};
use super::warnings::WarningKind;
use crate::domain::profile::{self, Profile};
use crate::domain::time::at_local;
use crate::domain::time::{ZonedTime, from_db, to_db};
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum AlertKind {
    OverdueCheckin,
    Stalled,
    ReadyToComplete,
    /// A measure's critical item was answered (PHQ-9 item 9 above 0).
    CriticalAnswer,
    /// A signed document's answer calls for action: a re-assessment's "referral needed".
    DocumentAnswer,
    /// Early warnings (`warnings.rs`): a score worse than baseline by the measure's meaningful change,
    Deterioration,
    /// a signed note's wellbeing two steps below the previous one's,
    WellbeingFalling,
    /// a milestone lapsed,
    MilestoneLapsed,
    /// or still open past its target date,
    MilestonePastTarget,
    /// or an arc at risk of stalling: a late first contact, two skips in a row, lateness growing.
    AtRiskOfStalling,
}

impl From<WarningKind> for AlertKind {
    fn from(k: WarningKind) -> Self {
        match k {
            WarningKind::Deterioration => AlertKind::Deterioration,
            WarningKind::WellbeingFalling => AlertKind::WellbeingFalling,
            WarningKind::MilestoneLapsed => AlertKind::MilestoneLapsed,
            WarningKind::MilestonePastTarget => AlertKind::MilestonePastTarget,
            WarningKind::AtRiskOfStalling => AlertKind::AtRiskOfStalling,
        }
    }
}

impl AlertKind {
    /// An early warning (`warnings.rs`), counted apart on Today.
    pub fn is_early_warning(self) -> bool {
        matches!(
            self,
            AlertKind::Deterioration
                | AlertKind::WellbeingFalling
                | AlertKind::MilestoneLapsed
                | AlertKind::MilestonePastTarget
                | AlertKind::AtRiskOfStalling
        )
    }

    /// Notified by the scheduler once: everything but what the check-in notices already say
    /// (overdue, stalled) and the arcs ready to complete.
    pub fn is_notified(self) -> bool {
        !matches!(self, AlertKind::OverdueCheckin | AlertKind::Stalled | AlertKind::ReadyToComplete)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Urgent,
}

/// An overdue check-in becomes urgent after this many days.
const URGENT_AFTER_DAYS: i64 = 7;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Alert {
    /// Names the fact: `overdue:<oldest overdue check-in>:<its due time>`, `stalled:<arc>:<last contact>`,
    /// `ready:<arc>`, `critical:<measure response>`, `document:<document>:<field>`, and the early
    /// warnings' (`worse:`, `wellbeing:`, `lapsed:`, `late:`, `skips:`, `drift:`, `first-contact:`).
    pub key: String,
    pub kind: AlertKind,
    pub severity: Severity,
    pub reason: String,
    /// The rule that raised it, in words.
    pub rule: String,
    #[ts(type = "string")]
    pub participant_id: Uuid,
    pub participant_name: String,
    #[ts(type = "string")]
    pub arc_id: Uuid,
    #[ts(type = "string | null")]
    pub checkin_id: Option<Uuid>,
    pub since: ZonedTime,
    pub snoozed_until: Option<ZonedTime>,
    pub acknowledged_at: Option<ZonedTime>,
}

impl Alert {
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.acknowledged_at.is_none() && self.snoozed_until.as_ref().is_none_or(|s| s.utc <= now)
    }
}

fn candidates(
    derived: &[(&ArcRow, Derived)],
    overdue: &[CheckIn],
    profile: &Profile,
    now: DateTime<Utc>,
) -> Result<Vec<Alert>> {
    let zone = profile.zone()?;
    let tz = profile.timezone.as_str();
    let mut out = Vec::new();
    // One alert per arc for its overdue check-ins, about the oldest; a stalled arc's alert says it all.
    let stalled: std::collections::HashSet<Uuid> =
        derived.iter().filter(|(_, d)| d.status == IntegrationStatus::Stalled).map(|(r, _)| r.arc_id).collect();
    let mut per_arc: std::collections::HashMap<Uuid, usize> = std::collections::HashMap::new();
    for c in overdue {
        *per_arc.entry(c.arc_id).or_default() += 1;
    }
    // `overdue` is oldest first: the first check-in met for an arc is the one its alert is about.
    for c in overdue {
        let Some(count) = per_arc.remove(&c.arc_id) else { continue };
        if stalled.contains(&c.arc_id) {
            continue;
        }
        let since = end_of_day(local_day(c.due.utc, zone), zone);
        let severity =
            if now - since >= Duration::days(URGENT_AFTER_DAYS) { Severity::Urgent } else { Severity::Warning };
        let day = local_day(c.due.utc, zone);
        let reason = if count == 1 {
            format!("Check-in due {day} is overdue: {}", c.purpose)
        } else {
            format!("{count} check-ins overdue; the oldest was due {day}: {}", c.purpose)
        };
        out.push(Alert {
            key: format!("overdue:{}:{}", c.id, to_db(c.due.utc)),
            kind: AlertKind::OverdueCheckin,
            severity,
            reason,
            rule: format!(
                "A check-in still due once its local due day has ended; urgent after {URGENT_AFTER_DAYS} days"
            ),
            participant_id: c.participant_id,
            participant_name: c.participant_name.clone(),
            arc_id: c.arc_id,
            checkin_id: Some(c.id),
            since: ZonedTime::new(since, tz),
            snoozed_until: None,
            acknowledged_at: None,
        });
    }
    for (row, d) in derived {
        let (key, kind, severity, reason, rule) = match d.status {
            IntegrationStatus::Stalled => (
                format!("stalled:{}:{}", row.arc_id, d.last_contact.map(to_db).unwrap_or_default()),
                AlertKind::Stalled,
                Severity::Urgent,
                format!(
                    "No contact for {} days while a check-in is past due",
                    d.last_contact.map_or(0, |c| (now - c).num_days())
                ),
                format!("No contact for {} days while a check-in is past due", profile.stall_days),
            ),
            IntegrationStatus::ReadyToComplete => (
                format!("ready:{}", row.arc_id),
                AlertKind::ReadyToComplete,
                Severity::Info,
                "Every check-in is done and no milestone is open: ready to complete".to_owned(),
                "Every check-in completed or skipped and no milestone planned or in progress".to_owned(),
            ),
            _ => continue,
        };
        let since = d.since.or(d.last_contact).unwrap_or(now);
        out.push(Alert {
            key,
            kind,
            severity,
            reason,
            rule,
            participant_id: row.participant_id,
            participant_name: row.participant_name.clone(),
            arc_id: row.arc_id,
            checkin_id: None,
            since: ZonedTime::new(since, tz),
            snoozed_until: None,
            acknowledged_at: None,
        });
    }
    Ok(out)
}

/// Whom and since when an alert about an answer is, as stored: the arc, its participant, the time.
struct Answered {
    arc: String,
    participant: String,
    name: String,
    at: String,
}

impl Answered {
    /// Reads the four columns from `first` on.
    fn from_row(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Self> {
        Ok(Answered {
            arc: r.get(first)?,
            participant: r.get(first + 1)?,
            name: r.get(first + 2)?,
            at: r.get(first + 3)?,
        })
    }

    fn urgent(self, key: String, kind: AlertKind, reason: String, rule: String, tz: &str) -> Result<Alert> {
        Ok(Alert {
            key,
            kind,
            severity: Severity::Urgent,
            reason,
            rule,
            participant_id: crate::domain::id_from_db(&self.participant)?,
            participant_name: self.name,
            arc_id: crate::domain::id_from_db(&self.arc)?,
            checkin_id: None,
            since: ZonedTime::new(from_db(&self.at)?, tz),
            snoozed_until: None,
            acknowledged_at: None,
        })
    }
}

/// One alert per counted response with a critical answer, whatever the arc's phase.
fn critical_answers(conn: &Connection, tz: &str) -> Result<Vec<Alert>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.measure, r.critical, r.arc_id, a.participant_id, p.name, r.administered_at
         FROM measure_response r JOIN arc a ON a.id = r.arc_id JOIN participant p ON p.id = a.participant_id
         WHERE r.critical IS NOT NULL AND r.withdrawn_at IS NULL",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, Answered::from_row(r, 3)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (id, measure, critical, answered) in rows {
        let name_of = crate::measures::measure(&measure).map(|m| m.name.clone()).unwrap_or(measure);
        let findings: Vec<crate::measures::scoring::CriticalFinding> = serde_json::from_str(&critical)
            .map_err(|e| Error::invalid(format!("the critical answers of response {id} do not read: {e}")))?;
        let reason = findings
            .iter()
            .map(|f| {
                format!("{name_of} item {} — {} — answered {:?}: {}", f.item, f.text.to_lowercase(), f.answer, f.action)
            })
            .collect::<Vec<_>>()
            .join("; ");
        let rule = format!("An answer on a critical item of the {name_of} at the level the measure says needs action");
        out.push(answered.urgent(format!("critical:{id}"), AlertKind::CriticalAnswer, reason, rule, tz)?);
    }
    Ok(out)
}

/// One alert per answer a signed document raised through its template's alert rule (a
/// re-assessment's "referral needed"), with the detail written beside the answer.
fn document_answers(conn: &Connection, tz: &str) -> Result<Vec<Alert>> {
    let mut stmt = conn.prepare_cached(
        "SELECT x.document_id, x.field, x.reason, x.detail, d.title, x.arc_id, a.participant_id, p.name, x.raised_at
         FROM document_alert x JOIN document d ON d.id = x.document_id
         JOIN arc a ON a.id = x.arc_id JOIN participant p ON p.id = a.participant_id",
    )?;
    let rows = stmt
        .query_map([], |r| {
            let (document, field): (String, String) = (r.get(0)?, r.get(1)?);
            let (reason, detail, title): (String, Option<String>, String) = (r.get(2)?, r.get(3)?, r.get(4)?);
            let reason = match detail {
                Some(d) => format!("{reason} ({title}): {d}"),
                None => format!("{reason} ({title}); no reason was written with it"),
            };
            Ok((format!("document:{document}:{field}"), reason, Answered::from_row(r, 5)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(key, reason, answered)| {
            let rule = "An answer the document's template names in its alert rule".to_owned();
            answered.urgent(key, AlertKind::DocumentAnswer, reason, rule, tz)
        })
        .collect()
}

/// Fills in what the facilitator did with each alert.
fn with_state(conn: &Connection, mut alerts: Vec<Alert>, tz: &str) -> Result<Vec<Alert>> {
    let mut stmt = conn.prepare_cached("SELECT acknowledged_at, snoozed_until FROM alert_state WHERE key = ?1")?;
    for a in &mut alerts {
        let state: Option<(Option<String>, Option<String>)> =
            stmt.query_row([&a.key], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
        if let Some((ack, snooze)) = state {
            a.acknowledged_at = ack.map(|t| Ok::<_, rusqlite::Error>(ZonedTime::new(from_db(&t)?, tz))).transpose()?;
            a.snoozed_until = snooze.map(|t| Ok::<_, rusqlite::Error>(ZonedTime::new(from_db(&t)?, tz))).transpose()?;
        }
    }
    alerts.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.since.utc.cmp(&b.since.utc)).then(a.key.cmp(&b.key)));
    Ok(alerts)
}

pub(crate) fn open_alerts(
    conn: &Connection,
    derived: &[(&ArcRow, Derived)],
    overdue: &[CheckIn],
    profile: &Profile,
    now: DateTime<Utc>,
) -> Result<Vec<Alert>> {
    Ok(gathered(conn, derived, overdue, profile, now)?.into_iter().filter(|a| a.is_open(now)).collect())
}

/// Every current alert — from the arcs' facts, critical answers, signed documents' alert answers and
/// the early warnings — with what was done with it.
fn gathered(
    conn: &Connection,
    derived: &[(&ArcRow, Derived)],
    overdue: &[CheckIn],
    profile: &Profile,
    now: DateTime<Utc>,
) -> Result<Vec<Alert>> {
    let mut found = candidates(derived, overdue, profile, now)?;
    found.extend(critical_answers(conn, &profile.timezone)?);
    found.extend(document_answers(conn, &profile.timezone)?);
    let names: HashMap<Uuid, (Uuid, &str)> =
        derived.iter().map(|(r, _)| (r.arc_id, (r.participant_id, r.participant_name.as_str()))).collect();
    for w in super::warnings::found(conn, derived, profile.zone()?, now)? {
        let Some(&(participant_id, name)) = names.get(&w.arc_id) else { continue };
        found.push(Alert {
            key: w.key,
            kind: w.kind.into(),
            severity: Severity::Warning,
            reason: w.reason,
            rule: w.rule,
            participant_id,
            participant_name: name.to_owned(),
            arc_id: w.arc_id,
            checkin_id: None,
            since: ZonedTime::new(w.since, &profile.timezone),
            snoozed_until: None,
            acknowledged_at: None,
        });
    }
    with_state(conn, found, &profile.timezone)
}

/// Every current alert with its state.
pub(crate) fn current(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<Alert>> {
    let profile = profile::load(conn)?;
    let zone = profile.zone()?;
    let rows = load(conn, Scope::Integration)?;
    let overdue = overdue_checkins(conn, now, zone, &rows)?;
    let derived: Vec<(&ArcRow, Derived)> =
        rows.iter().filter_map(|r| derive(&r.facts, now, zone, profile.stall_days).map(|d| (r, d))).collect();
    gathered(conn, &derived, &overdue, &profile, now)
}

fn require_current(conn: &Connection, key: &str, now: DateTime<Utc>) -> Result<()> {
    if current(conn, now)?.iter().any(|a| a.key == key) {
        Ok(())
    } else {
        Err(Error::NotFound { what: "current alert", id: key.to_owned() })
    }
}

/// Alerts on Today: list, acknowledge, snooze.
/// Borrowed from a practice by [`Practice::alerts`].
pub struct Alerts<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl Alerts<'_> {
    /// Open alerts (neither acknowledged nor snoozed), or with `all` every current alert.
    pub fn list(self, now: DateTime<Utc>, all: bool) -> Result<Vec<Alert>> {
        self.practice.read(|conn| Ok(current(conn, now)?.into_iter().filter(|a| all || a.is_open(now)).collect()))
    }

    /// Acknowledges an alert: it stays away for as long as its fact holds.
    pub fn acknowledge(self, key: &str, now: DateTime<Utc>) -> Result<()> {
        self.practice.write(|tx| {
            require_current(tx, key, now)?;
            tx.execute(
                "INSERT INTO alert_state (key, acknowledged_at, updated_at) VALUES (?1, ?2, ?2)
                 ON CONFLICT (key) DO UPDATE SET acknowledged_at = excluded.acknowledged_at, updated_at = excluded.updated_at",
                params![key, to_db(now)],
            )?;
            audit::record(tx, Action::Acknowledge, &Subject::Alert(key.to_owned()), None)
        })
    }

    /// Snoozes an alert until the start of `until` (a local date after today); it returns by itself then.
    pub fn snooze(self, key: &str, until: NaiveDate, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
        self.practice.write(|tx| {
            let zone = profile::load(tx)?.zone()?;
            if until <= local_day(now, zone) {
                return Err(Error::invalid(format!("snooze until a day after today (got {until})")));
            }
            require_current(tx, key, now)?;
            let wakes = at_local(zone, until.and_time(chrono::NaiveTime::MIN));
            tx.execute(
                "INSERT INTO alert_state (key, snoozed_until, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET snoozed_until = excluded.snoozed_until, updated_at = excluded.updated_at",
                params![key, to_db(wakes), to_db(now)],
            )?;
            audit::record(tx, Action::Update, &Subject::Alert(key.to_owned()), Some("snoozed"))?;
            Ok(wakes)
        })
    }
}

//! The practice-wide view: who needs a check-in today and this week, who is overdue, stalled or
//! ready to complete, the open alerts, and arcs per phase. One call, a handful of indexed queries.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use super::Integration;
use super::alerts::{self, Alert};
use super::arcs::{ArcRow, Scope, at_start_of_day, due_before, load};
use super::checkin::CheckIn;
use super::status::{Derived, IntegrationStatus, derive, end_of_day, local_day};
use crate::Result;
use crate::documents::document;
use crate::domain::profile::{self, Profile};
use crate::domain::status::PhaseCount;
use crate::domain::time::ZonedTime;

/// One arc in integration, as the dashboard lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ArcSummary {
    #[ts(type = "string")]
    pub arc_id: Uuid,
    #[ts(type = "string")]
    pub participant_id: Uuid,
    pub participant_name: String,
    pub status: IntegrationStatus,
    pub since: Option<ZonedTime>,
    pub last_contact: Option<ZonedTime>,
    pub next_due: Option<ZonedTime>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct StatusCount {
    pub status: IntegrationStatus,
    pub arcs: u32,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Dashboard {
    /// Today in the facilitator's zone, `YYYY-MM-DD`.
    pub today: String,
    pub zone: String,
    /// Check-ins due today (not yet overdue), soonest first.
    pub due_today: Vec<CheckIn>,
    /// Check-ins due in the seven days after today.
    pub due_this_week: Vec<CheckIn>,
    /// Check-ins whose due day has ended, oldest first.
    pub overdue: Vec<CheckIn>,
    pub stalled: Vec<ArcSummary>,
    pub ready_to_complete: Vec<ArcSummary>,
    /// Arcs whose follow-ups are paused (their check-ins are on none of the lists above), the
    /// longest paused first; `since` is when the pause began, `next_due` what waits.
    pub paused: Vec<ArcSummary>,
    /// Open alerts: neither acknowledged nor snoozed, most severe first.
    pub alerts: Vec<Alert>,
    pub arcs_by_phase: Vec<PhaseCount>,
    /// Arcs in integration by status.
    pub integration: Vec<StatusCount>,
    /// The last good backup, and whether a backup is needed (Today shows it when stale).
    pub backup: crate::backup::auto::BackupHealth,
    /// How many rows each list has in all: more than it holds once cut by [`Dashboard::first`].
    pub totals: ListTotals,
}

/// The length of each of the dashboard's lists before any was cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ListTotals {
    pub due_today: u32,
    pub due_this_week: u32,
    pub overdue: u32,
    pub stalled: u32,
    pub ready_to_complete: u32,
    pub paused: u32,
    pub alerts: u32,
    /// Of the open alerts, the early warnings (a participant worsening or drifting).
    pub warnings: u32,
}

impl Dashboard {
    /// Keeps the first `n` rows of each list — the most pressing, as each list is ordered — for a
    /// screen that shows no more at first; `totals` still counts every row. Today asks for this
    /// at start: a practice with hundreds overdue would otherwise send, parse and keep every row.
    pub fn first(mut self, n: usize) -> Self {
        self.due_today.truncate(n);
        self.due_this_week.truncate(n);
        self.overdue.truncate(n);
        self.stalled.truncate(n);
        self.ready_to_complete.truncate(n);
        self.paused.truncate(n);
        self.alerts.truncate(n);
        self
    }
}

pub(crate) fn summary(row: &ArcRow, d: &Derived, zone: &str) -> ArcSummary {
    let z = |t: Option<DateTime<Utc>>| t.map(|t| ZonedTime::new(t, zone));
    ArcSummary {
        arc_id: row.arc_id,
        participant_id: row.participant_id,
        participant_name: row.participant_name.clone(),
        status: d.status,
        since: z(d.since),
        last_contact: z(d.last_contact),
        next_due: z(d.next_due),
    }
}

pub(crate) fn build(conn: &Connection, profile: &Profile, now: DateTime<Utc>) -> Result<Dashboard> {
    let zone = profile.zone()?;
    let rows = load(conn, Scope::Integration)?;
    let today = local_day(now, zone);
    let today_ends = end_of_day(today, zone);
    let week_ends = end_of_day(today + Duration::days(7), zone);
    let open = due_before(conn, week_ends, &rows)?;

    let mut derived = Vec::with_capacity(rows.len());
    let mut counts: HashMap<IntegrationStatus, u32> = HashMap::new();
    for row in &rows {
        if let Some(d) = derive(&row.facts, now, zone, profile.stall_days) {
            *counts.entry(d.status).or_default() += 1;
            derived.push((row, d));
        }
    }
    // A paused arc's check-ins wait: they are on no list and raise no overdue alert.
    let paused_arcs: HashSet<Uuid> =
        derived.iter().filter(|(_, d)| d.status == IntegrationStatus::Paused).map(|(r, _)| r.arc_id).collect();

    let today_starts = at_start_of_day(today, zone);
    let (mut due_today, mut due_this_week, mut overdue) = (Vec::new(), Vec::new(), Vec::new());
    for c in open.into_iter().filter(|c| !paused_arcs.contains(&c.arc_id)) {
        if c.due.utc < today_starts {
            overdue.push(c);
        } else if c.due.utc < today_ends {
            due_today.push(c);
        } else {
            due_this_week.push(c);
        }
    }

    let pick = |status| {
        let mut list: Vec<ArcSummary> =
            derived.iter().filter(|(_, d)| d.status == status).map(|(r, d)| summary(r, d, &profile.timezone)).collect();
        list.sort_by(|a, b| {
            a.since
                .as_ref()
                .map(|t| t.utc)
                .cmp(&b.since.as_ref().map(|t| t.utc))
                .then(a.participant_name.cmp(&b.participant_name))
        });
        list
    };
    let stalled = pick(IntegrationStatus::Stalled);
    let ready_to_complete = pick(IntegrationStatus::ReadyToComplete);
    let paused = pick(IntegrationStatus::Paused);
    let alerts = alerts::open_alerts(conn, &derived, &overdue, profile, now)?;
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let totals = ListTotals {
        due_today: count(due_today.len()),
        due_this_week: count(due_this_week.len()),
        overdue: count(overdue.len()),
        stalled: count(stalled.len()),
        ready_to_complete: count(ready_to_complete.len()),
        paused: count(paused.len()),
        alerts: count(alerts.len()),
        warnings: count(alerts.iter().filter(|a| a.kind.is_early_warning()).count()),
    };
    Ok(Dashboard {
        totals,
        today: today.to_string(),
        zone: profile.timezone.clone(),
        due_today,
        due_this_week,
        overdue,
        stalled,
        ready_to_complete,
        paused,
        alerts,
        arcs_by_phase: crate::domain::status::arcs_by_phase(conn)?,
        backup: crate::backup::auto::health(conn, now)?,
        integration: IntegrationStatus::ALL
            .into_iter()
            .filter(|s| *s != IntegrationStatus::Completed)
            .map(|status| StatusCount { status, arcs: counts.get(&status).copied().unwrap_or(0) })
            .collect(),
    })
}

impl Integration<'_> {
    /// The practice-wide view at `now`.
    pub fn dashboard(self, now: DateTime<Utc>) -> Result<Dashboard> {
        let damaged = self.practice.damaged_page();
        let mut d = self.practice.read(|conn| build(conn, &profile::load(conn)?, now))?;
        d.backup = d.backup.with_damaged_page(damaged);
        Ok(d)
    }

    /// One arc's integration status at `now` (`None` before integration).
    pub fn status(self, arc: Uuid, now: DateTime<Utc>) -> Result<Option<ArcSummary>> {
        self.practice.read(|conn| {
            crate::domain::arc::get(conn, arc)?;
            let profile = profile::load(conn)?;
            let zone = profile.zone()?;
            let rows = load(conn, Scope::Arc(arc))?;
            Ok(rows.first().and_then(|row| {
                derive(&row.facts, now, zone, profile.stall_days).map(|d| summary(row, &d, &profile.timezone))
            }))
        })
    }
}

impl Integration<'_> {
    /// Recomputes what the triggers and the core keep (`arc_facts`, `arc_phase_count`, `arc_given`) and lists every
    /// difference; empty when they are current. For tests and a future `arcwell check`.
    pub fn verify_derived(self) -> Result<Vec<String>> {
        self.practice.read(|conn| {
            let mut problems = Vec::new();
            let mut stmt = conn.prepare(
                "SELECT arc_id FROM (SELECT * FROM arc_facts_now EXCEPT SELECT * FROM arc_facts)
                 UNION SELECT arc_id FROM (SELECT * FROM arc_facts EXCEPT SELECT * FROM arc_facts_now)",
            )?;
            for id in stmt.query_map([], |r| r.get::<_, String>(0))? {
                problems.push(format!("arc {}: its kept follow-up facts differ from the computed ones", id?));
            }
            let mut stmt = conn.prepare(
                "SELECT c.phase, c.arcs, (SELECT count(*) FROM arc WHERE arc.phase = c.phase) FROM arc_phase_count c
                 WHERE c.arcs <> (SELECT count(*) FROM arc WHERE arc.phase = c.phase)",
            )?;
            for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))? {
                let (phase, kept, real) = row?;
                problems.push(format!("phase {phase}: {kept} arcs counted, {real} in fact"));
            }
            let (kept, now) = (document::given_kept(conn)?, document::given_now(conn, None)?);
            if kept != now {
                problems.push(format!(
                    "what was given: {} arcs kept, {} from the administration records, or they differ",
                    kept.len(),
                    now.len()
                ));
            }
            Ok(problems)
        })
    }
}

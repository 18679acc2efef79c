//! What is due and not yet delivered, delivering it exactly once, and the in-app notification centre.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::Reminders;
use super::settings::{self, Quiet};
use crate::Result;
use crate::domain::id_from_db;
use crate::domain::profile;
use crate::domain::time::{ZonedTime, from_db, to_db};
use crate::integration::alerts::{self, Alert, AlertKind};
use crate::integration::schedule::{Offset, OffsetUnit};
use crate::integration::status::{end_of_day, local_day};
use crate::store::audit::{self, Action, Subject};

/// A notice delivered more than this after its due time counts as late, and says why.
pub const LATE_AFTER: Duration = Duration::seconds(60);

/// How many names an OS notification lists (when names are allowed) before "and N more".
const NAMES_SHOWN: usize = 5;

/// Why a check-in was delivered late.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum Lateness {
    /// It fell due while no scheduler was running (the app was closed).
    NotRunning,
    /// It fell due inside quiet hours and was held until they ended.
    QuietHours,
    /// The scheduler was running but woke late: the laptop was asleep.
    Asleep,
}

impl Lateness {
    fn as_str(self) -> &'static str {
        match self {
            Lateness::NotRunning => "not_running",
            Lateness::QuietHours => "quiet_hours",
            Lateness::Asleep => "asleep",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        [Lateness::NotRunning, Lateness::QuietHours, Lateness::Asleep].into_iter().find(|l| l.as_str() == s)
    }

    fn sentence(self, n: usize) -> String {
        match self {
            Lateness::NotRunning => format!("{n} came due while Arcwell was not running."),
            Lateness::QuietHours => format!("{n} came due during quiet hours."),
            Lateness::Asleep => format!("{n} came due while the computer was asleep."),
        }
    }
}

/// Whether the OS showed a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum OsOutcome {
    /// Recorded, not yet handed to the OS (or the app stopped before it could).
    Pending,
    Shown,
    /// No notification service, or it refused; the notification is in the in-app centre only.
    Unavailable,
}

impl OsOutcome {
    fn as_str(self) -> &'static str {
        match self {
            OsOutcome::Pending => "pending",
            OsOutcome::Shown => "shown",
            OsOutcome::Unavailable => "unavailable",
        }
    }
}

impl rusqlite::types::FromSql for OsOutcome {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match v.as_str()? {
            "pending" => Ok(OsOutcome::Pending),
            "shown" => Ok(OsOutcome::Shown),
            "unavailable" => Ok(OsOutcome::Unavailable),
            other => Err(rusqlite::types::FromSqlError::Other(format!("unknown os_outcome {other:?}").into())),
        }
    }
}

/// What the OS is asked to show: the app name is the notifier's, the text is here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    /// How many check-ins it is about.
    pub count: usize,
    /// How many alerts it tells of (early warnings, critical answers), each once.
    pub alerts: usize,
}

/// The result of one delivery pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The notification raised now, if anything was due.
    pub notice: Option<Notice>,
    /// Check-ins due and alerts not yet told of, held by quiet hours.
    pub held: usize,
    /// The next instant worth waking for; `None` when nothing is due in the future.
    pub next_wake: Option<DateTime<Utc>>,
}

struct Pending {
    checkin_id: String,
    due_at: DateTime<Utc>,
    name: String,
    offset: Option<Offset>,
}

/// Check-ins due by `now` and not yet told of, except those of an arc paused today (they are told
/// of once the pause ends).
fn pending(conn: &Connection, now: DateTime<Utc>, zone: chrono_tz::Tz) -> Result<Vec<Pending>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.due_at, p.name, c.offset_amount, c.offset_unit
         FROM checkin c JOIN arc a ON a.id = c.arc_id JOIN participant p ON p.id = a.participant_id
         WHERE c.status = 'due' AND c.due_at <= ?1
           AND NOT EXISTS (SELECT 1 FROM checkin_notice n WHERE n.checkin_id = c.id AND n.due_at = c.due_at)
           AND NOT EXISTS (SELECT 1 FROM arc_pause ap WHERE ap.arc_id = c.arc_id AND (ap.until IS NULL OR ap.until >= ?2))
         ORDER BY c.due_at, c.id",
    )?;
    let rows = stmt.query_map([to_db(now), local_day(now, zone).to_string()], |r| {
        let amount: Option<u32> = r.get(3)?;
        let unit: Option<OffsetUnit> = r.get(4)?;
        Ok(Pending {
            checkin_id: r.get(0)?,
            due_at: from_db(&r.get::<_, String>(1)?)?,
            name: r.get(2)?,
            offset: amount.zip(unit).map(|(amount, unit)| Offset { amount, unit }),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The earliest due time strictly after `now` of a check-in still due.
fn next_due(conn: &Connection, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>> {
    let next: Option<String> = conn
        .prepare_cached("SELECT min(due_at) FROM checkin WHERE status = 'due' AND due_at > ?1")?
        .query_row([to_db(now)], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(next.as_deref().map(from_db).transpose()?)
}

fn title(checkins: usize, alerts: usize) -> String {
    let mut parts = Vec::new();
    match checkins {
        0 => {}
        1 => parts.push("1 check-in due".to_owned()),
        n => parts.push(format!("{n} check-ins due")),
    }
    match alerts {
        0 => {}
        1 => parts.push("1 new alert".to_owned()),
        n => parts.push(format!("{n} new alerts")),
    }
    parts.join(" · ")
}

/// What an alert is, in a few words, for a notification that may name the participant.
fn gist(kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::CriticalAnswer => "a critical answer",
        AlertKind::DocumentAnswer => "an answer that needs action",
        AlertKind::Deterioration => "a score worse than baseline",
        AlertKind::WellbeingFalling => "wellbeing falling",
        AlertKind::MilestoneLapsed => "a milestone lapsed",
        AlertKind::MilestonePastTarget => "a milestone past its date",
        AlertKind::AtRiskOfStalling => "at risk of stalling",
        AlertKind::OverdueCheckin => "a check-in overdue",
        AlertKind::Stalled => "stalled",
        AlertKind::ReadyToComplete => "ready to complete",
    }
}

fn body(items: &[(Pending, Option<Lateness>)], alerts: &[Alert], show_names: bool) -> String {
    let mut lines = Vec::new();
    if show_names {
        for (p, _) in items.iter().take(NAMES_SHOWN) {
            let what = p.offset.map(|o| format!("{} check-in", o.label())).unwrap_or_else(|| "check-in".to_owned());
            lines.push(format!("{}: {what}", p.name));
        }
        if items.len() > NAMES_SHOWN {
            lines.push(format!("and {} more", items.len() - NAMES_SHOWN));
        }
        for a in alerts.iter().take(NAMES_SHOWN) {
            lines.push(format!("{}: {}", a.participant_name, gist(a.kind)));
        }
        if alerts.len() > NAMES_SHOWN {
            lines.push(format!("and {} more alerts", alerts.len() - NAMES_SHOWN));
        }
    } else {
        lines.push("Open Arcwell to see who.".to_owned());
    }
    for why in [Lateness::NotRunning, Lateness::QuietHours, Lateness::Asleep] {
        let n = items.iter().filter(|(_, l)| *l == Some(why)).count();
        if n > 0 {
            lines.push(why.sentence(n));
        }
    }
    lines.join("\n")
}

/// Open alerts of the kinds a notification tells of that none has told of yet, most severe first.
fn untold(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<Alert>> {
    let mut told = conn.prepare_cached("SELECT 1 FROM alert_notice WHERE key = ?1")?;
    let mut out = Vec::new();
    for a in alerts::current(conn, now)? {
        if a.kind.is_notified() && a.is_open(now) && !told.exists([&a.key])? {
            out.push(a);
        }
    }
    Ok(out)
}

/// The start of the day after the soonest target date still ahead of an open milestone of an arc in
/// integration: when its early warning begins.
fn next_milestone_late(conn: &Connection, now: DateTime<Utc>, zone: chrono_tz::Tz) -> Result<Option<DateTime<Utc>>> {
    let today = local_day(now, zone);
    let next: Option<String> = conn
        .prepare_cached(
            "SELECT min(m.target_date) FROM arc a JOIN milestone m ON m.arc_id = a.id
             WHERE a.phase = 'integration' AND m.status IN ('planned', 'in_progress') AND m.target_date >= ?1",
        )?
        .query_row([today.to_string()], |r| r.get(0))?;
    Ok(next.and_then(|d| d.parse::<chrono::NaiveDate>().ok()).map(|d| end_of_day(d, zone)))
}

/// The start of the day after the soonest last day of a pause still holding: when its arc's
/// check-ins due meanwhile are told of.
fn next_pause_end(conn: &Connection, now: DateTime<Utc>, zone: chrono_tz::Tz) -> Result<Option<DateTime<Utc>>> {
    let next: Option<String> = conn
        .prepare_cached("SELECT min(until) FROM arc_pause WHERE until >= ?1")?
        .query_row([local_day(now, zone).to_string()], |r| r.get(0))?;
    Ok(next.and_then(|d| d.parse::<chrono::NaiveDate>().ok()).map(|d| end_of_day(d, zone)))
}

fn deliver(tx: &Transaction<'_>, now: DateTime<Utc>, running_since: DateTime<Utc>) -> Result<Delivery> {
    let zone = profile::load(tx)?.zone()?;
    let settings = settings::load(tx)?;
    let quiet: Option<Quiet> = settings::quiet(&settings)?;
    let due = pending(tx, now, zone)?;
    let fresh = untold(tx, now)?;
    let next = [next_due(tx, now)?, next_milestone_late(tx, now, zone)?, next_pause_end(tx, now, zone)?]
        .into_iter()
        .flatten()
        .min();

    if let Some(q) = quiet.filter(|q| q.holds(now, zone)) {
        let end = q.next_end(now, zone);
        let held = due.len() + fresh.len();
        let next_wake = if held == 0 { next.map(|d| d.max(end)) } else { Some(end) };
        return Ok(Delivery { notice: None, held, next_wake });
    }
    if due.is_empty() && fresh.is_empty() {
        return Ok(Delivery { notice: None, held: 0, next_wake: next });
    }

    let items: Vec<(Pending, Option<Lateness>)> = due
        .into_iter()
        .map(|p| {
            let late = (now - p.due_at > LATE_AFTER).then(|| {
                if p.due_at < running_since {
                    Lateness::NotRunning
                } else if quiet.is_some_and(|q| q.holds(p.due_at, zone)) {
                    Lateness::QuietHours
                } else {
                    Lateness::Asleep
                }
            });
            (p, late)
        })
        .collect();
    let notice = Notice {
        id: Uuid::new_v4(),
        title: title(items.len(), fresh.len()),
        body: body(&items, &fresh, settings.show_names),
        count: items.len(),
        alerts: fresh.len(),
    };
    tx.execute(
        "INSERT INTO notification (id, created_at, title, body) VALUES (?1, ?2, ?3, ?4)",
        params![notice.id.to_string(), to_db(now), notice.title, notice.body],
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO checkin_notice (checkin_id, due_at, notification_id, delivered_at, late) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (p, late) in &items {
        insert.execute(params![
            p.checkin_id,
            to_db(p.due_at),
            notice.id.to_string(),
            to_db(now),
            late.map(Lateness::as_str)
        ])?;
    }
    let mut told =
        tx.prepare_cached("INSERT INTO alert_notice (key, notification_id, delivered_at) VALUES (?1, ?2, ?3)")?;
    for a in &fresh {
        told.execute(params![a.key, notice.id.to_string(), to_db(now)])?;
    }
    let what = format!("{} check-ins, {} alerts", items.len(), fresh.len());
    audit::record(tx, Action::Create, &Subject::Notification, Some(&what))?;
    Ok(Delivery { notice: Some(notice), held: 0, next_wake: next })
}

/// One check-in a notification was about, as it stands now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct NoticeItem {
    #[ts(type = "string")]
    pub checkin_id: Uuid,
    #[ts(type = "string")]
    pub arc_id: Uuid,
    #[ts(type = "string")]
    pub participant_id: Uuid,
    pub participant_name: String,
    pub purpose: String,
    /// The due time that was delivered.
    pub due: ZonedTime,
    pub late: Option<Lateness>,
    /// Whether the check-in is still due at that time (not completed, skipped or moved since).
    pub still_due: bool,
}

/// An entry of the in-app notification centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct NotificationEntry {
    #[ts(type = "string")]
    pub id: Uuid,
    pub created: ZonedTime,
    /// What the OS notification said.
    pub title: String,
    pub body: String,
    pub os_outcome: OsOutcome,
    pub read: bool,
    pub items: Vec<NoticeItem>,
}

impl Reminders<'_> {
    /// Delivers every check-in that is due and not yet delivered at its current due time, and every
    /// open alert not yet told of (early warnings, critical answers), as one notification, unless
    /// quiet hours hold it; returns it and the next instant worth waking for.
    /// `running_since` is when the calling scheduler started (check-ins due before it are marked as
    /// missed while Arcwell was not running).
    pub fn deliver(self, now: DateTime<Utc>, running_since: DateTime<Utc>) -> Result<Delivery> {
        self.practice.write(|tx| deliver(tx, now, running_since))
    }

    /// Records whether the OS showed a notification.
    pub fn record_outcome(self, id: Uuid, outcome: OsOutcome) -> Result<()> {
        self.practice.write(|tx| {
            tx.execute(
                "UPDATE notification SET os_outcome = ?2 WHERE id = ?1",
                params![id.to_string(), outcome.as_str()],
            )?;
            audit::record(tx, Action::Update, &Subject::Notification, Some(outcome.as_str()))
        })
    }

    /// The newest `limit` notifications, newest first, each with its check-ins as they stand now.
    pub fn notifications(self, limit: u32) -> Result<Vec<NotificationEntry>> {
        self.practice.read(|conn| {
            let zone = profile::load(conn)?.timezone;
            let mut list = conn.prepare_cached(
                "SELECT id, created_at, title, body, os_outcome, read_at IS NOT NULL FROM notification
                 ORDER BY created_at DESC, rowid DESC LIMIT ?1",
            )?;
            let mut items = conn.prepare_cached(
                "SELECT n.checkin_id, c.arc_id, a.participant_id, p.name, c.purpose, n.due_at, c.due_tz, n.late,
                        c.status = 'due' AND c.due_at = n.due_at
                 FROM checkin_notice n JOIN checkin c ON c.id = n.checkin_id JOIN arc a ON a.id = c.arc_id
                 JOIN participant p ON p.id = a.participant_id
                 WHERE n.notification_id = ?1 ORDER BY n.due_at, p.name",
            )?;
            let heads = list
                .query_map([limit], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, OsOutcome>(4)?,
                        r.get::<_, bool>(5)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let mut out = Vec::with_capacity(heads.len());
            for (id, created, title, body, os_outcome, read) in heads {
                let entries = items
                    .query_map([&id], |r| {
                        let late: Option<String> = r.get(7)?;
                        Ok(NoticeItem {
                            checkin_id: id_from_db(&r.get::<_, String>(0)?)?,
                            arc_id: id_from_db(&r.get::<_, String>(1)?)?,
                            participant_id: id_from_db(&r.get::<_, String>(2)?)?,
                            participant_name: r.get(3)?,
                            purpose: r.get(4)?,
                            due: ZonedTime::from_db(&r.get::<_, String>(5)?, &r.get::<_, String>(6)?)?,
                            late: late.as_deref().and_then(Lateness::parse),
                            still_due: r.get(8)?,
                        })
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                out.push(NotificationEntry {
                    id: id_from_db(&id)?,
                    created: ZonedTime::from_db(&created, &zone)?,
                    title,
                    body,
                    os_outcome,
                    read,
                    items: entries,
                });
            }
            Ok(out)
        })
    }

    /// How many notifications are unread.
    pub fn unread(self) -> Result<u32> {
        self.practice.read(|conn| {
            Ok(conn.query_row("SELECT count(*) FROM notification WHERE read_at IS NULL", [], |r| r.get(0))?)
        })
    }

    /// Marks every notification read; returns how many were unread.
    pub fn mark_read(self, now: DateTime<Utc>) -> Result<u32> {
        self.practice.write(|tx| {
            let n = tx.execute("UPDATE notification SET read_at = ?1 WHERE read_at IS NULL", [to_db(now)])?;
            if n > 0 {
                audit::record(tx, Action::Update, &Subject::Notification, Some(&format!("{n} read")))?;
            }
            Ok(u32::try_from(n).unwrap_or(u32::MAX))
        })
    }
}

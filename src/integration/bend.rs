//! Schedules that bend to the person: shift every check-in still due, pause and resume an arc's
//! follow-ups, switch its plan, add a series. Each is one transaction that writes a row of the
//! arc's schedule history (`schedule_change`), an audit entry, and for every check-in it moves a
//! `rescheduled` event with the old and new time. Nothing is deleted. Rules: ARCHITECTURE.md
//! "Schedules that bend".

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::arcs::day_from_db;
use super::checkin;
use super::plan;
use super::schedule::{Offset, due_at};
use super::status::local_day;
use crate::domain::arc;
use crate::domain::profile::{self, Profile};
use crate::domain::time::{ZonedTime, at_local, from_db, parse_date, to_db};
use crate::domain::{MAX_TEXT_CHARS, id_from_db, optional_text, required_line};
use crate::error::{AreaError, ErrorCode};
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

/// What kind of change was made to an arc's schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum ChangeKind {
    Shift,
    Pause,
    Resume,
    SwitchPlan,
    AddSeries,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Shift => "shift",
            ChangeKind::Pause => "pause",
            ChangeKind::Resume => "resume",
            ChangeKind::SwitchPlan => "switch_plan",
            ChangeKind::AddSeries => "add_series",
        }
    }
}

impl rusqlite::types::FromSql for ChangeKind {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        match v.as_str()? {
            "shift" => Ok(ChangeKind::Shift),
            "pause" => Ok(ChangeKind::Pause),
            "resume" => Ok(ChangeKind::Resume),
            "switch_plan" => Ok(ChangeKind::SwitchPlan),
            "add_series" => Ok(ChangeKind::AddSeries),
            other => Err(rusqlite::types::FromSqlError::Other(format!("unknown schedule change {other:?}").into())),
        }
    }
}

/// One change to an arc's schedule, as its history lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ScheduleChange {
    pub kind: ChangeKind,
    pub at: ZonedTime,
    /// What was done, in words: "Moved 4 check-ins still due 7 days later".
    pub detail: String,
    pub reason: Option<String>,
    /// How many check-ins it moved, queued, skipped or added.
    pub moved: u32,
}

/// An arc's pause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ArcPause {
    pub since: ZonedTime,
    /// The last local day paused (`YYYY-MM-DD`); `null` until resumed.
    pub until: Option<String>,
    pub reason: Option<String>,
    /// Whether it holds today (a pause past its last day no longer does).
    pub holds: bool,
}

/// A series of check-ins added to an arc: `count` of them, one every `every`, from a local day.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct AddSeries {
    #[ts(type = "string")]
    pub arc_id: Uuid,
    /// The first one's local day, `YYYY-MM-DD`; it falls at the preferred check-in time.
    pub from: String,
    /// The spacing: `1w`, `3d`, `2 weeks`, `1m`.
    pub every: String,
    pub count: u32,
    /// Each is named "<purpose> (k of n)".
    pub purpose: String,
    #[serde(default)]
    pub prompts: Vec<String>,
    #[serde(default)]
    #[ts(optional)]
    pub reason: Option<String>,
}

/// How to resume a paused arc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum Resume {
    /// Move every check-in still due by the whole days paused (none to before today).
    ReSpace,
    /// Leave every date as it is.
    KeepDates,
}

/// What the schedule rules refuse.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("cannot {doing}: the arc is closed")]
    ArcClosed { doing: &'static str },
    #[error("this arc's follow-ups are already paused (since {since}); resume them first")]
    AlreadyPaused { since: String },
    #[error("this arc's follow-ups are not paused")]
    NotPaused,
    #[error("this arc has no check-in still due; there is nothing to {doing}")]
    NothingDue { doing: &'static str },
    #[error("moving {days} days would put a check-in at {local}, which has passed; move them less")]
    IntoThePast { days: i64, local: String },
    #[error("this arc already follows the plan {name}")]
    SamePlan { name: String },
}

impl AreaError for ScheduleError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Conflict
    }
}

/// The instant `days` local calendar days after `t`, at the same local time (DST-correct: a time
/// in a gap moves to the first instant after it, one in a fold takes its first occurrence).
pub fn shift_local(t: DateTime<Utc>, days: i64, zone: Tz) -> Result<DateTime<Utc>> {
    let local = t.with_timezone(&zone).naive_local();
    let moved = local
        .checked_add_signed(Duration::days(days))
        .ok_or_else(|| Error::invalid("that would move a check-in outside the calendar; move it less"))?;
    Ok(at_local(zone, moved))
}

/// The arc, refused when it is closed.
fn open_arc(conn: &Connection, id: Uuid, doing: &'static str) -> Result<arc::Arc> {
    let a = arc::get(conn, id)?;
    if a.phase.is_closed() {
        return Err(ScheduleError::ArcClosed { doing }.into());
    }
    Ok(a)
}

/// The arc's check-ins still due: id and due time, soonest first.
fn still_due(conn: &Connection, arc: Uuid) -> Result<Vec<(Uuid, DateTime<Utc>)>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, due_at FROM checkin WHERE arc_id = ?1 AND status = 'due' ORDER BY due_at, id")?;
    let rows = stmt
        .query_map([arc.to_string()], |r| {
            Ok((id_from_db(&r.get::<_, String>(0)?)?, from_db(&r.get::<_, String>(1)?)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

struct Change<'a> {
    kind: ChangeKind,
    detail: String,
    reason: Option<&'a str>,
    moved: u32,
}

/// Writes the history row and the audit entry of a change.
fn keep(
    conn: &Transaction<'_>,
    arc: Uuid,
    change: Change<'_>,
    profile: &Profile,
    now: DateTime<Utc>,
) -> Result<ScheduleChange> {
    conn.execute(
        "INSERT INTO schedule_change (arc_id, seq, kind, at, tz, detail, reason, moved)
         VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM schedule_change WHERE arc_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            arc.to_string(),
            change.kind.as_str(),
            to_db(now),
            profile.timezone,
            change.detail,
            change.reason,
            change.moved
        ],
    )?;
    audit::record(conn, Action::Update, &Subject::Arc(arc), Some(&format!("schedule {}", change.kind.as_str())))?;
    Ok(ScheduleChange {
        kind: change.kind,
        at: ZonedTime::new(now, &profile.timezone),
        detail: change.detail,
        reason: change.reason.map(str::to_owned),
        moved: change.moved,
    })
}

fn plural(n: u32, one: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") }
}

fn days_words(days: i64) -> String {
    let n = days.unsigned_abs();
    let d = if n == 1 { "1 day".to_owned() } else { format!("{n} days") };
    if days < 0 { format!("{d} earlier") } else { format!("{d} later") }
}

fn reason_of(reason: Option<&str>) -> Result<Option<String>> {
    optional_text("the reason", reason)
}

/// Moves every check-in still due `days` local days; refuses one that would land before `now`.
pub(crate) fn shift(
    conn: &Transaction<'_>,
    arc_id: Uuid,
    days: i64,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ScheduleChange> {
    if days == 0 || days.abs() > 365 {
        return Err(Error::invalid(format!(
            "move the check-ins between 1 and 365 days, later or earlier (got {days})"
        )));
    }
    open_arc(conn, arc_id, "move its check-ins")?;
    let profile = profile::load(conn)?;
    let zone = profile.zone()?;
    let reason = reason_of(reason)?;
    let due = still_due(conn, arc_id)?;
    if due.is_empty() {
        return Err(ScheduleError::NothingDue { doing: "move" }.into());
    }
    let why = match &reason {
        Some(r) => format!("Every check-in still due moved {}: {r}", days_words(days)),
        None => format!("Every check-in still due moved {}", days_words(days)),
    };
    for (id, old) in &due {
        let new = shift_local(*old, days, zone)?;
        if new < now {
            return Err(ScheduleError::IntoThePast { days, local: ZonedTime::new(new, &profile.timezone).local }.into());
        }
        checkin::move_due(conn, *id, *old, new, &profile.timezone, &why, now)?;
    }
    let moved = due.len() as u32;
    let detail = format!("Moved {} still due {}", plural(moved, "check-in"), days_words(days));
    keep(conn, arc_id, Change { kind: ChangeKind::Shift, detail, reason: reason.as_deref(), moved }, &profile, now)
}

/// The arc's pause, if it has one.
pub(crate) fn pause_of(
    conn: &Connection,
    arc: Uuid,
    profile: &Profile,
    now: DateTime<Utc>,
) -> Result<Option<ArcPause>> {
    let row: Option<(String, Option<String>, Option<String>)> = conn
        .query_row("SELECT since, until, reason FROM arc_pause WHERE arc_id = ?1", [arc.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((since, until, reason)) = row else { return Ok(None) };
    let today = local_day(now, profile.zone()?);
    let holds = until.as_deref().map(day_from_db).transpose()?.is_none_or(|last| today <= last);
    Ok(Some(ArcPause { since: ZonedTime::from_db(&since, &profile.timezone)?, until, reason, holds }))
}

/// Pauses an arc's follow-ups until `until` (its last local day) or until resumed.
pub(crate) fn pause(
    conn: &Transaction<'_>,
    arc_id: Uuid,
    until: Option<&str>,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ScheduleChange> {
    open_arc(conn, arc_id, "pause its follow-ups")?;
    let profile = profile::load(conn)?;
    let today = local_day(now, profile.zone()?);
    if let Some(p) = pause_of(conn, arc_id, &profile, now)? {
        if p.holds {
            return Err(ScheduleError::AlreadyPaused { since: p.since.local }.into());
        }
        // A pause past its last day is over; a new one replaces it.
        conn.execute("DELETE FROM arc_pause WHERE arc_id = ?1", [arc_id.to_string()])?;
    }
    let until = match until.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => {
            let day = parse_date(s)?;
            if day < today {
                return Err(Error::invalid(format!(
                    "{day} has passed; pause until today or a later day, or until resumed"
                )));
            }
            Some(day)
        }
        None => None,
    };
    let reason = reason_of(reason)?;
    conn.execute(
        "INSERT INTO arc_pause (arc_id, since, until, reason) VALUES (?1, ?2, ?3, ?4)",
        params![arc_id.to_string(), to_db(now), until.map(|d| d.to_string()), reason],
    )?;
    let waiting = still_due(conn, arc_id)?.len() as u32;
    let detail = match until {
        Some(d) => format!("Paused follow-ups through {d} ({} waiting)", plural(waiting, "check-in")),
        None => format!("Paused follow-ups until resumed ({} waiting)", plural(waiting, "check-in")),
    };
    keep(conn, arc_id, Change { kind: ChangeKind::Pause, detail, reason: reason.as_deref(), moved: 0 }, &profile, now)
}

/// Resumes a paused arc: keeping the dates, or re-spacing what is left by the days paused.
pub(crate) fn resume(conn: &Transaction<'_>, arc_id: Uuid, how: Resume, now: DateTime<Utc>) -> Result<ScheduleChange> {
    open_arc(conn, arc_id, "resume its follow-ups")?;
    let profile = profile::load(conn)?;
    let zone = profile.zone()?;
    let Some(p) = pause_of(conn, arc_id, &profile, now)? else {
        return Err(ScheduleError::NotPaused.into());
    };
    conn.execute("DELETE FROM arc_pause WHERE arc_id = ?1", [arc_id.to_string()])?;
    let today = local_day(now, zone);
    let due = still_due(conn, arc_id)?;
    let (moved, detail) = match how {
        Resume::KeepDates => {
            (0, format!("Resumed follow-ups; kept the dates of {}", plural(due.len() as u32, "check-in")))
        }
        Resume::ReSpace => {
            // The pause ran from its first day to today, or to the day after its last if that came first.
            let ended = p
                .until
                .as_deref()
                .map(day_from_db)
                .transpose()?
                .and_then(|d| d.succ_opt())
                .map_or(today, |d| d.min(today));
            let days = (ended - local_day(p.since.utc, zone)).num_days().max(0);
            let floor = next_checkin_time(&profile, now)?;
            let why = format!("Re-spaced after a pause of {}", plural(days as u32, "day"));
            let mut moved = 0;
            for (id, old) in &due {
                let shifted = shift_local(*old, days, zone)?;
                let new = if shifted < now { floor } else { shifted };
                if new != *old {
                    checkin::move_due(conn, *id, *old, new, &profile.timezone, &why, now)?;
                    moved += 1;
                }
            }
            (
                moved,
                format!(
                    "Resumed follow-ups; re-spaced {} by the {} paused",
                    plural(moved, "check-in"),
                    plural(days as u32, "day")
                ),
            )
        }
    };
    keep(conn, arc_id, Change { kind: ChangeKind::Resume, detail, reason: None, moved }, &profile, now)
}

/// The first preferred check-in time at or after `now`: today's, or tomorrow's once it has passed.
fn next_checkin_time(profile: &Profile, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let (zone, time) = (profile.zone()?, profile.checkin_time_of_day()?);
    let today = local_day(now, zone);
    let at = at_local(zone, today.and_time(time));
    if at >= now {
        return Ok(at);
    }
    let tomorrow = today.succ_opt().unwrap_or(today);
    Ok(at_local(zone, tomorrow.and_time(time)))
}

/// Switches the arc to `plan` (`None`: the default): the plan-step check-ins still due in its latest
/// series are skipped, and the new plan's steps still ahead are queued in that series from its anchor.
pub(crate) fn switch_plan(
    conn: &Transaction<'_>,
    arc_id: Uuid,
    to: Option<Uuid>,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ScheduleChange> {
    open_arc(conn, arc_id, "switch its plan")?;
    let profile = profile::load(conn)?;
    let before = plan::for_arc(conn, arc_id)?;
    let after = match to {
        Some(p) => plan::get(conn, p)?,
        None => plan::get(conn, plan::default_id(conn)?)?,
    };
    if after.id == before.id {
        return Err(ScheduleError::SamePlan { name: after.name }.into());
    }
    let reason = reason_of(reason)?;
    conn.execute("UPDATE arc SET plan_id = ?2 WHERE id = ?1", params![arc_id.to_string(), to.map(|p| p.to_string())])?;
    let latest: Option<(u32, String)> = conn
        .query_row(
            "SELECT series, anchor_at FROM checkin WHERE arc_id = ?1 AND anchor_at IS NOT NULL
             ORDER BY series DESC, due_at DESC LIMIT 1",
            [arc_id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let detail_base = format!("Switched from the plan {} to {}", before.name, after.name);
    let Some((series, anchor)) = latest else {
        let detail = format!("{detail_base}; it is queued when the dosing session is completed");
        return keep(
            conn,
            arc_id,
            Change { kind: ChangeKind::SwitchPlan, detail, reason: reason.as_deref(), moved: 0 },
            &profile,
            now,
        );
    };
    let why = format!("Plan switched to {}", after.name);
    let skip: Vec<String> = {
        let mut stmt = conn.prepare_cached(
            "SELECT id FROM checkin WHERE arc_id = ?1 AND series = ?2 AND status = 'due' AND step IS NOT NULL",
        )?;
        stmt.query_map(params![arc_id.to_string(), series], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?
    };
    for id in &skip {
        checkin::skip_with(conn, id_from_db(id)?, &why, now)?;
    }
    let (queued, past) =
        checkin::queue_ahead(conn, arc_id, &after, from_db(&anchor)?, series, &profile, now, Some(now))?;
    let skipped = skip.len() as u32;
    let mut detail = format!(
        "{detail_base}: skipped {} still due, queued {} still ahead",
        plural(skipped, "check-in"),
        plural(queued, "step")
    );
    if past > 0 {
        detail.push_str(&format!(", left out {} already past", plural(past, "step")));
    }
    let moved = skipped + queued;
    keep(conn, arc_id, Change { kind: ChangeKind::SwitchPlan, detail, reason: reason.as_deref(), moved }, &profile, now)
}

/// Adds a series of ad-hoc check-ins to an arc.
pub(crate) fn add_series(conn: &Transaction<'_>, input: &AddSeries, now: DateTime<Utc>) -> Result<ScheduleChange> {
    open_arc(conn, input.arc_id, "add check-ins")?;
    let profile = profile::load(conn)?;
    let (zone, time) = (profile.zone()?, profile.checkin_time_of_day()?);
    if !(1..=52).contains(&input.count) {
        return Err(Error::invalid(format!("a series holds 1 to 52 check-ins (got {})", input.count)));
    }
    let every = Offset::parse(&input.every)?;
    let from: NaiveDate = parse_date(&input.from)?;
    if from < local_day(now, zone) {
        return Err(Error::invalid(format!("{from} has passed; start the series today or later")));
    }
    let purpose = required_line("the series' purpose", &input.purpose)?;
    let prompts: Vec<String> = input.prompts.iter().map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect();
    if prompts.iter().map(|p| p.len()).sum::<usize>() > MAX_TEXT_CHARS {
        return Err(Error::invalid("the prompts are too long; keep them to a few questions"));
    }
    let reason = reason_of(input.reason.as_deref())?;
    let first = at_local(zone, from.and_time(time));
    let series: u32 = conn.query_row(
        "SELECT COALESCE(MAX(series), 1) FROM checkin WHERE arc_id = ?1",
        [input.arc_id.to_string()],
        |r| r.get(0),
    )?;
    for k in 0..input.count {
        let due = match k {
            0 => first,
            _ => {
                let amount = every.amount.checked_mul(k).ok_or_else(|| Error::invalid("that series runs too long"))?;
                due_at(first, Offset::new(amount, every.unit)?, zone, time)?
            }
        };
        let name = format!("{purpose} ({} of {})", k + 1, input.count);
        checkin::insert_ad_hoc(
            conn,
            input.arc_id,
            series,
            &name,
            &prompts,
            &ZonedTime::new(due, &profile.timezone),
            now,
        )?;
    }
    let detail = format!("Added {} every {} from {from}: {purpose}", plural(input.count, "check-in"), every.label());
    let change = Change { kind: ChangeKind::AddSeries, detail, reason: reason.as_deref(), moved: input.count };
    keep(conn, input.arc_id, change, &profile, now)
}

/// The arc's schedule history, oldest first.
pub(crate) fn history(conn: &Connection, arc: Uuid) -> Result<Vec<ScheduleChange>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, at, tz, detail, reason, moved FROM schedule_change WHERE arc_id = ?1 ORDER BY seq",
    )?;
    let rows = stmt
        .query_map([arc.to_string()], |r| {
            Ok(ScheduleChange {
                kind: r.get(0)?,
                at: ZonedTime::from_db(&r.get::<_, String>(1)?, &r.get::<_, String>(2)?)?,
                detail: r.get(3)?,
                reason: r.get(4)?,
                moved: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Where each moved check-in of an arc was first due: the time it was queued or added for, for
/// the check-ins whose due time has changed since.
pub(crate) fn first_due(conn: &Connection, arc: Uuid, zone: &str) -> Result<Vec<(Uuid, ZonedTime)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, e.new_due_at FROM checkin c JOIN checkin_event e ON e.checkin_id = c.id AND e.seq = 1
         WHERE c.arc_id = ?1 AND e.new_due_at IS NOT NULL AND e.new_due_at <> c.due_at ORDER BY c.due_at",
    )?;
    let rows = stmt
        .query_map([arc.to_string()], |r| {
            Ok((id_from_db(&r.get::<_, String>(0)?)?, ZonedTime::from_db(&r.get::<_, String>(1)?, zone)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Schedules that bend: shift, pause, resume, switch plan, add a series, and the history.
/// Borrowed from a practice by [`Practice::schedules`].
pub struct Schedules<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl Schedules<'_> {
    /// Moves every check-in still due on the arc `days` local days (negative: earlier).
    pub fn shift(self, arc: Uuid, days: i64, reason: Option<&str>, now: DateTime<Utc>) -> Result<ScheduleChange> {
        self.practice.write(|tx| shift(tx, arc, days, reason, now))
    }

    /// Pauses the arc's follow-ups through `until` (a local day), or until resumed.
    pub fn pause(
        self,
        arc: Uuid,
        until: Option<&str>,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<ScheduleChange> {
        self.practice.write(|tx| pause(tx, arc, until, reason, now))
    }

    pub fn resume(self, arc: Uuid, how: Resume, now: DateTime<Utc>) -> Result<ScheduleChange> {
        self.practice.write(|tx| resume(tx, arc, how, now))
    }

    /// Switches the arc to another plan (`None`: the default), re-queuing what is still due.
    pub fn switch_plan(
        self,
        arc: Uuid,
        plan: Option<Uuid>,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<ScheduleChange> {
        self.practice.write(|tx| switch_plan(tx, arc, plan, reason, now))
    }

    pub fn add_series(self, input: &AddSeries, now: DateTime<Utc>) -> Result<ScheduleChange> {
        self.practice.write(|tx| add_series(tx, input, now))
    }

    /// The arc's pause, if it has one, and whether it holds at `now`.
    pub fn pause_of(self, arc: Uuid, now: DateTime<Utc>) -> Result<Option<ArcPause>> {
        self.practice.read(|conn| {
            arc::get(conn, arc)?;
            pause_of(conn, arc, &profile::load(conn)?, now)
        })
    }

    /// Every change to the arc's schedule, oldest first.
    pub fn history(self, arc: Uuid) -> Result<Vec<ScheduleChange>> {
        self.practice.read(|conn| {
            arc::get(conn, arc)?;
            history(conn, arc)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn shifting_keeps_the_local_time_across_dst() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let la: Tz = "America/Los_Angeles".parse().unwrap();
        // 10:00 in Berlin on Friday 2026-03-27 (UTC+1); a week later it is summer time (UTC+2).
        assert_eq!(shift_local(t("2026-03-27T09:00:00Z"), 7, berlin).unwrap(), t("2026-04-03T08:00:00Z"));
        // and back across the autumn change
        assert_eq!(shift_local(t("2026-10-30T09:00:00Z"), 2, berlin).unwrap(), t("2026-11-01T09:00:00Z"));
        // earlier, across spring-forward in Los Angeles (2026-03-08)
        assert_eq!(shift_local(t("2026-03-10T17:00:00Z"), -3, la).unwrap(), t("2026-03-07T18:00:00Z"));
        // 02:30 on the spring-forward day does not exist: the first instant after the gap
        assert_eq!(shift_local(t("2026-03-07T10:30:00Z"), 1, la).unwrap(), t("2026-03-08T10:00:00Z"));
        // 01:30 on the fall-back day happens twice: the first
        assert_eq!(shift_local(t("2026-10-31T08:30:00Z"), 1, la).unwrap(), t("2026-11-01T08:30:00Z"));
    }

    #[test]
    fn words() {
        assert_eq!(days_words(1), "1 day later");
        assert_eq!(days_words(-3), "3 days earlier");
        assert_eq!(plural(1, "check-in"), "1 check-in");
        assert_eq!(plural(0, "check-in"), "0 check-ins");
    }
}

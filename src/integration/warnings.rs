//! Early warnings: a participant worsening or drifting, seen in the arc's own record before it
//! becomes a stalled arc. Each is an alert of severity `warning` that names the rule that raised it;
//! the rules and their keys are listed in ARCHITECTURE.md ("Early warnings").
//!
//! They read the arcs in integration only, each rule with one query along an index kept for it
//! (`schema/0014_warnings_and_plan_versions.sql`), in the transaction the rest of the alerts read in.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;
use uuid::Uuid;

use super::arcs::ArcRow;
use super::status::{Derived, IntegrationStatus, end_of_day, local_day};
use super::timelines::in_days;
use crate::Result;
use crate::domain::id_from_db;
use crate::domain::time::{from_db, to_db};
use crate::measures::response::baseline_of;
use crate::stats::round;

/// A signed note's wellbeing this many steps below the previous one's is a warning.
pub const WELLBEING_FALL: f64 = 2.0;
/// The first contact this long after the first check-in was due puts an arc at risk.
const FIRST_CONTACT_GRACE: Duration = Duration::days(1);
/// Growing lateness: each contact at least this many days later after its due time than the one before …
const DRIFT_STEP_DAYS: f64 = 0.5;
/// … and the last at least this late.
const DRIFT_LAST_DAYS: f64 = 1.0;

/// Which rule an early warning comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningKind {
    Deterioration,
    WellbeingFalling,
    MilestoneLapsed,
    MilestonePastTarget,
    AtRiskOfStalling,
}

/// An early warning about an arc; the alerts give it its participant and state.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Warning {
    pub key: String,
    pub kind: WarningKind,
    pub arc_id: Uuid,
    pub reason: String,
    pub rule: String,
    pub since: DateTime<Utc>,
}

/// Every early warning at `now` about the arcs in integration (`derived`).
pub(crate) fn found(
    conn: &Connection,
    derived: &[(&ArcRow, Derived)],
    zone: Tz,
    now: DateTime<Utc>,
) -> Result<Vec<Warning>> {
    let arcs: HashMap<Uuid, (&ArcRow, &Derived)> = derived.iter().map(|(r, d)| (r.arc_id, (*r, d))).collect();
    let mut out = Vec::new();
    deterioration(conn, &arcs, zone, &mut out)?;
    wellbeing(conn, &arcs, zone, &mut out)?;
    milestones(conn, &arcs, zone, now, &mut out)?;
    stalling(conn, &arcs, zone, &mut out)?;
    Ok(out)
}

type Arcs<'a> = HashMap<Uuid, (&'a ArcRow, &'a Derived)>;

fn warning(
    row: &ArcRow,
    key: String,
    kind: WarningKind,
    reason: String,
    rule: String,
    since: DateTime<Utc>,
) -> Warning {
    Warning { key, kind, arc_id: row.arc_id, reason, rule, since }
}

/// "6", "2.5": a score or a number of days as it reads in a sentence.
fn figure(x: f64) -> String {
    format!("{}", round(x, 1))
}

struct Score {
    id: String,
    is_baseline: bool,
    at: DateTime<Utc>,
    total: f64,
}

/// `worse:<response>`: the latest counted score worse than the baseline by the meaningful change.
fn deterioration(conn: &Connection, arcs: &Arcs<'_>, zone: Tz, out: &mut Vec<Warning>) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.arc_id, r.measure, r.id, r.timepoint = 'baseline', r.administered_at, r.total
         FROM arc a JOIN measure_response r ON r.arc_id = a.id
         WHERE a.phase = 'integration' AND r.withdrawn_at IS NULL AND r.total IS NOT NULL
         ORDER BY r.arc_id, r.measure, r.administered_at, r.id",
    )?;
    let mut rows = stmt.query([])?;
    let mut group: Option<(String, String)> = None;
    let mut scores: Vec<Score> = Vec::new();
    let check = |arc: &str, measure: &str, scores: &[Score], out: &mut Vec<Warning>| -> Result<()> {
        let Ok(m) = crate::measures::measure(measure) else { return Ok(()) };
        let Some(points) = m.change.meaningful_points else { return Ok(()) };
        let Some(&(row, _)) = arcs.get(&id_from_db(arc)?) else { return Ok(()) };
        let Some(base) = baseline_of(scores, |s| s.is_baseline) else { return Ok(()) };
        let Some(latest) = scores.last().filter(|l| l.at > base.at) else { return Ok(()) };
        if !m.change.meaningfully_worse(base.total, latest.total) {
            return Ok(());
        }
        let by = -m.change.better_by(base.total, latest.total);
        let reason = format!(
            "{} {} on {}, {} points worse than the baseline of {} on {}",
            m.name,
            figure(latest.total),
            local_day(latest.at, zone),
            figure(by),
            figure(base.total),
            local_day(base.at, zone)
        );
        let source = m.change.meaningful_cite.as_deref().unwrap_or("the measure's own definition");
        let rule = format!(
            "A score worse than baseline by the measure's meaningful change: {} {points} points ({source})",
            m.name
        );
        out.push(warning(row, format!("worse:{}", latest.id), WarningKind::Deterioration, reason, rule, latest.at));
        Ok(())
    };
    while let Some(r) = rows.next()? {
        let (arc, measure): (String, String) = (r.get(0)?, r.get(1)?);
        if group.as_ref().is_none_or(|(a, m)| *a != arc || *m != measure) {
            if let Some((a, m)) = group.take() {
                check(&a, &m, &scores, out)?;
            }
            scores.clear();
            group = Some((arc, measure));
        }
        scores.push(Score {
            id: r.get(2)?,
            is_baseline: r.get(3)?,
            at: from_db(&r.get::<_, String>(4)?)?,
            total: r.get(5)?,
        });
    }
    if let Some((a, m)) = group {
        check(&a, &m, &scores, out)?;
    }
    Ok(())
}

/// `wellbeing:<document>`: a signed note's wellbeing two steps or more below the previous one's.
fn wellbeing(conn: &Connection, arcs: &Arcs<'_>, zone: Tz, out: &mut Vec<Warning>) -> Result<()> {
    // The answer as amended: the latest amendment that names it (`[7]`, or `[null]` when it was
    // cleared), else the answer signed.
    let mut stmt = conn.prepare_cached(
        "SELECT d.arc_id, d.id, d.created_at, json_extract(d.answers, '$.wellbeing'),
                (SELECT json_array(json_extract(e.changes, '$.wellbeing')) FROM document_event e
                 WHERE e.document_id = d.id AND e.kind = 'amended' AND json_type(e.changes, '$.wellbeing') IS NOT NULL
                 ORDER BY e.seq DESC LIMIT 1)
         FROM arc a JOIN document d ON d.arc_id = a.id
         WHERE a.phase = 'integration' AND d.state = 'signed' AND d.withdrawn_at IS NULL
         ORDER BY d.arc_id, d.created_at, d.id",
    )?;
    let mut rows: Vec<(String, String, String, f64)> = Vec::new();
    let mut read = stmt.query([])?;
    while let Some(r) = read.next()? {
        let signed: Option<f64> = r.get(3)?;
        let amended: Option<String> = r.get(4)?;
        let level = match amended {
            Some(a) => serde_json::from_str::<[Option<f64>; 1]>(&a).ok().and_then(|[v]| v),
            None => signed,
        };
        if let Some(level) = level {
            rows.push((r.get(0)?, r.get(1)?, r.get(2)?, level));
        }
    }
    for (i, (arc, id, at, level)) in rows.iter().enumerate() {
        let is_last = rows.get(i + 1).is_none_or(|next| next.0 != *arc);
        let Some(previous) = i.checked_sub(1).map(|p| &rows[p]).filter(|p| p.0 == *arc) else { continue };
        if !is_last || previous.3 - level < WELLBEING_FALL {
            continue;
        }
        let Some(&(row, _)) = arcs.get(&id_from_db(arc)?) else { continue };
        let (now_at, then_at) = (from_db(at)?, from_db(&previous.2)?);
        let reason = format!(
            "Wellbeing {} of 10 in the note of {}, down from {} on {}",
            figure(*level),
            local_day(now_at, zone),
            figure(previous.3),
            local_day(then_at, zone)
        );
        let rule =
            format!("A signed note's wellbeing at least {} steps below the previous note's", figure(WELLBEING_FALL));
        out.push(warning(row, format!("wellbeing:{id}"), WarningKind::WellbeingFalling, reason, rule, now_at));
    }
    Ok(())
}

/// `lapsed:<milestone>:<when>` and `late:<milestone>:<target date>`.
fn milestones(conn: &Connection, arcs: &Arcs<'_>, zone: Tz, now: DateTime<Utc>, out: &mut Vec<Warning>) -> Result<()> {
    let today = local_day(now, zone);
    let mut stmt = conn.prepare_cached(
        "SELECT m.arc_id, m.id, m.title, m.status, m.target_date,
                (SELECT max(e.at) FROM milestone_event e WHERE e.milestone_id = m.id)
         FROM arc a JOIN milestone m ON m.arc_id = a.id
         WHERE a.phase = 'integration'
           AND (m.status = 'lapsed' OR (m.status IN ('planned', 'in_progress') AND m.target_date < ?1))",
    )?;
    type Row = (String, String, String, String, Option<String>, String);
    let rows: Vec<Row> = stmt
        .query_map([today.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (arc, id, title, status, target, changed) in rows {
        let Some(&(row, _)) = arcs.get(&id_from_db(&arc)?) else { continue };
        if status == "lapsed" {
            let at = from_db(&changed)?;
            out.push(warning(
                row,
                format!("lapsed:{id}:{}", to_db(at)),
                WarningKind::MilestoneLapsed,
                format!("Milestone lapsed: {title}"),
                "A milestone set to lapsed".to_owned(),
                at,
            ));
        } else if let Some(day) = target.as_deref().and_then(|t| t.parse::<NaiveDate>().ok()) {
            let label = if status == "planned" { "planned" } else { "in progress" };
            out.push(warning(
                row,
                format!("late:{id}:{day}"),
                WarningKind::MilestonePastTarget,
                format!("Milestone past its target date of {day}, still {label}: {title}"),
                "A planned or in-progress milestone whose target date has passed".to_owned(),
                end_of_day(day, zone),
            ));
        }
    }
    Ok(())
}

#[derive(Debug, Clone)]
struct Resolved {
    id: String,
    due: DateTime<Utc>,
    skipped: bool,
    at: DateTime<Utc>,
}

impl Resolved {
    /// Days from due time to contact (negative: early).
    fn late_days(&self) -> f64 {
        (self.at - self.due).num_seconds() as f64 / 86_400.0
    }
}

/// At risk of stalling: a late first contact, two skips in a row, or lateness growing.
fn stalling(conn: &Connection, arcs: &Arcs<'_>, zone: Tz, out: &mut Vec<Warning>) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.arc_id, c.id, c.due_at, c.status = 'skipped', c.resolved_at
         FROM arc a JOIN checkin c ON c.arc_id = a.id
         WHERE a.phase = 'integration' AND c.status <> 'due'
         ORDER BY c.arc_id, c.due_at, c.id",
    )?;
    let mut by_arc: Vec<(String, Vec<Resolved>)> = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let arc: String = r.get(0)?;
        let item = Resolved {
            id: r.get(1)?,
            due: from_db(&r.get::<_, String>(2)?)?,
            skipped: r.get(3)?,
            at: from_db(&r.get::<_, String>(4)?)?,
        };
        match by_arc.last_mut() {
            Some((a, list)) if *a == arc => list.push(item),
            _ => by_arc.push((arc, vec![item])),
        }
    }
    for (arc, resolved) in by_arc {
        let Some(&(row, d)) = arcs.get(&id_from_db(&arc)?) else { continue };
        if matches!(d.status, IntegrationStatus::Stalled | IntegrationStatus::Paused) {
            continue;
        }
        if let Some(a) = at_risk(&resolved, row.facts.next_due, zone) {
            out.push(warning(row, a.0, WarningKind::AtRiskOfStalling, a.1, a.2, a.3));
        }
    }
    Ok(())
}

/// The first stalling rule that holds for an arc's resolved check-ins (in due order): its key,
/// reason, rule and since when.
fn at_risk(
    resolved: &[Resolved],
    next_due: Option<DateTime<Utc>>,
    zone: Tz,
) -> Option<(String, String, String, DateTime<Utc>)> {
    let day = |t: DateTime<Utc>| local_day(t, zone);
    if let [.., a, b] = resolved
        && a.skipped
        && b.skipped
    {
        return Some((
            format!("skips:{}", b.id),
            format!("The check-ins due {} and {} were both skipped", day(a.due), day(b.due)),
            "Two check-ins skipped in a row".to_owned(),
            b.at,
        ));
    }
    let contacts: Vec<&Resolved> = resolved.iter().filter(|r| !r.skipped).collect();
    if let [a, b, c] = contacts.as_slice()[contacts.len().saturating_sub(3)..] {
        let (la, lb, lc) = (a.late_days(), b.late_days(), c.late_days());
        if lb - la >= DRIFT_STEP_DAYS && lc - lb >= DRIFT_STEP_DAYS && lc >= DRIFT_LAST_DAYS {
            return Some((
                format!("drift:{}", c.id),
                format!("Days late at the last three contacts: {}, {}, then {}", figure(la), figure(lb), figure(lc)),
                format!(
                    "Gaps between contacts growing: each of the last three contacts at least {} day later after its due time than the one before, the last a day or more late",
                    figure(DRIFT_STEP_DAYS)
                ),
                c.at,
            ));
        }
    }
    // The first contact late, and none since.
    let first_due = resolved.iter().map(|r| r.due).chain(next_due).min()?;
    if let [only] = contacts.as_slice()
        && only.at - first_due > FIRST_CONTACT_GRACE
    {
        let late = (only.at - first_due).num_seconds() as f64 / 86_400.0;
        return Some((
            format!("first-contact:{}", only.id),
            format!(
                "The first contact came {} after the first check-in was due ({}), and none has followed",
                in_days(round(late, 1)),
                day(first_due)
            ),
            "The first contact more than a day after the plan's first check-in was due".to_owned(),
            only.at,
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn r(id: &str, due: &str, at: &str, skipped: bool) -> Resolved {
        Resolved { id: id.into(), due: t(due), skipped, at: t(at) }
    }

    #[test]
    fn two_skips_in_a_row_come_first_and_a_completion_ends_them() {
        let two = [
            r("a", "2026-11-01T10:00:00Z", "2026-11-01T11:00:00Z", false),
            r("b", "2026-11-03T10:00:00Z", "2026-11-03T12:00:00Z", true),
            r("c", "2026-11-08T10:00:00Z", "2026-11-09T12:00:00Z", true),
        ];
        let (key, reason, rule, _) = at_risk(&two, None, chrono_tz::UTC).unwrap();
        assert_eq!(key, "skips:c");
        assert_eq!(reason, "The check-ins due 2026-11-03 and 2026-11-08 were both skipped");
        assert_eq!(rule, "Two check-ins skipped in a row");
        let mut then_done = two.to_vec();
        then_done.push(r("d", "2026-11-15T10:00:00Z", "2026-11-15T10:30:00Z", false));
        assert_eq!(
            at_risk(&then_done, None, chrono_tz::UTC),
            None,
            "a skip, a skip, then a contact: no longer two in a row"
        );
    }

    #[test]
    fn lateness_growing_by_half_a_day_each_time_to_a_day_late_is_drift() {
        let drifting = [
            r("a", "2026-11-01T10:00:00Z", "2026-11-01T10:00:00Z", false),
            r("b", "2026-11-03T10:00:00Z", "2026-11-03T22:00:00Z", false),
            r("c", "2026-11-08T10:00:00Z", "2026-11-09T10:00:00Z", false),
        ];
        let (key, reason, ..) = at_risk(&drifting, None, chrono_tz::UTC).unwrap();
        assert_eq!(key, "drift:c");
        assert_eq!(reason, "Days late at the last three contacts: 0, 0.5, then 1");
        // Growing, but the last under a day late: not yet.
        let mild = [
            r("a", "2026-11-01T10:00:00Z", "2026-11-01T10:00:00Z", false),
            r("b", "2026-11-03T10:00:00Z", "2026-11-03T20:00:00Z", false),
            r("c", "2026-11-08T10:00:00Z", "2026-11-09T08:00:00Z", false),
        ];
        assert_eq!(at_risk(&mild, None, chrono_tz::UTC), None);
        // A day late each time is steady, not growing.
        let steady = [
            r("a", "2026-11-01T10:00:00Z", "2026-11-02T10:00:00Z", false),
            r("b", "2026-11-03T10:00:00Z", "2026-11-04T10:00:00Z", false),
            r("c", "2026-11-08T10:00:00Z", "2026-11-09T10:00:00Z", false),
        ];
        assert_eq!(at_risk(&steady, None, chrono_tz::UTC), None);
    }

    #[test]
    fn a_first_contact_over_a_day_late_warns_until_the_next_contact() {
        let late = [r("a", "2026-11-01T10:00:00Z", "2026-11-02T10:00:01Z", false)];
        let (key, reason, ..) = at_risk(&late, Some(t("2026-11-04T10:00:00Z")), chrono_tz::UTC).unwrap();
        assert_eq!(key, "first-contact:a");
        assert_eq!(
            reason,
            "The first contact came 1 day after the first check-in was due (2026-11-01), and none has followed"
        );
        let on_time = [r("a", "2026-11-01T10:00:00Z", "2026-11-02T10:00:00Z", false)];
        assert_eq!(at_risk(&on_time, None, chrono_tz::UTC), None, "exactly a day late is within the grace");
        // The first check-in skipped and the next done three days after the first was due.
        let skipped_first = [
            r("a", "2026-11-01T10:00:00Z", "2026-11-01T12:00:00Z", true),
            r("b", "2026-11-03T10:00:00Z", "2026-11-04T10:00:00Z", false),
        ];
        assert_eq!(at_risk(&skipped_first, None, chrono_tz::UTC).unwrap().0, "first-contact:b");
        // A still-due check-in rescheduled before the first resolved one is the first due.
        let moved_earlier = [r("b", "2026-11-03T10:00:00Z", "2026-11-03T11:00:00Z", false)];
        assert_eq!(
            at_risk(&moved_earlier, Some(t("2026-11-01T10:00:00Z")), chrono_tz::UTC).unwrap().0,
            "first-contact:b"
        );
        let followed = [
            r("a", "2026-11-01T10:00:00Z", "2026-11-03T10:00:00Z", false),
            r("b", "2026-11-03T10:00:00Z", "2026-11-03T11:00:00Z", false),
        ];
        assert_eq!(at_risk(&followed, None, chrono_tz::UTC), None, "a second contact ends it");
    }
}

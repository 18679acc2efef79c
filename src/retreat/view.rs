//! The retreat view — everyone at it, their phase and integration status, who has had no contact
//! since the retreat ended, the group's check-ins this week — and its two exports: the members'
//! upcoming check-ins as iCalendar, and a printable roster of only the columns ticked.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use maud::{DOCTYPE, html};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::{Retreat, Retreats, days, get, members};
use crate::Result;
use crate::domain::arc::{self, Phase};
use crate::domain::participant;
use crate::domain::profile;
use crate::domain::time::{ZonedTime, from_db, to_db};
use crate::export::{Exported, Privacy, WARNING, calendar, write_new};
use crate::integration::arcs::{Scope, load};
use crate::integration::checkin::{self, CheckIn};
use crate::integration::status::{IntegrationStatus, derive, end_of_day, local_day};
use crate::store::audit::{Action, Subject};

/// One member of a retreat as its view lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RetreatMember {
    #[ts(type = "string")]
    pub arc_id: Uuid,
    #[ts(type = "string")]
    pub participant_id: Uuid,
    pub participant_name: String,
    pub phase: Phase,
    /// `null` before integration.
    pub status: Option<IntegrationStatus>,
    /// The latest completed check-in or held integration session.
    pub last_contact: Option<ZonedTime>,
    /// Whether there has been such a contact since the retreat's last day ended.
    pub contacted_since: bool,
    pub next_due: Option<ZonedTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RetreatView {
    pub retreat: Retreat,
    pub members: Vec<RetreatMember>,
    /// Members in integration with no contact since the retreat ended (once it has).
    pub not_contacted: u32,
    /// The members' check-ins still due through the end of the seventh day from today, overdue
    /// ones included, soonest first.
    pub this_week: Vec<CheckIn>,
    /// The day (`YYYY-MM-DD`, the facilitator's zone) its dosing grid opens on: see `dosing_day`.
    pub dosing_day: String,
}

/// The columns a roster holds besides the name.
#[derive(Debug, Clone, Copy, Default, Deserialize, TS)]
#[ts(export)]
pub struct RosterColumns {
    #[serde(default)]
    pub pronouns: bool,
    #[serde(default)]
    pub contact: bool,
    #[serde(default)]
    pub emergency_contact: bool,
    #[serde(default)]
    pub phase: bool,
    /// The dose given, from the signed administration record.
    #[serde(default)]
    pub dose: bool,
}

pub(crate) fn read(conn: &Connection, id: Uuid, now: DateTime<Utc>) -> Result<RetreatView> {
    let retreat = get(conn, id)?;
    let profile = profile::load(conn)?;
    let zone = profile.zone()?;
    let tz = profile.timezone.as_str();
    let ended = end_of_day(days(&retreat)?.1, zone);
    let z = |t: Option<DateTime<Utc>>| t.map(|t| ZonedTime::new(t, tz));
    let mut list = Vec::new();
    let mut arcs = Vec::new();
    for (arc_id, participant_id, participant_name) in members(conn, id)? {
        let phase = arc::get(conn, arc_id)?.phase;
        let row = load(conn, Scope::Arc(arc_id))?.into_iter().next();
        let derived = row.as_ref().and_then(|r| derive(&r.facts, now, zone, profile.stall_days));
        let contact = row.as_ref().and_then(|r| r.facts.last_checkin_contact.max(r.facts.last_integration_session));
        list.push(RetreatMember {
            arc_id,
            participant_id,
            participant_name,
            phase,
            status: derived.map(|d| d.status),
            last_contact: z(contact),
            contacted_since: contact.is_some_and(|c| c >= ended),
            next_due: z(row.and_then(|r| r.facts.next_due)),
        });
        arcs.push(arc_id);
    }
    let not_contacted = if now >= ended {
        list.iter().filter(|m| m.phase == Phase::Integration && !m.contacted_since).count() as u32
    } else {
        0
    };
    let week_ends = end_of_day(local_day(now, zone) + Duration::days(7), zone);
    let mut this_week = Vec::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM {} WHERE c.arc_id = ?1 AND c.status = 'due' AND c.due_at < ?2 ORDER BY c.due_at",
        checkin::COLUMNS,
        checkin::FROM
    ))?;
    for a in arcs {
        for c in stmt.query_map([a.to_string(), to_db(week_ends)], checkin::from_row)? {
            this_week.push(c?);
        }
    }
    this_week.sort_by(|a, b| a.due.utc.cmp(&b.due.utc).then(a.participant_name.cmp(&b.participant_name)));
    let dosing_day = dosing_day(conn, &retreat, now, zone)?.to_string();
    Ok(RetreatView { retreat, members: list, not_contacted, this_week, dosing_day })
}

/// The local day a retreat's dosing grid opens on: that of its group dosing under way or last
/// begun, else of the next one scheduled, else today while the retreat lasts, else its first day.
/// (A dosing at 23:00 is still the one to record vitals for at 01:00.)
fn dosing_day(conn: &Connection, retreat: &Retreat, now: DateTime<Utc>, zone: chrono_tz::Tz) -> Result<NaiveDate> {
    const SESSIONS: &str = "FROM session WHERE retreat_id = ?1 AND kind = 'administration'
         AND status IN ('scheduled', 'completed')";
    let at = |sql: String| -> Result<Option<DateTime<Utc>>> {
        let t: Option<String> = conn.query_row(&sql, [retreat.id.to_string(), to_db(now)], |r| r.get(0))?;
        Ok(t.as_deref().map(from_db).transpose()?)
    };
    let begun = at(format!("SELECT max(scheduled_at) {SESSIONS} AND scheduled_at <= ?2"))?;
    let next = || at(format!("SELECT min(scheduled_at) {SESSIONS} AND scheduled_at > ?2"));
    let chosen = match begun {
        Some(t) => Some(t),
        None => next()?,
    };
    if let Some(t) = chosen {
        return Ok(local_day(t, zone));
    }
    let (first, last) = days(retreat)?;
    let today = local_day(now, zone);
    Ok(if (first..=last).contains(&today) { today } else { first })
}

fn roster_html(conn: &Connection, view: &RetreatView, columns: RosterColumns, now: DateTime<Utc>) -> Result<String> {
    let profile = profile::load(conn)?;
    let given = crate::documents::document::given_kept(conn)?;
    let mut rows = Vec::new();
    for m in &view.members {
        let p = participant::get(conn, m.participant_id)?;
        let dose = given.iter().find(|g| g.arc_id == m.arc_id).map(|g| {
            let mg = g.dose_mg.map(|d| format!("{d} mg")).unwrap_or_default();
            [g.substance.clone().unwrap_or_default(), mg]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        });
        rows.push((p, m.phase, dose));
    }
    let r = &view.retreat;
    let when = ZonedTime::new(now, &profile.timezone).local.replace('T', " ");
    let cell = |v: &Option<String>| v.clone().unwrap_or_default();
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                title { "Roster: " (r.name) }
                style { "body{font:11pt/1.4 'DejaVu Sans',sans-serif;margin:2rem}table{border-collapse:collapse;width:100%}\
                         th,td{border:1px solid #888;padding:.3rem .5rem;text-align:left}.warning{border:2px solid #8a1c1c;color:#8a1c1c;padding:.4rem .6rem}" }
            }
            body {
                h1 { "Roster: " (r.name) }
                p { (r.starts_on) " to " (r.ends_on) @if let Some(place) = &r.place { ", " (place) } ". " (view.members.len()) " participants; printed " (when) " by " (profile.name) "." }
                p.warning { (WARNING) }
                table {
                    thead { tr {
                        th { "Name" }
                        @if columns.pronouns { th { "Pronouns" } }
                        @if columns.contact { th { "Contact" } }
                        @if columns.emergency_contact { th { "Emergency contact" } }
                        @if columns.phase { th { "Phase" } }
                        @if columns.dose { th { "Dose given" } }
                    } }
                    tbody {
                        @for (p, phase, dose) in &rows {
                            tr {
                                td { (p.name) }
                                @if columns.pronouns { td { (cell(&p.pronouns)) } }
                                @if columns.contact { td { (cell(&p.contact)) } }
                                @if columns.emergency_contact { td { (cell(&p.emergency_contact)) } }
                                @if columns.phase { td { (phase.as_str().replace('_', " ")) } }
                                @if columns.dose { td { (cell(dose)) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page.into_string())
}

impl Retreats<'_> {
    /// The retreat view at `now`.
    pub fn view(self, id: Uuid, now: DateTime<Utc>) -> Result<RetreatView> {
        self.practice.read(|conn| read(conn, id, now))
    }

    /// Writes the members' check-ins still due, from today through `days` ahead, as an iCalendar
    /// file at `dest` (a new file; names only when `privacy` allows).
    pub fn export_calendar(
        self,
        id: Uuid,
        dest: &Path,
        days: u32,
        privacy: Privacy,
        now: DateTime<Utc>,
    ) -> Result<Exported> {
        let ours: Vec<Uuid> = self.practice.read(|conn| {
            get(conn, id)?;
            Ok(members(conn, id)?.into_iter().map(|(a, ..)| a).collect())
        })?;
        let checkins: Vec<CheckIn> = self
            .practice
            .exports()
            .upcoming_checkins(days, now)?
            .into_iter()
            .filter(|c| ours.contains(&c.arc_id))
            .collect();
        let text = calendar::render(&checkins, privacy, now);
        let written = write_new(dest, |w: &mut dyn Write| w.write_all(text.as_bytes()))?;
        let detail = if privacy.names { "retreat calendar with names" } else { "retreat calendar" };
        self.practice.record_event(Action::Export, &Subject::Retreat(id), Some(detail))?;
        Ok(Exported {
            files: vec![written.display().to_string()],
            rows: checkins.len() as u64,
            warning: WARNING.to_owned(),
        })
    }

    /// Writes a printable roster (HTML) with the names and only the columns ticked.
    pub fn export_roster(self, id: Uuid, dest: &Path, columns: RosterColumns, now: DateTime<Utc>) -> Result<Exported> {
        let (html, rows) = self.practice.read(|conn| {
            let view = read(conn, id, now)?;
            Ok((roster_html(conn, &view, columns, now)?, view.members.len()))
        })?;
        let written = write_new(dest, |w: &mut dyn Write| w.write_all(html.as_bytes()))?;
        self.practice.record_event(Action::Export, &Subject::Retreat(id), Some("retreat roster"))?;
        Ok(Exported { files: vec![written.display().to_string()], rows: rows as u64, warning: WARNING.to_owned() })
    }
}

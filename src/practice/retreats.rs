//! Ending a retreat's group dosing day: for each session of the day still scheduled, the same step
//! as completing one dosing session (its record signed, the session held, the plan queued, the arc
//! into integration), each in its own transaction. One that cannot go through is listed with why
//! and left open; the others go through.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;
use uuid::Uuid;

use super::sessions::complete_in;
use crate::documents::document;
use crate::domain::session::{CompleteSession, SessionStatus};
use crate::domain::time::{ZonedTime, from_db, parse_time, to_db};
use crate::retreat::LeftOut;
use crate::{Practice, Result};

/// Which day to end, and when the sessions that record no end of their own ended.
#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct EndDosingDay {
    #[ts(type = "string")]
    pub retreat_id: Uuid,
    /// The local day, `YYYY-MM-DD`.
    pub day: String,
    /// ISO 8601; now when absent. Used for a record without a session end.
    #[serde(default)]
    #[ts(optional)]
    pub ended: Option<String>,
}

/// A session that ending the day completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DayCompleted {
    #[ts(type = "string")]
    pub arc_id: Uuid,
    pub participant_name: String,
    /// The check-ins queued for it.
    pub checkins_queued: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct DayEnded {
    pub completed: Vec<DayCompleted>,
    /// Sessions left open, each with what stopped it.
    pub left_open: Vec<LeftOut>,
}

/// A stored instant as the facilitator would type it: local to their zone, so the session keeps
/// the zone's name; with its offset only where the local time is ambiguous (a DST fold).
fn as_typed(stored: &str, zone: &str) -> Result<String> {
    let utc = from_db(stored).map_err(|_| crate::Error::invalid(format!("{stored:?} is not a time")))?;
    let local = ZonedTime::new(utc, zone).local;
    match parse_time(&local, zone) {
        Ok(t) if t.utc == utc => Ok(local),
        _ => Ok(utc.to_rfc3339()),
    }
}

impl Practice {
    /// Ends a retreat's group dosing day: signs each record and completes each session still
    /// scheduled that day, queueing each arc's follow-ups. A record without a start takes its
    /// first dose's time; one without an end takes `ended`. Each session goes through or stays as
    /// it was, on its own.
    pub fn end_dosing_day(&mut self, input: &EndDosingDay, now: DateTime<Utc>) -> Result<DayEnded> {
        let zone = self.facilitator().profile()?.timezone;
        let ended = match input.ended.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => parse_time(s, &zone)?.utc,
            None => now,
        };
        let day = self.retreats().grid(input.retreat_id, &input.day, now)?;
        let mut out = DayEnded { completed: Vec::new(), left_open: Vec::new() };
        for row in day.rows.into_iter().filter(|r| r.session_status == SessionStatus::Scheduled) {
            let leave =
                |why: String| LeftOut { arc_id: row.arc_id, participant_name: row.participant_name.clone(), why };
            let Some(doc) = row.document_id else {
                out.left_open.push(leave("it has no administration record yet; open the dosing day first".into()));
                continue;
            };
            let done = self.write(|tx| {
                let (d, mut answers) = document::with_answers(tx, doc)?;
                let start = answers.get("session_start").and_then(Value::as_str).map(str::to_owned);
                let Some(start) = start.or_else(|| row.first_dose.as_ref().map(|t| to_db(t.utc))) else {
                    return Err(crate::Error::invalid("no dose and no session start are recorded"));
                };
                let end = answers.get("session_end").and_then(Value::as_str).map(str::to_owned).unwrap_or(to_db(ended));
                if d.state == document::DocState::Draft {
                    answers.insert("session_start".into(), Value::String(start.clone()));
                    answers.insert("session_end".into(), Value::String(end.clone()));
                    document::save_draft_in(tx, doc, &answers, now)?;
                }
                let complete = CompleteSession {
                    started: as_typed(&start, &zone)?,
                    ended: as_typed(&end, &zone)?,
                    follow_up: None,
                    document_id: Some(doc),
                };
                complete_in(tx, row.session_id, &complete, &zone, now)?;
                let queued: u32 = tx.query_row(
                    "SELECT count(*) FROM checkin WHERE arc_id = ?1 AND created_at = ?2",
                    [row.arc_id.to_string(), to_db(now)],
                    |r| r.get(0),
                )?;
                Ok(queued)
            });
            match done {
                Ok(checkins_queued) => out.completed.push(DayCompleted {
                    arc_id: row.arc_id,
                    participant_name: row.participant_name.clone(),
                    checkins_queued,
                }),
                Err(e) => out.left_open.push(leave(e.to_string())),
            }
        }
        Ok(out)
    }
}

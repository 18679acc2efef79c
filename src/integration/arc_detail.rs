//! An arc with everything that belongs to it, for its screen and its printable record: its phase
//! history and sessions, its plan, check-ins and milestones, and its integration status now.

use chrono::{DateTime, Utc};
use serde::Serialize;
use ts_rs::TS;
use uuid::Uuid;

use super::Integration;
use super::bend::{self, ArcPause, ScheduleChange};
use super::checkin::{self, CheckIn};
use super::dashboard::ArcSummary;
use super::milestone::{self, Milestone};
use super::plan;
use crate::Result;
use crate::domain::arc::{self, Arc, PhaseEvent};
use crate::domain::session::{self, Session};
use crate::domain::time::ZonedTime;
use crate::domain::{id_from_db, participant};

/// An arc with its participant's name, its history, sessions, check-ins and milestones.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ArcDetail {
    pub arc: Arc,
    pub participant_name: String,
    pub events: Vec<PhaseEvent>,
    pub sessions: Vec<Session>,
    /// The follow-up plan this arc uses (its own or the default).
    pub plan_name: String,
    /// The plan this arc chose; `null` when it follows the default.
    #[ts(type = "string | null")]
    pub plan_id: Option<Uuid>,
    pub checkins: Vec<CheckIn>,
    pub milestones: Vec<Milestone>,
    /// The facilitator's approach tags (somatic, IFS, mindfulness, …), for the practice analytics.
    pub approaches: Vec<String>,
    /// The derived integration status; `null` before integration.
    pub integration: Option<ArcSummary>,
    /// The pause of its follow-ups, when it has one.
    pub pause: Option<ArcPause>,
    /// Every change to its schedule as a whole (shift, pause, resume, switch plan, series), oldest first.
    pub schedule_changes: Vec<ScheduleChange>,
    /// Where each moved check-in was first due, for the check-ins whose time has changed.
    pub moved_from: Vec<MovedFrom>,
}

/// A check-in's first due time, where it has moved since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MovedFrom {
    #[ts(type = "string")]
    pub checkin_id: Uuid,
    pub first_due: ZonedTime,
}

impl Integration<'_> {
    /// An arc with everything that belongs to it, its integration status taken at `now`.
    pub fn arc(self, id: Uuid, now: DateTime<Utc>) -> Result<ArcDetail> {
        let integration = self.practice.integration().status(id, now)?;
        self.practice.read(|conn| {
            let arc = arc::get(conn, id)?;
            let profile = crate::domain::profile::load(conn)?;
            Ok(ArcDetail {
                participant_name: participant::get(conn, arc.participant_id)?.name,
                events: arc::events(conn, id)?,
                sessions: session::for_arc(conn, id)?,
                plan_name: plan::for_arc(conn, id)?.name,
                plan_id: conn
                    .query_row("SELECT plan_id FROM arc WHERE id = ?1", [id.to_string()], |r| {
                        r.get::<_, Option<String>>(0)
                    })?
                    .map(|p| id_from_db(&p))
                    .transpose()?,
                checkins: checkin::for_arc(conn, id)?,
                milestones: milestone::for_arc(conn, id)?,
                approaches: arc::approaches(conn, id)?,
                integration,
                pause: bend::pause_of(conn, id, &profile, now)?,
                schedule_changes: bend::history(conn, id)?,
                moved_from: bend::first_due(conn, id, &profile.timezone)?
                    .into_iter()
                    .map(|(checkin_id, first_due)| MovedFrom { checkin_id, first_due })
                    .collect(),
                arc,
            })
        })
    }
}

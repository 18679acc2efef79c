//! An arc across areas: opening one on a follow-up plan, and moving it (an arc that closes closes
//! its check-ins still due).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::arc::{self, AdvanceArc, Arc, OpenArc};
use crate::domain::participant;
use crate::integration::{checkin, plan};
use crate::store::audit::{self, Action, Subject};
use crate::{Practice, Result};

impl Practice {
    /// Opens a new arc in inquiry for an existing participant, on its plan when one is chosen.
    pub fn open_arc(&mut self, input: &OpenArc, now: DateTime<Utc>) -> Result<Arc> {
        let zone = self.facilitator().profile()?.timezone;
        self.write(|tx| {
            participant::get(tx, input.participant_id)?;
            if let Some(plan) = input.plan_id {
                plan::get(tx, plan)?;
            }
            let arc = arc::open(tx, input, now, &zone, Uuid::new_v4())?;
            audit::record(tx, Action::Create, &Subject::Arc(arc.id), None)?;
            Ok(arc)
        })
    }

    /// Moves an arc to another phase, recording the change (see [`arc::transition`] for the
    /// rules). An arc that closes closes its check-ins still due, each with why.
    pub fn advance_arc(&mut self, id: Uuid, change: &AdvanceArc, now: DateTime<Utc>) -> Result<Arc> {
        let zone = self.facilitator().profile()?.timezone;
        self.write(|tx| {
            let arc = arc::advance(tx, id, change, now, &zone)?;
            if change.to.is_closed() {
                let why = format!("Arc closed ({})", change.to.as_str().replace('_', " "));
                checkin::close_open(tx, id, &why, now)?;
            }
            audit::record(tx, Action::Update, &Subject::Arc(id), Some(&format!("phase {}", arc.phase.as_str())))?;
            Ok(arc)
        })
    }
}

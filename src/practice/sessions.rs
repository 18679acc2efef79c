//! Completing a session: for a dosing session, the screening flags must be acknowledged, its
//! record is signed, and the follow-up plan is queued, all in the one transaction that records it
//! as held.

use chrono::{DateTime, Utc};
use rusqlite::Transaction;
use uuid::Uuid;

use crate::documents::document::{self, Link};
use crate::domain::session::{self, CompleteSession, Session, SessionError, SessionKind};
use crate::integration::checkin;
use crate::store::audit::{self, Action, Subject};
use crate::{Practice, Result};

impl Practice {
    /// Records when a scheduled session really started and ended. A dosing session (an
    /// administration) is refused while a screening flag is unacknowledged; completing it signs
    /// its record (`document_id`), queues the arc's follow-up plan and moves the arc into
    /// integration. All of it happens, or none.
    pub fn complete_session(&mut self, id: Uuid, input: &CompleteSession, now: DateTime<Utc>) -> Result<Session> {
        let zone = self.facilitator().profile()?.timezone;
        self.write(|tx| complete_in(tx, id, input, &zone, now))
    }
}

/// Completing a session inside a transaction: the step [`Practice::complete_session`] takes, and
/// ending a retreat's dosing day takes once per session.
pub(crate) fn complete_in(
    tx: &Transaction<'_>,
    id: Uuid,
    input: &CompleteSession,
    zone: &str,
    now: DateTime<Utc>,
) -> Result<Session> {
    let pending = session::to_complete(tx, id)?;
    let dosing = pending.kind == SessionKind::Administration;
    if dosing {
        let open = document::open_flags(tx, pending.arc_id)?;
        if !open.is_empty() {
            return Err(SessionError::ScreeningFlagsOpen(open).into());
        }
    }
    let held = session::held_times(input, zone, now)?;
    if let Some(doc) = input.document_id {
        document::complete_with(tx, doc, Link::Session(id), now)?;
    }
    let done = session::complete(tx, id, &held)?;
    if dosing {
        // The heart of the work starts here: queue the follow-up timeline, move into integration.
        checkin::on_administration_completed(tx, done.arc_id, held.1.utc, input.follow_up, now)?;
    }
    audit::record(tx, Action::Update, &Subject::Session(id), Some("completed"))?;
    Ok(done)
}

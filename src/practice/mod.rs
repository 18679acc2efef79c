//! The top of the core: steps that span areas, so that no area reaches into another's internals.
//! Opening a practice is the store's unlock plus the reference data the documents area ships;
//! completing a dosing session is the session, its record and the integration engine together.
//! Everything here is short: it calls the areas' own operations in one transaction and in order.

mod arcs;
mod open;
pub mod retreats;
mod sessions;

pub use open::restore_into;

use crate::Practice;
use crate::backup::Backups;
use crate::documents::Templates;
use crate::documents::document::Documents;
use crate::domain::arc::Arcs;
use crate::domain::participant::Participants;
use crate::domain::profile::Facilitator;
use crate::domain::session::Sessions;
use crate::export::Exports;
use crate::integration::Integration;
use crate::integration::alerts::Alerts;
use crate::integration::bend::Schedules;
use crate::integration::checkin::CheckIns;
use crate::integration::milestone::Milestones;
use crate::integration::plan::Plans;
use crate::measures::response::Measures;
use crate::packet::Packets;
use crate::reminders::Reminders;
use crate::retention::Retention;
use crate::retreat::Retreats;
use crate::security::Security;
use crate::store::audit::AuditTrail;
use crate::store::pin::UnlockPin;

/// Each area's operations, on a handle that borrows the practice. A reader finds every operation
/// on check-ins in `integration/checkin.rs`, on backups in `backup/`, and so on.
impl Practice {
    /// Participants: add, edit, find, list.
    pub fn participants(&mut self) -> Participants<'_> {
        Participants { practice: self }
    }

    /// The facilitator's own profile: name, zone, signature.
    pub fn facilitator(&mut self) -> Facilitator<'_> {
        Facilitator { practice: self }
    }

    /// Arcs: per phase, per participant, approach tags.
    pub fn arcs(&mut self) -> Arcs<'_> {
        Arcs { practice: self }
    }

    /// Sessions: schedule, cancel, no-show, read.
    pub fn sessions(&mut self) -> Sessions<'_> {
        Sessions { practice: self }
    }

    /// Check-ins: list, complete, skip, reschedule, add, outreach.
    pub fn checkins(&mut self) -> CheckIns<'_> {
        CheckIns { practice: self }
    }

    /// Integration milestones and their history.
    pub fn milestones(&mut self) -> Milestones<'_> {
        Milestones { practice: self }
    }

    /// Follow-up plans and which one an arc follows.
    pub fn plans(&mut self) -> Plans<'_> {
        Plans { practice: self }
    }

    /// Shift, pause, resume, switch plan, add a series: `integration/bend.rs`.
    pub fn schedules(&mut self) -> Schedules<'_> {
        Schedules { practice: self }
    }

    /// Retreats: members, group dosing, the dosing-day grid, the view and its exports: `retreat/`.
    pub fn retreats(&mut self) -> Retreats<'_> {
        Retreats { practice: self }
    }

    /// Alerts on Today: list, acknowledge, snooze.
    pub fn alerts(&mut self) -> Alerts<'_> {
        Alerts { practice: self }
    }

    /// Check-in packets for participants to fill in offline, and importing their replies.
    pub fn packets(&mut self) -> Packets<'_> {
        Packets { practice: self }
    }

    /// The integration engine's views: Today, an arc's status and detail, engagement, outcomes.
    pub fn integration(&mut self) -> Integration<'_> {
        Integration { practice: self }
    }

    /// Phase documents: drafts, signing, amendments, consents, screening flags.
    pub fn documents(&mut self) -> Documents<'_> {
        Documents { practice: self }
    }

    /// Document templates and template packs.
    pub fn templates(&mut self) -> Templates<'_> {
        Templates { practice: self }
    }

    /// Outcome measures given: responses, scores, trajectories.
    pub fn measures(&mut self) -> Measures<'_> {
        Measures { practice: self }
    }

    /// Encrypted backups: write, name, digest, automatic backups and their health.
    pub fn backups(&mut self) -> Backups<'_> {
        Backups { practice: self }
    }

    /// Exports: calendar, CSV, FHIR, a participant's record.
    pub fn exports(&mut self) -> Exports<'_> {
        Exports { practice: self }
    }

    /// Reminders: settings, delivery, the notification list.
    pub fn reminders(&mut self) -> Reminders<'_> {
        Reminders { practice: self }
    }

    /// Records past their retention period, and purging them.
    pub fn retention(&mut self) -> Retention<'_> {
        Retention { practice: self }
    }

    /// Security settings: idle lock.
    pub fn security(&mut self) -> Security<'_> {
        Security { practice: self }
    }

    /// The audit trail: entries, verification, re-anchoring.
    pub fn audit(&mut self) -> AuditTrail<'_> {
        AuditTrail { practice: self }
    }

    /// The unlock PIN: set, ask, lock.
    pub fn unlock_pin(&mut self) -> UnlockPin<'_> {
        UnlockPin { practice: self }
    }
}

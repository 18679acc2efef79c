//! The integration status of an arc, derived from its facts and the clock, never stored.
//! Rules (first match wins) are listed in ARCHITECTURE.md.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use ts_rs::TS;

use crate::domain::arc::Phase;
use crate::domain::time::at_local;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum IntegrationStatus {
    OnTrack,
    DueSoon,
    Overdue,
    Stalled,
    ReadyToComplete,
    Completed,
    /// The arc's follow-ups are paused: it is neither overdue nor stalled until the pause ends.
    Paused,
}

impl IntegrationStatus {
    pub const ALL: [IntegrationStatus; 7] = [
        IntegrationStatus::OnTrack,
        IntegrationStatus::DueSoon,
        IntegrationStatus::Overdue,
        IntegrationStatus::Stalled,
        IntegrationStatus::ReadyToComplete,
        IntegrationStatus::Completed,
        IntegrationStatus::Paused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IntegrationStatus::OnTrack => "on_track",
            IntegrationStatus::DueSoon => "due_soon",
            IntegrationStatus::Overdue => "overdue",
            IntegrationStatus::Stalled => "stalled",
            IntegrationStatus::ReadyToComplete => "ready_to_complete",
            IntegrationStatus::Completed => "completed",
            IntegrationStatus::Paused => "paused",
        }
    }
}

/// A check-in counts as "due soon" when it falls before the end of the local day this many days ahead.
pub const DUE_SOON_DAYS: i64 = 3;

/// What the status of one arc is derived from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArcFacts {
    pub phase: Option<Phase>,
    /// The end of the latest completed administration session.
    pub anchor: Option<DateTime<Utc>>,
    /// The latest contact recorded on a completed check-in.
    pub last_checkin_contact: Option<DateTime<Utc>>,
    /// The end of the latest held integration session.
    pub last_integration_session: Option<DateTime<Utc>>,
    /// The soonest due time of the check-ins still due.
    pub next_due: Option<DateTime<Utc>>,
    /// Whether the arc has any check-in, whatever its status.
    pub has_checkins: bool,
    /// Milestones planned or in progress.
    pub open_milestones: u32,
    /// The arc's pause, when its follow-ups are paused (whether it still holds depends on the day).
    pub pause: Option<PauseFact>,
}

/// A pause of an arc's follow-ups: since when, and its last local day (`None`: until resumed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PauseFact {
    pub since: DateTime<Utc>,
    pub until: Option<NaiveDate>,
}

impl PauseFact {
    /// Whether the pause holds on the local day `today`.
    pub fn holds(&self, today: NaiveDate) -> bool {
        self.until.is_none_or(|last| today <= last)
    }
}

/// A derived status and the times that explain it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Derived {
    pub status: IntegrationStatus,
    /// Since when the status holds, where that is known (stalled, overdue).
    pub since: Option<DateTime<Utc>>,
    pub last_contact: Option<DateTime<Utc>>,
    pub next_due: Option<DateTime<Utc>>,
}

/// The local calendar day of an instant.
pub fn local_day(t: DateTime<Utc>, zone: Tz) -> NaiveDate {
    t.with_timezone(&zone).date_naive()
}

/// The first instant of the local day after `day`.
pub fn end_of_day(day: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let next = day.succ_opt().unwrap_or(day);
    at_local(zone, next.and_time(chrono::NaiveTime::MIN))
}

/// The integration status of an arc, or `None` for an arc not (yet) in integration.
pub fn derive(f: &ArcFacts, now: DateTime<Utc>, zone: Tz, stall_days: u32) -> Option<Derived> {
    let last_contact = [f.anchor, f.last_checkin_contact, f.last_integration_session].into_iter().flatten().max();
    let next_due = f.next_due;
    let done = |status, since| Some(Derived { status, since, last_contact, next_due });
    match f.phase {
        Some(Phase::Completion) => return done(IntegrationStatus::Completed, None),
        Some(Phase::Integration) => {}
        _ => return None,
    }
    if f.has_checkins && next_due.is_none() && f.open_milestones == 0 {
        return done(IntegrationStatus::ReadyToComplete, None);
    }
    if let Some(p) = f.pause
        && p.holds(local_day(now, zone))
    {
        return done(IntegrationStatus::Paused, Some(p.since));
    }
    let Some(first) = next_due else {
        return done(IntegrationStatus::OnTrack, None);
    };
    if first < now
        && let Some(contact) = last_contact
    {
        let stalls_at = (contact + Duration::days(i64::from(stall_days))).max(first);
        if now >= stalls_at {
            return done(IntegrationStatus::Stalled, Some(stalls_at));
        }
    }
    let today = local_day(now, zone);
    let due_day_ends = end_of_day(local_day(first, zone), zone);
    if local_day(first, zone) < today {
        return done(IntegrationStatus::Overdue, Some(due_day_ends));
    }
    let soon = today.checked_add_signed(Duration::days(DUE_SOON_DAYS)).unwrap_or(today);
    if first < end_of_day(soon, zone) {
        return done(IntegrationStatus::DueSoon, None);
    }
    done(IntegrationStatus::OnTrack, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use IntegrationStatus::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn status_derivation() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let now = t("2026-11-25T09:00:00Z"); // 10:00 in Berlin, Wednesday
        let integrating = ArcFacts {
            phase: Some(Phase::Integration),
            anchor: Some(t("2026-11-20T16:00:00Z")),
            has_checkins: true,
            ..Default::default()
        };
        let with = |f: &dyn Fn(&mut ArcFacts)| {
            let mut x = integrating.clone();
            f(&mut x);
            x
        };
        // (what, facts, expected status, expected since)
        let cases: Vec<(&str, ArcFacts, Option<IntegrationStatus>, Option<&str>)> = vec![
            ("not yet in integration", with(&|f| f.phase = Some(Phase::Preparation)), None, None),
            ("withdrawn", with(&|f| f.phase = Some(Phase::Withdrawn)), None, None),
            ("completed", with(&|f| f.phase = Some(Phase::Completion)), Some(Completed), None),
            ("next check-in in a week", with(&|f| f.next_due = Some(t("2026-12-02T09:00:00Z"))), Some(OnTrack), None),
            ("due later today", with(&|f| f.next_due = Some(t("2026-11-25T15:00:00Z"))), Some(DueSoon), None),
            ("due earlier today", with(&|f| f.next_due = Some(t("2026-11-25T08:00:00Z"))), Some(DueSoon), None),
            ("due on the third day", with(&|f| f.next_due = Some(t("2026-11-28T21:00:00Z"))), Some(DueSoon), None),
            ("due on the fourth day", with(&|f| f.next_due = Some(t("2026-11-29T09:00:00Z"))), Some(OnTrack), None),
            (
                "due yesterday: overdue since its day ended (local midnight)",
                with(&|f| f.next_due = Some(t("2026-11-24T09:00:00Z"))),
                Some(Overdue),
                Some("2026-11-24T23:00:00Z"),
            ),
            (
                "past due and no contact for 14 days: stalled",
                with(&|f| {
                    f.anchor = Some(t("2026-11-01T16:00:00Z"));
                    f.next_due = Some(t("2026-11-02T16:00:00Z"));
                }),
                Some(Stalled),
                Some("2026-11-15T16:00:00Z"),
            ),
            (
                "a recent check-in contact keeps it overdue, not stalled",
                with(&|f| {
                    f.anchor = Some(t("2026-11-01T16:00:00Z"));
                    f.last_checkin_contact = Some(t("2026-11-20T10:00:00Z"));
                    f.next_due = Some(t("2026-11-22T09:00:00Z"));
                }),
                Some(Overdue),
                Some("2026-11-22T23:00:00Z"),
            ),
            (
                "a held integration session counts as contact",
                with(&|f| {
                    f.anchor = Some(t("2026-10-01T16:00:00Z"));
                    f.last_integration_session = Some(t("2026-11-18T10:00:00Z"));
                    f.next_due = Some(t("2026-11-19T09:00:00Z"));
                }),
                Some(Overdue),
                Some("2026-11-19T23:00:00Z"),
            ),
            (
                "long silence but nothing past due: not stalled",
                with(&|f| {
                    f.anchor = Some(t("2026-09-01T16:00:00Z"));
                    f.next_due = Some(t("2026-12-01T09:00:00Z"));
                }),
                Some(OnTrack),
                None,
            ),
            ("every check-in resolved, no open milestone", with(&|f| f.next_due = None), Some(ReadyToComplete), None),
            (
                "every check-in resolved but a milestone in progress",
                with(&|f| f.open_milestones = 1),
                Some(OnTrack),
                None,
            ),
            ("no check-ins at all", with(&|f| f.has_checkins = false), Some(OnTrack), None),
            (
                "stalled, but paused until resumed: paused since the pause",
                with(&|f| {
                    f.anchor = Some(t("2026-11-01T16:00:00Z"));
                    f.next_due = Some(t("2026-11-02T16:00:00Z"));
                    f.pause = Some(PauseFact { since: t("2026-11-03T08:00:00Z"), until: None });
                }),
                Some(Paused),
                Some("2026-11-03T08:00:00Z"),
            ),
            (
                "overdue, paused through today (Berlin): paused",
                with(&|f| {
                    f.next_due = Some(t("2026-11-24T09:00:00Z"));
                    f.pause = Some(PauseFact { since: t("2026-11-23T08:00:00Z"), until: "2026-11-25".parse().ok() });
                }),
                Some(Paused),
                Some("2026-11-23T08:00:00Z"),
            ),
            (
                "a pause whose last day was yesterday holds no more: overdue",
                with(&|f| {
                    f.next_due = Some(t("2026-11-24T09:00:00Z"));
                    f.pause = Some(PauseFact { since: t("2026-11-20T08:00:00Z"), until: "2026-11-24".parse().ok() });
                }),
                Some(Overdue),
                Some("2026-11-24T23:00:00Z"),
            ),
            (
                "paused with nothing left to do: ready to complete wins",
                with(&|f| {
                    f.next_due = None;
                    f.pause = Some(PauseFact { since: t("2026-11-20T08:00:00Z"), until: None });
                }),
                Some(ReadyToComplete),
                None,
            ),
        ];
        for (what, facts, status, since) in cases {
            let got = derive(&facts, now, berlin, 14);
            assert_eq!(got.map(|d| d.status), status, "{what}");
            assert_eq!(got.and_then(|d| d.since), since.map(t), "{what}: since");
        }
    }

    #[test]
    fn the_stall_threshold_is_a_setting() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let facts = ArcFacts {
            phase: Some(Phase::Integration),
            anchor: Some(t("2026-11-15T16:00:00Z")),
            next_due: Some(t("2026-11-16T16:00:00Z")),
            has_checkins: true,
            ..Default::default()
        };
        let now = t("2026-11-25T09:00:00Z");
        assert_eq!(derive(&facts, now, berlin, 14).map(|d| d.status), Some(Overdue));
        assert_eq!(derive(&facts, now, berlin, 7).map(|d| d.status), Some(Stalled));
    }
}

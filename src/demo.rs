//! A demo practice of invented people, for `--demo`: dozens of participants spread over every
//! phase, with past and upcoming sessions, so the app can be explored without real data.
//!
//! Every name here is made up. The seed is deterministic in shape: the same `now` gives the same
//! people, phases and times (ids are fresh).

use chrono::{DateTime, Duration, Utc};

use crate::domain::arc::{AdvanceArc, OpenArc, Phase};
use crate::domain::participant::ParticipantInput;
use crate::domain::session::{CompleteSession, ScheduleSession, SessionKind};
use crate::domain::time::to_db;
use crate::integration::checkin::{CheckInFilter, CompleteCheckIn};
use crate::integration::milestone::{MilestoneStatus, NewMilestone};
use crate::measures::response::{GiveMeasure, Timepoint};
use crate::{Practice, Result};

const FIRST: &[&str] = &[
    "Wren", "Juniper", "Silas", "Marisol", "Teodor", "Ines", "Kofi", "Linnea", "Arlo", "Zadie", "Oskar", "Amara",
    "Rafferty", "Noor", "Emeric", "Sunniva", "Caspian", "Talulah", "Idris", "Maren", "Bastian", "Odalys", "Fintan",
    "Yara", "Lorcan", "Saoirse", "Matthias", "Elowen", "Dario", "Ilse", "Cyrus", "Anouk", "Ptolemy", "Greer", "Hollis",
    "Mireille", "Anselm", "Liesel", "Corin", "Ottilie", "Jory", "Seren",
];
const LAST: &[&str] = &[
    "Alder",
    "Brightwater",
    "Castellane",
    "Dunmore",
    "Eskildsen",
    "Fairweather",
    "Galloway",
    "Halloran",
    "Ivers",
    "Jessup",
    "Kilbride",
    "Larkspur",
    "Merriweather",
    "Northcott",
    "Oyelaran",
    "Pembury",
    "Quennell",
    "Rowntree",
    "Stavros",
    "Thistlewood",
    "Underhill",
    "Vasquez-Lind",
    "Whitlock",
    "Yarrow",
];
const PRONOUNS: &[&str] = &["she/her", "he/him", "they/them", "she/they", "he/they"];
const INTENTIONS: &[&str] = &[
    "Loosen the grip of long-standing grief after my father's death",
    "Reconnect with creativity and play",
    "Understand the anxiety that shows up in my relationships",
    "Find a gentler relationship with my body",
    "Make peace with a career change",
    "Explore spiritual questions that have opened up this year",
    "Work with the heaviness that returns every winter",
    "Learn to rest without guilt",
];
const TAGS: &[&str] = &["retreat-2026", "referral-dr-ivers", "returning", "somatic", "ifs", "mindfulness"];
/// The approach tags on the demo's arcs (some arcs carry two).
const APPROACHES: &[&[&str]] =
    &[&["somatic"], &["ifs"], &["mindfulness"], &["somatic", "ifs"], &["mindfulness", "somatic"]];
/// Psilocybin doses in mg across Oregon's tiers.
const DOSES_MG: &[f64] = &[10.0, 15.0, 20.0, 25.0, 25.0, 30.0, 35.0, 40.0, 5.0];
const PLACES: &[&str] = &["Cedar room", "Garden studio", "Video call", "Riverside retreat, cabin 3"];

/// Where each demo participant's current arc stands. Integration, the heart of the work, has the
/// most, spread over every integration status.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Scenario {
    Inquiry,
    Preparation,
    /// Prepared; the dosing session is scheduled.
    Administration,
    /// In integration, `days` after the administration session, with the first `done` check-ins
    /// completed and the milestones given.
    Integration {
        days: i64,
        done: usize,
        milestones: &'static [(&'static str, &'static str, MilestoneStatus)],
    },
    Completion,
    Withdrawn,
    ReferredOut,
}

use Scenario::*;

const WORKING: &[(&str, &str, MilestoneStatus)] = &[
    ("Morning walk without the phone", "nature", MilestoneStatus::InProgress),
    ("Call my sister every Sunday", "relationships", MilestoneStatus::Planned),
];
const HELD: &[(&str, &str, MilestoneStatus)] = &[
    ("Ten minutes of sitting practice daily", "mind", MilestoneStatus::Maintaining),
    ("Return to the pottery studio", "lifestyle", MilestoneStatus::Achieved),
];

const SPREAD: &[Scenario] = &[
    Integration { days: 1, done: 0, milestones: &[] }, // 24 h check-in due today
    Preparation,
    Integration { days: 3, done: 1, milestones: &[] }, // 72 h check-in due today
    Inquiry,
    Administration,
    Integration { days: 10, done: 2, milestones: WORKING }, // 1-week check-in overdue
    Completion,
    Preparation,
    Integration { days: 34, done: 1, milestones: WORKING }, // silent since the 24 h call: stalled
    Withdrawn,
    Inquiry,
    Integration { days: 19, done: 4, milestones: WORKING }, // on track, 1 month ahead
    ReferredOut,
    Integration { days: 100, done: 6, milestones: HELD }, // every check-in done: ready to complete
    Integration { days: 6, done: 2, milestones: &[] },    // 1-week check-in due in a day: due soon
    Completion,
    Integration { days: 55, done: 5, milestones: WORKING }, // 3 months ahead, on track
];

const NOTES: &[&str] = &[
    "Slept well, some vivid dreams. Feels tender but steady; partner is supportive.",
    "Mood brighter than before the session. Images of the river keep returning; journaling most days.",
    "Noticed old irritation at work but paused before reacting. Wants to keep the morning practice.",
    "Had a hard evening mid-week, used the breathing practice, called a friend. Felt proud of that.",
    "Talked with their father for the first time in a year. Still processing; no red flags.",
    "Changes are holding. Less weight in the chest. Ready to think about closing the arc soon.",
];

/// How many participants the demo practice holds.
pub const PARTICIPANTS: usize = 42;

pub fn seed(practice: &mut Practice, now: DateTime<Utc>) -> Result<()> {
    // Sessions land on the hour in working hours (08:00–15:00 UTC), as people book them.
    let morning = now.date_naive().and_hms_opt(8, 0, 0).map_or(now, |t| t.and_utc());
    for i in 0..PARTICIPANTS {
        let first = FIRST[i % FIRST.len()];
        let last = LAST[(i * 7 + 3) % LAST.len()];
        let dob = format!("{}-{:02}-{:02}", 1958 + (i * 13) % 42, 1 + i % 12, 1 + (i * 5) % 28);
        let hour = Duration::hours(i as i64 % 8);
        let scenario = SPREAD[i % SPREAD.len()];
        let begins = match scenario {
            Integration { days, .. } => morning - Duration::days(days + 16) + hour,
            _ => morning - Duration::days(12 + (i as i64 * 17) % 40) + hour,
        };
        let p = practice.participants().add(
            &ParticipantInput {
                name: format!("{first} {last}"),
                pronouns: Some(PRONOUNS[i % PRONOUNS.len()].into()),
                contact: Some(format!("{}.{}@example.org", first.to_lowercase(), last.to_lowercase().replace(' ', ""))),
                emergency_contact: Some(format!(
                    "{} {} (sibling), +1 555 01{:02}",
                    FIRST[(i + 5) % FIRST.len()],
                    last,
                    i
                )),
                date_of_birth: Some(dob),
                tags: vec![TAGS[i % TAGS.len()].to_owned()],
                notes: (i % 3 == 0).then(|| "Prefers morning sessions. Found us through a friend.".into()),
            },
            begins - Duration::days(2),
        )?;
        // Every fifth participant also has an earlier arc, completed years ago.
        if i % 5 == 0 {
            let then = morning - Duration::days(800 + i as i64 * 3) + hour;
            walk(practice, p.id, Completion, then, now, i + 1)?;
        }
        walk(practice, p.id, scenario, begins, now, i)?;
    }
    retreat(practice, now)?;
    // A demo is opened at any hour to be looked at: its reminders show at once, not after quiet hours.
    let mut reminders = practice.reminders().settings()?;
    reminders.quiet_hours = None;
    practice.reminders().update_settings(&reminders)?;
    Ok(())
}

/// A retreat running from yesterday to tomorrow with up to eight of the arcs in preparation (then
/// inquiry): their group dosing began three hours ago, its records opened, doses given to all but
/// one, vitals taken for some — a dosing day in progress, for the grid to show and to be ended.
fn retreat(practice: &mut Practice, now: DateTime<Utc>) -> Result<()> {
    use crate::retreat::{GroupDosing, RetreatInput};
    let zone = practice.facilitator().profile()?.zone()?;
    let today = now.with_timezone(&zone).date_naive();
    let mut arcs: Vec<uuid::Uuid> = Vec::new();
    for phase in [Phase::Preparation, Phase::Inquiry] {
        for a in practice.arcs().in_phase(phase, 50)? {
            if arcs.len() < 8 {
                arcs.push(a.id);
            }
        }
    }
    let input = RetreatInput {
        name: "Winter solstice retreat".into(),
        place: Some("Riverside lodge".into()),
        starts_on: (today - Duration::days(1)).to_string(),
        ends_on: (today + Duration::days(1)).to_string(),
        facilitators: Some(2),
    };
    let r = practice.retreats().create(&input, now - Duration::days(10))?;
    practice.retreats().add_members(r.id, &arcs, now - Duration::days(10))?;
    let dosed = now - Duration::hours(3);
    practice.retreats().schedule_dosing(&GroupDosing {
        retreat_id: r.id,
        at: dosed.to_rfc3339(),
        location: Some("Lodge hall".into()),
    })?;
    let day = practice.retreats().open_day(r.id, &dosed.with_timezone(&zone).date_naive().to_string(), dosed)?;
    for (i, row) in day.rows.iter().enumerate() {
        let Some(doc) = row.document_id else { continue };
        if i + 1 == day.rows.len() {
            break; // the last one has not taken their dose yet
        }
        let mg = [20.0, 25.0, 15.0, 20.0, 10.0, 20.0, 25.0][i % 7];
        let dose = serde_json::json!({ "substance": "Psilocybin", "amount": mg, "at": to_db(dosed + Duration::minutes(5 * i as i64)) });
        practice.documents().append_entry(doc, "doses", &obj(dose), dosed)?;
        if i % 3 != 2 {
            let vitals = serde_json::json!({ "systolic": 118 + i * 3, "diastolic": 76 + i, "heart_rate": 72 + i * 4, "spo2": 98 });
            practice.documents().append_entry(
                doc,
                "vitals",
                &obj(vitals),
                now - Duration::minutes(25 + 10 * i as i64),
            )?;
        }
    }
    Ok(())
}

fn obj(v: serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    match v {
        serde_json::Value::Object(m) => m,
        _ => serde_json::Map::new(),
    }
}

/// Opens an arc at `start` and walks it to `target`, holding the sessions and check-ins a real
/// arc would have. Every action carries its own time, all before `now`.
fn walk(
    practice: &mut Practice,
    participant_id: uuid::Uuid,
    target: Scenario,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    i: usize,
) -> Result<()> {
    let intention = Some(INTENTIONS[i % INTENTIONS.len()].to_owned());
    let arc = practice.open_arc(&OpenArc { participant_id, intention, plan_id: None }, start)?.id;
    let place = PLACES[i % PLACES.len()];
    let schedule = |practice: &mut Practice, kind, at: DateTime<Utc>| {
        practice.sessions().schedule(&ScheduleSession {
            arc_id: arc,
            kind,
            at: at.to_rfc3339(),
            location: Some(place.into()),
        })
    };
    let held = |practice: &mut Practice, kind, at: DateTime<Utc>, hours: i64| -> Result<DateTime<Utc>> {
        let s = schedule(practice, kind, at)?;
        let ended = at + Duration::hours(hours);
        let done =
            CompleteSession { started: at.to_rfc3339(), ended: ended.to_rfc3339(), follow_up: None, document_id: None };
        practice.complete_session(s.id, &done, ended)?;
        Ok(ended)
    };
    let advance = |practice: &mut Practice, to, reason: Option<&str>, at| {
        practice.advance_arc(arc, &AdvanceArc { to, reason: reason.map(Into::into) }, at).map(|_| ())
    };
    let upcoming = now + Duration::days(1 + i as i64 % 12);

    held(practice, SessionKind::Consultation, start + Duration::days(1), 1)?;
    if target == Inquiry {
        schedule(practice, SessionKind::Consultation, upcoming)?;
        return Ok(());
    }
    advance(practice, Phase::Preparation, None, start + Duration::days(3))?;
    held(practice, SessionKind::Preparation, start + Duration::days(5), 2)?;
    // Baseline measures after the first preparation session: depression, anxiety, well-being.
    let severity = 8 + (i as i64 * 5) % 12; // a PHQ-9 between 8 and 19
    let baseline = start + Duration::days(6);
    give(practice, arc, "phq9", Timepoint::Baseline, baseline, None, &spread(severity, 9, 3, 0))?;
    give(practice, arc, "gad7", Timepoint::Baseline, baseline, None, &spread(severity * 7 / 9, 7, 3, 0))?;
    give(practice, arc, "who5", Timepoint::Baseline, baseline, None, &spread(12 - severity / 2, 5, 5, 0))?;
    match target {
        Preparation => {
            schedule(practice, SessionKind::Preparation, upcoming)?;
            return Ok(());
        }
        Withdrawn => {
            return advance(
                practice,
                Phase::Withdrawn,
                Some("Decided the timing is not right; may return next year"),
                start + Duration::days(8),
            );
        }
        ReferredOut => {
            let why = "Screening showed a family history of bipolar disorder; referred to a psychiatrist";
            return advance(practice, Phase::ReferredOut, Some(why), start + Duration::days(8));
        }
        _ => {}
    }
    advance(practice, Phase::Administration, None, start + Duration::days(12))?;
    if target == Administration {
        schedule(practice, SessionKind::Administration, upcoming)?;
        return Ok(());
    }
    // The facilitator's approaches for this arc, for the practice analytics.
    practice
        .arcs()
        .set_approaches(arc, &APPROACHES[i % APPROACHES.len()].iter().map(|a| (*a).to_owned()).collect::<Vec<_>>())?;
    // The dosing session, held with its signed administration record (the dose varies by arc);
    // completing it queues the follow-up plan and moves the arc into integration.
    let dosed = {
        let at = start + Duration::days(16);
        let ended = at + Duration::hours(6);
        let s = schedule(practice, SessionKind::Administration, at)?;
        let record = practice.documents().for_session(s.id, None, at)?.document.id;
        let mg = DOSES_MG[i % DOSES_MG.len()];
        let answers = serde_json::json!({
            "session_start": at.to_rfc3339(),
            "session_end": ended.to_rfc3339(),
            "doses": [{ "substance": "Psilocybin", "amount": mg, "route": "Oral", "at": (at + Duration::minutes(20)).to_rfc3339() }],
            "interventions": "Music, eyeshades, a hand on the shoulder when asked.",
        });
        practice.documents().save_draft(record, &answers.as_object().cloned().unwrap_or_default(), at)?;
        let done = CompleteSession {
            started: at.to_rfc3339(),
            ended: ended.to_rfc3339(),
            follow_up: None,
            document_id: Some(record),
        };
        practice.complete_session(s.id, &done, ended)?;
        ended
    };
    let (done, milestones) = match target {
        Integration { done, milestones, .. } => (done, milestones),
        _ => (6, HELD),
    };
    for (k, (title, category, status)) in milestones.iter().enumerate() {
        let added = dosed + Duration::days(2 + k as i64);
        // One participant set a date for the call to their sister, three weeks on; it has passed.
        let target_date = (i == EARLY.milestone_past_date && *status == MilestoneStatus::Planned)
            .then(|| (added + Duration::days(21)).date_naive().to_string());
        let m = practice.milestones().add(
            &NewMilestone {
                arc_id: arc,
                title: (*title).into(),
                category: (*category).into(),
                target_date,
                note: None,
            },
            added,
        )?;
        if *status != MilestoneStatus::Planned {
            let note = Some("Named in the integration call");
            practice.milestones().set_status(m.id, MilestoneStatus::InProgress, note, added + Duration::days(1))?;
            if *status != MilestoneStatus::InProgress {
                practice.milestones().set_status(m.id, *status, None, added + Duration::days(20))?;
            } else if i == EARLY.milestone_lapsed {
                let note = Some("Stopped after a hard week; wants to talk about it");
                practice.milestones().set_status(m.id, MilestoneStatus::Lapsed, note, added + Duration::days(6))?;
            }
        }
    }
    let queued = practice.checkins().list(&CheckInFilter { arc: Some(arc), ..Default::default() })?;
    // The Emotional Breakthrough Inventory the day after, with the 24-hour check-in that asks for it.
    if dosed + Duration::days(1) < now {
        let e = 40 + (i as i64 * 11) % 50;
        let ebi = [e, e - 10, e - 5, e + 5, e, e - 15].map(|x| x.clamp(0, 100));
        let day_after = queued.first().map(|c| c.id);
        give(practice, arc, "ebi", Timepoint::AfterAdministration, dosed + Duration::days(1), day_after, &ebi)?;
        // The MEQ-30 with it: mystical items higher in the stronger sessions.
        let strong = 2 + (i as i64 % 4);
        let meq: Vec<i64> = (1..=30).map(|k| (strong + (k + i as i64) % 3 - 1).clamp(0, 5)).collect();
        give(practice, arc, "meq30", Timepoint::AfterAdministration, dosed + Duration::days(1), day_after, &meq)?;
    }
    let mut last = dosed;
    for (k, c) in queued.iter().take(done).enumerate() {
        let late = late_by(i, k);
        // Never a contact after `now`: the contact falls up to three hours after due + late.
        let late = if c.due.utc + late + Duration::hours(4) < now { late } else { Duration::zero() };
        let contact = c.due.utc + late + Duration::hours(1 + (i + k) as i64 % 3);
        if (k == 3 && i % 2 == 1) || (i == EARLY.two_skips && k == 2) {
            practice.checkins().skip(
                c.id,
                "Participant asked for space that week; met at the 1-month mark instead",
                contact,
            )?;
        } else {
            // At the re-assessment points (1 and 3 months) the re-assessment form, signed as the
            // check-in completes; one participant needs a referral: an urgent alert on Today.
            let document_id = if c.reassessment {
                let form = practice.checkins().document(c.id, contact)?;
                let mut answers = form.current.clone();
                let referral = i == 16 && k == 4 && matches!(target, Integration { .. });
                let extra = serde_json::json!({
                    "trajectory": if i % 6 == 1 { "About the same" } else if k == 4 { "Somewhat better" } else { "Much better" },
                    "trajectory_notes": NOTES[(k + i) % NOTES.len()],
                    "measures_reviewed": { "yes": true },
                    "referral_needed": if referral {
                        serde_json::json!({ "yes": true, "detail": "Low mood returning in the evenings; to Dr. Ivers for an assessment" })
                    } else {
                        serde_json::json!({ "yes": false })
                    },
                });
                answers.extend(extra.as_object().cloned().unwrap_or_default());
                for (key, sub, value) in
                    [("goals", "progress", "Progressing"), ("milestones", "note", "Reviewed together")]
                {
                    if let Some(list) = answers.get_mut(key).and_then(serde_json::Value::as_array_mut) {
                        for entry in list {
                            entry[sub] = value.into();
                        }
                    }
                }
                practice.documents().save_draft(form.document.id, &answers, contact)?;
                Some(form.document.id)
            } else if matches!(target, Integration { .. }) && i.is_multiple_of(2) {
                // Half the arcs in integration keep an integration note per contact, with how the
                // participant rates their wellbeing: rising, except for one whose falls.
                let form = practice.checkins().document(c.id, contact)?;
                let wellbeing =
                    if i == EARLY.wellbeing_falling { [7, 7, 6, 4][k.min(3)] } else { (5 + k + i % 3).min(9) };
                let answers = serde_json::json!({ "insights": NOTES[(k + i) % NOTES.len()], "wellbeing": wellbeing });
                practice.documents().save_draft(
                    form.document.id,
                    &answers.as_object().cloned().unwrap_or_default(),
                    contact,
                )?;
                Some(form.document.id)
            } else {
                None
            };
            let note = CompleteCheckIn {
                note: NOTES[k % NOTES.len()].into(),
                contacted_at: Some(contact.to_rfc3339()),
                document_id,
            };
            practice.checkins().complete(c.id, &note, contact)?;
            // At one and three months the measures again: most improve, a few do not.
            if k >= 4 {
                let better = if i == EARLY.worse_than_baseline {
                    -6
                } else if i % 6 == 1 {
                    1
                } else {
                    (k as i64 - 2) * 3
                };
                let now_sev = (severity - better).max(1);
                let at = Some(c.id);
                // One participant's 1-month PHQ-9 names thoughts of self-harm: an urgent alert on Today.
                let item9 = if i == 13 && k == 4 { 1 } else { 0 };
                give(practice, arc, "phq9", Timepoint::FollowUp, contact, at, &spread(now_sev, 9, 3, item9))?;
                give(practice, arc, "gad7", Timepoint::FollowUp, contact, at, &spread(now_sev * 7 / 9, 7, 3, 0))?;
                give(
                    practice,
                    arc,
                    "who5",
                    Timepoint::FollowUp,
                    contact,
                    at,
                    &spread(12 - now_sev / 2 + better / 2, 5, 5, 0),
                )?;
            }
        }
        last = contact;
    }
    if target == Completion {
        advance(practice, Phase::Completion, None, last + Duration::days(2))?;
    }
    Ok(())
}

/// Which demo participants (by index) show each early warning on Today.
pub struct EarlyWarnings {
    /// The 1-month PHQ-9, GAD-7 and WHO-5 all worse than baseline by more than their meaningful change.
    pub worse_than_baseline: usize,
    /// Wellbeing in the integration notes 7, 7, 6, then 4.
    pub wellbeing_falling: usize,
    pub milestone_lapsed: usize,
    pub milestone_past_date: usize,
    /// The 1-week and 2-week check-ins both skipped.
    pub two_skips: usize,
    /// The 2-week, 1-month and 3-month contacts each later after their due time.
    pub drifting: usize,
    /// The 24-hour check-in held a day and a half late, nothing since.
    pub late_first_contact: usize,
}

pub const EARLY: EarlyWarnings = EarlyWarnings {
    worse_than_baseline: 33,
    wellbeing_falling: 28,
    milestone_lapsed: 22,
    milestone_past_date: 16,
    two_skips: 11,
    drifting: 30,
    late_first_contact: 19,
};

/// How late participant `i` is reached at their `k`-th check-in (0 = the first).
fn late_by(i: usize, k: usize) -> Duration {
    match (i, k) {
        (i, 0) if i == EARLY.late_first_contact => Duration::hours(30),
        (i, 3) if i == EARLY.drifting => Duration::hours(12),
        (i, 4) if i == EARLY.drifting => Duration::hours(36),
        (i, 5) if i == EARLY.drifting => Duration::hours(72),
        // Most 72-hour check-ins are held a day late (the day after a long session is rarely
        // free), so the timelines view has a step it suggests moving.
        (i, 1) if !i.is_multiple_of(4) => Duration::days(1),
        _ => Duration::zero(),
    }
}

/// `n` item values from 0 to `top` adding up to `total` (first items first), the last one `last`.
fn spread(total: i64, n: usize, top: i64, last: i64) -> Vec<i64> {
    let mut left = (total - last).max(0);
    let mut out: Vec<i64> = (0..n - 1)
        .map(|_| {
            let v = left.min(top);
            left -= v;
            v
        })
        .collect();
    out.push(last);
    out
}

fn give(
    practice: &mut Practice,
    arc: uuid::Uuid,
    measure: &str,
    timepoint: Timepoint,
    at: DateTime<Utc>,
    checkin_id: Option<uuid::Uuid>,
    values: &[i64],
) -> Result<()> {
    let answers = values.iter().enumerate().map(|(k, v)| ((k + 1).to_string(), serde_json::json!(v))).collect();
    let input = GiveMeasure {
        arc_id: arc,
        measure: measure.into(),
        timepoint,
        at: Some(at.to_rfc3339()),
        checkin_id,
        session_id: None,
        answers,
    };
    practice.measures().give(&input, at).map(|_| ())
}

/// A brand-new demo practice in `dir`, replacing any earlier demo there, so every demo starts
/// current ("due today" means today). Only the practice's own files are removed; the key stays out
/// of the keychain, and the passphrase is the published `passphrase` (the data is invented).
pub fn fresh_practice(
    dir: &std::path::Path,
    passphrase: &crate::key::Passphrase,
    now: DateTime<Utc>,
) -> Result<Practice> {
    use crate::store::{DB_FILE, KEY_FILE};
    for name in [DB_FILE.to_owned(), format!("{DB_FILE}-wal"), format!("{DB_FILE}-shm"), KEY_FILE.to_owned()] {
        match std::fs::remove_file(dir.join(&name)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(crate::Error::io(format!("cannot replace the old demo practice in {}", dir.display()), e));
            }
        }
    }
    let profile = crate::domain::profile::ProfileInput {
        name: "Demo Facilitator".into(),
        timezone: "Europe/Berlin".into(),
        checkin_time: Some("10:00".into()),
        stall_days: None,
    };
    let mut practice = Practice::init(dir, &profile, passphrase, &crate::Keychain::Off, now)?;
    seed(&mut practice, now)?;
    Ok(practice)
}

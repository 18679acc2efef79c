//! A demo practice of invented people, for `--demo`: dozens of participants spread over every
//! phase, with past and upcoming sessions, so the app can be explored without real data.
//!
//! Every name here is made up. The seed is deterministic in shape: the same `now` gives the same
//! people, phases and times (ids are fresh).

use chrono::{DateTime, Duration, Utc};

use crate::domain::arc::{AdvanceArc, OpenArc, Phase};
use crate::domain::participant::ParticipantInput;
use crate::domain::session::{CompleteSession, ScheduleSession, SessionKind};
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
const PLACES: &[&str] = &["Cedar room", "Garden studio", "Video call", "Riverside retreat, cabin 3"];

/// The phase each demo participant's current arc is in, cycling so every phase is represented
/// and integration, the heart of the work, has the most.
const SPREAD: &[Phase] = &[
    Phase::Integration,
    Phase::Preparation,
    Phase::Integration,
    Phase::Inquiry,
    Phase::Administration,
    Phase::Integration,
    Phase::Completion,
    Phase::Preparation,
    Phase::Integration,
    Phase::Withdrawn,
    Phase::Inquiry,
    Phase::Integration,
    Phase::ReferredOut,
    Phase::Completion,
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
        let tags = vec![TAGS[i % TAGS.len()].to_owned()];
        // Each walk below takes at most 30 days, so every held session lies in the past.
        let joined = morning - Duration::days(40 + (i as i64 * 17) % 300) + Duration::hours(i as i64 % 8);
        let p = practice.add_participant(
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
                tags,
                notes: (i % 3 == 0).then(|| "Prefers morning sessions. Found us through a friend.".into()),
            },
            joined,
        )?;
        // Every fifth participant also has an earlier arc, completed years ago.
        if i % 5 == 0 {
            let then = morning - Duration::days(800 + i as i64 * 3);
            walk(practice, p.id, Phase::Completion, then, morning, i + 1)?;
        }
        walk(practice, p.id, SPREAD[i % SPREAD.len()], joined, morning, i)?;
    }
    Ok(())
}

/// Opens an arc at `start` and walks it to `target`, holding the sessions a real arc would have.
fn walk(
    practice: &mut Practice,
    participant_id: uuid::Uuid,
    target: Phase,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
    i: usize,
) -> Result<()> {
    let intention = Some(INTENTIONS[i % INTENTIONS.len()].to_owned());
    let arc = practice.open_arc(&OpenArc { participant_id, intention }, start)?;
    let place = PLACES[i % PLACES.len()];
    let mut t = start;
    let held = |practice: &mut Practice, kind: SessionKind, at: DateTime<Utc>, hours: i64| -> Result<()> {
        let s = practice.schedule_session(&ScheduleSession {
            arc_id: arc.id,
            kind,
            at: at.to_rfc3339(),
            location: Some(place.into()),
        })?;
        let ended = at + Duration::hours(hours);
        practice.complete_session(
            s.id,
            &CompleteSession { started: at.to_rfc3339(), ended: ended.to_rfc3339() },
            ended,
        )?;
        Ok(())
    };
    held(practice, SessionKind::Consultation, t + Duration::days(1), 1)?;
    let path = [Phase::Preparation, Phase::Administration, Phase::Integration, Phase::Completion];
    let exit = matches!(target, Phase::Withdrawn | Phase::ReferredOut);
    for phase in path {
        if target == Phase::Inquiry {
            break;
        }
        if exit && phase == Phase::Administration {
            let reason = if target == Phase::Withdrawn {
                "Decided the timing is not right; may return next year"
            } else {
                "Screening showed a family history of bipolar disorder; referred to a psychiatrist"
            };
            t += Duration::days(4);
            practice.advance_arc(arc.id, &AdvanceArc { to: target, reason: Some(reason.into()) }, t)?;
            return Ok(());
        }
        t += Duration::days(5);
        practice.advance_arc(arc.id, &AdvanceArc { to: phase, reason: None }, t)?;
        match phase {
            Phase::Preparation => held(practice, SessionKind::Preparation, t + Duration::days(2), 2)?,
            Phase::Administration if target != Phase::Administration => {
                held(practice, SessionKind::Administration, t + Duration::days(1), 7)?
            }
            Phase::Integration => held(practice, SessionKind::Integration, t + Duration::days(3), 1)?,
            _ => {}
        }
        if phase == target {
            break;
        }
    }
    // Something coming up for arcs still in progress.
    let next = match target {
        Phase::Inquiry => Some(SessionKind::Consultation),
        Phase::Preparation => Some(SessionKind::Preparation),
        Phase::Administration => Some(SessionKind::Administration),
        Phase::Integration => Some(SessionKind::Integration),
        _ => None,
    };
    if let Some(kind) = next {
        let at = now + Duration::days(1 + i as i64 % 12) + Duration::hours(i as i64 % 8);
        practice.schedule_session(&ScheduleSession {
            arc_id: arc.id,
            kind,
            at: at.to_rfc3339(),
            location: Some(place.into()),
        })?;
    }
    Ok(())
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
    };
    let mut practice = Practice::init(dir, &profile, passphrase, &crate::Keychain::Off, now)?;
    seed(&mut practice, now)?;
    Ok(practice)
}

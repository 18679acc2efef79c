//! A large invented practice for benchmarks: thousands of participants with several arcs each over
//! years, their sessions, check-ins, notes and milestones, written in one transaction through the
//! store's write path. Built only with the `synthetic` feature, never into the app.
//!
//! Also a plaintext copy of such a practice, so a benchmark can compare SQLCipher with plain SQLite
//! on the same data. That copy is refused for any practice but a synthetic one.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rusqlite::params;
use serde::Serialize;
use uuid::Uuid;

use crate::domain::profile::ProfileInput;
use crate::domain::time::to_db;
use crate::integration::plan::STANDARD_PLAN_ID;
use crate::integration::schedule::due_at;
use crate::key::Passphrase;
use crate::{Error, Keychain, Practice, Result};

/// The facilitator name that marks a synthetic practice.
pub const SYNTHETIC_NAME: &str = "Synthetic practice (invented)";
pub const PASSPHRASE: &str = "synthetic practice passphrase";

#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub participants: usize,
    pub seed: u64,
    /// Integration notes beyond the one per completed check-in (free notes on arcs that were dosed),
    /// to reach a note count for the search benchmark.
    pub extra_notes: usize,
    /// Outcome measures on every dosed arc (PHQ-9, GAD-7, WHO-5 at baseline, one and three months;
    /// MEQ-30 and EBI the day after dosing) and its signed administration record (substance, dose,
    /// vitals, observations), for the insight and dashboard benchmarks. Drawn from streams of their
    /// own, so the rest of the practice is the same with or without them.
    pub measures: bool,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub participants: usize,
    pub arcs: usize,
    pub arcs_in_integration: usize,
    pub sessions: usize,
    pub checkins: usize,
    pub notes: usize,
    pub milestones: usize,
    pub measure_responses: usize,
    pub administration_records: usize,
}

const SYLLABLES: &[&str] = &[
    "ar", "bel", "cor", "dan", "el", "fen", "gar", "hal", "is", "jor", "kel", "lin", "mar", "nor", "os", "pel", "quin",
    "ros", "sel", "tor", "ul", "vin", "wen", "yr", "zed",
];

fn word(rng: &mut StdRng, parts: usize) -> String {
    let mut w: String = (0..parts).map(|_| SYLLABLES[rng.random_range(0..SYLLABLES.len())]).collect();
    if let Some(first) = w.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    w
}

const OPENINGS: &[&str] = &[
    "Talked through",
    "We explored",
    "Checked in about",
    "Spent most of the call on",
    "Revisited",
    "Reflected together on",
    "Came back several times to",
    "Opened with",
    "Ended on",
];
const TOPICS: &[&str] = &[
    "sleep",
    "mood",
    "the images that keep returning",
    "grief for a parent",
    "anger at work",
    "a sense of connection",
    "time in nature",
    "the breathing practice",
    "journaling",
    "family tension",
    "old shame",
    "forgiveness",
    "the ocean imagery",
    "fear of losing control",
    "gratitude",
    "a childhood memory",
    "tension in the shoulders",
    "appetite",
    "creativity",
    "the relationship with a partner",
    "boundaries",
    "loneliness",
    "music from the session",
    "dreams",
    "a felt sense of warmth",
    "panic on the second evening",
    "crying easily",
    "feeling lighter",
    "returning to work",
    "alcohol use",
    "meditation",
    "yoga",
    "running",
    "painting",
    "prayer",
    "the garden",
    "a letter to a brother",
    "a visit to the coast",
    "the dog",
    "singing",
    "a new job offer",
    "the divorce",
    "a migraine",
    "volunteering",
    "the move abroad",
    "ancestors",
    "the forest walk",
    "a conflict with a neighbour",
];
const FOLLOWS: &[&str] = &[
    "Partner supportive.",
    "No safety concerns.",
    "Agreed to keep journaling.",
    "Will walk in the mornings.",
    "Sleep still patchy.",
    "Feels steadier than last week.",
    "Asked for a referral to a therapist.",
    "Wants to revisit the intention next time.",
    "Milestone on track.",
    "Some days harder than others.",
    "Practising the breathing exercise daily.",
    "Reconnected with an old friend.",
    "Cut down on coffee.",
    "Planning a weekend away.",
    "Talked to the doctor about the dose of the blood pressure medication.",
];

/// An invented integration note: varied enough that words have realistic frequencies for search.
fn note_text(rng: &mut StdRng) -> String {
    let pick = |rng: &mut StdRng, list: &[&'static str]| list[rng.random_range(0..list.len())];
    let mut text = format!(
        "{} {} and {}. {} {}",
        pick(rng, OPENINGS),
        pick(rng, TOPICS),
        pick(rng, TOPICS),
        pick(rng, FOLLOWS),
        pick(rng, FOLLOWS)
    );
    if rng.random_bool(0.2) {
        // A place or a name: rare words, as real notes have.
        text.push_str(&format!(" Mentioned {}.", word(rng, 3)));
    }
    text
}

/// Creates a synthetic practice in `dir` (keychain off, passphrase [`PASSPHRASE`]).
pub fn create(dir: &Path, spec: Spec, now: DateTime<Utc>) -> Result<(Practice, Counts)> {
    let profile = ProfileInput {
        name: SYNTHETIC_NAME.into(),
        timezone: "Europe/Berlin".into(),
        checkin_time: Some("10:00".into()),
        stall_days: None,
    };
    let mut practice = Practice::init(dir, &profile, &Passphrase::new(PASSPHRASE), &Keychain::Off, now)?;
    let counts = practice.write(|tx| {
        let counts = fill(tx, spec, now)?;
        crate::documents::document::keep_given(tx, None)?;
        // One entry for the whole generated practice (a benchmark's, never a facilitator's).
        crate::store::audit::record(
            tx,
            crate::store::audit::Action::Create,
            &crate::store::audit::Subject::Practice,
            Some("synthetic"),
        )?;
        Ok(counts)
    })?;
    Ok((practice, counts))
}

fn fill(tx: &rusqlite::Connection, spec: Spec, now: DateTime<Utc>) -> Result<Counts> {
    let zone = crate::domain::time::parse_zone("Europe/Berlin")?;
    let ten = crate::domain::time::parse_time_of_day("10:00")?;
    let plan = crate::integration::plan::get(tx, STANDARD_PLAN_ID)?;
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let mut c = Counts::default();
    let tz = "Europe/Berlin";

    let mut participant = tx.prepare(
        "INSERT INTO participant (id, name, pronouns, contact, created_at, updated_at) VALUES (?1, ?2, 'they/them', ?3, ?4, ?4)",
    )?;
    let mut arc = tx.prepare(
        "INSERT INTO arc (id, participant_id, intention, phase, opened_at, opened_tz, closed_at, closed_tz)
         VALUES (?1, ?2, 'An invented intention', ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut event = tx
        .prepare("INSERT INTO arc_event (arc_id, seq, from_phase, to_phase, at, tz) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
    let mut session = tx.prepare(
        "INSERT INTO session (id, arc_id, kind, status, scheduled_at, scheduled_tz, started_at, started_tz, ended_at, ended_tz)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8, ?6)",
    )?;
    let mut checkin = tx.prepare(
        "INSERT INTO checkin (id, arc_id, series, step, offset_amount, offset_unit, anchor_at, purpose, prompts, due_at, due_tz,
                              status, resolved_at, note_id, skip_reason, created_at)
         VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, '[]', ?8, ?9, ?10, ?11, ?12, ?13, ?6)",
    )?;
    let mut checkin_event =
        tx.prepare("INSERT INTO checkin_event (checkin_id, seq, kind, at, new_due_at) VALUES (?1, ?2, ?3, ?4, ?5)")?;
    let mut note = tx.prepare(
        "INSERT INTO note (id, arc_id, kind, body, written_at, written_tz) VALUES (?1, ?2, 'integration', ?3, ?4, ?5)",
    )?;
    let mut milestone = tx.prepare(
        "INSERT INTO milestone (id, arc_id, title, category, status, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut milestone_event = tx.prepare(
        "INSERT INTO milestone_event (milestone_id, seq, from_status, to_status, at, tz) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let path = ["inquiry", "preparation", "administration", "integration", "completion"];
    let categories = ["mind", "body", "spirit", "lifestyle", "relationships", "nature"];

    let mut dosed_arcs: Vec<(String, DateTime<Utc>)> = Vec::new();
    for _ in 0..spec.participants {
        let pid = Uuid::new_v4().to_string();
        let name = format!("{} {}", word(&mut rng, 2), word(&mut rng, 3));
        let years_ago = rng.random_range(30..6 * 365);
        let joined = now - Duration::days(years_ago);
        participant.execute(params![
            pid,
            name,
            format!("{}@example.org", name.replace(' ', ".").to_lowercase()),
            to_db(joined)
        ])?;
        c.participants += 1;

        let arcs = rng.random_range(1..=5usize);
        let mut opened = joined;
        for k in 0..arcs {
            // An arc that would reach into the future is the participant's latest.
            let latest = k + 1 == arcs || opened + Duration::days(200) > now;
            // Earlier arcs are long closed; the latest may be anywhere on the path.
            let (stop, exit) = if !latest || rng.random_bool(0.88) {
                if rng.random_bool(0.9) {
                    (4, None)
                } else {
                    (rng.random_range(1..3), Some(if rng.random_bool(0.6) { "withdrawn" } else { "referred_out" }))
                }
            } else {
                // 12% of participants have a current arc: most in integration, the heart of the work.
                let r = rng.random_range(0..100);
                (
                    if r < 15 {
                        0
                    } else if r < 30 {
                        1
                    } else if r < 40 {
                        2
                    } else {
                        3
                    },
                    None,
                )
            };
            // The current arc in integration was dosed 1..=120 days ago; others fit in their time.
            let dosed = if latest && stop == 3 {
                now - Duration::days(rng.random_range(1..=120))
            } else {
                opened + Duration::days(30)
            };
            let open_at = if latest && stop == 3 { dosed - Duration::days(30) } else { opened };
            let aid = Uuid::new_v4().to_string();
            let phase = exit.unwrap_or(path[stop]);
            let closed = (stop == 4 || exit.is_some()).then(|| to_db(open_at + Duration::days(150)));
            arc.execute(params![aid, pid, phase, to_db(open_at), tz, closed, closed.as_ref().map(|_| tz)])?;
            c.arcs += 1;
            if phase == "integration" {
                c.arcs_in_integration += 1;
            }
            let mut seq = 1;
            event.execute(params![aid, seq, Option::<&str>::None, "inquiry", to_db(open_at), tz])?;
            for step in 1..=stop {
                seq += 1;
                event.execute(params![
                    aid,
                    seq,
                    path[step - 1],
                    path[step],
                    to_db(open_at + Duration::days(step as i64 * 8)),
                    tz
                ])?;
            }
            if let Some(x) = exit {
                seq += 1;
                event.execute(params![aid, seq, path[stop], x, to_db(open_at + Duration::days(20)), tz])?;
            }
            let mut held = |kind: &str, at: DateTime<Utc>, hours: i64| -> Result<()> {
                let done = at < now;
                session.execute(params![
                    Uuid::new_v4().to_string(),
                    aid,
                    kind,
                    if done { "completed" } else { "scheduled" },
                    to_db(at),
                    tz,
                    done.then(|| to_db(at)),
                    done.then(|| to_db(at + Duration::hours(hours)))
                ])?;
                c.sessions += 1;
                Ok(())
            };
            held("consultation", open_at + Duration::days(2), 1)?;
            if stop >= 1 {
                held("preparation", open_at + Duration::days(10), 2)?;
            }
            if stop == 2 && exit.is_none() {
                held("administration", now + Duration::days(rng.random_range(1..30)), 6)?;
            }
            if stop >= 3 && exit.is_none() {
                held("administration", dosed - Duration::hours(6), 6)?;
                for s in 0..rng.random_range(0..3) {
                    held("integration", dosed + Duration::days(10 + s * 20), 1)?;
                }
                let anchor = dosed;
                dosed_arcs.push((aid.clone(), anchor));
                // A slice of current arcs has gone quiet: nothing resolved since the first call.
                let quiet = latest && stop == 3 && rng.random_bool(0.06);
                for (i, step) in plan.steps.iter().enumerate() {
                    let id = Uuid::new_v4().to_string();
                    let due = due_at(anchor, step.offset, zone, ten)?;
                    // Most past-due check-ins are done; the last two days' often not yet.
                    let keeps_up = if due > now - Duration::days(2) { 0.5 } else { 0.97 };
                    // A completed arc has nothing left due: what fell after its closing was skipped.
                    let after_close = stop == 4 && due >= now;
                    let resolved =
                        after_close || (due < now && !(quiet && i > 0) && (stop == 4 || rng.random_bool(keeps_up)));
                    let skipped = after_close || (resolved && rng.random_bool(0.12));
                    let contact = due + Duration::hours(rng.random_range(0..48));
                    let contact = if contact > now { now } else { contact };
                    let note_id = (resolved && !skipped).then(|| Uuid::new_v4().to_string());
                    if let Some(n) = &note_id {
                        note.execute(params![n, aid, note_text(&mut rng), to_db(contact), tz])?;
                        c.notes += 1;
                    }
                    let status = if !resolved {
                        "due"
                    } else if skipped {
                        "skipped"
                    } else {
                        "completed"
                    };
                    checkin.execute(params![
                        id,
                        aid,
                        (i + 1) as i64,
                        step.offset.amount,
                        step.offset.unit.as_str(),
                        to_db(anchor),
                        step.purpose,
                        to_db(due),
                        tz,
                        status,
                        resolved.then(|| to_db(contact)),
                        note_id,
                        skipped.then_some(if after_close {
                            "Arc closed (completion)"
                        } else {
                            "Participant asked for space"
                        })
                    ])?;
                    checkin_event.execute(params![id, 1, "queued", to_db(anchor), to_db(due)])?;
                    if resolved {
                        checkin_event.execute(params![
                            id,
                            2,
                            if skipped { "skipped" } else { "completed" },
                            to_db(contact),
                            Option::<String>::None
                        ])?;
                    }
                    c.checkins += 1;
                }
                for m in 0..rng.random_range(0..=3) {
                    let id = Uuid::new_v4().to_string();
                    let at = anchor + Duration::days(3 + m);
                    let status = if stop == 4 {
                        if rng.random_bool(0.7) { "achieved" } else { "maintaining" }
                    } else {
                        ["planned", "in_progress", "achieved", "maintaining", "lapsed"][rng.random_range(0..5)]
                    };
                    milestone.execute(params![
                        id,
                        aid,
                        format!("{} practice", word(&mut rng, 2)),
                        categories[rng.random_range(0..6)],
                        status,
                        to_db(at)
                    ])?;
                    milestone_event.execute(params![id, 1, Option::<&str>::None, "planned", to_db(at), tz])?;
                    if status != "planned" {
                        milestone_event.execute(params![
                            id,
                            2,
                            "planned",
                            status,
                            to_db(at + Duration::days(14)),
                            tz
                        ])?;
                    }
                    c.milestones += 1;
                }
            }
            opened = open_at + Duration::days(rng.random_range(200..500));
            if latest {
                break;
            }
        }
    }
    if spec.measures {
        c.measure_responses = measures(tx, &dosed_arcs, spec.seed, now)?;
        c.measure_responses += experience(tx, &dosed_arcs, spec.seed, now)?;
        c.administration_records = records(tx, &dosed_arcs, spec.seed, now)?;
    }
    for _ in 0..spec.extra_notes {
        if dosed_arcs.is_empty() {
            break;
        }
        let (aid, anchor) = &dosed_arcs[rng.random_range(0..dosed_arcs.len())];
        let at = *anchor + Duration::days(rng.random_range(1..150));
        let at = if at > now { now } else { at };
        note.execute(params![Uuid::new_v4().to_string(), aid, note_text(&mut rng), to_db(at), tz])?;
        c.notes += 1;
    }
    Ok(c)
}

/// A response given at `at`, stored with its scoring's total, band and criterion (none critical).
const INSERT_RESPONSE: &str = "INSERT INTO measure_response (id, arc_id, measure, measure_version, timepoint,
       administered_at, administered_tz, answers, total, band, criterion, critical, created_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'Europe/Berlin', ?7, ?8, ?9, ?10, NULL, ?6)";

/// Scores `answers` with the measure's own scoring, as a response given in the app is, and stores it.
fn scored(
    insert: &mut rusqlite::Statement<'_>,
    arc: &str,
    m: &crate::measures::Measure,
    timepoint: &str,
    at: DateTime<Utc>,
    answers: serde_json::Map<String, serde_json::Value>,
) -> Result<()> {
    let score = crate::measures::scoring::score(m, &answers)?;
    insert.execute(params![
        Uuid::new_v4().to_string(),
        arc,
        m.id,
        m.version,
        timepoint,
        to_db(at),
        serde_json::Value::Object(answers).to_string(),
        score.total,
        score.band,
        score.criterion
    ])?;
    Ok(())
}

/// PHQ-9, GAD-7 and WHO-5 on each dosed arc: a baseline three weeks before dosing, then at one and
/// three months where those have passed; most improve, some do not, a few worsen. Scored by the
/// measures' own scoring, as a response given in the app is.
fn measures(
    tx: &rusqlite::Connection,
    arcs: &[(String, DateTime<Utc>)],
    seed: u64,
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6d65_6173_7572_6573);
    let mut insert = tx.prepare(INSERT_RESPONSE)?;
    /// A measure, its item count, its top answer, and how a severity of 0..=27 maps to its raw sum.
    type Shape = (&'static str, usize, i64, fn(i64) -> i64);
    let shapes: [Shape; 3] =
        [("phq9", 9, 3, |s| s), ("gad7", 7, 3, |s| s * 7 / 9), ("who5", 5, 5, |s| 25 - s * 25 / 27)];
    let mut n = 0;
    for (arc, dosed) in arcs {
        let severity = rng.random_range(4..=20i64);
        let change = rng.random_range(-12..=5i64);
        for (at, sev) in [
            (*dosed - Duration::days(21), severity),
            (*dosed + Duration::days(30), (severity + change / 2).clamp(0, 27)),
            (*dosed + Duration::days(91), (severity + change).clamp(0, 27)),
        ] {
            if at >= now {
                break;
            }
            let timepoint = if at < *dosed { "baseline" } else { "follow_up" };
            for (id, items, top, raw) in shapes {
                let m = crate::measures::measure(id)?;
                // Items filled from the first, the critical PHQ-9 item 9 left at 0.
                let mut left = raw(sev).clamp(0, top * (items as i64 - 1));
                let answers: serde_json::Map<String, serde_json::Value> = (1..=items)
                    .map(|k| {
                        let v = if k == items && id == "phq9" { 0 } else { left.min(top) };
                        left -= v;
                        (k.to_string(), serde_json::json!(v))
                    })
                    .collect();
                scored(&mut insert, arc, m, timepoint, at, answers)?;
                n += 1;
            }
        }
    }
    Ok(n)
}

/// MEQ-30 and EBI the day after each dosing session, scored (criterion included) as in the app.
fn experience(
    tx: &rusqlite::Connection,
    arcs: &[(String, DateTime<Utc>)],
    seed: u64,
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x6578_7065_7269_656e);
    let mut insert = tx.prepare(INSERT_RESPONSE)?;
    let mut n = 0;
    for (arc, dosed) in arcs {
        let at = *dosed + Duration::days(1);
        if at >= now {
            continue;
        }
        // How strong the experience was, shared by both measures so that they agree as in life.
        let depth = rng.random_range(0.0..1.0f64);
        for (id, items, top) in [("meq30", 30, 5.0), ("ebi", 6, 100.0)] {
            let m = crate::measures::measure(id)?;
            let answers: serde_json::Map<String, serde_json::Value> = (1..=items)
                .map(|k| {
                    let v = (depth * top + rng.random_range(-0.25..0.25) * top).clamp(0.0, top).round();
                    (k.to_string(), serde_json::json!(v as i64))
                })
                .collect();
            scored(&mut insert, arc, m, "after_administration", at, answers)?;
            n += 1;
        }
    }
    Ok(n)
}

/// A signed administration record for each dosing session: psilocybin (now and then mushrooms or a
/// booster), vitals every two hours, a few observations; `arc_given` kept from them.
fn records(
    tx: &rusqlite::Connection,
    arcs: &[(String, DateTime<Utc>)],
    seed: u64,
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x7265_636f_7264_7321);
    let mut doc = tx.prepare(
        "INSERT INTO document (id, arc_id, template_id, title, answers, state, created_at, updated_at, signed_at, written_tz)
         VALUES (?1, ?2, ?3, 'Administration record', ?4, 'signed', ?5, ?5, ?5, 'Europe/Berlin')",
    )?;
    let mut event =
        tx.prepare("INSERT INTO document_event (document_id, seq, kind, at) VALUES (?1, 1, 'signed', ?2)")?;
    let template: String = tx.query_row(
        "SELECT id FROM template WHERE family = 'arcwell.administration' ORDER BY version DESC LIMIT 1",
        [],
        |r| r.get(0),
    )?;
    let mut n = 0;
    for (arc, ended) in arcs {
        if *ended >= now {
            continue;
        }
        let start = *ended - Duration::hours(6);
        let at = |h: i64| serde_json::json!(to_db(start + Duration::minutes(h)));
        let mut doses = vec![serde_json::json!({
            "substance": if rng.random_bool(0.15) { "Psilocybin mushrooms (dried)" } else { "Psilocybin" },
            "amount": f64::from(rng.random_range(10..=35u32)),
            "route": "Oral",
            "at": at(10),
        })];
        if rng.random_bool(0.1) {
            doses.push(serde_json::json!({ "substance": "Psilocybin", "amount": 5.0, "at": at(90), "booster": true }));
        }
        let vitals: Vec<serde_json::Value> = (0..4)
            .map(|k| {
                serde_json::json!({
                    "at": at(k * 120),
                    "systolic": rng.random_range(110..140u32),
                    "diastolic": rng.random_range(70..90u32),
                    "heart_rate": rng.random_range(60..95u32),
                    "spo2": rng.random_range(95..=100u32),
                })
            })
            .collect();
        let observations: Vec<serde_json::Value> =
            (0..3).map(|k| serde_json::json!({ "at": at(60 + k * 90), "text": note_text(&mut rng) })).collect();
        let answers = serde_json::json!({
            "session_start": to_db(start),
            "session_end": to_db(*ended),
            "doses": doses,
            "vitals": vitals,
            "observations": observations,
        });
        let id = Uuid::new_v4().to_string();
        doc.execute(params![id, arc, template, answers.to_string(), to_db(*ended)])?;
        event.execute(params![id, to_db(*ended)])?;
        n += 1;
    }
    Ok(n)
}

/// Writes an unencrypted copy of a *synthetic* practice to `path`, for plain-SQLite comparisons.
pub fn export_plaintext(practice: &Practice, path: &Path) -> Result<()> {
    if practice.read(crate::domain::profile::load)?.name != SYNTHETIC_NAME {
        return Err(Error::Conflict("only a synthetic practice may be copied unencrypted".into()));
    }
    let version = practice.schema_version()?;
    // A practice reopened after a re-key has no SQLITE_OPEN_CREATE, and ATTACH inherits that.
    std::fs::File::create_new(path).map_err(|e| Error::io(format!("cannot create {}", path.display()), e))?;
    let conn = practice.connection();
    conn.execute("ATTACH DATABASE ?1 AS plaintext KEY ''", [path.to_string_lossy()])?;
    conn.query_row("SELECT sqlcipher_export('plaintext')", [], |_| Ok(()))?;
    conn.execute_batch(&format!(
        "PRAGMA plaintext.user_version = {version}; PRAGMA plaintext.application_id = {};",
        crate::store::migrate::APPLICATION_ID
    ))?;
    conn.execute("DETACH DATABASE plaintext", [])?;
    Ok(())
}

/// Writes the whole practice to a new file at `path` encrypted under a fresh key, as a key
/// rotation does before its checks and rename: the baseline a rotation is measured against.
pub fn export_encrypted(practice: &mut Practice, path: &Path) -> Result<()> {
    practice.export_to(path, &crate::key::DatabaseKey::generate()?)
}

/// Opens a plaintext copy made by [`export_plaintext`], with the same pragmas as the real store.
pub fn open_plaintext(path: &Path) -> Result<Practice> {
    Practice::open_plain_copy(path)
}

/// A synthetic practice and its plaintext copy, both freshly reopened (a new connection and page
/// cache each, as the app would have): what a benchmark compares.
pub struct Pair {
    pub encrypted: Practice,
    pub plain: Practice,
    pub counts: Counts,
    /// How long generating the practice took.
    pub generated_in: std::time::Duration,
    /// Database sizes in MiB: encrypted, plain.
    pub mib: (u64, u64),
}

pub fn encrypted_and_plain(dir: &Path, spec: Spec, now: DateTime<Utc>) -> Result<Pair> {
    let enc_dir = dir.join("encrypted");
    let started = std::time::Instant::now();
    let (practice, counts) = create(&enc_dir, spec, now)?;
    let generated_in = started.elapsed();
    let plain_path = dir.join("plain.db");
    export_plaintext(&practice, &plain_path)?;
    drop(practice);
    let encrypted = Practice::open_with_passphrase(&enc_dir, &Passphrase::new(PASSPHRASE), &Keychain::Off)?;
    let plain = open_plaintext(&plain_path)?;
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len() / (1 << 20)).unwrap_or(0);
    let mib = (size(&crate::store::db_path(&enc_dir)), size(&plain_path));
    Ok(Pair { encrypted, plain, counts, generated_in, mib })
}

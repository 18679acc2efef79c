//! The participant's side of a check-in, offline: a packet (one self-contained HTML file) the
//! participant fills in on their own device, and the reply it makes, encrypted in their browser to
//! the practice's reply key, imported here. Arcwell sends and receives nothing; the facilitator
//! carries both files. The format is in `docs/checkin-packet.md`; the model in ARCHITECTURE.md.

mod identity;
mod page;
mod reply;

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::backup::archive::{hex, sha256_hex};
use crate::domain::arc::Phase;
use crate::domain::id_from_db;
use crate::domain::time::{ZonedTime, from_db, to_db};
use crate::error::{AreaError, ErrorCode};
use crate::integration::checkin::CheckInStatus;
use crate::measures::{Measure, MeasureItem, ResponseOption, Slider, measure};
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

pub use reply::MAX_REPLY_BYTES;

/// What a packet asks for, and from whom.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct MakePacket {
    /// A due check-in: its prompts and the measures it still asks for.
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub checkin_id: Option<Uuid>,
    /// An arc: what its plan asks for now (its earliest due check-in, or before integration the
    /// baseline measures not yet given).
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub arc_id: Option<Uuid>,
    /// A short personal message shown at the top.
    #[serde(default)]
    #[ts(optional)]
    pub message: Option<String>,
    /// Greet the participant by first name (off: no name goes into the file).
    #[serde(default)]
    pub first_name: bool,
    /// Days the packet can be answered in (1–180; 30 when absent).
    #[serde(default)]
    #[ts(optional)]
    pub expires_days: Option<u32>,
}

/// A question of a packet. Its key says where the answer lands in the integration note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// `p1`, `p2`, … for the check-in's prompts; `wellbeing`, `challenges`, `support_needed`, `more`.
    pub key: String,
    pub text: String,
    pub kind: QuestionKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub max: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum QuestionKind {
    /// Written words.
    Text,
    /// A whole number from `min` to `max`.
    Scale,
}

/// A measure as the page shows it: items, answer labels, instructions, citation and licence.
#[derive(Debug, Clone, Serialize)]
struct PacketMeasure<'m> {
    id: &'m str,
    version: u32,
    name: &'m str,
    title: &'m str,
    instructions: &'m str,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    options: &'m [ResponseOption],
    #[serde(skip_serializing_if = "Option::is_none")]
    slider: Option<&'m Slider>,
    items: &'m [MeasureItem],
    citation: &'m str,
    licence: &'m str,
}

impl<'m> From<&'m Measure> for PacketMeasure<'m> {
    fn from(m: &'m Measure) -> Self {
        PacketMeasure {
            id: &m.id,
            version: m.version,
            name: &m.name,
            title: &m.title,
            instructions: &m.instructions,
            options: &m.options,
            slider: m.slider.as_ref(),
            items: &m.items,
            citation: &m.citation,
            licence: &m.licence,
        }
    }
}

/// What the page carries (the JSON data block): everything it shows, the key it encrypts to, and
/// the token its reply must return. No id of the arc, the check-in or the participant.
#[derive(Debug, Serialize)]
struct Content<'a> {
    format: &'static str,
    version: u32,
    id: Uuid,
    token: &'a str,
    recipient: &'a str,
    expires: String,
    /// The last day, in the facilitator's words ("4 January 2027").
    expires_label: String,
    first_name: Option<&'a str>,
    facilitator: &'a str,
    message: Option<&'a str>,
    purpose: &'a str,
    questions: &'a [Question],
    measures: Vec<PacketMeasure<'static>>,
}

pub const PACKET_FORMAT: &str = "arcwell-checkin-packet";
pub const REPLY_FORMAT: &str = "arcwell-checkin-reply";

/// A packet written.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PacketMade {
    #[ts(type = "string")]
    pub id: Uuid,
    pub file: String,
    #[ts(type = "number")]
    pub bytes: u64,
    pub expires: ZonedTime,
    pub questions: Vec<Question>,
    pub measures: Vec<String>,
    /// What the file holds in the clear, to show beside the result.
    pub warning: String,
}

/// A packet as listed on its arc.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PacketSummary {
    #[ts(type = "string")]
    pub id: Uuid,
    #[ts(type = "string")]
    pub arc_id: Uuid,
    #[ts(type = "string | null")]
    pub checkin_id: Option<Uuid>,
    pub created: ZonedTime,
    pub expires: ZonedTime,
    pub answered: Option<ZonedTime>,
    #[ts(type = "string | null")]
    pub document_id: Option<Uuid>,
    pub measures: Vec<String>,
}

/// What an imported reply became.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ReplyImported {
    #[ts(type = "string")]
    pub packet_id: Uuid,
    #[ts(type = "string")]
    pub arc_id: Uuid,
    #[ts(type = "string")]
    pub participant_id: Uuid,
    pub participant_name: String,
    #[ts(type = "string | null")]
    pub checkin_id: Option<Uuid>,
    /// The draft integration note holding the written answers (none when only measures came).
    #[ts(type = "string | null")]
    pub document_id: Option<Uuid>,
    /// Each measure response made, scored.
    pub responses: Vec<crate::measures::response::MeasureResponse>,
    /// A critical answer came: it is an alert on Today now.
    pub critical: bool,
}

/// Shown before a packet is written: what it holds in the clear.
pub const WARNING: &str = "The packet is not encrypted: it holds the check-in's questions, the \
measures and your message (and the participant's first name only if you chose it). The \
participant's answers are encrypted before they leave their device.";

/// What the packet rules refuse. Every refusal of a reply changes nothing.
#[derive(Debug, thiserror::Error)]
pub enum PacketError {
    #[error("that check-in is {0}; a packet asks for a check-in still due")]
    CheckInNotDue(&'static str),
    #[error("the arc is closed ({0}); packets are for open arcs")]
    ArcClosed(&'static str),
    #[error("nothing is asked of this arc now: no check-in is due and no baseline measure is left to give")]
    NothingAsked,
    #[error("{0}")]
    Refused(String),
    #[error("this packet was already answered: a reply to it was imported on {0}{1}; nothing was imported")]
    AlreadyAnswered(String, &'static str),
    #[error("the packet this reply answers expired on {0}; nothing was imported. Send a new packet")]
    Expired(String),
}

impl AreaError for PacketError {
    fn code(&self) -> ErrorCode {
        match self {
            PacketError::Refused(_) => ErrorCode::InvalidInput,
            _ => ErrorCode::Conflict,
        }
    }
}

const FIXED: [(&str, &str); 3] = [
    ("challenges", "What feels hard at the moment?"),
    ("support_needed", "What would help you now?"),
    ("more", "Is there anything else you would like me to know?"),
];

/// The questions of a check-in's packet: its prompts, wellbeing, and the fixed three.
fn questions_for(prompts: &[String]) -> Vec<Question> {
    let text = |key: String, text: &str| Question {
        key,
        text: text.to_owned(),
        kind: QuestionKind::Text,
        min: None,
        max: None,
    };
    let mut out: Vec<Question> = prompts.iter().enumerate().map(|(i, p)| text(format!("p{}", i + 1), p)).collect();
    out.push(Question {
        key: "wellbeing".into(),
        text: "Overall, how is your wellbeing today? (1 = very low, 10 = very good)".into(),
        kind: QuestionKind::Scale,
        min: Some(1),
        max: Some(10),
    });
    out.extend(FIXED.iter().map(|(k, t)| text((*k).to_owned(), t)));
    out
}

/// What a packet for `input` asks: (arc, check-in, purpose, questions, measures).
struct Asked {
    arc: Uuid,
    checkin: Option<Uuid>,
    purpose: String,
    questions: Vec<Question>,
    measures: Vec<&'static Measure>,
}

fn asked(conn: &Connection, input: &MakePacket) -> Result<Asked> {
    let checkin = match (input.checkin_id, input.arc_id) {
        (Some(c), None) => Some(crate::integration::checkin::get(conn, c)?),
        (None, Some(arc)) => {
            let a = crate::domain::arc::get(conn, arc)?;
            if a.phase.is_closed() {
                return Err(PacketError::ArcClosed(a.phase.as_str()).into());
            }
            let due = crate::integration::checkin::for_arc(conn, arc)?
                .into_iter()
                .filter(|c| c.status == CheckInStatus::Due)
                .min_by_key(|c| c.due.utc);
            if due.is_none() && matches!(a.phase, Phase::Inquiry | Phase::Preparation | Phase::Administration) {
                let given = given(conn, arc, None)?;
                let plan = crate::integration::plan::for_arc(conn, arc)?;
                let measures = plan
                    .baseline_measures
                    .iter()
                    .filter(|m| !given.contains(*m))
                    .map(|m| measure(m))
                    .collect::<Result<Vec<_>>>()?;
                if measures.is_empty() {
                    return Err(PacketError::NothingAsked.into());
                }
                return Ok(Asked {
                    arc,
                    checkin: None,
                    purpose: "Before our session".into(),
                    questions: Vec::new(),
                    measures,
                });
            }
            Some(due.ok_or(PacketError::NothingAsked)?)
        }
        _ => return Err(Error::invalid("name either a check-in or an arc for the packet, not both")),
    };
    let Some(c) = checkin else { return Err(PacketError::NothingAsked.into()) };
    let a = crate::domain::arc::get(conn, c.arc_id)?;
    if a.phase.is_closed() {
        return Err(PacketError::ArcClosed(a.phase.as_str()).into());
    }
    if c.status != CheckInStatus::Due {
        return Err(PacketError::CheckInNotDue(c.status.as_str()).into());
    }
    let given = given(conn, c.arc_id, Some(c.id))?;
    let measures = c.measures.iter().filter(|m| !given.contains(*m)).map(|m| measure(m)).collect::<Result<Vec<_>>>()?;
    Ok(Asked {
        arc: c.arc_id,
        checkin: Some(c.id),
        purpose: c.purpose.clone(),
        questions: questions_for(&c.prompts),
        measures,
    })
}

/// The measures already given on the arc: at the check-in, or as baseline when `checkin` is none.
fn given(conn: &Connection, arc: Uuid, checkin: Option<Uuid>) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT measure FROM measure_response WHERE arc_id = ?1 AND withdrawn_at IS NULL
           AND (CASE WHEN ?2 IS NULL THEN timepoint = 'baseline' ELSE checkin_id = ?2 END)",
    )?;
    let rows = stmt.query_map(params![arc.to_string(), checkin.map(|c| c.to_string())], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The packet's token: 128 random bits, as hex.
fn new_token() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| Error::Internal("the system gave no randomness for a packet token"))?;
    Ok(hex(&bytes))
}

/// The facilitator's words for a day: "4 January 2027".
fn day_label(at: DateTime<Utc>, zone: &str) -> String {
    match zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => at.with_timezone(&tz).format("%-d %B %Y").to_string(),
        Err(_) => at.format("%-d %B %Y").to_string(),
    }
}

/// Check-in packets and their replies.
/// Borrowed from a practice by [`Practice::packets`].
pub struct Packets<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl Packets<'_> {
    /// Writes a packet to `dest` (a new file; nothing is replaced) and records it. The practice's
    /// reply key is made with the first packet.
    pub fn make(self, input: &MakePacket, dest: &Path, now: DateTime<Utc>) -> Result<PacketMade> {
        let days = input.expires_days.unwrap_or(30);
        if !(1..=180).contains(&days) {
            return Err(Error::invalid("a packet can be answered for 1 to 180 days; choose a number in that range"));
        }
        let message = input.message.as_deref().map(str::trim).filter(|m| !m.is_empty());
        if message.is_some_and(|m| m.chars().count() > 2_000) {
            return Err(Error::invalid("the message is longer than 2,000 characters; keep it short"));
        }
        let dest = crate::export::destination(dest)?;
        let token = new_token()?;
        let id = Uuid::new_v4();
        let expires = now + Duration::days(i64::from(days));
        let (html, asked, zone) = self.practice.write(|tx| {
            let asked = asked(tx, input)?;
            let me = crate::domain::profile::load(tx)?;
            let who = crate::domain::participant::get(tx, crate::domain::arc::get(tx, asked.arc)?.participant_id)?;
            let first = who.name.split_whitespace().next().unwrap_or(&who.name).to_owned();
            let recipient = identity::get_or_make(tx, now)?;
            let content = Content {
                format: PACKET_FORMAT,
                version: 1,
                id,
                token: &token,
                recipient: &recipient,
                expires: to_db(expires),
                expires_label: day_label(expires, &me.timezone),
                first_name: input.first_name.then_some(first.as_str()),
                facilitator: &me.name,
                message,
                purpose: &asked.purpose,
                questions: &asked.questions,
                measures: asked.measures.iter().map(|m| PacketMeasure::from(*m)).collect(),
            };
            let html = page::fill(&content)?;
            tx.execute(
                "INSERT INTO packet (id, arc_id, checkin_id, timepoint, token_sha256, questions, measures, first_name,
                   created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    id.to_string(),
                    asked.arc.to_string(),
                    asked.checkin.map(|c| c.to_string()),
                    if asked.checkin.is_some() { "follow_up" } else { "baseline" },
                    sha256_hex(token.as_bytes()),
                    serde_json::to_string(&asked.questions).map_err(|_| Error::Internal("a packet's questions"))?,
                    serde_json::to_string(&asked.measures.iter().map(|m| &m.id).collect::<Vec<_>>())
                        .map_err(|_| Error::Internal("a packet's measures"))?,
                    input.first_name,
                    to_db(now),
                    to_db(expires),
                ],
            )?;
            audit::record(
                tx,
                Action::Export,
                &Subject::Packet(id),
                Some(if input.first_name { "packet with first name" } else { "packet" }),
            )?;
            Ok((html, asked, me.timezone))
        })?;
        // Written after the row is committed: a packet file whose row is missing could never be
        // imported. A failed write leaves an unused row, which expires.
        let file = crate::export::write_new(&dest, |w| w.write_all(html.as_bytes()))?;
        Ok(PacketMade {
            id,
            file: file.display().to_string(),
            bytes: html.len() as u64,
            expires: ZonedTime::new(expires, &zone),
            questions: asked.questions,
            measures: asked.measures.iter().map(|m| m.id.clone()).collect(),
            warning: WARNING.to_owned(),
        })
    }

    /// The packets written for an arc, newest first.
    pub fn of_arc(self, arc: Uuid) -> Result<Vec<PacketSummary>> {
        self.practice.read(|conn| {
            let zone = crate::domain::profile::load(conn)?.timezone;
            let mut stmt = conn.prepare_cached(
                "SELECT id, arc_id, checkin_id, created_at, expires_at, answered_at, document_id, measures
                 FROM packet WHERE arc_id = ?1 ORDER BY created_at DESC, id",
            )?;
            let rows = stmt.query_map([arc.to_string()], |r| {
                let id = |i: usize| r.get::<_, Option<String>>(i)?.as_deref().map(id_from_db).transpose();
                let at = |i: usize| -> rusqlite::Result<Option<ZonedTime>> {
                    r.get::<_, Option<String>>(i)?.map(|t| ZonedTime::from_db(&t, &zone)).transpose()
                };
                Ok(PacketSummary {
                    id: id_from_db(&r.get::<_, String>(0)?)?,
                    arc_id: id_from_db(&r.get::<_, String>(1)?)?,
                    checkin_id: id(2)?,
                    created: ZonedTime::from_db(&r.get::<_, String>(3)?, &zone)?,
                    expires: ZonedTime::from_db(&r.get::<_, String>(4)?, &zone)?,
                    answered: at(5)?,
                    document_id: id(6)?,
                    measures: crate::integration::plan::prompts_from_db(&r.get::<_, String>(7)?)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// Imports a reply file's bytes: decrypted in memory with the practice's reply key, checked
    /// against its packet, then landed in one transaction as a draft integration note and scored
    /// measure responses, each marked as reported by the participant. Any refusal changes nothing.
    pub fn import(self, bytes: &[u8], now: DateTime<Utc>) -> Result<ReplyImported> {
        let secret = self.practice.read(identity::get)?;
        let Some(secret) = secret else {
            return Err(PacketError::Refused(
                "this practice has written no packet yet, so no reply can be meant for it; nothing was imported".into(),
            )
            .into());
        };
        let plain = reply::decrypt(bytes, &secret)?;
        let parsed = reply::parse(&plain)?;
        let reply_sha256 = sha256_hex(bytes);
        let zone = self.practice.facilitator().profile()?.timezone;
        let (packet, document, responses) = self.practice.write(|tx| land(tx, &parsed, &reply_sha256, &zone, now))?;
        let responses =
            responses.into_iter().map(|r| self.practice.measures().response(r)).collect::<Result<Vec<_>>>()?;
        let arc = self.practice.read(|conn| crate::domain::arc::get(conn, packet.arc))?;
        let who = self.practice.participants().get(arc.participant_id)?;
        Ok(ReplyImported {
            packet_id: packet.id,
            arc_id: packet.arc,
            participant_id: who.id,
            participant_name: who.name,
            checkin_id: packet.checkin,
            document_id: document,
            critical: responses.iter().any(|r| !r.score.critical.is_empty()),
            responses,
        })
    }

    /// Imports a reply file by its path: read no further than a reply can be long (a larger file
    /// is refused by its size), then as [`Packets::import`].
    pub fn import_file(self, path: &Path, now: DateTime<Utc>) -> Result<ReplyImported> {
        let bytes = reply::read_file(path)?;
        self.import(&bytes, now)
    }

    /// The reply key's secret half (`AGE-SECRET-KEY-1…`), for reading a reply with the `age` CLI.
    /// Audited; `None` before the first packet.
    pub fn reveal_identity(self) -> Result<Option<String>> {
        self.practice.write(|tx| {
            let secret = identity::get(tx)?;
            audit::record(tx, Action::Export, &Subject::Practice, Some("reply key"))?;
            Ok(secret.map(|s| age::secrecy::ExposeSecret::expose_secret(&s).to_owned()))
        })
    }
}

/// A packet row, as a reply is checked against it.
pub(crate) struct PacketRow {
    id: Uuid,
    arc: Uuid,
    checkin: Option<Uuid>,
    follow_up: bool,
    token_sha256: String,
    questions: Vec<Question>,
    measures: Vec<String>,
    created: DateTime<Utc>,
    expires: DateTime<Utc>,
    answered: Option<(DateTime<Utc>, String)>,
}

fn packet_row(conn: &Connection, id: Uuid) -> Result<Option<PacketRow>> {
    let row = conn
        .query_row(
            "SELECT arc_id, checkin_id, timepoint, token_sha256, questions, measures, created_at, expires_at,
                    answered_at, reply_sha256
             FROM packet WHERE id = ?1",
            [id.to_string()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, Option<String>>(9)?,
                ))
            },
        )
        .optional()?;
    let Some((arc, checkin, timepoint, token_sha256, questions, measures, created, expires, answered, sha)) = row
    else {
        return Ok(None);
    };
    let stored = |_: serde_json::Error| Error::Internal("a stored packet's questions or measures do not read");
    Ok(Some(PacketRow {
        id,
        arc: id_from_db(&arc)?,
        checkin: checkin.as_deref().map(id_from_db).transpose()?,
        follow_up: timepoint == "follow_up",
        token_sha256,
        questions: serde_json::from_str(&questions).map_err(stored)?,
        measures: serde_json::from_str(&measures).map_err(stored)?,
        created: from_db(&created)?,
        expires: from_db(&expires)?,
        answered: match (answered, sha) {
            (Some(at), Some(sha)) => Some((from_db(&at)?, sha)),
            _ => None,
        },
    }))
}

/// Lands a checked reply: the packet is looked up and checked inside the write transaction, so two
/// imports of one reply cannot both pass.
fn land(
    tx: &Transaction<'_>,
    r: &reply::Reply,
    reply_sha256: &str,
    zone: &str,
    now: DateTime<Utc>,
) -> Result<(PacketRow, Option<Uuid>, Vec<Uuid>)> {
    let refused = |m: &str| Error::from(PacketError::Refused(format!("{m}; nothing was imported")));
    let packet = packet_row(tx, r.packet)?.ok_or_else(|| {
        refused("this reply answers a packet this practice has no record of (it may have been made by another copy of the practice, or purged)")
    })?;
    if sha256_hex(r.token.as_bytes()) != packet.token_sha256 {
        return Err(refused(
            "the reply's token does not match its packet's: it was not made from the packet this practice wrote",
        ));
    }
    if let Some((at, sha)) = &packet.answered {
        let same = if sha == reply_sha256 { " (this same file)" } else { " (a different reply)" };
        return Err(PacketError::AlreadyAnswered(day_label(*at, zone), same).into());
    }
    if packet.expires <= now {
        return Err(PacketError::Expired(day_label(packet.expires, zone)).into());
    }
    let arc = crate::domain::arc::get(tx, packet.arc)?;
    if arc.phase.is_closed() {
        return Err(PacketError::ArcClosed(arc.phase.as_str()).into());
    }
    let checked = reply::check(r, &packet.questions, &packet.measures)?;
    // When the participant finished, as their device says; the import's time when that is not
    // between the packet's making and now.
    let at = Some(r.answered_at).filter(|t| *t >= packet.created && *t <= now).unwrap_or(now);
    let at = ZonedTime::new(at, zone);

    let document = match reply::note_answers(&packet.questions, &checked.answers, &day_label(now, zone)) {
        Some(answers) => {
            // The check-in's own note when it is due and has none yet; otherwise a note of its own
            // on the arc. A re-assessment's own document is its form, which the facilitator fills in.
            let (purpose, free) = match packet.checkin {
                Some(c) => {
                    let (purpose, status, reassessment): (String, String, bool) = tx.query_row(
                        "SELECT purpose, status, reassessment FROM checkin WHERE id = ?1",
                        [c.to_string()],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                    )?;
                    let free = status == "due"
                        && !reassessment
                        && crate::documents::document::linked(tx, crate::documents::document::Link::Checkin(c))?
                            .is_none();
                    (Some(purpose), free)
                }
                None => (None, false),
            };
            let template: String = tx.query_row(
                "SELECT id FROM template WHERE family = 'arcwell.integration' ORDER BY version DESC LIMIT 1",
                [],
                |r| r.get(0),
            )?;
            let input = crate::documents::document::SaveDocument {
                arc_id: packet.arc,
                template_id: id_from_db(&template)?,
                checkin_id: packet.checkin.filter(|_| free),
                title: Some(match purpose {
                    Some(p) => format!("Integration note: {p} (the participant's reply)"),
                    None => "The participant's reply".to_owned(),
                }),
                answers,
                ..Default::default()
            };
            let id = crate::documents::document::insert(tx, &input, now)?;
            tx.execute(
                "UPDATE document SET packet_id = ?2 WHERE id = ?1",
                params![id.to_string(), packet.id.to_string()],
            )?;
            Some(id)
        }
        None => None,
    };
    let mut responses = Vec::new();
    for (m, answers) in &checked.measures {
        let input = crate::measures::response::GiveMeasure {
            arc_id: packet.arc,
            measure: m.id.clone(),
            timepoint: if packet.follow_up {
                crate::measures::response::Timepoint::FollowUp
            } else {
                crate::measures::response::Timepoint::Baseline
            },
            at: None,
            checkin_id: packet.checkin,
            session_id: None,
            answers: answers.clone(),
        };
        responses.push(crate::measures::response::insert(tx, m, &input, at.clone(), Some(packet.id), now)?);
    }
    let changed = tx.execute(
        "UPDATE packet SET answered_at = ?2, reply_sha256 = ?3, document_id = ?4 WHERE id = ?1 AND answered_at IS NULL",
        params![packet.id.to_string(), to_db(now), reply_sha256, document.map(|d| d.to_string())],
    )?;
    if changed != 1 {
        return Err(Error::Internal("a packet changed while its reply was imported"));
    }
    audit::record(tx, Action::Import, &Subject::Packet(packet.id), Some("reply"))?;
    Ok((packet, document, responses))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_ins_questions_are_its_prompts_then_wellbeing_and_the_fixed_three() {
        let q = questions_for(&["How did you sleep?".into(), "What keeps returning?".into()]);
        let keys: Vec<&str> = q.iter().map(|q| q.key.as_str()).collect();
        assert_eq!(keys, ["p1", "p2", "wellbeing", "challenges", "support_needed", "more"]);
        assert_eq!(q[0].text, "How did you sleep?");
        assert_eq!((q[2].kind, q[2].min, q[2].max), (QuestionKind::Scale, Some(1), Some(10)));
    }

    #[test]
    fn tokens_are_128_random_bits_and_differ() {
        let a = new_token().unwrap();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, new_token().unwrap());
    }
}

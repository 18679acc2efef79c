//! Participants: the people a facilitator accompanies, each with any number of arcs over the years.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use super::time::{from_db, parse_date, to_db};
use super::{MAX_LINE_CHARS, id_from_db, optional_line, optional_text, required_line};
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Participant {
    #[ts(type = "string")]
    pub id: Uuid,
    pub name: String,
    pub pronouns: Option<String>,
    pub contact: Option<String>,
    pub emergency_contact: Option<String>,
    /// `YYYY-MM-DD`.
    #[ts(type = "string | null")]
    pub date_of_birth: Option<NaiveDate>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    #[ts(type = "string")]
    pub created_at: DateTime<Utc>,
    #[ts(type = "string")]
    pub updated_at: DateTime<Utc>,
}

/// What the facilitator types for a new participant, or the full new state when editing one.
/// Blank optional fields are stored as absent.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct ParticipantInput {
    pub name: String,
    #[ts(optional)]
    pub pronouns: Option<String>,
    #[ts(optional)]
    pub contact: Option<String>,
    #[ts(optional)]
    pub emergency_contact: Option<String>,
    /// `YYYY-MM-DD`.
    #[ts(optional)]
    pub date_of_birth: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[ts(optional)]
    pub notes: Option<String>,
}

struct Valid {
    name: String,
    pronouns: Option<String>,
    contact: Option<String>,
    emergency_contact: Option<String>,
    date_of_birth: Option<NaiveDate>,
    tags: Vec<String>,
    notes: Option<String>,
}

/// Tags as kept: trimmed, lower-case, each once, sorted; a long one refused (participants' tags and
/// arcs' approach tags alike).
pub(crate) fn normalised_tags(list: &[String]) -> Result<Vec<String>> {
    let mut tags = Vec::new();
    for tag in list {
        if let Some(t) = optional_line("a tag", Some(tag))? {
            let t = t.to_lowercase();
            if t.chars().count() > MAX_LINE_CHARS / 10 {
                return Err(Error::invalid(format!("the tag {t:?} is too long; keep tags to a few words")));
            }
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
    }
    tags.sort();
    Ok(tags)
}

impl ParticipantInput {
    fn validate(&self, today: NaiveDate) -> Result<Valid> {
        let date_of_birth = match optional_line("date of birth", self.date_of_birth.as_deref())? {
            None => None,
            Some(s) => {
                let d = parse_date(&s)?;
                if d > today {
                    return Err(Error::invalid(format!("the date of birth {d} is in the future; check the year")));
                }
                Some(d)
            }
        };
        let tags = normalised_tags(&self.tags)?;
        Ok(Valid {
            name: required_line("a participant's name", &self.name)?,
            pronouns: optional_line("pronouns", self.pronouns.as_deref())?,
            contact: optional_line("contact", self.contact.as_deref())?,
            emergency_contact: optional_line("emergency contact", self.emergency_contact.as_deref())?,
            date_of_birth,
            tags,
            notes: optional_text("notes", self.notes.as_deref())?,
        })
    }
}

const COLUMNS: &str = "id, name, pronouns, contact, emergency_contact, date_of_birth, notes, created_at, updated_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Participant> {
    let dob: Option<String> = r.get(5)?;
    Ok(Participant {
        id: id_from_db(&r.get::<_, String>(0)?)?,
        name: r.get(1)?,
        pronouns: r.get(2)?,
        contact: r.get(3)?,
        emergency_contact: r.get(4)?,
        date_of_birth: dob.as_deref().map(date_from_db).transpose()?,
        tags: Vec::new(),
        notes: r.get(6)?,
        created_at: from_db(&r.get::<_, String>(7)?)?,
        updated_at: from_db(&r.get::<_, String>(8)?)?,
    })
}

fn date_from_db(s: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(5, rusqlite::types::Type::Text, Box::new(e)))
}

fn load_tags(conn: &Connection, id: Uuid) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT tag FROM participant_tag WHERE participant_id = ?1 ORDER BY tag")?;
    let tags = stmt.query_map([id.to_string()], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(tags)
}

fn save_tags(conn: &Connection, id: Uuid, tags: &[String]) -> Result<()> {
    conn.execute("DELETE FROM participant_tag WHERE participant_id = ?1", [id.to_string()])?;
    let mut stmt = conn.prepare_cached("INSERT INTO participant_tag (participant_id, tag) VALUES (?1, ?2)")?;
    for tag in tags {
        stmt.execute(params![id.to_string(), tag])?;
    }
    Ok(())
}

pub(crate) fn get(conn: &Connection, id: Uuid) -> Result<Participant> {
    let mut p = conn
        .query_row(&format!("SELECT {COLUMNS} FROM participant WHERE id = ?1"), [id.to_string()], from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound { what: "participant", id: id.to_string() })?;
    p.tags = load_tags(conn, id)?;
    Ok(p)
}

pub(crate) fn insert(conn: &Connection, input: &ParticipantInput, now: DateTime<Utc>, id: Uuid) -> Result<Participant> {
    let v = input.validate(now.date_naive())?;
    conn.execute(
        &format!("INSERT INTO participant ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)"),
        params![
            id.to_string(),
            v.name,
            v.pronouns,
            v.contact,
            v.emergency_contact,
            v.date_of_birth.map(|d| d.to_string()),
            v.notes,
            to_db(now)
        ],
    )?;
    save_tags(conn, id, &v.tags)?;
    get(conn, id)
}

/// Participants: add, edit, find, list.
/// Borrowed from a practice by [`Practice::participants`].
pub struct Participants<'p> {
    pub(crate) practice: &'p mut Practice,
}

impl Participants<'_> {
    pub fn add(self, input: &ParticipantInput, now: DateTime<Utc>) -> Result<Participant> {
        self.practice.write(|tx| {
            let p = insert(tx, input, now, Uuid::new_v4())?;
            audit::record(tx, Action::Create, &Subject::Participant(p.id), None)?;
            Ok(p)
        })
    }

    /// Replaces every field with `input`; blank optional fields become absent.
    pub fn edit(self, id: Uuid, input: &ParticipantInput, now: DateTime<Utc>) -> Result<Participant> {
        self.practice.write(|tx| {
            let v = input.validate(now.date_naive())?;
            let changed = tx.execute(
                "UPDATE participant SET name = ?2, pronouns = ?3, contact = ?4, emergency_contact = ?5,
                 date_of_birth = ?6, notes = ?7, updated_at = ?8 WHERE id = ?1",
                params![
                    id.to_string(),
                    v.name,
                    v.pronouns,
                    v.contact,
                    v.emergency_contact,
                    v.date_of_birth.map(|d| d.to_string()),
                    v.notes,
                    to_db(now)
                ],
            )?;
            if changed == 0 {
                return Err(Error::NotFound { what: "participant", id: id.to_string() });
            }
            save_tags(tx, id, &v.tags)?;
            audit::record(tx, Action::Update, &Subject::Participant(id), None)?;
            get(tx, id)
        })
    }

    pub fn get(self, id: Uuid) -> Result<Participant> {
        self.practice.read(|conn| get(conn, id))
    }

    /// Every participant, by name.
    pub fn list(self) -> Result<Vec<Participant>> {
        self.practice.read(|conn| {
            let mut stmt =
                conn.prepare_cached(&format!("SELECT {COLUMNS} FROM participant ORDER BY name COLLATE NOCASE, id"))?;
            let mut list = stmt.query_map([], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
            let mut tags = conn.prepare_cached("SELECT participant_id, tag FROM participant_tag ORDER BY tag")?;
            let mut by_id = std::collections::HashMap::<String, Vec<String>>::new();
            for row in tags.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
                let (pid, tag) = row?;
                by_id.entry(pid).or_default().push(tag);
            }
            for p in &mut list {
                p.tags = by_id.remove(&p.id.to_string()).unwrap_or_default();
            }
            Ok(list)
        })
    }
}

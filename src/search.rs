//! Full-text search over participants, check-in notes and documents: SQLite FTS5 inside the
//! encrypted database, ranked by BM25, with snippets and filters.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use rusqlite::types::Value as SqlValue;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::domain::id_from_db;
use crate::domain::profile;
use crate::domain::time::at_local;
use crate::domain::time::{ZonedTime, parse_date, to_db};
use crate::{Error, Practice, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename_all = "snake_case")]
pub enum HitKind {
    Participant,
    Note,
    Document,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct SearchQuery {
    /// Words to find (all of them, in any order, accents and case ignored); "quoted phrases" too.
    pub text: String,
    /// Only documents of this phase (`preparation`, `screening`, `consent`, `administration`, `integration`).
    #[serde(default)]
    #[ts(optional)]
    pub phase: Option<String>,
    #[serde(default)]
    #[ts(optional, type = "string")]
    pub participant: Option<Uuid>,
    /// `YYYY-MM-DD`, local: written on or after.
    #[serde(default)]
    #[ts(optional)]
    pub from: Option<String>,
    /// `YYYY-MM-DD`, local: written on or before.
    #[serde(default)]
    #[ts(optional)]
    pub to: Option<String>,
    /// At most this many hits (default 50, at most 500).
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[ts(export)]
pub struct SearchHit {
    pub kind: HitKind,
    /// The participant, note or document found.
    #[ts(type = "string")]
    pub id: Uuid,
    #[ts(type = "string")]
    pub participant_id: Uuid,
    pub participant_name: String,
    #[ts(type = "string | null")]
    pub arc_id: Option<Uuid>,
    pub phase: Option<String>,
    pub at: ZonedTime,
    pub title: String,
    /// A passage around the match, the matched words between `[` and `]`.
    pub snippet: String,
}

/// The FTS5 query for what a person typed: every word must occur; quoted phrases stay phrases.
/// Operators and punctuation are taken as text, so no input is a syntax error.
pub fn fts_query(text: &str) -> Option<String> {
    let mut parts = Vec::new();
    for (i, chunk) in text.split('"').enumerate() {
        let words: Vec<String> =
            chunk.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
        if words.is_empty() {
            continue;
        }
        if i % 2 == 1 {
            parts.push(format!("\"{}\"", words.join(" ")));
        } else {
            parts.extend(words.into_iter().map(|w| format!("\"{w}\"")));
        }
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A date range holding at most this many entries is searched as the list of its rowids.
const NARROW: i64 = 20_000;

/// Hits are ranked among this many most recently written matches (after the filters).
pub const RANKED: i64 = 2000;

const PHASES: &[&str] = &["preparation", "screening", "consent", "administration", "integration"];

impl Practice {
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<SearchHit>> {
        let Some(fts) = fts_query(&q.text) else {
            return Err(Error::invalid("type at least one word to search for"));
        };
        if let Some(p) = &q.phase
            && !PHASES.contains(&p.as_str())
        {
            return Err(Error::invalid(format!("{p:?} is not a phase; use one of {}", PHASES.join(", "))));
        }
        let limit = q.limit.unwrap_or(50).clamp(1, 500);
        // Drafts typed since the last search are indexed first. Should that fail (a full disk, a
        // lock held past the busy timeout), the search still runs on the index as it stands and
        // the drafts stay marked for the next one.
        let _ = self.refresh_search_index();
        self.read(|conn| {
            let zone_name = profile::load(conn)?.timezone;
            let zone = crate::domain::time::parse_zone(&zone_name)?;
            let bound = |d: &Option<String>, next_day: bool| -> Result<Option<String>> {
                d.as_deref()
                    .map(|s| {
                        let mut day = parse_date(s)?;
                        if next_day {
                            day = day.succ_opt().ok_or_else(|| Error::invalid("that date is out of range"))?;
                        }
                        let start: DateTime<Utc> = at_local(zone, day.and_time(chrono::NaiveTime::MIN));
                        Ok(to_db(start))
                    })
                    .transpose()
            };
            let (from, until) = (bound(&q.from, false)?, bound(&q.to, true)?);
            // The filters, shared by the window query and the main query (parameters from ?2 on).
            let mut filters = String::new();
            let mut args: Vec<SqlValue> = vec![SqlValue::Text(fts)];
            // `clause` is followed by the new parameter; a `?#` inside it names that parameter too.
            let mut push = |clause: &str, v: SqlValue| {
                args.push(v);
                let at = format!("?{}", args.len());
                filters.push_str(&format!(" AND {} {at}", clause.replace("?#", &at)));
            };
            if let Some(p) = q.participant {
                // One participant's entries are few: let FTS5 look only at their rowids.
                push(
                    "search_fts.rowid IN (SELECT rowid FROM search_entry WHERE participant_id = ?#) AND e.participant_id =",
                    SqlValue::Text(p.to_string()),
                );
            }
            if let Some(p) = &q.phase {
                push("e.phase =", SqlValue::Text(p.clone()));
            }
            if from.is_some() || until.is_some() {
                let lo = from.clone().unwrap_or_default();
                let hi = until.clone().unwrap_or_else(|| "9999".into());
                // A narrow range (a month of notes) is cheaper as the list of its rowids than as a
                // check on every match; a wide one is checked per match.
                let in_range: i64 = conn
                    .prepare_cached("SELECT count(*) FROM search_entry WHERE at >= ?1 AND at < ?2")?
                    .query_row([&lo, &hi], |r| r.get(0))?;
                let n = args.len();
                if in_range <= NARROW {
                    args.push(SqlValue::Text(lo));
                    args.push(SqlValue::Text(hi));
                    filters.push_str(&format!(
                        " AND search_fts.rowid IN (SELECT rowid FROM search_entry WHERE at >= ?{} AND at < ?{})",
                        n + 1,
                        n + 2
                    ));
                } else {
                    args.push(SqlValue::Text(lo));
                    args.push(SqlValue::Text(hi));
                    filters.push_str(&format!(" AND e.at >= ?{} AND e.at < ?{}", n + 1, n + 2));
                }
            }
            // Rank only the RANKED most recently written matches: a word in a fifth of 300,000 notes
            // would otherwise be scored 60,000 times. Walking FTS5's rowids (kept in writing order)
            // backwards finds where that window starts; filters apply while walking.
            // Unfiltered, the walk needs no join; filtered, each walked row is checked against the filters.
            let from_fts = if filters.is_empty() {
                "FROM search_fts WHERE search_fts MATCH ?1"
            } else {
                "FROM search_fts JOIN search_entry e ON e.rowid = search_fts.rowid WHERE search_fts MATCH ?1"
            };
            let window_start: Option<i64> = conn
                .prepare_cached(&format!(
                    "SELECT search_fts.rowid {from_fts}{filters} ORDER BY search_fts.rowid DESC LIMIT 1 OFFSET {}",
                    RANKED - 1
                ))?
                .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))
                .optional()?;
            let window = window_start.map(|w| format!(" AND search_fts.rowid >= {w}")).unwrap_or_default();
            let mut sql = format!(
                "SELECT e.kind, e.key, e.participant_id, p.name, e.arc_id, e.phase, e.at, e.title,
                        snippet(search_fts, 1, '[', ']', '…', 12)
                 FROM search_fts JOIN search_entry e ON e.rowid = search_fts.rowid
                 JOIN participant p ON p.id = e.participant_id
                 WHERE search_fts MATCH ?1{filters}{window}"
            );
            sql.push_str(&format!(" ORDER BY rank LIMIT {limit}"));
            let mut stmt = conn.prepare_cached(&sql)?;
            let hits = stmt
                .query_map(rusqlite::params_from_iter(args), |r| {
                    let kind: String = r.get(0)?;
                    let key: String = r.get(1)?;
                    let id = key.split_once(':').map_or(key.as_str(), |(_, id)| id);
                    let arc: Option<String> = r.get(4)?;
                    Ok(SearchHit {
                        kind: match kind.as_str() {
                            "participant" => HitKind::Participant,
                            "note" => HitKind::Note,
                            _ => HitKind::Document,
                        },
                        id: id_from_db(id)?,
                        participant_id: id_from_db(&r.get::<_, String>(2)?)?,
                        participant_name: r.get(3)?,
                        arc_id: arc.as_deref().map(id_from_db).transpose()?,
                        phase: r.get(5)?,
                        at: ZonedTime::from_db(&r.get::<_, String>(6)?, &zone_name)?,
                        title: r.get(7)?,
                        snippet: r.get(8)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(hits)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn what_people_type_becomes_a_safe_query() {
        assert_eq!(fts_query("sleep").as_deref(), Some("\"sleep\""));
        assert_eq!(fts_query("Sleep  MOOD").as_deref(), Some("\"sleep\" \"mood\""));
        assert_eq!(
            fts_query("\"fear of losing control\" grief").as_deref(),
            Some("\"fear of losing control\" \"grief\"")
        );
        assert_eq!(fts_query("NOT AND OR* (x) ^y").as_deref(), Some("\"not\" \"and\" \"or\" \"x\" \"y\""));
        assert_eq!(fts_query(" ,.; "), None);
        assert_eq!(fts_query("\"unclosed phrase").as_deref(), Some("\"unclosed phrase\""));
    }
}

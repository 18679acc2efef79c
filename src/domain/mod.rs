//! The practice's records and the rules they obey: profile, participants, arcs, sessions.
//!
//! Each submodule owns one table family: its types (serialisable for the CLI and UI, exported to
//! TypeScript), its validation, and its area handle (`Participants`, `Arcs`, …) whose methods go
//! through the single write path.

pub mod arc;
pub mod participant;
pub mod profile;
pub mod session;
pub mod status;
pub mod time;

use uuid::Uuid;

use crate::{Error, Result};

/// Longest single-line field (names, pronouns, locations), in characters.
pub const MAX_LINE_CHARS: usize = 500;
/// Longest free-text field (notes, intentions, reasons), in characters.
pub const MAX_TEXT_CHARS: usize = 100_000;

/// A required one-line field: trimmed, not empty, not huge.
pub(crate) fn required_line(field: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Error::invalid(format!("{field} cannot be empty")));
    }
    check_len(field, v, MAX_LINE_CHARS)?;
    Ok(v.to_owned())
}

/// An optional one-line field: blank means absent.
pub(crate) fn optional_line(field: &str, value: Option<&str>) -> Result<Option<String>> {
    optional(field, value, MAX_LINE_CHARS)
}

/// An optional free-text field: blank means absent.
pub(crate) fn optional_text(field: &str, value: Option<&str>) -> Result<Option<String>> {
    optional(field, value, MAX_TEXT_CHARS)
}

fn optional(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => {
            check_len(field, v, max)?;
            Ok(Some(v.to_owned()))
        }
    }
}

fn check_len(field: &str, v: &str, max: usize) -> Result<()> {
    let n = v.chars().count();
    if n > max {
        return Err(Error::invalid(format!(
            "{field} is {n} characters long; the limit is {max}. Shorten it, or split it into several notes"
        )));
    }
    Ok(())
}

/// Parses an id typed by a person or sent by the UI.
pub fn parse_id(what: &'static str, s: &str) -> Result<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| {
        Error::invalid(format!("{s:?} is not a {what} id; ids look like 0b9e6c3e-4f0a-4a7e-9d7b-2f1c8a9e5d21"))
    })
}

/// A column that is not what it should be: the error names the column.
fn unreadable(i: usize, e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
}

/// Reads a UUID stored as text.
pub(crate) fn id_from_db(s: &str) -> rusqlite::Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| unreadable(0, e))
}

/// … from a column's bytes (`bytes`): ids are ASCII, and the parse checks every byte.
pub(crate) fn id_from_bytes(b: &[u8]) -> rusqlite::Result<Uuid> {
    Uuid::try_parse_ascii(b).map_err(|e| unreadable(0, e))
}

/// Rows read in id order (an index's), as the practice-wide reads walk them: each run's id is
/// parsed from its column's bytes once, when the run begins.
#[derive(Default)]
pub(crate) struct IdRuns {
    last: Vec<u8>,
    id: Option<Uuid>,
}

impl IdRuns {
    /// The id `b` spells, and whether a run begins with it (the row before had another).
    pub fn next(&mut self, b: &[u8]) -> rusqlite::Result<(Uuid, bool)> {
        if let Some(id) = self.id
            && self.last == b
        {
            return Ok((id, false));
        }
        let id = id_from_bytes(b)?;
        self.last.clear();
        self.last.extend_from_slice(b);
        self.id = Some(id);
        Ok((id, true))
    }
}

/// A text column borrowed from the row (no copy); an error names the column.
pub(crate) fn text<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(|e| unreadable(i, e))
}

/// A text column's bytes, borrowed unchecked: for the hot reads whose values (ids, states,
/// instants) are ASCII and checked as they are parsed.
pub(crate) fn bytes<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r [u8]> {
    r.get_ref(i)?.as_bytes().map_err(|e| unreadable(i, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_run_begins_where_the_id_changes_and_a_bad_id_is_refused() {
        let (a, b) = ("0b1f5a4e-7c1d-4d8e-9a37-5d2c1e8f9a01", "0b1f5a4e-7c1d-4d8e-9a37-5d2c1e8f9a02");
        let mut runs = IdRuns::default();
        let seen: Vec<(String, bool)> = [a, a, b, a]
            .iter()
            .map(|id| runs.next(id.as_bytes()).map(|(u, begins)| (u.to_string(), begins)).unwrap())
            .collect();
        assert_eq!(seen, [(a.into(), true), (a.into(), false), (b.into(), true), (a.into(), true)]);
        assert!(runs.next(b"not-an-id").is_err());
    }

    #[test]
    fn text_fields_are_trimmed_and_bounded() {
        assert_eq!(required_line("name", "  Wren Alder ").ok(), Some("Wren Alder".into()));
        assert!(required_line("name", "   ").is_err(), "a blank name is refused");
        assert_eq!(optional_line("pronouns", Some("  ")).ok(), Some(None), "blank means absent");
        let huge = "x".repeat(MAX_TEXT_CHARS + 1);
        let err = optional_text("notes", Some(&huge)).err().map(|e| e.to_string());
        assert!(err.is_some_and(|m| m.contains("limit is 100000")), "a huge note says the limit");
    }
}

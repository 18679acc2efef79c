//! Exports: the one way participant data leaves the encrypted practice as a readable file, and
//! only when the facilitator asks — a printable record, CSV files with a data dictionary, and an
//! iCalendar file of the check-ins coming up, and a FHIR R4 Bundle of the outcome measures.

pub mod calendar;
pub mod csv;
pub mod fhir;
pub mod record;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, Practice, Result};

/// Shown before an export is written, and printed on the record's first page.
pub const WARNING: &str = "This file is not encrypted: anyone who can open it can read what it \
holds. Keep it on an encrypted drive, hand it over in person or through a secure channel, \
and delete it when it is no longer needed.";

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Exported {
    /// Every file written, in order.
    pub files: Vec<String>,
    /// Rows (or events) written, not counting headers.
    #[ts(type = "number")]
    pub rows: u64,
    /// The same words as [`WARNING`], so every caller can show them next to the result.
    pub warning: String,
}

/// Whether an export names the participants (and carries free text that may name them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct Privacy {
    #[serde(default)]
    pub names: bool,
}

impl Privacy {
    /// What the audit trail says of an export: its kind, and whether names went with it.
    pub(crate) fn audit_detail(self, kind: &str) -> &'static str {
        match (kind, self.names) {
            ("csv", false) => "csv",
            ("csv", true) => "csv with names",
            ("calendar", false) => "calendar",
            ("calendar", true) => "calendar with names",
            ("fhir", false) => "fhir",
            ("fhir", true) => "fhir with names",
            _ => "export",
        }
    }
}

/// A destination the facilitator typed, made absolute, with its folder checked.
pub(crate) fn destination(dest: &Path) -> Result<PathBuf> {
    let dest = std::path::absolute(dest)
        .map_err(|e| Error::io(format!("cannot use {} as a destination", dest.display()), e))?;
    let parent = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("/"));
    if !parent.is_dir() {
        return Err(Error::invalid(format!(
            "the folder {} does not exist; choose an existing folder (nothing was written)",
            parent.display()
        )));
    }
    if dest.exists() {
        return Err(Error::invalid(format!(
            "{} already exists; choose another name or remove it first (nothing was written)",
            dest.display()
        )));
    }
    Ok(dest)
}

/// Writes a new file at `dest`: into `.<name>.partial…` beside it, synced, then linked into place
/// only if nothing is there yet. On any failure nothing is left behind under either name.
pub(crate) fn write_new(dest: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<PathBuf> {
    let dest = destination(dest)?;
    let parent = dest.parent().unwrap_or(Path::new("/"));
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let failed = |e: io::Error| {
        Error::io(
            format!("could not write {} (is the disk full or read-only?); nothing was written", dest.display()),
            e,
        )
    };
    let mut partial =
        tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".partial").tempfile_in(parent).map_err(failed)?;
    {
        let mut out = io::BufWriter::new(partial.as_file_mut());
        write(&mut out).map_err(failed)?;
        out.flush().map_err(failed)?;
    }
    partial.as_file().sync_all().map_err(failed)?;
    partial.persist_noclobber(&dest).map_err(|e| {
        if e.error.kind() == io::ErrorKind::AlreadyExists {
            Error::invalid(format!(
                "{} appeared while the export was written; choose another name (nothing was written)",
                dest.display()
            ))
        } else {
            failed(e.error)
        }
    })?;
    Ok(dest)
}

/// Exports: calendar, CSV, FHIR, a participant's record.
/// Borrowed from a practice by [`Practice::exports`].
pub struct Exports<'p> {
    pub(crate) practice: &'p mut Practice,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_never_replaces_one_and_a_failed_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("record.html");
        write_new(&dest, |w: &mut dyn Write| w.write_all(b"first")).unwrap();
        let again = write_new(&dest, |w: &mut dyn Write| w.write_all(b"second"));
        assert!(matches!(again, Err(Error::Invalid(m)) if m.contains("already exists")), "an existing file is kept");
        assert_eq!(std::fs::read(&dest).unwrap(), b"first");

        let other = dir.path().join("other.csv");
        let broken = write_new(&other, |w: &mut dyn Write| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(matches!(broken, Err(Error::Io { .. })), "the write error is reported");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(left, vec![std::ffi::OsString::from("record.html")], "no partial file is left behind");

        let nowhere = write_new(&dir.path().join("missing/x.ics"), |w: &mut dyn Write| w.write_all(b"x"));
        assert!(matches!(nowhere, Err(Error::Invalid(m)) if m.contains("does not exist")));
    }
}

//! Phase documents: versioned templates with typed fields, documents written with a template
//! version, signing and amendments, consents and their withdrawal, screening flags, and Oregon's
//! minimum session durations.

pub mod document;
pub mod library;
pub mod oregon;
pub mod packs;
pub mod shipped;
pub mod template;

pub use document::{DocState, Document, DocumentDetail, SaveDocument, ScreeningFlag};
pub use template::{DocPhase, Field, FieldKind, Template};

use crate::Practice;

/// Document templates and template packs.
/// Borrowed from a practice by [`Practice::templates`].
pub struct Templates<'p> {
    pub(crate) practice: &'p mut Practice,
}

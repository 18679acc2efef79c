//! Arcwell core: the encrypted practice store and the rules of a facilitator's practice.
//!
//! Everything the app and the CLI do goes through this crate. It never depends on Tauri; it takes
//! the current time as a parameter wherever a rule depends on it.
#![deny(unsafe_code)]

pub mod backup;
pub mod demo;
pub mod documents;
pub mod domain;
mod error;
pub mod export;
pub mod integration;
pub mod key;
pub mod keychain;
pub mod measures;
pub mod packet;
pub mod practice;
pub mod reminders;
pub mod retention;
pub mod retreat;
pub mod search;
pub mod security;
pub mod stats;
pub mod store;
#[cfg(feature = "synthetic")]
pub mod synthetic;

pub use error::{AreaError, Error, ErrorCode, Result};
pub use keychain::Keychain;
pub use store::{KeySource, Practice};

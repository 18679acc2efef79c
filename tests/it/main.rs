//! The core's integration tests, compiled into one binary: real SQLCipher files in temp dirs, the
//! CLI as a separate process, and a real Secret Service on a private D-Bus.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit;
mod backup;
mod cli;
mod crash;
mod diskfull;
mod documents;
mod domain;
mod export;
mod insight;
mod integration;
mod keychain;
mod layers;
mod measures;
mod notifications;
mod packet;
mod pin;
mod reassessment;
mod rekey;
mod reminders;
mod repair;
mod retention;
mod retreats;
mod schedules;
mod search;
mod store;
mod support;
mod synthetic;
mod tamper;
mod warnings;
mod wording;

//! `arcwell`: the command-line face of the core, for scripts, headless machines and cron.
//!
//! Every command prints for people by default and, with `--json`, prints the objects it read or
//! created. Errors go to stderr (as `{"error":{"code","message","advice"}}` with `--json`) with an exit code
//! per error kind, listed in README.md.

mod advice;
mod args;
mod audit;
mod backup;
mod documents;
mod export;
mod integration;
mod measures;
mod output;
mod reminders;
mod retreat;
mod secret;

use std::process::ExitCode;

use arcwell::{Error, ErrorCode};
use clap::Parser;

fn main() -> ExitCode {
    // The CLI holds the database key and decrypted pages: never in a core file.
    if let Err(e) = arcwell::security::forbid_core_dumps() {
        eprintln!("arcwell: warning: {e}");
    }
    let cli = args::Cli::parse();
    let json = cli.json;
    match args::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            output::error(&e, json);
            ExitCode::from(exit_code(&e))
        }
    }
}

/// Exit codes for scripts: 1 storage, 3 invalid input, 4 not found, 5 conflict, 6 locked or wrong
/// passphrase, 7 practice missing, already there, foreign or too new, 8 broken build (2 is clap's usage error).
fn exit_code(e: &Error) -> u8 {
    match e.code() {
        ErrorCode::Storage | ErrorCode::FileDamaged | ErrorCode::RecordsDamaged => 1,
        ErrorCode::InvalidInput | ErrorCode::ReasonRequired => 3,
        ErrorCode::NotFound => 4,
        ErrorCode::Conflict
        | ErrorCode::TimelineExists
        | ErrorCode::NoDefaultPlan
        | ErrorCode::RecordNotExported
        | ErrorCode::PackOff
        | ErrorCode::ShippedTemplate => 5,
        ErrorCode::PassphraseRequired | ErrorCode::WrongPassphrase | ErrorCode::Locked => 6,
        ErrorCode::NotInitialized
        | ErrorCode::AlreadyInitialized
        | ErrorCode::NotArcwellDatabase
        | ErrorCode::NewerDatabase => 7,
        ErrorCode::EncryptionUnavailable => 8,
    }
}

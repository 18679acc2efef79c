//! Writes a synthetic practice of invented people into a directory, for measuring the app on it
//! (scripts/measure/startup.sh). Keychain off; its passphrase is `arcwell::synthetic::PASSPHRASE`.
//!   cargo run --release --features synthetic --example synthetic_practice -- DIR [PARTICIPANTS]
#![allow(clippy::print_stdout)]

use arcwell::synthetic::{self, Spec};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().ok_or("usage: synthetic_practice DIR [PARTICIPANTS]")?;
    let participants = args.next().map(|n| n.parse()).transpose()?.unwrap_or(10_000);
    let started = std::time::Instant::now();
    let (_practice, counts) = synthetic::create(
        std::path::Path::new(&dir),
        Spec { participants, seed: 7, extra_notes: 0, measures: false },
        chrono::Utc::now(),
    )?;
    println!("{} in {:.1} s", serde_json::to_string(&counts)?, started.elapsed().as_secs_f64());
    Ok(())
}

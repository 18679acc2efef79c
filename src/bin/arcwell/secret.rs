//! Where the CLI gets the recovery passphrase: `ARCWELL_PASSPHRASE`, one line on stdin
//! (`--passphrase-stdin`), or a prompt on the terminal. Never from an argument (it would show in `ps`).

use std::io::{BufRead, IsTerminal};

use arcwell::key::Passphrase;
use arcwell::{Error, Result};

pub const ENV: &str = "ARCWELL_PASSPHRASE";
/// The new recovery passphrase for `arcwell key passphrase`.
pub const NEW_ENV: &str = "ARCWELL_NEW_PASSPHRASE";

/// A new recovery passphrase: `ARCWELL_NEW_PASSPHRASE`, or typed twice at a prompt.
pub fn read_new() -> Result<Passphrase> {
    if let Ok(p) = std::env::var(NEW_ENV) {
        return Ok(Passphrase::new(p));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Invalid(format!(
            "give the new recovery passphrase in {NEW_ENV}, or run this in a terminal"
        )));
    }
    let first = prompt("New recovery passphrase: ")?;
    let again = prompt("Repeat the new recovery passphrase: ")?;
    if *first != *again {
        return Err(Error::Invalid("the two passphrases differ; nothing was changed. Try again".into()));
    }
    Ok(Passphrase::new(first.as_str()))
}

pub fn read(from_stdin: bool, confirm: bool) -> Result<Passphrase> {
    if let Ok(p) = std::env::var(ENV) {
        return Ok(Passphrase::new(p));
    }
    if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Error::Invalid(format!("cannot read the passphrase from stdin: {e}")))?;
        return Ok(Passphrase::from_stdin_line(line));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::PassphraseRequired);
    }
    let first = prompt("Recovery passphrase: ")?;
    if confirm {
        let again = prompt("Repeat the recovery passphrase: ")?;
        if *first != *again {
            return Err(Error::Invalid("the two passphrases differ; nothing was created. Try again".into()));
        }
    }
    Ok(Passphrase::new(first.as_str()))
}

fn prompt(label: &str) -> Result<zeroize::Zeroizing<String>> {
    rpassword::prompt_password(label)
        .map(zeroize::Zeroizing::new)
        .map_err(|e| Error::Invalid(format!("cannot read the passphrase from the terminal: {e}")))
}

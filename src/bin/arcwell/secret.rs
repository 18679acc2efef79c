//! Where the CLI gets the recovery passphrase: the first line of a file only its owner can read
//! (`--passphrase-file`), one line on stdin (`--passphrase-stdin`), `ARCWELL_PASSPHRASE` (for
//! throwaway scripts: any process of the same user can read another's environment), or a prompt
//! on the terminal, in that order. Never from an argument (it would show in `ps`).

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

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

/// Where the recovery passphrase comes from, as the command line says.
pub enum Source {
    File(PathBuf),
    Stdin,
    EnvOrPrompt,
}

pub fn read(source: &Source, confirm: bool) -> Result<Passphrase> {
    match source {
        Source::File(path) => return read_file(path),
        Source::Stdin => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| Error::Invalid(format!("cannot read the passphrase from stdin: {e}")))?;
            return Ok(Passphrase::from_stdin_line(line));
        }
        Source::EnvOrPrompt => {}
    }
    if let Ok(p) = std::env::var(ENV) {
        return Ok(Passphrase::new(p));
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

/// The first line of `path`, refused when anyone but its owner may read or write it.
fn read_file(path: &Path) -> Result<Passphrase> {
    let cannot = |e: std::io::Error| Error::Invalid(format!("cannot read the passphrase file {}: {e}", path.display()));
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        return Err(Error::Invalid(format!("the passphrase file {} is not a file", path.display())));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Error::Invalid(format!(
                "the passphrase file {} may be read by others (mode {mode:04o}); nothing was opened. Make it yours alone: chmod 600 {}",
                path.display(),
                path.display()
            )));
        }
    }
    let text = zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(cannot)?);
    let line = text.lines().next().unwrap_or_default();
    if line.is_empty() {
        return Err(Error::Invalid(format!("the passphrase file {} is empty", path.display())));
    }
    Ok(Passphrase::new(line))
}

fn prompt(label: &str) -> Result<zeroize::Zeroizing<String>> {
    rpassword::prompt_password(label)
        .map(zeroize::Zeroizing::new)
        .map_err(|e| Error::Invalid(format!("cannot read the passphrase from the terminal: {e}")))
}

//! `arcwell backup create|verify|restore|list`: encrypted backups, fit for cron (exit codes, --json,
//! secrets from the environment or a file, never from an argument).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use arcwell::backup::{self, Recipients, Unlock};
use arcwell::key::Passphrase;
use arcwell::{Error, Keychain, Practice, Result};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};

use crate::output;

/// Where a backup passphrase comes from when none of the key options is given.
pub const PASSPHRASE_ENV: &str = "ARCWELL_BACKUP_PASSPHRASE";
/// The recovery passphrase of a practice restored into a new directory.
pub const NEW_PASSPHRASE_ENV: &str = "ARCWELL_NEW_PASSPHRASE";

#[derive(Subcommand)]
pub enum BackupCmd {
    /// Write an encrypted backup of the whole practice. Encrypted to age public keys
    /// (--recipient, --recipients-file), or else to a backup passphrase (ARCWELL_BACKUP_PASSPHRASE,
    /// or asked twice on the terminal)
    Create {
        /// The backup file to write (must not exist)
        #[arg(long, value_name = "FILE", conflicts_with = "folder")]
        to: Option<PathBuf>,
        /// Write it into this folder, named by the practice and the time: arcwell-3f9c0a1b2c4d-2026-12-01T103000Z.arcwell-backup
        #[arg(long, value_name = "DIR")]
        folder: Option<PathBuf>,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Decrypt and check a backup (checksum, integrity, row counts) without restoring it
    Verify {
        file: PathBuf,
        #[command(flatten)]
        identity: IdentityArg,
    },
    /// Restore a backup into a new practice (--into DIR) or in place of this one (--replace, after
    /// a safety backup of it)
    Restore {
        file: PathBuf,
        /// A directory without a practice: the backup becomes a new practice there, with a new
        /// recovery passphrase (ARCWELL_NEW_PASSPHRASE, or asked twice)
        #[arg(long, value_name = "DIR", required_unless_present = "replace", conflicts_with = "replace")]
        into: Option<PathBuf>,
        /// Replace the practice in --data-dir. A safety backup of it is written first, encrypted
        /// like the backup being restored (the same passphrase, or the identity's public keys)
        #[arg(long)]
        replace: bool,
        /// Where the safety backup goes [default: the automatic backups' folder when set and reachable, else DATA_DIR/backups]
        #[arg(long, value_name = "DIR", requires = "replace")]
        safety_folder: Option<PathBuf>,
        #[command(flatten)]
        identity: IdentityArg,
    },
    /// The backups in a folder, newest first
    List { folder: PathBuf },
    /// Run the automatic backup now if it is due (for cron or a systemd timer): writes one when the
    /// last is older than the interval and something changed, then keeps the last N. Exit 5 when
    /// the run failed (the failure is recorded and shown in the app)
    Auto,
    /// Automatic backup settings: show, or change them
    Settings {
        #[arg(long, conflicts_with = "off")]
        on: bool,
        #[arg(long)]
        off: bool,
        /// The folder (a full path: a USB drive, a synced folder)
        #[arg(long, value_name = "DIR")]
        folder: Option<PathBuf>,
        /// How many automatic backups to keep
        #[arg(long, value_name = "N")]
        keep: Option<u32>,
        #[arg(long, value_name = "HOURS")]
        every_hours: Option<u32>,
        /// Encrypt them to a backup passphrase, taken from ARCWELL_BACKUP_PASSPHRASE (or asked twice)
        #[arg(long)]
        set_passphrase: bool,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// When the last good backup was, and whether one is needed
    Status,
}

#[derive(Args)]
pub struct KeyArgs {
    /// An age public key (age1…) to encrypt to; repeat for several
    #[arg(long = "recipient", value_name = "AGE_PUBLIC_KEY")]
    recipients: Vec<String>,
    /// A file of age public keys, one per line (# comments allowed)
    #[arg(long, value_name = "FILE")]
    recipients_file: Option<PathBuf>,
}

#[derive(Args)]
pub struct IdentityArg {
    /// An age identity file (AGE-SECRET-KEY-1…) for a backup made to public keys; without it, the
    /// backup passphrase (ARCWELL_BACKUP_PASSPHRASE, or asked)
    #[arg(long, short = 'i', value_name = "FILE")]
    identity: Option<PathBuf>,
}

fn read_text(path: &Path, what: &str) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::Invalid(format!("cannot read the {what} {}: {e}", path.display())))
}

fn ask(label: &str, env: &str, confirm: bool) -> Result<Passphrase> {
    if let Ok(p) = std::env::var(env) {
        return Ok(Passphrase::new(p));
    }
    if !std::io::stdin().is_terminal() {
        return Err(Error::Invalid(format!("no {label}: set {env}, or run this in a terminal to be asked")));
    }
    let read = |l: &str| {
        rpassword::prompt_password(l)
            .map(zeroize::Zeroizing::new)
            .map_err(|e| Error::Invalid(format!("cannot read the {label} from the terminal: {e}")))
    };
    let first = read(&format!("{}: ", capitalised(label)))?;
    if confirm && *read(&format!("Repeat the {label}: "))? != *first {
        return Err(Error::Invalid(format!("the two {label}s differ; nothing was done. Try again")));
    }
    Ok(Passphrase::new(first.as_str()))
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

fn recipients(keys: &KeyArgs) -> Result<Recipients> {
    let mut lines: Vec<String> = keys.recipients.clone();
    if let Some(f) = &keys.recipients_file {
        lines.extend(read_text(f, "recipients file")?.lines().map(str::to_owned));
    }
    if lines.is_empty() {
        return Recipients::passphrase(ask("backup passphrase", PASSPHRASE_ENV, true)?);
    }
    Recipients::keys(lines.iter().map(String::as_str))
}

fn unlock(identity: &IdentityArg) -> Result<Unlock> {
    match &identity.identity {
        Some(f) => Unlock::identity_file(&read_text(f, "identity file")?),
        None => Ok(Unlock::Passphrase(ask("backup passphrase", PASSPHRASE_ENV, false)?)),
    }
}

/// Progress on the terminal (stderr), in steps of 10 %; nothing when not a terminal or with --json.
fn progress(json: bool, what: &'static str) -> impl FnMut(u64, u64) {
    let show = !json && std::io::stderr().is_terminal();
    let mut last = None;
    move |done, total| {
        if !show || total == 0 {
            return;
        }
        let pct = done * 100 / total / 10 * 10;
        if last != Some(pct) {
            last = Some(pct);
            eprint!("\r{what}: {pct:>3} %");
            if done == total {
                eprintln!();
            }
        }
    }
}

fn sizes(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn info_text(i: &backup::BackupInfo) -> String {
    format!(
        "{}\n  {} encrypted; database {} (sha256 {}), schema {}, {} participants\n",
        i.path,
        sizes(i.file_bytes),
        sizes(i.manifest.database.bytes),
        &i.manifest.database.sha256[..16],
        i.manifest.schema_version,
        i.manifest.tables.get("participant").copied().unwrap_or(0)
    )
}

fn manifest_text(m: &backup::Manifest) -> String {
    format!(
        "good: made {} by Arcwell {}, schema {}, database {} (sha256 {}), {} participants, {} tables checked\n",
        m.created_at.to_rfc3339(),
        m.arcwell_version,
        m.schema_version,
        sizes(m.database.bytes),
        &m.database.sha256[..16],
        m.tables.get("participant").copied().unwrap_or(0),
        m.tables.len()
    )
}

/// Commands that need the open practice (create, restore --replace) get it from `open`.
pub fn run(
    cmd: BackupCmd,
    dir: &Path,
    keychain: &Keychain,
    open: impl FnOnce() -> Result<Practice>,
    recovery: impl FnOnce() -> Result<Passphrase>,
    json: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    match cmd {
        BackupCmd::Create { to: to_file, folder, keys } => {
            let to = recipients(&keys)?;
            let mut practice = open()?;
            let dest = match (to_file, folder) {
                (Some(f), _) => f,
                (None, Some(d)) => d.join(practice.backups().file_name(backup::Made::ByHand, now)?),
                (None, None) => {
                    return Err(Error::Invalid("say where the backup goes: --to FILE or --folder DIR".into()));
                }
            };
            let info = practice.backups().write_to(&dest, &to, now, &mut progress(json, "Backing up"))?;
            output::print(json, &info, info_text)
        }
        BackupCmd::Verify { file, identity } => {
            let m = backup::verify(&file, &unlock(&identity)?, &mut progress(json, "Checking"))?;
            output::print(json, &m, manifest_text)
        }
        BackupCmd::Restore { file, into: Some(target), identity, .. } => {
            let unlock = unlock(&identity)?;
            let pass = ask("new recovery passphrase", NEW_PASSPHRASE_ENV, true)?;
            let (m, p) = arcwell::practice::restore_into(
                &target,
                &file,
                &unlock,
                &pass,
                keychain,
                &mut progress(json, "Restoring"),
            )?;
            output::print(json, &m, |m| format!("restored into {}\n{}", p.dir().display(), manifest_text(m)))
        }
        BackupCmd::Restore { file, identity, safety_folder, .. } => {
            let unlock = unlock(&identity)?;
            // The key for the restored file comes from the keychain, or else the recovery passphrase.
            let (mut practice, pass) = match Practice::open_with_keychain(dir, keychain)? {
                Some(p) => (p, None),
                None => {
                    let pass = recovery()?;
                    (Practice::open_with_passphrase(dir, &pass, keychain)?, Some(pass))
                }
            };
            let safety = match safety_folder {
                Some(folder) => {
                    std::fs::create_dir_all(&folder).map_err(|e| {
                        Error::Invalid(format!("cannot create the safety folder {}: {e}", folder.display()))
                    })?;
                    folder.join(practice.backups().file_name(backup::Made::BeforeRestore, now)?)
                }
                None => practice.backups().safety_path(now)?,
            };
            let (m, safety) = practice.restore_replacing(
                &file,
                &unlock,
                &safety,
                &unlock.as_recipients(),
                pass.as_ref(),
                keychain,
                now,
                &mut progress(json, "Restoring"),
            )?;
            #[derive(serde::Serialize)]
            struct Replaced<'a> {
                restored: &'a backup::Manifest,
                safety_backup: &'a backup::BackupInfo,
            }
            output::print(json, &Replaced { restored: &m, safety_backup: &safety }, |r| {
                format!(
                    "replaced the practice in {}\n{}safety backup of what it was:\n  {}",
                    dir.display(),
                    manifest_text(r.restored),
                    info_text(r.safety_backup)
                )
            })
        }
        BackupCmd::Auto => {
            let outcome = open()?.backups().run_automatic(now)?;
            if let backup::auto::AutoOutcome::Failed { reason } = &outcome {
                if json {
                    output::print(json, &outcome, |_| String::new())?;
                }
                return Err(Error::Conflict(format!("the automatic backup failed: {reason}")));
            }
            output::print(json, &outcome, |o| match o {
                backup::auto::AutoOutcome::Off => "automatic backups are off (arcwell backup settings --on …)\n".into(),
                backup::auto::AutoOutcome::NotDue { next } => format!("not due until {}\n", next.to_rfc3339()),
                backup::auto::AutoOutcome::Unchanged => "nothing changed since the last backup\n".into(),
                backup::auto::AutoOutcome::Written { info, removed } => {
                    format!("{}{} older backups removed\n", info_text(info), removed.len())
                }
                backup::auto::AutoOutcome::Failed { .. } => String::new(),
            })
        }
        BackupCmd::Settings { on, off, folder, keep, every_hours, set_passphrase, keys } => {
            let mut practice = open()?;
            let old = practice.backups().auto_settings()?;
            let changed = on
                || off
                || folder.is_some()
                || keep.is_some()
                || every_hours.is_some()
                || set_passphrase
                || !keys.recipients.is_empty()
                || keys.recipients_file.is_some();
            let shown = if changed {
                let passphrase =
                    if set_passphrase { Some(ask("backup passphrase", PASSPHRASE_ENV, true)?) } else { None };
                let mut recipients = keys.recipients.clone();
                if let Some(f) = &keys.recipients_file {
                    recipients.extend(read_text(f, "recipients file")?.lines().map(str::to_owned));
                }
                let input = backup::auto::AutoBackupInput {
                    enabled: if on {
                        true
                    } else if off {
                        false
                    } else {
                        old.enabled
                    },
                    folder: folder.map(|f| f.display().to_string()).or(old.folder),
                    keep: Some(keep.unwrap_or(old.keep)),
                    every_hours: Some(every_hours.unwrap_or(old.every_hours)),
                    passphrase: passphrase.map(|p| p.expose_for_settings()),
                    recipients,
                };
                practice.backups().save_auto_settings(&input, now)?
            } else {
                old
            };
            output::print(json, &shown, |s| {
                format!(
                    "automatic backups: {}\n  folder: {}\n  every {} hours, keeping the last {}\n  encrypted to: {}\n",
                    if s.enabled { "on" } else { "off" },
                    s.folder.as_deref().unwrap_or("(none)"),
                    s.every_hours,
                    s.keep,
                    if s.has_passphrase {
                        "a backup passphrase".to_owned()
                    } else if s.recipients.is_empty() {
                        "(nothing yet)".to_owned()
                    } else {
                        s.recipients.join(", ")
                    }
                )
            })
        }
        BackupCmd::Status => {
            let h = open()?.backups().health(now)?;
            output::print(json, &h, |h| {
                let last = h.last_good.map(|t| t.to_rfc3339()).unwrap_or_else(|| "never".into());
                let mut s = format!(
                    "last good backup: {last}{}\n",
                    h.last_good_path.as_deref().map(|p| format!(" ({p})")).unwrap_or_default()
                );
                if let Some(f) = &h.last_failure {
                    s.push_str(&format!("the last automatic backup failed: {f}\n"));
                }
                if h.stale {
                    s.push_str("a backup is needed: arcwell backup create --folder DIR\n");
                }
                s
            })
        }
        BackupCmd::List { folder } => {
            let list = backup::list(&folder)?;
            output::print(json, &list, |l| {
                if l.is_empty() {
                    return format!("no backups in {}\n", folder.display());
                }
                l.iter()
                    .map(|b| {
                        let when = b.modified.map(|m| m.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default();
                        format!("{}  {}  {}\n", when, sizes(b.bytes), b.path)
                    })
                    .collect()
            })
        }
    }
}

//! Automatic backups: when one is due, writing it, keeping the last N, and whether the practice's
//! backups are healthy (a recent good one, the folder reachable).

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::Backups;
use super::{BackupInfo, EXTENSION, Recipients};
use crate::domain::time::{from_db, to_db};
use crate::key::Passphrase;
use crate::store::audit::{self, Action, Subject};
use crate::{Error, Practice, Result};

/// A backup older than this is stale: an alert says so.
pub const STALE_AFTER_DAYS: i64 = 7;

/// After a failed automatic run (the drive not plugged in, the disk full), the next automatic run
/// waits this long, so a scheduler woken by every change does not retry a large backup each time.
pub const RETRY_FAILED_AFTER_MINUTES: i64 = 60;

/// The automatic backup settings, as the facilitator sees them (a passphrase is never sent back,
/// only whether one is set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AutoBackupSettings {
    pub enabled: bool,
    pub folder: Option<String>,
    pub keep: u32,
    pub every_hours: u32,
    pub has_passphrase: bool,
    /// age public keys, when backups are encrypted to keys.
    pub recipients: Vec<String>,
}

/// A change to the settings. `passphrase`: `Some` sets a new backup passphrase (and clears the
/// keys); `recipients` non-empty sets keys (and clears the passphrase); neither keeps what is there.
#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct AutoBackupInput {
    pub enabled: bool,
    #[ts(optional)]
    pub folder: Option<String>,
    #[ts(optional)]
    pub keep: Option<u32>,
    #[ts(optional)]
    pub every_hours: Option<u32>,
    #[ts(optional)]
    pub passphrase: Option<String>,
    #[serde(default)]
    pub recipients: Vec<String>,
}

/// What one automatic run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[ts(export)]
// One value per backup run, returned and dropped: the size of its largest variant costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum AutoOutcome {
    Off,
    /// The last good backup is recent enough; the next is due then.
    NotDue {
        #[ts(type = "string")]
        next: DateTime<Utc>,
    },
    /// Nothing changed since the last good backup.
    Unchanged,
    Written {
        info: BackupInfo,
        /// Older automatic backups deleted to keep the last N.
        removed: Vec<String>,
    },
    /// Recorded; the next run tries again.
    Failed {
        reason: String,
    },
}

/// The backups' health, for the alert and the settings screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BackupHealth {
    #[ts(type = "string | null")]
    pub last_good: Option<DateTime<Utc>>,
    pub last_good_path: Option<String>,
    /// The last automatic run's failure, if it failed.
    pub last_failure: Option<String>,
    /// No good backup for STALE_AFTER_DAYS (or never), or the last automatic run failed.
    pub stale: bool,
    pub automatic: bool,
    /// A page of the practice file a backup found failing its check since the practice was
    /// opened: no backup is written until a repair mends the file (`Practice::repair_file`).
    #[ts(type = "number | null")]
    pub damaged_page: Option<u64>,
}

impl BackupHealth {
    /// With the damaged page a backup found, which the practice keeps in memory: stale, too.
    pub(crate) fn with_damaged_page(mut self, page: Option<u64>) -> Self {
        self.stale |= page.is_some();
        self.damaged_page = page;
        self
    }
}

struct Stored {
    enabled: bool,
    folder: Option<String>,
    keep: u32,
    every_hours: u32,
    passphrase: Option<String>,
    recipients: Option<String>,
}

fn stored(conn: &Connection) -> Result<Stored> {
    Ok(conn.query_row(
        "SELECT enabled, folder, keep, every_hours, passphrase, recipients FROM backup_settings WHERE id = 1",
        [],
        |r| {
            Ok(Stored {
                enabled: r.get(0)?,
                folder: r.get(1)?,
                keep: r.get(2)?,
                every_hours: r.get(3)?,
                passphrase: r.get(4)?,
                recipients: r.get(5)?,
            })
        },
    )?)
}

fn shown(s: &Stored) -> AutoBackupSettings {
    AutoBackupSettings {
        enabled: s.enabled,
        folder: s.folder.clone(),
        keep: s.keep,
        every_hours: s.every_hours,
        has_passphrase: s.passphrase.is_some(),
        recipients: s.recipients.as_deref().map(|r| r.lines().map(str::to_owned).collect()).unwrap_or_default(),
    }
}

fn changes(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT n FROM change_counter WHERE id = 1", [], |r| r.get(0))?)
}

/// A good run: when, where, and the change counter it saw.
type GoodRun = (DateTime<Utc>, Option<String>, i64);

/// The last good run.
fn last_good(conn: &Connection) -> Result<Option<GoodRun>> {
    conn.query_row("SELECT at, path, changes FROM backup_run WHERE ok = 1 ORDER BY seq DESC LIMIT 1", [], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, i64>(2)?))
    })
    .optional()?
    .map(|(at, path, n)| Ok((from_db(&at)?, path, n)))
    .transpose()
}

/// When the last automatic run failed and why, if the last automatic run did fail.
fn last_automatic_failure(conn: &Connection) -> Result<Option<(DateTime<Utc>, String)>> {
    let last: Option<(String, bool, Option<String>)> = conn
        .query_row("SELECT at, ok, error FROM backup_run WHERE automatic = 1 ORDER BY seq DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    match last {
        Some((at, false, why)) => Ok(Some((from_db(&at)?, why.unwrap_or_default()))),
        _ => Ok(None),
    }
}

impl AutoOutcome {
    /// When a scheduler should run the automatic backup again after this outcome; `None`: only
    /// after a change (a write wakes the scheduler) or never (off).
    pub fn next_attempt(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            // After a backup, nothing is due until something changes; that change wakes the
            // scheduler, whose run then answers NotDue with the exact time.
            AutoOutcome::Off | AutoOutcome::Unchanged | AutoOutcome::Written { .. } => None,
            AutoOutcome::NotDue { next } => Some(*next),
            AutoOutcome::Failed { .. } => Some(now + Duration::minutes(RETRY_FAILED_AFTER_MINUTES)),
        }
    }
}

/// When an automatic backup's file name says it was made: `practice-<time>` as Arcwell named
/// them before schema 12, or this practice's `arcwell-auto-<id>-<time>`.
fn named_time(name: &str) -> Option<chrono::NaiveDateTime> {
    let stem = name.strip_suffix(&format!(".{EXTENSION}"))?;
    // The time is the name's last 18 characters: `2026-12-01T103000Z`.
    let (before, time) = stem.split_at_checked(stem.len().checked_sub(18)?)?;
    before.ends_with('-').then_some(())?;
    chrono::NaiveDateTime::parse_from_str(time, "%Y-%m-%dT%H%M%SZ").ok()
}

/// Deletes the oldest of this practice's automatic backups in `folder` beyond `keep`; returns what
/// it deleted. A file is this practice's automatic backup when its name says so
/// (`arcwell-auto-<this practice's id>-<time>`), or when it has the name automatic backups had
/// before schema 12 and this practice's own record of its runs lists it (`legacy`): never a backup
/// made by hand, another practice's, or a file that only looks like one.
fn rotate(folder: &Path, keep: u32, practice_id: &str, legacy: &[String]) -> Result<Vec<String>> {
    let mut found: Vec<(chrono::NaiveDateTime, String)> = std::fs::read_dir(folder)
        .map_err(|e| Error::io(format!("cannot read the backup folder {}", folder.display()), e))?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| {
            super::is_automatic_of(n, practice_id)
                || (n.starts_with("practice-") && legacy.iter().any(|p| *p == folder.join(n).display().to_string()))
        })
        .filter_map(|n| named_time(&n).map(|t| (t, n)))
        .collect();
    found.sort();
    let excess = found.len().saturating_sub(keep as usize);
    let mut removed = Vec::new();
    for (_, n) in found.into_iter().take(excess) {
        let p = folder.join(&n);
        std::fs::remove_file(&p).map_err(|e| Error::io(format!("cannot delete the old backup {}", p.display()), e))?;
        removed.push(p.display().to_string());
    }
    Ok(removed)
}

/// The paths of the automatic backups this practice wrote under the names used before schema 12.
fn legacy_automatic(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT path FROM backup_run WHERE automatic = 1 AND ok = 1 AND path IS NOT NULL AND path LIKE '%practice-%'",
    )?;
    let paths = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(paths)
}

impl Backups<'_> {
    pub fn auto_settings(self) -> Result<AutoBackupSettings> {
        self.practice.read(|conn| stored(conn).map(|s| shown(&s)))
    }

    /// Changes the automatic backup settings. Turning them on needs a folder and a way to encrypt.
    pub fn save_auto_settings(self, input: &AutoBackupInput, now: DateTime<Utc>) -> Result<AutoBackupSettings> {
        let keep = input.keep.unwrap_or(14);
        let every = input.every_hours.unwrap_or(24);
        if !(1..=1000).contains(&keep) {
            return Err(Error::invalid(format!("keep between 1 and 1000 backups (not {keep})")));
        }
        if !(1..=720).contains(&every) {
            return Err(Error::invalid(format!("back up every 1 to 720 hours (not {every})")));
        }
        let folder = input.folder.as_deref().map(str::trim).filter(|f| !f.is_empty()).map(str::to_owned);
        if let Some(f) = &folder
            && !Path::new(f).is_absolute()
        {
            return Err(Error::invalid(format!(
                "{f:?} is not a full path; choose the folder by its full path, e.g. /media/usb/arcwell"
            )));
        }
        let passphrase = match input.passphrase.as_deref() {
            Some(p) => {
                Passphrase::new(p).check_backup_strength()?;
                Some(p.to_owned())
            }
            None => None,
        };
        let keys = if input.recipients.iter().any(|r| !r.trim().is_empty()) {
            // Checked as age keys now, so an automatic run never fails on a typo.
            Recipients::keys(input.recipients.iter().map(String::as_str))?;
            Some(input.recipients.iter().map(|r| r.trim()).filter(|r| !r.is_empty()).collect::<Vec<_>>().join("\n"))
        } else {
            None
        };
        self.practice.write_untracked(|tx| {
            let old = stored(tx)?;
            let (pass, recips) = match (passphrase, keys) {
                (Some(_), Some(_)) => {
                    return Err(Error::invalid(
                        "choose a backup passphrase or public keys, not both (age allows a passphrase only alone)",
                    ));
                }
                (Some(p), None) => (Some(p), None),
                (None, Some(k)) => (None, Some(k)),
                (None, None) => (old.passphrase, old.recipients),
            };
            if input.enabled && folder.is_none() {
                return Err(Error::invalid("choose the folder automatic backups go to (a USB drive, a synced folder)"));
            }
            if input.enabled && pass.is_none() && recips.is_none() {
                return Err(Error::invalid("set a backup passphrase or age public keys for automatic backups"));
            }
            tx.execute(
                "UPDATE backup_settings SET enabled = ?1, folder = ?2, keep = ?3, every_hours = ?4, passphrase = ?5,
                   recipients = ?6, updated_at = ?7 WHERE id = 1",
                params![input.enabled, folder, keep, every, pass, recips, to_db(now)],
            )?;
            audit::record(tx, Action::Update, &Subject::Settings, Some("automatic backups"))?;
            stored(tx).map(|s| shown(&s))
        })
    }

    /// One automatic run (the app's scheduler, or `arcwell backup auto` from cron).
    pub fn run_automatic(self, now: DateTime<Utc>) -> Result<AutoOutcome> {
        self.practice.folder_backup(now, false)
    }

    /// "Back up now" (the app's button): a backup into the automatic backups' folder with their
    /// passphrase or keys, whether or not one is due; the same rotation applies.
    pub fn backup_now(self, now: DateTime<Utc>) -> Result<AutoOutcome> {
        self.practice.folder_backup(now, true)
    }

    /// Where a safety backup goes before a restore replaces this practice: the automatic backups'
    /// folder when one is set and reachable (off this laptop, if it is a USB drive or synced
    /// folder), else `backups` in the practice's directory. Created when missing; the file is named
    /// `before-restore-arcwell-<id>-<UTC time>.arcwell-backup`, which rotation never deletes.
    pub fn safety_path(self, now: DateTime<Utc>) -> Result<PathBuf> {
        let chosen = self.practice.read(stored)?.folder.map(PathBuf::from).filter(|f| f.is_dir());
        let folder = chosen.unwrap_or_else(|| self.practice.dir().join("backups"));
        std::fs::create_dir_all(&folder)
            .map_err(|e| Error::io(format!("cannot create the safety backup folder {}", folder.display()), e))?;
        Ok(folder.join(self.practice.backups().file_name(super::Made::BeforeRestore, now)?))
    }

    /// When the last good backup was, and whether the practice needs one.
    pub fn health(self, now: DateTime<Utc>) -> Result<BackupHealth> {
        let damaged = self.practice.damaged_page();
        Ok(self.practice.read(|conn| health(conn, now))?.with_damaged_page(damaged))
    }
}

impl Practice {
    fn folder_backup(&mut self, now: DateTime<Utc>, by_hand: bool) -> Result<AutoOutcome> {
        let (s, counter, last, failed) =
            self.read(|conn| Ok((stored(conn)?, changes(conn)?, last_good(conn)?, last_automatic_failure(conn)?)))?;
        if by_hand && (s.folder.is_none() || (s.passphrase.is_none() && s.recipients.is_none())) {
            return Err(Error::invalid("choose the backup folder and a backup passphrase (or public keys) first"));
        }
        if !s.enabled && !by_hand {
            return Ok(AutoOutcome::Off);
        }
        if !by_hand && let Some((failed, _)) = failed {
            let next = failed + Duration::minutes(RETRY_FAILED_AFTER_MINUTES);
            if now < next {
                return Ok(AutoOutcome::NotDue { next });
            }
        }
        if let Some((at, _, seen)) = last.as_ref().filter(|_| !by_hand) {
            let next = *at + Duration::hours(i64::from(s.every_hours));
            if now < next {
                return Ok(AutoOutcome::NotDue { next });
            }
            if *seen == counter {
                return Ok(AutoOutcome::Unchanged);
            }
        }
        let folder = PathBuf::from(s.folder.clone().unwrap_or_default());
        let to = match (&s.passphrase, &s.recipients) {
            (Some(p), _) => Recipients::Passphrase(Passphrase::new(p.as_str())),
            (None, Some(r)) => Recipients::keys(r.lines())?,
            (None, None) => return Err(Error::invalid("automatic backups have no passphrase or keys")),
        };
        let attempt = (|| -> Result<(BackupInfo, Vec<String>, i64)> {
            if !folder.is_dir() {
                return Err(Error::invalid(format!(
                    "the backup folder {} is not there (is the drive plugged in?)",
                    folder.display()
                )));
            }
            let made = if by_hand { super::Made::ByHand } else { super::Made::Automatic };
            let name = self.backups().file_name(made, now)?;
            let (info, seen) = self.write_backup(&folder.join(name), &to, now, &mut |_, _| {})?;
            let (practice_id, legacy) = self.read(|conn| Ok((self.practice_id_in(conn)?, legacy_automatic(conn)?)))?;
            let removed = rotate(&folder, s.keep, &practice_id, &legacy)?;
            Ok((info, removed, seen))
        })();
        match attempt {
            Ok((info, removed, counter)) => {
                self.write_untracked(|tx| {
                    tx.execute(
                        "INSERT INTO backup_run (at, automatic, ok, path, bytes, sha256, changes) VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6)",
                        params![to_db(now), !by_hand, info.path, info.file_bytes as i64, info.manifest.database.sha256, counter],
                    )?;
                    audit::record(tx, Action::Backup, &Subject::Backup, Some(if by_hand { "by hand" } else { "automatic" }))
                })?;
                Ok(AutoOutcome::Written { info, removed })
            }
            Err(e) => {
                let reason = e.to_string();
                self.write_untracked(|tx| {
                    tx.execute(
                        "INSERT INTO backup_run (at, automatic, ok, changes, error) VALUES (?1, ?2, 0, ?3, ?4)",
                        params![to_db(now), !by_hand, counter, reason],
                    )?;
                    audit::record(tx, Action::Backup, &Subject::Backup, Some("failed"))
                })?;
                Ok(AutoOutcome::Failed { reason })
            }
        }
    }

    /// Records a backup made by hand (the CLI's or the app's `backup create`), so it counts as good.
    pub(crate) fn record_manual_backup(&mut self, info: &BackupInfo, counter: i64, now: DateTime<Utc>) -> Result<()> {
        self.write_untracked(|tx| {
            tx.execute(
                "INSERT INTO backup_run (at, automatic, ok, path, bytes, sha256, changes) VALUES (?1, 0, 1, ?2, ?3, ?4, ?5)",
                params![to_db(now), info.path, info.file_bytes as i64, info.manifest.database.sha256, counter],
            )?;
            audit::record(tx, Action::Backup, &Subject::Backup, Some("by hand"))
        })
    }
}

/// The backups' health, read inside another read (the dashboard's).
pub(crate) fn health(conn: &Connection, now: DateTime<Utc>) -> Result<BackupHealth> {
    {
        let s = stored(conn)?;
        let last = last_good(conn)?;
        let last_failure = last_automatic_failure(conn)?.filter(|_| s.enabled).map(|(_, why)| why);
        let old = last.as_ref().is_none_or(|(at, _, _)| now - *at > Duration::days(STALE_AFTER_DAYS));
        Ok(BackupHealth {
            last_good: last.as_ref().map(|l| l.0),
            last_good_path: last.and_then(|l| l.1),
            stale: old || last_failure.is_some(),
            last_failure,
            automatic: s.enabled,
            damaged_page: None,
        })
    }
}
